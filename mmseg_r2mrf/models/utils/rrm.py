"""RRM: the residual refinement module of R²MRF (Tang et al., AAAI 2020), Eqs. 2-4, Fig. 3."""
from typing import Optional, Sequence

import torch
from mmcv.cnn import ConvModule
from mmengine.model import BaseModule
from torch import Tensor, nn

from mmseg.registry import MODELS
from mmseg.utils import ConfigType, OptConfigType


@MODELS.register_module()
class RRM(BaseModule):
    """One residual refinement step: ``O_t = O_{t-1} + F(x)`` (Eq. 4).

    ``F`` is the dual path of Fig. 3. The paper only says that the two paths use different
    kernel sizes and share information; we follow the multi-scale residual block pattern
    (our decision, see the project notes): two parallel first-stage convolutions with kernel
    sizes ``k1`` and ``k2`` on ``x``; each second-stage convolution (again ``k1`` and ``k2``)
    reads the concatenation of *both* first-stage outputs, which is where the paths share
    information; a 1x1 convolution fuses the two second-stage outputs, and a 1x1 convolution
    predicts the residual map ``R_t`` with ``out_channels`` channels (one logit for defocus
    blur detection, one per class otherwise).

    The caller builds ``x``: in R2MRFHead it is ``Cat(O_{t-1}, O_t^{l+1}, AMDF)`` (Eqs. 2-3).
    The module is independent of that head and can refine any prediction in another head.

    Args:
        in_channels (int): Channels of ``x``.
        channels (int): Width of each path. Defaults to 32.
        out_channels (int): Channels of the residual and of the prediction. Defaults to 1.
        kernel_sizes (Sequence[int]): Kernel sizes of the two paths. Defaults to (3, 5).
        residual (bool): ``True``: return ``prev + F(x)`` (Eq. 4). ``False``: return
            ``F(x)``, the paper's R²MRF_no_RRM ablation that refines the side output
            directly. Defaults to True.
        conv_cfg (dict, optional): Convolution config. Defaults to None.
        norm_cfg (dict, optional): Normalisation config of the hidden convolutions.
            Defaults to None.
        act_cfg (dict): Activation of the hidden convolutions (the paper's "convolution and
            ReLU operations"). Defaults to ``dict(type='ReLU')``.
        init_cfg (dict, optional): Initialisation config. Defaults to None.
    """

    def __init__(self,
                 in_channels: int,
                 channels: int = 32,
                 out_channels: int = 1,
                 kernel_sizes: Sequence[int] = (3, 5),
                 residual: bool = True,
                 conv_cfg: OptConfigType = None,
                 norm_cfg: OptConfigType = None,
                 act_cfg: ConfigType = dict(type='ReLU'),
                 init_cfg: OptConfigType = None) -> None:
        super().__init__(init_cfg)
        if len(kernel_sizes) != 2 or any(k < 1 or k % 2 == 0 for k in kernel_sizes):
            raise ValueError('RRM: kernel_sizes must be two odd sizes (one per path), '
                             f'got {kernel_sizes}')
        self.in_channels = in_channels
        self.channels = channels
        self.out_channels = out_channels
        self.kernel_sizes = tuple(kernel_sizes)
        self.residual = residual

        def conv(cin: int, cout: int, k: int) -> ConvModule:
            return ConvModule(cin, cout, k, padding=k // 2, conv_cfg=conv_cfg,
                              norm_cfg=norm_cfg, act_cfg=act_cfg)

        k1, k2 = self.kernel_sizes
        self.path1_stage1 = conv(in_channels, channels, k1)
        self.path2_stage1 = conv(in_channels, channels, k2)
        self.path1_stage2 = conv(2 * channels, channels, k1)
        self.path2_stage2 = conv(2 * channels, channels, k2)
        self.fuse = conv(2 * channels, channels, 1)
        self.conv_residual = nn.Conv2d(channels, out_channels, kernel_size=1)

    def residual_map(self, x: Tensor) -> Tensor:
        """The mapping ``F`` of Eqs. 2-3: the residual ``R_t`` (or, without residual
        learning, the new prediction itself).

        Args:
            x (Tensor): Input of shape (N, in_channels, H, W).

        Returns:
            Tensor: Map of shape (N, out_channels, H, W).
        """
        s1 = self.path1_stage1(x)
        p1 = self.path2_stage1(x)
        shared = torch.cat([s1, p1], dim=1)
        s2 = self.path1_stage2(shared)
        p2 = self.path2_stage2(shared)
        return self.conv_residual(self.fuse(torch.cat([s2, p2], dim=1)))

    def forward(self, x: Tensor, prev: Optional[Tensor] = None) -> Tensor:
        """Refines ``prev`` (Eq. 4).

        Args:
            x (Tensor): Input of shape (N, in_channels, H, W).
            prev (Tensor, optional): Previous prediction ``O_{t-1}`` of shape
                (N, out_channels, H, W). Required when ``residual`` is True; ignored
                otherwise.

        Returns:
            Tensor: The refined prediction ``O_t`` of shape (N, out_channels, H, W).
        """
        refined = self.residual_map(x)
        if not self.residual:
            return refined
        if prev is None:
            raise ValueError('RRM with residual=True needs the previous prediction `prev`')
        return prev + refined
