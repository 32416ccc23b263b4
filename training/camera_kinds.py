"""
Camera kinds: the tone curves real camera and phone JPEG engines apply, beyond EMoR draws around sRGB.

Each curve maps linear sensor values E in [0, 1] (1.0 = clipping) to encoded values in [0, 1] and is returned as a
(1024,) table on linspace(0, 1, 1024), the `crf` format of camera.simulate_ldr. Kinds:

    srgb     the sRGB transfer function itself (what the blend's srgb_to_linear assumes)
    emor     a random EMoR curve (camera.sample_crf: flat to steep consumer curves around sRGB)
    rolloff  a highlight shoulder before sRGB encoding: extended Reinhard g(x) = x (a + x) / (1 + a x), which
             lifts the mid-tones by ~a and compresses the top (g(1) = 1); a in [2, 5], as camera JPEG engines
             that expose low to protect highlights, then brighten
    scurve   a film-like contrast S-curve on the sRGB-encoded value, s(y) = y^p / (y^p + (1 - y)^p), p in [1.2, 1.5]

`sample_eval_curve` draws one of a named kind (evaluation); `sample_training_curve` draws from the training prior,
a mixture of all kinds with wider parameter ranges so a network falls back to the right average where a photo
says nothing about its curve.
"""

import numpy as np

from camera import EmorBasis, sample_crf, srgb_encode

CURVE_SAMPLES = 1024
EVAL_KINDS = ("srgb", "emor", "rolloff", "scurve")
ROLLOFF_EVAL_RANGE = (2.0, 5.0)  # a, log-uniform
SCURVE_EVAL_RANGE = (1.2, 1.5)  # p, uniform
# Training prior: kind -> probability; ranges wider than evaluation's on both sides.
TRAINING_MIX = {"srgb": 0.2, "emor": 0.3, "rolloff": 0.3, "scurve": 0.2}
ROLLOFF_TRAIN_RANGE = (1.3, 8.0)
SCURVE_TRAIN_RANGE = (1.05, 1.7)


def irradiance() -> np.ndarray:
    """The curves' sample positions, linspace(0, 1, CURVE_SAMPLES)."""
    return np.linspace(0.0, 1.0, CURVE_SAMPLES)


def rolloff(x: np.ndarray, a: float) -> np.ndarray:
    """Extended Reinhard shoulder with white point 1: x (a + x) / (1 + a x); slope a at 0, 1 at x = 1."""
    return x * (a + x) / (1.0 + a * x)


def s_curve(y: np.ndarray, p: float) -> np.ndarray:
    """Symmetric contrast curve on [0, 1] around 0.5: y^p / (y^p + (1 - y)^p)."""
    yp = np.power(y, p)
    return yp / (yp + np.power(1.0 - y, p))


def curve(kind: str, parameter: float | None = None, basis: EmorBasis | None = None,
          rng: np.random.Generator | None = None) -> np.ndarray:
    """The (1024,) curve of a kind with its parameter (a for rolloff, p for scurve; ignored otherwise).
    emor draws from rng with basis (camera.sample_crf)."""
    e = irradiance()
    if kind == "srgb":
        return srgb_encode(e)
    if kind == "rolloff":
        return srgb_encode(rolloff(e, parameter))
    if kind == "scurve":
        return s_curve(srgb_encode(e), parameter)
    if kind == "emor":
        return sample_crf(rng, basis)
    raise ValueError(f"unknown camera kind {kind!r}; expected one of {EVAL_KINDS}")


def _draw_parameter(kind: str, rng: np.random.Generator, rolloff_range, scurve_range) -> float | None:
    if kind == "rolloff":
        return float(np.exp(rng.uniform(np.log(rolloff_range[0]), np.log(rolloff_range[1]))))
    if kind == "scurve":
        return float(rng.uniform(*scurve_range))
    return None


def sample_eval_curve(kind: str, rng: np.random.Generator, basis: EmorBasis | None) -> np.ndarray:
    """A curve of the named evaluation kind, its parameter drawn from the evaluation range."""
    return curve(kind, _draw_parameter(kind, rng, ROLLOFF_EVAL_RANGE, SCURVE_EVAL_RANGE), basis, rng)


def sample_training_curve(rng: np.random.Generator, basis: EmorBasis | None) -> np.ndarray:
    """A curve from the training prior (TRAINING_MIX); a third of the roll-off cameras also get an S-curve."""
    kinds = list(TRAINING_MIX)
    kind = kinds[int(rng.choice(len(kinds), p=list(TRAINING_MIX.values())))]
    result = curve(kind, _draw_parameter(kind, rng, ROLLOFF_TRAIN_RANGE, SCURVE_TRAIN_RANGE), basis, rng)
    if kind == "rolloff" and rng.random() < 1 / 3:
        result = s_curve(result, float(rng.uniform(*SCURVE_TRAIN_RANGE)))
    return result
