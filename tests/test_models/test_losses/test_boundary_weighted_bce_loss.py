"""BoundaryWeightedBCELoss: cross-entropy weighted up beside the label's region borders."""
import pytest
import torch
import torch.nn.functional as F
from mmengine.structures import PixelData

import mmseg_r2mrf  # noqa: F401  (mmcv-lite fallback before mmseg)

from mmseg.registry import MODELS
from mmseg.structures import SegDataSample


def _half_label(size=32):
    """Left half in focus (0), right half blurred (1)."""
    label = torch.zeros(1, size, size, dtype=torch.long)
    label[..., size // 2:] = 1
    return label


def test_zero_boundary_weight_is_plain_bce_over_labelled_pixels():
    loss = MODELS.build(dict(type='BoundaryWeightedBCELoss', boundary_weight=0.0))
    torch.manual_seed(0)
    logits = torch.randn(2, 1, 16, 16)
    label = torch.randint(0, 2, (2, 16, 16))
    label[:, :3] = 255
    valid = label != 255
    expected = F.binary_cross_entropy_with_logits(logits.squeeze(1)[valid],
                                                  label[valid].float())
    assert torch.allclose(loss(logits, label), expected, atol=1e-6)


def test_weights_peak_at_the_border_and_are_one_inside_regions():
    loss = MODELS.build(dict(type='BoundaryWeightedBCELoss', radius=3, boundary_weight=4.0))
    label = _half_label()
    weight = loss.pixel_weights(label, label != 255)[0]
    assert torch.allclose(weight[:, :10], torch.ones(32, 10))  # farther than r from the border
    assert torch.allclose(weight[:, 22:], torch.ones(32, 10))
    # A 7-px window on either column beside the border holds 3 of the other class, one
    # column farther 2.
    for column, others in ((14, 2), (15, 3), (16, 3), (17, 2)):
        assert torch.allclose(weight[:, column], torch.full((32, ), 1 + 4.0 * others / 7))


def test_an_error_at_the_border_costs_more_than_the_same_error_inside():
    loss = MODELS.build(dict(type='BoundaryWeightedBCELoss', radius=3, boundary_weight=5.0))
    label = _half_label()
    correct = torch.where(label == 1, 6.0, -6.0).float().unsqueeze(1)
    at_border, inside = correct.clone(), correct.clone()
    at_border[..., 15] = 6.0  # sharp column beside the border called blurred
    inside[..., 5] = 6.0  # the same error deep in the sharp half
    assert loss(at_border, label) > 2 * loss(inside, label)


def test_ignored_pixels_count_neither_in_the_loss_nor_in_the_weights():
    loss = MODELS.build(dict(type='BoundaryWeightedBCELoss', radius=3))
    label = _half_label()
    label[..., 14:18] = 255  # the uncertain band along the border
    weight = loss.pixel_weights(label, label != 255)[0]
    assert (weight[:, 14:18] == 0).all()
    logits = torch.zeros(1, 1, 32, 32)
    wild = logits.clone()
    wild[..., 14:18] = 50.0  # anything at all where the label is ignored
    assert torch.equal(loss(logits, label), loss(wild, label))


def test_given_border_weights_are_used_as_the_labels_weights():
    loss = MODELS.build(dict(type='BoundaryWeightedBCELoss', radius=3))
    label = _half_label()
    torch.manual_seed(0)
    logits = torch.randn(1, 1, 32, 32)
    weights = loss.pixel_weights(label, label != 255)
    assert torch.equal(loss(logits, label, border_weight=weights), loss(logits, label))
    uniform = torch.ones_like(weights)
    plain = F.binary_cross_entropy_with_logits(logits.squeeze(1), label.float())
    assert torch.allclose(loss(logits, label, border_weight=uniform), plain, atol=1e-6)


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match='boundary_weight'):
        MODELS.build(dict(type='BoundaryWeightedBCELoss', boundary_weight=-1))
    loss = MODELS.build(dict(type='BoundaryWeightedBCELoss'))
    with pytest.raises(ValueError, match='one logit channel'):
        loss(torch.zeros(1, 2, 8, 8), torch.zeros(1, 8, 8, dtype=torch.long))


def test_r2mrf_head_trains_with_it():
    """Every term of the head gets the loss's key and a gradient."""
    head = MODELS.build(dict(
        type='R2MRFHead', in_channels=[6] * 5 + [5], channels=4, num_steps=2, num_classes=2,
        out_channels=1, threshold=0.5, norm_cfg=dict(type='BN'),
        loss_decode=dict(type='BoundaryWeightedBCELoss', radius=2)))
    sizes = [(17, 23), (17, 23), (9, 12), (5, 6), (3, 3)]
    inputs = [torch.randn(2, 6, *s) for s in sizes] + [torch.randn(2, 5, *sizes[0])]
    samples = []
    for i in range(2):
        label = _half_label(64)
        label[:, :4] = 255
        sample = SegDataSample()
        sample.gt_sem_seg = PixelData(data=label)
        samples.append(sample)
    losses = head.loss(inputs, samples, train_cfg=None)
    keys = [k for k in losses if 'loss' in k]
    assert 'fuse.loss_bwbce' in keys and 'level5_step2.loss_bwbce' in keys
    assert len(keys) == 1 + 5 * 2
    total = sum(losses[k] for k in keys)
    total.backward()
    assert all(p.grad is not None for p in head.parameters() if p.requires_grad)
