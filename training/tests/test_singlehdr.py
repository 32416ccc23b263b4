"""SingleHDR pairs: orientation recovery, the 4096 filter, normalisation ranges."""

import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from singlehdr import (IMAGENET_MEAN, IMAGENET_STD, SingleHdrDataset, apply_orientation,  # noqa: E402
                       find_orientation, find_pairs, invert_orientation, normalise_hdr, normalise_ldr)


def structured_hdr(shape, seed=0):
    """Smooth random texture with an off-centre bright window: no flip or rotation symmetry."""
    rng = np.random.default_rng(seed)
    base = cv2.GaussianBlur(rng.uniform(0, 1, shape).astype(np.float32), (0, 0), 3)
    base = (base - base.min()) / (base.max() - base.min())
    img = np.exp(3 * base)[..., None] * np.array([1.0, 0.9, 0.8], np.float32)
    h, w = shape
    img[h // 8:h // 3, w // 6:w // 2] *= 30.0
    return img.astype(np.float32)


def camera_ldr(hdr):
    """An LDR with a different tone curve from the one find_orientation uses, through 8 bits."""
    x = np.clip(hdr / np.percentile(hdr, 95), 0, 1) ** (1 / 1.7)
    return np.round(x * 255).astype(np.float32) / 255


def test_orientation_roundtrip():
    img = np.arange(24).reshape(4, 6)
    for t in range(8):
        assert np.array_equal(invert_orientation(apply_orientation(img, t), t), img)
    assert len({apply_orientation(img, t).tobytes() + bytes(apply_orientation(img, t).shape) for t in range(8)}) == 8


@pytest.mark.parametrize("shape", [(96, 96), (80, 120)])
def test_all_eight_orientations_recovered(shape):
    hdr = structured_hdr(shape)
    for t in range(8):
        ldr = camera_ldr(apply_orientation(hdr, t))
        found, score = find_orientation(ldr, hdr)
        assert found == t, (t, found, score)
        assert score > 0.5


def test_normalisation_ranges():
    hdr = structured_hdr((32, 48))
    n = normalise_hdr(hdr)
    assert n.min() == pytest.approx(-1.0) and n.max() == pytest.approx(1.0)
    assert np.allclose(normalise_ldr(IMAGENET_MEAN[None, None]), 0.0, atol=1e-6)
    assert np.allclose(normalise_ldr(np.ones((1, 1, 3), np.float32)), (1 - IMAGENET_MEAN) / IMAGENET_STD)


def write_pair(folder, stem, hdr, ldr):
    assert cv2.imwrite(str(folder / "HDR_gt" / f"{stem}.hdr"), hdr[:, :, ::-1].copy())
    assert cv2.imwrite(str(folder / "LDR_in" / f"{stem}.jpg"), (ldr[:, :, ::-1] * 255).round().astype(np.uint8),
                       [cv2.IMWRITE_JPEG_QUALITY, 95])


def test_dataset_filters_fixes_and_normalises(tmp_path):
    (tmp_path / "HDR_gt").mkdir()
    (tmp_path / "LDR_in").mkdir()
    hdr = structured_hdr((64, 96))
    hdr *= 1000.0 / hdr.max()
    write_pair(tmp_path, "a_ok", hdr, camera_ldr(hdr))
    write_pair(tmp_path, "b_rotated", hdr, camera_ldr(apply_orientation(hdr, 1)))  # LDR stored rotated
    hot = hdr.copy()
    hot[0, 0] = 5000.0
    write_pair(tmp_path, "c_too_bright", hot, camera_ldr(hdr))
    assert [p[0].stem for p in find_pairs(tmp_path)] == ["a_ok", "b_rotated", "c_too_bright"]

    ds = SingleHdrDataset(tmp_path, crop=32, seed=0)
    assert len(ds) == 2 and [d[0].stem for d in ds.dropped] == ["c_too_bright"]
    assert [p["orientation"] for p in ds.pairs] == [0, 1]
    item = ds[1]
    assert item["ldr"].shape == item["hdr"].shape == item["ldr_raw"].shape == (3, 32, 32)
    assert -1.0 - 1e-5 <= item["hdr"].min() and item["hdr"].max() <= 1.0 + 1e-5
    assert 0.0 <= item["ldr_raw"].min() and item["ldr_raw"].max() <= 1.0
    whole = SingleHdrDataset(tmp_path)[1]
    assert whole["ldr"].shape == (3, 96, 64)  # rotated LDR's shape; HDR brought into it
    assert whole["hdr"].min().item() == pytest.approx(-1.0) and whole["hdr"].max().item() == pytest.approx(1.0)
