"""atomic_write: the file appears whole under its name, or not at all."""
import os

import pytest

from mmseg_r2mrf.utils import atomic_write


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
