"""
The widened evaluation: many cameras, two clipping levels, five seeds, the peers beside Unclip, and bootstrap
intervals on every difference.

    /usr/bin/python3 training/wide_eval.py --model 1.1.0=models/unclip-v1.onnx \
        --model cand=training/runs/v13/ckpt.pt --reference 1.1.0 --cache training/runs/wide-cache \
        --json /tmp/wide.json

Options:
    --hdr-root DIR     folder holding train/ and val/ (default ../shared/data/hdr); scenes: scenes.evaluation_files
                       (the 5 val photographs and the 9 held-out panoramas, none of them trained on).
    --model NAME=PATH  an Unclip model to score: a training checkpoint (.pt) or an exported .onnx (decoder weights
                       loaded into the network with the encoder from --weights); append ':per_channel' to an .onnx
                       to score it with the per-channel blend. Repeatable.
    --reference NAME   the model every other Unclip model is compared with (default: the first --model).
    --seeds LIST       evaluation seeds (default 0,1,2,3,4).
    --max-side N       longest side of each evaluation image (default 512).
    --no-peers         skip ExpandNet and LHDR (peers.py; skipped with a message when ../shared/peers is absent).
    --cache DIR        per-method JSONL of per-image metrics, keyed by the model file's hash: reruns only score what
                       is missing (the peers take ~25 min on 2 cores, once); a row is reused only when its image's
                       clipped fraction matches the freshly simulated one (so other sizes or camera code rescore).
    --json PATH        write every per-image row, the subset means and the intervals.

Each scene is photographed by four camera kinds (camera_kinds.EVAL_KINDS: sRGB, random EMoR, highlight roll-off,
S-curve) at about 5 % and about 15 % clipped pixels, once per seed (a fresh view, curve, exposure, noise and JPEG
quality each time). Metrics are evaluate.py's (metrics.image_metrics, after one global scale alignment). Tables
give subset means per method; "difference" rows give the candidate minus the reference with a 95 % interval from
a paired bootstrap over scenes (images of one scene are not independent), 2000 resamples. A change is worth
keeping when its interval clears zero.
"""

import argparse
import hashlib
import json
import math
import sys
import zlib
from pathlib import Path

import numpy as np

import scenes
from camera import load_emor, simulate_ldr, srgb_to_linear
from camera_kinds import EVAL_KINDS, sample_eval_curve
from data import DEFAULT_HDR_DIR, EVAL_FOV, MAX_SIDE_PANORAMA, downscale, is_panorama, read_hdr
from evaluate import json_safe
from metrics import image_metrics
from panorama import equirect_pyramid, pick_level, render_view

CLIP_LEVELS = {"5%": (0.04, 0.06), "15%": (0.12, 0.18)}
TABLE_KEYS = ("pu21_psnr", "pu21_ssim", "clip_log2_err")
HIGHER_IS_BETTER = {"pu21_psnr": True, "pu21_ssim": True, "log_psnr": True, "log_ssim": True, "clip_log2_err": False}
BOOTSTRAP = 2000


def scene_views(path: Path, max_side: int):
    """-> function(rng) giving a float32 HDR (H, W, 3) of the scene: the photo downscaled, or for panoramas a
    90-degree view on the horizon at a random yaw (as data.make_eval_pairs)."""
    hdr = read_hdr(path)
    if not is_panorama(path, hdr.shape[1], hdr.shape[0]):
        photo = downscale(hdr, max_side)
        return lambda rng: photo
    size = min(max_side, hdr.shape[0])
    levels = equirect_pyramid(downscale(hdr, MAX_SIDE_PANORAMA), size)
    return lambda rng: render_view(pick_level(levels, EVAL_FOV, size), rng.uniform(-math.pi, math.pi), 0.0,
                                   EVAL_FOV, size)


def wide_pairs(files, seeds, max_side=512, crf_dir=None):
    """Yield dict(key, scene, kind, clip_level, seed, ldr, hdr, clip) for every scene x kind x clip level x seed.
    Each image's generator is seeded with (seed, crc32(scene), kind, level), so it does not depend on the others."""
    basis = load_emor(crf_dir)
    for path in files:
        view = scene_views(path, max_side)
        for ki, kind in enumerate(EVAL_KINDS):
            for li, (level, clip_range) in enumerate(CLIP_LEVELS.items()):
                for seed in seeds:
                    rng = np.random.default_rng([seed, zlib.crc32(path.name.encode()), ki, li])
                    hdr = view(rng)
                    crf = sample_eval_curve(kind, rng, basis)
                    ldr, hdr_scaled, clip, _ = simulate_ldr(hdr, rng, crf=crf, basis=basis, clip_range=clip_range)
                    yield dict(key=f"{path.stem}|{kind}|{level}|{seed}", scene=path.stem, kind=kind,
                               clip_level=level, seed=seed, ldr=ldr, hdr=hdr_scaled, clip=clip)


def unclip_predictor(path: Path, per_channel: bool, weights: Path | None):
    """A numpy predictor for a checkpoint (.pt) or an exported .onnx (decoder weights into the default network, with
    the tone head when the graph has its weights; the blend's per-channel switch is not in the graph's weights)."""
    import model
    from evaluate import net_predictor

    if path.suffix == ".pt":
        net, _ = model.load_checkpoint(path)
    else:
        import onnx

        tone_head = any(i.name.startswith("tone.") for i in onnx.load(str(path)).graph.initializer)
        config = model.UnclipConfig(blend=True, blend_per_channel=per_channel, tone_head=tone_head)
        net = model.build(config, weights)
        model.load_onnx_decoder(net, path)
        net.eval()
    if per_channel:
        net.config.blend_per_channel = True
    return net_predictor(net)


def fingerprint(path: Path, per_channel: bool) -> str:
    digest = hashlib.sha1(Path(path).read_bytes()).hexdigest()[:12]
    return f"{digest}{'-pc' if per_channel else ''}"


class MetricCache:
    """Per-method JSONL of metric rows keyed by pair key; appends as it goes, so an interrupted run resumes."""

    def __init__(self, folder: Path | None, method: str, tag: str):
        self.path = None if folder is None else Path(folder) / f"{method}-{tag}.jsonl"
        self.rows = {}
        if self.path is not None and self.path.is_file():
            for line in self.path.read_text().splitlines():
                try:
                    row = json.loads(line)
                except json.JSONDecodeError:  # the last line of a run killed mid-write; scored again
                    continue
                self.rows[row["key"]] = row
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)

    def add(self, row: dict):
        self.rows[row["key"]] = row
        if self.path is not None:
            with open(self.path, "a") as f:
                f.write(json.dumps(json_safe(row)) + "\n")


def subsets(rows: list[dict]) -> dict[str, list[dict]]:
    """Subset name -> its rows: each kind x clip level, each kind, and all."""
    out = {}
    for kind in EVAL_KINDS:
        for level in CLIP_LEVELS:
            out[f"{kind} {level}"] = [r for r in rows if r["kind"] == kind and r["clip_level"] == level]
        out[kind] = [r for r in rows if r["kind"] == kind]
    out["all"] = list(rows)
    return out


def finite_mean(values) -> float:
    values = [v for v in values if v is not None and math.isfinite(v)]
    return float(np.mean(values)) if values else math.nan


def bootstrap_difference(cand: list[dict], ref: list[dict], key: str, rng: np.random.Generator) -> dict:
    """Mean of cand - ref over paired rows, with a 95 % interval from resampling scenes."""
    by_scene = {}
    for c, r in zip(cand, ref):
        d = (c[key] if c[key] is not None else math.nan) - (r[key] if r[key] is not None else math.nan)
        if math.isfinite(d):
            by_scene.setdefault(c["scene"], []).append(d)
    if not by_scene:
        return dict(mean=math.nan, low=math.nan, high=math.nan)
    sums = np.array([sum(v) for v in by_scene.values()])
    counts = np.array([len(v) for v in by_scene.values()])
    picks = rng.integers(0, len(sums), size=(BOOTSTRAP, len(sums)))
    boot = sums[picks].sum(axis=1) / counts[picks].sum(axis=1)
    return dict(mean=float(sums.sum() / counts.sum()), low=float(np.percentile(boot, 2.5)),
                high=float(np.percentile(boot, 97.5)))


def report(results: dict[str, list[dict]], reference: str | None, candidates: list[str]) -> tuple[str, dict]:
    """Markdown tables (per subset: method means, then candidate - reference with intervals) and their numbers."""
    lines, numbers = [], {}
    rng = np.random.default_rng(0)
    split = {m: subsets(rows) for m, rows in results.items()}
    for name in split[next(iter(split))]:
        n = len(split[next(iter(split))][name])
        lines += [f"\n### {name} ({n} images)\n", "| method | PU21-PSNR | PU21-SSIM | clipped err (stops) |",
                  "|---|---:|---:|---:|"]
        numbers[name] = {"means": {}, "differences": {}}
        for method, parts in split.items():
            means = {k: finite_mean(r[k] for r in parts[name]) for k in HIGHER_IS_BETTER}
            numbers[name]["means"][method] = means
            lines.append(f"| {method} | {means['pu21_psnr']:.2f} | {means['pu21_ssim']:.4f} | "
                         f"{means['clip_log2_err']:.3f} |")
        for cand in candidates:
            if reference is None or cand == reference:
                continue
            diffs = {k: bootstrap_difference(split[cand][name], split[reference][name], k, rng) for k in TABLE_KEYS}
            numbers[name]["differences"][f"{cand} - {reference}"] = diffs
            cells = [f"{d['mean']:+.3f} [{d['low']:+.3f}, {d['high']:+.3f}]" for d in diffs.values()]
            lines.append(f"| {cand} − {reference} | " + " | ".join(cells) + " |")
    return "\n".join(lines), numbers


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--hdr-root", type=Path, default=DEFAULT_HDR_DIR)
    p.add_argument("--crf-dir", type=Path, default=None)
    p.add_argument("--model", action="append", default=[])
    p.add_argument("--reference", default=None)
    p.add_argument("--seeds", default="0,1,2,3,4")
    p.add_argument("--max-side", type=int, default=512)
    p.add_argument("--weights", type=Path, default=None)
    p.add_argument("--no-peers", action="store_true")
    p.add_argument("--peers-dir", type=Path, default=None)
    p.add_argument("--cache", type=Path, default=None)
    p.add_argument("--json", type=Path, default=None)
    return p.parse_args(argv)


def methods_from(args) -> dict:
    """Method name -> (cache tag, zero-argument factory of its predictor)."""
    import peers
    from tflite_encoder import DEFAULT_WEIGHTS

    methods = {"baseline": ("srgb", lambda: srgb_to_linear)}
    peers_dir = args.peers_dir or peers.DEFAULT_PEERS_DIR
    if not args.no_peers and not Path(peers_dir).is_dir():
        print(f"peers skipped: {peers_dir} not found (ExpandNet and LHDR live in ../shared/peers)")
    elif not args.no_peers:
        for name in peers.PEERS:
            methods[name] = ("published", lambda name=name: peers.load_peer(name, peers_dir))
    for spec in args.model:
        name, _, target = spec.partition("=")
        path_text, _, option = target.partition(":")
        path, per_channel = Path(path_text), option == "per_channel"
        if not name or not path.is_file():
            raise SystemExit(f"--model {spec}: expected NAME=PATH to an existing .pt or .onnx file")
        methods[name] = (fingerprint(path, per_channel),
                         lambda path=path, pc=per_channel: unclip_predictor(path, pc, args.weights or DEFAULT_WEIGHTS))
    return methods


def main(argv=None) -> dict:
    args = parse_args(argv)
    files = scenes.evaluation_files(args.hdr_root)
    if not files:
        print(f"wide_eval: no evaluation scenes under {args.hdr_root} (../shared/data/hdr); nothing to do")
        return {}
    seeds = [int(s) for s in args.seeds.split(",")]
    methods = methods_from(args)
    caches = {m: MetricCache(args.cache, m, tag) for m, (tag, _) in methods.items()}
    predictors = {}
    pairs_meta = []
    for pair in wide_pairs(files, seeds, args.max_side, args.crf_dir):
        meta = {k: pair[k] for k in ("key", "scene", "kind", "clip_level", "seed")}
        meta["clip_fraction"] = float(pair["clip"].mean())
        pairs_meta.append(meta)
        for method, (_, factory) in methods.items():
            cached = caches[method].rows.get(pair["key"])
            # A row is reused only for the same input: another size, camera code or curve folder changes
            # the simulated photo, and with it the clipped fraction.
            if cached is not None and abs(cached.get("clip_fraction", -1.0) - meta["clip_fraction"]) < 1e-12:
                continue
            if method not in predictors:
                predictors[method] = factory()
            pred = np.asarray(predictors[method](pair["ldr"]), dtype=np.float32)
            caches[method].add(dict(meta, **image_metrics(pred, pair["hdr"], pair["ldr"], pair["clip"])))
        print(f"{len(pairs_meta)} {pair['key']}", file=sys.stderr, flush=True)
    results = {m: [caches[m].rows[p["key"]] for p in pairs_meta] for m in methods}
    models = [spec.partition("=")[0] for spec in args.model]
    reference = args.reference or (models[0] if models else None)
    clip = [p["clip_fraction"] for p in pairs_meta]
    print(f"{len(files)} scenes x {len(EVAL_KINDS)} cameras x {len(CLIP_LEVELS)} clip levels x {len(seeds)} seeds = "
          f"{len(pairs_meta)} images, {args.max_side} px; clipped fraction mean {np.mean(clip):.3f}")
    table, numbers = report(results, reference, models)
    print(table)
    if args.json is not None:
        args.json.write_text(json.dumps(json_safe(dict(seeds=seeds, max_side=args.max_side, reference=reference,
                                                       scenes=[f.name for f in files], summary=numbers,
                                                       per_image=results)), indent=1) + "\n")
    return numbers


if __name__ == "__main__":
    main(sys.argv[1:])
