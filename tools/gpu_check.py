"""One-shot GPU check: R²MRF trains, tests and runs on CUDA; s/iter, memory and latency.

On a CUDA machine, in a few minutes (under 8 on any recent GPU):

1. writes a synthetic set in Shi et al.'s layout (random textures whose left half is
   Gaussian-blurred, masks 255 = blurred) at Shi's image size, 480 x 640;
2. trains the config (default: ResNeXt-101, ``configs/r2mrf/r2mrf_resnext101_shi.py``) for
   ``--iters`` iterations with ``tools/train.py``, in float32 and with ``--amp`` (float16),
   from random weights (no ImageNet file needed: the cost does not depend on the weights);
3. tests the float32 run's last checkpoint with ``tools/test.py`` (full resolution);
4. runs ``tools/benchmark.py --device cuda`` at 480 x 640;
5. prints one Markdown table: seconds per training iteration and peak GPU memory (from the
   training logs), the 6k-iteration time they imply, test seconds per image, inference
   latency and memory.

A step that fails is named in the table with its log, and the check exits with 1; without
CUDA it exits with 2 at once. ``--device cpu`` rehearses the whole check on a CPU (what the
tests do, with a tiny config): its figures are not GPU figures.

Example::

    python tools/gpu_check.py                      # then paste the table into the README
    python tools/gpu_check.py --keep --work-dir work_dirs/gpu_check
"""
import argparse
import json
import os
import os.path as osp
import shutil
import subprocess
import sys
import tempfile
import time
from typing import Dict, List, NamedTuple, Optional, Sequence

import cv2
import numpy as np
import torch

from mmseg_r2mrf.cli import CommandError, run_main

#: Shi et al.'s images are about 640 px on the longer side, most of them 640 x 480 or smaller.
SHI_IMAGE_SIZE = (480, 640)
#: The paper's model, under the configs folder.
DEFAULT_CONFIG = 'r2mrf/r2mrf_resnext101_shi.py'
PAPER_ITERATIONS = 6000
TOOLS = osp.dirname(osp.abspath(__file__))


def write_synthetic_shi(root: str, num_train: int, num_test: int,
                        size: Sequence[int] = SHI_IMAGE_SIZE, seed: int = 0) -> str:
    """Images and masks in Shi et al.'s layout, with a test list.

    Each image is a random texture whose left half is blurred (Gaussian, sigma 4); its mask
    says 255 = blurred, as Shi's do.

    Args:
        root (str): Folder to create: ``image/``, ``gt/``, ``test.txt``.
        num_train (int): Training images.
        num_test (int): Test images (named in ``test.txt``).
        size (Sequence[int]): (height, width).
        seed (int): Seed of the textures.

    Returns:
        str: The test list, for ``ShiDefocusDataset(test_split_file=...)``.
    """
    rng = np.random.default_rng(seed)
    height, width = size
    os.makedirs(osp.join(root, 'image'), exist_ok=True)
    os.makedirs(osp.join(root, 'gt'), exist_ok=True)
    stems = [f'out_of_focus{index:04d}' for index in range(1, num_train + num_test + 1)]
    mask = np.zeros((height, width), np.uint8)
    mask[:, :width // 2] = 255
    for stem in stems:
        # Texture at a quarter of the resolution, enlarged: structure at several scales.
        texture = rng.integers(0, 256, (height // 4, width // 4, 3), dtype=np.uint8)
        image = cv2.resize(texture, (width, height), interpolation=cv2.INTER_CUBIC)
        image = np.where(mask[..., None] > 0, cv2.GaussianBlur(image, (0, 0), 4), image)
        for path, array in ((osp.join(root, 'image', stem + '.jpg'), image),
                            (osp.join(root, 'gt', stem + '.png'), mask)):
            if not cv2.imwrite(path, array):
                raise OSError(f'cannot write {path}')
    test_list = osp.join(root, 'test.txt')
    with open(test_list, 'w') as f:
        f.write(''.join(stem + '\n' for stem in stems[num_train:]))
    return test_list


class Step(NamedTuple):
    """One command of the check.

    Attributes:
        name (str): Short name; its output goes to ``<work_dir>/<name>.log``.
        command (list[str]): The arguments after the Python interpreter.
    """
    name: str
    command: List[str]


def check_steps(config: str, data_root: str, test_list: str, work_dir: str, iters: int,
                device: str, shape: Sequence[int] = SHI_IMAGE_SIZE) -> List[Step]:
    """The commands of the check, in order.

    Args:
        config (str): The config to train, test and benchmark.
        data_root (str): The synthetic set (:func:`write_synthetic_shi`).
        test_list (str): Its test list.
        work_dir (str): Where the runs go: ``train_fp32``, ``train_amp``, ``test``,
            ``benchmark.json``.
        iters (int): Training iterations per precision.
        device (str): ``'cuda'`` (the check) or ``'cpu'`` (a rehearsal).
        shape (Sequence[int]): (height, width) of the benchmark's input.

    Returns:
        list[Step]: ``train_fp32``, ``train_amp``, ``test``, ``benchmark``.
    """
    data = [f'{loader}.dataset.{key}={value}' for loader in ('train_dataloader',
                                                             'test_dataloader')
            for key, value in (('data_root', data_root), ('test_split_file', test_list))]
    train = data + [f'train_cfg.max_iters={iters}', f'default_hooks.checkpoint.interval={iters}',
                    f'default_hooks.logger.interval={max(1, min(10, iters // 5))}',
                    'model.backbone.init_cfg=None']
    steps = [Step(f'train_{precision}', [
        osp.join(TOOLS, 'train.py'), config, '--work-dir', osp.join(work_dir, f'train_{precision}'),
        *(['--amp'] if precision == 'amp' else []), '--cfg-options', *train])
        for precision in ('fp32', 'amp')]
    steps.append(Step('test', [
        osp.join(TOOLS, 'test.py'), config, osp.join(work_dir, 'train_fp32', f'iter_{iters}.pth'),
        '--work-dir', osp.join(work_dir, 'test'), '--cfg-options', *data]))
    steps.append(Step('benchmark', [
        osp.join(TOOLS, 'benchmark.py'), config, '--device', device, '--shape', str(shape[0]),
        str(shape[1]), '--out', osp.join(work_dir, 'benchmark.json')]))
    return steps


def run_step(step: Step, work_dir: str, timeout: float) -> Optional[str]:
    """Run a step with this interpreter, its output to ``<work_dir>/<name>.log``.

    Returns:
        str | None: Why it failed (exit code or timeout, and the log), or None.
    """
    log = osp.join(work_dir, f'{step.name}.log')
    print(f'{step.name}: python {" ".join(step.command)}', flush=True)
    with open(log, 'w') as out:
        try:
            result = subprocess.run([sys.executable, *step.command], stdout=out,
                                    stderr=subprocess.STDOUT, timeout=timeout,
                                    env=dict(os.environ, PYTHONUNBUFFERED='1'))
        except subprocess.TimeoutExpired:
            return f'timed out after {timeout:.0f} s, see {log}'
    return None if result.returncode == 0 else f'exit code {result.returncode}, see {log}'


def read_test_seconds_per_image(test_dir: str) -> Optional[float]:
    """Mean seconds per test iteration (batch 1) in the metrics JSON that tools/test.py logs.

    Args:
        test_dir (str): The ``--work-dir`` of ``tools/test.py``.

    Returns:
        float | None: Seconds per image, None if no test log holds them.
    """
    for log_dir in sorted(os.listdir(test_dir) if osp.isdir(test_dir) else [], reverse=True):
        path = osp.join(test_dir, log_dir, f'{log_dir}.json')
        if osp.isfile(path):
            with open(path) as f:
                return json.load(f).get('time')
    return None


def read_benchmark_whole(path: str) -> Optional[dict]:
    """The ``whole`` row of a ``tools/benchmark.py --out`` file (None if absent)."""
    if not osp.isfile(path):
        return None
    with open(path) as f:
        rows = json.load(f)['rows']
    return next((row for row in rows if row['part'] == 'whole'), None)


def _value(value: Optional[float], fmt: str, failure: Optional[str]) -> str:
    if failure:
        return f'failed ({failure})'
    return '-' if value is None else format(value, fmt)


def check_table(measures: Dict[str, object], failures: Dict[str, str]) -> str:
    """The check's results as one Markdown table.

    Args:
        measures (dict): ``train_fp32``/``train_amp`` (dicts with ``seconds_per_iter`` and
            ``peak_memory_mib``), ``test_seconds_per_image``, ``benchmark`` (the ``whole`` row
            of tools/benchmark.py), ``batch_size``, ``crop``, ``shape``, ``iters``.
        failures (dict): Step name -> why it failed.

    Returns:
        str: The table; a failed step's cells say so.
    """
    train = {p: measures.get(f'train_{p}') or {} for p in ('fp32', 'amp')}
    crop, shape = measures['crop'], measures['shape']
    lines = ['| measure | fp32 | amp (fp16) |', '| --- | ---: | ---: |']

    def train_row(label: str, key: str, fmt: str, scale: float = 1.0) -> None:
        cells = []
        for precision in ('fp32', 'amp'):
            value = train[precision].get(key)
            cells.append(_value(None if value is None else value * scale, fmt,
                                failures.get(f'train_{precision}')))
        lines.append(f'| {label} | ' + ' | '.join(cells) + ' |')

    train_row(f"training, s / iteration ({measures['iters']} iterations, batch "
              f"{measures['batch_size']}, {crop[0]}x{crop[1]} crops)", 'seconds_per_iter', '.3f')
    train_row('training, peak GPU memory (MiB)', 'peak_memory_mib', '.0f')
    train_row(f'{PAPER_ITERATIONS} iterations (the paper\'s schedule), hours',
              'seconds_per_iter', '.2f', PAPER_ITERATIONS / 3600)
    test = _value(measures.get('test_seconds_per_image'), '.3f', failures.get('test'))
    lines.append(f'| tools/test.py, s / image (full resolution, batch 1) | {test} | - |')
    whole = measures.get('benchmark') or {}
    failure = failures.get('benchmark')
    lines.append(f'| inference latency, whole model, {shape[0]}x{shape[1]} (ms, '
                 f"tools/benchmark.py) | {_value(whole.get('latency_ms'), '.1f', failure)} | - |")
    lines.append(f'| inference peak memory beyond the weights (MiB) | '
                 f"{_value(whole.get('peak_memory_mib'), '.0f', failure)} | - |")
    return '\n'.join(lines)


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--config', help=f'config to check (default: configs/{DEFAULT_CONFIG})')
    parser.add_argument('--iters', type=int, default=50,
                        help='training iterations per precision (default: 50)')
    parser.add_argument('--image-size', type=int, nargs=2, default=list(SHI_IMAGE_SIZE),
                        metavar=('H', 'W'), help='synthetic images and benchmark input '
                        '(default: 480 640, Shi\'s size)')
    parser.add_argument('--num-train', type=int, default=16, help='training images (16)')
    parser.add_argument('--num-test', type=int, default=8, help='test images (8)')
    parser.add_argument('--work-dir', help='where data, runs and logs go (default: a temporary '
                        'folder, removed afterwards unless --keep)')
    parser.add_argument('--keep', action='store_true', help='keep the temporary folder')
    parser.add_argument('--device', default='cuda', choices=['cuda', 'cpu'],
                        help="'cuda' (the check); 'cpu' rehearses it, e.g. in tests")
    parser.add_argument('--timeout', type=float, default=300,
                        help='seconds each step may take (default: 300)')
    args = parser.parse_args(argv)
    if args.iters < 1 or args.num_train < 1 or args.num_test < 1:
        parser.error('--iters, --num-train and --num-test must be >= 1')
    return args


def _device_description(device: str) -> str:
    if device == 'cuda':
        return (f'{torch.cuda.get_device_name(0)}, torch {torch.__version__}, '
                f'CUDA {torch.version.cuda}')
    return f'CPU rehearsal (not GPU figures), torch {torch.__version__}'


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = parse_args(argv)
    if args.device == 'cuda' and not torch.cuda.is_available():
        raise CommandError(f'CUDA is not available (torch {torch.__version__}, built for CUDA '
                           f'{torch.version.cuda or "none"}): this check needs an NVIDIA GPU '
                           'and its driver')
    from mmengine.config import Config

    from mmseg_r2mrf.utils import mim_path
    args.config = args.config or osp.join(mim_path('configs'), DEFAULT_CONFIG)
    cfg = Config.fromfile(args.config)
    started = time.time()
    work_dir = args.work_dir or tempfile.mkdtemp(prefix='gpu_check_')
    os.makedirs(work_dir, exist_ok=True)
    try:
        data_root = osp.join(work_dir, 'data')
        test_list = write_synthetic_shi(data_root, args.num_train, args.num_test,
                                        args.image_size)
        failures: Dict[str, str] = {}
        for step in check_steps(args.config, data_root, test_list, work_dir, args.iters,
                                args.device, args.image_size):
            if step.name == 'test' and 'train_fp32' in failures:
                failures[step.name] = 'no checkpoint: train_fp32 failed'
                continue
            failure = run_step(step, work_dir, args.timeout)
            if failure:
                failures[step.name] = failure
        table = check_table(measure(work_dir, cfg, args), failures)
        print(f'\nGPU check of {args.config}: {_device_description(args.device)}; '
              f'{(time.time() - started) / 60:.1f} minutes\n\n{table}')
        return 1 if failures else 0
    finally:
        if not (args.work_dir or args.keep):
            shutil.rmtree(work_dir, ignore_errors=True)
        elif args.keep:
            print(f'\nkept {work_dir}')


def measure(work_dir: str, cfg, args: argparse.Namespace) -> Dict[str, object]:
    """Read the figures that the steps left in ``work_dir`` (see :func:`check_table`)."""
    from mmseg_r2mrf.analysis import logged_peak_memory_mib, logged_seconds_per_iter
    measures: Dict[str, object] = dict(
        iters=args.iters, shape=args.image_size, batch_size=cfg.train_dataloader.batch_size,
        crop=cfg.get('crop_size', ('?', '?')),
        test_seconds_per_image=read_test_seconds_per_image(osp.join(work_dir, 'test')),
        benchmark=read_benchmark_whole(osp.join(work_dir, 'benchmark.json')))
    for precision in ('fp32', 'amp'):
        run_dir = osp.join(work_dir, f'train_{precision}')
        measures[f'train_{precision}'] = dict(
            seconds_per_iter=logged_seconds_per_iter(run_dir),
            peak_memory_mib=logged_peak_memory_mib(run_dir))
    return measures


if __name__ == '__main__':
    sys.exit(run_main(main))
