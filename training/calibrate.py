"""
Inference-time highlight calibration of a checkpoint, fitted on the TRAIN split only (val stays for the final score).

    /usr/bin/python3 training/calibrate.py --checkpoint training/checkpoints/unclip-v1.pt

Options:
    --checkpoint PATH  model checkpoint (model.load_checkpoint), a blend model ('shipped' recipe, blend on).
    --data DIR         calibration .hdr files; default ../shared/data/hdr/train (never the val folder).
    --seed N           camera / view seed for data.make_eval_pairs (default 1, unlike evaluate.py's 0, so the
                       calibration inputs are not the exposures the evaluation uses).
    --max-side N       longest side of the calibration images (default 512).
    --gains LIST       comma-separated highlight gains k to try (default 0.9,1,1.1,1.25,1.5).
    --thresholds LIST  comma-separated blend thresholds tau to try (default 0.93,0.95,0.97).
    --max-psnr-drop D  a candidate may lose at most D dB of mean PU21-PSNR against the uncalibrated model
                       (default 0.05); among those, the lowest mean clipped-pixel log2 error wins.

The highlight gain k (expand_highlights) scales the network's predicted excess over the linearised input in log
space, Y' = Y_lin * (Y_net / Y_lin)^k, to counter a network that regresses highlight magnitude towards the mean;
k = 1 is the network as trained. The network runs once per image; every (k, tau) is then applied to its raw output,
so the search costs one inference pass. Scores as evaluate.py (metrics.py): one global scale alignment on
well-exposed pixels, PU21-PSNR and the mean |log2 luminance error| over the clipped pixels.

Caveat: the network was trained on these scenes (other crops and camera draws), so on them it is fitted rather
than regressed to the mean; a gain fitted here errs towards k = 1.
"""

import argparse
import math
import sys
from pathlib import Path

import numpy as np

from data import DEFAULT_HDR_DIR, make_eval_pairs
from evaluate import srgb_to_linear
from metrics import align_scale, clipped_log2_error, luminance, pu21_psnr, to_display


def expand_highlights(hdr, lin, gain, max_radiance=1024.0):
    """Scale the log excess of hdr's luminance over lin's by gain; hdr, lin linear (H, W, 3) -> (H, W, 3).
    Pixels not brighter than lin are left alone: the gain is meant to push recovered highlights further up,
    not to darken pixels the network put below the input."""
    ratio = np.maximum(luminance(hdr) / np.maximum(luminance(lin), 1e-3), 1.0)[..., None]  # (H, W, 1)
    return np.minimum(hdr * ratio ** (gain - 1.0), max_radiance)


def blend_alpha(ldr, threshold):
    """The blend's weight on the network (model.Unclip.forward), (H, W, 3) -> (H, W, 1): 0 below threshold tau
    on the brightest channel, ramping to 1 at clipping."""
    return np.clip((ldr.max(axis=-1, keepdims=True) - threshold) / (1.0 - threshold), 0.0, 1.0)


def blend(ldr, hdr, threshold):
    """The model's Eilertsen blend (model.Unclip.forward) on numpy arrays, with its threshold tau as a parameter."""
    alpha = blend_alpha(ldr, threshold)
    return (1.0 - alpha) * srgb_to_linear(ldr) + alpha * hdr


def score(preds, pairs):
    """Mean (PU21-PSNR dB, clipped-pixel log2 error in stops) over pairs, as metrics.image_metrics computes them;
    images without clipped pixels are left out of the second mean."""
    psnrs, errors = [], []
    for pred, pair in zip(preds, pairs):
        aligned = np.maximum(pred, 0.0) * align_scale(pred, pair["hdr"], pair["ldr"])
        psnrs.append(pu21_psnr(*to_display(aligned, pair["hdr"])))
        error = clipped_log2_error(aligned, pair["hdr"], pair["clip"])
        if math.isfinite(error):
            errors.append(error)
    return float(np.mean(psnrs)), float(np.mean(errors))


def fit(raws, pairs, gains, thresholds, max_psnr_drop=0.05):
    """Grid search over (gain, threshold) on raw (pre-blend) network outputs.
    Returns (best dict(gain, threshold, pu21_psnr, clip_log2_err), all rows). The PU21-PSNR floor is set by the
    uncalibrated model, gain 1 at tau 0.95 (the trained threshold), or by the first row when the grid lacks it."""
    rows = []
    for threshold in thresholds:
        for gain in gains:
            preds = [blend(p["ldr"], expand_highlights(raw, srgb_to_linear(p["ldr"]), gain), threshold)
                     for raw, p in zip(raws, pairs)]
            psnr, error = score(preds, pairs)
            rows.append(dict(gain=gain, threshold=threshold, pu21_psnr=psnr, clip_log2_err=error))
    reference = next((r for r in rows if r["gain"] == 1.0 and r["threshold"] == 0.95), rows[0])
    allowed = [r for r in rows if r["pu21_psnr"] >= reference["pu21_psnr"] - max_psnr_drop] or [reference]
    return min(allowed, key=lambda r: r["clip_log2_err"]), rows


def main(argv=None):
    parser = argparse.ArgumentParser(description="Fit the highlight gain and blend threshold on the train split.")
    parser.add_argument("--checkpoint", type=Path, required=True)
    parser.add_argument("--data", type=Path, default=DEFAULT_HDR_DIR / "train")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--max-side", type=int, default=512)
    parser.add_argument("--gains", default="0.9,1,1.1,1.25,1.5")
    parser.add_argument("--thresholds", default="0.93,0.95,0.97")
    parser.add_argument("--max-psnr-drop", type=float, default=0.05)
    args = parser.parse_args(argv)
    if args.data.resolve().name == "val":
        parser.error("calibrating on the validation folder would tune on the numbers it is judged by")

    import torch
    import model

    net, config = model.load_checkpoint(args.checkpoint)
    if not (config.recipe == "shipped" and config.blend):
        parser.error(f"{args.checkpoint} is not a blend model (recipe {config.recipe}, blend {config.blend})")
    net.config.blend = False  # the raw network output: fit() applies the blend itself, with each candidate tau
    pairs = make_eval_pairs(args.data, seed=args.seed, max_side=args.max_side)
    raws = []
    for pair in pairs:
        x = torch.from_numpy(np.ascontiguousarray(pair["ldr"].transpose(2, 0, 1)))[None]  # (1, 3, H, W)
        raws.append(model.predict_hdr(net, x)[0].permute(1, 2, 0).numpy())  # (H, W, 3)
    best, rows = fit(raws, pairs, [float(g) for g in args.gains.split(",")],
                     [float(t) for t in args.thresholds.split(",")], args.max_psnr_drop)
    print(f"{len(pairs)} images from {args.data}, seed {args.seed}, max side {args.max_side}\n")
    print("| k | tau | PU21-PSNR | clipped log2 err |\n|---|---|---|---|")
    for r in rows:
        print(f"| {r['gain']:g} | {r['threshold']:g} | {r['pu21_psnr']:.2f} | {r['clip_log2_err']:.3f} |")
    print(f"\nbest: k = {best['gain']:g}, tau = {best['threshold']:g}")
    return best


if __name__ == "__main__":
    main(sys.argv[1:])
