"""mmseg_r2mrf.apis.DefocusDetector: paths and arrays, any size, sliding window, clear errors."""
import subprocess
import sys

import cv2
import numpy as np
import pytest
import torch
from mmcv.transforms import LoadImageFromFile
from tiny_data import textured_image

from mmseg_r2mrf.apis import DefocusDetector, read_image


@pytest.fixture(scope='module')
def detector(tiny):
    return DefocusDetector(*tiny, device='cpu', slide_above=64, crop_size=32, stride=24)


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


def test_checkpoint_must_fit_the_config(tiny, tmp_path):
    checkpoint = torch.load(tiny[1], map_location='cpu', weights_only=True)
    del checkpoint['state_dict']['decode_head.conv_seg.weight']
    torch.save(checkpoint, tmp_path / 'partial.pth')
    with pytest.raises(RuntimeError, match='conv_seg'):
        DefocusDetector(tiny[0], str(tmp_path / 'partial.pth'))


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
