"""mmseg imports and runs on mmcv-lite; compiled ops fail with a clear message; with full mmcv
(tools/build_mmcv.sh) the layer stands aside."""
import subprocess
import sys
import textwrap

import pytest
import torch
import torch.nn.functional as F

from mmseg_r2mrf.compat.mmcv_ops import has_compiled_mmcv_ops, sigmoid_focal_loss

# `make test` runs on mmcv-lite; the same suite run in an environment where tools/build_mmcv.sh
# installed full mmcv checks the other side.
lite_only = pytest.mark.skipif(
    has_compiled_mmcv_ops(), reason='full mmcv is installed: the fallback is not in use')
full_only = pytest.mark.skipif(
    not has_compiled_mmcv_ops(), reason='mmcv-lite is installed (tools/build_mmcv.sh installs '
    'full mmcv); test_layer_does_nothing_with_full_mmcv fakes it instead')


def _python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, '-c', textwrap.dedent(code)], capture_output=True,
                          text=True, timeout=120)


@lite_only
def test_mmseg_needs_the_layer_and_imports_with_it():
    bare = _python('import mmseg.utils')
    assert bare.returncode != 0 and "No module named 'mmcv._ext'" in bare.stderr
    plugged = _python('''
        import mmseg_r2mrf
        import mmseg.utils, mmseg.models, mmseg.datasets, mmseg.apis
        import mmpretrain.models
        print('ok')
    ''')
    assert plugged.returncode == 0, plugged.stderr[-2000:]
    assert plugged.stdout.strip().endswith('ok')


@lite_only
def test_point_sample_is_bilinear_grid_sample():
    from mmcv.ops import point_sample

    from mmseg.models.utils import point_sample as mmseg_point_sample  # module-level import
    features = torch.randn(2, 3, 7, 9)
    points = torch.rand(2, 5, 2)
    expected = F.grid_sample(features, 2 * points[:, :, None] - 1, align_corners=False)[..., 0]
    torch.testing.assert_close(point_sample(features, points), expected)
    assert mmseg_point_sample is not None


@pytest.mark.parametrize('reduction', ['none', 'mean', 'sum'])
def test_sigmoid_focal_loss_matches_mmsegs_pytorch_version(reduction):
    # mmseg's own pure-PyTorch focal loss, on one-hot targets, is the reference.
    from mmseg.models.losses.focal_loss import py_sigmoid_focal_loss
    logits = torch.randn(6, 4)
    target = torch.tensor([0, 3, 4, 1, 2, 4])  # 4 = background
    one_hot = F.one_hot(target, 5)[:, :4].float()
    reference = py_sigmoid_focal_loss(logits, one_hot, gamma=2.0, alpha=0.25, reduction='none')
    if reduction == 'mean':  # mmcv divides the sum by the number of rows
        reference = reference.sum() / logits.size(0)
    elif reduction == 'sum':
        reference = reference.sum()
    torch.testing.assert_close(sigmoid_focal_loss(logits, target, reduction=reduction),
                               reference)


def test_sigmoid_focal_loss_refuses_a_weight():
    with pytest.raises(NotImplementedError, match='full mmcv'):
        sigmoid_focal_loss(torch.randn(2, 3), torch.tensor([0, 3]), weight=torch.ones(3))


@lite_only
def test_fallback_exports_what_mmcv_ops_exports_from_point_sample():
    import mmcv.ops
    public = {name for name in vars(mmcv.ops) if not name.startswith('_')}
    assert public == {'point_sample', 'rel_roi_point_to_rel_img_point', 'SimpleRoIAlign',
                      'sigmoid_focal_loss'}


@lite_only
def test_mmseg_focal_loss_uses_the_fallback():
    from mmseg.models.losses import focal_loss
    assert focal_loss._sigmoid_focal_loss is sigmoid_focal_loss
    logits, target = torch.randn(5, 3), torch.tensor([0, 1, 2, 3, 1])
    value = focal_loss.sigmoid_focal_loss(logits, target, None, reduction='mean')
    assert torch.isfinite(value) and value > 0


@lite_only
def test_compiled_ops_raise_a_clear_error():
    with pytest.raises(ModuleNotFoundError, match='full mmcv'):
        from mmcv.ops import DeformConv2d  # noqa: F401
    with pytest.raises(ModuleNotFoundError, match='full mmcv'):
        import mmcv.ops.roi_align  # noqa: F401
    # Used for real: mmseg guards the import, then refuses to build the head.
    from mmseg.registry import MODELS
    with pytest.raises(RuntimeError, match='mmcv-full'):
        MODELS.build(dict(type='CCHead', in_channels=8, channels=4, num_classes=2))


def test_layer_does_nothing_with_full_mmcv(tmp_path):
    from mmseg_r2mrf.compat import mmcv_ops
    (tmp_path / '_ext.py').write_text('')  # what full mmcv ships, as far as the check goes
    # Only the layer's own file: importing the whole plugin would import mmcv.ops for real.
    result = _python(f'''
        import importlib.util, sys, mmcv
        mmcv.__path__.append({str(tmp_path)!r})
        spec = importlib.util.spec_from_file_location('layer', {mmcv_ops.__file__!r})
        layer = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(layer)
        print(layer.install_mmcv_ops_fallback(), 'mmcv.ops' in sys.modules)
    ''')
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ['False', 'False']


@full_only
def test_real_full_mmcv_is_left_untouched():
    result = _python('''
        import mmseg_r2mrf
        import torch
        import mmcv.ops
        from mmcv.ops import RoIAlign, nms, point_sample
        from mmseg.models.losses import focal_loss
        boxes = torch.tensor([[0., 0., 10., 10.], [1., 1., 10., 10.], [20., 20., 30., 30.]])
        _, keep = nms(boxes, torch.tensor([0.9, 0.8, 0.7]), iou_threshold=0.5)
        print(keep.tolist(), point_sample.__module__,
              focal_loss._sigmoid_focal_loss is mmcv.ops.sigmoid_focal_loss)
    ''')
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ['[0,', '2]', 'mmcv.ops.point_sample', 'True']


@lite_only
def test_missing_deformable_attention_warning_is_silenced_and_others_are_not():
    bare = _python('''
        import warnings
        try:
            import mmcv.cnn.bricks.transformer
        except ModuleNotFoundError:
            pass
    ''')
    assert 'MultiScaleDeformableAttention' in bare.stderr  # mmcv-lite does warn without us
    plugged = _python('''
        import warnings
        import mmseg_r2mrf
        import mmcv.cnn.bricks.transformer, mmseg.models
        warnings.warn('a real warning')
    ''')
    assert plugged.returncode == 0, plugged.stderr[-2000:]
    assert 'MultiScaleDeformableAttention' not in plugged.stderr
    assert 'UserWarning: a real warning' in plugged.stderr


def test_apply_is_explicit_and_idempotent():
    """The package's import applied the layer; applying it again changes nothing."""
    import mmcv.ops
    import mmengine.runner.runner as mmengine_runner

    import mmseg_r2mrf
    from mmseg_r2mrf import compat

    assert mmseg_r2mrf.apply_compat is compat.apply and compat._applied
    ops, finder = mmcv.ops, mmengine_runner.find_latest_checkpoint
    compat.apply()
    assert mmcv.ops is ops and mmengine_runner.find_latest_checkpoint is finder
