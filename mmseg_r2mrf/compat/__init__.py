"""Compatibility layer for today's torch and mmcv-lite.

Applied by :func:`apply` (idempotent), which :mod:`mmseg_r2mrf`'s import calls before it
imports any mmseg module; tools and scripts may call it themselves:

* :mod:`.mmcv_ops`: with mmcv-lite (no compiled ``mmcv._ext``), ``mmcv.ops`` gets the two
  pure-PyTorch ops that mmseg imports at module level, and every compiled op raises a
  ``ModuleNotFoundError`` that says to install full mmcv. With full mmcv it does nothing.
* :mod:`.checkpoint`: mmengine 0.10.7 calls ``torch.load`` without ``weights_only``; torch >= 2.6
  loads with ``weights_only=True``. We keep that safety, extend it to checkpoints mmengine
  downloads from URLs, allow-list exactly the classes that mmengine checkpoints contain, and
  turn a refused checkpoint into an error naming the file or URL.
* :mod:`.distributed`: ``torchrun`` launches on machines without CUDA (gloo backend).
* :mod:`.resume`: ``resume`` finds its checkpoint even when ``last_checkpoint`` is empty, stale
  or names a truncated file, and in a moved work directory.
"""
from .checkpoint import (
    CHECKPOINT_SAFE_GLOBALS,
    CheckpointMismatchError,
    CheckpointReadError,
    UnsafeCheckpointError,
    check_checkpoint_fits,
    describe_checkpoint_file,
    register_safe_checkpoint_loading,
    safe_load_checkpoint,
    safe_load_url,
)
from .distributed import patch_cpu_distributed_init
from .mmcv_ops import has_compiled_mmcv_ops, install_mmcv_ops_fallback
from .resume import find_resumable_checkpoint, patch_resume_lookup

_applied = False


def apply() -> None:
    """Apply the whole compatibility layer, once; later calls do nothing.

    Must run before mmseg's model modules are imported (they import ``mmcv.ops`` at module
    level). Importing :mod:`mmseg_r2mrf` calls it; so may a script that imports mmseg first
    and the plugin later.
    """
    global _applied
    if _applied:
        return
    install_mmcv_ops_fallback()
    register_safe_checkpoint_loading()
    patch_cpu_distributed_init()
    patch_resume_lookup()
    _applied = True

__all__ = [
    'apply', 'CHECKPOINT_SAFE_GLOBALS', 'CheckpointMismatchError', 'CheckpointReadError',
    'UnsafeCheckpointError', 'check_checkpoint_fits', 'describe_checkpoint_file',
    'find_resumable_checkpoint', 'has_compiled_mmcv_ops',
    'install_mmcv_ops_fallback', 'patch_cpu_distributed_init', 'patch_resume_lookup',
    'register_safe_checkpoint_loading',
    'safe_load_checkpoint', 'safe_load_url'
]
