"""Resizing a feature or logit map to another map's size, in either direction."""
from typing import Sequence

import torch
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
        if torch.compiler.is_exporting():
            return _area_average(x, size)
        return F.adaptive_avg_pool2d(x, size)
    return resize(x, size=size, mode='bilinear', align_corners=align_corners, warning=False)


def _area_average(x: Tensor, size: Sequence[int]) -> Tensor:
    """``F.adaptive_avg_pool2d(x, size)`` as differences of cumulative sums.

    Under torch.export the exporter turns adaptive pooling into a plain pooling whose window
    it computes from the example input's sizes; on other sizes the exported graph then gives
    maps one cell short (a 27-wide map pooled to 14 comes out 13 wide). Here every window is
    computed from the sizes in the graph: output cell ``i`` of ``n`` averages input cells
    ``floor(i * m / n)`` to ``ceil((i + 1) * m / n) - 1`` of ``m``, as adaptive pooling does.
    The sums run in float64, so that their differences keep float32's precision.

    Args:
        x (Tensor): Map of shape (N, C, H, W).
        size (Sequence[int]): Target (height, width), each at most the input's.

    Returns:
        Tensor: Map of shape (N, C, size[0], size[1]) and ``x``'s dtype.
    """
    out = x.double()
    for dim, out_length in ((2, size[0]), (3, size[1])):
        in_length = out.shape[dim]
        cell = torch.arange(out_length, device=x.device)
        start = cell * in_length // out_length
        end = ((cell + 1) * in_length + out_length - 1) // out_length
        # A zero before the first cumulative sum: the sum of cells [a, b) is sums[b] - sums[a].
        sums = F.pad(out.cumsum(dim), (0, 0, 1, 0) if dim == 2 else (1, 0))
        counts = (end - start).to(out.dtype)
        out = (sums.index_select(dim, end) - sums.index_select(dim, start)) / (
            counts.view(-1, 1) if dim == 2 else counts)
    return out.to(x.dtype)
