"""The guided filter (He, Sun and Tang, ECCV 2010): edge-aware smoothing in a few box filters."""
import torch
import torch.nn.functional as F
from mmengine.model import BaseModule
from torch import Tensor

from mmseg.registry import MODELS


def box_mean(x: Tensor, radius: int) -> Tensor:
    """Mean over the (2r+1)² window around each pixel, over the pixels inside the image."""
    return F.avg_pool2d(x, 2 * radius + 1, stride=1, padding=radius, count_include_pad=False)


def guided_filter(guide: Tensor, src: Tensor, radius: int, eps: float) -> Tensor:
    """Filter ``src`` so that its edges follow those of ``guide``.

    In each window the output is a linear function ``a * guide + b`` fitted to ``src`` by
    least squares with ridge ``eps``: where the guide is flat (``var << eps``) the output is
    the local mean of ``src``; where the guide has an edge the output takes its shape.

    Args:
        guide (Tensor): (N, 1, H, W) guidance image, e.g. grey levels in [0, 1].
        src (Tensor): (N, C, H, W) map to filter.
        radius (int): Window radius in pixels.
        eps (float): Regularisation, in squared guide units: edges of a contrast well below
            ``sqrt(eps)`` are smoothed over.

    Returns:
        Tensor: (N, C, H, W) filtered map.
    """
    mean_guide = box_mean(guide, radius)
    mean_src = box_mean(src, radius)
    covariance = box_mean(guide * src, radius) - mean_guide * mean_src
    variance = box_mean(guide * guide, radius) - mean_guide * mean_guide
    a = covariance / (variance + eps)
    b = mean_src - a * mean_guide
    return box_mean(a, radius) * guide + box_mean(b, radius)


@MODELS.register_module()
class GuidedFilterRefiner(BaseModule):
    """Refines a one-channel logit map at the input resolution along the image's edges.

    The fused R²MRF map is predicted at the stride of the aggregated features (4 on the
    shipped backbones) and enlarged bilinearly, so region borders are blobby. This filters the
    blur probability with the input image's grey levels as guide (re-scaled per image to
    [0, 1]), then returns it as a logit again for the segmentor's sigmoid. It has no weights.

    Args:
        radius (int): Window radius in input pixels. Defaults to 8.
        eps (float): Regularisation in squared grey levels of [0, 1]. Defaults to 1e-3.
    """

    def __init__(self, radius: int = 8, eps: float = 1e-3) -> None:
        super().__init__()
        if radius < 1 or eps <= 0:
            raise ValueError(f'radius must be >= 1 and eps > 0, got {radius} and {eps}')
        self.radius, self.eps = radius, eps

    def forward(self, logits: Tensor, images: Tensor) -> Tensor:
        """Refine ``logits`` (N, 1, H, W) with ``images`` (N, C, H, W) of the same size."""
        if logits.shape[1] != 1:
            raise ValueError('GuidedFilterRefiner refines one-channel (sigmoid) logits, got '
                             f'{logits.shape[1]} channels')
        if logits.shape[-2:] != images.shape[-2:]:
            raise ValueError(f'logits {tuple(logits.shape[-2:])} and images '
                             f'{tuple(images.shape[-2:])} differ in size')
        grey = images.float().mean(dim=1, keepdim=True)
        low = grey.amin(dim=(2, 3), keepdim=True)
        high = grey.amax(dim=(2, 3), keepdim=True)
        guide = (grey - low) / (high - low).clamp_min(1e-6)
        prob = guided_filter(guide, logits.float().sigmoid(), self.radius, self.eps)
        return torch.logit(prob.clamp(1e-6, 1 - 1e-6)).to(logits.dtype)
