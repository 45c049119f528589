"""Mixed precision on the CPU: bfloat16 autocast around the forward pass and the loss.

mmengine's ``AmpOptimWrapper`` asserts a GPU, so ``--amp`` on a CPU uses this wrapper. bfloat16
has float32's exponent range, so no loss scaling is needed: the weights, their gradients and
the optimizer state stay float32, and checkpoints are the same as a float32 run's.
"""
from contextlib import contextmanager
from typing import Iterator

import torch
from mmengine.optim import OptimWrapper
from mmengine.registry import OPTIM_WRAPPERS
from torch import nn


def cpu_supports_bf16() -> bool:
    """Whether this CPU computes bfloat16 natively (AVX512-BF16 or AMX), not by emulation.

    Without these instructions oneDNN emulates bfloat16, and autocast makes training slower.
    """
    return bool(torch.backends.mkldnn.is_available() and
                (torch.cpu._is_avx512_bf16_supported() or torch.cpu._is_amx_tile_supported()))


@OPTIM_WRAPPERS.register_module()
class CPUAmpOptimWrapper(OptimWrapper):
    """An ``OptimWrapper`` whose ``optim_context`` runs the model under CPU autocast.

    Args:
        dtype (str): Autocast dtype on the CPU: ``'bfloat16'`` (default; ``'float16'`` is
            accepted, but has no native CPU kernels for most operators).
        **kwargs: Arguments of :class:`mmengine.optim.OptimWrapper` (``optimizer``,
            ``clip_grad``, ``accumulative_counts``).
    """

    DTYPES = {'bfloat16': torch.bfloat16, 'float16': torch.float16}

    def __init__(self, dtype: str = 'bfloat16', **kwargs) -> None:
        if dtype not in self.DTYPES:
            raise ValueError(f'CPUAmpOptimWrapper: dtype must be one of {sorted(self.DTYPES)}, '
                             f'got {dtype!r}')
        super().__init__(**kwargs)
        self.cast_dtype = self.DTYPES[dtype]

    @contextmanager
    def optim_context(self, model: nn.Module) -> Iterator[None]:
        """Gradient accumulation's context (mmengine's), inside bfloat16 autocast."""
        with super().optim_context(model), torch.autocast('cpu', dtype=self.cast_dtype):
            yield
