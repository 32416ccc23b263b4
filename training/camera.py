"""
Camera simulation: turn a linear HDR image into the 8-bit JPEG a real camera would have written.

The pipeline, in the order a camera applies it:
    exposure  -> scale the scene so a chosen fraction of pixels exceeds the sensor's full well (1.0)
    noise     -> Poisson shot noise + Gaussian read noise, in linear sensor units, then clip to [0, 1]
    response  -> a camera response function (CRF) from the EMoR family of Grossberg & Nayar (TPAMI 2004)
    quantise  -> 8 bits
    JPEG      -> cv2.imencode at a random quality

Everything random is drawn from a caller-supplied np.random.Generator, so a seeded generator reproduces an
LDR bit for bit. Every sampled quantity can also be passed explicitly; the returned `params` dict has exactly
the keyword names of `simulate_ldr`, so the same camera can re-shoot the same scene at another exposure:

    ldr, hdr1, clip, p = simulate_ldr(hdr, rng, basis=basis)
    dark, hdr_dark, _, _ = simulate_ldr(hdr, rng, **{**p, "exposure": p["exposure"] * 2.0 ** -3})
"""

import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

# Where the EMoR basis lives in a checkout: <repo>/../shared/data/crf.
DEFAULT_CRF_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "crf"

# Mean and spread of the first EMoR coefficients. Projecting common responses onto the basis gives
# c1..c3 = (3.0, -0.5, 0.0) for gamma 1.5, (0.0, -1.2, -0.3) for gamma 2.2, (-0.1, -1.1, -0.2) for sRGB and
# (-1.2, -1.6, -0.5) for gamma 2.6, so this range spans flat to steep consumer-camera curves.
CRF_COEF_MEAN = np.array([0.0, -0.8, -0.15, -0.05, 0.0])
CRF_COEF_STD = np.array([1.2, 0.6, 0.3, 0.15, 0.1])

CLIP_LEVEL_8BIT = 254.0 / 255.0  # an 8-bit value at or above this is treated as clipped


@dataclass
class EmorBasis:
    """The EMoR response basis, all sampled at the same 1024 irradiances.

    E: (1024,) normalised irradiance 0..1; f0: (1024,) mean response 0..1; h: (25, 1024) unit-norm basis.
    """
    E: np.ndarray
    f0: np.ndarray
    h: np.ndarray


def load_emor(crf_dir: Path | None = None) -> EmorBasis | None:
    """Read emor.txt from crf_dir (see its README for the format).

    crf_dir: folder holding emor.txt; None = ../shared/data/crf next to the repo. An explicitly given folder
        must exist (FileNotFoundError); a missing default folder only warns and returns None, in which case
        sample_crf falls back to plain gamma curves so that code runs without the research data.
    """
    path = Path(crf_dir if crf_dir is not None else DEFAULT_CRF_DIR) / "emor.txt"
    if not path.is_file():
        if crf_dir is not None:
            raise FileNotFoundError(f"EMoR basis not found: expected {path}")
        warnings.warn(f"EMoR basis not found at {path}; sampling gamma-curve responses instead")
        return None
    # Blocks look like "name =" followed by 1024 numbers; names are E, f0, h(1) ... h(25).
    parts = re.split(r"([A-Za-z0-9()]+)\s*=\s*", path.read_text())[1:]
    blocks = {parts[i]: np.array(parts[i + 1].split(), dtype=np.float64) for i in range(0, len(parts), 2)}
    h = np.stack([blocks[f"h({i})"] for i in range(1, 26)])
    return EmorBasis(E=blocks["E"], f0=blocks["f0"], h=h)


def is_valid_crf(curve: np.ndarray) -> bool:
    """True when a sampled response (1024,) is non-decreasing and within [0, 1]."""
    return bool(np.all(np.diff(curve) >= 0) and curve.min() >= 0 and curve.max() <= 1)


def sample_crf(rng: np.random.Generator, basis: EmorBasis | None, max_tries: int = 20) -> np.ndarray:
    """Draw a camera response curve (1024,) mapping irradiance E = linspace(0, 1, 1024) to 0..1.

    rng: the random source. basis: from load_emor; None = gamma curve with exponent 1/U(1.6, 2.6).
    max_tries: curves failing is_valid_crf are redrawn this many times; after that the last one is repaired
        (running maximum, clipped to [0, 1]) rather than looping forever.
    """
    if basis is None:
        return np.linspace(0.0, 1.0, 1024) ** (1.0 / rng.uniform(1.6, 2.6))
    k = len(CRF_COEF_MEAN)
    for _ in range(max_tries):
        coef = CRF_COEF_MEAN + CRF_COEF_STD * np.clip(rng.standard_normal(k), -2.5, 2.5)
        curve = basis.f0 + coef @ basis.h[:k]
        if is_valid_crf(curve):
            return curve
    return np.clip(np.maximum.accumulate(curve), 0.0, 1.0)


def apply_crf(x: np.ndarray, curve: np.ndarray) -> np.ndarray:
    """Map linear sensor values x in [0, 1] (any shape) through curve (n,) sampled on linspace(0, 1, n)."""
    # Same result as np.interp on the uniform grid, several times faster.
    n = len(curve)
    t = np.clip(x, 0.0, 1.0).astype(np.float32) * np.float32(n - 1)
    i = np.minimum(t.astype(np.int32), n - 2)
    frac = t - i
    lut = curve.astype(np.float32)
    return lut[i] * (1.0 - frac) + lut[i + 1] * frac


def invert_crf(values: np.ndarray, curve: np.ndarray) -> np.ndarray:
    """Irradiance in [0, 1] at which `curve` (n,), sampled on linspace(0, 1, n), reaches each of `values` (any
    shape): the linearisation apply_crf undoes. Flat stretches of the curve map to their first irradiance."""
    return np.interp(values, np.maximum.accumulate(curve), np.linspace(0.0, 1.0, len(curve))).astype(np.float32)


def add_sensor_noise(x: np.ndarray, rng: np.random.Generator, shot: float, read: float) -> np.ndarray:
    """Poisson-Gaussian sensor noise on linear values x (>= 0, 1.0 = full well); result clipped to [0, 1].

    shot: signal per photo-electron (1 / electrons at full well), so shot noise has variance shot * x.
    read: standard deviation of the Gaussian read noise. Total variance before clipping: shot * x + read^2.
    The Poisson part uses its heteroscedastic Gaussian approximation (Foi et al., IEEE TIP 2008), which is
    several times faster than exact Poisson draws and differs only below a few electrons.
    """
    # Values far above full well saturate anyway; capping them keeps the variance bounded.
    signal = np.minimum(x, 2.0).astype(np.float32)
    sigma = np.sqrt(np.float32(shot) * signal + np.float32(read) ** 2)
    noisy = signal + sigma * rng.standard_normal(size=x.shape, dtype=np.float32)
    return np.clip(noisy, 0.0, 1.0)


def srgb_encode(x: np.ndarray) -> np.ndarray:
    """Linear -> sRGB-encoded (IEC 61966-2-1), element-wise; negative input gives 0."""
    x = np.maximum(x, 0.0)
    return np.where(x <= 0.0031308, 12.92 * x, 1.055 * np.power(x, 1 / 2.4) - 0.055)


def srgb_to_linear(x: np.ndarray) -> np.ndarray:
    """Inverse sRGB transfer function; x in [0, 1], any shape. The engine's do-nothing linearisation."""
    return np.where(x <= 0.04045, x / 12.92, ((x + 0.055) / 1.055) ** 2.4).astype(np.float32)


def max_channel(img: np.ndarray) -> np.ndarray:
    """Per-pixel maximum over the last axis of img (H, W, 3) -> (H, W); much faster than img.max(axis=2)."""
    return np.maximum(np.maximum(img[..., 0], img[..., 1]), img[..., 2])


def auto_exposure(hdr: np.ndarray, clip_fraction: float) -> float:
    """Exposure factor that makes about clip_fraction of the pixels of hdr (H, W, 3) reach 1.0.

    Uses the per-pixel maximum channel rather than luminance, because a pixel clips when any channel does.
    """
    peak = max_channel(hdr)
    level = float(np.quantile(peak, 1.0 - clip_fraction))
    if level <= 0:  # a mostly black image: expose its brightest pixel at 1.0 instead
        level = float(peak.max())
    return 1.0 / max(level, 1e-8)


def jpeg_roundtrip(img8: np.ndarray, quality: int) -> np.ndarray:
    """Encode an RGB uint8 image (H, W, 3) as JPEG at quality 0..100 and decode it again (uint8 RGB)."""
    ok, buf = cv2.imencode(".jpg", np.ascontiguousarray(img8[:, :, ::-1]), [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    if not ok:
        raise RuntimeError("cv2.imencode failed to write a JPEG")
    return cv2.imdecode(buf, cv2.IMREAD_COLOR)[:, :, ::-1]


def simulate_ldr(hdr: np.ndarray, rng: np.random.Generator, crf: np.ndarray | None = None,
                 exposure: float | None = None, shot_noise: float | None = None, read_noise: float | None = None,
                 jpeg_quality: int | None = None, basis: EmorBasis | None = None,
                 clip_range: tuple[float, float] = (0.03, 0.15)):
    """Photograph a linear HDR image with a randomly drawn camera.

    hdr: float (H, W, 3) linear RGB, any non-negative scale.
    rng: np.random.Generator; the only source of randomness.
    crf: response curve (1024,) from sample_crf; None = draw one from `basis`.
    exposure: factor applied to hdr; None = auto_exposure with a clip fraction drawn log-uniformly from
        clip_range, then jittered by +-0.15 stops (the realised fraction also moves with noise and JPEG).
    shot_noise: see add_sensor_noise; None = log-uniform in [1e-4, 3e-3] (base ISO to about ISO 3200).
    read_noise: see add_sensor_noise; None = log-uniform in [2e-4, 2e-3]. Pass 0 for both to disable noise.
    jpeg_quality: 0..100; None = uniform integer in [70, 98]; 100 or more skips JPEG entirely.
    basis: EMoR basis for drawing crf; None = gamma fallback (see sample_crf).
    clip_range: (low, high) target fraction of clipped pixels for the automatic exposure.

    Returns (ldr, hdr_scaled, clip, params):
        ldr: float32 (H, W, 3) in [0, 1], multiples of 1/255.
        hdr_scaled: float32 (H, W, 3) = hdr * exposure, noise-free; 1.0 is the clipping level.
        clip: bool (H, W), max channel of ldr >= 254/255 or of hdr_scaled >= 1.
        params: dict(crf, exposure, shot_noise, read_noise, jpeg_quality), valid keywords for this function.
    """
    if crf is None:
        crf = sample_crf(rng, basis)
    if exposure is None:
        target = float(np.exp(rng.uniform(np.log(clip_range[0]), np.log(clip_range[1]))))
        exposure = auto_exposure(hdr, target) * 2.0 ** rng.uniform(-0.15, 0.15)
    if shot_noise is None:
        shot_noise = float(np.exp(rng.uniform(np.log(1e-4), np.log(3e-3))))
    if read_noise is None:
        read_noise = float(np.exp(rng.uniform(np.log(2e-4), np.log(2e-3))))
    if jpeg_quality is None:
        jpeg_quality = int(rng.integers(70, 99))

    hdr_scaled = (hdr * exposure).astype(np.float32)
    sensor = hdr_scaled
    if shot_noise > 0 or read_noise > 0:
        sensor = add_sensor_noise(hdr_scaled, rng, max(shot_noise, 1e-12), read_noise)
    img8 = np.round(apply_crf(np.clip(sensor, 0.0, 1.0), crf) * 255.0).astype(np.uint8)
    if jpeg_quality < 100:
        img8 = jpeg_roundtrip(img8, jpeg_quality)
    ldr = img8.astype(np.float32) / 255.0
    clip = (max_channel(ldr) >= CLIP_LEVEL_8BIT) | (max_channel(hdr_scaled) >= 1.0)
    params = dict(crf=crf, exposure=float(exposure), shot_noise=float(shot_noise), read_noise=float(read_noise),
                  jpeg_quality=int(jpeg_quality))
    return ldr, hdr_scaled, clip, params
