"""Training: a few optimiser steps lower the loss; train.py runs, checkpoints, draws its curve and resumes."""
import json
import warnings

import cv2
import numpy as np
import torch

import train
from losses import UnclipLoss
from model import Unclip, UnclipConfig, encode_target

SMALL = dict(widths=(16, 16, 8, 8, 8, 4))


def test_a_few_steps_lower_the_loss():
    torch.manual_seed(0)
    config = UnclipConfig(**SMALL)
    net = Unclip(config).train()
    loss_fn = UnclipLoss(net.encoder, clip_weight=3.0)
    hdr = torch.rand(4, 3, 64, 64) * 4  # synthetic scene, up to 2 stops over the clip level
    ldr = hdr.clamp(max=1.0) ** (1 / 2.2)
    clip = (hdr.amax(1, keepdim=True) >= 1.0).float()
    target = encode_target(hdr, config)
    opt = torch.optim.Adam([p for p in net.parameters() if p.requires_grad], lr=9e-4, betas=(0.5, 0.999))
    losses = []
    for _ in range(25):
        loss, _ = loss_fn(net.predict_log(ldr), target, clip)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(float(loss))
    assert np.mean(losses[-5:]) < 0.8 * np.mean(losses[:5]), losses


def test_train_runs_checkpoints_and_resumes(tmp_path):
    data_dir = tmp_path / 'hdr'
    data_dir.mkdir()
    rng = np.random.default_rng(0)
    for i in range(2):
        img = np.exp(rng.normal(0, 1, (96, 128, 3))).astype(np.float32)
        img[20:40, 30:60] = 50.0  # a highlight to clip
        cv2.imwrite(str(data_dir / f'scene{i}.hdr'), img)
    out = tmp_path / 'run'
    args = ['--data', str(data_dir), '--val', str(data_dir), '--weights', str(tmp_path / 'absent.tflite'),
            '--out', str(out), '--device', 'cpu', '--batch', '2', '--crop', '64', '--samples-per-image', '2',
            '--workers', '0', '--log-every', '1', '--ckpt-every', '2']
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')  # no EMoR basis / weights in a bare checkout: fallbacks are expected
        train.main(args + ['--steps', '2'])
        assert (out / 'loss.png').is_file()
        first = torch.load(out / 'ckpt.pt')
        assert first['step'] == 2 and first['config']['recipe'] == 'shipped'
        train.main(args + ['--steps', '3'])
    history = json.loads((out / 'history.json').read_text())
    assert [r['step'] for r in history['train']] == [1, 2, 3]
    assert history['val'][-1]['step'] == 3
    # The run's clock carries over the resume: the time box and the lr decay span the whole run.
    resumed = torch.load(out / 'ckpt.pt')
    assert resumed['elapsed_s'] > first['elapsed_s'] > 0
    assert history['train'][2]['elapsed_s'] >= first['elapsed_s']
    # A time box the run has already used up ends it at once, with no further steps.
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        train.main(args + ['--steps', '5', '--max-minutes', '0.000001'])
    assert torch.load(out / 'ckpt.pt')['step'] == 3


def test_train_with_input_unit_targets(tmp_path):
    data_dir = tmp_path / 'hdr'
    data_dir.mkdir()
    img = np.exp(np.random.default_rng(1).normal(0, 1, (96, 128, 3))).astype(np.float32)
    img[20:40, 30:60] = 50.0
    cv2.imwrite(str(data_dir / 'scene.hdr'), img)
    out = tmp_path / 'run'
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        train.main(['--data', str(data_dir), '--val', str(data_dir), '--weights', str(tmp_path / 'absent.tflite'),
                    '--out', str(out), '--device', 'cpu', '--batch', '2', '--crop', '64', '--workers', '0',
                    '--steps', '1', '--target', 'input'])
    ckpt = torch.load(out / 'ckpt.pt')
    assert ckpt['step'] == 1 and ckpt['args']['target'] == 'input'
    assert np.isfinite(ckpt['history']['val'][-1]['l1_clipped'])
