"""Distributed training on CPU-only machines (gloo) through mmengine's own launcher code.

mmengine 0.10.7's ``_init_dist_pytorch`` always calls ``torch.cuda.set_device(LOCAL_RANK)``
before ``init_process_group``, which fails on a machine without a GPU, so a ``torchrun`` launch
with the gloo backend cannot start. Where no accelerator is available (no CUDA, and none of
the MLU/NPU/MUSA devices mmengine handles itself) we call ``init_process_group`` exactly as
mmengine does, without selecting a device; otherwise mmengine's function runs untouched.
The tools' :func:`mmseg_r2mrf.utils.load_config` chooses the gloo backend and a
DistributedDataParallel without ``device_ids`` for such machines.
"""
import functools

import torch
import torch.distributed as torch_dist
from mmengine.device import is_mlu_available, is_musa_available, is_npu_available
from mmengine.dist import utils as dist_utils


def _has_accelerator() -> bool:
    return (torch.cuda.is_available() or is_mlu_available() or is_npu_available()
            or is_musa_available())


def patch_cpu_distributed_init() -> None:
    """Let ``init_dist('pytorch', backend='gloo')`` work without CUDA."""
    original = dist_utils._init_dist_pytorch
    if getattr(original, '_cpu_aware', False):
        return

    @functools.wraps(original)
    def init_dist_pytorch(backend, init_backend='torch', **kwargs):
        if _has_accelerator() or init_backend != 'torch':
            return original(backend, init_backend=init_backend, **kwargs)
        torch_dist.init_process_group(backend=backend, **kwargs)

    init_dist_pytorch._cpu_aware = True
    dist_utils._init_dist_pytorch = init_dist_pytorch
