"""find_resumable_checkpoint: a missing, empty, stale or moved last_checkpoint still resumes."""
import shutil

import pytest
import torch

from mmseg_r2mrf.compat import find_resumable_checkpoint


def _checkpoint(path, iteration: int):
    torch.save({'meta': {'iter': iteration}, 'state_dict': {}}, str(path))
    return str(path)


@pytest.fixture
def work_dir(tmp_path):
    folder = tmp_path / 'run'
    folder.mkdir()
    _checkpoint(folder / 'iter_2.pth', 2)
    _checkpoint(folder / 'iter_10.pth', 10)  # newest by step, not by name
    return folder


@pytest.fixture
def warnings(mmengine_log):
    return mmengine_log


def test_relative_pointer_is_read_against_the_work_dir(work_dir):
    (work_dir / 'last_checkpoint').write_text('iter_2.pth')
    assert find_resumable_checkpoint(str(work_dir)) == str(work_dir / 'iter_2.pth')


@pytest.mark.parametrize('pointer, why', [
    (None, 'does not exist'), ('', 'is empty'), ('iter_12.pth', 'names iter_12.pth, which does '
                                                 'not exist')])
def test_bad_pointer_falls_back_to_the_newest_checkpoint(work_dir, warnings, pointer, why):
    if pointer is not None:
        (work_dir / 'last_checkpoint').write_text(pointer)
    assert find_resumable_checkpoint(str(work_dir)) == str(work_dir / 'iter_10.pth')
    assert why in warnings.text and 'resuming from the newest complete checkpoint' in \
        warnings.text


def test_truncated_checkpoints_are_skipped(work_dir, warnings):
    data = (work_dir / 'iter_10.pth').read_bytes()
    (work_dir / 'iter_10.pth').write_bytes(data[:len(data) // 2])
    (work_dir / 'last_checkpoint').write_text('iter_10.pth')
    assert find_resumable_checkpoint(str(work_dir)) == str(work_dir / 'iter_2.pth')
    assert 'iter_10.pth, which is truncated' in warnings.text


def test_moved_work_dir_resumes_from_its_own_files(work_dir, tmp_path):
    # mmengine writes an absolute path; after a copy it names the original folder's file.
    (work_dir / 'last_checkpoint').write_text(str(work_dir / 'iter_2.pth'))
    copy = tmp_path / 'copy'
    shutil.copytree(work_dir, copy)
    assert find_resumable_checkpoint(str(copy)) == str(copy / 'iter_2.pth')
    shutil.rmtree(work_dir)  # moved rather than copied
    assert find_resumable_checkpoint(str(copy)) == str(copy / 'iter_2.pth')


def test_nothing_to_resume(tmp_path, warnings):
    assert find_resumable_checkpoint(str(tmp_path)) is None
    assert 'nothing to resume' in warnings.text
