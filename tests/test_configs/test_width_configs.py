"""The lineage-width variant of R²MRF (configs/_base_/models/r2mrf_resnext101_wide.py).

Parameter counts of the neck and head are pinned: the README's cost table quotes them.
"""
import os.path as osp

import pytest
import torch
from mmengine.config import Config

import mmseg_r2mrf  # noqa: F401

from mmseg.registry import MODELS

from tiny_data import REPO_ROOT

DEFAULT = 'configs/r2mrf/r2mrf_resnext101_shi.py'
WIDE = 'configs/r2mrf/r2mrf-wide_resnext101_shi.py'


def _config(path: str, **options) -> Config:
    cfg = Config.fromfile(osp.join(REPO_ROOT, path))
    cfg.merge_from_dict(options)
    return cfg


def _params(cfg: dict) -> int:
    with torch.device('meta'):  # shapes only: no memory, no initialisation
        return sum(p.numel() for p in MODELS.build(cfg).parameters())


def test_wide_widths_are_the_lineages():
    cfg = _config(WIDE)
    default = _config(DEFAULT)
    assert cfg.model.backbone == default.model.backbone  # only the neck and head change
    assert (cfg.model.neck.level_channels, cfg.model.neck.out_channels) == (64, 256)
    head = cfg.model.decode_head
    assert head.in_channels == [64] * 5 + [256]
    assert (head.channels, head.branch_resolution) == (64, 'amdf')
    assert (head.num_steps, head.out_channels) == (6, 1)
    assert (default.model.neck.out_channels, default.model.decode_head.channels) == (32, 16)
    assert default.model.decode_head.branch_resolution == 'level'


@pytest.mark.parametrize('path,options,neck,head', [
    (DEFAULT, {}, 171_392, 1_179_017),                 # 1.35 M
    (WIDE, {}, 988_288, 26_137_705),                   # 27.13 M
    (WIDE, {'model.decode_head.channels': 128}, 988_288, 69_478_249),  # 70.47 M
])
def test_neck_and_head_parameter_counts(path, options, neck, head):
    cfg = _config(path, **options)
    assert (_params(cfg.model.neck), _params(cfg.model.decode_head)) == (neck, head)


def test_wide_head_runs_every_branch_at_the_amdf_resolution():
    cfg = _config(WIDE)
    neck, head = MODELS.build(cfg.model.neck), MODELS.build(cfg.model.decode_head)
    # ResNeXt-101's five levels for a 64 x 64 input: strides 4, 4, 8, 16, 32.
    sizes = [(16, 16), (16, 16), (8, 8), (4, 4), (2, 2)]
    feats = [torch.randn(1, c, *s) for c, s in zip(cfg.model.neck.in_channels, sizes)]
    head.train()
    fused, sides = head.forward_all(neck(feats))
    assert fused.shape == (1, 1, 16, 16)
    assert {tuple(step.shape[-2:]) for side in sides for step in side} == {(16, 16)}
    assert len(sides) == 5 and all(len(side) == 6 for side in sides)
