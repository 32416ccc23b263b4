"""
The training loss: l1_weight * (alpha-weighted) L1 + perceptual_weight * feature distance, on the tanh-space
(log-encoded) prediction and target.

`FeatureDistance` is LPIPS-like (Zhang et al. 2018) but on the frozen MobileNetV3 encoder's five feature maps instead
of VGG/AlexNet (whose LPIPS weights aren't available here), and without LPIPS's learned per-channel weights:
each map is unit-normalised over channels, the squared difference is averaged over space and channels
and the layers are summed. Inputs in [-1, 1] are mapped to the encoder's [0, 1] image range.
"""
import torch
import torch.nn as nn

from tflite_encoder import MobileNetV3Encoder


class FeatureDistance(nn.Module):
    """d(x, y) for x, y: (B,3,H,W) in [-1, 1]; returns a scalar, the batch mean."""

    def __init__(self, encoder: MobileNetV3Encoder, eps: float = 1e-10):
        super().__init__()
        self.encoder = encoder
        self.eps = eps

    def forward(self, x, y):
        fx = self.encoder((x + 1.0) * 0.5)
        fy = self.encoder((y + 1.0) * 0.5)
        total = 0.0
        for a, b in zip(fx, fy):  # (B,C,h,w) per scale
            a = a / (a.pow(2).sum(dim=1, keepdim=True) + self.eps).sqrt()
            b = b / (b.pow(2).sum(dim=1, keepdim=True) + self.eps).sqrt()
            total = total + (a - b).pow(2).sum(dim=1).mean()
        return total


class UnclipLoss(nn.Module):
    """Options (defaults are the reference's weights):
    l1_weight=2.0           weight of the L1 term
    perceptual_weight=3.0   weight of FeatureDistance
    clip_weight=0.0         the L1 alpha map is 1 + clip_weight * clip: >0 emphasises the clipped pixels,
                            where all of the information the network must invent lives
    forward(pred, target, clip) with pred/target (B,3,H,W) in [-1, 1] and clip (B,1,H,W) in {0, 1};
    returns (total, {'l1': float, 'perceptual': float})."""

    def __init__(self, encoder: MobileNetV3Encoder, l1_weight=2.0, perceptual_weight=3.0, clip_weight=0.0):
        super().__init__()
        self.perceptual = FeatureDistance(encoder)
        self.l1_weight = l1_weight
        self.perceptual_weight = perceptual_weight
        self.clip_weight = clip_weight

    def forward(self, pred, target, clip):
        alpha = 1.0 + self.clip_weight * clip  # (B,1,H,W)
        l1 = (alpha * (pred - target).abs()).mean() / alpha.mean()  # normalised so clip_weight doesn't rescale lr
        perceptual = self.perceptual(pred, target) if self.perceptual_weight > 0 else pred.new_zeros(())
        total = self.l1_weight * l1 + self.perceptual_weight * perceptual
        return total, {'l1': float(l1), 'perceptual': float(perceptual)}
