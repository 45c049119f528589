"""tools/natural_defocus_sheet.py: the packaged natural-defocus photos, model beside baseline."""
import cv2
import pytest

from tiny_data import load_tool


def test_sheet_of_model_and_baseline_maps(tiny, tmp_path):
    tool = load_tool('natural_defocus_sheet')
    photos = tool.natural_defocus_photos()
    assert len(photos) == 2
    assert all(image.ndim == 3 and image.shape[2] == 3 for image in photos.values())
    out = tmp_path / 'sheet.png'
    config, checkpoint = tiny
    assert tool.main([str(out), '--config', config, '--checkpoint', checkpoint]) == 0
    sheet = cv2.imread(str(out))
    assert sheet is not None and sheet.shape[1] > sheet.shape[0]  # 3 columns, 2 rows


def test_existing_output_is_kept_without_force(tiny, tmp_path, capsys):
    tool = load_tool('natural_defocus_sheet')
    out = tmp_path / 'sheet.png'
    out.write_bytes(b'mine')
    with pytest.raises(SystemExit) as exit_:
        tool.main([str(out), '--config', tiny[0], '--checkpoint', tiny[1]])
    assert exit_.value.code == 2
    assert out.read_bytes() == b'mine'
    assert '--force' in capsys.readouterr().err


def test_the_released_model_is_the_default(tmp_path, monkeypatch):
    import mmseg_r2mrf.pretrained.releases as releases

    from tiny_detector import make_tiny_release
    root = make_tiny_release(str(tmp_path / 'releases'))
    monkeypatch.setattr(releases, 'PRETRAINED_DIR', root)
    tool = load_tool('natural_defocus_sheet')
    assert tool.main([str(tmp_path / 'sheet.png')]) == 0
    assert cv2.imread(str(tmp_path / 'sheet.png')) is not None
