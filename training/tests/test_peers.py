"""peers.py: ExpandNet and LHDR run beside Unclip (skipped, saying why, without ../shared/peers)."""
import numpy as np
import pytest

import peers


@pytest.mark.parametrize('name', peers.PEERS)
def test_peer_predicts_linear_hdr_of_the_input_size(name):
    if not (peers.DEFAULT_PEERS_DIR / name).is_dir():
        pytest.skip(f'peer absent: {peers.DEFAULT_PEERS_DIR / name} (see ../shared/peers/README.md)')
    ldr = np.full((40, 70, 3), 0.3, np.float32)  # sides that are not multiples of 16 (LHDR pads)
    ldr[5:20, 5:30] = 1.0
    out = peers.load_peer(name)(ldr)
    assert out.shape == ldr.shape and out.dtype == np.float32
    assert np.isfinite(out).all() and out.min() >= 0
    assert out[8:16, 10:25].mean() > 2 * out[30:, 40:].mean()  # the clipped patch stays far brighter


def test_missing_peer_names_the_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match='peer lhdr not found'):
        peers.load_peer('lhdr', tmp_path)
