"""The low-light benchmark's pair generation and exposure rule (synthetic scenes; no val data needed)."""

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import lowlight_bench as bench  # noqa: E402


def scene(seed: int = 0) -> np.ndarray:
    """A 48x64 linear scene: a smooth gradient with a small very bright patch."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:48, 0:64] / 64.0
    img = np.stack([0.2 + x, 0.1 + y, 0.3 + 0.5 * x * y], axis=-1) * rng.uniform(0.5, 2.0)
    img[4:8, 4:8] = 50.0
    return img.astype(np.float32)


def test_exposure_rule_reaches_the_key():
    hdr = scene()
    g = bench.exposure_gain(hdr)
    assert np.minimum(bench.luminance(hdr) * g, 1.0).mean() == pytest.approx(bench.KEY, rel=1e-6)
    assert bench.exposure_gain(np.zeros((4, 4, 3))) == 2.0 ** 16


def test_dark_shots_are_3_and_5_stops_under_the_reference():
    pairs = bench.make_pairs(scene(), np.random.default_rng(1))
    ref = pairs["reference_linear"].mean()
    for stops in bench.STOPS:
        # Before noise and quantisation the exposure ratio is exact.
        assert pairs["dark"][stops]["linear"].mean() / ref == pytest.approx(2.0 ** -stops, rel=1e-5)
        ldr = pairs["dark"][stops]["ldr"]
        assert ldr.dtype == np.float32 and ldr.shape == (48, 64, 3) and 0 <= ldr.min() and ldr.max() <= 1


def test_pairs_are_reproducible_and_the_dark_shot_is_noisier():
    a = bench.make_pairs(scene(), np.random.default_rng(2))
    b = bench.make_pairs(scene(), np.random.default_rng(2))
    np.testing.assert_array_equal(a["dark"][5]["ldr"], b["dark"][5]["ldr"])
    # Relative noise after bringing the dark shot back to the reference's level, on the smooth part.
    def relative_noise(ldr, gain):
        linear = bench.srgb_decode(ldr[16:, 16:]) * gain
        return np.abs(np.diff(linear, axis=1)).mean()
    assert relative_noise(a["dark"][5]["ldr"], 32) > 3 * relative_noise(a["reference"], 1)


@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")  # PSNR of identical images is inf
def test_scores_identical_images_perfectly_and_baselines_brighten():
    ref = bench.make_pairs(scene(), np.random.default_rng(3))
    dark = ref["dark"][3]["ldr"]
    assert bench.score(ref["reference"], ref["reference"])["ssim"] == pytest.approx(1.0)
    for name, baseline in bench.BASELINES.items():
        out = baseline(dark)
        assert out.shape == dark.shape and out.mean() > dark.mean(), name
