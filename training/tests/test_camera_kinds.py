"""camera_kinds.py (the evaluation's and training's camera curves) and tone_head.py (their inverses in the model)."""
import numpy as np
import pytest
import torch

import camera_kinds as ck
from model import Unclip, UnclipConfig
from tone_head import INVERSE_CURVES, ToneHead, inverse_rolloff, inverse_s_curve, linearise, soft_histogram

SMALL = dict(widths=(16, 16, 8, 8, 8, 4))


@pytest.mark.parametrize('kind,parameter', [('srgb', None), ('rolloff', 2.0), ('rolloff', 5.0), ('scurve', 1.2),
                                            ('scurve', 1.5)])
def test_curves_are_increasing_and_fix_black_and_clipping(kind, parameter):
    c = ck.curve(kind, parameter)
    assert c.shape == (ck.CURVE_SAMPLES,)
    assert np.all(np.diff(c) >= 0)
    assert c[0] == pytest.approx(0.0, abs=1e-6) and c[-1] == pytest.approx(1.0, abs=1e-6)


def test_rolloff_lifts_mid_tones_and_compresses_highlights():
    e = ck.irradiance()
    srgb, rolled = ck.curve('srgb'), ck.curve('rolloff', 4.0)
    mid, high = np.searchsorted(e, 0.18), np.searchsorted(e, 0.9)
    assert rolled[mid] > srgb[mid] + 0.1  # brighter mid-grey
    slope = lambda c, i: (c[i + 5] - c[i - 5]) / (e[i + 5] - e[i - 5])  # noqa: E731
    assert slope(rolled, high) < 0.6 * slope(srgb, high)  # a shoulder near clipping


def test_inverse_curves_undo_the_camera_curves():
    e = ck.irradiance()
    cases = {'rolloff2': ck.curve('rolloff', 2.0), 'rolloff4': ck.curve('rolloff', 4.0),
             'rolloff8': ck.curve('rolloff', 8.0), 'scurve1.35': ck.curve('scurve', 1.35), 'srgb': ck.curve('srgb')}
    inverses = dict(INVERSE_CURVES)
    for name, encoded in cases.items():
        back = inverses[name](torch.tensor(encoded, dtype=torch.float64)).numpy()
        assert np.abs(back - e).max() < 1e-3, name
    assert float(inverse_rolloff(torch.tensor(1.0), 3.0)) == pytest.approx(1.0)
    assert float(inverse_s_curve(torch.tensor(0.5), 1.4)) == pytest.approx(0.5)


def test_eval_kinds_differ_and_unknown_kinds_are_refused():
    rng = np.random.default_rng(0)
    curves = [ck.sample_eval_curve(k, rng, None) for k in ck.EVAL_KINDS]  # emor without a basis: gamma curves
    for i in range(len(curves)):
        for j in range(i + 1, len(curves)):
            assert np.abs(curves[i] - curves[j]).max() > 0.02
    with pytest.raises(ValueError, match="unknown camera kind 'film'"):
        ck.curve('film', 1.0)


def test_training_prior_draws_every_kind():
    rng = np.random.default_rng(1)
    draws = [ck.sample_training_curve(rng, None) for _ in range(200)]
    srgb = ck.curve('srgb')
    exact_srgb = sum(np.allclose(d, srgb) for d in draws)
    assert 20 <= exact_srgb <= 60  # 20 % of 200
    mid = [d[184] for d in draws]  # irradiance 0.18
    assert max(mid) > srgb[184] + 0.15 and min(mid) < srgb[184] - 0.05  # roll-offs above, steep curves below
    for d in draws:
        assert np.all(np.diff(d) >= -1e-9) and abs(d[-1] - 1.0) < 1e-6


def test_tone_head_starts_near_srgb_and_mixes_convexly():
    torch.manual_seed(0)
    head = ToneHead(960)
    ldr = torch.rand(2, 3, 64, 64)
    w = head(ldr, torch.rand(2, 960, 2, 2))
    assert w.shape == (2, len(INVERSE_CURVES), 1, 1)
    torch.testing.assert_close(w.sum(dim=1), torch.ones(2, 1, 1))
    assert float(w[:, 0].min()) > 0.9
    ramp = torch.linspace(0, 1, 64).view(1, 1, 1, 64).expand(2, 3, 4, 64)
    lin = linearise(ramp, torch.softmax(torch.randn(2, len(INVERSE_CURVES)), 1)[:, :, None, None])
    assert torch.all(lin[..., 1:] >= lin[..., :-1] - 1e-6)
    torch.testing.assert_close(lin[..., -1], torch.ones_like(lin[..., -1]))
    hist = soft_histogram(torch.full((1, 3, 8, 8), 0.5))
    assert float(hist.sum()) == pytest.approx(1.0) and int(hist.argmax()) in (7, 8)


def test_per_channel_blend_keeps_unclipped_channels():
    ldr = torch.full((1, 3, 64, 64), 0.5)
    ldr[:, 2, :16] = 1.0  # only blue clipped in a band
    for per_channel in (False, True):
        net = Unclip(UnclipConfig(blend=True, blend_per_channel=per_channel, **SMALL)).eval()
        with torch.no_grad():
            out = net(ldr)
        kept = torch.allclose(out[:, :2, :16], torch.full_like(out[:, :2, :16], 0.21404114))
        assert kept == per_channel
