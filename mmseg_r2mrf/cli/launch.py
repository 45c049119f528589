"""What tools/train.py and tools/test.py share: loading a config the way mmseg's tools do."""
import argparse
import logging
import os
import os.path as osp
from typing import Optional

import torch
from mmengine.config import Config, DictAction
from mmengine.logging import print_log

from ..compat import (
    CheckpointMismatchError,
    CheckpointReadError,
    UnsafeCheckpointError,
    find_resumable_checkpoint,
)

#: What a bad config, checkpoint or data path raises in a training or test run: reported by
#: tools/train.py and tools/test.py as a message and exit status 2, not a traceback.
RUN_INPUT_ERRORS = (FileNotFoundError, CheckpointMismatchError, CheckpointReadError,
                    UnsafeCheckpointError)


def add_run_arguments(parser: argparse.ArgumentParser) -> None:
    """Adds the options that tools/train.py and tools/test.py share with mmseg's:
    ``--cfg-options``, ``--allow-partial``, ``--launcher`` and ``--local-rank``."""
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override settings of the config, key=value pairs')
    add_allow_partial_argument(parser)
    parser.add_argument('--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'],
                        default='none', help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)


def add_allow_partial_argument(parser: argparse.ArgumentParser) -> None:
    """Adds ``--allow-partial``: every tool that loads a checkpoint into a config has it."""
    parser.add_argument('--allow-partial', action='store_true',
                        help='load a checkpoint that does not fit the model, with a warning '
                        '(default: an error listing the missing and mismatched keys)')


def load_config(config: str,
                launcher: str = 'none',
                cfg_options: Optional[dict] = None,
                work_dir: Optional[str] = None) -> Config:
    """Read a config and apply the command-line overrides, as mmseg's tools do.

    Beyond mmseg: on a machine without CUDA, a distributed launch uses ``gloo`` instead of
    ``nccl`` (nccl needs GPUs), with a log line saying so, and DistributedDataParallel gets no
    ``device_ids`` (they name GPUs).

    Args:
        config (str): Config file path.
        launcher (str): ``none``, ``pytorch``, ``slurm`` or ``mpi``.
        cfg_options (dict, optional): ``--cfg-options`` overrides.
        work_dir (str, optional): ``--work-dir``; defaults to ``./work_dirs/<config name>``.

    Returns:
        Config: The config, ready for ``Runner.from_cfg``.
    """
    if not osp.isfile(config):
        raise FileNotFoundError(f'config file {config} does not exist')
    cfg = Config.fromfile(config)
    cfg.launcher = launcher
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    if work_dir is not None:
        cfg.work_dir = work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('./work_dirs', osp.splitext(osp.basename(config))[0])
    if launcher != 'none' and not torch.cuda.is_available():
        dist_cfg = cfg.setdefault('env_cfg', {}).setdefault('dist_cfg', {})
        if dist_cfg.get('backend', 'nccl') == 'nccl':
            print_log('CUDA is not available: using the gloo backend instead of nccl.',
                      logger='current')
            dist_cfg['backend'] = 'gloo'
        if cfg.get('model_wrapper_cfg') is None:
            cfg.model_wrapper_cfg = dict(
                type='MMDistributedDataParallel', device_ids=None, broadcast_buffers=False,
                find_unused_parameters=cfg.get('find_unused_parameters', False))
    return cfg


def enable_amp(cfg: Config,
               cuda_available: Optional[bool] = None,
               cpu_bf16: Optional[bool] = None) -> Optional[str]:
    """``--amp``: mixed precision, fp16 on CUDA and bfloat16 on CPUs that compute it natively.

    * CUDA: mmengine's ``AmpOptimWrapper`` (float16, dynamic loss scaling).
    * CPU with AVX512-BF16 or AMX: :class:`~mmseg_r2mrf.engine.CPUAmpOptimWrapper`, bfloat16
      autocast (mmengine's wrapper asserts a GPU).
    * Any other CPU: a warning, and training stays float32 (emulated bfloat16 is slower).

    Args:
        cfg (Config): The training config, changed in place.
        cuda_available (bool, optional): Whether CUDA can be used. Defaults to asking torch.
        cpu_bf16 (bool, optional): Whether the CPU computes bfloat16 natively. Defaults to
            asking the CPU (:func:`~mmseg_r2mrf.engine.cpu_supports_bf16`).

    Returns:
        str | None: ``'float16'`` or ``'bfloat16'``, or None when training stays float32.
    """
    from ..engine.optimizers import cpu_supports_bf16

    optim_type = cfg.optim_wrapper.get('type', 'OptimWrapper')
    if optim_type not in ('OptimWrapper', 'AmpOptimWrapper', 'CPUAmpOptimWrapper'):
        raise ValueError(f'--amp needs OptimWrapper, the config uses {optim_type}')
    if cuda_available is None:
        cuda_available = torch.cuda.is_available()
    if cuda_available:
        cfg.optim_wrapper.type = 'AmpOptimWrapper'
        cfg.optim_wrapper.pop('dtype', None)
        cfg.optim_wrapper.setdefault('loss_scale', 'dynamic')
        return 'float16'
    if cpu_bf16 is None:
        cpu_bf16 = cpu_supports_bf16()
    if not cpu_bf16:
        print_log('--amp: this CPU has no native bfloat16 (AVX512-BF16 or AMX) and CUDA is not '
                  'available; training in float32.', logger='current', level=logging.WARNING)
        return None
    cfg.optim_wrapper.type = 'CPUAmpOptimWrapper'
    cfg.optim_wrapper.pop('loss_scale', None)
    cfg.optim_wrapper.dtype = 'bfloat16'
    print_log('--amp: bfloat16 autocast on the CPU (CPUAmpOptimWrapper).', logger='current')
    return 'bfloat16'


def require_checkpoint_fit(cfg: Config, allow_partial: bool = False) -> None:
    """Make the runner refuse checkpoints that do not fit the model (``CheckpointFitHook``).

    The default runtime has the hook already; a config without it gets one, so that
    ``tools/test.py`` never scores a checkpoint of another model.

    Args:
        cfg (Config): The config, changed in place.
        allow_partial (bool): ``--allow-partial``: warn instead of refusing.
    """
    hooks = cfg.get('custom_hooks') or []
    fit_hooks = [hook for hook in hooks if hook.get('type') == 'CheckpointFitHook']
    if not fit_hooks:
        fit_hooks = [dict(type='CheckpointFitHook')]
        hooks = [*fit_hooks, *hooks]
    for hook in fit_hooks:
        hook['allow_partial'] = allow_partial
    cfg.custom_hooks = hooks


def configure_resume(cfg: Config, resume: bool) -> Optional[str]:
    """Make ``--resume`` continue the run of the work directory, also in fine-tuning configs.

    mmengine resumes from ``load_from`` whenever a config sets it, but in a fine-tuning config
    ``load_from`` names the weights the run starts from (a released model, another run's
    checkpoint): resuming from a weights-only file failed with ``KeyError: 'epoch'``, and from
    another run's training checkpoint it would have carried on that run's schedule. Here the
    work directory's newest complete checkpoint wins; without one the run starts from the
    beginning, from ``load_from``'s weights when the config names any.

    Args:
        cfg (Config): The config, with ``work_dir`` set; ``resume`` and ``load_from`` are
            changed in place.
        resume (bool): Whether ``--resume`` was given.

    Returns:
        str or None: The checkpoint the run resumes from, None when it starts afresh.
    """
    cfg.resume = False
    if not resume:
        return None
    checkpoint = find_resumable_checkpoint(cfg.work_dir)
    initial_weights = cfg.get('load_from')
    if checkpoint is None:
        if initial_weights:
            print_log(f'--resume: nothing to resume in {cfg.work_dir}; the run starts from the '
                      f'weights of load_from, {initial_weights}.', logger='current')
        return None
    if initial_weights and osp.abspath(initial_weights) != osp.abspath(checkpoint):
        print_log(f'--resume: continuing from {checkpoint}; load_from ({initial_weights}) named '
                  'the weights this run started from.', logger='current')
    cfg.load_from = checkpoint
    cfg.resume = True
    return checkpoint


def set_local_rank(local_rank: int) -> None:
    """Export LOCAL_RANK for launchers that pass ``--local-rank`` instead of the variable."""
    os.environ.setdefault('LOCAL_RANK', str(local_rank))


def end_distributed() -> None:
    """Destroy the default process group of a finished distributed run (no-op otherwise).

    Without it the process exits with the group alive, and Gloo's worker threads can abort the
    interpreter while it shuts down ("terminate called without an active exception", SIGABRT):
    a run that finished its work then fails now and then (seen once in CI with
    ``tools/dist_test.sh``, 2026-12-07). PyTorch's documentation asks every process to call
    ``destroy_process_group`` at the end.
    """
    if torch.distributed.is_available() and torch.distributed.is_initialized():
        torch.distributed.destroy_process_group()
