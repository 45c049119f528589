"""tools/benchmark.py: params, MACs, latency and peak memory per part of a segmentor."""
import importlib.util
import json
import os.path as osp

import mmseg_r2mrf  # noqa: F401  (mmcv-lite fallback before mmseg)
import pytest
import torch

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TINY_SEG = osp.join(REPO, 'tests', 'data', 'configs', 'tiny_seg.py')
TINY_R2MRF = f"""
_base_ = ['{REPO}/configs/_base_/default_runtime.py']
norm_cfg = dict(type='BN', requires_grad=True)
model = dict(
    type='EncoderDecoder',
    data_preprocessor=dict(type='SegDataPreProcessor', mean=[123.675, 116.28, 103.53],
                           std=[58.395, 57.12, 57.375], bgr_to_rgb=True, size_divisor=32),
    backbone=dict(type='ResNetWithStem', depth=18, stem_channels=8, base_channels=8,
                  norm_cfg=norm_cfg),
    neck=dict(type='AMDF', in_channels=[8, 8, 16, 32, 64], level_channels=8, out_channels=8,
              norm_cfg=norm_cfg),
    decode_head=dict(type='R2MRFHead', in_channels=[8] * 6, channels=4, num_steps=2,
                     num_classes=2, out_channels=1, threshold=0.5, norm_cfg=norm_cfg,
                     loss_decode=dict(type='CrossEntropyLoss', use_sigmoid=True)),
    test_cfg=dict(mode='whole'))
"""


def _tool():
    spec = importlib.util.spec_from_file_location(
        'benchmark_tool', osp.join(REPO, 'tools', 'benchmark.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope='module')
def tool():
    return _tool()


@pytest.fixture
def tiny_config(tmp_path):
    path = tmp_path / 'tiny_r2mrf.py'
    path.write_text(TINY_R2MRF)
    return str(path)


def test_rows_for_backbone_neck_head_and_whole(tool, tiny_config, tmp_path, capsys):
    out = tmp_path / 'cost.json'
    rows = tool.main([tiny_config, '--shape', '64', '96', '--repeat', '3', '--warmup', '1',
                      '--out', str(out)])
    assert [r['part'] for r in rows] == ['backbone', 'neck+head', 'whole']
    backbone, head, whole = rows
    # Independent counts of three modules add up.
    assert whole['params'] == backbone['params'] + head['params']
    assert abs(whole['macs'] - backbone['macs'] - head['macs']) <= 1e-3 * whole['macs']
    assert backbone['macs'] > 0 and head['macs'] > 0
    for row in rows:
        assert len(row['latency_runs_ms']) == 3 and row['latency_ms'] > 0
        assert row['peak_memory_mib'] > 0
    printed = capsys.readouterr().out
    assert '| neck+head |' in printed and 'neck+head / backbone' in printed
    saved = json.loads(out.read_text())
    assert saved['shape'] == [64, 96] and len(saved['rows']) == 3
    # Existing output is kept unless --overwrite.
    with pytest.raises(SystemExit):
        tool.main([tiny_config, '--repeat', '1', '--warmup', '0', '--out', str(out)])
    tool.main([tiny_config, '--shape', '32', '--repeat', '1', '--warmup', '0', '--out', str(out),
               '--overwrite'])
    assert json.loads(out.read_text())['shape'] == [32, 32]


def test_shape_scales_the_macs(tool, tiny_config):
    small = tool.benchmark(tool.build_segmentor(tiny_config), (64, 64), repeat=1, warmup=0)
    large = tool.benchmark(tool.build_segmentor(tiny_config), (128, 128), repeat=1, warmup=0)
    for s, l in zip(small, large):
        assert 3.5 < l['macs'] / s['macs'] < 4.5, s['part']
        assert l['params'] == s['params']


def test_model_without_neck_and_batch(tool):
    rows = tool.main([TINY_SEG, '--shape', '32', '--batch-size', '2', '--repeat', '1',
                      '--warmup', '0'])
    assert [r['part'] for r in rows] == ['backbone', 'head', 'whole']


def test_peak_memory_of_a_known_allocation(tool):
    def allocate():
        x = torch.ones(1024, 1024)  # 4 MiB
        y = x * 2  # another 4 MiB while x lives
        return y.sum()

    peak = tool.peak_memory_bytes(allocate, torch.device('cpu'))
    assert 8 * 2**20 <= peak < 9 * 2**20


def test_bad_arguments(tool, tiny_config):
    with pytest.raises(SystemExit):
        tool.parse_args([tiny_config, '--shape', '1', '2', '3'])
    if not torch.cuda.is_available():
        with pytest.raises(SystemExit):
            tool.parse_args([tiny_config, '--device', 'cuda'])
    with pytest.raises(FileNotFoundError, match='no_such.py'):
        tool.build_segmentor('no_such.py')
