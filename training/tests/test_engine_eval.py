"""engine_eval.py end to end: synthetic validation photos through the real CLI (node bin/unclip.js) and ONNX model.

The engine keeps the inference short side at >= 256 px, so the photos here have a short side above 256: at long side
256 they run reduced (341x256 / 256x341, then the ratio field carries the result back to full size), at 1024 they
run at their own size - the two code paths whose quality engine_eval.py compares.
"""

import json
import math
import shutil
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import engine_eval  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
MODEL = REPO / "models" / "unclip-v1.onnx"
METRICS = ("scale", "pu21_psnr", "pu21_ssim", "log_psnr", "log_ssim", "clip_log2_err")
SIZES = {"land": (384, 288), "port": (288, 352)}  # name: (width, height); neither 2:1, so both are photos


@pytest.fixture
def engine():
    if shutil.which("node") is None:
        pytest.skip("node is not on PATH (engine_eval.py runs the CLI: node bin/unclip.js)")
    if not (REPO / "node_modules").is_dir():
        pytest.skip(f"{REPO / 'node_modules'} absent (run npm ci in the repo root)")
    if not MODEL.is_file():
        pytest.skip(f"model absent: {MODEL} (export it: see training/README.md)")


@pytest.fixture
def val_folder(tmp_path):
    """Sky over dark ground with a small, very bright sun: the sun clips in the simulated LDR."""
    folder = tmp_path / "val"
    folder.mkdir()
    rng = np.random.default_rng(0)
    for name, (w, h) in SIZES.items():
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        sky = np.stack([0.4 + 0.3 * yy / h, 0.6 + 0.2 * yy / h, 1.0 - 0.3 * yy / h], -1)
        ground = np.broadcast_to(np.float32([0.2, 0.15, 0.1]), sky.shape)
        img = np.where(yy[..., None] > 0.6 * h, ground, sky) * np.exp(rng.normal(0, 0.1, (h, w, 1)))
        cy, cx = rng.uniform(0.15, 0.45) * h, rng.uniform(0.2, 0.8) * w
        img += 200.0 * np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * 12.0**2))[..., None]
        assert cv2.imwrite(str(folder / f"{name}.hdr"), img.astype(np.float32))
    return folder


def test_engine_rows_per_image_and_long_side(engine, val_folder, tmp_path, capsys):
    out = tmp_path / "engine_eval.json"
    returned = engine_eval.main(["--val", str(val_folder), "--long-sides", "256", "1024", "--out", str(out)])
    printed = capsys.readouterr().out
    assert "| **mean** | engine@256 |" in printed and "| **mean** | engine@1024 |" in printed

    report = json.loads(out.read_text())  # strict JSON: no inf/nan
    assert report["max_side"] == "native"
    assert report["sizes"] == {name: list(size) for name, size in SIZES.items()}
    assert set(report["runs"]) == {"256", "1024"}
    results = report["results"]
    assert set(results) == {"baseline", "engine@256", "engine@1024"} == set(returned)

    for method, res in results.items():
        assert [r["name"] for r in res["per_image"]] == sorted(SIZES), method
        for row in res["per_image"] + [res["mean"]]:
            for key in METRICS if "name" in row else METRICS[1:]:  # the mean has no alignment scale
                assert math.isfinite(row[key]), (method, row.get("name"), key)
        if method != "baseline":
            assert all(set(r["engine_ms"]) >= {"inference", "upsample"} for r in res["per_image"])

    base = results["baseline"]["mean"]
    for method in ("engine@256", "engine@1024"):
        mean = results[method]["mean"]
        # The model, through the app pipeline, recovers part of the clipped sun that the baseline leaves at 1.0.
        assert mean["clip_log2_err"] < base["clip_log2_err"] - 0.2, method
        assert mean["log_psnr"] > base["log_psnr"] + 3.0, method
    # Reduced inference plus the ratio field is not the same output as full-size inference.
    for r256, r1024 in zip(results["engine@256"]["per_image"], results["engine@1024"]["per_image"]):
        assert r256["pu21_psnr"] != pytest.approx(r1024["pu21_psnr"], abs=1e-3), r256["name"]


def test_missing_val_folder_is_a_clean_skip(tmp_path, capsys):
    out = tmp_path / "engine_eval.json"
    assert engine_eval.main(["--val", str(tmp_path / "absent"), "--out", str(out)]) is None
    assert "skipped: no validation .hdr files" in capsys.readouterr().out
    assert not out.exists()
