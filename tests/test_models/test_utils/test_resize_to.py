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


def test_shrinking_while_exporting_is_adaptive_pooling(monkeypatch):
    # The path torch.export traces (windows computed from the sizes in the graph) averages the
    # same cells as adaptive pooling, including windows that overlap on uneven sizes.
    monkeypatch.setattr(torch.compiler, 'is_exporting', lambda: True)
    for in_size, out_size in (((38, 27), (19, 14)), ((75, 53), (10, 7)), ((9, 3), (1, 1))):
        x = torch.randn(2, 3, *in_size)
        got = resize_to(x, out_size)
        assert got.shape == (2, 3, *out_size) and got.dtype == x.dtype
        assert torch.allclose(got, F.adaptive_avg_pool2d(x, out_size), atol=1e-6)
