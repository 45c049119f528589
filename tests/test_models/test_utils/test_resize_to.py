"""resize_to: bilinear enlargement, area-averaged shrinking."""
import torch
import torch.nn.functional as F

import mmseg_r2mrf  # noqa: F401  (mmcv-lite fallback before mmseg)
from mmseg_r2mrf.models.utils import resize_to


def test_same_size_is_returned_as_is():
    x = torch.randn(1, 2, 5, 7)
    assert resize_to(x, (5, 7)) is x


def test_shrinking_averages_cells():
    x = torch.randn(2, 3, 8, 12)
    assert torch.allclose(resize_to(x, (4, 3)), F.avg_pool2d(x, (2, 4)))
    # Odd sizes work too and keep the mean of a constant map.
    assert torch.allclose(resize_to(torch.ones(1, 1, 41, 60), (21, 30)), torch.ones(1, 1, 21, 30))


def test_enlarging_is_bilinear():
    x = torch.randn(1, 2, 3, 4)
    expected = F.interpolate(x, size=(7, 9), mode='bilinear', align_corners=False)
    assert torch.equal(resize_to(x, (7, 9)), expected)
