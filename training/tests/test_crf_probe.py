"""crf_probe.py: its statistics, the EMoR round trip, and that the probe finds a curve where one is readable."""

import json

import cv2
import numpy as np
import pytest

import crf_probe
from camera import DEFAULT_CRF_DIR, load_emor


@pytest.fixture
def basis():
    if not (DEFAULT_CRF_DIR / "emor.txt").is_file():
        pytest.skip(f"EMoR basis absent: {DEFAULT_CRF_DIR} (the probe needs EMoR coefficients)")
    return load_emor(DEFAULT_CRF_DIR)


def test_statistics_are_normalised_histograms():
    ldr = np.random.default_rng(0).uniform(0, 1, (40, 50, 3)).astype(np.float32)
    s = crf_probe.statistics(ldr)
    assert s.shape == (306,)
    assert np.allclose([s[i * 64:(i + 1) * 64].sum() for i in range(3)], 1.0)
    assert np.allclose([s[192 + i * 32:192 + (i + 1) * 32].sum() for i in range(3)], 1.0)


def test_emor_coefficients_round_trip(basis):
    c = np.array([0.5, -0.8, -0.1, 0.05, 0.0])
    assert np.allclose(crf_probe.emor_coefficients(basis.f0 + c @ basis.h[:5], basis), c, atol=1e-6)
    assert crf_probe.curve_error(c, c, basis) == 0.0
    assert crf_probe.curve_error(c, c + [1.0, 0, 0, 0, 0], basis) > 0.05


def test_probe_finds_a_readable_curve_and_not_an_unreadable_one(basis):
    rng = np.random.default_rng(0)
    coefficients = rng.normal([0.0, -0.8, -0.15, -0.05, 0.0], [1.2, 0.6, 0.3, 0.15, 0.1], (600, 5))
    scene = np.arange(600) % 20
    readable = np.concatenate([coefficients @ rng.normal(size=(5, 12)), rng.normal(size=(600, 8))], axis=1)
    noise = rng.normal(size=(600, 20))
    good = crf_probe.probe(readable, coefficients, scene, basis, statistics_columns=20)
    bad = crf_probe.probe(noise, coefficients, scene, basis, statistics_columns=20)
    best_good = min(good["ridge"]["statistics"], key=lambda r: r["curve_err"])
    best_bad = min(bad["ridge"]["statistics"], key=lambda r: r["curve_err"])
    assert min(best_good["r2"]) > 0.95 and best_good["curve_err"] < 0.5 * good["fixed"]["mean training curve"]
    assert max(best_bad["r2"]) < 0.1 and best_bad["curve_err"] > 0.9 * bad["fixed"]["mean training curve"]


def test_cli_runs_on_a_small_folder(basis, tmp_path):
    rng = np.random.default_rng(1)
    for i in range(5):
        img = np.exp(rng.normal(0, 1, (120, 160, 3))).astype(np.float32)
        assert cv2.imwrite(str(tmp_path / f"scene{i}.hdr"), img)
    out = tmp_path / "probe.json"
    report = crf_probe.main(["--data", str(tmp_path), "--samples", "30", "--crop", "64",
                             "--weights", str(tmp_path / "absent.tflite"), "--json", str(out)])
    assert json.loads(out.read_text()) == report
    assert set(report["ridge"]) == {"statistics"} and len(report["ridge"]["statistics"]) == 4
