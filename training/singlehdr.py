"""
The SingleHDR reference data (Liu et al., "Single-Image HDR Reconstruction by Learning to Reverse the Camera
Pipeline", CVPR 2020) for users who have a copy: real LDR .jpg / HDR .hdr pairs.

Expected layout under `root` (either works; pairs are matched by file stem):
    root/LDR_in/<stem>.jpg   and   root/HDR_gt/<stem>.hdr      (the HDR-Real release layout)
    root/<stem>.jpg          and   root/<stem>.hdr             (a flat folder)

Preprocessing, as in the recipe this project's "seed" model follows:
    - pairs whose HDR maximum exceeds 4096 are dropped (a few frames with sun or lamp cores that would
      dominate the log range);
    - some LDRs are stored rotated or mirrored relative to their HDR; the orientation is found by SSIM between
      the downscaled LDR luminance and a tone-mapped HDR luminance over the 8 flips/rotations, and the HDR is
      brought into the LDR's orientation (cv2.imread applies the JPEG's EXIF orientation, so the LDR is what a
      viewer shows);
    - the HDR target is log1p then min-max normalised per image to [-1, 1]; the LDR gets ImageNet normalisation.
"""

import math
from pathlib import Path

import cv2
import numpy as np
import torch
from skimage.metrics import structural_similarity
from torch.utils.data import Dataset

from data import read_hdr, to_tensor
from metrics import log_normalise, luminance

MAX_HDR_VALUE = 4096.0
IMAGENET_MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)
IMAGENET_STD = np.array([0.229, 0.224, 0.225], dtype=np.float32)
ORIENTATION_SIDE = 64  # orientation search compares images with this longest side


def apply_orientation(img: np.ndarray, t: int) -> np.ndarray:
    """One of the 8 dihedral transforms of img (H, W, ...): t in 0..7, mirror left-right if t >= 4, then
    rotate counter-clockwise by 90 * (t % 4) degrees."""
    if t >= 4:
        img = img[:, ::-1]
    return np.ascontiguousarray(np.rot90(img, t % 4))


def invert_orientation(img: np.ndarray, t: int) -> np.ndarray:
    """Undo apply_orientation(., t)."""
    img = np.rot90(img, -(t % 4))
    if t >= 4:
        img = img[:, ::-1]
    return np.ascontiguousarray(img)


def _small(gray: np.ndarray, side: int) -> np.ndarray:
    h, w = gray.shape
    scale = side / max(h, w)
    return cv2.resize(gray.astype(np.float32), (max(8, round(w * scale)), max(8, round(h * scale))),
                      interpolation=cv2.INTER_AREA)


def tonemap_luminance(hdr: np.ndarray) -> np.ndarray:
    """Display-like luminance (H, W) in [0, 1] of a linear HDR image: 99th percentile to 1, gamma 1/2.2."""
    y = luminance(hdr)
    return np.clip(y / max(float(np.percentile(y, 99)), 1e-8), 0.0, 1.0) ** (1.0 / 2.2)


def find_orientation(ldr: np.ndarray, hdr: np.ndarray, side: int = ORIENTATION_SIDE) -> tuple[int, float]:
    """The transform t (see apply_orientation) that brings hdr into ldr's orientation, and its SSIM.

    ldr: (H, W, 3) display-encoded [0, 1]; hdr: (H', W', 3) linear. Transforms whose aspect ratio disagrees
    with the LDR's by more than 10% are skipped unless none agree (then all 8 are tried).
    """
    target = _small(luminance(ldr), side)
    tone = tonemap_luminance(hdr)
    aspect = ldr.shape[1] / ldr.shape[0]
    h, w = tone.shape
    # Odd t swap the axes, so their aspect ratio is h / w.
    candidates = [t for t in range(8) if abs(math.log((h / w if t % 2 else w / h) / aspect)) < math.log(1.1)]
    best, best_score = 0, -math.inf
    for t in candidates or range(8):
        cand = cv2.resize(apply_orientation(tone, t), (target.shape[1], target.shape[0]),
                          interpolation=cv2.INTER_AREA)
        score = structural_similarity(cand, target, data_range=1.0)
        if score > best_score:
            best, best_score = t, score
    return best, float(best_score)


def normalise_hdr(hdr: np.ndarray) -> np.ndarray:
    """log1p then per-image min-max to [-1, 1] (metrics.log_normalise), as float32."""
    return log_normalise(hdr).astype(np.float32)


def normalise_ldr(ldr: np.ndarray) -> np.ndarray:
    """ImageNet normalisation of an RGB (H, W, 3) image in [0, 1]."""
    return ((ldr - IMAGENET_MEAN) / IMAGENET_STD).astype(np.float32)


def read_ldr(path: Path) -> np.ndarray:
    """An 8-bit image file as float32 RGB (H, W, 3) in [0, 1], EXIF orientation applied."""
    bgr = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if bgr is None:
        raise ValueError(f"Could not decode LDR image: {path}")
    return bgr[:, :, ::-1].astype(np.float32) / 255.0


def find_pairs(root: Path) -> list[tuple[Path, Path]]:
    """(ldr .jpg, hdr .hdr) pairs with the same stem, in either documented layout, sorted by stem."""
    root = Path(root)
    ldr_dir, hdr_dir = (root / "LDR_in", root / "HDR_gt") if (root / "LDR_in").is_dir() else (root, root)
    hdrs = {p.stem: p for p in hdr_dir.glob("*.hdr")}
    ldrs = sorted(p for p in ldr_dir.iterdir() if p.suffix.lower() in (".jpg", ".jpeg") and p.stem in hdrs)
    return [(p, hdrs[p.stem]) for p in ldrs]


class SingleHdrDataset(Dataset):
    """Real LDR/HDR pairs from a SingleHDR-style folder (layout in the module docstring).

    root: dataset folder. max_hdr: pairs whose HDR maximum exceeds this are dropped (default 4096).
    crop: side of a random square crop taken at the same place in both images; None = whole images (then
        batch size 1 unless all images share a size). seed: None = fresh randomness per item; an int =
        item i's crop is a function of (seed, i). fix_orientation: run find_orientation on each pair.

    Construction reads every HDR once (filtering and orientation); the findings are kept in `pairs`
    (list of dict(ldr, hdr, orientation, ssim)) and `dropped` (list of (hdr path, max value)).
    Item: dict(name, ldr=(3, H, W) ImageNet-normalised, hdr=(3, H, W) in [-1, 1], ldr_raw=(3, H, W) in [0, 1]).
    """

    def __init__(self, root: Path, max_hdr: float = MAX_HDR_VALUE, crop: int | None = None,
                 seed: int | None = None, fix_orientation: bool = True):
        self.crop, self.seed = crop, seed
        self.pairs, self.dropped = [], []
        for ldr_path, hdr_path in find_pairs(root):
            hdr = read_hdr(hdr_path)
            if float(hdr.max()) > max_hdr:
                self.dropped.append((hdr_path, float(hdr.max())))
                continue
            t, score = find_orientation(read_ldr(ldr_path), hdr) if fix_orientation else (0, math.nan)
            self.pairs.append(dict(ldr=ldr_path, hdr=hdr_path, orientation=t, ssim=score))

    def __len__(self) -> int:
        return len(self.pairs)

    def __getitem__(self, i: int) -> dict:
        pair = self.pairs[i]
        ldr = read_ldr(pair["ldr"])
        hdr = apply_orientation(read_hdr(pair["hdr"]), pair["orientation"])
        if hdr.shape[:2] != ldr.shape[:2]:
            hdr = cv2.resize(hdr, (ldr.shape[1], ldr.shape[0]), interpolation=cv2.INTER_AREA)
        if self.crop is not None:
            rng = np.random.default_rng() if self.seed is None else np.random.default_rng([self.seed, i])
            side = min(self.crop, *ldr.shape[:2])
            y = int(rng.integers(0, ldr.shape[0] - side + 1))
            x = int(rng.integers(0, ldr.shape[1] - side + 1))
            ldr, hdr = ldr[y:y + side, x:x + side], hdr[y:y + side, x:x + side]
        return dict(name=pair["ldr"].stem, ldr=to_tensor(normalise_ldr(ldr)), hdr=to_tensor(normalise_hdr(hdr)),
                    ldr_raw=to_tensor(ldr))
