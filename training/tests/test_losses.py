"""UnclipLoss and the encoder-feature perceptual distance."""
import torch

from losses import FeatureDistance, UnclipLoss
from tflite_encoder import MobileNetV3Encoder


def encoder():
    torch.manual_seed(0)
    return MobileNetV3Encoder().eval().requires_grad_(False)


def test_zero_for_identical_images_and_positive_otherwise():
    d = FeatureDistance(encoder())
    x = torch.rand(2, 3, 64, 64) * 2 - 1
    assert float(d(x, x)) < 1e-6
    assert float(d(x, x.flip(-1))) > 0.0


def test_weights_and_parts():
    loss = UnclipLoss(encoder())
    pred, target = torch.zeros(1, 3, 64, 64), torch.full((1, 3, 64, 64), 0.5)
    total, parts = loss(pred, target, torch.zeros(1, 1, 64, 64))
    assert abs(parts['l1'] - 0.5) < 1e-6
    assert abs(float(total) - (2.0 * parts['l1'] + 3.0 * parts['perceptual'])) < 1e-4


def test_clip_weight_emphasises_clipped_pixels():
    loss = UnclipLoss(encoder(), perceptual_weight=0.0, clip_weight=3.0)
    target = torch.zeros(1, 3, 8, 8)
    clip = torch.zeros(1, 1, 8, 8)
    clip[..., :4, :] = 1.0
    err_in_clip, err_outside = target.clone(), target.clone()
    err_in_clip[..., :4, :] = 1.0
    err_outside[..., 4:, :] = 1.0
    assert float(loss(err_in_clip, target, clip)[0]) > 3.0 * float(loss(err_outside, target, clip)[0])


def test_gradient_reaches_the_prediction_only():
    enc = encoder()
    loss = UnclipLoss(enc, clip_weight=1.0)
    pred = (torch.rand(1, 3, 64, 64) * 2 - 1).requires_grad_()
    total, _ = loss(pred, torch.rand(1, 3, 64, 64) * 2 - 1, torch.ones(1, 1, 64, 64))
    total.backward()
    assert pred.grad is not None and float(pred.grad.abs().sum()) > 0
    assert all(p.grad is None for p in enc.parameters())
