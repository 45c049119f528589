"""R2MRFHead: recurrent residual refinement branches with deep supervision (R²MRF, Eqs. 2-7)."""
from typing import Dict, List, Optional, Sequence, Tuple, Union

import torch
from torch import Tensor, nn

from mmseg.models.decode_heads.decode_head import BaseDecodeHead
from mmseg.models.losses import CrossEntropyLoss
from mmseg.models.utils import resize
from mmseg.registry import MODELS
from mmseg.utils import ConfigType, OptConfigType, SampleList, add_prefix

from ..losses import BoundaryWeightedBCELoss
from ..utils import RRM, resize_to

# Train-mode output of the head: the fused map and, per level, the side output of every step.
SideOutputs = Tuple[Tensor, List[List[Tensor]]]
LossWeight = Union[float, Sequence[Union[float, Sequence[float]]]]


@MODELS.register_module()
class R2MRFHead(BaseDecodeHead):
    """The refinement branches and the fusion of R²MRF (Tang et al., AAAI 2020).

    Inputs (from the :class:`~mmseg_r2mrf.models.necks.AMDF` neck): N >= 2 per-level
    feature maps ``F_1..F_N`` (finest first), then the aggregated map ``AMDF`` (last).

    One branch per level. Branch ``l`` starts from ``O_0^l``, a 1x1 convolution of ``F_l``,
    and refines it for ``num_steps`` (T) steps, each with its own :class:`RRM`. At step
    ``t`` the levels run from the coarsest to the finest, so that the output of level
    ``l + 1`` at the same step is passed down (Eqs. 2-4)::

        R_t^l = F(Cat(X, O_t^{l+1}, AMDF)),  X = F_l if t = 1 else O_{t-1}^l
        O_t^l = O_{t-1}^l + R_t^l

    (the coarsest level has no ``O_t^{l+1}``). Our reading of the paper, where it is
    ambiguous: Eqs. 2-3 write ``F_1`` for the first-step input of every branch; we read it as
    the branch's own features ``F_l``, and ``O_0^l`` as a 1x1-convolution prediction from
    them (as the authors' lineage, BR²Net, does).

    Fusion (Eq. 5): a 1x1 convolution on ``Cat(O_T^1, ..., O_T^N)`` enlarged to the finest
    branch's resolution. Deviation from Eq. 5, on purpose: the paper puts a ReLU on the
    fused map, but the map is a logit, and a ReLU would clamp every probability at >= 0.5;
    the fusion is a plain 1x1 convolution, initialised to average the side outputs.

    Resolution of each branch (``branch_resolution``), the main cost lever: ``'level'``
    (default) runs branch ``l`` at the resolution of ``F_l``, never finer than the AMDF (the
    AMDF is area-averaged down to it); ``'amdf'`` runs every branch at the AMDF's
    resolution: for five ResNeXt levels (strides 4, 4, 8, 16, 32), 2.1x as many RRM pixels.

    Outputs: with ``out_channels=1`` (default for defocus blur detection) every map is one
    logit channel, trained with ``CrossEntropyLoss(use_sigmoid=True)``; with
    ``num_classes > 2`` every map has one logit per class, trained with softmax
    cross-entropy, and the residuals are added per class. In train mode :meth:`forward`
    returns the fused map and every side output; in eval mode only the test output
    (``test_output``: the fused map, or the last step of one branch for the paper's
    R²MRF_O1..O5 ablation). ``EncoderDecoder.predict`` turns it into probabilities (sigmoid
    for one channel) at the input size.

    Loss (Eq. 7): ``fuse_loss_weight * L_f + sum_l sum_t side_loss_weight[l][t] * L_t^l``,
    every weight 1 by default. Each term is reported under its own prefix
    (``fuse.loss_ce``, ``level1_step1.loss_ce``, ...) and mmseg sums every key that contains
    ``'loss'``: for T = 6 and five levels, 31 terms.

    Args:
        in_channels (Sequence[int]): Channels of the N levels, then of the AMDF.
        channels (int): Width of each RRM path. Defaults to 16, which keeps a margin on
            the cost goal (neck + head no dearer than the backbone): with ResNeXt-101 32x4d
            at 320x320 the neck and head cost 3.9 GMACs and about 0.4x the backbone's CPU
            time; with 32, 10.7 GMACs and 0.7x on an idle 2-core CPU, over 1x on a busy one.
        num_steps (int): Recurrent steps T per branch (the paper's Table 3 studies 1-8).
            Defaults to 6.
        kernel_sizes (Sequence[int]): Kernel sizes of the two RRM paths. Defaults to (3, 5).
        residual (bool): Residual learning in every RRM (Eq. 4). ``False`` is the paper's
            R²MRF_no_RRM ablation: each step predicts the side output directly and no
            ``O_0^l`` is built. Defaults to True.
        share_step_weights (bool): Share one RRM between the steps t >= 2 of a branch
            (steps have separate weights in the authors' lineage). Defaults to False.
        branch_resolution (str): ``'level'`` or ``'amdf'``, see above. Defaults to 'level'.
        test_output (str | int): ``'fuse'`` or a level number 1..N (the last step of that
            branch) for the eval-mode output. Defaults to 'fuse'.
        fuse_loss_weight (float): Weight of the fused map's loss (lambda_f). Defaults to 1.
        side_loss_weight (float | Sequence): Weights of the side outputs (lambda_t^l): one
            number for all, one per level, or one sequence of T numbers per level.
            Defaults to 1.
        in_index (Sequence[int], optional): Which neck outputs to read. Defaults to all.
        dropout_ratio (float): Kept for BaseDecodeHead; unused. Defaults to 0.
        init_cfg (dict, optional): Initialisation config. Defaults to None (each layer's
            own initialisation; BaseDecodeHead's default targets the ``conv_seg`` layer,
            which this head does not have).
        **kwargs: Arguments of :class:`~mmseg.models.decode_heads.decode_head.BaseDecodeHead`
            (``num_classes``, ``out_channels``, ``threshold``, ``norm_cfg``,
            ``loss_decode``, ...).
    """

    BRANCH_RESOLUTIONS = ('level', 'amdf')

    def __init__(self,
                 in_channels: Sequence[int],
                 channels: int = 16,
                 num_steps: int = 6,
                 kernel_sizes: Sequence[int] = (3, 5),
                 residual: bool = True,
                 share_step_weights: bool = False,
                 branch_resolution: str = 'level',
                 test_output: Union[str, int] = 'fuse',
                 fuse_loss_weight: float = 1.0,
                 side_loss_weight: LossWeight = 1.0,
                 in_index: Optional[Sequence[int]] = None,
                 dropout_ratio: float = 0.0,
                 init_cfg: OptConfigType = None,
                 **kwargs) -> None:
        if len(in_channels) < 3:
            raise ValueError('R2MRFHead needs at least 2 levels and the AMDF map, '
                             f'got in_channels={in_channels}')
        if kwargs.pop('input_transform', 'multiple_select') != 'multiple_select':
            raise ValueError("R2MRFHead reads several inputs: input_transform must be "
                             "'multiple_select'")
        if in_index is None:
            in_index = list(range(len(in_channels)))
        super().__init__(
            list(in_channels), channels, in_index=list(in_index),
            input_transform='multiple_select', dropout_ratio=dropout_ratio,
            init_cfg=init_cfg, **kwargs)
        # Every prediction comes from the branches: BaseDecodeHead's classifier is unused.
        del self.conv_seg

        if num_steps < 1:
            raise ValueError(f'R2MRFHead: num_steps must be >= 1, got {num_steps}')
        if branch_resolution not in self.BRANCH_RESOLUTIONS:
            raise ValueError(f'R2MRFHead: branch_resolution must be one of '
                             f'{self.BRANCH_RESOLUTIONS}, got {branch_resolution!r}')
        self.num_levels = len(self.in_channels) - 1
        if not (test_output == 'fuse' or
                (isinstance(test_output, int) and 1 <= test_output <= self.num_levels)):
            raise ValueError(f"R2MRFHead: test_output must be 'fuse' or a level number "
                             f'1..{self.num_levels}, got {test_output!r}')
        self.num_steps = num_steps
        self.residual = residual
        self.share_step_weights = share_step_weights
        self.branch_resolution = branch_resolution
        self.test_output = test_output
        self.fuse_loss_weight = float(fuse_loss_weight)
        self.side_loss_weights = self._expand_side_weights(side_loss_weight)

        level_channels, amdf_channels = self.in_channels[:-1], self.in_channels[-1]
        out = self.out_channels
        if residual:
            # O_0^l: the initial prediction of each branch from its own features.
            self.init_preds = nn.ModuleList(
                nn.Conv2d(c, out, kernel_size=1) for c in level_channels)
        num_rrms = min(num_steps, 2) if share_step_weights else num_steps
        self.branches = nn.ModuleList()
        for level, level_c in enumerate(level_channels):
            from_above = out if level < self.num_levels - 1 else 0
            rrms = nn.ModuleList()
            for step in range(num_rrms):
                first_input = level_c if step == 0 else out
                rrms.append(
                    RRM(first_input + from_above + amdf_channels, channels, out,
                        kernel_sizes=kernel_sizes, residual=residual,
                        conv_cfg=self.conv_cfg, norm_cfg=self.norm_cfg,
                        act_cfg=self.act_cfg))
            self.branches.append(rrms)
        self.fuse = nn.Conv2d(self.num_levels * out, out, kernel_size=1)
        self._init_fuse_as_average()

    def _expand_side_weights(self, weight: LossWeight) -> List[List[float]]:
        """Expands ``side_loss_weight`` to one weight per level and step."""
        levels, steps = self.num_levels, self.num_steps
        if isinstance(weight, (int, float)):
            return [[float(weight)] * steps for _ in range(levels)]
        if len(weight) != levels:
            raise ValueError(f'R2MRFHead: side_loss_weight needs one entry per level '
                             f'({levels}), got {weight}')
        expanded = []
        for per_level in weight:
            if isinstance(per_level, (int, float)):
                expanded.append([float(per_level)] * steps)
            elif len(per_level) == steps:
                expanded.append([float(w) for w in per_level])
            else:
                raise ValueError(f'R2MRFHead: side_loss_weight entry {per_level} must be a '
                                 f'number or {steps} numbers (one per step)')
        return expanded

    def _init_fuse_as_average(self) -> None:
        """Starts the fusion as the mean of the side outputs, class by class."""
        out = self.out_channels
        weight = torch.zeros_like(self.fuse.weight)
        for level in range(self.num_levels):
            for c in range(out):
                weight[c, level * out + c] = 1.0 / self.num_levels
        with torch.no_grad():
            self.fuse.weight.copy_(weight)
            self.fuse.bias.zero_()

    def _rrm(self, level: int, step: int) -> RRM:
        rrms = self.branches[level]
        return rrms[min(step, len(rrms) - 1)]

    def forward_all(self, inputs: Sequence[Tensor]) -> SideOutputs:
        """Runs every branch and the fusion, whatever the mode.

        Args:
            inputs (Sequence[Tensor]): Neck outputs: N levels, then the AMDF.

        Returns:
            tuple: The fused map (B, out_channels, H, W) at the finest branch's resolution,
            and ``sides[l][t]``, the side output ``O_{t+1}^{l+1}`` at branch ``l``'s
            resolution.
        """
        feats = self._transform_inputs(inputs)
        levels, amdf = feats[:-1], feats[-1]
        amdf_size = amdf.shape[-2:]
        if self.branch_resolution == 'amdf':
            sizes = [amdf_size] * self.num_levels
        else:
            sizes = [(min(x.shape[-2], amdf_size[0]), min(x.shape[-1], amdf_size[1]))
                     for x in levels]
        # Resized once per branch, then read at every step.
        levels = [resize_to(x, s, self.align_corners) for x, s in zip(levels, sizes)]
        amdfs = [resize_to(amdf, s, self.align_corners) for s in sizes]
        prev: List[Optional[Tensor]] = [
            init(x) for init, x in zip(self.init_preds, levels)
        ] if self.residual else [None] * self.num_levels

        sides: List[List[Tensor]] = [[] for _ in range(self.num_levels)]
        for step in range(self.num_steps):
            above: Optional[Tensor] = None
            for level in reversed(range(self.num_levels)):
                parts = [levels[level] if step == 0 else prev[level]]
                if above is not None:
                    parts.append(resize_to(above, sizes[level], self.align_corners))
                parts.append(amdfs[level])
                refined = self._rrm(level, step)(torch.cat(parts, dim=1),
                                                 prev[level] if self.residual else None)
                sides[level].append(refined)
                prev[level] = refined
                above = refined

        fuse_size = max(sizes, key=lambda s: s[0] * s[1])
        fused = self.fuse(torch.cat(
            [resize_to(side[-1], fuse_size, self.align_corners) for side in sides], dim=1))
        return fused, sides

    def _select_test_output(self, outputs: SideOutputs) -> Tensor:
        fused, sides = outputs
        if self.test_output == 'fuse':
            return fused
        return sides[self.test_output - 1][-1]

    def forward(self, inputs: Sequence[Tensor]) -> Union[Tensor, SideOutputs]:
        """Train mode: the fused map and every side output; eval mode: the test output.

        Args:
            inputs (Sequence[Tensor]): Neck outputs: N levels, then the AMDF.

        Returns:
            Tensor | tuple: See :meth:`forward_all` and ``test_output``.
        """
        outputs = self.forward_all(inputs)
        return outputs if self.training else self._select_test_output(outputs)

    def loss(self, inputs: Tuple[Tensor], batch_data_samples: SampleList,
             train_cfg: ConfigType) -> Dict[str, Tensor]:
        """Loss of Eq. 7 on every side output and the fused map, in any mode."""
        return self.loss_by_feat(self.forward_all(inputs), batch_data_samples)

    def predict(self, inputs: Tuple[Tensor], batch_img_metas: List[dict],
                test_cfg: ConfigType) -> Tensor:
        """The test output (logits) resized to the padded input size, in any mode."""
        return self.predict_by_feat(
            self._select_test_output(self.forward_all(inputs)), batch_img_metas)

    def loss_by_feat(self, seg_logits: SideOutputs,
                     batch_data_samples: SampleList) -> Dict[str, Tensor]:
        """Computes Eq. 7 term by term with BaseDecodeHead's loss.

        Args:
            seg_logits (tuple): Output of :meth:`forward_all`.
            batch_data_samples (list[SegDataSample]): Samples holding ``gt_sem_seg``.

        Returns:
            dict[str, Tensor]: ``fuse.<loss_name>`` and ``level{l}_step{t}.<loss_name>``
            for every level l and step t (1-based), each already weighted; ``fuse.acc_seg``
            for multi-class heads (pixel accuracy means nothing with one channel).
        """
        fused, sides = seg_logits
        terms = [('fuse', fused, self.fuse_loss_weight)]
        for level, side in enumerate(sides):
            for step, logit in enumerate(side):
                terms.append((f'level{level + 1}_step{step + 1}', logit,
                              self.side_loss_weights[level][step]))
        binary_sigmoid = self._binary_sigmoid_loss()
        if binary_sigmoid:
            seg_label = self._binary_label(batch_data_samples)
            border_weights = self._border_weights(seg_label)
        losses: Dict[str, Tensor] = {}
        for prefix, logit, weight in terms:
            # Mixed precision computes the network in bfloat16; its loss stays float32.
            logit = logit.float()
            if binary_sigmoid:
                term = self._binary_sigmoid_terms(logit, seg_label, border_weights)
            else:
                term = super().loss_by_feat(logit, batch_data_samples)
                if prefix != 'fuse' or self.out_channels == 1:
                    term.pop('acc_seg', None)
            losses.update(add_prefix(
                {k: v * weight if 'loss' in k else v for k, v in term.items()}, prefix))
        return losses

    def _loss_modules(self) -> List[nn.Module]:
        """``loss_decode`` as a list."""
        return (list(self.loss_decode) if isinstance(self.loss_decode, nn.ModuleList) else
                [self.loss_decode])

    def _binary_sigmoid_loss(self) -> bool:
        """Whether every loss is a sigmoid ``CrossEntropyLoss`` or a
        ``BoundaryWeightedBCELoss`` on one output channel."""
        return self.out_channels == 1 and self.sampler is None and all(
            (isinstance(m, CrossEntropyLoss) and m.use_sigmoid)
            or isinstance(m, BoundaryWeightedBCELoss) for m in self._loss_modules())

    def _binary_label(self, batch_data_samples: SampleList) -> Tensor:
        """The batch's labels (B, H, W), checked once for 0/1/ignore only."""
        seg_label = self._stack_batch_gt(batch_data_samples).squeeze(1)
        if ((seg_label > 1) & (seg_label != self.ignore_index)).any():
            raise ValueError('R2MRFHead with one output channel needs labels 0, 1 or '
                             f'{self.ignore_index} (ignored), got {seg_label.unique().tolist()}')
        return seg_label

    def _border_weights(self, seg_label: Tensor) -> List[Optional[Tensor]]:
        """Per loss module, its per-pixel weights of the batch's labels if it has any.

        They depend on the labels only, and a ``BoundaryWeightedBCELoss`` computing them for
        each of the 31 outputs took as long as the rest of a CPU training step.
        """
        return [m.pixel_weights(seg_label, seg_label != self.ignore_index)
                if isinstance(m, BoundaryWeightedBCELoss) else None
                for m in self._loss_modules()]

    def _binary_sigmoid_terms(self, logit: Tensor, seg_label: Tensor,
                              border_weights: List[Optional[Tensor]]) -> Dict[str, Tensor]:
        """The value of ``BaseDecodeHead.loss_by_feat`` for a sigmoid cross-entropy, cheaper.

        mmseg's binary cross-entropy checks the labels of every call by boolean indexing and
        the base head computes a top-k accuracy; with 31 terms per step they cost about a
        tenth of a CPU training step. Here the labels are checked once per batch, and logits
        and labels of equal shape (B, H, W) take the loss's element-wise branch, which gives
        the same value.
        """
        logit = resize(logit, size=seg_label.shape[-2:], mode='bilinear',
                       align_corners=self.align_corners).squeeze(1)
        term: Dict[str, Tensor] = {}
        for module, border_weight in zip(self._loss_modules(), border_weights):
            extra = {} if border_weight is None else dict(border_weight=border_weight)
            value = module(logit, seg_label, ignore_index=self.ignore_index, **extra)
            term[module.loss_name] = term[module.loss_name] + value \
                if module.loss_name in term else value
        return term
