"""tools/infer.py: mixed folders, outputs, summaries, released models, refusing to overwrite,
clear errors, nothing partial."""
import csv
import json
import os
import os.path as osp
import subprocess
import sys

import cv2
import mmcv
import numpy as np
import pytest
import torch
from PIL import Image

import mmseg_r2mrf.apis.defocus_detector as defocus_detector
import mmseg_r2mrf.fileio.image_file as image_file
from mmseg_r2mrf.apis import DefocusDetector
from mmseg_r2mrf.pretrained import releases

from tiny_data import REPO_ROOT, exit_status, load_tool, textured_image

TOOL = osp.join(REPO_ROOT, 'tools', 'infer.py')


@pytest.fixture(scope='module')
def infer():
    return load_tool('infer')


def _mixed_folder(folder) -> dict:
    """png / jpg / JPG / bmp, grey and RGBA, different sizes; returns name -> (H, W)."""
    os.makedirs(folder, exist_ok=True)
    bgr = textured_image(40, 56, seed=1)
    cv2.imwrite(osp.join(folder, 'colour.png'), bgr)
    cv2.imwrite(osp.join(folder, 'photo.jpg'), textured_image(33, 47, seed=2))
    cv2.imwrite(osp.join(folder, 'bitmap.bmp'), textured_image(24, 64, seed=3))
    with open(osp.join(folder, 'upper.JPG'), 'wb') as file:  # extensions in any case
        file.write(cv2.imencode('.jpg', textured_image(21, 35, seed=6))[1].tobytes())
    cv2.imwrite(osp.join(folder, 'grey.png'),
                cv2.cvtColor(textured_image(50, 30, seed=4), cv2.COLOR_BGR2GRAY))
    cv2.imwrite(osp.join(folder, 'alpha.png'),
                cv2.cvtColor(textured_image(45, 45, seed=5), cv2.COLOR_BGR2BGRA))
    with open(osp.join(folder, 'notes.txt'), 'w') as file:  # not an image: skipped
        file.write('not an image')
    return {'colour': (40, 56), 'photo': (33, 47), 'bitmap': (24, 64), 'upper': (21, 35),
            'grey': (50, 30), 'alpha': (45, 45)}


def test_folder_of_mixed_images(tiny, tmp_path):
    sizes = _mixed_folder(tmp_path / 'images')
    out_dir = tmp_path / 'out'
    result = subprocess.run(
        [sys.executable, TOOL, *tiny, str(tmp_path / 'images'), '--out-dir', str(out_dir),
         '--binary', '--overlay'], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert 'blur maps' in result.stderr  # the progress bar
    expected = {f'{stem}{suffix}.png' for stem in sizes for suffix in ('', '_mask', '_overlay')}
    assert set(os.listdir(out_dir)) == expected
    detector = DefocusDetector(*tiny)
    for stem, size in sizes.items():
        blur_map = cv2.imread(str(out_dir / f'{stem}.png'), cv2.IMREAD_UNCHANGED)
        assert blur_map.dtype == np.uint8 and blur_map.shape == size
        image_path = next(str(p) for p in (tmp_path / 'images').iterdir() if p.stem == stem)
        probability = detector.predict(image_path)
        # floor(255 p), as tools/test.py --out saves maps and the metric's curves count them.
        np.testing.assert_array_equal(blur_map, np.floor(probability.astype(np.float64) * 255))
        mask = cv2.imread(str(out_dir / f'{stem}_mask.png'), cv2.IMREAD_UNCHANGED)
        np.testing.assert_array_equal(mask, np.where(probability >= 0.5, 255, 0))
        overlay = cv2.imread(str(out_dir / f'{stem}_overlay.png'), cv2.IMREAD_UNCHANGED)
        assert overlay.shape == (*size, 3)


def test_every_image_is_decoded_by_the_predicting_reader_before_any_write(infer, tiny, tmp_path,
                                                                         monkeypatch):
    """Pillow (truncation) and the config's cv2 loader (what predicts) check every image before
    the first output; to predict, each is decoded once more by cv2 only."""
    sizes = _mixed_folder(tmp_path / 'images')
    events = []
    read_image_size, imfrombytes, write_png = (image_file.read_image_size,
                                               mmcv.imfrombytes, infer.write_png)
    monkeypatch.setattr(image_file, 'read_image_size',
                        lambda path: events.append('pillow') or read_image_size(path))
    monkeypatch.setattr(mmcv, 'imfrombytes',
                        lambda *a, **k: events.append('cv2') or imfrombytes(*a, **k))
    monkeypatch.setattr(infer, 'write_png',
                        lambda path, image: events.append('write') or write_png(path, image))
    assert infer.main([*tiny, str(tmp_path / 'images'), '--out-dir', str(tmp_path / 'out'),
                       '--overlay']) == 0
    checks = 2 * len(sizes)
    assert events[:checks] == ['pillow', 'cv2'] * len(sizes)  # all checked, nothing written
    assert events.count('pillow') == len(sizes) and events.count('cv2') == checks
    assert events.count('write') == 2 * len(sizes)  # map and overlay


def test_exif_orientation_follows_the_config(infer, exif_rotated, tmp_path):
    """The dataset configs' loader ignores EXIF orientation (as for their masks): the maps are
    at the stored size, the size tools/test.py predicts at."""
    out_dir = tmp_path / 'out'
    assert infer.main([exif_rotated['config'], exif_rotated['checkpoint'],
                       exif_rotated['image'], '--out-dir', str(out_dir), '--overlay']) == 0
    blur_map = cv2.imread(str(out_dir / 'rotated.png'), cv2.IMREAD_UNCHANGED)
    assert blur_map.shape == exif_rotated['stored_shape']
    overlay = cv2.imread(str(out_dir / 'rotated_overlay.png'), cv2.IMREAD_UNCHANGED)
    assert overlay.shape == (*exif_rotated['stored_shape'], 3)


def test_single_file_and_glob(infer, tiny, tmp_path, capsys):
    _mixed_folder(tmp_path / 'images')
    assert infer.main([*tiny, str(tmp_path / 'images' / 'photo.jpg'),
                       str(tmp_path / 'images' / '*.bmp'), '--out-dir',
                       str(tmp_path / 'out')]) == 0
    assert sorted(os.listdir(tmp_path / 'out')) == ['bitmap.png', 'photo.png']


def test_refuses_to_overwrite_unless_forced(infer, tiny, tmp_path, capsys):
    _mixed_folder(tmp_path / 'images')
    out_dir = tmp_path / 'out'
    out_dir.mkdir()
    (out_dir / 'photo.png').write_bytes(b'precious')
    argv = [*tiny, str(tmp_path / 'images'), '--out-dir', str(out_dir)]
    assert exit_status(infer, argv) == 2
    assert '--force' in capsys.readouterr().err
    assert os.listdir(out_dir) == ['photo.png']  # nothing else written
    assert (out_dir / 'photo.png').read_bytes() == b'precious'
    assert infer.main(argv + ['--force']) == 0
    assert cv2.imread(str(out_dir / 'photo.png'), cv2.IMREAD_UNCHANGED).shape == (33, 47)


def test_outputs_never_overwrite_inputs(infer, tiny, tmp_path, capsys):
    _mixed_folder(tmp_path / 'images')
    before = sorted(os.listdir(tmp_path / 'images'))
    assert exit_status(infer, [*tiny, str(tmp_path / 'images'), '--out-dir',
                               str(tmp_path / 'images'), '--force']) == 2
    assert 'input image itself' in capsys.readouterr().err
    assert sorted(os.listdir(tmp_path / 'images')) == before


@pytest.mark.parametrize('case', ['missing path', 'empty folder', 'empty glob', 'junk image',
                                  'truncated image', 'float32 tiff', 'int32 tiff',
                                  'not an image', 'same output name', 'missing checkpoint',
                                  'checkpoint of another model', 'empty checkpoint'])
def test_bad_inputs_write_nothing(infer, tiny, tmp_path, capsys, case):
    """Each bad input is named with its problem, exit status 2, before anything is written;
    the TIFFs pass Pillow's check but not the predicting reader (the last images, so that a
    check at prediction time would come after other outputs)."""
    _mixed_folder(tmp_path / 'images')
    inputs, config, checkpoint = [str(tmp_path / 'images')], *tiny
    culprit = None
    if case == 'missing path':
        culprit = str(tmp_path / 'nowhere.png')
        inputs.append(culprit)
    elif case == 'empty folder':
        culprit = str(tmp_path / 'empty')
        os.mkdir(culprit)
        inputs.append(culprit)
    elif case == 'empty glob':
        culprit = str(tmp_path / 'images' / '*.tif')
        inputs.append(culprit)
    elif case == 'junk image':
        culprit = str(tmp_path / 'images' / 'zz_junk.jpg')
        with open(culprit, 'wb') as file:
            file.write(b'\xff\xd8 not really a jpeg')
    elif case == 'truncated image':
        culprit = str(tmp_path / 'images' / 'zz_truncated.jpg')
        ok, encoded = cv2.imencode('.jpg', textured_image(64, 64))
        with open(culprit, 'wb') as file:
            file.write(encoded.tobytes()[:len(encoded) // 2])
    elif case in ('float32 tiff', 'int32 tiff'):
        culprit = str(tmp_path / 'images' / f'zz_{case.split()[0]}.tif')
        samples = np.arange(20 * 30).reshape(20, 30) % 200
        Image.fromarray(samples.astype(case.split()[0])).save(culprit)
    elif case == 'not an image':
        culprit = str(tmp_path / 'images' / 'notes.txt')
        inputs = [culprit]
    elif case == 'same output name':
        culprit = 'colour'
        cv2.imwrite(str(tmp_path / 'images' / 'colour.jpg'), textured_image(20, 20))
    elif case == 'missing checkpoint':
        checkpoint = culprit = str(tmp_path / 'missing.pth')
    elif case == 'checkpoint of another model':
        weights = torch.load(tiny[1], map_location='cpu', weights_only=True)
        del weights['state_dict']['decode_head.conv_seg.bias']
        checkpoint = str(tmp_path / 'other.pth')
        torch.save(weights, checkpoint)
        culprit = 'missing keys: decode_head.conv_seg.bias'
    elif case == 'empty checkpoint':
        checkpoint = str(tmp_path / 'empty.pth')
        open(checkpoint, 'wb').close()
        culprit = f'{checkpoint}: the file is empty'
    out_dir = tmp_path / 'out'
    assert exit_status(infer, [config, checkpoint, *inputs, '--out-dir', str(out_dir),
                               '--binary', '--overlay', '--summary',
                               str(out_dir / 'summary.csv')]) == 2
    error = capsys.readouterr().err
    assert error.startswith('infer.py: error: ') and culprit in error
    assert 'Traceback' not in error
    if case.endswith('tiff'):
        assert '32-bit' in error
    assert not out_dir.exists()


def test_partial_checkpoint_with_allow_partial(infer, tiny, tmp_path, capsys):
    weights = torch.load(tiny[1], map_location='cpu', weights_only=True)
    del weights['state_dict']['decode_head.conv_seg.bias']
    checkpoint = str(tmp_path / 'other.pth')
    torch.save(weights, checkpoint)
    image = str(tmp_path / 'image.png')
    cv2.imwrite(image, textured_image(20, 24))
    argv = [tiny[0], checkpoint, image, '--out-dir', str(tmp_path / 'out')]
    assert exit_status(infer, argv) == 2
    assert infer.main(argv + ['--allow-partial']) == 0
    assert os.listdir(tmp_path / 'out') == ['image.png']


def _fill_disk_at(limit: int):
    """A subprocess pre-exec that caps file sizes: writing past ``limit`` bytes fails with EFBIG,
    as on a full disk (Python ignores SIGXFSZ, so the write raises instead of killing)."""
    import resource

    def preexec():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return preexec


def test_full_disk_names_the_file_and_leaves_no_partial_output(tiny, tmp_path):
    images = tmp_path / 'images'
    images.mkdir()
    # Its map takes about 18 kB as PNG; the config mmengine copies to a temporary file, 2 kB.
    cv2.imwrite(str(images / 'a.png'), textured_image(256, 256, seed=1))
    out_dir = tmp_path / 'out'
    result = subprocess.run(
        [sys.executable, TOOL, *tiny, str(images), '--out-dir', str(out_dir)],
        capture_output=True, text=True, check=False, preexec_fn=_fill_disk_at(8000))
    assert result.returncode == 1, result.stderr
    assert f'error: cannot write {out_dir / "a.png"}: File too large' in result.stderr
    assert 'Traceback' not in result.stderr
    assert os.listdir(out_dir) == []  # no a.png, and no temporary file left


def test_outputs_get_the_mode_the_umask_gives(infer, tiny, tmp_path):
    cv2.imwrite(str(tmp_path / 'image.png'), textured_image(20, 24))
    previous = os.umask(0o022)
    try:
        assert infer.main([*tiny, str(tmp_path / 'image.png'), '--out-dir', str(tmp_path / 'out'),
                           '--binary', '--summary', str(tmp_path / 'out' / 'summary.csv')]) == 0
    finally:
        os.umask(previous)
    modes = {name: oct(os.stat(tmp_path / 'out' / name).st_mode & 0o777)
             for name in os.listdir(tmp_path / 'out')}
    assert modes == {'image.png': '0o644', 'image_mask.png': '0o644', 'summary.csv': '0o644'}


@pytest.mark.parametrize('threshold', [0.5, 0.0])
def test_summary_csv_and_json(infer, tiny, tmp_path, threshold):
    """One row per image with the detector's own summary; --threshold 0 blurs every pixel, so
    no box (empty CSV cells, JSON null)."""
    sizes = _mixed_folder(tmp_path / 'images')
    rows = {}
    for fmt in ('csv', 'json'):
        summary = tmp_path / f'summary.{fmt}'
        assert infer.main([*tiny, str(tmp_path / 'images'), '--out-dir', str(tmp_path / fmt),
                           '--summary', str(summary), '--threshold', str(threshold)]) == 0
        with open(summary, newline='') as file:
            if fmt == 'csv':
                header = file.readline().strip()
                assert header == ('image,blurred_fraction,mean_blur_probability,'
                                  'focus_x0,focus_y0,focus_x1,focus_y1')
                file.seek(0)
                rows[fmt] = list(csv.DictReader(file))
            else:
                rows[fmt] = json.load(file)
    detector = DefocusDetector(*tiny)
    assert len(rows['csv']) == len(rows['json']) == len(sizes)
    for csv_row, json_row in zip(rows['csv'], rows['json']):
        expected = detector.summarize(json_row['image'], threshold)
        assert json_row == expected
        assert csv_row == {key: '' if value is None else str(value)
                           for key, value in expected.items()}
        if threshold == 0.0:
            assert json_row['blurred_fraction'] == 1.0 and json_row['focus_x0'] is None
            assert csv_row['focus_x0'] == csv_row['focus_y1'] == ''
    assert {osp.splitext(osp.basename(row['image']))[0] for row in rows['json']} == set(sizes)
    if threshold == 0.5:  # the tiny model calls some pixels sharp: a real box
        assert any(row['focus_x0'] is not None for row in rows['json'])


def test_summary_obeys_force_and_its_format(infer, tiny, tmp_path, capsys):
    cv2.imwrite(str(tmp_path / 'image.png'), textured_image(20, 24))
    summary = tmp_path / 'summary.csv'
    summary.write_text('precious')
    argv = [*tiny, str(tmp_path / 'image.png'), '--out-dir', str(tmp_path / 'out'), '--summary',
            str(summary)]
    assert exit_status(infer, argv) == 2
    assert '--force' in capsys.readouterr().err and summary.read_text() == 'precious'
    assert not (tmp_path / 'out').exists()
    assert infer.main(argv + ['--force']) == 0
    assert summary.read_text().startswith('image,blurred_fraction,')
    with pytest.raises(SystemExit) as error:
        infer.main([*tiny, str(tmp_path / 'image.png'), '--out-dir', str(tmp_path / 'out'),
                    '--summary', str(tmp_path / 'summary.txt')])
    assert error.value.code == 2
    assert '--summary must end with .csv or .json' in capsys.readouterr().err


@pytest.fixture(scope='module')
def tiny_release(tmp_path_factory):
    from tiny_detector import make_tiny_release
    return make_tiny_release(str(tmp_path_factory.mktemp('release')), 'tiny_blur-v1')


def test_released_model_without_config(infer, tiny_release, tmp_path, monkeypatch):
    """INPUTS... --out-dir D: the newest release of the package's folder, or --pretrained NAME."""
    monkeypatch.setattr(releases, 'PRETRAINED_DIR', tiny_release)
    _mixed_folder(tmp_path / 'images')
    assert infer.main([str(tmp_path / 'images' / 'photo.jpg'), '--out-dir',
                       str(tmp_path / 'out')]) == 0
    assert infer.main([str(tmp_path / 'images' / 'photo.jpg'), '--out-dir',
                       str(tmp_path / 'named'), '--pretrained', 'tiny_blur-v1']) == 0
    probability = DefocusDetector.from_pretrained().predict(str(tmp_path / 'images' / 'photo.jpg'))
    for folder in ('out', 'named'):
        blur_map = cv2.imread(str(tmp_path / folder / 'photo.png'), cv2.IMREAD_UNCHANGED)
        np.testing.assert_array_equal(blur_map, np.floor(probability.astype(np.float64) * 255))


def test_released_model_errors(infer, tiny_release, tmp_path, monkeypatch, capsys):
    cv2.imwrite(str(tmp_path / 'image.png'), textured_image(20, 24))
    out_dir = tmp_path / 'out'
    monkeypatch.setattr(releases, 'PRETRAINED_DIR', tiny_release)
    assert exit_status(infer, [str(tmp_path / 'image.png'), '--out-dir', str(out_dir),
                               '--pretrained', 'other-v2']) == 2
    assert "no released model named 'other-v2'" in capsys.readouterr().err
    empty = tmp_path / 'no_release'
    empty.mkdir()
    monkeypatch.setattr(releases, 'PRETRAINED_DIR', str(empty))
    assert exit_status(infer, [str(tmp_path / 'image.png'), '--out-dir', str(out_dir)]) == 2
    error = capsys.readouterr().err
    assert error.startswith('infer.py: error: no released model is installed')
    assert 'Traceback' not in error
    assert not out_dir.exists()


@pytest.mark.parametrize('argv,message', [
    (['config.py', 'model.pth'], 'must be followed by at least one input'),
    (['config.py', 'model.pth', 'a.png', '--pretrained', 'x-v1'], '--pretrained selects'),
    (['model.pth', 'a.png'], 'looks like a checkpoint'),
])
def test_forms_of_the_command_line(infer, capsys, argv, message):
    with pytest.raises(SystemExit) as error:
        infer.parse_args(argv + ['--out-dir', 'out'])
    assert error.value.code == 2 and message in capsys.readouterr().err


def test_config_form_is_chosen_by_a_py_first_argument(infer):
    args = infer.parse_args(['c.py', 'm.pth', 'a.png', 'b/', '--out-dir', 'o'])
    assert (args.config, args.checkpoint, args.inputs) == ('c.py', 'm.pth', ['a.png', 'b/'])
    args = infer.parse_args(['a.png', 'b/', '--out-dir', 'o'])
    assert (args.config, args.checkpoint, args.inputs) == (None, None, ['a.png', 'b/'])


def test_long_side_and_full_resolution(infer, tiny, tmp_path, monkeypatch):
    image = textured_image(70, 90, seed=7)
    cv2.imwrite(str(tmp_path / 'large.png'), image)
    built = []
    original = defocus_detector.DefocusDetector.__init__

    def spy(self, *args, **kwargs):
        original(self, *args, **kwargs)
        built.append((self.large_image, self.long_side))

    monkeypatch.setattr(defocus_detector.DefocusDetector, '__init__', spy)
    for name, extra in (('small', ['--long-side', '48']), ('full', ['--full-resolution'])):
        assert infer.main([*tiny, str(tmp_path / 'large.png'), '--out-dir',
                           str(tmp_path / name), *extra]) == 0
    assert built == [('resize', 48), ('slide', 640)]
    small = mmcv.imread(str(tmp_path / 'small' / 'large.png'), flag='unchanged')
    full = mmcv.imread(str(tmp_path / 'full' / 'large.png'), flag='unchanged')
    assert small.shape == full.shape == (70, 90)  # maps at the image's size either way
    assert not np.array_equal(small, full)
    with pytest.raises(SystemExit):
        infer.main([*tiny, str(tmp_path / 'large.png'), '--out-dir', str(tmp_path / 'x'),
                    '--long-side', '4'])
