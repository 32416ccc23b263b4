"""wide_eval.py: the widened evaluation end to end on synthetic scenes, its subsets and its bootstrap intervals."""
import json
import math

import cv2
import numpy as np
import pytest
import torch

import wide_eval
from camera_kinds import EVAL_KINDS
from model import Unclip, UnclipConfig


@pytest.fixture
def hdr_root(tmp_path):
    """val/ with three small synthetic photographs holding a bright patch, and an empty train/."""
    rng = np.random.default_rng(0)
    (tmp_path / 'val').mkdir()
    (tmp_path / 'train').mkdir()
    for i in range(3):
        img = np.exp(rng.normal(0, 1, (48, 64, 3))).astype(np.float32)
        img[8:20, 8:24] = 300.0
        assert cv2.imwrite(str(tmp_path / 'val' / f'img{i}.hdr'), img)
    return tmp_path


def test_scores_every_camera_and_clip_level_with_intervals(hdr_root, tmp_path):
    torch.manual_seed(0)
    config = UnclipConfig(blend=True, widths=(16, 16, 8, 8, 8, 4))
    torch.save({'config': config.to_dict(), 'model': Unclip(config).state_dict()}, tmp_path / 'm.pt')
    out = tmp_path / 'wide.json'
    argv = ['--hdr-root', str(hdr_root), '--seeds', '0,1', '--max-side', '64', '--no-peers',
            '--model', f'a={tmp_path / "m.pt"}', '--model', f'b={tmp_path / "m.pt"}', '--cache', str(tmp_path / 'c'),
            '--json', str(out)]
    summary = wide_eval.main(argv)
    report = json.loads(out.read_text())
    assert len(report['per_image']['baseline']) == 3 * len(EVAL_KINDS) * 2 * 2
    assert set(summary) == {f'{k} {c}' for k in EVAL_KINDS for c in wide_eval.CLIP_LEVELS} | set(EVAL_KINDS) | {'all'}
    same = summary['all']['differences']['b - a']['pu21_psnr']
    assert same == {'mean': 0.0, 'low': 0.0, 'high': 0.0}  # one model against itself
    for rows in report['per_image'].values():
        assert all(math.isfinite(r['pu21_psnr']) for r in rows)
    # The cache answers a rerun without scoring anything again.
    lines = sum(len(p.read_text().splitlines()) for p in (tmp_path / 'c').iterdir())
    wide_eval.main(argv)
    assert sum(len(p.read_text().splitlines()) for p in (tmp_path / 'c').iterdir()) == lines


def test_bootstrap_interval_clears_zero_only_for_a_real_difference():
    rng = np.random.default_rng(0)
    ref = [dict(scene=f's{i % 6}', x=float(v)) for i, v in enumerate(rng.normal(30, 2, 60))]
    better = [dict(r, x=r['x'] + 0.5 + 0.1 * rng.standard_normal()) for r in ref]
    noisy = [dict(r, x=r['x'] + rng.standard_normal()) for r in ref]
    d = wide_eval.bootstrap_difference(better, ref, 'x', np.random.default_rng(1))
    assert d['low'] > 0 and d['low'] <= d['mean'] <= d['high']
    d = wide_eval.bootstrap_difference(noisy, ref, 'x', np.random.default_rng(1))
    assert d['low'] < 0 < d['high']


def test_no_scenes_is_a_message_not_a_failure(tmp_path, capsys):
    assert wide_eval.main(['--hdr-root', str(tmp_path), '--no-peers']) == {}
    assert 'no evaluation scenes' in capsys.readouterr().out
