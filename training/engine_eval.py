"""
Quality of the engine's reduced-size inference, measured through the real app pipeline.

    /usr/bin/python3 training/engine_eval.py [--long-sides 768 1024] [--out /tmp/engine_eval.json]
                                             [--val ../shared/data/hdr/val] [--seed 0] [--max-side 0]

The engine runs the ONNX model on a copy of the photo reduced to the card's `inference_long_side` and carries
the HDR/LDR ratio back to full resolution with a guided filter. To measure what a smaller long side costs,
this script takes the deterministic validation pairs of evaluate.py (data.make_eval_pairs, same seed), at
the images' native size by default (--max-side 0; evaluate.py's default caps them at 1024), writes each LDR
as an 8-bit PNG, and for every long side runs `node bin/unclip.js convert ... --format hdr` with a temporary
models folder whose card has that `inference_long_side`. The .hdr outputs, and the do-nothing baseline, are
scored with evaluate.py's metrics (metrics.image_metrics: one global scale alignment, then PU21-PSNR/SSIM,
log-PSNR/SSIM and the clipped-pixel log2 error). Prints a table and writes JSON to --out.
Exits 0 with a message when the validation folder is absent.
"""

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

from data import DEFAULT_HDR_DIR, hdr_files, make_eval_pairs, read_hdr
from evaluate import evaluate_predictor, json_safe, markdown_table, srgb_to_linear

REPO = Path(__file__).resolve().parents[1]
NATIVE = 1 << 30  # max_side large enough that make_eval_pairs never downscales a photo


def write_pngs(pairs: list[dict], folder: Path) -> list[Path]:
    """Each pair's LDR (multiples of 1/255) as a lossless 8-bit PNG named <name>.png."""
    paths = []
    for pair in pairs:
        img8 = np.round(pair["ldr"] * 255.0).astype(np.uint8)
        assert np.array_equal(img8 / np.float32(255.0), pair["ldr"]), f"LDR of {pair['name']} is not 8-bit"
        path = folder / f"{pair['name']}.png"
        if not cv2.imwrite(str(path), np.ascontiguousarray(img8[:, :, ::-1])):
            raise OSError(f"could not write {path}")
        paths.append(path)
    return paths


def upscale_pair(pair: dict, factor: float) -> dict:
    """The pair enlarged (cubic; LDR kept 8-bit, clip mask nearest), so the engine reduces it as much as a camera photo."""
    h, w = pair["ldr"].shape[:2]
    size = (round(w * factor), round(h * factor))
    ldr8 = np.clip(np.round(cv2.resize(pair["ldr"], size, interpolation=cv2.INTER_CUBIC) * 255.0), 0, 255)
    hdr = np.maximum(cv2.resize(pair["hdr"], size, interpolation=cv2.INTER_CUBIC), 0.0)
    clip = cv2.resize(pair["clip"].astype(np.uint8), size, interpolation=cv2.INTER_NEAREST).astype(bool)
    return dict(pair, ldr=ldr8.astype(np.float32) / np.float32(255.0), hdr=hdr.astype(np.float32), clip=clip)


def run_engine(pngs: list[Path], long_side: int, models_dir: Path, model: str, work: Path) -> tuple[dict, float]:
    """Convert pngs with the CLI at this inference_long_side; returns ({png name: summary entry}, wall seconds)."""
    tmp_models = work / f"models-{long_side}"
    out_dir = work / f"out-{long_side}"
    tmp_models.mkdir()
    card = json.loads((models_dir / f"{model}.json").read_text())
    card["inference_long_side"] = long_side
    (tmp_models / f"{model}.json").write_text(json.dumps(card, indent=2))
    onnx = card.get("file", f"{model}.onnx")
    (tmp_models / onnx).symlink_to((models_dir / onnx).resolve())

    cmd = ["node", str(REPO / "bin" / "unclip.js"), "convert", *map(str, pngs), "-o", str(out_dir),
           "--format", "hdr", "--models-dir", str(tmp_models), "--model", model, "--overwrite", "--json"]
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"unclip convert failed (exit {proc.returncode}) at long side {long_side}:\n"
                 f"{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}")
    summary = next(json.loads(line) for line in reversed(proc.stdout.splitlines()) if '"summary"' in line)
    return {Path(c["input"]).name: c for c in summary["converted"]}, seconds


def main(argv: list[str] | None = None) -> dict | None:
    parser = argparse.ArgumentParser(description="Score the engine's full-resolution output per inference_long_side.")
    parser.add_argument("--long-sides", type=int, nargs="+", default=[768, 1024])
    parser.add_argument("--val", type=Path, default=DEFAULT_HDR_DIR / "val")
    parser.add_argument("--crf-dir", type=Path, default=None)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-side", type=int, default=0, help="cap for make_eval_pairs; 0 = native size")
    parser.add_argument("--upscale", type=float, default=1.0,
                        help="enlarge every pair by this factor (e.g. 3) so the engine reduces it ~4x, as a camera photo")
    parser.add_argument("--models-dir", type=Path, default=REPO / "models")
    parser.add_argument("--model", default="unclip-v1")
    parser.add_argument("--out", type=Path, default=Path("/tmp/engine_eval.json"))
    args = parser.parse_args(argv)

    if not args.val.is_dir() or not hdr_files(args.val):
        print(f"skipped: no validation .hdr files in {args.val}")
        return None
    max_side = args.max_side or NATIVE
    pairs = make_eval_pairs(args.val, seed=args.seed, max_side=max_side, crf_dir=args.crf_dir)
    if args.upscale != 1.0:
        pairs = [upscale_pair(pair, args.upscale) for pair in pairs]
    sizes = {p["name"]: [p["ldr"].shape[1], p["ldr"].shape[0]] for p in pairs}
    print(f"{len(pairs)} images from {args.val}, seed {args.seed}, "
          f"{'native size' if not args.max_side else f'max side {args.max_side}'}:")
    for name, (w, h) in sizes.items():
        print(f"  {name}: {w}x{h}")

    results = {"baseline": evaluate_predictor(srgb_to_linear, pairs)}
    runs = {}
    with tempfile.TemporaryDirectory(prefix="engine_eval-") as tmp:
        work = Path(tmp)
        (work / "ldr").mkdir()
        pngs = write_pngs(pairs, work / "ldr")
        for long_side in args.long_sides:
            converted, seconds = run_engine(pngs, long_side, args.models_dir, args.model, work)
            outputs = {}  # id of each pair's LDR array -> the engine's HDR for it, so evaluate_predictor can score it
            for pair, png in zip(pairs, pngs):
                outputs[id(pair["ldr"])] = read_hdr(Path(converted[png.name]["outputs"][0]))
            res = evaluate_predictor(lambda ldr: outputs[id(ldr)], pairs)
            for row, png in zip(res["per_image"], pngs):
                row["seconds"] = None  # lookup time, meaningless here; the engine's own timings instead:
                row["engine_ms"] = converted[png.name]["timings"]
            results[f"engine@{long_side}"] = res
            runs[long_side] = dict(wall_seconds=seconds)
            print(f"  engine at long side {long_side}: {seconds:.1f} s for {len(pngs)} images")

    print()
    print(markdown_table(results))
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True).stdout.strip()
    report = dict(val=str(args.val), seed=args.seed, max_side=args.max_side or "native", upscale=args.upscale, sizes=sizes,
                  model=args.model, commit=commit, runs=runs, results=results)
    args.out.write_text(json.dumps(json_safe(report), indent=2, allow_nan=False) + "\n")
    print(f"\nwrote {args.out}")
    return results


if __name__ == "__main__":
    main(sys.argv[1:])
