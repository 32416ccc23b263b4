"""
Published single-image HDR networks, run beside Unclip on the same inputs (never copied into the project).

    ExpandNet  Marnerides et al., Eurographics 2018 (BSD-3-Clause-Clear), ../shared/peers/expandnet
    LHDR       Guo & Jiang, ACCV 2022 (MPL-2.0), ../shared/peers/lhdr

Each loader imports the peer's own network module from its folder, loads its published weights, and returns a
predictor numpy (H, W, 3) sRGB-encoded RGB in [0, 1] -> (H, W, 3) linear HDR in an arbitrary scale (evaluation
aligns the scale), following the pre- and post-processing of the peer's own inference script
(`../shared/peers/README.md`). Both scripts work in OpenCV's BGR order; the wrappers convert.
"""

import importlib.util
from pathlib import Path
from typing import Callable

import cv2
import numpy as np
import torch

DEFAULT_PEERS_DIR = Path(__file__).resolve().parents[2] / "shared" / "peers"
PEERS = ("expandnet", "lhdr")


def _import(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _min_max(x: np.ndarray) -> np.ndarray:
    """Rescale to [0, 1] by the array's own minimum and maximum (ExpandNet's map_range)."""
    lo, hi = float(x.min()), float(x.max())
    return (x - lo) / (hi - lo) if hi > lo else np.zeros_like(x)


def _chw(bgr: np.ndarray) -> torch.Tensor:
    """BGR (H, W, 3) -> RGB-ordered (1, 3, H, W) tensor, as the peers' cv2torch / np2torch do."""
    return torch.from_numpy(np.ascontiguousarray(bgr[:, :, ::-1].transpose(2, 0, 1)))[None].float()


def _hwc_bgr(t: torch.Tensor) -> np.ndarray:
    """(1, 3, H, W) or (3, H, W) RGB-ordered tensor -> BGR (H, W, 3)."""
    return (t[0] if t.dim() == 4 else t).numpy().transpose(1, 2, 0)[:, :, ::-1]


def expandnet(folder: Path) -> Callable[[np.ndarray], np.ndarray]:
    net = _import(folder / "model.py", "peer_expandnet_model").ExpandNet()
    net.load_state_dict(torch.load(folder / "weights.pth", map_location="cpu"))
    net.eval()

    def predict(ldr: np.ndarray) -> np.ndarray:
        x = _chw(_min_max(ldr[:, :, ::-1].astype(np.float32)))
        patch = max(x.shape[-2:]) + 40  # one patch: the image and the script's 20-pixel overlap
        out = _min_max(_hwc_bgr(net.predict(x, patch)))
        return np.ascontiguousarray(out[:, :, ::-1], dtype=np.float32)

    return predict


def lhdr(folder: Path) -> Callable[[np.ndarray], np.ndarray]:
    net = _import(folder / "network.py", "peer_lhdr_network").LiteHDRNet(in_nc=3, out_nc=3, nf=32,
                                                                         act_type="leakyrelu")
    net.load_state_dict(torch.load(folder / "params.pth", map_location="cpu"))
    net.eval()

    def predict(ldr: np.ndarray) -> np.ndarray:
        h, w = ldr.shape[:2]
        bgr = np.ascontiguousarray(ldr[:, :, ::-1], dtype=np.float32)
        # Its test.py fails on sides that are not multiples of 16: pad by reflection, crop afterwards.
        bgr = cv2.copyMakeBorder(bgr, 0, -h % 16, 0, -w % 16, cv2.BORDER_REFLECT_101)
        s_cond = np.clip((bgr - 0.9) / 0.1, 0.0, 1.0)
        c_cond = cv2.resize(bgr, (0, 0), fx=0.25, fy=0.25)
        with torch.no_grad():
            out = _hwc_bgr(net((_chw(bgr), _chw(s_cond), _chw(c_cond))))[:h, :w]
        out = np.maximum(out / max(float(out.max()), 1e-8), 0.0) ** (1 / 0.45)
        return np.ascontiguousarray(out[:, :, ::-1], dtype=np.float32)

    return predict


def load_peer(name: str, peers_dir: Path = DEFAULT_PEERS_DIR) -> Callable[[np.ndarray], np.ndarray]:
    """The predictor of a peer in PEERS; FileNotFoundError names the missing folder."""
    folder = Path(peers_dir) / name
    if not folder.is_dir():
        raise FileNotFoundError(f"peer {name} not found: expected {folder}")
    return {"expandnet": expandnet, "lhdr": lhdr}[name](folder)
