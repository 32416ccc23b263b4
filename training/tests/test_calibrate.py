"""Highlight calibration: the expansion's algebra, and that the grid search recovers a known under-estimate."""
import numpy as np
import pytest

from calibrate import blend, expand_highlights, fit
from evaluate import srgb_to_linear


def test_expand_highlights_scales_the_log_excess_and_keeps_chroma():
    lin = np.full((1, 3, 3), 0.5, np.float32)
    hdr = np.array([[[2.0, 1.0, 0.5], [0.25, 0.25, 0.25], [0.5, 0.5, 0.5]]], np.float32)  # above, below, equal
    np.testing.assert_allclose(expand_highlights(hdr, lin, 1.0), hdr)
    out = expand_highlights(hdr, lin, 2.0)
    ratio = (0.2126 * 2.0 + 0.7152 * 1.0 + 0.0722 * 0.5) / 0.5  # luminance excess of the first pixel
    np.testing.assert_allclose(out[0, 0], hdr[0, 0] * ratio, rtol=1e-5)  # (Y/Y_lin)^2: every channel times ratio
    np.testing.assert_allclose(out[0, 1:], hdr[0, 1:])  # not brighter than the input: untouched
    assert expand_highlights(np.full((1, 1, 3), 100.0), np.full((1, 1, 3), 0.5), 3.0).max() == 1024.0


def test_fit_recovers_the_gain_that_undoes_a_halved_log_excess():
    rng = np.random.default_rng(0)
    pairs, raws = [], []
    for _ in range(2):
        ldr = rng.uniform(0.3, 0.8, (32, 32, 3)).astype(np.float32)
        ldr[8:16, 8:16] = 1.0
        clip = ldr.max(axis=-1) >= 254 / 255
        hdr = srgb_to_linear(ldr)
        hdr[clip] = 8.0  # 3 stops over the clip level
        raw = srgb_to_linear(ldr)
        raw[clip] = 2.0 ** 1.5  # the network's regressed guess: half the stops
        pairs.append(dict(ldr=ldr, hdr=hdr, clip=clip))
        raws.append(raw)
    best, rows = fit(raws, pairs, gains=[1.0, 1.5, 2.0, 2.5], thresholds=[0.95])
    assert len(rows) == 4
    assert best['gain'] == 2.0 and best['clip_log2_err'] == pytest.approx(0.0, abs=1e-4)
    np.testing.assert_allclose(blend(pairs[0]['ldr'], raws[0], 0.95)[pairs[0]['clip']], 2.0 ** 1.5)
