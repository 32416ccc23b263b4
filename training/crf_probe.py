"""
Can one photo tell its camera's response curve? A probe: simulate many photos of the training scenes with random
EMoR curves (as training does), describe each by global statistics, fit ridge regressions from those to the
curve's EMoR coefficients, and score them on scenes held out of the fit.

    /usr/bin/python3 training/crf_probe.py [--data ../shared/data/hdr/train] [--samples 5000] [--json OUT.json]

Options:
    --data DIR       .hdr scenes (default the train split; photos and panoramas as in training).
    --weights PATH   the encoder's TFLite file; its pooled feature maps join the statistics (skipped when absent).
    --crf-dir DIR    EMoR basis folder (default ../shared/data/crf; required: the probe needs EMoR coefficients).
    --samples N      simulated photos (default 5000); --crop N: their side before the 256 px encoder view (384).
    --seed N         random seed (default 0).
    --json PATH      also write the scores.

Features: per-channel 64-bin histograms; histograms at the strongest 20 % of gradients (edges carry the curve's
bend, Lin et al. 2004); per-channel quantiles; and, with --weights, the frozen encoder's five feature maps averaged
over space. Scenes whose index is a multiple of 5 are held out. Scores: R^2 of each coefficient, and the mean
|log2| error of the inverse curve over LDR values 0.1..0.9 (the mid-tones the evaluation aligns on), beside two
fixed guesses: the mean training curve and sRGB.
"""

import argparse
import json
import sys
from pathlib import Path

import cv2
import numpy as np

from camera import invert_crf, load_emor, simulate_ldr, srgb_encode
from data import DEFAULT_HDR_DIR, HdrCropDataset, hdr_files
from tflite_encoder import DEFAULT_WEIGHTS, load_tflite

COEFFICIENTS = 5  # sample_crf draws the first five EMoR coefficients
MID_TONES = np.linspace(0.1, 0.9, 33)
ENCODER_SIDE = 256
RIDGE_LAMBDAS = (1.0, 10.0, 100.0, 1000.0)


def emor_coefficients(curve: np.ndarray, basis) -> np.ndarray:
    """Least-squares EMoR coefficients (COEFFICIENTS,) of a response curve (1024,)."""
    return np.linalg.lstsq(basis.h[:COEFFICIENTS].T, curve - basis.f0, rcond=None)[0]


def inverse_at(coefficients: np.ndarray, basis, values: np.ndarray) -> np.ndarray:
    """Irradiance at LDR `values` of the curve f0 + coefficients . h, made monotonic and kept in [0, 1]."""
    return invert_crf(values, np.clip(basis.f0 + coefficients @ basis.h[:COEFFICIENTS], 0.0, 1.0))


def curve_error(predicted: np.ndarray, true: np.ndarray, basis) -> float:
    """Mean |log2 g_predicted - log2 g_true| over MID_TONES, g the inverse curves; stops."""
    g_pred, g_true = inverse_at(predicted, basis, MID_TONES), inverse_at(true, basis, MID_TONES)
    return float(np.mean(np.abs(np.log2(g_pred + 1e-4) - np.log2(g_true + 1e-4))))


def statistics(ldr: np.ndarray) -> np.ndarray:
    """Global statistics of an LDR (H, W, 3) in [0, 1] -> (306,): histograms, edge histograms, quantiles."""
    codes = np.clip(np.round(ldr * 255), 0, 255).astype(np.int32)
    gray = cv2.cvtColor(np.ascontiguousarray(codes.astype(np.uint8)), cv2.COLOR_RGB2GRAY).astype(np.float32)
    gradient = np.hypot(cv2.Sobel(gray, cv2.CV_32F, 1, 0), cv2.Sobel(gray, cv2.CV_32F, 0, 1))
    edges = gradient > np.percentile(gradient, 80)
    parts = []
    for c in range(3):
        h = np.bincount(codes[..., c].ravel() // 4, minlength=64)
        parts.append(h / max(h.sum(), 1))
    for c in range(3):
        h = np.bincount(codes[..., c][edges] // 8, minlength=32)
        parts.append(h / max(h.sum(), 1))
    parts.append(np.quantile(ldr.reshape(-1, 3), [0.01, 0.05, 0.25, 0.5, 0.75, 0.95], axis=0).ravel())
    return np.concatenate(parts)


def encoder_statistics(ldr: np.ndarray, encoder) -> np.ndarray:
    """The encoder's five feature maps, spatially averaged, on a ~256 px copy of ldr -> (1152,)."""
    import torch

    h, w = ldr.shape[:2]
    s = ENCODER_SIDE / max(h, w)
    size = (max(32, round(w * s / 32) * 32), max(32, round(h * s / 32) * 32))
    small = cv2.resize(ldr, size, interpolation=cv2.INTER_AREA)
    with torch.no_grad():
        maps = encoder(torch.from_numpy(np.ascontiguousarray(small.transpose(2, 0, 1)))[None])
    return np.concatenate([m.mean((2, 3))[0].numpy() for m in maps])


def simulate(files: list[Path], samples: int, crop: int, seed: int, basis, crf_dir: Path | None = None,
             encoder=None):
    """-> (features (N, F), coefficients (N, 5), scene index (N,)) of N simulated photos; the views come from
    HdrCropDataset.sample_hdr, as in training, the cameras from `basis`."""
    scenes = HdrCropDataset(files, crop=crop, samples_per_image=1, seed=seed, crf_dir=crf_dir)
    rng = np.random.default_rng(seed)
    features, coefficients, scene = [], [], []
    for i in range(samples):
        index = int(rng.integers(len(files)))
        ldr, _, _, params = simulate_ldr(scenes.sample_hdr(index, rng), rng, basis=basis)
        row = statistics(ldr)
        if encoder is not None:
            row = np.concatenate([row, encoder_statistics(ldr, encoder)])
        features.append(row)
        coefficients.append(emor_coefficients(params["crf"], basis))
        scene.append(index)
        if (i + 1) % 500 == 0:
            print(f"{i + 1}/{samples} simulated", flush=True)
    return np.array(features), np.array(coefficients), np.array(scene)


def ridge_scores(features, coefficients, held_out, basis, lam: float) -> dict:
    """Fit ridge on the kept rows (standardised features), score on the held-out ones."""
    keep = ~held_out
    mu, sd = features[keep].mean(0), features[keep].std(0) + 1e-6
    z = (features - mu) / sd
    y_mean = coefficients[keep].mean(0)
    a = z[keep]
    w = np.linalg.solve(a.T @ a + lam * np.eye(a.shape[1]), a.T @ (coefficients[keep] - y_mean))
    pred, true = z[held_out] @ w + y_mean, coefficients[held_out]
    r2 = 1.0 - ((pred - true) ** 2).sum(0) / ((true - true.mean(0)) ** 2).sum(0)
    return dict(lam=lam, r2=[float(v) for v in r2],
                curve_err=float(np.mean([curve_error(p, t, basis) for p, t in zip(pred, true)])))


def probe(features, coefficients, scene, basis, statistics_columns: int) -> dict:
    """Ridge scores on every feature set and lambda, and the fixed guesses, on the held-out scenes."""
    held_out = scene % 5 == 0
    if held_out.all() or not held_out.any():
        raise ValueError("the probe needs scenes on both sides of the split (at least 2 scenes, index 0 and 1)")
    true = coefficients[held_out]
    guesses = {"mean training curve": coefficients[~held_out].mean(0),
               "sRGB": emor_coefficients(srgb_encode(basis.E), basis)}
    report = {"held_out_samples": int(held_out.sum()),
              "fixed": {name: float(np.mean([curve_error(c, t, basis) for t in true])) for name, c in guesses.items()}}
    sets = {"statistics": slice(0, statistics_columns)}
    if features.shape[1] > statistics_columns:
        sets["statistics + encoder"] = slice(None)
    report["ridge"] = {name: [ridge_scores(features[:, cols], coefficients, held_out, basis, lam)
                              for lam in RIDGE_LAMBDAS] for name, cols in sets.items()}
    return report


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description="How well global image statistics predict the camera curve.")
    parser.add_argument("--data", type=Path, default=DEFAULT_HDR_DIR / "train")
    parser.add_argument("--weights", type=Path, default=DEFAULT_WEIGHTS)
    parser.add_argument("--crf-dir", type=Path, default=None)
    parser.add_argument("--samples", type=int, default=5000)
    parser.add_argument("--crop", type=int, default=384)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)

    basis = load_emor(args.crf_dir)
    if basis is None:
        parser.error("the EMoR basis is needed (--crf-dir, default ../shared/data/crf)")
    files = hdr_files(args.data)
    if len(files) < 2:
        parser.error(f"need at least 2 .hdr scenes in {args.data}")
    encoder = None
    if args.weights.is_file():
        encoder = load_tflite(args.weights).eval()
    else:
        print(f"{args.weights} absent: image statistics only")
    features, coefficients, scene = simulate(files, args.samples, args.crop, args.seed, basis, args.crf_dir, encoder)
    report = probe(features, coefficients, scene, basis, statistics_columns=len(statistics(np.zeros((8, 8, 3)))))

    print(f"\n{report['held_out_samples']} held-out photos; mid-tone inverse-curve error (stops), fixed guesses: "
          + ", ".join(f"{k} {v:.3f}" for k, v in report["fixed"].items()))
    for name, rows in report["ridge"].items():
        for r in rows:
            print(f"ridge on {name}, lambda {r['lam']:g}: error {r['curve_err']:.3f}, R^2 "
                  + " ".join(f"{v:+.2f}" for v in r["r2"]))
    if args.json is not None:
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    return report


if __name__ == "__main__":
    main(sys.argv[1:])
