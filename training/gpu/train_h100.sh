#!/usr/bin/env bash
# One GPU session: trains up to three variants side by side on the one GPU (7 data workers each), each
# time-boxed, then leaves slim checkpoints (no optimiser state), logs and loss curves in $OUT.
# Run from the repo root on the device machine:
#     bash training/gpu/train_h100.sh MINUTES NAME "TRAIN ARGS" [NAME "TRAIN ARGS" ...]
# e.g. the v1 runs:
#     bash training/gpu/train_h100.sh 8 shipped "--upsample icnr_blur" plain "--upsample shuffle"
#     bash training/gpu/train_h100.sh 8 blend "--blend --upsample icnr_blur" seed "--recipe seed --upsample shuffle"
# Expects the compact data made by training/gpu/pack_data.sh in .carry/ (hdr.tar.xz, crf/, weights/).
set -euo pipefail
minutes=$1
shift
out=${OUT:-training/runs/gpu}
mkdir -p "$out" /tmp/data
tar xJf .carry/hdr.tar.xz -C /tmp/data
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader
python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.cuda.is_available())'

common=(--data /tmp/data/hdr/train --val /tmp/data/hdr/val --crf .carry/crf
        --weights .carry/weights/v3-large-minimalistic_224_1.0_uint8.tflite --device cuda
        --steps 100000 --max-minutes "$minutes" --workers 7 --ckpt-every 500 --log-every 100)
export PYTHONUNBUFFERED=1
runs=()
while [ $# -ge 2 ]; do
  # shellcheck disable=SC2086  # the run's arguments are meant to split
  python3 training/train.py "${common[@]}" $2 --out "/tmp/runs/$1" > "$out/$1.log" 2>&1 &
  runs+=("$1")
  shift 2
done
wait

for run in "${runs[@]}"; do
  cp "/tmp/runs/$run/loss.png" "$out/${run}_loss.png"
  python3 - "$run" "$out" <<'PY'
import sys, torch
run, out = sys.argv[1:]
ckpt = torch.load(f'/tmp/runs/{run}/ckpt.pt', map_location='cpu', weights_only=False)
torch.save({k: ckpt[k] for k in ('config', 'model', 'step', 'history')}, f'{out}/{run}.pt')
PY
done
ls -la "$out"
