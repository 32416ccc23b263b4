#!/usr/bin/env bash
# One GPU session: trains the shipped model (ICNR + blur upsampling) and, side by side on the same GPU, the
# plain-PixelShuffle ablation, each time-boxed, then leaves slim checkpoints (no optimiser state), logs and loss
# curves in $OUT. Run from the repo root on the device machine:
#     bash training/gpu/train_h100.sh MINUTES [EXTRA TRAIN ARGS...]
# Expects the compact data made by training/gpu/pack_data.sh in .carry/ (hdr.tar.xz, crf/, weights/).
set -euo pipefail
minutes=${1:-7.5}
shift || true
out=${OUT:-training/runs/gpu}
mkdir -p "$out" /tmp/data
tar xJf .carry/hdr.tar.xz -C /tmp/data
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader
python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.cuda.is_available())'

common=(--data /tmp/data/hdr/train --val /tmp/data/hdr/val --crf .carry/crf
        --weights .carry/weights/v3-large-minimalistic_224_1.0_uint8.tflite --device cuda
        --steps 100000 --max-minutes "$minutes" --workers 7 --ckpt-every 500 --log-every 100 "$@")
export PYTHONUNBUFFERED=1
python3 training/train.py "${common[@]}" --upsample icnr_blur --out /tmp/runs/shipped > "$out/shipped.log" 2>&1 &
python3 training/train.py "${common[@]}" --upsample shuffle --out /tmp/runs/plain > "$out/plain.log" 2>&1 &
wait

for run in shipped plain; do
  cp "/tmp/runs/$run/loss.png" "$out/${run}_loss.png"
  python3 - "$run" "$out" <<'PY'
import sys, torch
run, out = sys.argv[1:]
ckpt = torch.load(f'/tmp/runs/{run}/ckpt.pt', map_location='cpu', weights_only=False)
torch.save({k: ckpt[k] for k in ('config', 'model', 'step', 'history')}, f'{out}/{run}.pt')
PY
done
ls -la "$out"
