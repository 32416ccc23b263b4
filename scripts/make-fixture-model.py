"""Build the test fixture model: a tiny hand-written ONNX graph with the product model's contract.

It is NOT a trained model and is never placed in models/. It exists so engine tests run real
onnxruntime-node end to end without the trained weights:

    input  ldr: float32 [1, 3, H, W], sRGB-encoded RGB in [0, 1]
    output hdr: float32 [1, 3, H, W], linear radiance relative to the input's exposure

    lin    = inverse sRGB curve of ldr
    mask   = clip((max over channels of ldr - KNEE) / (1 - KNEE), 0, 1) ** 2     # (1, 1, H, W)
    spread = AveragePool(mask, BLUR x BLUR, pads excluded from the mean)          # (1, 1, H, W)
    hdr    = lin * (1 + GAIN * spread)

The blur makes every output pixel depend on its neighbourhood, the way a real network's receptive
field does, so a pipeline that tiles or strips the image badly shows seams with this model too.

Usage: /usr/bin/python3 scripts/make-fixture-model.py   (writes test/fixtures/models/unclip-fixture.*)
"""

import json
import pathlib

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

KNEE = 0.8  # max-channel value where highlight expansion starts
GAIN = 3.0  # fully clipped neighbourhoods get (1 + GAIN)x the radiance
BLUR = 9  # side of the square mask blur, in pixels
SIZE_MULTIPLE = 16
OPSET = 17

OUT_DIR = pathlib.Path(__file__).resolve().parent.parent / "test" / "fixtures" / "models"


def const(name: str, value: float) -> onnx.TensorProto:
    return numpy_helper.from_array(np.array(value, dtype=np.float32), name)


def build() -> onnx.ModelProto:
    nodes = [
        # Inverse sRGB: both branches computed, Where picks per element.
        helper.make_node("LessOrEqual", ["ldr", "c_thresh"], ["is_low"]),
        helper.make_node("Div", ["ldr", "c_12_92"], ["low"]),
        helper.make_node("Add", ["ldr", "c_0_055"], ["hi_a"]),
        helper.make_node("Div", ["hi_a", "c_1_055"], ["hi_b"]),
        helper.make_node("Pow", ["hi_b", "c_2_4"], ["high"]),
        helper.make_node("Where", ["is_low", "low", "high"], ["lin"]),
        # Highlight mask from the brightest channel, squared for a soft knee.
        helper.make_node("ReduceMax", ["ldr"], ["peak"], axes=[1], keepdims=1),
        helper.make_node("Sub", ["peak", "c_knee"], ["over"]),
        helper.make_node("Div", ["over", "c_range"], ["over_n"]),
        helper.make_node("Clip", ["over_n", "c_zero", "c_one"], ["mask_lin"]),
        helper.make_node("Mul", ["mask_lin", "mask_lin"], ["mask"]),
        helper.make_node(
            "AveragePool",
            ["mask"],
            ["spread"],
            kernel_shape=[BLUR, BLUR],
            pads=[BLUR // 2] * 4,
            count_include_pad=0,
        ),
        helper.make_node("Mul", ["spread", "c_gain"], ["boost_a"]),
        helper.make_node("Add", ["boost_a", "c_one"], ["boost"]),
        helper.make_node("Mul", ["lin", "boost"], ["hdr"]),
    ]
    initializers = [
        const("c_thresh", 0.04045),
        const("c_12_92", 12.92),
        const("c_0_055", 0.055),
        const("c_1_055", 1.055),
        const("c_2_4", 2.4),
        const("c_knee", KNEE),
        const("c_range", 1.0 - KNEE),
        const("c_zero", 0.0),
        const("c_one", 1.0),
        const("c_gain", GAIN),
    ]
    graph = helper.make_graph(
        nodes,
        "unclip_fixture",
        [helper.make_tensor_value_info("ldr", TensorProto.FLOAT, [1, 3, "H", "W"])],
        [helper.make_tensor_value_info("hdr", TensorProto.FLOAT, [1, 3, "H", "W"])],
        initializers,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="unclip-fixture")
    # ir_version 8 keeps the file loadable by every onnxruntime the app supports.
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def main() -> None:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    onnx.save(build(), OUT_DIR / "unclip-fixture.onnx")
    card = {
        "name": "unclip-fixture",
        "version": "0.0.1",
        "file": "unclip-fixture.onnx",
        "input": "ldr",
        "output": "hdr",
        "size_multiple": SIZE_MULTIPLE,
        "fixture": True,
        "description": (
            "Test fixture, not a trained model: inverse sRGB plus a blurred highlight boost "
            f"(knee {KNEE}, gain {GAIN}, {BLUR}x{BLUR} blur). Built by scripts/make-fixture-model.py."
        ),
    }
    (OUT_DIR / "unclip-fixture.json").write_text(json.dumps(card, indent=2) + "\n")


if __name__ == "__main__":
    main()
