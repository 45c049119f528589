"""R2MRFHead: recurrent branches (Eqs. 2-4), fusion (Eq. 5), deep supervision (Eq. 7)."""
import math

import pytest
import torch
from mmengine.structures import PixelData

import mmseg_r2mrf  # noqa: F401  (mmcv-lite fallback before mmseg)

from mmseg.registry import MODELS
from mmseg.structures import SegDataSample

# Level sizes of a stride-4..32 backbone on a 321x479 image (stem and first stage at stride 4).
ODD_SIZES = [(81, 120), (81, 120), (41, 60), (21, 30), (11, 15)]
SMALL_SIZES = [(17, 23), (17, 23), (9, 12), (5, 6), (3, 3)]


def _head(num_levels=5, num_steps=2, num_classes=2, **kwargs):
    torch.manual_seed(0)
    binary = num_classes == 2
    cfg = dict(type='R2MRFHead', in_channels=[6] * num_levels + [5], channels=4,
               num_steps=num_steps, num_classes=num_classes,
               out_channels=1 if binary else None, threshold=0.5 if binary else None,
               norm_cfg=dict(type='BN'),
               loss_decode=dict(type='CrossEntropyLoss', use_sigmoid=binary))
    cfg.update(kwargs)
    return MODELS.build(cfg)


def _inputs(num_levels=5, batch=1, sizes=ODD_SIZES, requires_grad=False):
    feats = [torch.randn(batch, 6, *s, requires_grad=requires_grad) for s in sizes[:num_levels]]
    return feats + [torch.randn(batch, 5, *sizes[0], requires_grad=requires_grad)]


def _samples(batch, size=(64, 64), num_classes=2):
    samples = []
    for i in range(batch):
        generator = torch.Generator().manual_seed(i)
        label = torch.randint(0, num_classes, (1, *size), generator=generator)
        label[:, :4] = 255  # ignored pixels
        sample = SegDataSample()
        sample.gt_sem_seg = PixelData(data=label)
        samples.append(sample)
    return samples


@pytest.mark.parametrize('num_levels', [2, 4, 5])
@pytest.mark.parametrize('batch', [1, 3])
def test_shapes_train_and_eval(num_levels, batch):
    head = _head(num_levels=num_levels, num_steps=3)
    inputs = _inputs(num_levels, batch)
    head.train()
    fused, sides = head(inputs)
    assert fused.shape == (batch, 1, 81, 120)
    assert len(sides) == num_levels
    for level, side in enumerate(sides):
        assert len(side) == 3
        for out in side:
            assert out.shape == (batch, 1, *ODD_SIZES[level])
    head.eval()
    with torch.no_grad():
        out = head(inputs)
    assert isinstance(out, torch.Tensor) and out.shape == (batch, 1, 81, 120)


def test_loss_has_31_finite_terms_for_six_steps_and_five_levels():
    head = _head(num_steps=6).train()
    losses = head.loss(_inputs(batch=2, sizes=[(16, 16), (16, 16), (8, 8), (4, 4), (2, 2)]),
                       _samples(2), train_cfg=dict())
    loss_keys = [k for k in losses if 'loss' in k]
    expected = {'fuse.loss_ce'} | {f'level{n}_step{t}.loss_ce'
                                   for n in range(1, 6) for t in range(1, 7)}
    assert set(loss_keys) == expected and len(loss_keys) == 31
    assert all(torch.isfinite(losses[k]) and losses[k] > 0 for k in loss_keys)
    # Pixel accuracy is meaningless for one channel: not reported.
    assert not any('acc' in k for k in losses)


def test_loss_weights():
    sizes = [(8, 8), (4, 4)]
    inputs, samples = _inputs(2, 2, sizes), _samples(2, (16, 16))
    plain = _head(num_levels=2).loss(inputs, samples, dict())
    weighted = _head(num_levels=2, fuse_loss_weight=0.5,
                     side_loss_weight=[[2.0, 0.0], 3.0]).loss(inputs, samples, dict())
    factors = {'fuse': 0.5, 'level1_step1': 2.0, 'level1_step2': 0.0, 'level2_step1': 3.0,
               'level2_step2': 3.0}
    for prefix, factor in factors.items():
        key = f'{prefix}.loss_ce'
        assert torch.allclose(weighted[key], factor * plain[key]), key
    with pytest.raises(ValueError, match='side_loss_weight'):
        _head(num_levels=2, side_loss_weight=[1.0])
    with pytest.raises(ValueError, match='side_loss_weight'):
        _head(num_levels=2, side_loss_weight=[[1.0, 1.0, 1.0], 1.0])


def _rrm_calls(head, inputs):
    calls = []
    handles = [rrm.register_forward_hook(
        lambda m, args, out: calls.append((m, args, out))) for rrms in head.branches
        for rrm in rrms]
    with torch.no_grad():
        head.forward_all(inputs)
    for h in handles:
        h.remove()
    return calls


def test_residual_learning_adds_each_refinement_to_the_previous_output():
    head = _head(num_steps=3).eval()
    calls = _rrm_calls(head, _inputs(sizes=SMALL_SIZES))
    assert len(calls) == 15
    for rrm, (x, prev), out in calls:
        assert torch.allclose(out, prev + rrm.residual_map(x))


def test_no_rrm_ablation_has_no_residual_addition():
    head = _head(num_steps=3, residual=False).eval()
    assert not hasattr(head, 'init_preds')
    calls = _rrm_calls(head, _inputs(sizes=SMALL_SIZES))
    assert len(calls) == 15
    for rrm, (x, prev), out in calls:
        assert prev is None
        assert torch.equal(out, rrm.residual_map(x))


def test_top_down_passing_within_a_step():
    head = _head(num_steps=1).eval()
    inputs = _inputs(sizes=[(16, 16), (16, 16), (8, 8), (4, 4), (2, 2)], requires_grad=True)
    _, sides = head.forward_all(inputs)
    # O_1^1 sees level 5 through O_1^2..O_1^5 at the same step ...
    sides[0][0].sum().backward(retain_graph=True)
    assert inputs[4].grad.abs().sum() > 0
    inputs[0].grad = None
    # ... while O_1^5 does not see level 1's features (only the AMDF, passed separately).
    sides[4][0].sum().backward()
    assert inputs[0].grad is None or inputs[0].grad.abs().sum() == 0


@pytest.mark.parametrize('level', [1, 3, 5])
def test_single_branch_test_output(level):
    head = _head(num_steps=2, test_output=level).eval()
    inputs = _inputs(sizes=SMALL_SIZES)
    with torch.no_grad():
        _, sides = head.forward_all(inputs)
        out = head(inputs)
    assert torch.equal(out, sides[level - 1][-1])
    with pytest.raises(ValueError, match='test_output'):
        _head(test_output=6)


def test_fusion_starts_as_the_average_and_amdf_resolution():
    head = _head(num_steps=2, branch_resolution='amdf').eval()
    with torch.no_grad():
        fused, sides = head.forward_all(_inputs(sizes=SMALL_SIZES))
    for side in sides:
        assert side[-1].shape == (1, 1, 17, 23)
    assert torch.allclose(fused, sum(s[-1] for s in sides) / 5, atol=1e-6)


def test_shared_step_weights():
    assert [len(b) for b in _head(num_steps=6).branches] == [6] * 5
    assert [len(b) for b in _head(num_steps=6, share_step_weights=True).branches] == [2] * 5
    assert [len(b) for b in _head(num_steps=1, share_step_weights=True).branches] == [1] * 5


def test_multi_class_outputs_and_loss():
    head = _head(num_levels=4, num_steps=2, num_classes=4).train()
    inputs = _inputs(4, 2, sizes=[(8, 8), (8, 8), (4, 4), (2, 2)])
    fused, sides = head(inputs)
    assert fused.shape == (2, 4, 8, 8) and sides[3][1].shape == (2, 4, 2, 2)
    losses = head.loss(inputs, _samples(2, (32, 32), num_classes=4), dict())
    assert len([k for k in losses if 'loss' in k]) == 1 + 4 * 2
    assert 'fuse.acc_seg' in losses
    # Softmax cross-entropy of a near-uniform start is close to log(4).
    assert abs(losses['fuse.loss_ce'].item() - math.log(4)) < 1.0


def test_bad_arguments():
    with pytest.raises(ValueError, match='at least 2 levels'):
        _head(in_channels=[6, 5])
    with pytest.raises(ValueError, match='num_steps'):
        _head(num_steps=0)
    with pytest.raises(ValueError, match='branch_resolution'):
        _head(branch_resolution='input')
    with pytest.raises(ValueError, match='input_transform'):
        _head(input_transform='resize_concat')


@pytest.mark.parametrize('avg_non_ignore', [False, True])
def test_sigmoid_loss_equals_the_base_heads_value(avg_non_ignore):
    """The one-label-check path gives BaseDecodeHead.loss_by_feat's value, term by term."""
    from mmseg.models.decode_heads.decode_head import BaseDecodeHead
    loss_decode = [dict(type='CrossEntropyLoss', use_sigmoid=True, avg_non_ignore=avg_non_ignore),
                   dict(type='CrossEntropyLoss', use_sigmoid=True, loss_weight=0.5)]
    head = _head(num_levels=2, loss_decode=loss_decode).train()
    inputs, samples = _inputs(2, 2, [(8, 8), (4, 4)]), _samples(2, (16, 16))
    fused, sides = head.forward_all(inputs)
    losses = head.loss_by_feat((fused, sides), samples)
    for key, logit in [('fuse', fused), ('level2_step1', sides[1][0])]:
        expected = BaseDecodeHead.loss_by_feat(head, logit, samples)['loss_ce']
        torch.testing.assert_close(losses[f'{key}.loss_ce'], expected, rtol=1e-6, atol=0)


def test_boundary_loss_equals_the_base_heads_value_with_weights_once_per_batch(monkeypatch):
    """With BoundaryWeightedBCELoss the head computes the label's border weights once per
    batch, not once per output, and every term keeps BaseDecodeHead.loss_by_feat's value."""
    from mmseg_r2mrf.models.losses import BoundaryWeightedBCELoss

    from mmseg.models.decode_heads.decode_head import BaseDecodeHead
    loss_decode = [dict(type='BoundaryWeightedBCELoss', radius=2),
                   dict(type='CrossEntropyLoss', use_sigmoid=True, loss_weight=0.5)]
    head = _head(num_levels=2, loss_decode=loss_decode).train()
    inputs, samples = _inputs(2, 2, [(8, 8), (4, 4)]), _samples(2, (16, 16))
    fused, sides = head.forward_all(inputs)
    calls = []
    original = BoundaryWeightedBCELoss.pixel_weights

    def counted(self, label, valid):
        calls.append(label.shape)
        return original(self, label, valid)

    monkeypatch.setattr(BoundaryWeightedBCELoss, 'pixel_weights', counted)
    losses = head.loss_by_feat((fused, sides), samples)
    assert len(calls) == 1
    for key, logit in [('fuse', fused), ('level2_step1', sides[1][0])]:
        expected = BaseDecodeHead.loss_by_feat(head, logit, samples)
        for name in ('loss_bwbce', 'loss_ce'):
            torch.testing.assert_close(losses[f'{key}.{name}'], expected[name], rtol=1e-6,
                                       atol=0)


def test_sigmoid_loss_refuses_labels_above_one():
    head = _head(num_levels=2).train()
    samples = _samples(1, (16, 16))
    samples[0].gt_sem_seg.data[0, 5, 5] = 2
    with pytest.raises(ValueError, match='labels 0, 1 or 255'):
        head.loss(_inputs(2, 1, [(8, 8), (4, 4)]), samples, dict())


def test_loss_of_a_bfloat16_forward_is_float32():
    head = _head(num_levels=2).train()
    with torch.autocast('cpu', dtype=torch.bfloat16):
        losses = head.loss(_inputs(2, 1, [(8, 8), (4, 4)]), _samples(1, (16, 16)), dict())
    assert all(v.dtype == torch.float32 for k, v in losses.items() if 'loss' in k)


def test_other_losses_take_the_base_heads_path():
    head = _head(num_levels=2, loss_decode=[
        dict(type='CrossEntropyLoss', use_sigmoid=True),
        dict(type='DiceLoss', use_sigmoid=True, loss_name='loss_dice')]).train()
    losses = head.loss(_inputs(2, 1, [(8, 8), (4, 4)]), _samples(1, (16, 16)), dict())
    assert {'fuse.loss_ce', 'fuse.loss_dice', 'level1_step2.loss_dice'} <= set(losses)
    assert all(torch.isfinite(v) for v in losses.values())
