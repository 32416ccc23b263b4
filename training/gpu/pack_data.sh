#!/usr/bin/env bash
# Packs a compact copy of the training data, the camera curves and the encoder weights into .carry/ (gitignored)
# for the device machine, whose upload limit is 64 MiB: scenes downscaled to 768 px on the long side (val 640),
# RGBE .hdr in an xz tarball (~46 MB). Run from the repo root: bash training/gpu/pack_data.sh [../shared]
set -euo pipefail
shared=${1:-../shared}
rm -rf .carry/hdr .carry/crf .carry/weights
mkdir -p .carry/hdr/train .carry/hdr/val .carry/crf .carry/weights
cp "$shared/data/hdr/MANIFEST.tsv" .carry/hdr/
cp "$shared"/data/crf/*.txt .carry/crf/
cp "$shared"/weights/*.tflite "$shared"/weights/labels_1001.txt .carry/weights/
python3 - "$shared" <<'PY'
import sys, glob, os, cv2
shared = sys.argv[1]
for split, max_side in (('train', 768), ('val', 640)):
    for f in sorted(glob.glob(f'{shared}/data/hdr/{split}/*.hdr')):
        im = cv2.imread(f, cv2.IMREAD_UNCHANGED)
        h, w = im.shape[:2]
        s = max_side / max(h, w)
        if s < 1:
            im = cv2.resize(im, (round(w * s), round(h * s)), interpolation=cv2.INTER_AREA)
        cv2.imwrite(f'.carry/hdr/{split}/{os.path.basename(f)}', im)
PY
tar cf - -C .carry hdr | xz -6 -T2 > .carry/hdr.tar.xz
rm -rf .carry/hdr
du -sh .carry/*
