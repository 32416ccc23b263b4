"""read_hdr, HdrCropDataset and make_eval_pairs, on synthetic files and (when present) the shared data."""

import math
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from camera import simulate_ldr, srgb_to_linear  # noqa: E402
from data import HdrCropDataset, hdr_files, in_input_units, is_panorama, make_eval_pairs, read_hdr  # noqa: E402
from metrics import align_scale  # noqa: E402

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"


def write_hdr(path, rgb):
    assert cv2.imwrite(str(path), np.ascontiguousarray(rgb[:, :, ::-1]).astype(np.float32))
    return path


@pytest.fixture
def hdr_folder(tmp_path):
    """A photo (3:2) and a panorama (2:1) with bright spots, written as Radiance .hdr."""
    rng = np.random.default_rng(0)
    for name, shape in (("photo.hdr", (300, 450)), ("pano.hdr", (256, 512))):
        img = np.exp(rng.normal(0, 1, shape + (3,))).astype(np.float32)
        img[40:60, 40:80] = 300.0
        write_hdr(tmp_path / name, img)
    return tmp_path


def test_read_hdr_rgb_order_and_errors(tmp_path):
    img = np.zeros((4, 6, 3), np.float32)
    img[..., 0] = 2.0  # pure red, above 1
    out = read_hdr(write_hdr(tmp_path / "red.hdr", img))
    assert out.dtype == np.float32 and out.shape == (4, 6, 3)
    assert np.allclose(out[..., 0], 2.0, rtol=0.01) and out[..., 1:].max() == 0
    with pytest.raises(FileNotFoundError, match="HDR image not found"):
        read_hdr(tmp_path / "missing.hdr")
    (tmp_path / "bad.hdr").write_bytes(b"not an image")
    with pytest.raises(ValueError, match="Could not decode HDR image"):
        read_hdr(tmp_path / "bad.hdr")


def test_panorama_detection_by_aspect(hdr_folder):
    assert is_panorama(hdr_folder / "pano.hdr", 512, 256)
    assert not is_panorama(hdr_folder / "photo.hdr", 450, 300)


def test_dataset_item_contract(hdr_folder):
    ds = HdrCropDataset(hdr_files(hdr_folder), crop=64, samples_per_image=3, seed=0)
    assert len(ds) == 6
    for i in range(len(ds)):
        item = ds[i]
        assert set(item) == {"ldr", "hdr", "clip"}
        assert item["ldr"].shape == (3, 64, 64) and item["hdr"].shape == (3, 64, 64)
        assert item["clip"].shape == (1, 64, 64)
        assert all(t.dtype == torch.float32 for t in item.values())
        assert 0 <= item["ldr"].min() and item["ldr"].max() <= 1
        assert item["hdr"].min() >= 0
        assert set(item["clip"].unique().tolist()) <= {0.0, 1.0}
        # Where the HDR is above the clipping level the mask must say so.
        assert (item["clip"][0][item["hdr"].max(0).values >= 1.0] == 1).all()
    with pytest.raises(IndexError):
        ds[6]


def test_dataset_seeded_is_deterministic_and_unseeded_varies(hdr_folder):
    files = hdr_files(hdr_folder)
    a, b = HdrCropDataset(files, crop=32, seed=5), HdrCropDataset(files, crop=32, seed=5)
    assert torch.equal(a[3]["ldr"], b[3]["ldr"]) and torch.equal(a[40]["hdr"], b[40]["hdr"])
    c = HdrCropDataset(files, crop=32, seed=None)
    assert not torch.equal(c[3]["hdr"], c[3]["hdr"])


def test_input_units_rescale_the_target_only_so_midtones_match_the_linearised_ldr(hdr_folder):
    files = hdr_files(hdr_folder)
    sensor = HdrCropDataset(files, crop=64, seed=3, target="sensor")
    inputs = HdrCropDataset(files, crop=64, seed=3, target="input")
    stops = []
    for i in range(0, len(sensor), 4):
        a, b = sensor[i], inputs[i]
        assert torch.equal(a["ldr"], b["ldr"]) and torch.equal(a["clip"], b["clip"])
        lit = a["hdr"] > 1e-3
        ratio = (b["hdr"][lit] / a["hdr"][lit]).double()
        assert float(ratio.max() / ratio.min()) == pytest.approx(1.0, abs=1e-5)  # one factor per item
        stops.append(math.log2(float(ratio.mean())))
        ldr, hdr = (t.permute(1, 2, 0).numpy() for t in (b["ldr"], b["hdr"]))
        assert align_scale(srgb_to_linear(ldr), hdr, ldr) == pytest.approx(1.0, rel=1e-4)
    # Random camera curves are not sRGB, so the factor really varies from item to item.
    assert max(stops) - min(stops) > 0.2
    with pytest.raises(ValueError, match="target must be one of"):
        HdrCropDataset(files, target="display")


def test_input_units_are_sensor_units_for_an_srgb_camera():
    rng = np.random.default_rng(0)
    hdr = np.exp(rng.normal(-1.5, 1.0, (96, 96, 3))).astype(np.float32)
    x = np.linspace(0.0, 1.0, 1024)
    srgb = np.where(x <= 0.0031308, 12.92 * x, 1.055 * x ** (1 / 2.4) - 0.055)
    ldr, hdr_scaled, _, _ = simulate_ldr(hdr, rng, crf=srgb, shot_noise=0, read_noise=0, jpeg_quality=100)
    factor = float(np.median(in_input_units(ldr, hdr_scaled) / np.maximum(hdr_scaled, 1e-9)))
    assert abs(math.log2(factor)) < 0.01  # only 8-bit quantisation separates the two


def test_explicit_missing_crf_dir_is_an_error(hdr_folder, tmp_path):
    with pytest.raises(FileNotFoundError, match="EMoR basis not found"):
        HdrCropDataset(hdr_files(hdr_folder), crf_dir=tmp_path / "nowhere")


def test_eval_pairs_deterministic(hdr_folder):
    a = make_eval_pairs(hdr_folder, seed=0, max_side=128)
    b = make_eval_pairs(hdr_folder, seed=0, max_side=128)
    assert [p["name"] for p in a] == ["pano", "photo"]
    pano, photo = a
    assert pano["ldr"].shape == (128, 128, 3)  # a square perspective view
    assert photo["ldr"].shape == (85, 128, 3)  # 300x450 downscaled to 128 on the long side
    for p, q in zip(a, b):
        assert np.array_equal(p["ldr"], q["ldr"]) and np.array_equal(p["hdr"], q["hdr"])
        assert p["clip"].dtype == bool and p["ldr"].dtype == np.float32 and p["hdr"].dtype == np.float32
        assert np.array_equal(p["crf"], q["crf"]) and p["crf"].shape == (1024,) and np.all(np.diff(p["crf"]) >= 0)
    other = make_eval_pairs(hdr_folder, seed=1, max_side=128)
    assert not np.array_equal(other[1]["ldr"], photo["ldr"])


@pytest.mark.skipif(not (SHARED / "hdr" / "train").is_dir(), reason=f"shared HDR data absent: {SHARED}")
def test_real_panorama_from_manifest_gives_views():
    files = [f for f in hdr_files(SHARED / "hdr" / "train") if is_panorama(f, 1, 1)][:1]
    ds = HdrCropDataset(files, crop=128, samples_per_image=4, seed=0)
    fractions = [ds[i]["clip"].mean().item() for i in range(4)]
    assert all(math.isfinite(f) for f in fractions)
    assert ds._source(0)[0]  # treated as a panorama
