"""ResNetWithStem / ResNeXtWithStem / ResNetV1cWithStem: mmseg's backbones plus the stem level."""
import pytest
import torch

import mmseg_r2mrf  # noqa: F401  (mmcv-lite fallback before mmseg)

from mmseg.models.backbones import ResNet, ResNetV1c, ResNeXt
from mmseg.registry import MODELS

TINY = dict(depth=18, stem_channels=8, base_channels=8)
TINY_X = dict(depth=50, stem_channels=16, base_channels=16, groups=4, base_width=4)


def _shapes(outs):
    return [tuple(o.shape) for o in outs]


@pytest.mark.parametrize('type_, parent, kwargs', [
    ('ResNetWithStem', ResNet, TINY),
    ('ResNeXtWithStem', ResNeXt, TINY_X),
    ('ResNetV1cWithStem', ResNetV1c, TINY),
])
def test_five_levels_and_stages_unchanged(type_, parent, kwargs, run_beside_parent):
    torch.manual_seed(0)
    model = MODELS.build(dict(type=type_, **kwargs))
    outs = run_beside_parent(model, parent(**kwargs), torch.randn(3, 3, 64, 96))
    assert len(outs) == 5
    # Level 1 is the stem after max-pool: stride 4, stem channels.
    assert tuple(outs[0].shape) == (3, kwargs['stem_channels'], 16, 24)
    # The hook lives for one call only.
    assert not model.maxpool._forward_hooks


def test_stem_is_the_pooled_stem():
    torch.manual_seed(0)
    model = MODELS.build(dict(type='ResNetWithStem', **TINY)).eval()
    x = torch.randn(1, 3, 33, 47)
    with torch.no_grad():
        expected = model.maxpool(model.relu(model.norm1(model.conv1(x))))
        stem = model(x)[0]
    assert torch.equal(stem, expected)


def test_before_pool_gives_stride_two():
    torch.manual_seed(0)
    model = MODELS.build(dict(type='ResNetWithStem', stem_output='before_pool', **TINY)).eval()
    x = torch.randn(1, 3, 64, 96)
    with torch.no_grad():
        outs = model(x)
        expected = model.relu(model.norm1(model.conv1(x)))
    assert _shapes(outs) == [(1, 8, 32, 48), (1, 8, 16, 24), (1, 16, 8, 12), (1, 32, 4, 6),
                             (1, 64, 2, 3)]
    assert torch.equal(outs[0], expected)


def test_resnext101_32x8d_width():
    # torchvision's resnext101_32x8d: 32 groups of 8 channels in the first stage.
    model = MODELS.build(dict(type='ResNeXtWithStem', depth=101, groups=32, base_width=8))
    conv2 = model.layer1[0].conv2
    assert (conv2.groups, conv2.out_channels) == (32, 256)
    assert len(model.layer3) == 23


def test_bad_stem_output_is_refused():
    with pytest.raises(ValueError, match='stem_output'):
        MODELS.build(dict(type='ResNeXtWithStem', stem_output='conv1', **TINY_X))


def test_local_pretrained_checkpoint(tmp_path):
    torch.manual_seed(0)
    source = MODELS.build(dict(type='ResNetWithStem', **TINY))
    path = tmp_path / 'tiny_resnet.pth'
    torch.save({'state_dict': source.state_dict()}, path)
    torch.manual_seed(1)
    model = MODELS.build(dict(type='ResNetWithStem', **TINY,
                              init_cfg=dict(type='Pretrained', checkpoint=str(path))))
    assert not torch.equal(model.conv1.weight, source.conv1.weight)
    model.init_weights()
    for key, value in source.state_dict().items():
        assert torch.equal(model.state_dict()[key], value), key


def test_torchvision_state_dict_loads_without_conversion(tmp_path):
    """The configs' comment: torchvision ResNet files load as they are, only fc.* unused."""
    import torchvision
    torch.manual_seed(0)
    reference = torchvision.models.resnet18().state_dict()
    path = tmp_path / 'resnet18.pth'
    torch.save(reference, path)  # a bare state_dict, as torchvision saves it
    model = MODELS.build(dict(type='ResNetWithStem', depth=18,
                              init_cfg=dict(type='Pretrained', checkpoint=str(path))))
    model.init_weights()
    loaded = model.state_dict()
    assert set(reference) - set(loaded) == {'fc.weight', 'fc.bias'}
    for key, value in loaded.items():
        assert torch.equal(value, reference[key]), key


def test_missing_pretrained_checkpoint_names_the_file(tmp_path):
    missing = tmp_path / 'pretrain' / 'resnext.pth'
    model = MODELS.build(dict(type='ResNeXtWithStem', **TINY_X,
                              init_cfg=dict(type='Pretrained', checkpoint=str(missing))))
    with pytest.raises(FileNotFoundError, match='resnext.pth'):
        model.init_weights()
