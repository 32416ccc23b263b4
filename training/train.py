"""
Train Unclip. Defaults reproduce the shipped model on this project's data and fit a 2-core CPU in about two hours
(~3 s per step of 16 256x256 crops); on a GPU the same command takes minutes.

    python3 training/train.py --recipe shipped --weights ../shared/weights/v3-large-minimalistic_224_1.0_uint8.tflite

Runs are resumable: the run folder holds ckpt.pt (model, optimiser, step, config, history), rerunning the same command
continues from it. loss.png is redrawn at every checkpoint.
"""
import argparse
import json
import math
import os
import time
from pathlib import Path

import torch
from torch.utils.data import DataLoader

import data
import scenes
from losses import UnclipLoss
from model import Unclip, UnclipConfig, build, encode_target, load_onnx_decoder
from tflite_encoder import DEFAULT_WEIGHTS

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / 'shared'


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--recipe', choices=['seed', 'shipped'], default='shipped')  # seed = the reference's targets
    p.add_argument('--data', type=Path, default=SHARED / 'data/hdr/train')  # folder of .hdr training scenes
    p.add_argument('--val', type=Path, default=SHARED / 'data/hdr/val')  # scored every --ckpt-every steps; '' = off
    p.add_argument('--crf', type=Path, default=None)  # EMoR folder for camera curves (data.py's default if None)
    p.add_argument('--weights', type=Path, default=DEFAULT_WEIGHTS)
    p.add_argument('--out', type=Path, default=HERE / 'runs/shipped')  # run folder: ckpt.pt, loss.png, history.json
    p.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    p.add_argument('--steps', type=int, default=2000)  # optimiser steps in total (~1.7 h on 2 CPU cores)
    p.add_argument('--batch', type=int, default=16)  # the reference's batch size
    p.add_argument('--crop', type=int, default=256)  # training crop side, a multiple of 32
    p.add_argument('--samples-per-image', type=int, default=32)  # crops drawn per scene per pass over the data
    p.add_argument('--lr', type=float, default=9e-4)  # Adam(0.5, 0.999) as in the reference
    p.add_argument('--lr-floor', type=float, default=0.1)  # cosine decay to lr * floor over --steps (short runs)
    p.add_argument('--l1-weight', type=float, default=2.0)
    p.add_argument('--perceptual-weight', type=float, default=3.0)
    p.add_argument('--clip-weight', type=float, default=None)  # L1 alpha = 1 + w*clip; default 3 shipped, 0 seed
    p.add_argument('--upsample', choices=['shuffle', 'icnr_blur'], default='icnr_blur')
    p.add_argument('--blend', action=argparse.BooleanOptionalAction, default=None)  # keep the linearised input
    # outside clipped regions, in the graph and in the loss; default on for shipped, off (impossible) for seed
    p.add_argument('--workers', type=int, default=2)  # DataLoader processes producing camera-simulated crops
    p.add_argument('--max-minutes', type=float, default=0)  # stop (and checkpoint) after this long; 0 = no limit
    p.add_argument('--ckpt-every', type=int, default=250)
    p.add_argument('--log-every', type=int, default=25)
    p.add_argument('--seed', type=int, default=0)
    # HDR target units: 'sensor' = 1.0 at the clipping level (the shipped model); 'input' = mid-tones matched to
    # the sRGB-linearised LDR (data.in_input_units), the units the blend keeps. 'input' scored worse (model card).
    p.add_argument('--target', choices=data.TARGET_UNITS, default='sensor')
    # Camera curves of the training crops: 'emor' (1.1.0's prior) or 'mix' (camera_kinds.py: + roll-off, S-curves).
    p.add_argument('--camera', choices=data.CAMERA_PRIORS, default='emor')
    p.add_argument('--clip-range', type=float, nargs=2, default=(0.03, 0.15))  # clipped fraction, log-uniform
    p.add_argument('--per-channel-blend', action='store_true')  # one blend alpha per channel (new runs only)
    p.add_argument('--tone-head', action='store_true')  # per-image curve mix in the blend (tone_head.py; new runs)
    p.add_argument('--all-scenes', action='store_true')  # also train on scenes.HELD_OUT and duplicates (not for eval)
    p.add_argument('--init', type=Path, default=None)  # start a new run from an exported model's weights (.onnx)
    p.add_argument('--threads', type=int, default=os.cpu_count() or 1)  # CPU math threads (torch defaults to 1 here)
    return p.parse_args(argv)


def lr_at(step, args, elapsed_s=0.0):
    """Cosine decay over the run; a time-boxed run (--max-minutes) decays over whichever ends first."""
    t = step / max(args.steps, 1)
    if args.max_minutes:
        t = max(t, elapsed_s / (60 * args.max_minutes))
    t = min(t, 1.0)
    return args.lr * (args.lr_floor + (1 - args.lr_floor) * 0.5 * (1 + math.cos(math.pi * t)))


def batches(loader):
    while True:
        yield from loader


@torch.no_grad()
def validate(net, pairs, config, device):
    """Mean L1 in the recipe's tanh space over the val images (cropped to multiples of 32), all and clipped pixels."""
    net.eval()
    total = clipped = 0.0
    for p in pairs:
        h, w = (s - s % 32 for s in p['ldr'].shape[:2])
        ldr = torch.from_numpy(p['ldr'][:h, :w]).permute(2, 0, 1)[None].to(device)
        hdr = torch.from_numpy(p['hdr'][:h, :w]).permute(2, 0, 1)[None].to(device)
        clip = torch.from_numpy(p['clip'][:h, :w])[None, None].to(device)
        err = (net.predict_log(ldr) - encode_target(hdr, config)).abs()  # (1,3,h,w)
        total += float(err.mean())
        clipped += float(err.mean(1, keepdim=True)[clip].mean()) if clip.any() else 0.0
    net.train()
    return total / len(pairs), clipped / len(pairs)


def plot(history, path):
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(7, 4))
    tr = history['train']
    if tr:
        steps = [r['step'] for r in tr]
        for key in ('loss', 'l1', 'perceptual'):
            ax.plot(steps, [r[key] for r in tr], label=f'train {key}')
    if history['val']:
        ax.plot([r['step'] for r in history['val']], [r['l1'] for r in history['val']], 'o-', label='val l1')
        ax.plot([r['step'] for r in history['val']], [r['l1_clipped'] for r in history['val']], 's-',
                label='val l1 (clipped px)')
    ax.set_yscale('log')
    ax.set_xlabel('step')
    ax.legend()
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def save(path, net, opt, step, history, args, elapsed_s=0.0):
    ckpt = {'config': net.config.to_dict(), 'model': net.state_dict(), 'optimizer': opt.state_dict(),
            'step': step, 'history': history, 'elapsed_s': elapsed_s,
            'args': {k: str(v) for k, v in vars(args).items()}}
    tmp = path.with_suffix('.tmp')
    torch.save(ckpt, tmp)
    tmp.replace(path)  # never leave a half-written checkpoint behind


def main(argv=None):
    args = parse_args(argv)
    torch.manual_seed(args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    device = torch.device(args.device)
    # torch picked a single thread on the 2-core development machine: a CPU run used half of it.
    torch.set_num_threads(max(1, args.threads))
    torch.backends.cudnn.benchmark = True  # fixed crop size: let cuDNN pick the fastest kernels once
    ckpt_path = args.out / 'ckpt.pt'
    clip_weight = args.clip_weight if args.clip_weight is not None else (3.0 if args.recipe == 'shipped' else 0.0)

    if ckpt_path.exists():
        ckpt = torch.load(ckpt_path, map_location='cpu')
        config = UnclipConfig.from_dict(ckpt['config'])
        net = Unclip(config)
        net.load_state_dict(ckpt['model'])
        step, history = ckpt['step'], ckpt['history']
        # The time box and its learning-rate decay span the whole run, across resumes.
        elapsed_before = ckpt.get('elapsed_s', 0.0)
        print(f'resuming {ckpt_path} at step {step} ({elapsed_before / 60:.1f} min in)')
    else:
        if args.blend is None:
            args.blend = args.recipe == 'shipped'
        if args.blend and args.recipe != 'shipped':
            raise SystemExit('--blend needs --recipe shipped: the seed recipe has no absolute radiance scale')
        config = UnclipConfig(recipe=args.recipe, upsample=args.upsample, blend=args.blend,
                              blend_per_channel=args.per_channel_blend, tone_head=args.tone_head)
        net = build(config, args.weights if args.weights.exists() else None)
        if not args.weights.exists():
            print(f'WARNING: {args.weights} not found, the encoder is random (only useful for smoke tests)')
        if args.init is not None:
            copied = load_onnx_decoder(net, args.init, new_modules=('tone.',))
            print(f'initialised {copied} decoder tensors from {args.init}')
        step, history = 0, {'train': [], 'val': []}
        elapsed_before = 0.0
    net.to(device).train()
    params = [p for p in net.parameters() if p.requires_grad]
    opt = torch.optim.Adam(params, lr=args.lr, betas=(0.5, 0.999))
    if ckpt_path.exists():
        opt.load_state_dict(ckpt['optimizer'])
    loss_fn = UnclipLoss(net.encoder, args.l1_weight, args.perceptual_weight, clip_weight)

    files = sorted(args.data.glob('*.hdr')) if args.all_scenes else scenes.training_files(args.data)
    if not files:
        raise SystemExit(f'No .hdr files in {args.data}')
    dataset = data.HdrCropDataset(files, crop=args.crop, samples_per_image=args.samples_per_image,
                                  seed=None, crf_dir=args.crf, target=args.target,
                                  camera=args.camera, clip_range=tuple(args.clip_range))  # fresh randomness per item
    loader = DataLoader(dataset, batch_size=args.batch, shuffle=True, num_workers=args.workers, drop_last=True,
                        persistent_workers=args.workers > 0, pin_memory=device.type == 'cuda')
    val_pairs = data.make_eval_pairs(args.val, crf_dir=args.crf) if str(args.val) and args.val.exists() else []
    if args.target == 'input':
        val_pairs = [dict(p, hdr=data.in_input_units(p['ldr'], p['hdr'])) for p in val_pairs]
    print(f'{len(files)} training scenes, {len(val_pairs)} val images, {sum(p.numel() for p in params)} trainable '
          f'params, device {device}, recipe {config.recipe}, upsample {config.upsample}, blend {config.blend} '
          f'(per channel {config.blend_per_channel}, tone head {config.tone_head}), camera {args.camera}')

    t0, last = time.time() - elapsed_before, {'loss': 0.0, 'l1': 0.0, 'perceptual': 0.0, 'n': 0}
    for b in batches(loader):
        if step >= args.steps or (args.max_minutes and time.time() - t0 > 60 * args.max_minutes):
            break
        ldr, hdr, clip = (b[k].to(device, non_blocking=True) for k in ('ldr', 'hdr', 'clip'))
        for g in opt.param_groups:
            g['lr'] = lr_at(step, args, time.time() - t0)
        pred = net.predict_log(ldr)
        loss, parts = loss_fn(pred, encode_target(hdr, config), clip)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        step += 1
        last['loss'] += float(loss)
        last['l1'] += parts['l1']
        last['perceptual'] += parts['perceptual']
        last['n'] += 1
        if step % args.log_every == 0:
            n = last.pop('n')
            row = {'step': step, **{k: v / n for k, v in last.items()}, 'lr': opt.param_groups[0]['lr'],
                   'elapsed_s': time.time() - t0}
            history['train'].append(row)
            print(json.dumps(row), flush=True)
            last = {'loss': 0.0, 'l1': 0.0, 'perceptual': 0.0, 'n': 0}
        if step % args.ckpt_every == 0:
            checkpoint(net, opt, step, history, args, val_pairs, config, device, time.time() - t0)
    checkpoint(net, opt, step, history, args, val_pairs, config, device, time.time() - t0)
    print(f'done: step {step} in {time.time() - t0:.0f} s -> {ckpt_path}')


def checkpoint(net, opt, step, history, args, val_pairs, config, device, elapsed_s):
    if val_pairs and (not history['val'] or history['val'][-1]['step'] != step):
        l1, l1c = validate(net, val_pairs, config, device)
        history['val'].append({'step': step, 'l1': l1, 'l1_clipped': l1c})
        print(json.dumps({'step': step, 'val_l1': l1, 'val_l1_clipped': l1c}), flush=True)
    save(args.out / 'ckpt.pt', net, opt, step, history, args, elapsed_s)
    (args.out / 'history.json').write_text(json.dumps(history))
    plot(history, args.out / 'loss.png')


if __name__ == '__main__':
    main()
