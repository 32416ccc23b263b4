"""evaluate_predictor and the evaluate.py command line."""

import json
import math
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import evaluate  # noqa: E402
from data import make_eval_pairs  # noqa: E402

SHARED_VAL = Path(__file__).resolve().parents[3] / "shared" / "data" / "hdr" / "val"


def test_oracle_beats_baseline_and_is_perfect(val_folder):
    pairs = make_eval_pairs(val_folder, max_side=64)
    by_name = {p["name"]: p["hdr"] for p in pairs}
    oracle_iter = iter([p["hdr"] for p in pairs])
    oracle = evaluate.evaluate_predictor(lambda ldr: next(oracle_iter), pairs)
    baseline = evaluate.evaluate_predictor(evaluate.srgb_to_linear, pairs)
    assert [r["name"] for r in oracle["per_image"]] == sorted(by_name)
    assert all(r["pu21_psnr"] == math.inf for r in oracle["per_image"])
    assert oracle["mean"]["pu21_ssim"] == pytest.approx(1.0)
    assert oracle["mean"]["clip_log2_err"] == pytest.approx(0.0, abs=1e-6)
    assert baseline["mean"]["clip_log2_err"] > 1.0  # the baseline cannot recover clipped highlights
    assert baseline["mean"]["pu21_ssim"] < 1.0


def test_wrong_shape_is_reported(val_folder):
    pairs = make_eval_pairs(val_folder, max_side=64)
    with pytest.raises(ValueError, match="predictor returned shape"):
        evaluate.evaluate_predictor(lambda ldr: ldr[:10], pairs)


def test_cli_writes_table_and_strict_json(val_folder, tmp_path, capsys):
    out = tmp_path / "out.json"
    evaluate.main(["--val", str(val_folder), "--max-side", "64", "--json", str(out)])
    printed = capsys.readouterr().out
    assert "| img0 | baseline |" in printed and "| **mean** | baseline |" in printed
    report = json.loads(out.read_text())  # must parse without inf/nan extensions
    assert set(report["results"]) == {"baseline"}
    assert len(report["results"]["baseline"]["per_image"]) == 2


def test_srgb_to_linear():
    assert evaluate.srgb_to_linear(np.array([0.0, 1.0])) == pytest.approx([0.0, 1.0])
    assert float(evaluate.srgb_to_linear(np.array(0.5))) == pytest.approx(0.21404, abs=1e-4)
