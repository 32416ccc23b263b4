"""
Image quality metrics for single-image HDR reconstruction.

All functions take float numpy images (H, W, 3) of linear RGB unless stated otherwise.

PU21 (Mantiuk & Azimi, "PU21: A novel perceptually uniform encoding for adapting existing quality metrics for
HDR", Picture Coding Symposium 2021; reference code github:gfxdisp/pu21, pu21_encoder.m): maps absolute
luminance in cd/m^2 to roughly perceptually uniform units, so that PSNR and SSIM, designed for display-encoded
images, become meaningful on HDR. Images in relative units are first mapped to a display by scaling the
reference so that its peak luminance is DISPLAY_PEAK cd/m^2, as the reference code's examples do.

Because a single LDR does not determine absolute scale, each prediction is first aligned to its reference by
ONE global factor (align_scale), fitted on the well-exposed pixels only.
"""

import math

import numpy as np
from skimage.metrics import structural_similarity

# PU21 "banding_glare" parameters p1..p7 from pu21_encoder.m; the recommended variant for HDR with glare.
PU21_PARAMS = (0.353487901, 0.3734658629, 8.277049286e-05, 0.9062562627, 0.09150303166, 0.9099517204,
               596.3148142)
PU21_L_MIN = 0.005  # cd/m^2; PU21 is fitted on this luminance range and clamps outside it
PU21_L_MAX = 10000.0
DISPLAY_PEAK = 4000.0  # cd/m^2 of the reference's brightest pixel
WELL_EXPOSED = (0.1, 0.9)  # LDR luminance range used to fit the alignment scale
REC709 = np.array([0.2126, 0.7152, 0.0722], dtype=np.float32)


def luminance(rgb: np.ndarray) -> np.ndarray:
    """Rec. 709 / sRGB luminance of linear rgb (..., 3) -> (...)."""
    return rgb[..., 0] * REC709[0] + rgb[..., 1] * REC709[1] + rgb[..., 2] * REC709[2]


def pu21_encode(lum: np.ndarray) -> np.ndarray:
    """PU21 banding_glare encoding of absolute luminance (cd/m^2), clamped to [0.005, 10000]; any shape.

    V = p7 * (((p1 + p2 * L^p4) / (1 + p3 * L^p4))^p5 - p6), floored at 0. V(0.005) is about 0, V(100) about
    256 (the SDR range), V(4000) about 527, V(10000) about 595.
    """
    p1, p2, p3, p4, p5, p6, p7 = PU21_PARAMS
    lum_p = np.clip(np.asarray(lum, dtype=np.float64), PU21_L_MIN, PU21_L_MAX) ** p4
    return np.maximum(p7 * (((p1 + p2 * lum_p) / (1.0 + p3 * lum_p)) ** p5 - p6), 0.0)


def psnr(test: np.ndarray, reference: np.ndarray, peak: float) -> float:
    """10 log10(peak^2 / MSE) in dB; inf for identical inputs."""
    mse = float(np.mean((np.asarray(test, np.float64) - np.asarray(reference, np.float64)) ** 2))
    return math.inf if mse == 0.0 else 10.0 * math.log10(peak * peak / mse)


def align_scale(pred: np.ndarray, ref: np.ndarray, ldr: np.ndarray, well_exposed=WELL_EXPOSED) -> float:
    """Global factor s minimising the squared log-luminance error of s * pred against ref.

    Fitted on pixels whose LDR (H, W, 3, display-encoded [0, 1]) luminance is at least well_exposed[0], whose
    brightest LDR channel is at most well_exposed[1] (so no channel is near clipping) and where both
    luminances are positive; on all positive pixels when none qualify; 1.0 when there are none at all.
    Closed form: log s = mean(log Y_ref - log Y_pred).
    """
    y_pred, y_ref = luminance(pred), luminance(ref)
    positive = (y_pred > 0) & (y_ref > 0)
    ldr_max = np.maximum(np.maximum(ldr[..., 0], ldr[..., 1]), ldr[..., 2])
    mask = positive & (luminance(ldr) >= well_exposed[0]) & (ldr_max <= well_exposed[1])
    if not mask.any():
        mask = positive
    if not mask.any():
        return 1.0
    return float(np.exp(np.mean(np.log(y_ref[mask].astype(np.float64)) - np.log(y_pred[mask].astype(np.float64)))))


def to_display(pred: np.ndarray, ref: np.ndarray, peak: float = DISPLAY_PEAK) -> tuple[np.ndarray, np.ndarray]:
    """Scale pred and ref by the one factor that puts ref's maximum luminance at peak cd/m^2."""
    factor = peak / max(float(luminance(ref).max()), 1e-12)
    return pred * factor, ref * factor


def pu21_psnr(pred: np.ndarray, ref: np.ndarray) -> float:
    """PSNR of PU21-encoded RGB channels of absolute images (cd/m^2); peak = PU21 of ref's max luminance."""
    peak = float(pu21_encode(luminance(ref).max()))
    return psnr(pu21_encode(np.maximum(pred, 0)), pu21_encode(np.maximum(ref, 0)), peak)


def pu21_ssim(pred: np.ndarray, ref: np.ndarray) -> float:
    """SSIM (skimage defaults, 7x7 window) of PU21-encoded luminance; data_range = PU21 of ref's max luminance."""
    p_ref = pu21_encode(luminance(ref))
    p_pred = pu21_encode(luminance(np.maximum(pred, 0)))
    return float(structural_similarity(p_pred, p_ref, data_range=float(p_ref.max())))


def log_normalise(hdr: np.ndarray) -> np.ndarray:
    """log1p(hdr) min-max normalised per image to [-1, 1] (the SingleHDR-style training target); any shape."""
    t = np.log1p(np.maximum(np.asarray(hdr, np.float64), 0.0))
    lo, hi = float(t.min()), float(t.max())
    return 2.0 * (t - lo) / max(hi - lo, 1e-12) - 1.0


def log_psnr(pred: np.ndarray, ref: np.ndarray) -> float:
    """PSNR between log_normalise(pred) and log_normalise(ref), each normalised by its own range; peak 2."""
    return psnr(log_normalise(pred), log_normalise(ref), 2.0)


def log_ssim(pred: np.ndarray, ref: np.ndarray) -> float:
    """SSIM over RGB of log_normalise(pred) and log_normalise(ref); data_range 2."""
    return float(structural_similarity(log_normalise(pred), log_normalise(ref), data_range=2.0, channel_axis=-1))


def clipped_log2_error(pred: np.ndarray, ref: np.ndarray, clip: np.ndarray, eps: float = 1e-6) -> float:
    """Mean |log2 Y_pred - log2 Y_ref| in stops over pixels where clip (H, W) is True; nan when none are."""
    if not clip.any():
        return math.nan
    y_pred = np.maximum(luminance(pred)[clip], 0.0) + eps
    y_ref = np.maximum(luminance(ref)[clip], 0.0) + eps
    return float(np.mean(np.abs(np.log2(y_pred) - np.log2(y_ref))))


def image_metrics(pred: np.ndarray, ref: np.ndarray, ldr: np.ndarray, clip: np.ndarray) -> dict[str, float]:
    """All metrics for one prediction, after aligning pred to ref with align_scale.

    pred, ref: linear (H, W, 3); ldr: the input (H, W, 3) in [0, 1]; clip: bool (H, W) clipped input pixels.
    Returns dict(scale, pu21_psnr, pu21_ssim, log_psnr, log_ssim, clip_log2_err).
    """
    scale = align_scale(pred, ref, ldr)
    aligned = np.maximum(pred, 0.0) * scale
    pred_abs, ref_abs = to_display(aligned, ref)
    return dict(scale=scale, pu21_psnr=pu21_psnr(pred_abs, ref_abs), pu21_ssim=pu21_ssim(pred_abs, ref_abs),
                log_psnr=log_psnr(aligned, ref), log_ssim=log_ssim(aligned, ref),
                clip_log2_err=clipped_log2_error(aligned, ref, clip))
