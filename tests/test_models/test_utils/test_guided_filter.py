"""The guided filter follows the guide's edges; GuidedFilterRefiner and DefocusEncoderDecoder."""
import copy

import pytest
import torch

from mmseg_r2mrf.models.utils import guided_filter
from mmseg_r2mrf.models.utils.guided_filter import box_mean

from mmseg.registry import MODELS

from tiny_data import tiny_r2mrf_cfg


def _step(width: int = 64) -> torch.Tensor:
    """(1, 1, 16, width): 0 left of the middle column, 1 from it."""
    image = torch.zeros(1, 1, 16, width)
    image[..., width // 2:] = 1.0
    return image


def test_noise_is_smoothed_and_the_guide_edge_kept():
    sharp = _step()
    noisy = sharp + 0.2 * torch.randn(sharp.shape, generator=torch.Generator().manual_seed(0))
    refined = guided_filter(sharp, noisy, radius=6, eps=1e-3)
    smoothed = box_mean(noisy, 6)  # what a filter blind to the image does: blurs the edge
    error = {name: float((m - sharp).abs().mean())
             for name, m in (('noisy', noisy), ('refined', refined), ('smoothed', smoothed))}
    assert error['refined'] < 0.3 * error['noisy'] and error['refined'] < 0.5 * error['smoothed']
    # The edge stays where the guide has it: a jump of most of the way in one pixel.
    profile = refined[0, 0].mean(0)
    assert float(profile[32] - profile[31]) > 0.8


def test_flat_guide_gives_the_local_mean():
    src = torch.rand(1, 1, 20, 20)
    flat = torch.full((1, 1, 20, 20), 0.5)
    torch.testing.assert_close(guided_filter(flat, src, 3, 1e-3), box_mean(box_mean(src, 3), 3))


def test_refiner_keeps_shape_and_refuses_softmax_logits():
    refiner = MODELS.build(dict(type='GuidedFilterRefiner', radius=4, eps=1e-3))
    images = torch.randn(2, 3, 24, 40)
    logits = torch.randn(2, 1, 24, 40)
    refined = refiner(logits, images)
    assert refined.shape == logits.shape and torch.isfinite(refined).all()
    with pytest.raises(ValueError, match='one-channel'):
        refiner(torch.randn(2, 3, 24, 40), images)
    with pytest.raises(ValueError, match='radius'):
        MODELS.build(dict(type='GuidedFilterRefiner', radius=0))


def _segmentors():
    plain = tiny_r2mrf_cfg()
    plain.type = 'DefocusEncoderDecoder'
    refined = copy.deepcopy(plain)
    refined.refine_cfg = dict(type='GuidedFilterRefiner', radius=4, eps=1e-3)
    torch.manual_seed(0)
    plain_model = MODELS.build(plain)
    refined_model = MODELS.build(refined)
    refined_model.load_state_dict(plain_model.state_dict())
    return plain_model, refined_model


def test_refinement_changes_prediction_only(make_batch):
    plain, refined = _segmentors()
    batch = make_batch([(40, 56)])
    plain.train(), refined.train()
    data = plain.data_preprocessor(copy.deepcopy(batch), training=True)
    torch.manual_seed(1)
    plain_loss = plain.loss(data['inputs'], data['data_samples'])
    torch.manual_seed(1)
    refined_loss = refined.loss(data['inputs'], data['data_samples'])
    for key in plain_loss:
        assert torch.equal(plain_loss[key], refined_loss[key]), key
    plain.eval(), refined.eval()
    data = plain.data_preprocessor(copy.deepcopy(batch), training=False)
    with torch.no_grad():
        logits = plain.encode_decode(data['inputs'], [s.metainfo for s in data['data_samples']])
        expected = refined.refiner(logits, data['inputs'])
        result = refined.predict(data['inputs'], data['data_samples'])[0]
    assert result.seg_logits.data.shape == (1, 40, 56)
    torch.testing.assert_close(result.seg_logits.data, expected.sigmoid()[0, :, :40, :56])
    assert not torch.allclose(expected, logits)
