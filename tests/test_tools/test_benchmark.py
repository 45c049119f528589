"""tools/benchmark.py: params, MACs, latency and peak memory per part; training seconds/iter."""
import json

import pytest
import torch
from mmengine.config import Config

import mmseg_r2mrf  # noqa: F401  (mmcv-lite fallback before mmseg)
from mmseg_r2mrf.analysis import inference_cost, peak_memory_bytes
from mmseg_r2mrf.cli import CommandError
from mmseg_r2mrf.engine import cpu_supports_bf16

from mmseg.apis import init_model

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
                      '--out', str(out)])['rows']
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
               '--force'])
    assert json.loads(out.read_text())['shape'] == [32, 32]


def test_shape_scales_the_macs(tiny_config):
    segmentor = init_model(tiny_config, device='cpu')
    small = inference_cost(segmentor, (64, 64), repeat=1, warmup=0)
    large = inference_cost(segmentor, (128, 128), repeat=1, warmup=0)
    for s, big in zip(small, large):
        assert 3.5 < big['macs'] / s['macs'] < 4.5, s['part']
        assert big['params'] == s['params']


def test_model_without_neck_and_batch(tool):
    rows = tool.main([TINY_CONFIG, '--shape', '32', '--batch-size', '2', '--repeat', '1',
                      '--warmup', '0'])['rows']
    assert [r['part'] for r in rows] == ['backbone', 'head', 'whole']


def test_peak_memory_of_a_known_allocation():
    def allocate():
        x = torch.ones(1024, 1024)  # 4 MiB
        y = x * 2  # another 4 MiB while x lives
        return y.sum()

    peak = peak_memory_bytes(allocate, torch.device('cpu'))
    assert 8 * 2**20 <= peak < 9 * 2**20


def test_bad_arguments(tool, tiny_config):
    with pytest.raises(SystemExit):
        tool.parse_args([tiny_config, '--shape', '1', '2', '3'])
    if not torch.cuda.is_available():
        with pytest.raises(SystemExit):
            tool.parse_args([tiny_config, '--device', 'cuda'])
    with pytest.raises(CommandError, match='no_such.py'):
        tool.main(['no_such.py', '--repeat', '1', '--warmup', '0'])


def test_train_times_fp32_and_mixed_precision_side_by_side(tool, tmp_path, capsys):
    out = tmp_path / 'train.json'
    result = tool.main([TINY_CONFIG, '--shape', '32', '--repeat', '1', '--warmup', '0',
                        '--train', '--train-batch-size', '2', '--train-repeat', '2',
                        '--profile', '--out', str(out)])
    rows = result['train_rows']
    expected = ['fp32', 'bf16'] if cpu_supports_bf16() else ['fp32']
    assert [r['precision'] for r in rows] == expected
    for row in rows:
        assert len(row['seconds_runs']) == 2 and row['seconds_per_iter'] > 0
        assert row['speedup'] == pytest.approx(rows[0]['seconds_per_iter']
                                               / row['seconds_per_iter'])
    printed = capsys.readouterr().out
    assert 'Training: 2 crops of 32x32' in printed and '| fp32 |' in printed
    assert 'Top operators of a training step (fp32)' in printed
    assert 'convolution' in printed  # the profiler's table
    assert json.loads(out.read_text())['train_batch_size'] == 2


def test_train_batch_size_defaults_to_the_configs(tool):
    result = tool.main([TINY_CONFIG, '--shape', '32', '--repeat', '1', '--warmup', '0',
                        '--train', '--train-repeat', '1', '--precision', 'fp32'])
    assert result['train_batch_size'] == Config.fromfile(TINY_CONFIG).train_dataloader.batch_size
    assert [r['precision'] for r in result['train_rows']] == ['fp32']


def test_onnx_runtime_beside_pytorch(tool, tiny, tmp_path, capsys):
    config, _ = tiny
    onnx_path = str(tmp_path / 'tiny.onnx')
    assert load_tool('export_onnx').main([*tiny, onnx_path]) == 0
    result = tool.main([config, '--shape', '40', '56', '--repeat', '3', '--warmup', '1',
                        '--threads', '1', '--onnx', onnx_path])
    rows = result['onnx_rows']
    assert [r['runtime'] for r in rows] == ['PyTorch', 'ONNX Runtime']
    for row in rows:
        assert len(row['latency_runs_ms']) == 3 and row['latency_ms'] > 0
    # The checkpoint's weights and the config's random ones differ: the latency rows hold
    # whatever the file computes, and say by how much it differs from PyTorch's output.
    assert rows[0]['max_abs_diff'] == 0.0 and rows[1]['max_abs_diff'] > 0
    printed = capsys.readouterr().out
    assert '| ONNX Runtime |' in printed and 'speed-up over PyTorch' in printed
    assert 'benchmark.py --checkpoint' in printed
    with pytest.raises(SystemExit):
        tool.parse_args([config, '--onnx', str(tmp_path / 'missing.onnx')])


def test_checkpoint_times_the_exported_weights_so_the_onnx_rows_are_a_parity_check(
        tool, tiny, tmp_path, capsys):
    config, checkpoint = tiny
    onnx_path = str(tmp_path / 'tiny.onnx')
    assert load_tool('export_onnx').main([*tiny, onnx_path]) == 0
    result = tool.main([config, '--checkpoint', checkpoint, '--shape', '40', '56', '--repeat',
                        '1', '--warmup', '0', '--threads', '1', '--onnx', onnx_path])
    assert result['checkpoint'] == checkpoint
    assert result['onnx_rows'][1]['max_abs_diff'] <= 1e-4
    assert 'other weights' not in capsys.readouterr().out


def test_checkpoint_errors_name_the_file(tool, tiny, tiny_config, tmp_path):
    config, checkpoint = tiny
    with pytest.raises(SystemExit):
        tool.parse_args([config, '--checkpoint', str(tmp_path / 'missing.pth')])
    # The tiny detector's weights do not fit the tiny R²MRF model of another config.
    with pytest.raises(CommandError, match=checkpoint.replace('.', r'\.')):
        tool.main([tiny_config, '--checkpoint', checkpoint, '--repeat', '1', '--warmup', '0'])


def test_onnx_runtime_rows_match_when_the_weights_are_the_same(tiny, tmp_path):
    from mmseg_r2mrf.analysis import format_runtime_rows, runtime_latency
    config, checkpoint = tiny
    onnx_path = str(tmp_path / 'tiny.onnx')
    assert load_tool('export_onnx').main([*tiny, onnx_path]) == 0
    segmentor = init_model(config, checkpoint, device='cpu')
    rows = runtime_latency(segmentor, onnx_path, (33, 47), warmup=0, repeat=1)
    assert rows[1]['max_abs_diff'] <= 1e-4
    assert 'other weights' not in format_runtime_rows(rows)
    # Other weights in the file: the table says why its difference is large.
    rows[1]['max_abs_diff'] = 0.5
    assert 'other weights than the PyTorch model' in format_runtime_rows(rows)
    with pytest.raises(ValueError, match='export_onnx'):
        import onnx
        graph = onnx.load(onnx_path)
        graph.graph.input[0].name = 'pixels'
        for node in graph.graph.node:
            node.input[:] = ['pixels' if name == 'image' else name for name in node.input]
        bad = str(tmp_path / 'renamed.onnx')
        onnx.save(graph, bad)
        runtime_latency(segmentor, bad, (33, 47), warmup=0, repeat=1)


def test_photo_rows_for_both_large_image_strategies(tool, tiny, capsys):
    tiny_config, _ = tiny
    result = tool.main([tiny_config, '--shape', '32', '--repeat', '2', '--warmup', '0',
                        '--photo', '150', '200', '--cfg-options', 'train_long_side=64'])
    resize, slide = result['photo_rows']
    assert (resize['mode'], slide['mode']) == ('resize', 'slide')
    # 200 px > 64: shrunk to 48x64; at full resolution 200 <= slide_above (1024): one pass.
    assert resize['working_shape'] == '48x64' and slide['working_shape'] == '150x200 whole'
    for row in (resize, slide):
        assert len(row['seconds_runs']) == 2 and row['seconds'] > 0
        assert row['peak_tensor_mib'] > 0 and row['max_rss_mib'] > 0
    # The full-resolution pass holds more activations than the shrunk one.
    assert slide['peak_tensor_mib'] > resize['peak_tensor_mib']
    assert '| resize | 48x64 |' in capsys.readouterr().out
    with pytest.raises(SystemExit):
        tool.parse_args([tiny_config, '--photo', '10', '2000'])


def test_photo_cost_counts_the_sliding_windows(tiny):
    from mmseg_r2mrf.analysis import photo_cost
    from mmseg_r2mrf.apis import DefocusDetector
    detector = DefocusDetector(*tiny, slide_above=100, crop_size=64, stride=48)
    (row, ) = photo_cost(detector, (120, 130), modes=['slide'], repeat=1, warmup=0)
    assert row['working_shape'] == '9 windows of 64'
    assert detector.large_image == 'resize'  # restored
