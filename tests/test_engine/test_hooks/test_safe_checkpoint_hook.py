"""SafeCheckpointHook: an obsolete checkpoint goes only after its successor is in place."""
import os
import os.path as osp
import shutil
import uuid

import pytest
import torch
from mmengine.fileio import get_file_backend
from mmengine.logging import MessageHub, MMLogger

from mmseg.registry import HOOKS


class _Runner:
    """What CheckpointHook uses of a runner; records which files exist at each save."""

    def __init__(self, work_dir: str, hub_state: dict = None):
        self.work_dir = work_dir
        self.message_hub = MessageHub.get_instance(f'safe-ckpt-{uuid.uuid4()}')
        if hub_state is not None:
            self.message_hub.load_state_dict(hub_state)
        self.logger = MMLogger.get_current_instance()
        self.iter, self.epoch = 0, 0
        self.saves = []  # (file saved, files present while it was written)

    def save_checkpoint(self, out_dir, filename, file_client_args=None, save_optimizer=True,
                        save_param_scheduler=True, meta=None, by_epoch=True, backend_args=None):
        path = osp.join(out_dir, filename)
        self.saves.append((filename, sorted(os.listdir(out_dir))))
        buffer = __import__('io').BytesIO()
        torch.save({'meta': meta, 'state_dict': {}}, buffer)
        get_file_backend(path, backend_args=backend_args).put(buffer.getvalue(), path)


def _hook():
    return HOOKS.build(dict(type='SafeCheckpointHook', by_epoch=False, interval=2,
                            max_keep_ckpts=1, save_best='maxF', rule='greater'))


def _step(hook, runner, iteration: int, max_f: float = None):
    """A periodic save after ``iteration``, then a validation with score ``max_f``."""
    runner.iter = iteration - 1
    hook._save_checkpoint(runner)
    if max_f is not None:
        runner.iter = iteration
        hook._save_best_checkpoint(runner, {'maxF': max_f})


def _pth(folder) -> list:
    return sorted(name for name in os.listdir(folder) if name.endswith('.pth'))


@pytest.fixture
def run(tmp_path):
    work_dir = str(tmp_path / 'run')
    os.makedirs(work_dir)
    hook, runner = _hook(), _Runner(work_dir)
    hook.before_train(runner)
    _step(hook, runner, 2, max_f=0.5)
    _step(hook, runner, 4, max_f=0.7)
    _step(hook, runner, 6, max_f=0.6)  # not better: the best stays
    return hook, runner


def test_obsolete_checkpoints_are_deleted_after_their_successors(run):
    _, runner = run
    present_while_saved = {}
    for name, present in runner.saves:  # the first save of each name
        present_while_saved.setdefault(name, present)
    assert 'iter_2.pth' in present_while_saved['iter_4.pth']
    assert 'best_maxF_iter_2.pth' in present_while_saved['best_maxF_iter_4.pth']
    assert _pth(runner.work_dir) == ['best_maxF_iter_4.pth', 'iter_6.pth']


def test_last_checkpoint_is_relative(run):
    _, runner = run
    with open(osp.join(runner.work_dir, 'last_checkpoint')) as f:
        assert f.read() == 'iter_6.pth'


def test_a_copied_work_dir_never_deletes_the_original_files(run, tmp_path):
    hook, runner = run
    copy = str(tmp_path / 'copy')
    shutil.copytree(runner.work_dir, copy)
    copy_hook, copy_runner = _hook(), _Runner(copy, runner.message_hub.state_dict())
    copy_hook.before_train(copy_runner)
    assert copy_hook.best_ckpt_path == osp.join(copy, 'best_maxF_iter_4.pth')
    _step(copy_hook, copy_runner, 8, max_f=0.9)
    assert _pth(copy) == ['best_maxF_iter_8.pth', 'iter_8.pth']
    assert _pth(runner.work_dir) == ['best_maxF_iter_4.pth', 'iter_6.pth']


def test_leftovers_of_interrupted_writes_are_removed(tmp_path):
    for name in ('.iter_4.pth.k2j4h1x_.tmp', '.last_checkpoint.a8Bc9d0e.tmp', '.notes.tmp',
                 'iter_2.pth.tmp'):
        (tmp_path / name).write_text('partial')
    _hook().before_train(_Runner(str(tmp_path)))
    assert sorted(os.listdir(tmp_path)) == ['.notes.tmp', 'iter_2.pth.tmp']
