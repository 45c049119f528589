"""tools/convert_weights.py: torchvision files -> mmseg/mmpretrain backbones, equal features.

Small, randomly initialised torchvision models of each family (ResNet-18, ResNeXt-50 32x4d,
VGG-11 with and without BN, DenseNet-121) are saved to disk like torchvision's ImageNet files;
the big ones (ResNeXt-101 32x8d, VGG-16, DenseNet-161) take the same code path.
"""
import os
import os.path as osp

import pytest
import torch
import torchvision
from mmpretrain.models.backbones import VGG, DenseNet

import mmseg_r2mrf  # noqa: F401  (mmcv-lite ops fallback before mmseg is imported)
from mmseg_r2mrf.models.backbones.weight_conversion import convert

from mmseg.models.backbones import ResNet, ResNeXt

from tiny_data import exit_status, load_tool, randomise_bn, run_tool


@pytest.fixture(scope='module')
def tool():
    return load_tool('convert_weights')


def _save(model: torch.nn.Module, path) -> str:
    torch.save(model.state_dict(), path)
    return str(path)


def _convert(tool, capsys, src: str, dst: str, *extra: str) -> str:
    assert tool.main([src, dst, *extra]) == 0
    return capsys.readouterr().out


def _load_strict(backbone: torch.nn.Module, dst: str) -> torch.nn.Module:
    checkpoint = torch.load(dst, map_location='cpu', weights_only=True)
    backbone.load_state_dict(checkpoint['state_dict'], strict=True)
    backbone.eval()  # mmseg/mmpretrain backbones' train() returns None
    return backbone


def _torchvision_resnet_features(model, x):
    x = model.maxpool(model.relu(model.bn1(model.conv1(x))))
    outs = []
    for layer in (model.layer1, model.layer2, model.layer3, model.layer4):
        x = layer(x)
        outs.append(x)
    return outs


@pytest.mark.parametrize('name,backbone', [
    ('resnet18', lambda: ResNet(depth=18, out_indices=(0, 1, 2, 3))),
    ('resnext50_32x4d',
     lambda: ResNeXt(depth=50, groups=32, base_width=4, out_indices=(0, 1, 2, 3))),
])
def test_resnet_family_features_equal(tool, capsys, tmp_path, name, backbone):
    torch.manual_seed(0)
    reference = randomise_bn(getattr(torchvision.models, name)(), seed=1).eval()
    dst = str(tmp_path / 'converted.pth')
    printed = _convert(tool, capsys, _save(reference, tmp_path / f'{name}.pth'), dst)
    model = _load_strict(backbone(), dst)
    x = torch.randn(1, 3, 64, 64)
    with torch.no_grad():
        for ours, theirs in zip(model(x), _torchvision_resnet_features(reference, x), strict=True):
            torch.testing.assert_close(ours, theirs)
    assert ("'type': 'ResNeXt'" in printed) == name.startswith('resnext')


@pytest.mark.parametrize('batch_norm', [False, True])
def test_vgg_features_equal(tool, capsys, tmp_path, batch_norm):
    torch.manual_seed(0)
    reference = getattr(torchvision.models, 'vgg11_bn' if batch_norm else 'vgg11')()
    # Same keys as torchvision's classifier (left out by name), without its 100 M weights.
    reference.classifier[0] = torch.nn.Linear(512 * 7 * 7, 4)
    reference.classifier[3] = torch.nn.Linear(4, 4)
    reference.classifier[6] = torch.nn.Linear(4, 10)
    randomise_bn(reference, seed=2).eval()
    dst = str(tmp_path / 'vgg.pth')
    _convert(tool, capsys, _save(reference, tmp_path / 'vgg11.pth'), dst)
    model = _load_strict(
        VGG(depth=11, out_indices=(0, 1, 2, 3, 4),
            norm_cfg=dict(type='BN') if batch_norm else None), dst)
    x = torch.randn(1, 3, 64, 64)
    expected, feature = [], x
    with torch.no_grad():
        for layer in reference.features:
            feature = layer(feature)
            if isinstance(layer, torch.nn.MaxPool2d):
                expected.append(feature)
        for ours, theirs in zip(model(x), expected, strict=True):
            torch.testing.assert_close(ours, theirs)


@pytest.mark.parametrize('old_key_names', [False, True])
def test_densenet_features_equal(tool, capsys, tmp_path, old_key_names):
    torch.manual_seed(0)
    reference = randomise_bn(torchvision.models.densenet121(), seed=3).eval()
    state_dict = reference.state_dict()
    if old_key_names:  # as in the files torchvision downloads: 'denselayer1.norm.1.weight'
        state_dict = {k.replace('.norm1.', '.norm.1.').replace('.conv2.', '.conv.2.'): v
                      for k, v in state_dict.items()}
    torch.save(state_dict, tmp_path / 'densenet121.pth')
    dst = str(tmp_path / 'densenet.pth')
    printed = _convert(tool, capsys, str(tmp_path / 'densenet121.pth'), dst)
    model = _load_strict(DenseNet(arch='121', out_indices=[0, 1, 2, 3]), dst)
    x = torch.randn(1, 3, 64, 64)
    expected, feature = [], x
    with torch.no_grad():
        for name, layer in reference.features.named_children():
            feature = layer(feature)
            if name.startswith('transition'):
                expected.append(feature)
        expected.append(torch.relu(feature))  # norm5 + the ReLU of DenseNet.forward
        for ours, theirs in zip(model(x), expected, strict=True):
            torch.testing.assert_close(ours, theirs)
    assert "'arch': '121'" in printed


def test_printed_config_builds_and_loads_through_init_cfg(tool, capsys, tmp_path):
    from mmseg.registry import MODELS
    torch.manual_seed(0)
    reference = randomise_bn(torchvision.models.resnext50_32x4d(), seed=4).eval()
    dst = str(tmp_path / 'converted.pth')
    src = _save(reference, tmp_path / 'resnext.pth')
    _, backbone_cfg, _ = convert(torch.load(src, weights_only=True))
    _convert(tool, capsys, src, dst)
    backbone_cfg.update(out_indices=(3, ), init_cfg=dict(type='Pretrained', checkpoint=dst))
    model = MODELS.build(backbone_cfg)
    model.init_weights()
    model.eval()
    x = torch.randn(1, 3, 64, 64)
    with torch.no_grad():
        torch.testing.assert_close(model(x)[0], _torchvision_resnet_features(reference, x)[3])


def test_refuses_to_overwrite_without_force(tool, capsys, tmp_path):
    src = _save(torchvision.models.resnet18(), tmp_path / 'resnet18.pth')
    dst = tmp_path / 'out.pth'
    dst.write_bytes(b'user data')
    assert exit_status(tool, [src, str(dst)]) == 2
    assert '--force' in capsys.readouterr().err
    assert dst.read_bytes() == b'user data'
    assert tool.main([src, str(dst), '--force']) == 0
    assert 'fc.weight' not in torch.load(dst, weights_only=True)['state_dict']
    assert [p for p in os.listdir(tmp_path) if p.endswith('.tmp')] == []


def test_openmmlab_and_foreign_files_are_not_converted(tool, capsys, tmp_path):
    mmpretrain_file = _save(VGG(depth=11), tmp_path / 'mmpretrain_vgg.pth')
    assert exit_status(tool, [mmpretrain_file, str(tmp_path / 'a.pth')]) == 2
    assert 'loads without conversion' in capsys.readouterr().err
    foreign = _save(torch.nn.Sequential(torch.nn.Linear(2, 2)), tmp_path / 'foreign.pth')
    assert exit_status(tool, [foreign, str(tmp_path / 'b.pth')]) == 2
    assert 'not a torchvision' in capsys.readouterr().err
    assert exit_status(tool, [str(tmp_path / 'missing.pth'), str(tmp_path / 'c.pth')]) == 2
    assert 'no such file' in capsys.readouterr().err
    pickled_model = tmp_path / 'model.pth'
    torch.save(torch.nn.Linear(2, 2), pickled_model)  # a whole module: refused, not run
    assert exit_status(tool, [str(pickled_model), str(tmp_path / 'd.pth')]) == 2
    assert 'state_dict' in capsys.readouterr().err
    assert not any(osp.exists(tmp_path / f'{n}.pth') for n in 'abcd')


def test_command_line(tmp_path):
    src = _save(torchvision.models.resnet18(), tmp_path / 'resnet18.pth')
    result = run_tool('convert_weights.py', src, str(tmp_path / 'out.pth'))
    assert result.returncode == 0, result.stderr
    assert "'type': 'ResNet', 'depth': 18" in result.stdout
