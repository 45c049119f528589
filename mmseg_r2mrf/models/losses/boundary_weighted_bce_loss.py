"""Binary cross-entropy weighted up near the label's region borders (a boundary loss)."""
from typing import Optional

import torch.nn as nn
import torch.nn.functional as F
from torch import Tensor

from mmseg.registry import MODELS


@MODELS.register_module()
class BoundaryWeightedBCELoss(nn.Module):
    """Sigmoid cross-entropy whose pixels weigh more the nearer they lie to a label border.

    A pixel's weight is ``1 + boundary_weight * |m - y|``, where ``y`` is its 0/1 label and
    ``m`` the share of blurred pixels among the labelled ones in the ``(2r+1)²`` window around
    it (the weighting of F3Net's structure loss, Wei et al., AAAI 2020): deep inside a region
    ``m = y`` and the weight is 1; beside a border it approaches ``1 + boundary_weight / 2``,
    on thin structures more. The loss is the weighted mean over the labelled pixels, so it
    equals the plain mean cross-entropy when ``boundary_weight`` is 0. Ignored pixels
    (``ignore_index``) count neither in the loss nor in ``m``.

    Args:
        radius (int): Window radius in label pixels. Defaults to 15 (F3Net's 31-px window).
        boundary_weight (float): Extra weight at a border. Defaults to 5.0 (F3Net's).
        loss_weight (float): Factor on the loss. Defaults to 1.0.
        loss_name (str): Key of the loss in the head's loss dict; must start with ``loss_``.
            Defaults to ``'loss_bwbce'``.
    """

    def __init__(self,
                 radius: int = 15,
                 boundary_weight: float = 5.0,
                 loss_weight: float = 1.0,
                 loss_name: str = 'loss_bwbce') -> None:
        super().__init__()
        if radius < 1 or boundary_weight < 0:
            raise ValueError(f'radius must be >= 1 and boundary_weight >= 0, got {radius} '
                             f'and {boundary_weight}')
        self.radius = radius
        self.boundary_weight = boundary_weight
        self.loss_weight = loss_weight
        self._loss_name = loss_name

    def _window_mean(self, x: Tensor) -> Tensor:
        """Mean over the window, zeros outside the image: two 1-D passes, as a head computes
        the loss on every one of its side outputs at the label's full resolution."""
        size, r = 2 * self.radius + 1, self.radius
        x = F.avg_pool2d(x, (1, size), stride=1, padding=(0, r), count_include_pad=True)
        return F.avg_pool2d(x, (size, 1), stride=1, padding=(r, 0), count_include_pad=True)

    def pixel_weights(self, label: Tensor, valid: Tensor) -> Tensor:
        """Weights (B, H, W) of a batch's 0/1 ``label`` where ``valid``; 0 where ignored."""
        target = (label == 1).float().unsqueeze(1)
        valid = valid.float().unsqueeze(1)
        # A ratio of window means: the share among the labelled pixels in the window.
        blurred_share = self._window_mean(target * valid) / self._window_mean(valid).clamp_min(
            1e-6)
        weight = 1 + self.boundary_weight * (blurred_share - target).abs()
        return (weight * valid).squeeze(1)

    def forward(self,
                cls_score: Tensor,
                label: Tensor,
                weight: Optional[Tensor] = None,
                ignore_index: int = 255,
                border_weight: Optional[Tensor] = None,
                **kwargs) -> Tensor:
        """Computes the loss.

        Args:
            cls_score (Tensor): Logits (B, 1, H, W) or (B, H, W) of the blurred class.
            label (Tensor): Labels (B, H, W): 0, 1 or ``ignore_index``.
            weight (Tensor, optional): Extra per-pixel weights (B, H, W) (mmseg's
                ``seg_weight``), multiplied in.
            ignore_index (int): Label of pixels left out. Defaults to 255.
            border_weight (Tensor, optional): ``pixel_weights`` of this ``label``, when the
                caller has them already: a head with many outputs for one label computes
                them once per batch instead of once per output. Computed when None.

        Returns:
            Tensor: The scalar loss.
        """
        if cls_score.dim() == 4:
            if cls_score.shape[1] != 1:
                raise ValueError(f'{type(self).__name__} takes one logit channel, got '
                                 f'{cls_score.shape[1]}')
            cls_score = cls_score.squeeze(1)
        if cls_score.shape != label.shape:
            raise ValueError(f'logits {tuple(cls_score.shape)} and labels '
                             f'{tuple(label.shape)} differ in shape')
        pixel_weight = (self.pixel_weights(label, label != ignore_index)
                        if border_weight is None else border_weight)
        if weight is not None:
            pixel_weight = pixel_weight * weight
        bce = F.binary_cross_entropy_with_logits(
            cls_score.float(), (label == 1).float(), reduction='none')
        loss = (bce * pixel_weight).sum() / pixel_weight.sum().clamp_min(1e-6)
        return self.loss_weight * loss

    @property
    def loss_name(self) -> str:
        """The loss's key; mmseg sums every ``loss_*`` entry into the total."""
        return self._loss_name
