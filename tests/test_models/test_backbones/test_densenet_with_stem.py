"""DenseNetWithStem: mmpretrain's DenseNet plus the stem level."""
import pytest
import torch
from mmpretrain.models.backbones import DenseNet

import mmseg_r2mrf  # noqa: F401  (mmcv-lite fallback before mmseg)

from mmseg.registry import MODELS

TINY_ARCH = dict(growth_rate=4, depths=[1, 2, 2, 1], init_channels=8)


def test_five_levels_and_stages_unchanged(run_beside_parent):
    torch.manual_seed(0)
    model = MODELS.build(dict(type='DenseNetWithStem', arch=TINY_ARCH))
    x = torch.randn(3, 3, 64, 96)
    outs = run_beside_parent(model, DenseNet(arch=TINY_ARCH, out_indices=(0, 1, 2, 3)), x)
    with torch.no_grad():
        stem = model.stem(x)
    # Channels: 8, then (8 + 4) // 2 = 6, (6 + 8) // 2 = 7, (7 + 8) // 2 = 7, 7 + 4 = 11.
    assert [tuple(o.shape) for o in outs] == [(3, 8, 16, 24), (3, 6, 8, 12), (3, 7, 4, 6),
                                              (3, 7, 2, 3), (3, 11, 2, 3)]
    assert torch.equal(outs[0], stem)


def test_before_pool_and_densenet161_channels():
    model = MODELS.build(dict(type='DenseNetWithStem', arch='161', stem_output='before_pool'))
    model.eval()
    with torch.no_grad():
        outs = model(torch.randn(1, 3, 64, 64))
    assert [tuple(o.shape[1:]) for o in outs] == [(96, 32, 32), (192, 8, 8), (384, 4, 4),
                                                 (1056, 2, 2), (2208, 2, 2)]


def test_bad_stem_output_is_refused():
    with pytest.raises(ValueError, match='stem_output'):
        MODELS.build(dict(type='DenseNetWithStem', arch=TINY_ARCH, stem_output='stem'))
