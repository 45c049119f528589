"""tools/train.py --resume continues exactly like an uninterrupted run; tools/test.py loads it."""
import glob
import json
import os.path as osp

import pytest
import torch
from mmengine.config import Config

from mmseg_r2mrf.cli import enable_amp
from mmseg_r2mrf.compat import safe_load_checkpoint
from mmseg_r2mrf.engine import cpu_supports_bf16

from tiny_data import TINY_CONFIG, make_tiny_seg_dataset, run_tool, tiny_data_options


def _scalars(work_dir: str) -> dict:
    """iteration -> logged training scalars, over every run logged in work_dir."""
    by_iter = {}
    for path in sorted(glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json'))):
        with open(path) as f:
            for line in f:
                record = json.loads(line)
                if 'loss' in record:
                    by_iter[record['iter']] = record
    return by_iter


def _train(work_dir, data_root, *extra, env=None):
    result = run_tool('train.py', TINY_CONFIG, '--work-dir', str(work_dir), *extra,
                      '--cfg-options', *tiny_data_options(data_root), env=env)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result


@pytest.fixture(scope='module')
def runs(tmp_path_factory):
    root = tmp_path_factory.mktemp('resume')
    data_root = make_tiny_seg_dataset(str(root / 'data'))
    straight, resumed = root / 'straight', root / 'resumed'
    _train(straight, data_root)
    _train(resumed, data_root, '--cfg-options', 'train_cfg.max_iters=2')
    assert not osp.exists(resumed / 'iter_4.pth')
    resume_run = _train(resumed, data_root, '--resume')
    return dict(data_root=data_root, straight=straight, resumed=resumed,
                resume_log=resume_run.stdout + resume_run.stderr)


def test_resume_matches_uninterrupted_run(runs):
    assert 'resumed epoch: 0, iter: 2' in runs['resume_log']
    straight = safe_load_checkpoint(str(runs['straight'] / 'iter_4.pth'))
    resumed = safe_load_checkpoint(str(runs['resumed'] / 'iter_4.pth'))
    assert straight['meta']['iter'] == resumed['meta']['iter'] == 4
    assert straight['param_schedulers'] == resumed['param_schedulers']
    assert straight['state_dict'].keys() == resumed['state_dict'].keys()
    for key, value in straight['state_dict'].items():
        torch.testing.assert_close(resumed['state_dict'][key], value, rtol=0, atol=1e-6,
                                   msg=f'weight {key} differs after resume')
    straight_log, resumed_log = _scalars(runs['straight']), _scalars(runs['resumed'])
    assert sorted(straight_log) == sorted(resumed_log) == [1, 2, 3, 4]
    for iteration in (1, 2, 3, 4):
        assert resumed_log[iteration]['lr'] == pytest.approx(straight_log[iteration]['lr'])
        assert resumed_log[iteration]['loss'] == pytest.approx(straight_log[iteration]['loss'],
                                                               abs=1e-6)


def test_load_from_starts_a_new_run_from_the_weights(runs, tmp_path):
    checkpoint = str(runs['straight'] / 'iter_4.pth')
    result = _train(tmp_path / 'finetune', runs['data_root'], '--cfg-options',
                    f'load_from={checkpoint}', 'train_cfg.max_iters=1')
    assert f'Load checkpoint from {checkpoint}' in result.stdout + result.stderr
    assert safe_load_checkpoint(str(tmp_path / 'finetune' / 'iter_1.pth'))['meta']['iter'] == 1


def test_resume_of_a_fine_tuning_run_continues_it_not_its_starting_weights(runs, tmp_path):
    # A fine-tuning config names its starting weights in load_from, as the EMA configs name a
    # released model: weights only, no training state (mmengine resumed from them: KeyError).
    weights = tmp_path / 'released.pth'
    state = safe_load_checkpoint(str(runs['straight'] / 'iter_4.pth'))['state_dict']
    torch.save({'state_dict': state, 'meta': {}}, weights)
    options = [f'load_from={weights}']
    straight, resumed = tmp_path / 'straight', tmp_path / 'resumed'
    _train(straight, runs['data_root'], '--cfg-options', *options)
    first = _train(resumed, runs['data_root'], '--resume', '--cfg-options', *options,
                   'train_cfg.max_iters=2')
    first_log = first.stdout + first.stderr
    assert f'nothing to resume in {resumed}' in first_log
    assert f'Load checkpoint from {weights}' in first_log and 'resumed epoch' not in first_log
    second = _train(resumed, runs['data_root'], '--resume', '--cfg-options', *options)
    second_log = second.stdout + second.stderr
    assert 'resumed epoch: 0, iter: 2' in second_log
    assert f'load_from ({weights}) named the weights this run started from' in second_log
    a = safe_load_checkpoint(str(straight / 'iter_4.pth'))['state_dict']
    b = safe_load_checkpoint(str(resumed / 'iter_4.pth'))['state_dict']
    for key, value in a.items():
        torch.testing.assert_close(b[key], value, rtol=0, atol=1e-6,
                                   msg=f'weight {key} differs after resume')
    untouched = safe_load_checkpoint(str(weights))['state_dict']
    assert any(not torch.equal(b[k], v) for k, v in untouched.items() if v.is_floating_point())


def test_test_tool_evaluates_the_checkpoint(runs, tmp_path):
    result = run_tool('test.py', TINY_CONFIG, str(runs['straight'] / 'iter_4.pth'),
                      '--work-dir', str(tmp_path), '--cfg-options',
                      *tiny_data_options(runs['data_root']))
    assert result.returncode == 0, result.stderr[-3000:]
    metrics = glob.glob(str(tmp_path / '*' / '*.json'))
    assert metrics, 'tools/test.py wrote no metrics file'
    with open(metrics[0]) as f:
        assert 'mIoU' in json.load(f)


def test_amp_on_a_cpu_trains_in_bfloat16_where_supported(runs, tmp_path):
    # CUDA hidden, so that the CPU path is what runs on any machine.
    result = _train(tmp_path / 'amp', runs['data_root'], '--amp', '--cfg-options',
                    'train_cfg.max_iters=1', env={'CUDA_VISIBLE_DEVICES': ''})
    log = result.stdout + result.stderr
    if cpu_supports_bf16():
        assert '--amp: bfloat16 autocast on the CPU' in log
    else:
        assert '--amp: this CPU has no native bfloat16' in log
    checkpoint = safe_load_checkpoint(str(tmp_path / 'amp' / 'iter_1.pth'))
    # Weights and optimizer state stay float32 under autocast.
    assert all(v.dtype == torch.float32 for v in checkpoint['state_dict'].values()
               if v.is_floating_point())


def test_amp_selects_the_wrapper_by_device():
    cfg = Config.fromfile(TINY_CONFIG)
    assert enable_amp(cfg, cuda_available=True) == 'float16'
    assert cfg.optim_wrapper.type == 'AmpOptimWrapper'
    assert cfg.optim_wrapper.loss_scale == 'dynamic'
    assert cfg.optim_wrapper.optimizer.type == 'SGD'  # the rest of the wrapper is kept
    cpu = Config.fromfile(TINY_CONFIG)
    assert enable_amp(cpu, cuda_available=False, cpu_bf16=True) == 'bfloat16'
    assert cpu.optim_wrapper.type == 'CPUAmpOptimWrapper'
    assert cpu.optim_wrapper.dtype == 'bfloat16' and 'loss_scale' not in cpu.optim_wrapper
    assert cpu.optim_wrapper.optimizer.type == 'SGD'
    unchanged = Config.fromfile(TINY_CONFIG)
    assert enable_amp(unchanged, cuda_available=False, cpu_bf16=False) is None
    assert unchanged.optim_wrapper.type == 'OptimWrapper'
    other = Config.fromfile(TINY_CONFIG)
    other.optim_wrapper.type = 'ApexOptimWrapper'
    with pytest.raises(ValueError, match='ApexOptimWrapper'):
        enable_amp(other, cuda_available=True)


def test_fallback_message_without_native_bfloat16(mmengine_log):
    cfg = Config.fromfile(TINY_CONFIG)
    assert enable_amp(cfg, cuda_available=False, cpu_bf16=False) is None
    assert 'no native bfloat16' in mmengine_log.text


def test_ema_run_resumes_exactly_and_saves_the_averaged_weights(runs, tmp_path):
    # The EMA recipe (configs/r2mrf/*-ema.py): mmengine's EMAHook beside the project's hooks.
    config = tmp_path / 'tiny_ema.py'
    config.write_text(f'_base_ = [{TINY_CONFIG!r}]\n'
                      "custom_hooks = _base_.custom_hooks + [dict(type='EMAHook', "
                      "momentum=0.5, priority='ABOVE_NORMAL')]\n")
    straight, resumed = tmp_path / 'straight', tmp_path / 'resumed'
    steps = [(straight, [], []), (resumed, [], ['train_cfg.max_iters=2']),
             (resumed, ['--resume'], [])]
    for work_dir, flags, overrides in steps:
        result = run_tool('train.py', str(config), '--work-dir', str(work_dir), *flags,
                          '--cfg-options', *tiny_data_options(runs['data_root']), *overrides)
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    a = safe_load_checkpoint(str(straight / 'iter_4.pth'))
    b = safe_load_checkpoint(str(resumed / 'iter_4.pth'))
    for name in ('state_dict', 'ema_state_dict'):
        assert a[name].keys() == b[name].keys()
        for key, value in a[name].items():
            torch.testing.assert_close(b[name][key], value, rtol=0, atol=1e-6,
                                       msg=f'{name} {key} differs after resume')
    # The average does not steer training: the raw weights (kept as ema_state_dict) are those
    # of the same run without EMA, and state_dict, what tools/test.py loads, is the average.
    plain = safe_load_checkpoint(str(runs['straight'] / 'iter_4.pth'))['state_dict']
    raw, averaged = a['ema_state_dict'], a['state_dict']
    for key, value in plain.items():
        torch.testing.assert_close(raw[f'module.{key}'], value, rtol=0, atol=1e-6)
    assert any(not torch.equal(averaged[k], v) for k, v in plain.items()
               if v.is_floating_point()), 'the checkpoint holds the raw weights, not the average'
