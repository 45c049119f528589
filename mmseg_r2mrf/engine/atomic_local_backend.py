"""A local file backend whose writes are all or nothing, for checkpoints."""
import os
import os.path as osp
from pathlib import Path
from typing import Union

import mmengine
from mmengine.fileio import LocalBackend, register_backend

from ..utils.atomic_file import atomic_write

#: The name to pass as ``backend_args=dict(backend=ATOMIC_LOCAL_BACKEND)``.
ATOMIC_LOCAL_BACKEND = 'atomic_local'


def _fsync_folder(folder: str) -> None:
    """Make a rename inside ``folder`` durable (POSIX; a no-op where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@register_backend(ATOMIC_LOCAL_BACKEND)
class AtomicLocalBackend(LocalBackend):
    """mmengine's local backend, except that ``put`` and ``put_text`` never leave a partial file.

    The bytes go to a temporary file beside the target, are flushed to disk and renamed into
    place, so a kill or a full disk during the write leaves the previous file (or none) under
    the target's name, never a truncated one. A failed write raises an ``OSError`` naming the
    file.
    """

    def put(self, obj: bytes, filepath: Union[str, Path]) -> None:
        filepath = str(filepath)
        folder = osp.dirname(osp.abspath(filepath))
        mmengine.mkdir_or_exist(folder)
        try:
            with atomic_write(filepath) as tmp_path:
                with open(tmp_path, 'wb') as f:
                    f.write(obj)
                    f.flush()
                    os.fsync(f.fileno())
        except OSError as error:
            raise OSError(error.errno,
                          f'cannot write {filepath}: {error.strerror or error}') from error
        _fsync_folder(folder)

    def put_text(self, obj: str, filepath: Union[str, Path], encoding: str = 'utf-8') -> None:
        self.put(obj.encode(encoding), filepath)
