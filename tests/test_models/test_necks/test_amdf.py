"""AMDF neck: per-level projections and the aggregated map of Eq. 1."""
import pytest
import torch

import mmseg_r2mrf  # noqa: F401  (mmcv-lite fallback before mmseg)

from mmseg.registry import MODELS


def _levels(channels, size=(81, 120), batch=1):
    h, w = size
    feats = []
    for i, c in enumerate(channels):
        feats.append(torch.randn(batch, c, h, w))
        h, w = (h + 1) // 2, (w + 1) // 2
    return feats


@pytest.mark.parametrize('channels', [[16, 24], [8, 16, 32, 64], [64, 256, 512, 1024, 2048]])
@pytest.mark.parametrize('batch', [1, 3])
def test_shapes_for_2_4_5_levels(channels, batch):
    neck = MODELS.build(dict(type='AMDF', in_channels=channels, level_channels=8,
                             out_channels=12, norm_cfg=dict(type='BN')))
    neck.eval()
    feats = _levels(channels, batch=batch)
    with torch.no_grad():
        outs = neck(feats)
    assert len(outs) == len(channels) + 1
    for out, feat in zip(outs[:-1], feats):
        assert out.shape == (batch, 8, *feat.shape[-2:])
    assert outs[-1].shape == (batch, 12, 81, 120)
    assert (outs[-1] >= 0).all()  # Eq. 1's ReLU


def test_out_level_and_per_level_widths():
    neck = MODELS.build(dict(type='AMDF', in_channels=[4, 8, 16], level_channels=[2, 3, 5],
                             out_channels=6, out_level=1))
    with torch.no_grad():
        outs = neck(_levels([4, 8, 16], size=(33, 47)))
    assert [tuple(o.shape[1:]) for o in outs] == [(2, 33, 47), (3, 17, 24), (5, 9, 12),
                                                 (6, 17, 24)]
    assert neck.aggregate.conv.in_channels == 10


def test_every_level_reaches_the_aggregated_map():
    torch.manual_seed(0)
    neck = MODELS.build(dict(type='AMDF', in_channels=[4, 8, 16]))
    feats = [f.requires_grad_() for f in _levels([4, 8, 16], size=(16, 16))]
    neck(feats)[-1].sum().backward()
    for feat in feats:
        assert feat.grad.abs().sum() > 0


def test_bad_arguments():
    with pytest.raises(ValueError, match='at least 2'):
        MODELS.build(dict(type='AMDF', in_channels=[8]))
    with pytest.raises(ValueError, match='level_channels'):
        MODELS.build(dict(type='AMDF', in_channels=[8, 8], level_channels=[4]))
    with pytest.raises(ValueError, match='out_level'):
        MODELS.build(dict(type='AMDF', in_channels=[8, 8], out_level=2))
    neck = MODELS.build(dict(type='AMDF', in_channels=[8, 8, 8]))
    with pytest.raises(ValueError, match='3 levels'):
        neck(_levels([8, 8]))
