"""DefocusTTAModel: TTA that averages probabilities (mmseg's SegTTAModel applies sigmoid twice)."""
import copy

import numpy as np
import torch
from mmcv.transforms import Compose
from mmengine.config import Config, ConfigDict
from mmengine.dataset import pseudo_collate
from mmengine.structures import PixelData

from mmseg_r2mrf.models.segmentors import DefocusTTAModel

from mmseg.registry import MODELS
from mmseg.structures import SegDataSample

from tiny_detector import TINY_MODEL


def tta_model(out_channels: int = 1):
    module = ConfigDict(copy.deepcopy(TINY_MODEL))  # test_cfg.mode needs attribute access
    module['decode_head']['out_channels'] = out_channels
    if out_channels > 1:
        module['decode_head']['loss_decode']['use_sigmoid'] = False
    model = MODELS.build(dict(type='DefocusTTAModel', module=module))
    model.eval()
    return model


def prediction(seg_logits: torch.Tensor, flip: bool) -> SegDataSample:
    sample = SegDataSample(metainfo=dict(img_path='a.jpg', flip=flip))
    sample.seg_logits = PixelData(data=seg_logits)
    sample.gt_sem_seg = PixelData(data=torch.ones(1, *seg_logits.shape[1:], dtype=torch.long))
    return sample


def test_one_channel_probabilities_are_averaged_not_sigmoided():
    model = tta_model()
    low, high = torch.full((1, 4, 6), 0.2), torch.full((1, 4, 6), 0.4)
    merged, = model.merge_preds([[prediction(low, False), prediction(high, True)]])
    torch.testing.assert_close(merged.seg_logits.data, torch.full((1, 4, 6), 0.3))
    # sigmoid(0.3) > 0.5 would mark every pixel blurred (mmseg's SegTTAModel).
    assert merged.pred_sem_seg.data.shape == (1, 4, 6)
    assert not merged.pred_sem_seg.data.any()
    assert merged.img_path == 'a.jpg' and merged.flip is False
    assert merged.gt_sem_seg.data.shape == (1, 4, 6)


def test_several_channels_keep_logits_whose_softmax_is_the_mean():
    model = tta_model(out_channels=2)
    generator = torch.Generator().manual_seed(0)
    logits = [torch.randn(2, 5, 7, generator=generator) * 3 for _ in range(3)]
    merged, = model.merge_preds([[prediction(x, False) for x in logits]])
    expected = torch.stack([x.softmax(0) for x in logits]).mean(0)
    torch.testing.assert_close(merged.seg_logits.data.softmax(0), expected)
    torch.testing.assert_close(merged.pred_sem_seg.data, expected.argmax(0, keepdim=True))


def test_flip_tta_equals_the_mean_of_the_two_plain_predictions():
    torch.manual_seed(0)
    model = tta_model()
    pipeline = Compose([
        dict(type='LoadImageFromNDArray'),
        dict(type='TestTimeAug', transforms=[
            [dict(type='RandomFlip', prob=0.0, direction='horizontal'),
             dict(type='RandomFlip', prob=1.0, direction='horizontal')],
            [dict(type='PackSegInputs')]]),
    ])
    image = np.random.default_rng(0).integers(0, 256, (32, 40, 3), dtype=np.uint8)
    data = pseudo_collate([pipeline(dict(img=image))])
    with torch.no_grad():
        plain = [model.module.test_step(dict(inputs=data['inputs'][i],
                                             data_samples=copy.deepcopy(data['data_samples'][i])))
                 [0].seg_logits.data for i in range(2)]
        merged, = model.test_step(data)
    assert not torch.equal(plain[0], plain[1])  # the flip matters for this model
    expected = (plain[0] + plain[1]) / 2
    torch.testing.assert_close(merged.seg_logits.data, expected)
    assert 0 <= expected.min() and expected.max() <= 1
    torch.testing.assert_close(merged.pred_sem_seg.data, (expected > 0.5).to(expected))


def test_default_runtime_tta_model_builds_around_the_model(repo_root):
    # As tools/test.py --tta does: the runtime's tta_model wraps the config's model.
    cfg = Config.fromfile(f'{repo_root}/configs/_base_/default_runtime.py')
    cfg.tta_model.module = ConfigDict(copy.deepcopy(TINY_MODEL))
    model = MODELS.build(cfg.tta_model)
    assert isinstance(model, DefocusTTAModel)
    assert model.module.decode_head.out_channels == 1
