"""scenes.py: the widened evaluation's scenes are never trained on, and duplicate scenes are sampled once."""
from pathlib import Path

import scenes


def touch(folder: Path, names):
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).write_bytes(b'')


def test_training_files_leave_out_held_out_scenes_and_duplicates(tmp_path):
    kept = ['a.hdr', 'drei-assets__venice_sunset_1k.hdr']
    touch(tmp_path / 'train', kept + list(scenes.HELD_OUT) + list(scenes.DUPLICATES))
    assert [p.name for p in scenes.training_files(tmp_path / 'train')] == sorted(kept)


def test_evaluation_files_are_val_then_held_out(tmp_path):
    touch(tmp_path / 'val', ['v2.hdr', 'v1.hdr'])
    touch(tmp_path / 'train', ['a.hdr', scenes.HELD_OUT[0], scenes.HELD_OUT[3]])
    names = [p.name for p in scenes.evaluation_files(tmp_path)]
    assert names == ['v1.hdr', 'v2.hdr'] + sorted([scenes.HELD_OUT[0], scenes.HELD_OUT[3]])
    assert not set(names) & {p.name for p in scenes.training_files(tmp_path / 'train')}
