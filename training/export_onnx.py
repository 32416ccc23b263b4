"""
Export a checkpoint to the app's ONNX model and its JSON descriptor.

    python3 training/export_onnx.py --checkpoint training/runs/shipped/ckpt.pt [--bench]

The graph meets the engine contract: input `ldr` float32 (1,3,H,W) sRGB in [0,1] with H, W multiples of 32
(dynamic), output `hdr` float32 (1,3,H,W) linear radiance in the input's exposure units; the encoder's input
scaling and the inverse log encoding are inside the graph.

Before anything is written, the exported graph is run by onnxruntime (through onnxruntime-node, the runtime the app
uses; Python has no onnxruntime here) on a fixed input and compared with PyTorch. The comparison is on the model's
log-encoded output scale, i.e. the tanh units the network predicts, where |d| <= 1e-3 is 0.05% of the [-1,1] range:
    d = 2 * (log1p(k * hdr_onnx) - log1p(k * hdr_torch)) / log1p(k * M)      (k, M from the config)
"""
import argparse
import json
import math
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import onnx
import torch

from model import load_checkpoint

REPO = Path(__file__).resolve().parent.parent

# Runs an ONNX file on a raw float32 input through onnxruntime-node; optionally times `bench` more runs.
NODE_RUNNER = r"""
const fs = require('fs'); const ort = require('onnxruntime-node');
const [model, inPath, outPath, h, w, bench] = process.argv.slice(1);
(async () => {
  const s = await ort.InferenceSession.create(model);
  const buf = fs.readFileSync(inPath);
  const x = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
  const feeds = { ldr: new ort.Tensor('float32', x, [1, 3, +h, +w]) };
  const y = (await s.run(feeds)).hdr;
  fs.writeFileSync(outPath, Buffer.from(y.data.buffer, y.data.byteOffset, y.data.byteLength));
  const times = [];
  for (let i = 0; i < +bench; i++) { const t = process.hrtime.bigint(); await s.run(feeds);
    times.push(Number(process.hrtime.bigint() - t) / 1e6); }
  times.sort((a, b) => a - b);
  console.log(JSON.stringify({ dims: y.dims, median_ms: times.length ? times[times.length >> 1] : null,
    min_ms: times.length ? times[0] : null }));
})().catch((e) => { console.error(e); process.exit(1); });
"""


def run_onnxruntime(model_path, x, bench=0):
    """Run `model_path` on x (1,3,H,W) float32 with onnxruntime-node -> (output array, timing dict)."""
    with tempfile.TemporaryDirectory() as tmp:
        inp, out = Path(tmp) / 'in.f32', Path(tmp) / 'out.f32'
        x.astype(np.float32).tofile(inp)
        argv = [str(Path(model_path).resolve()), str(inp), str(out), str(x.shape[2]), str(x.shape[3]), str(bench)]
        r = subprocess.run(['node', '-e', NODE_RUNNER, *argv], cwd=REPO, capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(f'onnxruntime-node failed: {r.stderr.strip()}')
        return np.fromfile(out, np.float32).reshape(x.shape), json.loads(r.stdout.strip().splitlines()[-1])


def log_scale_diff(a, b, config):
    """Max |difference| of two HDR arrays on the network's tanh-unit log scale (see module docstring)."""
    k = config.log_k if config.recipe == 'shipped' else 1.0
    scale = 2.0 / math.log1p(k * config.max_radiance)
    return float(np.abs(np.log1p(k * np.maximum(a, 0)) - np.log1p(k * np.maximum(b, 0))).max() * scale)


def export(net, config, onnx_path, json_path, size=(256, 384), tolerance=1e-3, bench=0, description=None,
           version='1.0.0'):
    """Export `net`, check it against PyTorch with onnxruntime, then write onnx_path and json_path.
    Returns a dict with the parity error, file size and (when bench > 0) the 512x512 timing."""
    net = net.cpu().eval()
    rng = np.random.default_rng(0)
    x = rng.random((1, 3, *size), dtype=np.float32)
    x[..., : size[0] // 4, :] = 1.0  # a clipped band so the highlight path is exercised too
    with torch.no_grad():
        ref = net(torch.from_numpy(x)).numpy()
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp) / 'model.onnx'
        torch.onnx.export(net, torch.from_numpy(x), str(tmp_path), opset_version=17, input_names=['ldr'],
                          output_names=['hdr'], dynamic_axes={'ldr': {2: 'height', 3: 'width'},
                                                              'hdr': {2: 'height', 3: 'width'}},
                          do_constant_folding=True)
        onnx.checker.check_model(onnx.load(str(tmp_path)))
        got, _ = run_onnxruntime(tmp_path, x)
        err = log_scale_diff(got, ref, config)
        if not err <= tolerance:
            raise RuntimeError(f'ONNX output differs from PyTorch by {err:.2e} log-scale units (> {tolerance})')
        timing = {}
        if bench:
            _, timing = run_onnxruntime(tmp_path, rng.random((1, 3, 512, 512), dtype=np.float32), bench)
        onnx_path = Path(onnx_path)
        onnx_path.parent.mkdir(parents=True, exist_ok=True)
        onnx_path.write_bytes(tmp_path.read_bytes())
    meta = {'name': onnx_path.stem, 'version': version, 'file': onnx_path.name, 'input': 'ldr', 'output': 'hdr',
            'size_multiple': 32,
            'description': description or 'Single-image HDR reconstruction: sRGB LDR in [0,1] -> linear radiance '
                                          'in the input exposure units (1.0 = clipping level), highlights > 1.'}
    Path(json_path).write_text(json.dumps(meta, indent=2) + '\n')
    return {'max_log_diff': err, 'bytes': onnx_path.stat().st_size, **timing}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--checkpoint', type=Path, required=True)
    p.add_argument('--out', type=Path, default=REPO / 'models/unclip-v1.onnx')  # the .json is written beside it
    p.add_argument('--tolerance', type=float, default=1e-3)  # max |diff| on the tanh-unit log scale
    p.add_argument('--version', default='1.0.0')  # the descriptor's version; the engine prefers the highest
    p.add_argument('--bench', type=int, default=0)  # also time this many 512x512 runs with onnxruntime-node (CPU)
    args = p.parse_args()
    net, config = load_checkpoint(args.checkpoint)
    if config.recipe != 'shipped':
        print('WARNING: a seed-recipe model assumes an HDR range; its output scale is not the engine contract')
    result = export(net, config, args.out, args.out.with_suffix('.json'), tolerance=args.tolerance, bench=args.bench,
                    version=args.version)
    print(json.dumps(result))
    if result['bytes'] > 30 * 2 ** 20:
        raise SystemExit(f'{args.out} is {result["bytes"] / 2 ** 20:.1f} MiB, over the 30 MiB budget')


if __name__ == '__main__':
    main()
