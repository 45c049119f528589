"""AMDF: the aggregated multi-level deep features of R²MRF (Tang et al., AAAI 2020), Eq. 1."""
from typing import List, Sequence, Tuple

import torch
from mmcv.cnn import ConvModule
from mmengine.model import BaseModule
from torch import Tensor, nn

from mmseg.registry import MODELS
from mmseg.utils import ConfigType, OptConfigType

from ..utils import resize_to


@MODELS.register_module()
class AMDF(BaseModule):
    """Aggregates N >= 2 backbone levels into one map: Eq. 1,
    ``AMDF = ReLU(W * Cat(F_1, F_2^up, ..., F_N^up) + b)``.

    Each level is first projected by a 1x1 ConvModule to ``level_channels`` at its own
    resolution; the concatenation of the projections, enlarged to the resolution of level
    ``out_level`` (level 1 in the paper), goes through Eq. 1's convolution and ReLU.
    Why project first (our decision): a 1x1 convolution commutes with bilinear enlargement,
    so projecting before enlarging is cheap, whereas Eq. 1 applied to ResNeXt-101's raw
    3,904 concatenated channels at stride 4 would cost, for 32 output channels at 320x320,
    0.8 GMACs with a 1x1 kernel and 7.2 GMACs with a 3x3 one (the backbone: 16.3). The
    projections are also the per-level features ``F_l`` that the branches of R2MRFHead read
    at their first step (Eqs. 2-3), so they are returned too.

    Args:
        in_channels (Sequence[int]): Channels of each input level, finest first.
        level_channels (int | Sequence[int]): Channels of each projected level (one value
            for all or one per level). Defaults to 32.
        out_channels (int): Channels of the aggregated map. Defaults to 32.
        out_level (int): Index of the level whose resolution the aggregated map takes.
            Defaults to 0 (the paper's F1).
        kernel_size (int): Kernel size of Eq. 1's convolution. Defaults to 3.
        conv_cfg (dict, optional): Convolution config. Defaults to None.
        norm_cfg (dict, optional): Normalisation config. Defaults to None.
        act_cfg (dict): Activation (Eq. 1's sigma). Defaults to ``dict(type='ReLU')``.
        align_corners (bool): ``align_corners`` of the bilinear enlargement.
            Defaults to False.
        init_cfg (dict, optional): Initialisation config. Defaults to None.

    Shapes:
        - Input: N tensors (B, in_channels[i], H_i, W_i).
        - Output: tuple of N + 1 tensors: the projected levels (B, level_channels[i], H_i,
          W_i), then the aggregated map (B, out_channels, H_{out_level}, W_{out_level}).
    """

    def __init__(self,
                 in_channels: Sequence[int],
                 level_channels: int | Sequence[int] = 32,
                 out_channels: int = 32,
                 out_level: int = 0,
                 kernel_size: int = 3,
                 conv_cfg: OptConfigType = None,
                 norm_cfg: OptConfigType = None,
                 act_cfg: ConfigType = dict(type='ReLU'),
                 align_corners: bool = False,
                 init_cfg: OptConfigType = None) -> None:
        super().__init__(init_cfg)
        if len(in_channels) < 2:
            raise ValueError(f'AMDF aggregates at least 2 levels, got in_channels={in_channels}')
        num_levels = len(in_channels)
        if isinstance(level_channels, int):
            level_channels = [level_channels] * num_levels
        if len(level_channels) != num_levels:
            raise ValueError(f'AMDF: level_channels {level_channels} must have one value per '
                             f'level of in_channels {in_channels}')
        if not 0 <= out_level < num_levels:
            raise ValueError(f'AMDF: out_level={out_level} must index one of the '
                             f'{num_levels} levels')
        self.in_channels = list(in_channels)
        self.level_channels = list(level_channels)
        self.out_channels = out_channels
        self.out_level = out_level
        self.align_corners = align_corners

        self.lateral_convs = nn.ModuleList(
            ConvModule(cin, cout, 1, conv_cfg=conv_cfg, norm_cfg=norm_cfg, act_cfg=act_cfg)
            for cin, cout in zip(self.in_channels, self.level_channels))
        self.aggregate = ConvModule(
            sum(self.level_channels), out_channels, kernel_size, padding=kernel_size // 2,
            conv_cfg=conv_cfg, norm_cfg=norm_cfg, act_cfg=act_cfg)

    def forward(self, inputs: Sequence[Tensor]) -> Tuple[Tensor, ...]:
        """Projects every level and aggregates them (Eq. 1).

        Args:
            inputs (Sequence[Tensor]): The N backbone levels, finest first.

        Returns:
            tuple[Tensor]: The N projected levels, then the aggregated map.
        """
        if len(inputs) != len(self.in_channels):
            raise ValueError(f'AMDF was built for {len(self.in_channels)} levels, '
                             f'got {len(inputs)}')
        levels: List[Tensor] = [conv(x) for conv, x in zip(self.lateral_convs, inputs)]
        size = levels[self.out_level].shape[-2:]
        aggregated = self.aggregate(
            torch.cat([resize_to(x, size, self.align_corners) for x in levels], dim=1))
        return (*levels, aggregated)
