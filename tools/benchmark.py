"""Cost of a segmentor: inference part by part, and (``--train``) seconds per training iteration.

Inference rows (``mmseg_r2mrf.analysis.inference_cost``): the backbone, the neck + decode head
and the whole model, side by side in one process on random input of ``--shape``: parameters,
MACs, median latency per image and peak memory.

Photograph rows (``--photo H W``, ``mmseg_r2mrf.analysis.photo_cost``): seconds and peak tensor
memory of ``DefocusDetector.predict`` on a JPEG photograph of that size (decoding included),
at the working resolution (``resize``, the default strategy) and with full-resolution sliding
windows (``slide``), interleaved; random weights.

Training rows (``--train``, ``mmseg_r2mrf.analysis.training_cost``): seconds per iteration
(data preprocessing, forward, every loss term, backward, optimizer step with the config's
``optim_wrapper``) at ``--train-batch-size`` crops of ``--shape``, float32 and mixed precision
(bf16 autocast on a CPU with AVX512-BF16/AMX, fp16 on CUDA) interleaved in one process.
``--profile`` adds the top operators of a training step per precision (``torch.profiler``).

ONNX Runtime rows (``--onnx MODEL.onnx``, ``mmseg_r2mrf.analysis.runtime_comparison``): the
latency of one uint8 image to blur probability (preprocessing included) in PyTorch and in ONNX
Runtime, interleaved, with the same ``--threads``; the file is one of ``tools/export_onnx.py``
for the same architecture. The costs do not depend on the weights, so the model has its random
initial ones unless ``--checkpoint FILE`` loads the exported ones (weights only, checked to fit
the config): then the table's ``max abs diff`` column is also a parity check of the file.

Example::

    python tools/benchmark.py configs/r2mrf/r2mrf_resnext101_shi.py --shape 320 320
    python tools/benchmark.py configs/r2mrf/r2mrf_effnetlite0_synthetic.py --train --threads 2
    python tools/benchmark.py CONFIG --device cuda --repeat 50 --out cost.json
    python tools/benchmark.py CONFIG --onnx model.onnx --shape 768 1024 --threads 2
    python tools/benchmark.py CONFIG --checkpoint CKPT --onnx model.onnx   # with parity
    python tools/benchmark.py CONFIG --photo 3000 4000 --threads 2   # a 12-megapixel photo
"""
import argparse
import json
import os
import os.path as osp
import pickle
import sys
import tempfile
from typing import Dict, Optional, Sequence

import torch
from mmengine.config import DictAction

import mmseg_r2mrf  # noqa: F401  (compatibility layer first, then the registries)
from mmseg_r2mrf.analysis import (
    format_inference_rows,
    format_photo_rows,
    format_runtime_rows,
    format_training_rows,
    inference_cost,
    photo_cost,
    profile_training_step,
    random_weights_detector,
    runtime_latency,
    training_cost,
)
from mmseg_r2mrf.apis import DefocusDetector
from mmseg_r2mrf.cli import CommandError, run_main

from mmseg.apis import init_model


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Params, MACs, latency and peak memory of a '
                                     'segmentor (backbone, neck + head, whole model), and with '
                                     '--train seconds per training iteration')
    parser.add_argument('config', help='config file')
    parser.add_argument('--checkpoint', metavar='FILE',
                        help='weights to time instead of the random initial ones (the costs do '
                        'not depend on them; with --onnx the diff column becomes a parity check)')
    parser.add_argument('--shape', type=int, nargs='+', default=[320, 320],
                        help='input size: H W (or one number for a square); default 320 320')
    parser.add_argument('--batch-size', type=int, default=1, help='images per forward pass')
    parser.add_argument('--device', default='cpu',
                        help="'cpu', 'cuda' or 'cuda:N'; default cpu")
    parser.add_argument('--warmup', type=int, default=3, help='untimed runs first; default 3')
    parser.add_argument('--repeat', type=int, default=10,
                        help='timed runs; the median is reported; default 10')
    parser.add_argument('--threads', type=int, default=None,
                        help='torch CPU threads (default: torch\'s own choice)')
    parser.add_argument('--train', action='store_true',
                        help='also time training iterations, float32 and mixed precision')
    parser.add_argument('--train-batch-size', type=int, default=None,
                        help="crops per training iteration (default: the config's "
                        'train_dataloader.batch_size, else 4)')
    parser.add_argument('--train-repeat', type=int, default=5,
                        help='timed training iterations per precision; default 5 (after 2 '
                        'untimed ones)')
    parser.add_argument('--precision', nargs='+', choices=['fp32', 'amp'], default=None,
                        help='precisions to train with (default: fp32 and amp where the device '
                        'supports it)')
    parser.add_argument('--profile', action='store_true',
                        help='with --train: print the top operators of a training step')
    parser.add_argument('--onnx', metavar='MODEL.onnx',
                        help='also time this export of the same architecture (tools/'
                        'export_onnx.py) in ONNX Runtime against PyTorch, CPU only')
    parser.add_argument('--photo', type=int, nargs=2, metavar=('H', 'W'),
                        help='also time DefocusDetector.predict on a JPEG photograph of H x W '
                        'pixels, working resolution and sliding windows (CPU)')
    parser.add_argument('--photo-modes', nargs='+', choices=['resize', 'slide'],
                        default=['resize', 'slide'],
                        help='large-image strategies for --photo (default both)')
    parser.add_argument('--out', help='also write the rows to this JSON file')
    parser.add_argument('--force', '--overwrite', dest='force', action='store_true',
                        help='allow --out to replace a file (--overwrite: its former name)')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override settings of the config, key=value pairs')
    args = parser.parse_args(argv)
    if len(args.shape) == 1:
        args.shape = args.shape * 2
    if len(args.shape) != 2 or min(args.shape) < 1:
        parser.error(f'--shape takes H W (or one size), got {args.shape}')
    if args.batch_size < 1 or args.repeat < 1 or args.warmup < 0 or args.train_repeat < 1:
        parser.error('--batch-size, --repeat and --train-repeat must be >= 1 and --warmup >= 0')
    if args.train_batch_size is not None and args.train_batch_size < 1:
        parser.error('--train-batch-size must be >= 1')
    if args.device.startswith('cuda') and not torch.cuda.is_available():
        parser.error(f'--device {args.device}: CUDA is not available on this machine')
    if args.photo and args.device != 'cpu':
        parser.error('--photo times the CPU detector; leave --device at cpu')
    if args.photo and min(args.photo) < 32:
        parser.error(f'--photo takes H W of at least 32 pixels, got {args.photo}')
    if args.checkpoint and not osp.isfile(args.checkpoint):
        parser.error(f'--checkpoint {args.checkpoint}: no such file')
    if args.onnx and not osp.isfile(args.onnx):
        parser.error(f'--onnx {args.onnx}: no such file')
    if args.onnx and args.device != 'cpu':
        parser.error('--onnx compares the runtimes on the CPU only; leave --device at cpu')
    if args.out and osp.exists(args.out) and not args.force:
        parser.error(f'--out {args.out} exists; pass --force to replace it')
    return args


def _device_name(device: str) -> str:
    if device.startswith('cuda'):
        return f'{device} ({torch.cuda.get_device_name(torch.device(device))})'
    return f'{device} ({torch.get_num_threads()} threads)'


def main(argv: Optional[Sequence[str]] = None) -> Dict[str, object]:
    args = parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    # Random weights unless --checkpoint (the costs do not depend on them).
    try:
        if args.checkpoint:
            segmentor = DefocusDetector(args.config, args.checkpoint, device=args.device,
                                        cfg_options=args.cfg_options).model
        else:
            segmentor = init_model(args.config, device=args.device,
                                   cfg_options=args.cfg_options)
    except (FileNotFoundError, ValueError, pickle.UnpicklingError) as error:
        # ValueError: weights that do not fit the config; UnpicklingError: an unsafe file.
        raise CommandError(str(error)) from None
    rows = inference_cost(segmentor, args.shape, args.batch_size, args.device, args.warmup,
                          args.repeat)
    device = _device_name(args.device)
    print(f'{args.config}: input {args.batch_size}x3x{args.shape[0]}x{args.shape[1]}, '
          f'{device}, median of {args.repeat} runs after {args.warmup} warm-up runs')
    print(format_inference_rows(rows))
    result = dict(config=args.config, checkpoint=args.checkpoint, shape=list(args.shape),
                  batch_size=args.batch_size, device=device, rows=rows)

    if args.onnx:
        onnx_rows = runtime_latency(segmentor, args.onnx, args.shape, args.warmup, args.repeat,
                                    threads=args.threads)
        print(f'\nImage to blur probability (preprocessing included), 1x{args.shape[0]}x'
              f'{args.shape[1]} uint8, {args.onnx}, median of {args.repeat} interleaved runs')
        print(format_runtime_rows(onnx_rows))
        result.update(onnx=args.onnx, onnx_rows=onnx_rows)

    if args.photo:
        with tempfile.TemporaryDirectory(prefix='benchmark_') as folder:
            detector = DefocusDetector(args.config, args.checkpoint,
                                       cfg_options=args.cfg_options) if args.checkpoint \
                else random_weights_detector(args.config, folder, cfg_options=args.cfg_options)
            photo_rows = photo_cost(detector, args.photo, args.photo_modes, args.repeat,
                                    min(args.warmup, 1))
        print(f'\nOne {args.photo[0]}x{args.photo[1]} JPEG photograph '
              f'({args.photo[0] * args.photo[1] / 1e6:.1f} MP) to its blur map, decoding '
              f'included, {device}, median of {args.repeat} interleaved runs; working '
              f'resolution {detector.long_side} px')
        print(format_photo_rows(photo_rows))
        result.update(photo=list(args.photo), photo_rows=photo_rows)

    if args.train:
        cfg = segmentor.cfg
        batch_size = args.train_batch_size or cfg.get('train_dataloader', {}).get(
            'batch_size', 4)
        trainee = init_model(args.config, device=args.device, cfg_options=args.cfg_options)
        train_rows = training_cost(trainee, cfg.optim_wrapper, args.shape, batch_size,
                                   args.device, repeat=args.train_repeat,
                                   precisions=args.precision)
        print(f'\nTraining: {batch_size} crops of {args.shape[0]}x{args.shape[1]} per '
              f'iteration, {device}, median of {args.train_repeat} iterations per precision '
              'after 2 untimed ones, interleaved')
        print(format_training_rows(train_rows))
        result.update(train_batch_size=batch_size, train_rows=train_rows)
        if args.profile:
            for precision in (args.precision or [r['precision'] for r in train_rows]):
                precision = 'amp' if precision in ('bf16', 'fp16') else precision
                print(f'\nTop operators of a training step ({precision}):')
                print(profile_training_step(trainee, cfg.optim_wrapper, args.shape, batch_size,
                                            args.device, precision))

    if args.out:
        os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
        with open(args.out, 'w') as f:
            json.dump(result, f, indent=2)
    return result


if __name__ == '__main__':
    sys.exit(run_main(main))
