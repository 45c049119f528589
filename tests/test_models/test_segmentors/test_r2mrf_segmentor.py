"""R²MRF end to end in mmseg's EncoderDecoder: losses, gradients, prediction, a tiny overfit."""
import pytest
import torch
from mmengine.optim import OptimWrapper

import mmseg_r2mrf  # noqa: F401  (mmcv-lite fallback before mmseg)


def _loss_inputs(model, batch):
    data = model.data_preprocessor(batch, training=True)
    return data['inputs'], data['data_samples']


def test_31_loss_terms_summed_and_gradients_reach_every_rrm_and_the_backbone(
        build_tiny, make_batch):
    model = build_tiny(num_steps=6).train()
    inputs, samples = _loss_inputs(model, make_batch([(32, 32), (32, 32)]))
    losses = model.loss(inputs, samples)
    loss_keys = [k for k in losses if 'loss' in k]
    assert len(loss_keys) == 31
    assert all(torch.isfinite(losses[k]) for k in loss_keys)
    total, log_vars = model.parse_losses(losses)
    assert torch.allclose(total, sum(losses[k] for k in loss_keys))
    total.backward()
    for part in ('backbone', 'neck', 'decode_head'):
        for name, param in getattr(model, part).named_parameters():
            assert param.grad is not None and param.grad.abs().sum() > 0, f'{part}.{name}'
    assert sum(len(b) for b in model.decode_head.branches) == 30


@pytest.mark.parametrize('sizes', [[(45, 67)] * 3, [(321, 479)]])
def test_predict_gives_probabilities_at_the_input_size(build_tiny, make_batch, sizes):
    model = build_tiny(num_steps=2).eval()
    data = model.data_preprocessor(make_batch(sizes), training=False)
    with torch.no_grad():
        results = model.predict(data['inputs'], data['data_samples'])
        # The fusion has no ReLU (Eq. 5 deviation): a negative bias gives probabilities < 0.5.
        model.decode_head.fuse.bias.fill_(-20.0)
        low = model.predict(data['inputs'], data['data_samples'])
    assert len(results) == len(sizes)
    for result, size in zip(results, sizes):
        probs = result.seg_logits.data
        assert probs.shape == (1, *size)
        assert probs.min() >= 0 and probs.max() <= 1
        assert torch.equal(result.pred_sem_seg.data, (probs > 0.5).to(result.pred_sem_seg.data))
    for result in low:
        assert result.seg_logits.data.max() < 0.5
        assert result.pred_sem_seg.data.sum() == 0


def test_a_few_steps_on_one_pair_reduce_the_loss(build_tiny, make_batch):
    model = build_tiny(num_steps=2).train()
    optim = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9))
    batch = make_batch([(64, 64)])
    totals = []
    for _ in range(12):
        log_vars = model.train_step(batch, optim)
        totals.append(float(log_vars['loss']))
    assert all(torch.isfinite(torch.tensor(totals)))
    assert totals[-1] < 0.7 * totals[0], totals


def test_multi_class_trains_a_step_and_predicts_labels(build_tiny, make_batch):
    model = build_tiny(num_classes=4, num_steps=2).train()
    optim = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.01))
    before = model.decode_head.fuse.weight.detach().clone()
    batch = make_batch([(48, 64), (48, 64)], num_classes=4)
    log_vars = model.train_step(batch, optim)
    assert torch.isfinite(torch.tensor(float(log_vars['loss'])))
    assert 'decode.fuse.acc_seg' in log_vars
    assert not torch.equal(before, model.decode_head.fuse.weight)
    model.eval()
    data = model.data_preprocessor(make_batch([(45, 67)], num_classes=4), training=False)
    with torch.no_grad():
        result = model.predict(data['inputs'], data['data_samples'])[0]
    assert result.seg_logits.data.shape == (4, 45, 67)
    labels = result.pred_sem_seg.data
    assert labels.shape == (1, 45, 67)
    assert torch.equal(labels[0], result.seg_logits.data.argmax(0))
    assert set(labels.unique().tolist()) <= {0, 1, 2, 3}
