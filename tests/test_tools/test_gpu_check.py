"""tools/gpu_check.py: refuses a machine without CUDA; its steps, readers and table on a CPU.

The check itself needs CUDA. Here: the exit without it, each piece, and a rehearsal of the
whole check on the CPU (``--device cpu``) with a tiny R²MRF in the Shi config.
"""
import json
import os.path as osp

import mmcv
import numpy as np
import pytest
import torch
from mmengine.config import Config

from mmseg.registry import DATASETS

from tiny_data import REPO_ROOT, load_tool, run_tool, tiny_r2mrf_cfg


@pytest.fixture(scope='module')
def tool():
    return load_tool('gpu_check')


@pytest.mark.skipif(torch.cuda.is_available(), reason='this machine has CUDA')
def test_exits_with_2_and_one_line_without_cuda():
    result = run_tool('gpu_check.py', timeout=120)
    assert result.returncode == 2
    assert result.stdout == ''
    (line, ) = result.stderr.strip().splitlines()
    assert line.startswith('gpu_check.py: error: CUDA is not available') and 'NVIDIA GPU' in line


def test_synthetic_set_is_a_shi_layout_with_a_blurred_left_half(tool, tmp_path):
    root = str(tmp_path / 'shi')
    test_list = tool.write_synthetic_shi(root, num_train=3, num_test=2, size=(48, 64))
    pipeline = [dict(type='LoadImageFromFile'), dict(type='LoadDefocusAnnotations')]
    train = DATASETS.build(dict(type='ShiDefocusDataset', data_root=root, split='train',
                                test_split_file=test_list, pipeline=pipeline))
    test = DATASETS.build(dict(type='ShiDefocusDataset', data_root=root, split='test',
                               test_split_file=test_list, pipeline=pipeline))
    assert (len(train), len(test)) == (3, 2)
    sample = test[0]
    assert sample['img'].shape == (48, 64, 3)
    expected = np.zeros((48, 64), np.uint8)
    expected[:, :32] = 1  # the blurred half, in the project's labels
    np.testing.assert_array_equal(sample['gt_seg_map'], expected)
    image = mmcv.imread(osp.join(root, 'image', 'out_of_focus0001.jpg')).astype(float)
    # Blurred: less high-frequency energy on the left than on the right.
    left, right = (np.abs(np.diff(half, axis=1)).mean()
                   for half in (image[:, :30], image[:, 34:]))
    assert left < right / 2


def test_steps_train_twice_test_the_fp32_run_and_benchmark(tool):
    steps = tool.check_steps('c.py', '/d', '/d/test.txt', '/w', iters=50, device='cuda')
    assert [s.name for s in steps] == ['train_fp32', 'train_amp', 'test', 'benchmark']
    train_fp32, train_amp, test, benchmark = (s.command for s in steps)
    assert '--amp' in train_amp and '--amp' not in train_fp32
    for option in ('train_cfg.max_iters=50', 'default_hooks.checkpoint.interval=50',
                   'train_dataloader.dataset.test_split_file=/d/test.txt',
                   'model.backbone.init_cfg=None'):
        assert option in train_fp32
    assert test[1:3] == ['c.py', '/w/train_fp32/iter_50.pth']
    assert 'test_dataloader.dataset.data_root=/d' in test
    assert benchmark[1:] == ['c.py', '--device', 'cuda', '--shape', '480', '640', '--out',
                             '/w/benchmark.json']


def test_readers_of_the_test_log_and_the_benchmark(tool, tmp_path):
    log_dir = tmp_path / 'test' / '20261202_120000'
    log_dir.mkdir(parents=True)
    (log_dir / '20261202_120000.json').write_text(json.dumps(dict(maxF=0.5, time=0.042)))
    assert tool.read_test_seconds_per_image(str(tmp_path / 'test')) == 0.042
    assert tool.read_test_seconds_per_image(str(tmp_path / 'none')) is None
    rows = [dict(part='backbone', latency_ms=1.0), dict(part='whole', latency_ms=2.5)]
    (tmp_path / 'b.json').write_text(json.dumps(dict(rows=rows)))
    assert tool.read_benchmark_whole(str(tmp_path / 'b.json')) == rows[1]
    assert tool.read_benchmark_whole(str(tmp_path / 'none.json')) is None


def test_table_with_figures_and_a_failed_step(tool):
    measures = dict(iters=50, shape=[480, 640], batch_size=4, crop=(320, 320),
                    train_fp32=dict(seconds_per_iter=0.2, peak_memory_mib=5000.4),
                    train_amp=None, test_seconds_per_image=0.0312,
                    benchmark=dict(latency_ms=20.26, peak_memory_mib=300.0))
    table = tool.check_table(measures, {'train_amp': 'exit code 1, see /w/train_amp.log'})
    assert table.splitlines() == [
        '| measure | fp32 | amp (fp16) |',
        '| --- | ---: | ---: |',
        '| training, s / iteration (50 iterations, batch 4, 320x320 crops) | 0.200 | '
        'failed (exit code 1, see /w/train_amp.log) |',
        '| training, peak GPU memory (MiB) | 5000 | failed (exit code 1, see /w/train_amp.log) |',
        "| 6000 iterations (the paper's schedule), hours | 0.33 | "
        'failed (exit code 1, see /w/train_amp.log) |',
        '| tools/test.py, s / image (full resolution, batch 1) | 0.031 | - |',
        '| inference latency, whole model, 480x640 (ms, tools/benchmark.py) | 20.3 | - |',
        '| inference peak memory beyond the weights (MiB) | 300 | - |']


def test_cpu_rehearsal_of_the_whole_check(tool, tmp_path, capsys):
    """Every step runs for real (a tiny R²MRF in the Shi config, 2 iterations, 64x96 images)
    and every figure of the table is read back."""
    cfg = Config.fromfile(osp.join(REPO_ROOT, 'configs/r2mrf/r2mrf_resnext101_shi.py'))
    cfg.model = tiny_r2mrf_cfg()
    for loader in ('train_dataloader', 'test_dataloader'):
        cfg[loader].update(num_workers=0, persistent_workers=False)
    config = str(tmp_path / 'tiny_shi.py')
    cfg.dump(config)
    assert tool.main(['--config', config, '--device', 'cpu', '--iters', '2', '--image-size',
                      '64', '96', '--num-train', '4', '--num-test', '2', '--work-dir',
                      str(tmp_path / 'work')]) == 0
    printed = capsys.readouterr().out
    assert 'CPU rehearsal (not GPU figures)' in printed
    rows = {line.split(' | ')[0][2:]: line.split(' | ')[1:]
            for line in printed.splitlines() if line.startswith('| ')}
    seconds = rows['training, s / iteration (2 iterations, batch 4, 320x320 crops)']
    assert all(float(cell.strip(' |')) > 0 for cell in seconds)
    assert rows['training, peak GPU memory (MiB)'] == ['-', '- |']  # logged on CUDA only
    assert float(rows['tools/test.py, s / image (full resolution, batch 1)'][0]) > 0
    assert float(rows['inference latency, whole model, 64x96 (ms, tools/benchmark.py)'][0]) > 0
    assert 'failed' not in printed
