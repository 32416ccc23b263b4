"""
What PSNR and SSIM do not say about a low-light result on their own: lifted blacks, a colour cast
and smeared detail (the three complaints of issue #16 about low light: a desk's shadows grey, a
green-grey tint in the darks, fine text smeared).

Each function compares an output with the well-exposed reference, both sRGB-encoded float
(H, W, 3) in [0, 1], on the reference's own regions, so a method cannot choose where it is scored:
    shadow_lift   mean (output - reference) over the reference's darkest SHADOW_SHARE of pixels,
                  in 8-bit codes; > 0 is blacks lifted toward grey, < 0 crushed
    shadow_cast   distance between the mean (a*, b*) of output and reference (CIELAB, D65) over the
                  reference's darker half; the tint a noise floor leaves, in delta-E units
    detail        mean gradient magnitude of the output over that of the reference, on the
                  reference's strongest EDGE_SHARE of gradients (text, edges); 1 is kept, < 1 smeared
    edge_ssim     SSIM (luma) averaged over those same edge pixels: smearing and leftover noise both
                  lower it
"""

import cv2
import numpy as np
from skimage.metrics import structural_similarity

SHADOW_SHARE = 0.10
EDGE_SHARE = 0.10


def encoded_luma(rgb: np.ndarray) -> np.ndarray:
    """Rec.709-weighted mean of the encoded channels (a display-referred brightness)."""
    return (0.2126 * rgb[..., 0] + 0.7152 * rgb[..., 1] + 0.0722 * rgb[..., 2]).astype(np.float64)


def darkest(reference: np.ndarray, share: float) -> np.ndarray:
    """Mask of the reference's darkest `share` of pixels by luma."""
    luma = encoded_luma(reference)
    return luma <= np.quantile(luma, share)


def gradient(luma: np.ndarray) -> np.ndarray:
    """Sobel gradient magnitude."""
    gx = cv2.Sobel(luma, cv2.CV_64F, 1, 0, ksize=3)
    gy = cv2.Sobel(luma, cv2.CV_64F, 0, 1, ksize=3)
    return np.hypot(gx, gy)


def edges(reference: np.ndarray, share: float = EDGE_SHARE) -> np.ndarray:
    """Mask of the reference's strongest `share` of gradients."""
    g = gradient(encoded_luma(reference))
    return g >= np.quantile(g, 1.0 - share)


def shadow_lift(reference: np.ndarray, output: np.ndarray) -> float:
    mask = darkest(reference, SHADOW_SHARE)
    return float((encoded_luma(np.clip(output, 0, 1))[mask] - encoded_luma(reference)[mask]).mean() * 255.0)


def shadow_cast(reference: np.ndarray, output: np.ndarray) -> float:
    mask = darkest(reference, 0.5)

    def mean_ab(rgb: np.ndarray) -> np.ndarray:
        lab = cv2.cvtColor(np.clip(rgb, 0, 1).astype(np.float32), cv2.COLOR_RGB2LAB)
        return lab[..., 1:][mask].astype(np.float64).mean(axis=0)

    return float(np.linalg.norm(mean_ab(output) - mean_ab(reference)))


def detail(reference: np.ndarray, output: np.ndarray) -> float:
    mask = edges(reference)
    ref = gradient(encoded_luma(reference))[mask].mean()
    out = gradient(encoded_luma(np.clip(output, 0, 1)))[mask].mean()
    return float(out / ref) if ref > 0 else 1.0


def edge_ssim(reference: np.ndarray, output: np.ndarray) -> float:
    mask = edges(reference)
    _, ssim_map = structural_similarity(encoded_luma(reference), encoded_luma(np.clip(output, 0, 1)),
                                        data_range=1.0, full=True)
    return float(ssim_map[mask].mean())


METRICS = dict(shadow_lift=shadow_lift, shadow_cast=shadow_cast, detail=detail, edge_ssim=edge_ssim)


def score_looks(reference: np.ndarray, output: np.ndarray) -> dict:
    """Every metric above of output against reference."""
    return {name: fn(reference, output) for name, fn in METRICS.items()}
