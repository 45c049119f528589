"""tools/benchmark.py: params, MACs, latency and peak memory per part of a segmentor."""
import json

import mmseg_r2mrf  # noqa: F401  (mmcv-lite fallback before mmseg)
import pytest
import torch
from mmengine.config import Config
from tiny_data import TINY_CONFIG, load_tool, tiny_r2mrf_cfg


@pytest.fixture(scope='module')
def tool():
    return load_tool('benchmark')


@pytest.fixture
def tiny_config(tmp_path):
    """A config file holding the tiny R²MRF model (ResNetWithStem, AMDF, R2MRFHead)."""
    path = str(tmp_path / 'tiny_r2mrf.py')
    Config(dict(model=tiny_r2mrf_cfg())).dump(path)
    return path


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
    segmentor = tool.init_model(tiny_config, device='cpu')
    small = tool.benchmark(segmentor, (64, 64), repeat=1, warmup=0)
    large = tool.benchmark(segmentor, (128, 128), repeat=1, warmup=0)
    for s, l in zip(small, large):
        assert 3.5 < l['macs'] / s['macs'] < 4.5, s['part']
        assert l['params'] == s['params']


def test_model_without_neck_and_batch(tool):
    rows = tool.main([TINY_CONFIG, '--shape', '32', '--batch-size', '2', '--repeat', '1',
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
        tool.main(['no_such.py', '--repeat', '1', '--warmup', '0'])
