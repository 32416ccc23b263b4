"""
Which scenes train and which evaluate.

`../shared/data/hdr/val/` (5 photographs) has always been held out. Of the 19 Poly Haven panoramas added to
`train/` after model 1.1.0 was trained (the last 19 rows of MANIFEST.tsv), every second one in manifest order is
held out as well, so the widened evaluation (wide_eval.py) has 14 scenes that neither 1.1.0 nor its successors saw.
Five training files are the same scene under two names; one of each pair is dropped so no scene is sampled twice.
"""

from pathlib import Path

# Held out of training: evaluation scenes in train/ (file names).
HELD_OUT = (
    "waymo-open-data-visualization__blaubeuren_night_1k.hdr",
    "waymo-open-data-visualization__rogland_clear_night_1k.hdr",
    "waymo-open-data-visualization__shanghai_bund_1k.hdr",
    "waymo-open-data-visualization__urban_street_01_1k.hdr",
    "estanima_hdr__pedestrian_overpass_1k.hdr",
    "PlutarchyHRDI__photo_studio_01_1k.hdr",
    "zoomland__wasteland_clouds_puresky_1k.hdr",
    "website_sofa_model__little_paris_eiffel_tower_1k.hdr",
    "website_sofa_model__lythwood_room_1k.hdr",
)

# Dropped copy -> the copy that is kept.
DUPLICATES = {
    "blender-data__sunset.hdr": "drei-assets__venice_sunset_1k.hdr",
    "pmndrs_assets__apartment.hdr": "drei-assets__lebombo_1k.hdr",
    "pmndrs_assets__lobby.hdr": "drei-assets__st_fagans_interior_1k.hdr",
    "pmndrs_assets__hall.hdr": "gkjohnson_3d-demo-data__dancing_hall_1k.hdr",
    "pmndrs_assets__park.hdr": "drei-assets__rooitou_park_1k.hdr",
}


def training_files(folder: Path) -> list[Path]:
    """Sorted .hdr files of a training folder without the held-out scenes and the dropped duplicates."""
    skip = set(HELD_OUT) | set(DUPLICATES)
    return [p for p in sorted(Path(folder).glob("*.hdr")) if p.name not in skip]


def evaluation_files(hdr_root: Path) -> list[Path]:
    """The widened evaluation's scenes under hdr_root (the folder holding train/ and val/): every val/ file, then
    the held-out training files that exist, sorted by name within each group."""
    root = Path(hdr_root)
    held = [root / "train" / name for name in sorted(HELD_OUT)]
    return sorted((root / "val").glob("*.hdr")) + [p for p in held if p.is_file()]
