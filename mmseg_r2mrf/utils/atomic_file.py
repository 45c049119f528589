"""Writing a file so that a crash never leaves a half-written one under its final name."""
import contextlib
import os
import os.path as osp
import tempfile
import threading
from typing import Iterator

#: Where Linux (>= 4.7) shows a process's umask without changing it.
_PROC_STATUS = '/proc/self/status'
_UMASK_LOCK = threading.Lock()


def current_umask() -> int:
    """The process's file-mode creation mask, read without changing it where possible.

    ``os.umask`` can only be read by setting it; between the two calls another thread would
    create files with the temporary mask. Linux shows the mask in ``/proc/self/status``; only
    elsewhere is it set and restored, to the restrictive ``0o077`` so that a file created
    meanwhile is never more open than intended.

    Returns:
        int: The umask, e.g. ``0o022``.
    """
    try:
        with open(_PROC_STATUS) as status:
            for line in status:
                if line.startswith('Umask:'):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    with _UMASK_LOCK:
        mask = os.umask(0o077)
        os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_write(path: str) -> Iterator[str]:
    """Yield a temporary path beside ``path``; on success it is renamed to ``path``.

    The temporary file is in the same folder, so the rename is atomic; if the body raises, it
    is removed and ``path`` is left as it was. The file ends up with the mode that the umask
    gives a new file (``0o666 & ~umask``, e.g. 0644), as ``open`` would create it:
    :func:`tempfile.mkstemp` creates it owner-only (0600), which the rename would keep.

    Args:
        path (str): The file to write; its folder must exist.

    Yields:
        str: Where the body writes the content.
    """
    # Named after the target, so that a leftover from a killed process says what it was.
    fd, tmp_path = tempfile.mkstemp(dir=osp.dirname(osp.abspath(path)),
                                    prefix=f'.{osp.basename(path)}.', suffix='.tmp')
    try:
        os.fchmod(fd, 0o666 & ~current_umask())
    finally:
        os.close(fd)
    try:
        yield tmp_path
        os.replace(tmp_path, path)
    finally:
        if osp.exists(tmp_path):
            os.remove(tmp_path)
