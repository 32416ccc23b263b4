"""
Training and evaluation data: (LDR, HDR, clip mask) triples synthesised from real linear HDR images.

Sources are Radiance .hdr files, either ordinary photographs or equirectangular panoramas (environment maps).
Photographs give random rescaled crops; panoramas give random perspective views (panorama.py). Each sample is
then photographed by a randomly drawn camera (camera.py), which also fixes the exposure, so the HDR target is
returned in the LDR's exposure units: 1.0 is where the sensor clipped, values above 1 are what was lost.

Data layout (read only, never copied into the repo): ../shared/data/hdr/{train,val}/*.hdr next to the repo,
with ../shared/data/hdr/MANIFEST.tsv (columns file split kind ...; kind "env_map" marks panoramas).
"""

import csv
import math
import zlib
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
import torch
from torch.utils.data import Dataset

from camera import load_emor, simulate_ldr, srgb_to_linear
from camera_kinds import sample_training_curve
from metrics import align_scale
from panorama import equirect_pyramid, pick_level, render_view

DEFAULT_HDR_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "hdr"

MAX_SIDE_PANORAMA = 2048  # cached panoramas are downscaled to this width
MAX_SIDE_PHOTO = 1024  # cached photographs are downscaled to this longest side
PITCH_RANGE = math.radians(30.0)  # views look at most this far above or below the horizon
FOV_RANGE = (math.radians(45.0), math.radians(90.0))
EVAL_FOV = math.radians(90.0)
TARGET_UNITS = ("sensor", "input")  # see HdrCropDataset
CAMERA_PRIORS = ("emor", "mix")  # see HdrCropDataset


def read_hdr(path: Path) -> np.ndarray:
    """Read a Radiance .hdr (or .exr, where OpenCV supports it) as float32 (H, W, 3) linear RGB.

    Negative and non-finite values, which some converters leave behind, are set to 0.
    Raises FileNotFoundError when the file is missing and ValueError when OpenCV cannot decode it.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"HDR image not found: {path}")
    bgr = cv2.imread(str(path), cv2.IMREAD_ANYDEPTH | cv2.IMREAD_COLOR)
    if bgr is None or bgr.ndim != 3:
        raise ValueError(f"Could not decode HDR image: {path}")
    rgb = bgr[:, :, ::-1].astype(np.float32)
    return np.maximum(np.nan_to_num(rgb, nan=0.0, posinf=0.0, neginf=0.0), 0.0)


def hdr_files(folder: Path) -> list[Path]:
    """Sorted *.hdr files in folder."""
    return sorted(Path(folder).glob("*.hdr"))


@lru_cache(maxsize=None)
def _manifest_kinds(manifest: Path) -> dict[str, str]:
    with open(manifest, newline="") as f:
        return {Path(row["file"]).name: row["kind"] for row in csv.DictReader(f, delimiter="\t")}


def is_panorama(path: Path, width: int, height: int) -> bool:
    """Whether an image is an equirectangular panorama.

    Uses the kind column of the MANIFEST.tsv one folder above the file when the file is listed there
    ("env_map" = panorama), otherwise the 2:1 aspect ratio of equirectangular maps.
    """
    manifest = Path(path).resolve().parent.parent / "MANIFEST.tsv"
    if manifest.is_file():
        kind = _manifest_kinds(manifest).get(Path(path).name)
        if kind is not None:
            return kind == "env_map"
    return abs(width / height - 2.0) < 0.02


def downscale(img: np.ndarray, max_side: int) -> np.ndarray:
    """Shrink img (H, W, C) with area averaging so its longest side is at most max_side."""
    h, w = img.shape[:2]
    scale = max_side / max(h, w)
    if scale >= 1.0:
        return img
    return cv2.resize(img, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA)


def random_crop(img: np.ndarray, crop: int, rng: np.random.Generator, max_zoom_out: float = 3.0) -> np.ndarray:
    """A random square window of img (H, W, 3), resized to crop x crop.

    The window side is log-uniform between crop and min(H, W, max_zoom_out * crop) source pixels, so crops show
    the scene at between 1x and 1/max_zoom_out of the cached resolution; smaller sources are upsampled.
    """
    h, w = img.shape[:2]
    lo = min(crop, h, w)
    hi = max(lo, min(h, w, round(max_zoom_out * crop)))
    side = int(round(math.exp(rng.uniform(math.log(lo), math.log(hi)))))
    y = int(rng.integers(0, h - side + 1))
    x = int(rng.integers(0, w - side + 1))
    window = img[y:y + side, x:x + side]
    if side == crop:
        return np.ascontiguousarray(window)
    interp = cv2.INTER_AREA if side > crop else cv2.INTER_LINEAR
    return cv2.resize(window, (crop, crop), interpolation=interp)


def in_input_units(ldr: np.ndarray, hdr_scaled: np.ndarray) -> np.ndarray:
    """hdr_scaled (sensor units) rescaled so its mid-tones match the sRGB-linearised LDR.

    The blend keeps srgb_to_linear(ldr) outside the highlights, so highlights are only consistent with the rest
    of the picture in those units. They differ from sensor units by the factor that a non-sRGB camera curve puts
    on the mid-tones (std 0.33 stops over training crops). The factor is fitted exactly as evaluation's global
    alignment fits it (metrics.align_scale, on the LDR's well-exposed pixels).
    """
    return (hdr_scaled / align_scale(srgb_to_linear(ldr), hdr_scaled, ldr)).astype(np.float32)


def to_tensor(img: np.ndarray) -> torch.Tensor:
    """(H, W, C) numpy -> float32 (C, H, W) tensor; a 2-D mask becomes (1, H, W)."""
    if img.ndim == 2:
        img = img[:, :, None]
    return torch.from_numpy(np.ascontiguousarray(img.transpose(2, 0, 1), dtype=np.float32))


class HdrCropDataset(Dataset):
    """Random camera-simulated crops of HDR images, for training.

    files: .hdr paths; panoramas are detected with is_panorama.
    crop: output side in pixels.
    samples_per_image: len(dataset) = len(files) * samples_per_image; item i comes from files[i // spi].
    seed: None = fresh OS randomness on every __getitem__ (use for training: DataLoader workers then never
        repeat each other); an int = item i is a pure function of (seed, i) (use for validation).
    crf_dir: folder with the EMoR basis (camera.load_emor); None = ../shared/data/crf, falling back to gamma
        curves with a warning when that is absent.
    camera: "emor" = curves from camera.sample_crf (EMoR draws around sRGB); "mix" = camera_kinds'
        training prior (sRGB, EMoR, highlight roll-off and S-curve cameras).
    clip_range: target fraction of clipped pixels, drawn log-uniformly (camera.simulate_ldr).
    target: "sensor" = hdr in the LDR's exposure units, 1.0 = the clipping level; "input" = rescaled by
        in_input_units so the mid-tones match the sRGB-linearised LDR (what the blend and evaluation assume).

    Item: dict(ldr=(3, crop, crop) in [0, 1] (8-bit JPEG through a random CRF), hdr=(3, crop, crop) linear in
    the units chosen by `target`, clip=(1, crop, crop) 1.0 where the LDR is clipped).
    Each source is decoded once per process and cached, downscaled (panoramas to MAX_SIDE_PANORAMA wide, as a
    pyramid; photos to MAX_SIDE_PHOTO).
    """

    def __init__(self, files: list[Path], crop: int = 256, samples_per_image: int = 32, seed: int | None = None,
                 crf_dir: Path | None = None, target: str = "sensor", camera: str = "emor",
                 clip_range: tuple[float, float] = (0.03, 0.15)):
        if not files:
            raise ValueError("HdrCropDataset needs at least one HDR file")
        if target not in TARGET_UNITS:
            raise ValueError(f"target must be one of {TARGET_UNITS}, got {target!r}")
        if camera not in CAMERA_PRIORS:
            raise ValueError(f"camera must be one of {CAMERA_PRIORS}, got {camera!r}")
        self.target = target
        self.camera = camera
        self.clip_range = clip_range
        self.files = [Path(f) for f in files]
        self.crop = crop
        self.samples_per_image = samples_per_image
        self.seed = seed
        self.basis = load_emor(crf_dir)
        self._cache: dict[int, tuple[bool, list[np.ndarray]]] = {}

    def __len__(self) -> int:
        return len(self.files) * self.samples_per_image

    def _source(self, index: int) -> tuple[bool, list[np.ndarray]]:
        """(is_panorama, images): a pyramid for panoramas, [image] for photos; decoded on first use."""
        if index not in self._cache:
            hdr = read_hdr(self.files[index])
            if is_panorama(self.files[index], hdr.shape[1], hdr.shape[0]):
                self._cache[index] = (True, equirect_pyramid(downscale(hdr, MAX_SIDE_PANORAMA), self.crop))
            else:
                self._cache[index] = (False, [downscale(hdr, MAX_SIDE_PHOTO)])
        return self._cache[index]

    def sample_hdr(self, index: int, rng: np.random.Generator) -> np.ndarray:
        """A random float32 (crop, crop, 3) view or crop of source `index`, randomly flipped."""
        panorama, images = self._source(index)
        if panorama:
            fov = rng.uniform(*FOV_RANGE)
            level = pick_level(images, fov, self.crop)
            hdr = render_view(level, rng.uniform(-math.pi, math.pi), rng.uniform(-PITCH_RANGE, PITCH_RANGE),
                              fov, self.crop)
        else:
            hdr = random_crop(images[0], self.crop, rng)
        if rng.random() < 0.5:
            hdr = hdr[:, ::-1]
        if rng.random() < 0.5:
            hdr = hdr[::-1]
        return np.ascontiguousarray(hdr)

    def __getitem__(self, i: int) -> dict[str, torch.Tensor]:
        if not 0 <= i < len(self):
            raise IndexError(f"index {i} out of range for dataset of length {len(self)}")
        rng = np.random.default_rng() if self.seed is None else np.random.default_rng([self.seed, i])
        hdr = self.sample_hdr(i // self.samples_per_image, rng)
        crf = sample_training_curve(rng, self.basis) if self.camera == "mix" else None
        ldr, hdr_scaled, clip, _ = simulate_ldr(hdr, rng, crf=crf, basis=self.basis, clip_range=self.clip_range)
        if self.target == "input":
            hdr_scaled = in_input_units(ldr, hdr_scaled)
        return dict(ldr=to_tensor(ldr), hdr=to_tensor(hdr_scaled), clip=to_tensor(clip))


def make_eval_pairs(val_dir: Path, seed: int = 0, max_side: int = 1024, crf_dir: Path | None = None) -> list[dict]:
    """Deterministic (LDR, HDR) evaluation pairs, one per .hdr file in val_dir, sorted by name.

    val_dir: folder of .hdr files. seed: camera and view randomness; each file's generator is seeded with
        (seed, crc32(file name)) so adding or removing files does not change the others' pairs.
    max_side: photos are downscaled to this longest side; panoramas give one perspective view, 90 degrees
        horizontal FOV, on the horizon (pitch 0) at a seed-chosen yaw, of side min(max_side, map height) -
        a view rather than the whole map because the app is used on ordinary photos.
    crf_dir: see HdrCropDataset.

    Returns a list of dict(name=file stem, ldr=float32 (H, W, 3) in [0, 1], hdr=float32 (H, W, 3) linear in
    the LDR's exposure units, clip=bool (H, W), crf=(1024,) the simulated camera's response curve, for oracle
    studies that may know it: crf_oracle.py).
    """
    basis = load_emor(crf_dir)
    pairs = []
    for path in hdr_files(val_dir):
        rng = np.random.default_rng([seed, zlib.crc32(path.name.encode())])
        hdr = read_hdr(path)
        if is_panorama(path, hdr.shape[1], hdr.shape[0]):
            size = min(max_side, hdr.shape[0])
            fov = EVAL_FOV
            levels = equirect_pyramid(downscale(hdr, MAX_SIDE_PANORAMA), size)
            hdr = render_view(pick_level(levels, fov, size), rng.uniform(-math.pi, math.pi), 0.0, fov, size)
        else:
            hdr = downscale(hdr, max_side)
        ldr, hdr_scaled, clip, params = simulate_ldr(hdr, rng, basis=basis)
        pairs.append(dict(name=path.stem, ldr=ldr, hdr=hdr_scaled, clip=clip, crf=params["crf"]))
    return pairs
