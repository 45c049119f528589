"""tools/reproduce.py: the paper's rows, their commands, and the table beside the paper's numbers.

Nothing is trained here: the commands are checked against the configs, the run logic with a
recording stand-in for the tools, and the table with curves that DefocusMetric writes.
"""
import os
import os.path as osp

import numpy as np
import pytest
from mmengine.config import Config

from mmseg_r2mrf.cli import CommandError
from mmseg_r2mrf.evaluation import DefocusMetric
from mmseg_r2mrf.evaluation.paper_results import TABLE1, TABLE3

from metric_samples import metric_sample
from tiny_data import REPO_ROOT, load_tool


@pytest.fixture(scope='module')
def tool():
    return load_tool('reproduce')


@pytest.fixture
def plan(tool, tmp_path):
    return tool.Plan('/data/shi', '/data/dut', str(tmp_path / 'work'))


def write_test_result(folder: str, seed: int = 0) -> dict:
    """What tools/test.py leaves: ``<folder>/<timestamp>/defocus_curves.json``; returns the
    metrics."""
    rng = np.random.default_rng(seed)
    metric = DefocusMetric(output_dir=osp.join(folder, '20261202_120000'))
    os.makedirs(metric.output_dir)
    for index in range(3):
        gt = (rng.random((16, 16)) < 0.5).astype(np.uint8)
        prob = np.clip(gt + rng.normal(0, 0.3, gt.shape), 0, 1).astype(np.float32)
        metric.process({}, [metric_sample(prob, gt, f'{index}.png')])
    return metric.evaluate(3)


def test_every_paper_row_is_covered_by_existing_configs(tool):
    names = {row.name for row in tool.ROWS}
    # Table 3's R²MRF row is Table 1's model (its Shi MAE differs in print: paper_results).
    assert set(TABLE3) - {'R²MRF'} <= names and set(TABLE1) <= names
    for row in tool.ROWS:
        for config in (row.shi_config, row.dut_config, tool.RUNS[row.run]):
            assert config is None or osp.isfile(osp.join(REPO_ROOT, 'configs', config)), config
    # Rows that differ only at test time share R²MRF's run: 11 trainings for the paper's 17
    # rows (the lineage widths are one more).
    paper_rows = tool.select_rows(['table1', 'table3'])
    assert len(paper_rows) == 17 and len({row.run for row in paper_rows}) == 11
    assert [row.run for row in tool.select_rows(['extra'])] == ['wide']
    assert {row.run for row in tool.ROWS if row.name[-2:] in ('O1', 'O3', '_6')} == {'r2mrf'}


def test_dut_options_test_on_what_the_shi_to_dut_configs_test_on(tool):
    shi = Config.fromfile(osp.join(REPO_ROOT, 'configs/r2mrf/r2mrf_resnext101_shi.py'))
    options = list(tool.DUT_TEST_OPTIONS) + ['test_dataloader.dataset.data_root=data/dut']
    shi.merge_from_dict(dict(option.split('=') for option in options))
    to_dut = Config.fromfile(osp.join(REPO_ROOT, 'configs/r2mrf/r2mrf_resnext101_shi-to-dut.py'))
    assert shi.test_dataloader == to_dut.test_dataloader


def test_commands_train_once_then_test_on_both_sets(tool, plan):
    rows = tool.select_rows(['R²MRF', 'R²MRF_O2', 'R²MRF_Step_6'])
    commands = tool.commands(plan, rows)
    work = plan.work_dir
    checkpoint = f'{work}/runs/r2mrf/iter_6000.pth'
    assert commands[0] == [
        'train.py', 'configs/r2mrf/r2mrf_resnext101_shi.py', '--work-dir', f'{work}/runs/r2mrf',
        '--resume', '--cfg-options', 'train_dataloader.dataset.data_root=/data/shi']
    assert commands[1:] == [
        ['test.py', 'configs/r2mrf/r2mrf_resnext101_shi.py', checkpoint, '--work-dir',
         f'{work}/tests/r2mrf_resnext101_shi/shi', '--cfg-options',
         'test_dataloader.dataset.data_root=/data/shi'],
        ['test.py', 'configs/r2mrf/r2mrf_resnext101_shi-to-dut.py', checkpoint, '--work-dir',
         f'{work}/tests/r2mrf_resnext101_shi/dut', '--cfg-options',
         'test_dataloader.dataset.data_root=/data/dut'],
        ['test.py', 'configs/r2mrf/ablations/r2mrf_resnext101_o2_shi.py', checkpoint,
         '--work-dir', f'{work}/tests/r2mrf_resnext101_o2_shi/shi', '--cfg-options',
         'test_dataloader.dataset.data_root=/data/shi'],
        ['test.py', 'configs/r2mrf/ablations/r2mrf_resnext101_o2_shi.py', checkpoint,
         '--work-dir', f'{work}/tests/r2mrf_resnext101_o2_shi/dut', '--cfg-options',
         'test_dataloader.dataset.type=DUTDefocusDataset',
         'test_dataloader.dataset.data_root=/data/dut'],
    ]  # Step_6 is R²MRF: nothing more to run
    short = tool.Plan('/s', '/d', 'w', max_iters=50, train_args=('--amp', ))
    command = tool.train_command(short, 'vgg16')
    assert command[-1] == 'train_cfg.max_iters=50' and '--amp' in command
    assert tool.checkpoint_path(short, 'vgg16') == 'w/runs/vgg16/iter_50.pth'
    assert tool.shell(command).startswith('python tools/train.py configs/r2mrf/r2mrf_vgg16_shi.py')


def test_dry_run_prints_the_commands_and_the_estimate(tool, tmp_path, capsys):
    assert tool.main(['--rows', 'table1', '--work-dir', str(tmp_path)]) == 0
    printed = capsys.readouterr().out.splitlines()
    # One run of 6000 iterations at the paper's 0.75 h per run.
    assert printed[0].startswith('# 1 rows, 1 training runs: about 0.8 GPU hours')
    assert 'an estimate, not a measurement' in printed[0]
    assert [line.split()[1] for line in printed[1:4]] == [
        'tools/train.py', 'tools/test.py', 'tools/test.py']
    assert not os.listdir(tmp_path)  # nothing run, nothing written
    with pytest.raises(SystemExit):
        tool.main(['--rows', 'table4'])
    assert 'unknown rows' in capsys.readouterr().err


def test_table_puts_ours_beside_the_papers(tool, plan, capsys):
    row = tool.select_rows(['R²MRF'])[0]
    metrics = write_test_result(tool.test_dir(plan, row, 'shi'))
    assert tool.main(['--rows', 'table1', '--collect', '--work-dir', plan.work_dir]) == 0
    with open(osp.join(plan.work_dir, 'reproduce.md'), encoding='utf-8') as f:
        lines = f.read().splitlines()
    assert lines[0] == ('| method | positive | β² | Fβ (paper) | maxF_meanPR | maxF | '
                        'MAE (paper) | MAE |')
    assert lines[2] == (
        f"| R²MRF, Shi | blur | 0.3 | 0.9270 | {metrics['maxF_meanPR']:.4f} | "
        f"{metrics['maxF']:.4f} | 0.1190 | {metrics['MAE']:.4f} |")
    assert lines[3] == '| R²MRF, DUT | blur | 0.3 | 0.9500 | - | - | 0.0880 | - |'  # not run
    assert '| R²MRF, DUT |' in capsys.readouterr().out
    # Nothing run yet, in a folder that does not exist: the paper's numbers and dashes.
    out = osp.join(plan.work_dir, 'new', 'table.md')
    assert tool.main(['--rows', 'R²MRF_O5', '--collect', '--work-dir', plan.work_dir + '/none',
                      '--out', out]) == 0
    with open(out, encoding='utf-8') as f:
        assert f.read().splitlines()[2] == (
            '| R²MRF_O5, Shi | blur | 0.3 | 0.9150 | - | - | 0.1400 | - |')


def test_run_trains_and_tests_only_what_is_missing(tool, plan, monkeypatch, tmp_path):
    calls = []

    def fake_run_tool(tool_name, *args):
        calls.append(tool_name)
        work_dir = args[args.index('--work-dir') + 1]
        if tool_name == 'train.py':
            os.makedirs(work_dir, exist_ok=True)
            open(osp.join(work_dir, 'iter_6000.pth'), 'w').close()
        else:
            write_test_result(work_dir)

    monkeypatch.setattr(tool, 'run_tool', fake_run_tool)
    monkeypatch.setattr(tool, '_missing_backbone_weights', lambda rows: [])
    rows = tool.select_rows(['R²MRF', 'R²MRF_O1'])
    tool.run(plan, rows)
    assert calls == ['train.py', 'test.py', 'test.py', 'test.py', 'test.py']
    calls.clear()
    tool.run(plan, rows)  # everything is there: nothing runs again
    assert calls == []
    results = tool.collect(plan, rows)
    assert all(results[row.name, dataset] for row in rows for dataset in ('shi', 'dut'))


def test_run_stops_before_training_without_imagenet_weights(tool, plan, monkeypatch):
    monkeypatch.chdir(REPO_ROOT)
    if osp.isfile('pretrain/vgg16.pth'):
        pytest.skip('this checkout has the VGG-16 weights')
    with pytest.raises(CommandError, match='ImageNet weights missing.*pretrain/vgg16.pth'):
        tool.run(plan, tool.select_rows(['R²MRF_VGG']))
