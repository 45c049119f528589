"""ONNX export (tools/export_onnx.py, mmseg_r2mrf.deploy) and the ONNX Runtime detector
(mmseg_r2mrf_onnx): parity with PyTorch at several sizes, both large-image paths, no torch at
run time, refusals and clear errors."""
import json
import os.path as osp
import subprocess
import sys

import cv2
import numpy as np
import onnxruntime  # noqa: F401  (the [onnx] extra is part of the test environment)
import pytest

from mmseg_r2mrf.apis import DefocusDetector, OnnxDefocusDetector
from mmseg_r2mrf.deploy import ExportableDefocusModel

from tiny_data import REPO_ROOT, exit_status, load_tool, textured_image


@pytest.fixture(scope='module')
def exported(tiny, tmp_path_factory):
    out = str(tmp_path_factory.mktemp('onnx') / 'tiny.onnx')
    tool = load_tool('export_onnx')
    assert tool.main([*tiny, out]) == 0
    return out


def test_export_reports_a_checked_file(tiny, tmp_path, capsys):
    import onnx
    out = str(tmp_path / 'tiny.onnx')
    assert load_tool('export_onnx').main([*tiny, out, '--long-side', '200']) == 0
    printed = capsys.readouterr().out
    assert f'Wrote {out}' in printed and 'largest |p_onnx - p_torch|' in printed
    worst = float(printed.split('|p_onnx - p_torch|: ')[1].split()[0])
    assert worst <= 1e-4
    graph = onnx.load(out)
    onnx.checker.check_model(graph)
    metadata = {p.key: p.value for p in graph.metadata_props}
    assert metadata['train_long_side'] == '200' and metadata['color_type'] == 'color'
    assert [i.name for i in graph.graph.input] == ['image']
    assert [o.name for o in graph.graph.output] == ['blur_probability', 'blur_logit']


@pytest.mark.parametrize('height,width', [(48, 64), (37, 53), (70, 90)])
def test_onnx_runtime_matches_the_pytorch_detector(tiny, exported, height, width):
    image = textured_image(height, width, seed=height)
    # long_side 64: the 70x90 image goes through the working-resolution path.
    torch_map = DefocusDetector(*tiny, long_side=64).predict(image)
    onnx_map = OnnxDefocusDetector(exported, long_side=64).predict(image)
    assert onnx_map.shape == (height, width) and onnx_map.dtype == np.float32
    assert np.abs(onnx_map - torch_map).max() <= 1e-4


def test_sliding_window_matches_the_pytorch_detector(tiny, exported):
    options = dict(large_image='slide', slide_above=64, crop_size=32, stride=24)
    image = textured_image(70, 90, seed=9)
    torch_map = DefocusDetector(*tiny, **options).predict(image)
    onnx_map = OnnxDefocusDetector(exported, **options).predict(image)
    assert np.abs(onnx_map - torch_map).max() <= 1e-4
    # The windows matter: a whole-image prediction differs.
    assert np.abs(OnnxDefocusDetector(exported).predict(image) - onnx_map).max() > 1e-3


def test_exportable_model_is_the_mmseg_test_path(tiny):
    import torch
    detector = DefocusDetector(*tiny)
    image = textured_image(41, 57, seed=4)
    with torch.no_grad():
        prob, logit = ExportableDefocusModel(detector.model).eval()(torch.from_numpy(image)[None])
    assert prob.shape == logit.shape == (1, 1, 41, 57)
    np.testing.assert_allclose(prob[0, 0].numpy(), detector.predict(image), atol=1e-6)


def test_summary_and_files(exported, tmp_path):
    detector = OnnxDefocusDetector(exported)
    path = str(tmp_path / 'photo.png')
    cv2.imwrite(path, textured_image(40, 60, seed=2))
    np.testing.assert_array_equal(detector.predict(path), detector.predict(cv2.imread(path)))
    summary = detector.summarize(path)
    assert summary['image'] == path and 0 <= summary['blurred_fraction'] <= 1


def test_refuses_to_overwrite_unless_forced(tiny, exported):
    tool = load_tool('export_onnx')
    before = osp.getmtime(exported)
    with pytest.raises(SystemExit) as exit_info:
        tool.main([*tiny, exported])
    assert exit_info.value.code == 2 and osp.getmtime(exported) == before
    with pytest.raises(SystemExit):
        tool.main([*tiny, exported[:-5] + '.pth'])  # not .onnx


def test_corrupt_onnx_file_is_named(tmp_path):
    corrupt = tmp_path / 'broken.onnx'
    corrupt.write_bytes(b'\x08\x07not a protobuf at all' * 10)
    with pytest.raises(ValueError, match='broken.onnx: not a readable ONNX model'):
        OnnxDefocusDetector(str(corrupt))
    with pytest.raises(FileNotFoundError, match='missing.onnx'):
        OnnxDefocusDetector(str(tmp_path / 'missing.onnx'))


BLOCKING_RUNNER = '''
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in ('torch', 'mmcv', 'mmseg', 'mmengine', 'mmseg_r2mrf',
                                  'torchvision', 'mmpretrain'):
            raise ImportError('blocked in this test: ' + name)
sys.meta_path.insert(0, Block())
import cv2, json
from mmseg_r2mrf_onnx import OnnxDefocusDetector
detector = OnnxDefocusDetector(sys.argv[1], long_side=64)
blur = detector.predict(cv2.imread(sys.argv[2]))
print(json.dumps(dict(shape=blur.shape, summary=detector.summarize(sys.argv[2]),
                      torch_loaded=any(m.split('.')[0] == 'torch' for m in sys.modules))))
'''


def test_runtime_needs_no_torch_mmcv_or_mmseg(exported, tmp_path):
    image = str(tmp_path / 'large.png')
    cv2.imwrite(image, textured_image(70, 90, seed=3))
    result = subprocess.run([sys.executable, '-c', BLOCKING_RUNNER, exported, image],
                            capture_output=True, text=True, timeout=300, cwd=REPO_ROOT)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report['shape'] == [70, 90] and not report['torch_loaded']
    assert set(report['summary']) >= {'blurred_fraction', 'focus_x0'}


def test_infer_with_onnx_on_a_folder(exported, tiny, tmp_path):
    folder = tmp_path / 'photos'
    folder.mkdir()
    for index, (height, width) in enumerate([(40, 56), (33, 47)]):
        cv2.imwrite(str(folder / f'p{index}.png'), textured_image(height, width, seed=index))
    infer = load_tool('infer')
    out = tmp_path / 'out'
    assert infer.main([str(folder), '--out-dir', str(out), '--onnx', exported, '--binary',
                       '--summary', str(tmp_path / 's.json')]) == 0
    assert sorted(p.name for p in out.iterdir()) == ['p0.png', 'p0_mask.png', 'p1.png',
                                                      'p1_mask.png']
    blur = cv2.imread(str(out / 'p0.png'), cv2.IMREAD_UNCHANGED)
    assert blur.shape == (40, 56)
    expected = DefocusDetector(*tiny).predict(str(folder / 'p0.png'))
    assert np.abs(blur.astype(np.float32) / 255 - expected).max() <= 1 / 255 + 1e-4
    rows = json.loads((tmp_path / 's.json').read_text())
    assert len(rows) == 2
    corrupt = tmp_path / 'broken.onnx'
    corrupt.write_bytes(b'garbage')
    assert exit_status(infer, [str(folder), '--out-dir', str(tmp_path / 'o2'), '--onnx',
                               str(corrupt)]) == 2
    assert not (tmp_path / 'o2').exists()
    with pytest.raises(SystemExit):
        infer.main([*tiny, str(folder), '--out-dir', str(tmp_path / 'o3'), '--onnx', exported])


def test_detector_parity_covers_both_large_image_paths(tiny, exported):
    from mmseg_r2mrf.deploy import detector_parity
    detector = DefocusDetector(*tiny, long_side=48, crop_size=32, stride=24)
    image = textured_image(70, 90, seed=3)
    diffs = detector_parity(detector, exported, image, slide_above=48)
    assert set(diffs) == {'resize', 'slide'} and max(diffs.values()) <= 1e-4
    # The detector's own options are left as they were.
    assert (detector.large_image, detector.slide_above) == ('resize', 1024)


def test_onnx_parity_tool_prints_one_table(tiny, tmp_path, capsys):
    config, _ = tiny
    tool = load_tool('onnx_parity')
    out = tmp_path / 'parity.md'
    keep = tmp_path / 'exports'
    assert tool.main(['--configs', config, '--sizes', '40x56', '37x53', '--large', '70x90',
                      '--long-side', '48', '--out', str(out), '--keep-dir', str(keep)]) == 0
    kept = keep / (osp.splitext(osp.basename(config))[0] + '.onnx')
    assert OnnxDefocusDetector(str(kept)).predict(textured_image(40, 56, seed=1)).shape == (40, 56)
    table = out.read_text().splitlines()
    assert table[0].startswith('| model | export (s) | file (MB) | graph 40x56 | graph 37x53 |')
    assert 'detector 70x90 resize' in table[0] and 'detector 70x90 slide' in table[0]
    row = table[2].split(' | ')
    assert row[0] == f'| {config}' and row[-1] == 'yes |'
    assert all(float(cell) <= 1e-4 for cell in row[3:7])
    assert table[0] in capsys.readouterr().out
    with pytest.raises(SystemExit):  # no model named
        tool.parse_args([])
    with pytest.raises(SystemExit):  # the table exists
        tool.parse_args(['--configs', config, '--out', str(out)])
    with pytest.raises(SystemExit):  # a kept export exists
        tool.parse_args(['--configs', config, '--keep-dir', str(keep)])
    assert tool.parse_args(['--configs', config, '--keep-dir', str(keep), '--force']).force
    with pytest.raises(SystemExit):
        tool.parse_args(['--configs', config, '--sizes', '40by56'])


def test_same_padding_and_resizes_keep_their_sizes_symbolic(tmp_path):
    """EfficientNet-Lite's stride-2 "SAME" convolutions and resize_to both ways, exported on an
    even example, run on odd sizes (a padding, size or pooling window fixed from the example
    would not)."""
    import torch

    from mmseg_r2mrf.models.backbones.efficientnet_lite import Conv2dTFSame
    from mmseg_r2mrf.models.utils import resize_to

    class SameThenResize(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.down1 = Conv2dTFSame(3, 4, 3, stride=2)
            self.down2 = Conv2dTFSame(4, 4, 5, stride=2)

        def forward(self, x):
            y = self.down1(x)
            z = self.down2(y)
            # Enlarging (bilinear) and shrinking (area average, 19x14 -> 10x7 on 75x53).
            enlarged = torch.cat([y, resize_to(z, y.shape[-2:])], dim=1)
            shrunk = torch.cat([z, resize_to(y, z.shape[-2:])], dim=1)
            return resize_to(shrunk, enlarged.shape[-2:]) + enlarged

    net = SameThenResize().eval()
    path = str(tmp_path / 'same.onnx')
    height, width = torch.export.Dim('height', min=32), torch.export.Dim('width', min=32)
    torch.onnx.export(net, (torch.randn(1, 3, 64, 96), ), path, input_names=['x'],
                      dynamic_shapes={'x': {2: height, 3: width}}, dynamo=True,
                      external_data=False, verbose=False)
    session = onnxruntime.InferenceSession(path, providers=['CPUExecutionProvider'])
    for size in ((64, 96), (75, 53), (161, 239)):
        x = torch.randn(1, 3, *size)
        with torch.no_grad():
            expected = net(x).numpy()
        got = session.run(None, {'x': x.numpy()})[0]
        assert got.shape == expected.shape, size
        assert np.abs(got - expected).max() <= 1e-4, size
