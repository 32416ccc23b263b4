"""PU21 encoding, PSNR/SSIM helpers, scale alignment and clipped-pixel error."""

import math
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from metrics import (PU21_PARAMS, align_scale, clipped_log2_error, image_metrics, log_normalise,  # noqa: E402
                     luminance, psnr, pu21_encode, pu21_psnr, pu21_ssim)


def pu21_by_hand(lum):
    p1, p2, p3, p4, p5, p6, p7 = PU21_PARAMS
    return max(p7 * (((p1 + p2 * lum ** p4) / (1 + p3 * lum ** p4)) ** p5 - p6), 0.0)


def scene(seed=0, shape=(48, 64)):
    rng = np.random.default_rng(seed)
    hdr = np.exp(rng.normal(-1, 1.5, shape + (3,))).astype(np.float32)
    ldr = np.clip(hdr, 0, 1) ** (1 / 2.2)
    return hdr, ldr.astype(np.float32), hdr.max(axis=2) >= 1


@pytest.mark.parametrize("lum", [0.005, 0.1, 1.0, 100.0, 4000.0, 10000.0])
def test_pu21_matches_formula(lum):
    assert float(pu21_encode(lum)) == pytest.approx(pu21_by_hand(lum), rel=1e-9)


def test_pu21_known_values_clamp_and_monotone():
    # Hand-computed from the published banding_glare parameters.
    assert float(pu21_encode(100.0)) == pytest.approx(256.38, abs=0.05)
    assert float(pu21_encode(10000.0)) == pytest.approx(595.39, abs=0.05)
    assert float(pu21_encode(1e-4)) == float(pu21_encode(0.005))
    assert float(pu21_encode(1e6)) == float(pu21_encode(10000.0))
    v = pu21_encode(np.logspace(np.log10(0.005), 4, 500))
    assert (np.diff(v) > 0).all()


def test_psnr_known_value_and_identity():
    a = np.zeros((10, 10))
    b = a + 0.1  # MSE = 0.01 -> 20 dB at peak 1
    assert psnr(b, a, 1.0) == pytest.approx(20.0)
    assert psnr(a, a, 1.0) == math.inf


def test_identical_images_are_perfect():
    hdr, ldr, clip = scene()
    m = image_metrics(hdr, hdr, ldr, clip)
    assert m["scale"] == pytest.approx(1.0)
    assert m["pu21_psnr"] == math.inf and m["log_psnr"] == math.inf
    assert m["pu21_ssim"] == pytest.approx(1.0) and m["log_ssim"] == pytest.approx(1.0)
    assert m["clip_log2_err"] == pytest.approx(0.0, abs=1e-6)


def test_metrics_are_invariant_to_global_scale():
    hdr, ldr, clip = scene()
    noisy = hdr * np.exp(np.random.default_rng(1).normal(0, 0.1, hdr.shape)).astype(np.float32)
    m1 = image_metrics(noisy, hdr, ldr, clip)
    m2 = image_metrics(noisy * 37.0, hdr, ldr, clip)
    assert m2["scale"] == pytest.approx(m1["scale"] / 37.0, rel=1e-5)
    for key in ("pu21_psnr", "pu21_ssim", "log_psnr", "log_ssim", "clip_log2_err"):
        assert m2[key] == pytest.approx(m1[key], rel=1e-4)


def test_align_scale_uses_well_exposed_pixels_only():
    hdr, ldr, clip = scene()
    pred = hdr * 0.25
    pred[clip] = 1e-3  # garbage where clipped must not bias the fit
    assert align_scale(pred, hdr, ldr) == pytest.approx(4.0, rel=1e-4)


def test_pu21_psnr_known_case():
    """A constant PU offset d gives PSNR = 20 log10(peak / d)."""
    ref = np.full((8, 8, 3), 100.0)
    ref[0, 0] = 4000.0
    pred = ref.copy()
    pred[1:, :] = 120.0  # 56 of 64 pixels changed, in all channels
    d = pu21_by_hand(120.0) - pu21_by_hand(100.0)
    expected = 20 * math.log10(pu21_by_hand(4000.0) / math.sqrt(d * d * 56 / 64))
    assert pu21_psnr(pred, ref) == pytest.approx(expected, rel=1e-6)
    assert pu21_ssim(ref, ref) == pytest.approx(1.0)


def test_log_normalise_range_and_clipped_error():
    hdr, _, _ = scene()
    t = log_normalise(hdr)
    assert t.min() == pytest.approx(-1.0) and t.max() == pytest.approx(1.0)
    clip = np.zeros(hdr.shape[:2], bool)
    assert math.isnan(clipped_log2_error(hdr, hdr, clip))
    clip[:4] = True
    assert clipped_log2_error(hdr * 2.0, hdr, clip) == pytest.approx(1.0, abs=1e-3)  # exactly one stop


def test_luminance_weights():
    assert luminance(np.ones(3, np.float32)) == pytest.approx(1.0)
