"""Writing a file so that a crash never leaves a half-written one under its final name."""
import contextlib
import os
import os.path as osp
import tempfile
from typing import Iterator


@contextlib.contextmanager
def atomic_write(path: str) -> Iterator[str]:
    """Yield a temporary path beside ``path``; on success it is renamed to ``path``.

    The temporary file is in the same folder, so the rename is atomic; if the body raises, it
    is removed and ``path`` is left as it was.

    Args:
        path (str): The file to write; its folder must exist.

    Yields:
        str: Where the body writes the content.
    """
    # Named after the target, so that a leftover from a killed process says what it was.
    fd, tmp_path = tempfile.mkstemp(dir=osp.dirname(osp.abspath(path)),
                                    prefix=f'.{osp.basename(path)}.', suffix='.tmp')
    os.close(fd)
    try:
        yield tmp_path
        os.replace(tmp_path, path)
    finally:
        if osp.exists(tmp_path):
            os.remove(tmp_path)
