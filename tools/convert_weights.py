"""Convert torchvision ImageNet checkpoints into the key layout of the project's backbones.

Supported ``state_dict`` files (as torchvision saves and downloads them):

* ResNet / ResNeXt (``resnet18..152``, ``resnext50_32x4d``, ``resnext101_32x8d``, ...) ->
  mmseg ``ResNet`` / ``ResNeXt`` with ``deep_stem=False`` and ``style='pytorch'``. torchvision
  and mmseg name these layers alike, so such a file also loads as it is (``fc.*`` unused); the
  conversion only leaves out ``fc.*``, and its use is the check: an unknown layout is refused
  and the printed config has the file's depth, groups and width.
* VGG (``vgg11..19`` and their ``_bn`` variants) -> mmpretrain ``VGG`` (``features.N`` of
  torchvision, counting ReLUs, become the ``ConvModule`` index of mmpretrain).
* DenseNet (``densenet121/161/169/201``, including the old ``norm.1``-style key names of the
  files torchvision downloads) -> mmpretrain ``DenseNet``.

The ImageNet classifier is always left out (by name). The output is a checkpoint
``{'state_dict': ..., 'meta': ...}`` that ``init_cfg=dict(type='Pretrained', checkpoint=OUT)``
of the backbone loads; the tool prints that backbone config.

OpenMMLab's own checkpoints (mmseg / mmpretrain backbones, or whole models with a ``backbone.``
prefix) need no conversion: load them with ``init_cfg=dict(type='Pretrained', checkpoint=...,
prefix='backbone.')`` (the prefix only for whole-model checkpoints). The tool recognises them and
says so instead of converting.

The conversion itself is :mod:`mmseg_r2mrf.models.backbones.weight_conversion`. Exit status:
0 converted; 2 a bad argument or file (message on stderr, nothing written).

Example::

    python tools/convert_weights.py resnext101_32x8d-8ba56ff5.pth pretrain/resnext101_32x8d.pth
"""
import argparse
import os
import os.path as osp
import sys

import torch

import mmseg_r2mrf  # noqa: F401  (compatibility layer first, then mmseg and mmpretrain)
from mmseg_r2mrf.cli import CommandError, run_main
from mmseg_r2mrf.models.backbones.weight_conversion import ConversionError, convert
from mmseg_r2mrf.utils import atomic_write


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Convert a torchvision ResNet/ResNeXt, VGG or DenseNet state_dict into '
        'the key layout of mmseg ResNet/ResNeXt or mmpretrain VGG/DenseNet. OpenMMLab '
        'checkpoints need no conversion.')
    parser.add_argument('src', help='torchvision state_dict file (.pth)')
    parser.add_argument('dst', help='output checkpoint file')
    parser.add_argument('--force', action='store_true', help='overwrite an existing dst')
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    if not osp.isfile(args.src):
        raise CommandError(f'{args.src}: no such file')
    if osp.exists(args.dst) and not args.force:
        raise CommandError(f'{args.dst} exists; pass --force to overwrite it')
    try:
        # Plain tensors only: a pickled model object is refused, nothing in it is run.
        state_dict = torch.load(args.src, map_location='cpu', weights_only=True)
    except Exception as error:  # noqa: BLE001  (torch raises several types here)
        first_line = str(error).splitlines()[0] if str(error) else ''
        raise CommandError(f'{args.src}: cannot be read as a state_dict '
                           f'({type(error).__name__}: {first_line}). Save the model with '
                           'torch.save(model.state_dict(), path).') from None
    if isinstance(state_dict, dict) and isinstance(state_dict.get('state_dict'), dict):
        state_dict = state_dict['state_dict']
    if not isinstance(state_dict, dict) or not all(
            isinstance(v, torch.Tensor) for v in state_dict.values()):
        raise CommandError(f'{args.src}: not a state_dict of tensors')
    try:
        converted, backbone, family = convert(state_dict)
    except ConversionError as error:
        raise CommandError(f'{args.src}: {error}') from None
    out_dir = osp.dirname(osp.abspath(args.dst))
    os.makedirs(out_dir, exist_ok=True)
    meta = dict(source=osp.basename(args.src), family=family, converter='convert_weights.py')
    with atomic_write(args.dst) as tmp_path:
        torch.save({'state_dict': converted, 'meta': meta}, tmp_path)
    backbone['init_cfg'] = dict(type='Pretrained', checkpoint=args.dst)
    print(f'{args.src} ({family}): {len(converted)} tensors -> {args.dst} '
          f'(left out: {len(state_dict) - len(converted)} classifier tensors)')
    print(f'backbone config: {backbone}')
    return 0


if __name__ == '__main__':
    sys.exit(run_main(main))
