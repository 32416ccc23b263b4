"""
Low-light benchmark: how well `unclip convert --mode lowlight` turns dark, noisy photos into the well-exposed one.

For every val HDR image (the deterministic views of data.make_eval_pairs) one camera photographs the scene three
times: a well-exposed reference and the same scene 3 and 5 stops darker. The engine, run through the real CLI,
gets the dark JPEGs; its PNGs are scored against the reference with PSNR and SSIM (skimage, on sRGB values in
[0, 1]), next to three baselines computed here from the same JPEGs.

The camera (camera.simulate_ldr with every parameter fixed, so the pairs do not depend on a random draw):
    response   the sRGB curve (IEC 61966-2-1) - a standard rendering, so the reference is the "correct" picture
               rather than one random CRF's, and the baselines linearise exactly (which favours them)
    exposure   reference: the exposure rule below on the noise-free scene; dark: that times 2^-3 and 2^-5
    noise      reference: shot 1e-4, read 2e-4 (base ISO, low noise); dark: shot 1e-3, read 1.5e-3. The same
               sensor noise on a 8x or 32x smaller signal is what makes a real dark photo noisy: relative noise
               grows as exposure drops (shot noise as 1/sqrt(signal), read noise as 1/signal)
    quantise   8 bits; reference stored losslessly, dark inputs written as JPEG quality 90 (by cv2, read back
               by cv2 for the baselines and by sharp in the engine)

The exposure rule, shared with src-main/engine/lowlight.ts so the engine aims where the references are:
    gain g with mean(min(g * Y, 1)) = KEY (0.18), Y the Rec.709 luminance of linear RGB.

Baselines, each given the dark JPEG:
    gain    sRGB-decode, apply the exposure rule's gain, clip, sRGB-encode (plain gain: noise amplified as is)
    gamma   out = in^gamma with gamma chosen so the mean output is srgb(KEY) (automatic gamma brightening)
    clahe   cv2 CLAHE (clip limit 2, 8x8 tiles) on L of Lab

Usage (from the repo root; /usr/bin/python3 has the packages):
    /usr/bin/python3 training/lowlight_bench.py [--val-dir DIR] [--seed 0] [--max-side 512]
        [--models-dir models --model unclip-v1] [--cli OTHER_CHECKOUT/bin/unclip.js]
        [--out training/runs/lowlight-bench.json]
The model defaults to models/unclip-v1 when present, else the test fixture (reported in the JSON).
"""

import argparse
import json
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

import cv2
import numpy as np
from skimage.metrics import peak_signal_noise_ratio, structural_similarity

import camera
import data
from camera import srgb_encode
from lowlight_metrics import METRICS, score_looks

REPO = Path(__file__).resolve().parents[1]
KEY = 0.18  # mean clipped linear luminance of a well-exposed photo
STOPS = (3, 5)  # how much darker the inputs are than the reference
REFERENCE_CAMERA = dict(shot_noise=1e-4, read_noise=2e-4, jpeg_quality=100)
DARK_CAMERA = dict(shot_noise=1e-3, read_noise=1.5e-3, jpeg_quality=100)  # JPEG is written to disk instead
DARK_JPEG_QUALITY = 90
METHODS = ("unclip", "gain", "gamma", "clahe")


def srgb_decode(v: np.ndarray) -> np.ndarray:
    """sRGB-encoded -> linear, the inverse of srgb_encode."""
    return np.where(v <= 0.04045, v / 12.92, np.power((v + 0.055) / 1.055, 2.4))


SRGB_CRF = srgb_encode(np.linspace(0.0, 1.0, 1024))


def luminance(rgb: np.ndarray) -> np.ndarray:
    """Rec.709 luminance of linear RGB (..., 3)."""
    return 0.2126 * rgb[..., 0] + 0.7152 * rgb[..., 1] + 0.0722 * rgb[..., 2]


def exposure_gain(linear: np.ndarray, key: float = KEY) -> float:
    """The exposure rule: gain g with mean(min(g * Y, 1)) = key, by bisection over +-16 stops (2^16 if black)."""
    y = np.maximum(luminance(linear), 0.0).ravel().astype(np.float64)
    lo, hi = -16.0, 16.0
    if np.minimum(y * 2.0 ** hi, 1.0).mean() < key:
        return 2.0 ** hi
    for _ in range(60):
        mid = (lo + hi) / 2
        if np.minimum(y * 2.0 ** mid, 1.0).mean() < key:
            lo = mid
        else:
            hi = mid
    return 2.0 ** ((lo + hi) / 2)


def make_pairs(scene: np.ndarray, rng: np.random.Generator, stops=STOPS) -> dict:
    """Photograph scene (H, W, 3 linear) well exposed and `stops` darker with one sRGB camera.

    Returns dict(reference=float32 (H, W, 3) sRGB in [0, 1], reference_linear=noise-free exposed scene,
    dark={s: dict(ldr=float32 sRGB before JPEG, linear=noise-free exposed scene)} for s in stops).
    """
    exposure = exposure_gain(scene)
    reference, reference_linear, _, _ = camera.simulate_ldr(scene, rng, crf=SRGB_CRF, exposure=exposure,
                                                            **REFERENCE_CAMERA)
    dark = {}
    for s in stops:
        ldr, linear, _, _ = camera.simulate_ldr(scene, rng, crf=SRGB_CRF, exposure=exposure * 2.0 ** -s, **DARK_CAMERA)
        dark[s] = dict(ldr=ldr, linear=linear)
    return dict(reference=reference, reference_linear=reference_linear, dark=dark)


def write_jpeg(path: Path, rgb: np.ndarray, quality: int = DARK_JPEG_QUALITY) -> np.ndarray:
    """Write float sRGB (H, W, 3) as JPEG and return what cv2 decodes from the file, as float in [0, 1]."""
    img8 = np.round(np.clip(rgb, 0, 1) * 255).astype(np.uint8)
    cv2.imwrite(str(path), img8[:, :, ::-1], [cv2.IMWRITE_JPEG_QUALITY, quality])
    return read_rgb(path)


def read_rgb(path: Path) -> np.ndarray:
    """Read an 8-bit image file as float32 RGB in [0, 1]."""
    bgr = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if bgr is None:
        raise FileNotFoundError(f"Could not read {path}")
    return bgr[:, :, ::-1].astype(np.float32) / 255.0


def baseline_gain(ldr: np.ndarray) -> np.ndarray:
    linear = srgb_decode(ldr)
    return srgb_encode(np.clip(linear * exposure_gain(linear), 0.0, 1.0))


def baseline_gamma(ldr: np.ndarray) -> np.ndarray:
    target = float(srgb_encode(np.array(KEY)))
    x = np.maximum(ldr, 1.0 / 255.0)
    lo, hi = 0.01, 1.0  # gamma below 1 brightens; mean(x^gamma) falls as gamma grows
    for _ in range(40):
        mid = (lo + hi) / 2
        if np.power(x, mid).mean() > target:
            lo = mid
        else:
            hi = mid
    return np.power(ldr, (lo + hi) / 2)


def baseline_clahe(ldr: np.ndarray) -> np.ndarray:
    lab = cv2.cvtColor(np.round(ldr * 255).astype(np.uint8), cv2.COLOR_RGB2LAB)
    lab[:, :, 0] = cv2.createCLAHE(clipLimit=2.0, tileGridSize=(8, 8)).apply(lab[:, :, 0])
    return cv2.cvtColor(lab, cv2.COLOR_LAB2RGB).astype(np.float32) / 255.0


BASELINES = dict(gain=baseline_gain, gamma=baseline_gamma, clahe=baseline_clahe)


def score(reference: np.ndarray, output: np.ndarray) -> dict:
    """PSNR (dB) and SSIM of output against reference, both sRGB (H, W, 3) in [0, 1]."""
    ref = reference.astype(np.float64)
    out = np.clip(output, 0, 1).astype(np.float64)
    return dict(psnr=float(peak_signal_noise_ratio(ref, out, data_range=1.0)),
                ssim=float(structural_similarity(ref, out, channel_axis=2, data_range=1.0)),
                **score_looks(reference, output))


def default_model() -> tuple[Path, str]:
    product = REPO / "models" / "unclip-v1.json"
    if product.is_file():
        return REPO / "models", "unclip-v1"
    return REPO / "test" / "fixtures" / "models", "unclip-fixture"


def run_engine(in_dir: Path, out_dir: Path, models_dir: Path, model: str, cli: Path) -> None:
    """Convert every image in in_dir to out_dir/<stem>.png with the real CLI in low-light mode."""
    cmd = ["node", str(cli), "convert", str(in_dir), "-o", str(out_dir), "--mode", "lowlight",
           "--format", "png", "--overwrite", "--models-dir", str(models_dir), "--model", model]
    run = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
    if run.returncode != 0:
        raise RuntimeError(f"unclip exited {run.returncode}: {run.stderr.strip()}")


KEYS = ("psnr", "ssim", *METRICS)
FORMATS = dict(psnr=".2f", ssim=".4f", shadow_lift="+.1f", shadow_cast=".2f", detail=".3f", edge_ssim=".4f")


def markdown_table(summary: dict, keys=("psnr", "ssim")) -> str:
    head = "| method | " + " | ".join(f"-{s} EV {k}" for s in STOPS for k in keys) + " |"
    rule = "|---|" + "---:|" * (len(STOPS) * len(keys))
    rows = [f"| {m} | " + " | ".join(format(summary[str(s)][m][k], FORMATS[k]) for s in STOPS for k in keys) + " |"
            for m in METHODS]
    return "\n".join([head, rule, *rows])


def run_bench(val_dir: Path, seed: int, max_side: int, models_dir: Path, model: str,
              cli: Path = REPO / "bin" / "unclip.js") -> dict:
    """Make the pairs, run the engine and the baselines, and score them; returns the JSON-ready result."""
    scenes = data.make_eval_pairs(val_dir, seed=seed, max_side=max_side)
    if not scenes:
        raise FileNotFoundError(f"No .hdr files in {val_dir}")
    per_image = []
    with tempfile.TemporaryDirectory(prefix="unclip-lowlight-") as tmp:
        in_dir, out_dir = Path(tmp) / "in", Path(tmp) / "out"
        in_dir.mkdir()
        cases = []
        for scene in scenes:
            rng = np.random.default_rng([seed, zlib.crc32(scene["name"].encode())])
            pairs = make_pairs(scene["hdr"], rng)
            for s in STOPS:
                stem = f"{scene['name']}-ev{s}"
                dark = write_jpeg(in_dir / f"{stem}.jpg", pairs["dark"][s]["ldr"])
                cases.append(dict(name=scene["name"], stops=s, stem=stem, dark=dark, reference=pairs["reference"]))
        run_engine(in_dir, out_dir, models_dir, model, cli)
        for case in cases:
            outputs = dict(unclip=read_rgb(out_dir / f"{case['stem']}.png"))
            outputs.update({name: fn(case["dark"]) for name, fn in BASELINES.items()})
            per_image.append(dict(name=case["name"], stops=case["stops"],
                                  **{m: score(case["reference"], outputs[m]) for m in METHODS}))
    summary = {str(s): {m: {k: float(np.mean([r[m][k] for r in per_image if r["stops"] == s])) for k in KEYS}
                        for m in METHODS} for s in STOPS}
    return dict(model=model, seed=seed, max_side=max_side, images=len(scenes), key=KEY, stops=list(STOPS),
                reference_camera=REFERENCE_CAMERA, dark_camera={**DARK_CAMERA, "jpeg_quality": DARK_JPEG_QUALITY},
                summary=summary, per_image=per_image)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--val-dir", type=Path, default=data.DEFAULT_HDR_DIR / "val")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-side", type=int, default=512, help="longest side of each view (speed)")
    parser.add_argument("--models-dir", type=Path)
    parser.add_argument("--model")
    parser.add_argument("--cli", type=Path, default=REPO / "bin" / "unclip.js",
                        help="the unclip CLI to run (another checkout's bin/unclip.js, to compare versions)")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "runs" / "lowlight-bench.json")
    args = parser.parse_args(argv)
    models_dir, model = (args.models_dir, args.model) if args.model else default_model()
    result = run_bench(args.val_dir, args.seed, args.max_side, models_dir or REPO / "models", model, args.cli)
    text = json.dumps(result, indent=2)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text + "\n")
    print(markdown_table(result["summary"]))
    print(markdown_table(result["summary"], tuple(METRICS)))
    print(json.dumps(dict(model=model, summary=result["summary"]), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
