"""
Evaluate LDR -> HDR reconstruction on the validation images.

    /usr/bin/python3 training/evaluate.py [--checkpoint PATH] [--val ../shared/data/hdr/val] [--seed 0]
                                          [--max-side 1024] [--json OUT.json]

Options:
    --checkpoint PATH  model checkpoint (model.load_checkpoint); without it only the baseline is evaluated.
    --val DIR          folder of validation .hdr files; default ../shared/data/hdr/val next to the repo.
    --crf-dir DIR      EMoR basis folder for the camera simulation; default ../shared/data/crf.
    --seed N           camera / view seed for data.make_eval_pairs (default 0); same seed = same inputs.
    --max-side N       longest side of the evaluation images (default 1024).
    --json PATH        also write per-image and mean metrics as JSON.

Methods: "baseline" is the do-nothing answer, the LDR linearised with the sRGB curve (so clipped pixels stay
at 1.0); "model" is the checkpoint's prediction. Metrics (metrics.image_metrics, after one global scale
alignment): PU21-PSNR (dB) and PU21-SSIM, log-domain PSNR (dB) and SSIM on min-max normalised log1p HDR, and
the mean absolute log2 luminance error in stops over the pixels clipped in the input.
"""

import argparse
import json
import math
import sys
import time
from pathlib import Path
from typing import Callable

import numpy as np

from camera import srgb_to_linear  # noqa: F401  (the baseline; re-exported for the other scripts)
from data import DEFAULT_HDR_DIR, make_eval_pairs
from metrics import image_metrics

METRIC_KEYS = ("pu21_psnr", "pu21_ssim", "log_psnr", "log_ssim", "clip_log2_err")


def evaluate_predictor(predict: Callable[[np.ndarray], np.ndarray], pairs: list[dict]) -> dict:
    """Run predict on every pair and score it.

    predict: maps an LDR float32 (H, W, 3) in [0, 1] to linear HDR (H, W, 3) in any scale.
    pairs: from data.make_eval_pairs.
    Returns dict(per_image=[dict(name, seconds, scale, <METRIC_KEYS>)], mean=dict(<METRIC_KEYS>)); means skip nan
    and infinite values (e.g. clip_log2_err of an image without clipped pixels).
    """
    per_image = []
    for pair in pairs:
        start = time.perf_counter()
        pred = np.asarray(predict(pair["ldr"]), dtype=np.float32)
        seconds = time.perf_counter() - start
        if pred.shape != pair["hdr"].shape:
            raise ValueError(f"predictor returned shape {pred.shape} for {pair['name']}, expected {pair['hdr'].shape}")
        row = dict(name=pair["name"], seconds=seconds)
        row.update(image_metrics(pred, pair["hdr"], pair["ldr"], pair["clip"]))
        per_image.append(row)
    mean = {}
    for key in METRIC_KEYS:
        values = [r[key] for r in per_image if math.isfinite(r[key])]
        mean[key] = float(np.mean(values)) if values else math.nan
    return dict(per_image=per_image, mean=mean)


def model_predictor(checkpoint: Path) -> Callable[[np.ndarray], np.ndarray]:
    """Wrap model.load_checkpoint / model.predict_hdr as a numpy (H, W, 3) -> (H, W, 3) predictor on CPU."""
    import model

    net, _ = model.load_checkpoint(checkpoint)
    return net_predictor(net)


def net_predictor(net) -> Callable[[np.ndarray], np.ndarray]:
    """A numpy (H, W, 3) -> (H, W, 3) predictor from a network in eval mode (model.predict_hdr)."""
    import torch
    import model

    def predict(ldr: np.ndarray) -> np.ndarray:
        x = torch.from_numpy(np.ascontiguousarray(ldr.transpose(2, 0, 1)))[None]  # (1, 3, H, W)
        return model.predict_hdr(net, x)[0].permute(1, 2, 0).numpy()  # predict_hdr runs without gradients

    return predict


def markdown_table(results: dict[str, dict]) -> str:
    """One row per (image, method) plus a mean row per method; results maps method -> evaluate_predictor()."""
    lines = ["| image | method | PU21-PSNR | PU21-SSIM | log-PSNR | log-SSIM | clipped log2 err |",
             "|---|---|---|---|---|---|---|"]

    def row(name, method, m):
        cells = [f"{m[k]:.4f}" if k.endswith("ssim") else f"{m[k]:.2f}" for k in METRIC_KEYS]
        return f"| {name} | {method} | " + " | ".join(cells) + " |"

    names = [r["name"] for r in next(iter(results.values()))["per_image"]]
    for i, name in enumerate(names):
        for method, res in results.items():
            lines.append(row(name, method, res["per_image"][i]))
    for method, res in results.items():
        lines.append(row("**mean**", method, res["mean"]))
    return "\n".join(lines)


def json_safe(value):
    """Copy of value with non-finite floats replaced by None: JSON has no inf/nan, and strict parsers reject them."""
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description="Evaluate LDR->HDR reconstruction on validation HDR images.")
    parser.add_argument("--checkpoint", type=Path, default=None)
    parser.add_argument("--val", type=Path, default=DEFAULT_HDR_DIR / "val")
    parser.add_argument("--crf-dir", type=Path, default=None)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-side", type=int, default=1024)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)

    if not args.val.is_dir():
        parser.error(f"validation folder not found: {args.val}")
    pairs = make_eval_pairs(args.val, seed=args.seed, max_side=args.max_side, crf_dir=args.crf_dir)
    if not pairs:
        parser.error(f"no .hdr files in {args.val}")
    results = {"baseline": evaluate_predictor(srgb_to_linear, pairs)}
    if args.checkpoint is not None:
        results["model"] = evaluate_predictor(model_predictor(args.checkpoint), pairs)

    clip = [float(p["clip"].mean()) for p in pairs]
    print(f"{len(pairs)} images from {args.val}, seed {args.seed}, clipped fraction "
          f"{np.min(clip):.3f}..{np.max(clip):.3f} (mean {np.mean(clip):.3f})\n")
    print(markdown_table(results))
    if args.json is not None:
        report = dict(val=str(args.val), seed=args.seed, max_side=args.max_side,
                      checkpoint=None if args.checkpoint is None else str(args.checkpoint),
                      clip_fraction={p["name"]: c for p, c in zip(pairs, clip)}, results=results)
        args.json.write_text(json.dumps(json_safe(report), indent=2, allow_nan=False) + "\n")
    return results


if __name__ == "__main__":
    main(sys.argv[1:])
