from . import hooks  # noqa: F401
from .atomic_local_backend import ATOMIC_LOCAL_BACKEND, AtomicLocalBackend

__all__ = ['ATOMIC_LOCAL_BACKEND', 'AtomicLocalBackend']
