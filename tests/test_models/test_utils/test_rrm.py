"""RRM: one residual refinement step (Eq. 4) with the dual path of Fig. 3."""
import pytest
import torch

import mmseg_r2mrf  # noqa: F401  (mmcv-lite fallback before mmseg)

from mmseg.registry import MODELS

from tiny_data import randomise_bn


def _rrm(**kwargs):
    torch.manual_seed(0)
    rrm = MODELS.build(dict(type='RRM', in_channels=6, channels=4, **kwargs))
    # Non-trivial BN, so that eval mode is not an identity.
    return randomise_bn(rrm).eval()


def test_residual_adds_the_refinement_to_the_previous_prediction():
    rrm = _rrm(norm_cfg=dict(type='BN'))
    x, prev = torch.randn(2, 6, 9, 13), torch.randn(2, 1, 9, 13)
    with torch.no_grad():
        out = rrm(x, prev)
        residual = rrm.residual_map(x)
    assert out.shape == (2, 1, 9, 13)
    assert torch.allclose(out, prev + residual)
    assert residual.abs().sum() > 0


def test_without_residual_the_output_ignores_the_previous_prediction():
    rrm = _rrm(residual=False)
    x = torch.randn(1, 6, 8, 8)
    with torch.no_grad():
        out = rrm(x, torch.randn(1, 1, 8, 8))
        assert torch.equal(out, rrm(x, torch.randn(1, 1, 8, 8)))
        assert torch.equal(out, rrm(x))
        assert torch.equal(out, rrm.residual_map(x))


def test_dual_path_kernel_sizes_and_information_sharing():
    rrm = _rrm(kernel_sizes=(3, 7), out_channels=4)
    assert rrm.path1_stage1.conv.kernel_size == (3, 3)
    assert rrm.path2_stage1.conv.kernel_size == (7, 7)
    # Each second stage reads both first-stage outputs.
    assert rrm.path1_stage2.conv.in_channels == rrm.path2_stage2.conv.in_channels == 8
    x = torch.randn(1, 6, 16, 16)
    with torch.no_grad():
        assert rrm(x, torch.zeros(1, 4, 16, 16)).shape == (1, 4, 16, 16)


def test_gradient_reaches_both_paths():
    rrm = _rrm().train()
    out = rrm(torch.randn(2, 6, 8, 8), torch.zeros(2, 1, 8, 8))
    out.square().mean().backward()
    for name, param in rrm.named_parameters():
        assert param.grad is not None and param.grad.abs().sum() > 0, name


def test_bad_arguments():
    with pytest.raises(ValueError, match='kernel_sizes'):
        MODELS.build(dict(type='RRM', in_channels=3, kernel_sizes=(3, 4)))
    rrm = _rrm()
    with pytest.raises(ValueError, match='prev'):
        rrm(torch.randn(1, 6, 4, 4))
