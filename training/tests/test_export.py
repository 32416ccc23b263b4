"""ONNX export: parity with PyTorch through onnxruntime-node, dynamic sizes, the descriptor the engine reads."""
import json
import shutil
import subprocess

import numpy as np
import pytest
import torch

from export_onnx import REPO, export, log_scale_diff, run_onnxruntime
from model import Unclip, UnclipConfig, load_onnx_decoder


@pytest.fixture
def onnxruntime_node():
    if shutil.which('node') is None:
        pytest.skip('node is not installed: the parity check runs onnxruntime-node')
    probe = subprocess.run(['node', '-e', "require('onnxruntime-node')"], cwd=REPO, capture_output=True)
    if probe.returncode != 0:
        pytest.skip('onnxruntime-node is not installed (npm ci) : the parity check needs it')


def test_export_matches_pytorch_and_writes_the_descriptor(tmp_path, onnxruntime_node):
    torch.manual_seed(0)
    config = UnclipConfig(blend=True, widths=(16, 16, 8, 8, 8, 4))
    net = Unclip(config).eval()
    result = export(net, config, tmp_path / 'unclip-v1.onnx', tmp_path / 'unclip-v1.json', size=(64, 96))
    assert result['max_log_diff'] <= 1e-3
    assert result['bytes'] < 30 * 2 ** 20
    meta = json.loads((tmp_path / 'unclip-v1.json').read_text())
    assert meta == {**meta, 'name': 'unclip-v1', 'version': '1.0.0', 'file': 'unclip-v1.onnx', 'input': 'ldr',
                    'output': 'hdr', 'size_multiple': 32}
    assert set(meta) == {'name', 'version', 'file', 'input', 'output', 'size_multiple', 'description'}

    x = np.random.default_rng(1).random((1, 3, 96, 160), dtype=np.float32)  # another size: H and W are dynamic
    got, _ = run_onnxruntime(tmp_path / 'unclip-v1.onnx', x)
    with torch.no_grad():
        ref = net(torch.from_numpy(x)).numpy()
    assert log_scale_diff(got, ref, config) <= 1e-3


def test_parity_failure_writes_nothing(tmp_path, onnxruntime_node):
    config = UnclipConfig(widths=(16, 16, 8, 8, 8, 4))
    net = Unclip(config).eval()
    with pytest.raises(RuntimeError, match='ONNX output differs from PyTorch'):
        export(net, config, tmp_path / 'm.onnx', tmp_path / 'm.json', size=(64, 64), tolerance=-1.0)
    assert not (tmp_path / 'm.onnx').exists() and not (tmp_path / 'm.json').exists()


def test_exported_weights_load_back_for_fine_tuning(tmp_path, onnxruntime_node):
    config = UnclipConfig(blend=True, widths=(16, 16, 8, 8, 8, 4))
    torch.manual_seed(0)
    exported = Unclip(config).eval()
    with torch.no_grad():  # trained-looking weights: the exporter shares initializers that are equal (fresh norms)
        for name, p in exported.named_parameters():
            if not name.startswith('encoder.'):
                p.add_(0.01 * torch.randn_like(p))
    export(exported, config, tmp_path / 'm.onnx', tmp_path / 'm.json', size=(64, 64), version='1.1.0')
    assert json.loads((tmp_path / 'm.json').read_text())['version'] == '1.1.0'  # a fine-tuned release

    torch.manual_seed(1)
    fresh = Unclip(config, exported.encoder)  # the encoder comes from the TFLite file, not from the graph
    copied = load_onnx_decoder(fresh, tmp_path / 'm.onnx')
    decoder = {k: v for k, v in exported.named_parameters() if not k.startswith('encoder.')}
    assert copied == len(decoder)
    for name, value in fresh.state_dict().items():
        if name in decoder:
            assert torch.equal(value, decoder[name]), name
    x = torch.rand(1, 3, 64, 96)
    with torch.no_grad():
        assert torch.allclose(fresh.eval()(x), exported(x), atol=1e-6)

    with pytest.raises(ValueError, match='the network expects'):
        load_onnx_decoder(Unclip(UnclipConfig(blend=True, widths=(16, 16, 8, 8, 8, 8))), tmp_path / 'm.onnx')


def test_tone_head_and_per_channel_blend_export_with_parity(tmp_path, onnxruntime_node):
    torch.manual_seed(0)
    config = UnclipConfig(blend=True, blend_per_channel=True, tone_head=True, widths=(16, 16, 8, 8, 8, 4))
    net = Unclip(config).eval()
    with torch.no_grad():  # a head that has learnt something: not the sRGB-only initialisation
        net.tone.mlp[2].weight.normal_(0.0, 0.5)
    result = export(net, config, tmp_path / 'm.onnx', tmp_path / 'm.json', size=(64, 96))
    assert result['max_log_diff'] <= 1e-3
    x = np.random.default_rng(2).random((1, 3, 96, 128), dtype=np.float32)
    got, _ = run_onnxruntime(tmp_path / 'm.onnx', x)
    with torch.no_grad():
        assert log_scale_diff(got, net(torch.from_numpy(x)).numpy(), config) <= 1e-3
