"""atomic_write: the file appears whole under its name, or not at all."""
import os
import stat

import pytest

from mmseg_r2mrf.utils import atomic_file, atomic_write


def test_content_lands_under_the_final_name(tmp_path):
    target = tmp_path / 'out.bin'
    with atomic_write(str(target)) as tmp:
        assert tmp != str(target) and os.path.dirname(tmp) == str(tmp_path)
        with open(tmp, 'wb') as file:
            file.write(b'data')
        assert not target.exists()  # nothing under the final name before the body ends
    assert target.read_bytes() == b'data'
    assert os.listdir(tmp_path) == ['out.bin']


def test_a_failure_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / 'out.bin'
    target.write_bytes(b'old')
    with pytest.raises(RuntimeError, match='crash'):
        with atomic_write(str(target)) as tmp:
            with open(tmp, 'wb') as file:
                file.write(b'half')
            raise RuntimeError('crash')
    assert target.read_bytes() == b'old'
    assert os.listdir(tmp_path) == ['out.bin']


@pytest.fixture
def umask():
    """Set the process umask for one test, then restore it."""
    previous = os.umask(0o022)
    yield os.umask
    os.umask(previous)


@pytest.mark.parametrize('mask,mode', [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_the_file_gets_the_mode_the_umask_gives(tmp_path, umask, mask, mode):
    """Not mkstemp's owner-only 0600: blur maps and weights must be readable by others."""
    umask(mask)
    target = tmp_path / 'out.bin'
    with atomic_write(str(target)) as tmp:
        with open(tmp, 'wb') as file:
            file.write(b'data')
    assert stat.S_IMODE(os.stat(target).st_mode) == mode
    plain = tmp_path / 'plain.bin'
    plain.write_bytes(b'data')  # what open() gives under the same umask
    assert stat.S_IMODE(os.stat(plain).st_mode) == mode


@pytest.mark.parametrize('proc_status', [True, False])
def test_current_umask_leaves_the_umask_as_it_was(umask, monkeypatch, tmp_path, proc_status):
    if not proc_status:  # not Linux: the set-and-restore fallback
        monkeypatch.setattr(atomic_file, '_PROC_STATUS', str(tmp_path / 'missing'))
    umask(0o027)
    assert atomic_file.current_umask() == 0o027
    assert atomic_file.current_umask() == 0o027
