"""Camera simulation: exposure targets, EMoR responses, noise statistics, determinism."""

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from camera import (add_sensor_noise, apply_crf, invert_crf, is_valid_crf, load_emor, sample_crf,  # noqa: E402
                    simulate_ldr)

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"
CRF_DIR = SHARED / "crf"
needs_crf = pytest.mark.skipif(not (CRF_DIR / "emor.txt").is_file(), reason=f"EMoR basis absent: {CRF_DIR}")


def synthetic_hdr(rng, size=128):
    """Log-normal radiance with a few very bright blobs, like a scene with lamps."""
    img = np.exp(rng.normal(0.0, 1.5, (size, size, 1))) * rng.uniform(0.5, 1.5, (1, 1, 3))
    for _ in range(3):
        y, x = rng.integers(0, size - 16, 2)
        img[y:y + 16, x:x + 16] *= 50.0
    return img.astype(np.float32)


@needs_crf
def test_emor_curves_are_monotone_and_in_range():
    basis = load_emor(CRF_DIR)
    assert basis.h.shape == (25, 1024) and basis.E.shape == (1024,)
    rng = np.random.default_rng(1)
    curves = [sample_crf(rng, basis) for _ in range(200)]
    assert all(is_valid_crf(c) for c in curves)
    # They should actually differ between cameras, by at least a few 8-bit levels at mid-grey.
    mids = np.array([c[512] for c in curves])
    assert mids.std() > 0.02


def test_gamma_fallback_is_valid():
    rng = np.random.default_rng(0)
    assert all(is_valid_crf(sample_crf(rng, None)) for _ in range(20))


def test_apply_crf_matches_interp():
    curve = np.linspace(0, 1, 1024) ** 0.45
    x = np.random.default_rng(0).uniform(0, 1, 1000)
    assert np.allclose(apply_crf(x, curve), np.interp(x, np.linspace(0, 1, 1024), curve), atol=1e-5)


def test_noise_variance_is_shot_times_signal_plus_read_squared():
    rng = np.random.default_rng(0)
    shot, read = 1e-3, 5e-3
    for level in (0.05, 0.2, 0.6):
        noisy = add_sensor_noise(np.full(200_000, level, np.float32), rng, shot, read)
        expected = shot * level + read ** 2
        assert noisy.mean() == pytest.approx(level, abs=1e-3)
        assert noisy.var() == pytest.approx(expected, rel=0.03)


def test_clip_fraction_on_synthetic_hdr():
    rng = np.random.default_rng(0)
    fractions = [simulate_ldr(synthetic_hdr(rng), rng)[2].mean() for _ in range(40)]
    inside = np.mean([(0.02 <= f <= 0.20) for f in fractions])
    assert inside >= 0.9, fractions


def test_outputs_ranges_and_consistency():
    rng = np.random.default_rng(3)
    hdr = synthetic_hdr(rng)
    ldr, hdr_scaled, clip, params = simulate_ldr(hdr, rng)
    assert ldr.dtype == np.float32 and ldr.shape == hdr.shape and ldr.min() >= 0 and ldr.max() <= 1
    assert np.allclose(hdr_scaled, hdr * params["exposure"], rtol=1e-6)
    assert clip.dtype == bool and clip.shape == hdr.shape[:2]
    assert (hdr_scaled.max(axis=2)[~clip] < 1.0).all()
    assert 70 <= params["jpeg_quality"] <= 98


def test_deterministic_given_seed():
    hdr = synthetic_hdr(np.random.default_rng(0))
    a = simulate_ldr(hdr, np.random.default_rng(42))
    b = simulate_ldr(hdr, np.random.default_rng(42))
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[2], b[2]) and a[3]["exposure"] == b[3]["exposure"]


def test_same_camera_darker_exposure():
    """What the low-light benchmark needs: the same camera, 3 stops less light."""
    hdr = synthetic_hdr(np.random.default_rng(0))
    ldr, _, clip, params = simulate_ldr(hdr, np.random.default_rng(1), jpeg_quality=100)
    dark, dark_hdr, dark_clip, dark_params = simulate_ldr(
        hdr, np.random.default_rng(1), **{**params, "exposure": params["exposure"] / 8})
    assert np.array_equal(dark_params["crf"], params["crf"])
    assert np.allclose(dark_hdr * 8, hdr * params["exposure"], rtol=1e-5)
    assert dark.mean() < ldr.mean() and dark_clip.sum() < clip.sum()


def test_noise_free_identity_camera_is_exact_quantisation():
    hdr = np.random.default_rng(0).uniform(0, 0.9, (32, 32, 3)).astype(np.float32)
    ldr, _, clip, _ = simulate_ldr(hdr, np.random.default_rng(0), crf=np.linspace(0, 1, 1024), exposure=1.0,
                                   shot_noise=0, read_noise=0, jpeg_quality=100)
    assert np.abs(ldr - hdr).max() <= 0.5 / 255 + 1e-6
    assert not clip.any()


SPLIT = SHARED / "hdr" / "train"


@pytest.mark.skipif(not SPLIT.is_dir() or not (CRF_DIR / "emor.txt").is_file(),
                    reason=f"training HDR images absent: {SPLIT}")
def test_clip_fraction_on_real_training_images():
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from data import downscale, hdr_files, read_hdr

    basis = load_emor(CRF_DIR)
    rng = np.random.default_rng(0)
    fractions = []
    for path in hdr_files(SPLIT)[::4]:  # every 4th image keeps the test fast
        hdr = downscale(read_hdr(path), 256)
        fractions.append(simulate_ldr(hdr, rng, basis=basis)[2].mean())
    inside = np.mean([(0.02 <= f <= 0.20) for f in fractions])
    assert inside >= 0.8, np.round(fractions, 3)


def test_invert_crf_inverts_the_curve():
    x = np.linspace(0.0, 1.0, 200, dtype=np.float32)
    for curve in (np.linspace(0, 1, 1024) ** (1 / 2.2), np.linspace(0, 1, 1024) ** (1 / 1.6)):
        back = invert_crf(apply_crf(x, curve), curve)
        assert np.abs(back - x).max() < 2e-3
