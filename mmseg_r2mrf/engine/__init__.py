from . import hooks  # noqa: F401
from .atomic_local_backend import ATOMIC_LOCAL_BACKEND, AtomicLocalBackend
from .optimizers import CPUAmpOptimWrapper, cpu_supports_bf16

__all__ = ['ATOMIC_LOCAL_BACKEND', 'AtomicLocalBackend', 'CPUAmpOptimWrapper', 'cpu_supports_bf16']
