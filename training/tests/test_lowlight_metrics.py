"""The low-light look metrics on synthetic pictures whose faults are known: lifted blacks, a tint, a blur."""

import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import lowlight_compare  # noqa: E402
import lowlight_metrics as looks  # noqa: E402


def reference() -> np.ndarray:
    """64x96 sRGB picture: a dark-to-light ramp with black "text" strokes on the light half."""
    y, x = np.mgrid[0:64, 0:96] / np.array([64.0, 96.0])[:, None, None]
    img = np.stack([0.05 + 0.9 * x, 0.04 + 0.85 * x, 0.06 + 0.8 * x], axis=-1)
    img[10:54:6, 50:90] = 0.02  # one-pixel strokes
    return img.astype(np.float32)


def test_a_perfect_output_scores_neutral():
    ref = reference()
    scores = looks.score_looks(ref, ref)
    assert scores["shadow_lift"] == pytest.approx(0.0)
    assert scores["shadow_cast"] == pytest.approx(0.0, abs=1e-6)
    assert scores["detail"] == pytest.approx(1.0)
    assert scores["edge_ssim"] == pytest.approx(1.0)


def test_lifted_blacks_read_as_a_positive_lift_in_codes():
    ref = reference()
    lifted = np.maximum(ref, 20 / 255)
    assert looks.shadow_lift(ref, lifted) > 5
    assert looks.shadow_lift(ref, ref * 0.5) < 0


def test_a_green_tint_in_the_darks_reads_as_a_cast_and_a_neutral_gain_does_not():
    ref = reference()
    tinted = ref.copy()
    tinted[..., 1] += 0.03
    assert looks.shadow_cast(ref, tinted) > 3
    assert looks.shadow_cast(ref, tinted) > 5 * looks.shadow_cast(ref, ref * 1.02)


def test_blur_reads_as_lost_detail():
    ref = reference()
    blurred = cv2.GaussianBlur(ref, (5, 5), 1.5)
    assert looks.detail(ref, blurred) < 0.8
    assert looks.edge_ssim(ref, blurred) < 0.9


def test_compare_pairs_images_by_scene_and_brackets_the_difference():
    def run(offset: float) -> dict:
        rows = []
        for i, name in enumerate(["a", "b", "c", "d"]):
            for stops in (3, 5):
                metrics = {k: 1.0 + i + offset for k in lowlight_compare.KEYS}
                rows.append(dict(name=name, stops=stops, unclip=metrics))
        return dict(per_image=rows)

    diff = lowlight_compare.compare(run(0.0), run(0.5))
    for stops in ("3", "5"):
        d = diff[stops]["psnr"]
        assert d["mean"] == pytest.approx(0.5)
        assert d["low"] == pytest.approx(0.5) and d["high"] == pytest.approx(0.5)
