"""Shared fixtures for the model-side tests: import path, the ../shared data beside the repo, and skips with a
clear reason when it is absent (the weights and data are never committed)."""
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

TRAINING = Path(__file__).resolve().parents[1]
SHARED = TRAINING.parent.parent / 'shared'
sys.path.insert(0, str(TRAINING))

WEIGHTS = SHARED / 'weights' / 'v3-large-minimalistic_224_1.0_uint8.tflite'
LABELS = SHARED / 'weights' / 'labels_1001.txt'
VAL = SHARED / 'data' / 'hdr' / 'val'


@pytest.fixture
def weights():
    if not WEIGHTS.is_file():
        pytest.skip(f'encoder weights absent: {WEIGHTS} (download: see training/README.md)')
    return WEIGHTS


@pytest.fixture
def labels():
    if not LABELS.is_file():
        pytest.skip(f'ImageNet labels absent: {LABELS}')
    return LABELS.read_text().splitlines()


@pytest.fixture
def val_dir():
    if not VAL.is_dir():
        pytest.skip(f'validation HDR images absent: {VAL}')
    return VAL


@pytest.fixture
def val_folder(tmp_path):
    """Two small synthetic .hdr photos with a bright patch: a val folder for the evaluation scripts' tests."""
    rng = np.random.default_rng(0)
    for i in range(2):
        img = np.exp(rng.normal(0, 1, (60, 90, 3))).astype(np.float32)
        img[10:20, 10:30] = 500.0
        assert cv2.imwrite(str(tmp_path / f'img{i}.hdr'), img)
    return tmp_path
