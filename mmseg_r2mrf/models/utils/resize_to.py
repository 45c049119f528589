"""Resizing a feature or logit map to another map's size, in either direction."""
from typing import Sequence

import torch.nn.functional as F
from torch import Tensor

from mmseg.models.utils import resize


def resize_to(x: Tensor, size: Sequence[int], align_corners: bool = False) -> Tensor:
    """Resize ``x`` to ``size``: bilinear when enlarging, area-averaging when shrinking.

    R²MRF moves maps both ways: coarse levels and predictions are enlarged (Eq. 1, the
    top-down passing of Eq. 3, the fusion of Eq. 5), while the aggregated map is shrunk to
    the resolution of the coarser branches. Bilinear shrinking by 2-8x would skip pixels
    (aliasing), so shrinking averages over each output cell instead.

    Args:
        x (Tensor): Map of shape (N, C, H, W).
        size (Sequence[int]): Target (height, width).
        align_corners (bool): ``align_corners`` of the bilinear enlargement.

    Returns:
        Tensor: Map of shape (N, C, size[0], size[1]); ``x`` itself when it has that size.
    """
    # Sizes stay as they come (no int()): under torch.export they are symbolic, and int()
    # would fix the example input's sizes into an exported graph.
    size = (size[0], size[1])
    in_size = tuple(x.shape[-2:])
    if in_size == size:
        return x
    if size[0] <= in_size[0] and size[1] <= in_size[1]:
        return F.adaptive_avg_pool2d(x, size)
    return resize(x, size=size, mode='bilinear', align_corners=align_corners, warning=False)
