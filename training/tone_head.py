"""
The tone head: gives the network authority over the camera's tone curve.

The blend keeps a linearisation of the input wherever it is not near clipping. With `srgb_to_linear` there, a camera
whose JPEG engine rolls off its highlights or adds an S-curve is never corrected. The head predicts, per image, a
convex mix of a few fixed inverse curves (sRGB, highlight roll-offs, a film S-curve, a steep gamma) from the frozen
encoder's pooled deepest features and a soft histogram of the input; the mix replaces `srgb_to_linear` in the blend.
A convex mix of increasing curves that all map 0 -> 0 and 1 -> 1 is itself one, so the output stays in sensor units
(1.0 = clipping) and monotone in the input. Initialised to mostly sRGB, the head learns from the training camera
prior (camera_kinds.py) which curve a photo implies, and the prior's average where it implies none.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

HISTOGRAM_BINS = 16
HIDDEN = 32
SRGB_PRIOR_LOGIT = 4.0  # initial logit of the sRGB curve (others 0): ~92 % sRGB at the start of training


def srgb_to_linear(x):
    """sRGB [0,1] -> linear [0,1]; the engine's 'do-nothing' linearisation."""
    return torch.where(x <= 0.04045, x / 12.92, ((x.clamp(min=0.04045) + 0.055) / 1.055) ** 2.4)


def inverse_rolloff(lin, a):
    """Inverse of camera_kinds.rolloff: solves x (a + x) / (1 + a x) = lin for x in [0, 1]."""
    b = a * (1.0 - lin)
    return 0.5 * (torch.sqrt(b * b + 4.0 * lin) - b)


def inverse_s_curve(y, p):
    """Inverse of camera_kinds.s_curve."""
    y = y.clamp(0.0, 1.0)  # exact at both ends: 0 -> 0, 1 -> 1 (no gradient flows into the input)
    u, v = y ** (1.0 / p), (1.0 - y) ** (1.0 / p)
    return u / (u + v)


# (name, encoded [0,1] -> linear [0,1]); the first is sRGB, the prior.
INVERSE_CURVES = (
    ('srgb', srgb_to_linear),
    ('rolloff2', lambda y: inverse_rolloff(srgb_to_linear(y), 2.0)),
    ('rolloff4', lambda y: inverse_rolloff(srgb_to_linear(y), 4.0)),
    ('rolloff8', lambda y: inverse_rolloff(srgb_to_linear(y), 8.0)),
    ('scurve1.35', lambda y: srgb_to_linear(inverse_s_curve(y, 1.35))),
    ('gamma2.6', lambda y: y.clamp(min=0.0) ** 2.6),
)


def soft_histogram(ldr, bins=HISTOGRAM_BINS):
    """(B,3,H,W) in [0,1], H and W multiples of 4 -> (B,bins): fraction of channel values near each bin centre
    (triangular kernels), on a 4x reduced copy: the full-size tensor would be 16 times the image."""
    ldr = F.avg_pool2d(ldr, 4)
    centres = (torch.arange(bins, dtype=ldr.dtype, device=ldr.device) + 0.5) / bins  # (bins,)
    d = (ldr.unsqueeze(1) - centres.view(1, bins, 1, 1, 1)).abs() * bins  # (B,bins,3,H,W)
    return torch.relu(1.0 - d).mean(dim=(2, 3, 4))


class ToneHead(nn.Module):
    """(ldr (B,3,H,W), deepest encoder features (B,C,h,w)) -> curve weights (B,K,1,1), summing to 1."""

    def __init__(self, feature_channels):
        super().__init__()
        self.mlp = nn.Sequential(nn.Linear(feature_channels + HISTOGRAM_BINS, HIDDEN), nn.ReLU(inplace=True),
                                 nn.Linear(HIDDEN, len(INVERSE_CURVES)))
        nn.init.zeros_(self.mlp[2].weight)
        with torch.no_grad():
            self.mlp[2].bias.zero_()
            self.mlp[2].bias[0] = SRGB_PRIOR_LOGIT

    def forward(self, ldr, features):
        x = torch.cat([features.mean(dim=(2, 3)), soft_histogram(ldr)], dim=1)  # (B,C+bins)
        return torch.softmax(self.mlp(x), dim=1)[:, :, None, None]


def linearise(ldr, weights):
    """Mix of INVERSE_CURVES applied to ldr (B,3,H,W) with weights (B,K,1,1) -> (B,3,H,W) linear."""
    out = 0.0
    for k, (_, inverse) in enumerate(INVERSE_CURVES):
        out = out + weights[:, k:k + 1] * inverse(ldr)
    return out
