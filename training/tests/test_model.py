"""Unclip network: shapes, the log encodings, the blend, checkpoints, padding, and the mosaic diagnostics."""
import torch

from model import (Unclip, UnclipConfig, encode_target, icnr_, load_checkpoint, mosaic_score, predict_hdr,
                   srgb_to_linear)

SMALL = dict(widths=(16, 16, 8, 8, 8, 4))


def test_shapes_for_both_recipes():
    for recipe in ('seed', 'shipped'):
        net = Unclip(UnclipConfig(recipe=recipe, **SMALL)).eval()
        x = torch.rand(2, 3, 64, 96)
        with torch.no_grad():
            y = net.forward_log(x)
            hdr = net(x)
        assert y.shape == hdr.shape == (2, 3, 64, 96)
        assert float(y.abs().max()) <= 1.0 and float(hdr.min()) >= -1e-6


def test_shipped_encoding_round_trips():
    config = UnclipConfig()
    net = Unclip(UnclipConfig(**SMALL))
    hdr = torch.tensor([0.0, 1e-3, 0.5, 1.0, 7.0, 100.0, 1000.0]).view(1, 1, 1, -1).expand(1, 3, 1, 7)
    y = encode_target(hdr, config)
    assert float(y.min()) == -1.0 and float(y.max()) <= 1.0
    torch.testing.assert_close(net.decode_log(y), hdr, rtol=1e-4, atol=1e-5)


def test_seed_target_is_per_image_min_max_log():
    hdr = torch.rand(2, 3, 8, 8) * torch.tensor([1.0, 50.0]).view(2, 1, 1, 1)
    y = encode_target(hdr, UnclipConfig(recipe='seed'))
    assert torch.allclose(y.amin(dim=(1, 2, 3)), torch.tensor([-1.0, -1.0]))
    assert torch.allclose(y.amax(dim=(1, 2, 3)), torch.tensor([1.0, 1.0]))


def test_blend_keeps_the_linearised_input_away_from_clipping():
    net = Unclip(UnclipConfig(blend=True, **SMALL)).eval()
    x = torch.full((1, 3, 64, 64), 0.5)
    x[..., :16, :] = 1.0  # a clipped band
    with torch.no_grad():
        hdr = net(x)
        raw = net.decode_log(net.forward_log(x))
    torch.testing.assert_close(hdr[..., 32:, :], srgb_to_linear(x)[..., 32:, :])
    torch.testing.assert_close(hdr[..., :16, :], raw[..., :16, :])


def test_predict_hdr_accepts_any_size():
    net = Unclip(UnclipConfig(**SMALL)).eval()
    assert predict_hdr(net, torch.rand(1, 3, 50, 70)).shape == (1, 3, 50, 70)


def test_checkpoint_round_trip(tmp_path):
    config = UnclipConfig(recipe='seed', upsample='shuffle', **SMALL)
    net = Unclip(config).eval()
    torch.save({'config': config.to_dict(), 'model': net.state_dict()}, tmp_path / 'c.pt')
    loaded, loaded_config = load_checkpoint(tmp_path / 'c.pt')
    assert loaded_config == config
    x = torch.rand(1, 3, 64, 64)
    with torch.no_grad():
        torch.testing.assert_close(loaded(x), net(x))


def test_encoder_is_frozen_and_stays_in_eval_mode():
    net = Unclip(UnclipConfig(**SMALL)).train()
    assert not net.encoder.training and net.bottleneck.training
    assert all(not p.requires_grad for p in net.encoder.parameters())


def test_mosaic_score_separates_a_checkerboard_from_a_smooth_image():
    yy, xx = torch.meshgrid(torch.arange(64.0), torch.arange(64.0), indexing='ij')
    smooth = torch.sin(xx / 7.0 + yy / 11.0).expand(1, 3, 64, 64)
    checker = smooth + 0.2 * ((xx + yy) % 2)
    assert mosaic_score(smooth) < 3.0 and mosaic_score(checker) > 30.0


def test_icnr_makes_the_shuffled_output_phase_free():
    conv = torch.nn.Conv2d(8, 4 * 4, 1)
    icnr_(conv)
    y = torch.nn.functional.pixel_shuffle(conv(torch.rand(1, 8, 16, 16)), 2)  # (1,4,32,32)
    torch.testing.assert_close(y[..., 0::2, 0::2], y[..., 1::2, 1::2])
