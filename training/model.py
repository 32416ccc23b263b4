"""
Unclip's network: one LDR photo in, linear HDR radiance out.

A frozen ImageNet MobileNetV3-Large-minimalistic encoder (tflite_encoder.py) feeds a UNet-like decoder:
a bottleneck at 1/32, then five 2x PixelShuffle up-steps, each fused with the encoder skip of its scale
(the last with the input itself), InstanceNorm + ReLU in every block, tanh output.

The tanh output `y` lives in a log-encoded space that depends on the recipe:
- `seed` (the reference recipe): y = per-image min-max normalised log1p(HDR) in [-1, 1]. That normalisation can't
  be inverted from the LDR alone, so `forward` assumes the range [0, log1p(config.max_radiance)].
- `shipped` (the product): y = 2 * log1p(k * HDR) / log1p(k * M) - 1 with fixed k = `log_k`, M = `max_radiance`,
  HDR in the input's exposure units (1.0 = the sensor's clipping level); `forward` inverts it exactly, so the
  ONNX graph takes sRGB [0, 1] and returns linear radiance with every normalisation inside.
"""
import math
from dataclasses import dataclass, asdict

import torch
import torch.nn as nn
import torch.nn.functional as F

from tflite_encoder import FEATURE_CHANNELS, MobileNetV3Encoder, load_tflite
from tone_head import ToneHead, linearise, srgb_to_linear  # noqa: F401  (srgb_to_linear re-exported)


@dataclass
class UnclipConfig:
    recipe: str = 'shipped'         # 'seed' (reference targets) or 'shipped' (fixed log encoding, engine contract)
    widths: tuple = (192, 96, 64, 32, 16, 12)  # decoder channels at 1/32, 1/16, 1/8, 1/4, 1/2, 1/1
    upsample: str = 'icnr_blur'     # 'shuffle' (plain PixelShuffle) or 'icnr_blur' (ICNR init + 3x3 binomial blur)
    log_k: float = 16.0             # shipped log encoding gain: resolves ~1/k of the clip level in the shadows
    max_radiance: float = 1024.0    # M: brightest encodable radiance, 10 stops above the clipping level
    blend: bool = False             # Eilertsen-style: keep the linearised input where it isn't near clipping
    blend_threshold: float = 0.95   # tau: the alpha ramp starts at this LDR value
    blend_per_channel: bool = False  # one alpha per channel (keeps the unclipped channels) instead of the max channel's
    tone_head: bool = False         # the blend's linearisation is a per-image curve mix (tone_head.py), not sRGB

    def to_dict(self):
        d = asdict(self)
        d['widths'] = list(self.widths)
        return d

    @classmethod
    def from_dict(cls, d):
        d = dict(d)
        d['widths'] = tuple(d['widths'])
        return cls(**d)


def icnr_(conv, scale=2):
    """ICNR init (Aitken et al. 2017): every output sub-pixel of the shuffle starts with the same kernel, so the
    initial upsample is nearest-neighbour and has no checkerboard/mosaic to unlearn."""
    out_c, in_c, kh, kw = conv.weight.shape
    sub = torch.empty(out_c // scale ** 2, in_c, kh, kw)
    nn.init.kaiming_normal_(sub)
    conv.weight.data.copy_(sub.repeat_interleave(scale ** 2, dim=0))
    nn.init.zeros_(conv.bias)


class ConvIN(nn.Sequential):
    """3x3 conv -> InstanceNorm -> ReLU, the decoder's basic block."""

    def __init__(self, cin, cout):
        super().__init__(nn.Conv2d(cin, cout, 3, padding=1, padding_mode='replicate'),
                         nn.InstanceNorm2d(cout, affine=True), nn.ReLU(inplace=True))


class Up(nn.Module):
    """x2 upsample by PixelShuffle, then fuse with the skip of the new scale."""

    def __init__(self, cin, cskip, cout, upsample):
        super().__init__()
        self.expand = nn.Conv2d(cin, cout * 4, 1)  # 1x1: the 3x3 fusion below supplies the spatial context
        self.shuffle = nn.PixelShuffle(2)
        self.blur = upsample == 'icnr_blur'
        if self.blur:
            icnr_(self.expand)
            k = torch.tensor([1.0, 2.0, 1.0])
            k = (k[:, None] * k[None, :]) / 16.0
            self.register_buffer('blur_kernel', k.expand(cout, 1, 3, 3).clone())
        self.fuse = ConvIN(cout + cskip, cout)

    def forward(self, x, skip):
        x = self.shuffle(self.expand(x))  # (B,cout,2h,2w)
        if self.blur:  # removes what remains of the 2x2 period that the shuffle's four sub-kernels can drift into
            x = F.conv2d(F.pad(x, (1, 1, 1, 1), mode='replicate'), self.blur_kernel, groups=x.shape[1])
        return self.fuse(torch.cat([x, skip], dim=1))


class Unclip(nn.Module):
    def __init__(self, config: UnclipConfig, encoder: MobileNetV3Encoder | None = None):
        super().__init__()
        self.config = config
        self.encoder = encoder if encoder is not None else MobileNetV3Encoder()
        self.encoder.requires_grad_(False)
        w = config.widths
        self.bottleneck = nn.Sequential(nn.Conv2d(FEATURE_CHANNELS[4], w[0], 1), nn.ReLU(inplace=True),
                                        ConvIN(w[0], w[0]))
        skips = list(reversed(FEATURE_CHANNELS[:4])) + [3]  # 112, 40, 24, 16, then the input image
        self.ups = nn.ModuleList([Up(w[i], skips[i], w[i + 1], config.upsample) for i in range(5)])
        self.out = nn.Conv2d(w[5], 3, 3, padding=1, padding_mode='replicate')
        self.tone = ToneHead(FEATURE_CHANNELS[4]) if config.tone_head else None

    def train(self, mode=True):
        super().train(mode)
        self.encoder.eval()  # frozen: never in training mode
        return self

    def forward_log(self, ldr):
        """(B,3,H,W) sRGB [0,1], H and W multiples of 32 -> (B,3,H,W) tanh output in the recipe's log space."""
        return self._decode(ldr)[0]

    def _decode(self, ldr):
        """-> (tanh output (B,3,H,W), deepest encoder features (B,960,H/32,W/32))."""
        f1, f2, f3, f4, f5 = self.encoder(ldr)  # 1/2 .. 1/32
        x = self.bottleneck(f5)                 # (B,w0,H/32,W/32)
        for up, skip in zip(self.ups, (f4, f3, f2, f1, ldr)):
            x = up(x, skip)                     # doubles resolution each step, ends at (B,w5,H,W)
        return torch.tanh(self.out(x)), f5

    def decode_log(self, y):
        """Tanh-space output -> linear radiance in the input's exposure units."""
        c = self.config
        if c.recipe == 'shipped':
            # exp(.) - 1, not expm1: ONNX has no expm1, and float32 exp is exact enough at these magnitudes
            return (torch.exp((y + 1.0) * (0.5 * math.log1p(c.log_k * c.max_radiance))) - 1.0) / c.log_k
        return torch.exp((y + 1.0) * (0.5 * math.log1p(c.max_radiance))) - 1.0  # seed: assumed range

    def forward(self, ldr):
        """(B,3,H,W) sRGB [0,1] -> (B,3,H,W) linear HDR, ~ the linearised input where it wasn't clipped."""
        y, f5 = self._decode(ldr)
        hdr = self.decode_log(y)
        c = self.config
        if c.blend:  # only meaningful for 'shipped', whose log encoding is absolute
            level = ldr if c.blend_per_channel else ldr.amax(dim=1, keepdim=True)
            alpha = ((level - c.blend_threshold) / (1.0 - c.blend_threshold)).clamp(0.0, 1.0)  # (B,1 or 3,H,W)
            lin = linearise(ldr, self.tone(ldr, f5)) if self.tone is not None else srgb_to_linear(ldr)
            hdr = (1.0 - alpha) * lin + alpha * hdr
        return hdr

    def predict_log(self, ldr):
        """What the loss sees: the output in the recipe's log space, after the blend when it is on, so training
        spends no capacity on pixels the blend takes from the input anyway."""
        if self.config.blend:
            return encode_target(self.forward(ldr), self.config)
        return self.forward_log(ldr)


def encode_target(hdr, config: UnclipConfig):
    """(B,3,H,W) linear HDR -> the recipe's tanh-space target in [-1, 1]."""
    if config.recipe == 'shipped':
        scale = math.log1p(config.log_k * config.max_radiance)
        return 2.0 * torch.log1p(config.log_k * hdr.clamp(0.0, config.max_radiance)) / scale - 1.0
    log = torch.log1p(hdr.clamp(min=0.0))  # seed: per-image min-max, as in the reference
    lo = log.amin(dim=(1, 2, 3), keepdim=True)
    hi = log.amax(dim=(1, 2, 3), keepdim=True)
    return 2.0 * (log - lo) / (hi - lo).clamp(min=1e-6) - 1.0


def build(config: UnclipConfig, weights=None):
    """A fresh network; `weights` is the TFLite file for the pretrained encoder (random encoder when None)."""
    return Unclip(config, load_tflite(weights) if weights is not None else None)


def load_checkpoint(path, device='cpu'):
    """-> (net in eval mode, UnclipConfig). Checkpoints hold the encoder weights too, so no TFLite file is needed."""
    ckpt = torch.load(path, map_location=device)
    config = UnclipConfig.from_dict(ckpt['config'])
    net = Unclip(config)
    net.load_state_dict(ckpt['model'])
    return net.to(device).eval(), config


def load_onnx_decoder(net: Unclip, path, new_modules: tuple[str, ...] = ()) -> int:
    """Copy the trained (decoder) weights of an exported model, e.g. models/unclip-v1.onnx, into net, to fine-tune it.
    The exporter keeps PyTorch's parameter names as the graph's initializers; the frozen encoder comes from the
    TFLite file instead. Raises ValueError when a decoder weight is missing or shaped differently (another
    architecture), unless its name starts with one of new_modules (modules the exported model did not have, such as
    'tone.' when adding the tone head; they keep their initialisation). Returns the number of tensors copied."""
    import onnx
    from onnx import numpy_helper

    found = {i.name: i for i in onnx.load(str(path)).graph.initializer}
    # Trainable parameters only: buffers such as the blur kernels are fixed by the config, and the exporter may share
    # one initializer between equal buffers.
    trained = {k: v for k, v in net.named_parameters() if not k.startswith('encoder.')}
    loaded = {}
    for name, own in trained.items():
        if name not in found:
            if name.startswith(new_modules) and new_modules:
                continue
            raise ValueError(f'{path}: no weight named {name}; was it exported from this architecture?')
        value = torch.from_numpy(numpy_helper.to_array(found[name]).copy())
        if value.shape != own.shape:
            raise ValueError(f'{path}: {name} is {tuple(value.shape)}, the network expects {tuple(own.shape)}')
        loaded[name] = value
    net.load_state_dict(loaded, strict=False)
    return len(loaded)


@torch.no_grad()
def predict_hdr(net, ldr):
    """(B,3,H,W) sRGB [0,1], any H, W -> (B,3,H,W) linear HDR in the input's exposure units.
    Pads by reflection to multiples of 32 (the encoder's stride) and crops back."""
    h, w = ldr.shape[-2:]
    ph, pw = -h % 32, -w % 32
    x = F.pad(ldr, (0, pw, 0, ph), mode='reflect') if ph or pw else ldr
    return net(x)[..., :h, :w]


def mosaic_score(y, period=2):
    """Checkerboard/mosaic strength of an image batch (B,C,H,W): spectral power at the harmonics of `period`
    (the PixelShuffle's) divided by the power of their 8 neighbouring frequency bins. ~1 for natural images;
    >> 1 when the 2x2 sub-pixel phases of the shuffle have different gains or offsets."""
    y = y - y.mean(dim=(-2, -1), keepdim=True)
    p = torch.fft.fft2(y.float()).abs().pow(2).mean(dim=(0, 1))  # (H,W)
    H, W = p.shape
    peak = nbr = 0.0
    for i in range(period):
        for j in range(period):
            if i == 0 and j == 0:
                continue
            u, v = i * H // period, j * W // period
            peak += p[u, v]
            nbr += sum(p[(u + du) % H, (v + dv) % W] for du in (-1, 0, 1) for dv in (-1, 0, 1)
                       if du or dv) / 8.0
    return float(peak / nbr)


def main():
    """Mosaic ablation: `python3 training/model.py CKPT [CKPT...]` prints, per checkpoint, the mean mosaic_score
    of its log-space output (after the blend, i.e. what the app shows) on the validation images, at the periods of
    the last (2), second-to-last (4) and first (32) PixelShuffle, next to the same score of the targets."""
    import argparse
    from pathlib import Path
    import data
    p = argparse.ArgumentParser(description=main.__doc__)
    p.add_argument('checkpoints', nargs='+', type=Path)
    p.add_argument('--val', type=Path, default=data.DEFAULT_HDR_DIR / 'val')
    args = p.parse_args()
    pairs = data.make_eval_pairs(args.val)
    periods = (2, 4, 32)

    def scores(fn):
        rows = []
        for pair in pairs:
            h, w = (s - s % 32 for s in pair['ldr'].shape[:2])
            rows.append([mosaic_score(fn(pair, h, w), q) for q in periods])
        return ' '.join(f'p{q}={v:.2f}' for q, v in zip(periods, torch.tensor(rows).mean(0).tolist()))

    def chw(a, h, w):
        return torch.from_numpy(a[:h, :w]).permute(2, 0, 1)[None]

    print('targets (shipped encoding):', scores(lambda p, h, w: encode_target(chw(p['hdr'], h, w), UnclipConfig())))
    for path in args.checkpoints:
        net, config = load_checkpoint(path)
        with torch.no_grad():
            print(f'{path} ({config.recipe}, {config.upsample}, blend={config.blend}):',
                  scores(lambda p, h, w: net.predict_log(chw(p['ldr'], h, w))))


if __name__ == '__main__':
    main()
