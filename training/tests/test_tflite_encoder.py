"""The TFLite reader and the float MobileNetV3 encoder: structure, shapes, and ImageNet labels on a real photo."""
import cv2
import numpy as np
import pytest
import torch

from tflite_encoder import (ADD, AVERAGE_POOL_2D, CONV_2D, DEPTHWISE_CONV_2D, FEATURE_CHANNELS, RESHAPE, SOFTMAX,
                            MobileNetV3Encoder, load_tflite, read_tflite)


def test_feature_pyramid_shapes_without_weights():
    net = MobileNetV3Encoder().eval()
    with torch.no_grad():
        feats = net(torch.rand(2, 3, 64, 96))
    assert [tuple(f.shape) for f in feats] == [(2, c, 64 // s, 96 // s)
                                               for c, s in zip(FEATURE_CHANNELS, (2, 4, 8, 16, 32))]


def test_reads_the_graph(weights):
    ops = read_tflite(weights)
    codes = [op.opcode for op in ops]
    assert len(ops) == 62
    assert codes.count(CONV_2D) == 33 and codes.count(DEPTHWISE_CONV_2D) == 15 and codes.count(ADD) == 10
    assert codes[-4:] == [AVERAGE_POOL_2D, CONV_2D, RESHAPE, SOFTMAX]
    first = ops[0]
    assert first.inputs[0].shape == (1, 224, 224, 3) and first.outputs[0].shape == (1, 112, 112, 16)
    assert first.inputs[1].data.dtype == np.uint8 and first.inputs[2].data.dtype == np.int32
    assert first.stride == 2 and ops[1].stride == 1


def test_activations_are_clamped_to_their_quantised_ranges(weights):
    net = load_tflite(weights)
    assert float(net.stem.lo) == pytest.approx(0.0, abs=1e-6)  # a ReLU leaves [0, max]
    assert float(net.blocks[0].project.lo) < 0  # the linear projection keeps negatives
    assert all(not p.requires_grad for p in net.parameters())
    with torch.no_grad():
        feats = net(torch.rand(1, 3, 64, 64))
    assert float(feats[-1].min()) >= float(net.last.lo) and float(feats[-1].max()) <= float(net.last.hi)


def golden_gate_crop(val_dir):
    """The Golden Gate at dusk (val image, BSD-3 ILM): tone-mapped (99.9th percentile -> white, gamma 2.2),
    the centre square, 224x224, 8-bit. Checked by eye: the bridge spans the middle over the bay."""
    hdr = cv2.imread(str(val_dir / 'openexr-images__Tiles__GoldenGate.hdr'), cv2.IMREAD_UNCHANGED)
    if hdr is None:
        pytest.skip('openexr-images__Tiles__GoldenGate.hdr absent from the val folder')
    rgb = hdr[..., ::-1].astype(np.float32)
    ldr = np.clip(rgb / np.percentile(rgb, 99.9), 0, 1) ** (1 / 2.2)
    h, w = ldr.shape[:2]
    square = ldr[:, (w - h) // 2:(w + h) // 2]
    x = cv2.resize(square, (224, 224), interpolation=cv2.INTER_AREA)
    return torch.round(torch.from_numpy(x.copy()).permute(2, 0, 1)[None] * 255) / 255


def test_classifies_a_real_photo(weights, labels, val_dir):
    net = load_tflite(weights, with_head=True)
    x = golden_gate_crop(val_dir)
    with torch.no_grad():
        top5 = [labels[i] for i in net.logits(x)[0].topk(5).indices]
    assert any('suspension bridge' in name for name in top5), top5
    assert any(k in top5[0] for k in ('pier', 'promontory', 'suspension bridge', 'seashore')), top5


def test_float_network_matches_the_quantised_graph(weights, val_dir):
    """The reference re-quantises every activation to its uint8 grid (what the integer kernels compute, up to
    their fixed-point rounding); the float network must agree with it on the label, on most of the top 5 and on
    the probabilities to within the 8-bit noise (measured: max |dp| 0.10, 4 of 5 top labels shared)."""
    net = load_tflite(weights, with_head=True)
    x = golden_gate_crop(val_dir)
    with torch.no_grad():
        float_logits = net.logits(x)[0]
        net.set_fake_quant(True)
        quant_logits = net.logits(x)[0]
    assert int(float_logits.argmax()) == int(quant_logits.argmax())
    shared = set(float_logits.topk(5).indices.tolist()) & set(quant_logits.topk(5).indices.tolist())
    assert len(shared) >= 3
    assert float((float_logits.softmax(0) - quant_logits.softmax(0)).abs().max()) < 0.2
