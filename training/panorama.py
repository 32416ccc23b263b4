"""
Perspective (pinhole) views rendered from equirectangular panoramas.

Conventions: an equirectangular map (H, W, C) covers longitude -pi..pi left to right and latitude +pi/2..-pi/2
top to bottom, pixel centres at (u + 0.5) / W and (v + 0.5) / H. World axes: x east, y up, z at longitude 0.
A view looks along (yaw, pitch) = (longitude, latitude) of its centre; image right is increasing longitude,
image up is increasing latitude, so a view is not mirrored relative to the map.
"""

import math

import cv2
import numpy as np


def view_directions(size: int, yaw: float, pitch: float, fov: float) -> np.ndarray:
    """Unit ray directions (size, size, 3) in world (x, y, z) for a square pinhole view.

    yaw, pitch: longitude and latitude of the view centre in radians. fov: horizontal field of view in
    radians, 0 < fov < pi.
    """
    focal = (size / 2.0) / math.tan(fov / 2.0)
    coords = (np.arange(size, dtype=np.float64) + 0.5 - size / 2.0) / focal
    x, y_down = np.meshgrid(coords, coords)  # (size, size) each
    # Camera frame: x right, y up, z forward; rotate by pitch about x, then by yaw about y.
    y = -y_down
    z = np.ones_like(x)
    cp, sp, cy, sy = math.cos(pitch), math.sin(pitch), math.cos(yaw), math.sin(yaw)
    y, z = y * cp + z * sp, -y * sp + z * cp
    x, z = x * cy + z * sy, -x * sy + z * cy
    d = np.stack([x, y, z], axis=-1)
    return d / np.linalg.norm(d, axis=-1, keepdims=True)


def directions_to_equirect(d: np.ndarray, width: int, height: int) -> tuple[np.ndarray, np.ndarray]:
    """Map unit directions (..., 3) to float pixel coordinates (map_x, map_y) in a width x height map."""
    lon = np.arctan2(d[..., 0], d[..., 2])
    lat = np.arcsin(np.clip(d[..., 1], -1.0, 1.0))
    map_x = (lon + math.pi) / (2.0 * math.pi) * width - 0.5
    map_y = (math.pi / 2.0 - lat) / math.pi * height - 0.5
    return map_x, map_y


def render_view(pano: np.ndarray, yaw: float, pitch: float, fov: float, size: int) -> np.ndarray:
    """Render a size x size perspective view from an equirectangular panorama with bilinear sampling.

    pano: float32 (H, W, C) equirectangular map (C <= 4). yaw, pitch, fov: radians, see view_directions.
    Returns float32 (size, size, C).
    """
    height, width = pano.shape[:2]
    map_x, map_y = directions_to_equirect(view_directions(size, yaw, pitch, fov), width, height)
    # Longitude wraps: keep x in [0, W) and let BORDER_WRAP fetch the neighbour across the seam. Latitude must
    # not wrap (the pole's neighbour is not the other pole), so clamp y to the first and last pixel rows.
    map_x = np.mod(map_x, width).astype(np.float32)
    map_y = np.clip(map_y, 0.0, height - 1.0).astype(np.float32)
    out = cv2.remap(pano, map_x, map_y, interpolation=cv2.INTER_LINEAR, borderMode=cv2.BORDER_WRAP)
    return out.reshape(size, size, -1)


def equirect_pyramid(pano: np.ndarray, min_width: int = 256) -> list[np.ndarray]:
    """Successively halved copies of pano (INTER_AREA), largest first, down to about min_width pixels wide.

    render_view samples bilinearly, which aliases when a view is much coarser than the map; pick_level chooses
    the copy whose resolution best matches the view.
    """
    levels = [pano]
    while levels[-1].shape[1] // 2 >= min_width:
        h, w = levels[-1].shape[:2]
        levels.append(cv2.resize(levels[-1], (w // 2, h // 2), interpolation=cv2.INTER_AREA))
    return levels


def pick_level(levels: list[np.ndarray], fov: float, size: int) -> np.ndarray:
    """The coarsest pyramid level with at least as many pixels per radian as the view has at its centre."""
    view_density = (size / 2.0) / math.tan(fov / 2.0)
    for level in reversed(levels):
        if level.shape[1] / (2.0 * math.pi) >= view_density:
            return level
    return levels[0]
