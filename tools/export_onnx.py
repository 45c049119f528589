"""Export a defocus detector to ONNX: preprocessing included, blur probability out.

Two forms::

    python tools/export_onnx.py CONFIG CHECKPOINT OUT.onnx
    python tools/export_onnx.py OUT.onnx [--pretrained NAME]   # a released model (default: newest)

The graph takes ``image``, ``(1, H, W, 3)`` uint8 in BGR order (as OpenCV reads a file), of any
height and width (at least 32), and gives ``blur_probability`` ``(1, 1, H, W)`` in [0, 1]
(1 = blurred) and ``blur_logit``, at the input's resolution. Its metadata holds the working
resolution for large photographs (``train_long_side``) and how to decode files
(``color_type``), which ``mmseg_r2mrf_onnx.OnnxDefocusDetector`` and ``tools/infer.py --onnx``
read.

Before it reports success, the file is checked with ``onnx.checker`` and run with ONNX Runtime
on random images of three sizes against PyTorch; the largest difference is printed and must be
at most 1e-4. An existing OUT.onnx is kept unless ``--force``; a failed export leaves nothing.

Exit status: 0 written; 2 a bad argument or input (nothing written); 1 the export failed its
checks (nothing written).
"""
import argparse
import os.path as osp
import pickle
import sys

import mmseg_r2mrf  # noqa: F401  (compatibility layer first, then the registries)
from mmseg_r2mrf.apis import DefocusDetector
from mmseg_r2mrf.cli import CommandError, StepFailed, run_main
from mmseg_r2mrf.deploy import DEFAULT_OPSET, OnnxExportError, export_detector
from mmseg_r2mrf.pretrained import ReleaseIntegrityError, ReleaseNotFoundError


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Export a defocus detector to ONNX')
    parser.add_argument('paths', nargs='+', metavar='[CONFIG CHECKPOINT] OUT.onnx',
                        help='a .py config and its checkpoint, then the file to write; or only '
                        'the file, for a released model')
    parser.add_argument('--pretrained', metavar='NAME',
                        help='the release to export without CONFIG CHECKPOINT (default: newest)')
    parser.add_argument('--opset', type=int, default=DEFAULT_OPSET,
                        help=f'ONNX opset (default {DEFAULT_OPSET})')
    parser.add_argument('--long-side', type=int, default=None,
                        help="working resolution stored in the file (default: the config's "
                        'train_long_side)')
    parser.add_argument('--allow-partial', action='store_true',
                        help='export a checkpoint that fits the config only partly')
    parser.add_argument('--force', action='store_true', help='replace an existing OUT.onnx')
    args = parser.parse_args(argv)
    if len(args.paths) == 3:
        args.config, args.checkpoint, args.out = args.paths
        if not args.config.endswith('.py'):
            parser.error(f'the first of three arguments must be a .py config, got {args.config}')
        if args.pretrained:
            parser.error('--pretrained is for the form without CONFIG CHECKPOINT')
    elif len(args.paths) == 1:
        args.config = args.checkpoint = None
        args.out = args.paths[0]
    else:
        parser.error('expected CONFIG CHECKPOINT OUT.onnx, or OUT.onnx alone for a released '
                     f'model; got {len(args.paths)} arguments')
    if not args.out.endswith('.onnx'):
        parser.error(f'the output must end with .onnx, got {args.out}')
    if osp.exists(args.out) and not args.force:
        parser.error(f'{args.out} exists; pass --force to replace it')
    if args.long_side is not None and args.long_side < 32:
        parser.error('--long-side must be at least 32 pixels')
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    options = dict(long_side=args.long_side, allow_partial=args.allow_partial)
    try:
        if args.config is None:
            detector = DefocusDetector.from_pretrained(args.pretrained, **options)
        else:
            detector = DefocusDetector(args.config, args.checkpoint, **options)
    except (FileNotFoundError, ValueError, pickle.UnpicklingError, ReleaseNotFoundError,
            ReleaseIntegrityError) as error:
        raise CommandError(str(error)) from None
    try:
        report = export_detector(detector, args.out, opset=args.opset)
    except OnnxExportError as error:
        raise StepFailed(f'{error}; nothing written') from None
    sizes = ', '.join(f'{size} {diff:.2e}' for size, diff in
                      report['max_abs_diff_by_size'].items())
    print(f'Wrote {args.out} (opset {args.opset}). ONNX Runtime vs PyTorch, largest '
          f'|p_onnx - p_torch|: {report["max_abs_diff"]:.2e} ({sizes})')
    return 0


if __name__ == '__main__':
    sys.exit(run_main(main))
