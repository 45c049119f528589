"""Seconds per training iteration of a segmentor, float32 and mixed precision side by side.

One iteration is what ``IterBasedTrainLoop`` runs per batch once the batch is loaded:
``model.train_step`` (data preprocessing, forward, every loss term, backward, optimizer step)
through an optim wrapper built from the config's ``optim_wrapper``. The precisions are timed
interleaved (fp32, amp, fp32, ...) in one process on one model, so a change of the machine's
load hits them alike.
"""
import copy
import glob
import json
import os.path as osp
import statistics
import time
from typing import Dict, List, Optional, Sequence

import torch
from mmengine.config import ConfigDict
from mmengine.optim import OptimWrapper, build_optim_wrapper
from mmengine.structures import PixelData
from torch import nn

from mmseg.structures import SegDataSample

from ..engine.optimizers import cpu_supports_bf16

PRECISIONS = ('fp32', 'amp')


def synthetic_training_batch(batch_size: int, shape: Sequence[int], seed: int = 0) -> dict:
    """A batch as the train dataloader gives it: uint8 images and 0/1 labels (random halves).

    Args:
        batch_size (int): Images in the batch.
        shape (Sequence[int]): (height, width) of every image.
        seed (int): Seed of the random pixels.

    Returns:
        dict: ``inputs`` (list of (3, H, W) uint8 tensors) and ``data_samples``.
    """
    generator = torch.Generator().manual_seed(seed)
    height, width = shape
    inputs, samples = [], []
    for _ in range(batch_size):
        inputs.append(torch.randint(0, 256, (3, height, width), dtype=torch.uint8,
                                    generator=generator))
        label = torch.zeros(1, height, width, dtype=torch.int64)
        label[..., width // 2:] = 1
        sample = SegDataSample(gt_sem_seg=PixelData(data=label))
        sample.set_metainfo(dict(img_shape=(height, width), ori_shape=(height, width),
                                 pad_shape=(height, width)))
        samples.append(sample)
    return dict(inputs=inputs, data_samples=samples)


def amp_optim_wrapper_cfg(optim_wrapper_cfg: dict, device: str) -> ConfigDict:
    """The config's optim wrapper in mixed precision: bf16 autocast on a CPU, fp16 on CUDA."""
    cfg = ConfigDict(copy.deepcopy(dict(optim_wrapper_cfg)))
    if torch.device(device).type == 'cuda':
        cfg.type = 'AmpOptimWrapper'
        cfg.setdefault('loss_scale', 'dynamic')
    else:
        cfg.type = 'CPUAmpOptimWrapper'
        cfg.setdefault('dtype', 'bfloat16')
    return cfg


def time_training_steps(model: nn.Module,
                        optim_wrappers: Dict[str, OptimWrapper],
                        batch: dict,
                        warmup: int = 2,
                        repeat: int = 5,
                        device: str = 'cpu') -> Dict[str, List[float]]:
    """Times ``model.train_step`` with each optim wrapper, interleaved.

    Args:
        model (nn.Module): A segmentor in train mode.
        optim_wrappers (dict[str, OptimWrapper]): Name -> wrapper over the model's parameters.
        batch (dict): A loaded batch (:func:`synthetic_training_batch`).
        warmup (int): Untimed steps of each wrapper first.
        repeat (int): Timed steps of each wrapper.
        device (str): Where the model is (CUDA steps are synchronised).

    Returns:
        dict[str, list[float]]: Seconds of every timed step, per wrapper.
    """
    is_cuda = torch.device(device).type == 'cuda'
    model.train()
    seconds: Dict[str, List[float]] = {name: [] for name in optim_wrappers}
    for index in range(warmup + repeat):
        for name, wrapper in optim_wrappers.items():
            if is_cuda:
                torch.cuda.synchronize(device)
            start = time.perf_counter()
            model.train_step(batch, wrapper)
            if is_cuda:
                torch.cuda.synchronize(device)
            if index >= warmup:
                seconds[name].append(time.perf_counter() - start)
    return seconds


def training_cost(model: nn.Module,
                  optim_wrapper_cfg: dict,
                  shape: Sequence[int] = (320, 320),
                  batch_size: int = 4,
                  device: str = 'cpu',
                  warmup: int = 2,
                  repeat: int = 5,
                  precisions: Optional[Sequence[str]] = None) -> List[Dict[str, object]]:
    """Seconds per training iteration of ``model`` in float32 and mixed precision.

    Args:
        model (nn.Module): A segmentor built from a config (random or loaded weights).
        optim_wrapper_cfg (dict): The config's ``optim_wrapper``.
        shape (Sequence[int]): Crop (height, width).
        batch_size (int): Images per iteration.
        device (str): Torch device.
        warmup (int): Untimed iterations per precision.
        repeat (int): Timed iterations per precision; the median is reported.
        precisions (Sequence[str], optional): Subset of ``('fp32', 'amp')``. Defaults to
            both where the device supports mixed precision (bf16 on a CPU needs AVX512-BF16 or
            AMX), else fp32 only.

    Returns:
        list[dict]: One row per precision: ``precision`` (``fp32``, ``bf16`` or ``fp16``),
        ``seconds_per_iter`` (median), ``seconds_runs``, ``speedup`` (fp32's median over this
        one's).
    """
    is_cuda = torch.device(device).type == 'cuda'
    if precisions is None:
        precisions = PRECISIONS if (is_cuda or cpu_supports_bf16()) else ('fp32', )
    unknown = set(precisions) - set(PRECISIONS)
    if unknown:
        raise ValueError(f'unknown precisions {sorted(unknown)}; choose from {PRECISIONS}')
    model = model.to(device)
    wrappers = {}
    for precision in precisions:
        cfg = (amp_optim_wrapper_cfg(optim_wrapper_cfg, device) if precision == 'amp' else
               ConfigDict(copy.deepcopy(dict(optim_wrapper_cfg))))
        wrappers[precision] = build_optim_wrapper(model, cfg)
    batch = synthetic_training_batch(batch_size, shape)
    seconds = time_training_steps(model, wrappers, batch, warmup, repeat, device)
    amp_name = 'fp16' if is_cuda else 'bf16'
    rows = []
    for precision, runs in seconds.items():
        rows.append(dict(precision=amp_name if precision == 'amp' else 'fp32',
                         seconds_per_iter=statistics.median(runs), seconds_runs=runs))
    reference = rows[0]['seconds_per_iter'] if precisions[0] == 'fp32' else None
    for row in rows:
        row['speedup'] = reference / row['seconds_per_iter'] if reference else None
    return rows


def _logged_training_records(work_dir: str) -> List[List[dict]]:
    """The training iterations that mmengine logged in a work dir: per run (each
    ``<work_dir>/<timestamp>/vis_data/scalars.json``, resumed runs included), the records
    with a ``loss``, one per logging interval."""
    runs = []
    for path in sorted(glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json'))):
        with open(path) as f:
            runs.append([r for r in map(json.loads, filter(str.strip, f)) if 'loss' in r])
    return runs


def logged_seconds_per_iter(work_dir: str) -> Optional[float]:
    """Median seconds per training iteration that mmengine logged in a work dir.

    Reads the ``time`` of every logged training iteration from
    ``<work_dir>/<timestamp>/vis_data/scalars.json`` (all runs, resumed ones included),
    leaving out the first logged interval of each run, which holds the warm-up.

    Args:
        work_dir (str): A ``tools/train.py`` work dir.

    Returns:
        float | None: Seconds, or None when nothing was logged.
    """
    times = []
    for records in _logged_training_records(work_dir):
        times += [r['time'] for r in records if 'time' in r][1:]
    return statistics.median(times) if times else None


def logged_peak_memory_mib(work_dir: str) -> Optional[float]:
    """The most GPU memory that mmengine logged for a training run (CUDA only), in MiB.

    mmengine logs ``memory``, the peak of ``torch.cuda.max_memory_allocated`` over each
    logging interval, in MiB; on a CPU nothing is logged.

    Args:
        work_dir (str): A ``tools/train.py`` work dir.

    Returns:
        float | None: MiB, or None when no memory was logged.
    """
    memory = [r['memory'] for records in _logged_training_records(work_dir) for r in records
              if 'memory' in r]
    return float(max(memory)) if memory else None


def format_training_rows(rows: List[Dict[str, object]]) -> str:
    """A Markdown table of :func:`training_cost`'s rows."""
    lines = ['| precision | s / iteration | speed-up over fp32 |', '| --- | ---: | ---: |']
    for row in rows:
        speedup = f"{row['speedup']:.2f}x" if row['speedup'] else '-'
        lines.append(f"| {row['precision']} | {row['seconds_per_iter']:.3f} | {speedup} |")
    return '\n'.join(lines)


def profile_training_step(model: nn.Module,
                          optim_wrapper_cfg: dict,
                          shape: Sequence[int] = (320, 320),
                          batch_size: int = 4,
                          device: str = 'cpu',
                          precision: str = 'fp32',
                          steps: int = 2,
                          row_limit: int = 15) -> str:
    """The operators that take the most time in training steps, as ``torch.profiler`` sees them.

    Args:
        model (nn.Module): A segmentor.
        optim_wrapper_cfg (dict): The config's ``optim_wrapper``.
        shape (Sequence[int]): Crop (height, width).
        batch_size (int): Crops per step.
        device (str): Torch device.
        precision (str): ``'fp32'`` or ``'amp'``.
        steps (int): Profiled steps (after one untimed step).
        row_limit (int): Operators listed.

    Returns:
        str: The profiler's table, sorted by self time, over ``steps`` steps.
    """
    from torch.profiler import ProfilerActivity, profile

    cfg = (amp_optim_wrapper_cfg(optim_wrapper_cfg, device) if precision == 'amp' else
           ConfigDict(copy.deepcopy(dict(optim_wrapper_cfg))))
    model = model.to(device).train()
    wrapper = build_optim_wrapper(model, cfg)
    batch = synthetic_training_batch(batch_size, shape)
    model.train_step(batch, wrapper)
    activities = [ProfilerActivity.CPU]
    if torch.device(device).type == 'cuda':
        activities.append(ProfilerActivity.CUDA)
    with profile(activities=activities) as prof:
        for _ in range(steps):
            model.train_step(batch, wrapper)
    sort_by = 'self_cuda_time_total' if len(activities) > 1 else 'self_cpu_time_total'
    return prof.key_averages().table(sort_by=sort_by, row_limit=row_limit)
