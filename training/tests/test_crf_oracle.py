"""crf_oracle.py: the true-curve linearisation, the blend swap and the study's command line."""

import json

import numpy as np
import pytest
import torch

import crf_oracle
from camera import srgb_to_linear
from data import make_eval_pairs
from model import Unclip, UnclipConfig


def test_relinearise_swaps_only_the_unclipped_part():
    ldr = np.array([[[0.5, 0.4, 0.3], [1.0, 1.0, 0.9]]], np.float32)  # alpha 0, then alpha 1
    hdr = np.array([[[0.0, 0.0, 0.0], [7.0, 6.0, 5.0]]], np.float32)
    hdr[0, 0] = srgb_to_linear(ldr[0, 0])  # a blend model returns the sRGB linearisation where alpha = 0
    linear = np.full_like(ldr, 0.25)
    out = crf_oracle.relinearise(hdr, ldr, linear, threshold=0.95)
    assert np.allclose(out[0, 0], 0.25) and np.allclose(out[0, 1], [7.0, 6.0, 5.0])


def test_true_curve_with_true_highlights_beats_the_baseline_by_far(val_folder):
    results = crf_oracle.score_seed(make_eval_pairs(val_folder, max_side=64))
    assert set(results) == {"baseline", "true curve", "true curve + truth"}
    truth, baseline = results["true curve + truth"]["mean"], results["baseline"]["mean"]
    # Not 0: noise and JPEG flag some pixels below the blend's ramp as clipped (on the real val images: 0.03).
    assert truth["clip_log2_err"] < baseline["clip_log2_err"] / 5
    assert truth["pu21_psnr"] > baseline["pu21_psnr"] + 5


def test_cli_scores_a_checkpoint_on_every_method(val_folder, tmp_path, capsys):
    torch.manual_seed(0)
    config = UnclipConfig(recipe="shipped", blend=True)
    torch.save({"config": config.to_dict(), "model": Unclip(config).state_dict()}, tmp_path / "c.pt")
    out = tmp_path / "oracle.json"
    crf_oracle.main(["--checkpoint", str(tmp_path / "c.pt"), "--val", str(val_folder), "--seeds", "0", "1",
                     "--max-side", "64", "--json", str(out)])
    report = json.loads(out.read_text())
    assert set(report) == {"0", "1"}
    assert set(report["0"]) == {"baseline", "model", "true curve", "true curve + model", "true curve + truth"}
    assert "| true curve + model |" in capsys.readouterr().out


def test_onnx_without_encoder_weights_is_a_clear_error(val_folder, tmp_path):
    with pytest.raises(SystemExit, match="needs the encoder weights"):
        crf_oracle.main(["--onnx", str(tmp_path / "m.onnx"), "--weights", str(tmp_path / "none.tflite"),
                         "--val", str(val_folder)])


def test_a_model_without_blend_is_refused(val_folder, tmp_path):
    config = UnclipConfig(recipe="shipped", blend=False)
    torch.save({"config": config.to_dict(), "model": Unclip(config).state_dict()}, tmp_path / "c.pt")
    with pytest.raises(SystemExit, match="needs a blend model"):
        crf_oracle.main(["--checkpoint", str(tmp_path / "c.pt"), "--val", str(val_folder)])
