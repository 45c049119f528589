"""mmseg_r2mrf.apis.DefocusDetector: paths and arrays, any size, sliding window, checkpoints that
must fit, summaries, clear errors."""
import logging
import os.path as osp
import subprocess
import sys

import cv2
import numpy as np
import pytest
import torch
from mmcv.transforms import LoadImageFromFile
from mmengine.logging import MMLogger
from PIL import Image

from mmseg_r2mrf.apis import DefocusDetector, read_image, summarize_blur_map
from mmseg_r2mrf.compat import CheckpointMismatchError, CheckpointReadError

from tiny_data import REPO_ROOT, textured_image


@pytest.fixture(scope='module')
def detector(tiny):
    return DefocusDetector(*tiny, device='cpu', large_image='slide', slide_above=64,
                           crop_size=32, stride=24)


def test_reachable_after_importing_the_package_alone():
    """``import mmseg_r2mrf`` (what configs' custom_imports do) is enough, in a fresh process."""
    code = ('import mmseg_r2mrf; '
            'print(mmseg_r2mrf.apis.DefocusDetector.__module__)')
    result = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.split() == ['mmseg_r2mrf.apis.defocus_detector']


@pytest.mark.parametrize('ignore_orientation', [True, False])
def test_files_are_read_as_the_config_loader_reads_them(exif_rotated, tiny, ignore_orientation):
    """An EXIF-rotated JPEG: the dataset configs' loader keeps it as stored (as its mask is),
    mmcv's default loader rotates it; the detector follows its config either way."""
    config = exif_rotated['config'] if ignore_orientation else tiny[0]
    color_type = 'color_ignore_orientation' if ignore_orientation else 'color'
    detector = DefocusDetector(config, exif_rotated['checkpoint'])
    loaded = LoadImageFromFile(color_type=color_type)(dict(img_path=exif_rotated['image']))
    np.testing.assert_array_equal(detector.read_image(exif_rotated['image']), loaded['img'])
    height, width = exif_rotated['stored_shape']
    expected = (height, width) if ignore_orientation else (width, height)
    assert loaded['ori_shape'] == expected
    assert detector.predict(exif_rotated['image']).shape == expected


@pytest.mark.parametrize('height,width', [(37, 53), (48, 48)])
def test_path_and_array_give_the_same_map(detector, tmp_path, height, width):
    image = textured_image(height, width)
    path = str(tmp_path / 'image.png')
    cv2.imwrite(path, image)
    from_path = detector.predict(path)
    from_array = detector.predict(image)
    assert from_path.dtype == np.float32 and from_path.shape == (height, width)
    assert 0.0 <= from_path.min() and from_path.max() <= 1.0
    assert from_path.std() > 0  # a real map, not a constant
    np.testing.assert_array_equal(from_path, from_array)


def test_agrees_with_the_model_test_step(detector, tiny):
    """Same probabilities as mmseg's own inference_model (one-channel: sigmoid once)."""
    from mmseg.apis import inference_model, init_model
    image = textured_image(40, 56, seed=3)
    model = init_model(tiny[0], tiny[1], device='cpu')
    expected = inference_model(model, image).seg_logits.data[0].numpy()
    np.testing.assert_allclose(detector.predict(image), expected, atol=1e-6)


def test_grey_and_rgba_inputs(detector, tmp_path):
    bgr = textured_image(30, 41)
    grey = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
    cv2.imwrite(str(tmp_path / 'grey.png'), grey)
    np.testing.assert_array_equal(detector.predict(str(tmp_path / 'grey.png')),
                                  detector.predict(grey))
    np.testing.assert_array_equal(detector.predict(grey),
                                  detector.predict(cv2.cvtColor(grey, cv2.COLOR_GRAY2BGR)))
    bgra = cv2.cvtColor(bgr, cv2.COLOR_BGR2BGRA)
    bgra[..., 3] = 7  # alpha is ignored
    cv2.imwrite(str(tmp_path / 'rgba.png'), bgra)
    np.testing.assert_array_equal(detector.predict(str(tmp_path / 'rgba.png')),
                                  detector.predict(bgr))


def test_sliding_window_above_the_size_limit(detector, monkeypatch):
    calls = []
    slide = detector.model.slide_inference

    def spy(inputs, metas):
        calls.append(tuple(inputs.shape[2:]))
        return slide(inputs, metas)

    monkeypatch.setattr(detector.model, 'slide_inference', spy)
    small = detector.predict(textured_image(64, 40))
    assert calls == [] and small.shape == (64, 40)
    large = detector.predict(textured_image(70, 90))
    assert calls == [(70, 90)]  # the whole image, which slide_inference cuts into crops
    assert large.shape == (70, 90) and 0.0 <= large.min() and large.max() <= 1.0
    assert detector.model.test_cfg['mode'] == 'whole'  # restored after the call


def test_large_images_are_predicted_at_the_working_resolution(tiny, monkeypatch):
    detector = DefocusDetector(*tiny, long_side=48)
    assert detector.large_image == 'resize'
    shapes = []
    test_step = detector.model.test_step

    def spy(batch):
        shapes.append(tuple(batch['inputs'][0].shape[1:]))
        return test_step(batch)

    monkeypatch.setattr(detector.model, 'test_step', spy)
    image = textured_image(70, 90)
    blur = detector.predict(image)
    assert shapes == [(37, 48)]  # the longer side brought to 48, the aspect kept
    assert blur.shape == (70, 90) and blur.dtype == np.float32
    assert 0.0 <= blur.min() and blur.max() <= 1.0
    # The map is the working-resolution map enlarged.
    small = DefocusDetector(*tiny).predict(cv2.resize(image, (48, 37),
                                                      interpolation=cv2.INTER_AREA))
    np.testing.assert_allclose(cv2.resize(blur, (48, 37), interpolation=cv2.INTER_AREA), small,
                               atol=0.08)
    shapes.clear()
    assert detector.predict(textured_image(40, 30)).shape == (40, 30)
    assert shapes == [(40, 30)]  # never enlarged


def test_working_resolution_comes_from_the_config(tiny, tmp_path):
    from mmengine.config import Config

    from mmseg_r2mrf_onnx import DEFAULT_LONG_SIDE
    assert DefocusDetector(*tiny).long_side == DEFAULT_LONG_SIDE  # no train_long_side
    cfg = Config.fromfile(tiny[0])
    cfg.train_long_side = 100
    assert DefocusDetector(cfg, tiny[1]).long_side == 100
    assert DefocusDetector(cfg, tiny[1], long_side=200).long_side == 200
    with pytest.raises(ValueError, match='large_image'):
        DefocusDetector(*tiny, large_image='tile')
    with pytest.raises(ValueError, match='long_side'):
        DefocusDetector(*tiny, long_side=8)


def test_dataset_configs_name_their_training_scale():
    from mmengine.config import Config
    for base, long_side in (('shi', 640), ('dut', 480), ('synthetic_defocus', 640)):
        cfg = Config.fromfile(osp.join(REPO_ROOT, 'configs', '_base_', 'datasets', f'{base}.py'))
        assert cfg.train_long_side == long_side, base


def _changed_checkpoint(tiny, path, change) -> str:
    checkpoint = torch.load(tiny[1], map_location='cpu', weights_only=True)
    change(checkpoint['state_dict'])
    torch.save(checkpoint, path)
    return str(path)


def test_checkpoint_must_fit_the_config(tiny, tmp_path):
    """Missing, unexpected and reshaped weights are an error listing the keys (mmengine would
    only warn and predict with random weights)."""
    partial = _changed_checkpoint(
        tiny, tmp_path / 'partial.pth',
        lambda state: state.pop('decode_head.conv_seg.weight'))
    with pytest.raises(CheckpointMismatchError,
                       match=r'partial.pth does not fit.*missing keys: decode_head.conv_seg'):
        DefocusDetector(tiny[0], partial)
    reshaped = _changed_checkpoint(
        tiny, tmp_path / 'reshaped.pth',
        lambda state: state.update({'decode_head.conv_seg.weight': torch.zeros(2, 8, 1, 1)}))
    with pytest.raises(CheckpointMismatchError, match=r'conv_seg.weight \(2, 8, 1, 1\) vs'):
        DefocusDetector(tiny[0], reshaped)
    extra = _changed_checkpoint(tiny, tmp_path / 'extra.pth',
                                lambda state: state.update({'auxiliary.weight': torch.ones(1)}))
    with pytest.raises(CheckpointMismatchError, match='unexpected keys: auxiliary.weight'):
        DefocusDetector(tiny[0], extra)


def test_allow_partial_loads_what_fits_with_a_warning(tiny, tmp_path):
    partial = _changed_checkpoint(
        tiny, tmp_path / 'partial.pth',
        lambda state: state.pop('decode_head.conv_seg.weight'))
    # MMLogger calls its own handlers only (no propagation to pytest's caplog).
    records = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = records.append
    logger = MMLogger.get_current_instance()
    logger.addHandler(handler)
    try:
        detector = DefocusDetector(tiny[0], partial, allow_partial=True)
    finally:
        logger.removeHandler(handler)
    assert any('missing keys: decode_head.conv_seg.weight' in record.getMessage()
               for record in records)
    expected = torch.load(tiny[1], map_location='cpu', weights_only=True)['state_dict']
    loaded = detector.model.state_dict()
    for key, value in expected.items():
        if key != 'decode_head.conv_seg.weight':
            torch.testing.assert_close(loaded[key], value, rtol=0, atol=0)


@pytest.mark.parametrize('content,problem', [(b'', 'is empty'),
                                             (b'<html>login</html>', 'HTML page')])
def test_broken_checkpoint_files_are_named_with_their_problem(tiny, tmp_path, content, problem):
    broken = tmp_path / 'broken.pth'
    broken.write_bytes(content)
    with pytest.raises(CheckpointReadError, match=f'broken.pth.*{problem}'):
        DefocusDetector(tiny[0], str(broken))


def test_summarize_is_the_summary_of_the_prediction(detector, tmp_path):
    image = textured_image(30, 44, seed=7)
    path = str(tmp_path / 'image.png')
    cv2.imwrite(path, image)
    for threshold in (0.5, float(np.median(detector.predict(image)))):
        summary = detector.summarize(path, threshold)
        assert summary == summarize_blur_map(detector.predict(image), threshold, image=path)
        assert summary['image'] == path
    assert detector.summarize(image)['image'] is None


@pytest.mark.parametrize('mode,dtype,what', [('F', np.float32, 'floating-point'),
                                             ('I', np.int32, 'integer')])
def test_wide_sample_tiffs_are_named(detector, tmp_path, mode, dtype, what):
    """Pillow reads them, the config's cv2 loader cannot: the error says why."""
    path = tmp_path / f'wide_{mode}.tif'
    Image.fromarray((np.arange(12 * 16).reshape(12, 16) % 200).astype(dtype)).save(path)
    with pytest.raises(ValueError, match=f'wide_{mode}.tif: cv2 cannot decode it.*32-bit {what}'):
        detector.read_image(path)


def test_bad_inputs_give_clear_errors(detector, tiny, tmp_path, monkeypatch):
    with pytest.raises(FileNotFoundError, match='missing.png'):
        detector.predict(str(tmp_path / 'missing.png'))
    (tmp_path / 'junk.png').write_bytes(b'not an image')
    with pytest.raises(ValueError, match='junk.png'):
        detector.predict(str(tmp_path / 'junk.png'))
    ok, encoded = cv2.imencode('.jpg', textured_image(64, 64))
    (tmp_path / 'truncated.jpg').write_bytes(encoded.tobytes()[:len(encoded) // 2])
    with pytest.raises(ValueError, match='truncated.jpg'):
        detector.predict(str(tmp_path / 'truncated.jpg'))
    with pytest.raises(ValueError, match='truncated.jpg: cv2 cannot decode'):  # no Pillow check
        read_image(tmp_path / 'truncated.jpg', verify=False)
    with pytest.raises(TypeError, match='uint8'):
        detector.predict(np.zeros((8, 8, 3), np.float32))
    with pytest.raises(ValueError, match='shape'):
        detector.predict(np.zeros((8, 8, 2), np.uint8))
    with pytest.raises(FileNotFoundError, match='no-such.pth'):
        DefocusDetector(tiny[0], str(tmp_path / 'no-such.pth'))
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: False)
    with pytest.raises(RuntimeError, match='CUDA'):
        DefocusDetector(*tiny, device='cuda')
