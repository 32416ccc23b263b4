"""Perspective views from equirectangular maps: direction, field of view, longitude wrap."""

import math
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from panorama import equirect_pyramid, pick_level, render_view, view_directions  # noqa: E402

W, H = 720, 360


def lonlat_panorama():
    """Channel 0 = longitude (rad), channel 1 = latitude (rad), channel 2 = 1, at every pixel centre."""
    lon = ((np.arange(W) + 0.5) / W * 2 * math.pi - math.pi)[None, :].repeat(H, 0)
    lat = (math.pi / 2 - (np.arange(H) + 0.5) / H * math.pi)[:, None].repeat(W, 1)
    return np.stack([lon, lat, np.ones_like(lon)], -1).astype(np.float32)


@pytest.mark.parametrize("yaw_deg,pitch_deg", [(0, 0), (60, 20), (-120, -35), (170, 10)])
def test_view_centre_looks_at_yaw_pitch(yaw_deg, pitch_deg):
    view = render_view(lonlat_panorama(), math.radians(yaw_deg), math.radians(pitch_deg), math.radians(60), 64)
    centre = view[31:33, 31:33].mean(axis=(0, 1))
    assert math.degrees(centre[0]) == pytest.approx(yaw_deg, abs=1.0)
    assert math.degrees(centre[1]) == pytest.approx(pitch_deg, abs=1.0)


@pytest.mark.parametrize("fov_deg", [45, 90])
def test_horizontal_fov_extent_on_horizon(fov_deg):
    size = 128
    view = render_view(lonlat_panorama(), 0.0, 0.0, math.radians(fov_deg), size)
    row = view[size // 2 - 1:size // 2 + 1].mean(axis=0)  # the horizon row
    # The outermost pixel centres sit half a pixel inside the image edge.
    half = math.atan((size / 2 - 0.5) / (size / 2) * math.tan(math.radians(fov_deg) / 2))
    assert row[0, 0] == pytest.approx(-half, abs=0.01)
    assert row[-1, 0] == pytest.approx(half, abs=0.01)
    # Right in the image = increasing longitude; up = increasing latitude (no mirroring).
    assert (np.diff(row[:, 0]) > 0).all()
    assert view[0, size // 2, 1] > view[-1, size // 2, 1]


def test_yaw_wraps_around():
    pano = np.random.default_rng(0).uniform(0, 1, (H, W, 3)).astype(np.float32)
    a = render_view(pano, math.radians(100), 0.1, 1.0, 48)
    b = render_view(pano, math.radians(100) + 2 * math.pi, 0.1, 1.0, 48)
    assert np.allclose(a, b, atol=1e-4)


def test_view_across_the_seam_is_continuous():
    """Looking at longitude +-180 must blend both map edges, not smear one column."""
    view = render_view(lonlat_panorama(), math.pi, 0.0, math.radians(30), 32)
    lon = view[16, :, 0]
    assert lon[0] > 2.5 and lon[-1] < -2.5  # left half near +pi, right half wrapped to -pi


def test_directions_are_unit_and_centre_forward():
    d = view_directions(16, 0.0, 0.0, math.radians(90))
    assert np.allclose(np.linalg.norm(d, axis=-1), 1.0)
    assert d[7:9, 7:9, 2].min() > 0.99


def test_pyramid_and_level_choice():
    pano = np.zeros((512, 1024, 3), np.float32)
    levels = equirect_pyramid(pano, 128)
    assert [lv.shape[1] for lv in levels] == [1024, 512, 256, 128]
    # A 256-pixel 90-degree view has 128 px/rad at its centre; 1024/(2 pi) = 163 px/rad is the coarsest >= it.
    assert pick_level(levels, math.radians(90), 256).shape[1] == 1024
    assert pick_level(levels, math.radians(90), 64).shape[1] == 256
