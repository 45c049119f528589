"""A training run killed, or out of disk, at any moment of a checkpoint save resumes exactly.

Each case trains the tiny config for 6 iterations with a checkpoint every 2 and
``max_keep_ckpts=1`` (the shipped schedule keeps one), injects one fault
(``faults/sitecustomize.py``), then runs ``tools/train.py --resume`` to the end. The final weights
must be bit-identical to those of an uninterrupted run, and the resume must start from the
checkpoint that the fault left complete. With mmengine's own CheckpointHook every case but the
first fails: it deletes the old checkpoint before writing the new one and writes files in place.
"""
import os
import os.path as osp

import pytest
import torch

from mmseg_r2mrf.compat import safe_load_checkpoint

from tiny_data import TINY_CONFIG, make_tiny_seg_dataset, run_tool, tiny_data_options

FAULTS = osp.join(osp.dirname(osp.abspath(__file__)), 'faults')
SCHEDULE = ['train_cfg.max_iters=6', 'default_hooks.checkpoint.interval=2',
            'default_hooks.checkpoint.max_keep_ckpts=1']


def _train(work_dir, data_root, *extra, fault: str = ''):
    env = {'R2MRF_FAULT': fault,
           'PYTHONPATH': os.pathsep.join(filter(None, [FAULTS, os.environ.get('PYTHONPATH')]))}
    return run_tool('train.py', TINY_CONFIG, '--work-dir', str(work_dir), *extra,
                    '--cfg-options', *tiny_data_options(data_root), *SCHEDULE, env=env)


def _output(result) -> str:
    return result.stdout + result.stderr


@pytest.fixture(scope='module')
def data_root(tmp_path_factory):
    return make_tiny_seg_dataset(str(tmp_path_factory.mktemp('data')))


@pytest.fixture(scope='module')
def uninterrupted(data_root, tmp_path_factory):
    work_dir = tmp_path_factory.mktemp('uninterrupted')
    result = _train(work_dir, data_root)
    assert result.returncode == 0, _output(result)[-3000:]
    return safe_load_checkpoint(str(work_dir / 'iter_6.pth'))['state_dict']


@pytest.mark.parametrize('fault, resumed_at', [
    ('kill_mid_iter:5', 4),
    ('kill_after_remove:^iter_2\\.pth$', 4),
    ('kill_writing:iter_4\\.pth:1', 2),
    ('kill_writing:last_checkpoint:2', 2),
    ('disk_full:iter_4\\.pth:1', 2),
], ids=['mid-iteration', 'old-checkpoint-deleted', 'checkpoint-write', 'pointer-write',
        'disk-full'])
def test_resume_after_fault_matches_uninterrupted_run(fault, resumed_at, data_root,
                                                      uninterrupted, tmp_path):
    interrupted = _train(tmp_path, data_root, fault=fault)
    assert interrupted.returncode != 0, 'the fault did not stop the run'
    if fault.startswith('disk_full'):
        assert 'No space left on device' in _output(interrupted)
        assert f'cannot write {tmp_path / "iter_4.pth"}' in _output(interrupted)
    assert not osp.exists(tmp_path / 'iter_6.pth')

    resumed = _train(tmp_path, data_root, '--resume')
    assert resumed.returncode == 0, _output(resumed)[-3000:]
    assert f'resumed epoch: 0, iter: {resumed_at}' in _output(resumed)
    final = safe_load_checkpoint(str(tmp_path / 'iter_6.pth'))['state_dict']
    assert final.keys() == uninterrupted.keys()
    for key, value in uninterrupted.items():
        assert torch.equal(final[key], value), f'{key} differs from the uninterrupted run'
    assert sorted(name for name in os.listdir(tmp_path) if name.endswith('.pth')) == \
        ['iter_6.pth'], 'max_keep_ckpts=1 left other checkpoints, or temporary files remain'
    assert not [name for name in os.listdir(tmp_path) if name.endswith('.tmp')]
