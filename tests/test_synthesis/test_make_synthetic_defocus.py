"""tools/make_synthetic_defocus.py: layout, split lists, contact sheet, no silent overwrite."""
import json
import os
import os.path as osp

import cv2
import numpy as np
import pytest
from tiny_data import load_tool

from mmseg.registry import DATASETS
from mmseg_r2mrf.synthesis import SyntheticDefocusGenerator, is_synthetic_defocus_set

ARGS = ['--num-train', '3', '--num-test', '2', '--size', '64', '--train-photos', 'camera',
        '--test-photos', 'coffee', '--no-progress']


@pytest.fixture(scope='module')
def tool():
    return load_tool('make_synthetic_defocus')


def test_writes_a_loadable_dataset_in_shi_layout(tool, tmp_path, small_photos):
    out = str(tmp_path / 'syn')
    tool.main([out, '--workers', '2'] + ARGS)
    assert sorted(os.listdir(out)) == ['contact_sheet.png', 'gt', 'image', 'meta.json',
                                       'test.txt', 'train.txt']
    sheet = cv2.imread(osp.join(out, 'contact_sheet.png'))
    assert sheet is not None and sheet.std() > 0
    assert is_synthetic_defocus_set(out)
    meta = json.load(open(osp.join(out, 'meta.json')))
    assert meta['label_encoding'] == dict(sharp=0, blurred=1, ignored=255)
    assert {r['photo'] for r in meta['samples'] if r['split'] == 'test'} == {'coffee'}
    train = DATASETS.build(dict(type='SyntheticDefocusDataset', data_root=out, split='train'))
    test = DATASETS.build(dict(type='SyntheticDefocusDataset', data_root=out, split='test'))
    assert len(train) == 3 and len(test) == 2
    assert all('coffee' in info['img_path'] for info in test)

    # Two worker processes wrote exactly what one process renders.
    generator = SyntheticDefocusGenerator(size=64, seed=0, train_photos=['camera'],
                                          test_photos=['coffee'], photos=small_photos)
    sample = generator.sample('test', 1)
    with open(osp.join(out, 'image', sample.name + '.jpg'), 'rb') as f:
        assert f.read() == sample.jpeg
    label = cv2.imread(osp.join(out, 'gt', sample.name + '.png'), cv2.IMREAD_UNCHANGED)
    np.testing.assert_array_equal(label, sample.label)


def test_never_overwrites_unless_asked(tool, tmp_path, monkeypatch):
    out = str(tmp_path / 'syn')
    tool.main([out, '--workers', '1'] + ARGS)
    # A refusal comes before the generator loads any photo.
    monkeypatch.setattr(tool, 'SyntheticDefocusGenerator', None)
    with pytest.raises(FileExistsError, match='--overwrite'):
        tool.main([out, '--workers', '1'] + ARGS)
    foreign = tmp_path / 'holiday_photos'
    foreign.mkdir()
    (foreign / 'keep.txt').write_text('precious')
    (foreign / 'meta.json').write_text('{"generator": "someone else"}')
    with pytest.raises(FileExistsError, match='not deleting'):
        tool.main([str(foreign), '--overwrite'] + ARGS)
    assert (foreign / 'keep.txt').read_text() == 'precious'
    monkeypatch.undo()

    tool.main([out, '--workers', '1', '--overwrite'] + ARGS)  # our own set: replaced
    assert len(os.listdir(osp.join(out, 'image'))) == 5


@pytest.mark.parametrize('meta,ours', [
    (None, False), ('not json', False), ('["mmseg_r2mrf.synthesis"]', False),
    ('{"generator": "another tool"}', False), ('{"generator": "mmseg_r2mrf.synthesis"}', True)])
def test_a_set_is_ours_only_by_the_generator_tag(tmp_path, meta, ours):
    if meta is not None:
        (tmp_path / 'meta.json').write_text(meta)
    assert is_synthetic_defocus_set(str(tmp_path)) is ours
