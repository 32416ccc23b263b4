"""
What knowing the camera's response curve would buy: the evaluation of evaluate.py, plus methods that linearise the
input with the simulated camera's TRUE curve instead of the sRGB curve. No real photo comes with its curve, so
these are upper bounds for a model that estimated it, not results.

    /usr/bin/python3 training/crf_oracle.py --onnx models/unclip-v1.onnx [--seeds 0 1 2] [--json OUT.json]

Options:
    --onnx PATH / --checkpoint PATH  the model: an exported blend model (its decoder weights are read by name, the
                       frozen encoder from --weights) or a train.py checkpoint. Without either, only the
                       model-free methods run.
    --weights PATH     the encoder's TFLite file, for --onnx (default ../shared/weights/...).
    --val DIR, --crf-dir DIR, --max-side N   as in evaluate.py.
    --seeds N ...      camera / view seeds (default 0 1 2).
    --json PATH        also write every seed's per-image and mean metrics.

Methods (all scored by evaluate.evaluate_predictor, one global scale alignment on well-exposed pixels):
    baseline             the input linearised with the sRGB curve (evaluate.py's baseline)
    model                the model as shipped: its blend keeps the sRGB-linearised input below the highlights
    true curve           the input linearised with the inverse of the camera's own curve
    true curve + model   the model's highlights over the true-curve-linearised input: the blend redone with the
                         true linearisation, hdr + (1 - alpha) * (lin_true - lin_sRGB)
    true curve + truth   the true HDR blended in over the true-curve linearisation: what is left is noise and JPEG
"""

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from calibrate import blend, blend_alpha
from camera import invert_crf, srgb_to_linear
from data import DEFAULT_HDR_DIR, make_eval_pairs
from evaluate import evaluate_predictor, json_safe, net_predictor
import model
from tflite_encoder import DEFAULT_WEIGHTS



def relinearise(hdr: np.ndarray, ldr: np.ndarray, linear: np.ndarray, threshold: float) -> np.ndarray:
    """A blend model's output hdr with its sRGB-linearised part swapped for `linear`: the highlights (alpha) stay."""
    return hdr + (1.0 - blend_alpha(ldr, threshold)) * (linear - srgb_to_linear(ldr))


def load_blend_model(onnx_path: Path | None, checkpoint: Path | None, weights: Path):
    """-> (numpy predictor, blend threshold) of an exported model (decoder weights read by name, the frozen encoder
    from the TFLite file) or a train.py checkpoint; it must be a blend model, whose linearised part can be swapped."""
    if onnx_path is not None:
        if not weights.is_file():
            raise SystemExit(f"--onnx needs the encoder weights: {weights} not found (see training/README.md)")
        config = model.UnclipConfig(recipe="shipped", upsample="icnr_blur", blend=True)
        net = model.build(config, weights)
        model.load_onnx_decoder(net, onnx_path)
        net.eval()
    else:
        net, config = model.load_checkpoint(checkpoint)
    if not config.blend:
        raise SystemExit("crf_oracle.py needs a blend model: without the blend there is no linearised part to swap")
    return net_predictor(net), config.blend_threshold


def score_seed(pairs: list[dict], predict=None, threshold: float = model.UnclipConfig.blend_threshold) -> dict:
    """Every method of this study on one seed's pairs -> {method: evaluate_predictor result}."""
    by_ldr = {id(p["ldr"]): p for p in pairs}  # evaluate_predictor passes each pair's own ldr array

    def true_linear(ldr):
        return invert_crf(ldr, by_ldr[id(ldr)]["crf"])

    results = {"baseline": evaluate_predictor(srgb_to_linear, pairs),
               "true curve": evaluate_predictor(true_linear, pairs)}
    if predict is not None:
        outputs = {id(p["ldr"]): predict(p["ldr"]) for p in pairs}  # one inference per image
        results["model"] = evaluate_predictor(lambda ldr: outputs[id(ldr)], pairs)
        results["true curve + model"] = evaluate_predictor(
            lambda ldr: relinearise(outputs[id(ldr)], ldr, true_linear(ldr), threshold), pairs)
    results["true curve + truth"] = evaluate_predictor(
        lambda ldr: relinearise(blend(ldr, by_ldr[id(ldr)]["hdr"], threshold), ldr, true_linear(ldr), threshold), pairs)
    return results


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description="Evaluation with the camera's true response curve (an upper bound).")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--onnx", type=Path, default=None)
    source.add_argument("--checkpoint", type=Path, default=None)
    parser.add_argument("--weights", type=Path, default=DEFAULT_WEIGHTS)
    parser.add_argument("--val", type=Path, default=DEFAULT_HDR_DIR / "val")
    parser.add_argument("--crf-dir", type=Path, default=None)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--max-side", type=int, default=1024)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    if not args.val.is_dir():
        parser.error(f"validation folder not found: {args.val}")

    predict, threshold = None, model.UnclipConfig.blend_threshold
    if args.onnx is not None or args.checkpoint is not None:
        predict, threshold = load_blend_model(args.onnx, args.checkpoint, args.weights)

    report = {}
    for seed in args.seeds:
        pairs = make_eval_pairs(args.val, seed=seed, max_side=args.max_side, crf_dir=args.crf_dir)
        if not pairs:
            parser.error(f"no .hdr files in {args.val}")
        report[seed] = score_seed(pairs, predict, threshold)
        print(f"seed {seed}: " + "  ".join(f"{name} {r['mean']['pu21_psnr']:.2f} dB / {r['mean']['clip_log2_err']:.3f}"
                                          for name, r in report[seed].items()), flush=True)
    methods = list(next(iter(report.values())))
    print("\n| method | PU21-PSNR dB (mean over seeds) | clipped log2 err |\n|---|---|---|")
    for name in methods:
        psnr = np.mean([report[s][name]["mean"]["pu21_psnr"] for s in report])
        err = np.mean([report[s][name]["mean"]["clip_log2_err"] for s in report])
        print(f"| {name} | {psnr:.2f} | {err:.3f} |")
    if args.json is not None:
        args.json.write_text(json.dumps(json_safe({str(s): r for s, r in report.items()}), indent=2,
                                        allow_nan=False) + "\n")
    return report


if __name__ == "__main__":
    main(sys.argv[1:])
