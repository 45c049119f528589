"""tools/make_synthetic_defocus.py: layout, split lists, contact sheet, no silent overwrite."""
import json
import os
import os.path as osp

import cv2
import numpy as np
import pytest

from mmseg_r2mrf.cli import CommandError, run_main
from mmseg_r2mrf.synthesis import SyntheticDefocusGenerator, is_synthetic_defocus_set

from mmseg.registry import DATASETS

from tiny_data import load_tool

ARGS = ['--num-train', '3', '--num-val', '2', '--num-test', '2', '--size', '64', '--long-side',
        '160', '200', '--train-photos', 'camera', '--val-photos', 'gravel', '--test-photos',
        'coffee', '--no-progress']


@pytest.fixture(scope='module')
def tool():
    return load_tool('make_synthetic_defocus')


def test_writes_a_loadable_dataset_in_shi_layout(tool, tmp_path, small_photos):
    out = str(tmp_path / 'syn')
    tool.main([out, '--workers', '2'] + ARGS)
    assert sorted(os.listdir(out)) == ['contact_sheet.png', 'gt', 'image', 'meta.json',
                                       'test.txt', 'train.txt', 'val.txt']
    sheet = cv2.imread(osp.join(out, 'contact_sheet.png'))
    assert sheet is not None and sheet.std() > 0
    assert is_synthetic_defocus_set(out)
    meta = json.load(open(osp.join(out, 'meta.json')))
    assert meta['label_encoding'] == dict(sharp=0, blurred=1, ignored=255)
    assert {r['photo'] for r in meta['samples'] if r['split'] == 'test'} == {'coffee'}
    assert {r['photo'] for r in meta['samples'] if r['split'] == 'val'} == {'gravel'}
    assert meta['photos']['coffee']['split'] == 'test' and 'CC0' in meta['photos']['coffee'][
        'source']
    sets = {split: DATASETS.build(dict(type='SyntheticDefocusDataset', data_root=out,
                                       split=split)) for split in ('train', 'val', 'test')}
    assert [len(sets[split]) for split in ('train', 'val', 'test')] == [3, 2, 2]
    assert all('coffee' in info['img_path'] for info in sets['test'])
    assert all('gravel' in info['img_path'] for info in sets['val'])

    # Two worker processes wrote exactly what one process renders.
    generator = SyntheticDefocusGenerator(size=64, seed=0, long_side=(160, 200),
                                          train_photos=['camera'], val_photos=['gravel'],
                                          test_photos=['coffee'], photos=small_photos)
    sample = generator.sample('test', 1)
    with open(osp.join(out, 'image', sample.name + '.jpg'), 'rb') as f:
        assert f.read() == sample.jpeg
    label = cv2.imread(osp.join(out, 'gt', sample.name + '.png'), cv2.IMREAD_UNCHANGED)
    np.testing.assert_array_equal(label, sample.label)


def test_never_overwrites_unless_asked(tool, tmp_path, monkeypatch, capsys):
    out = str(tmp_path / 'syn')
    tool.main([out, '--workers', '1'] + ARGS)
    # A refusal comes before the generator loads any photo.
    monkeypatch.setattr(tool, 'SyntheticDefocusGenerator', None)
    with pytest.raises(CommandError, match='--force'):
        tool.main([out, '--workers', '1'] + ARGS)
    foreign = tmp_path / 'holiday_photos'
    foreign.mkdir()
    (foreign / 'keep.txt').write_text('precious')
    (foreign / 'meta.json').write_text('{"generator": "someone else"}')
    with pytest.raises(CommandError, match='not deleting'):
        tool.main([str(foreign), '--force'] + ARGS)
    # As a command: the message and exit status 2, no traceback.
    assert run_main(lambda: tool.main([str(foreign), '--force'] + ARGS), 'tool') == 2
    assert 'tool: error: ' in capsys.readouterr().err
    assert (foreign / 'keep.txt').read_text() == 'precious'
    monkeypatch.undo()

    tool.main([out, '--workers', '1', '--overwrite'] + ARGS)  # the former name still works
    assert len(os.listdir(osp.join(out, 'image'))) == 7


@pytest.mark.parametrize('meta,ours', [
    (None, False), ('not json', False), ('["mmseg_r2mrf.synthesis"]', False),
    ('{"generator": "another tool"}', False), ('{"generator": "mmseg_r2mrf.synthesis"}', True)])
def test_a_set_is_ours_only_by_the_generator_tag(tmp_path, meta, ours):
    if meta is not None:
        (tmp_path / 'meta.json').write_text(meta)
    assert is_synthetic_defocus_set(str(tmp_path)) is ours


def write_photo_folder(root):
    """Three sharp 'photographs' (crops of packaged ones) in nested folders, and bad files."""
    from mmseg_r2mrf.synthesis import load_source_photo
    os.makedirs(root / 'trip' / 'day2')
    astronaut = load_source_photo('astronaut').image
    cv2.imwrite(str(root / 'trip' / 'face.jpg'), astronaut[:200, 100:300])
    cv2.imwrite(str(root / 'trip' / 'day2' / 'flag.png'), astronaut[150:350, :200])
    cv2.imwrite(str(root / 'suit.JPG'), astronaut[300:, 250:])
    cv2.imwrite(str(root / 'tiny.png'), astronaut[:40, :40])  # smaller than a crop
    (root / 'broken.jpg').write_bytes(b'\xff\xd8 not really a jpeg')
    (root / 'notes.txt').write_text('not an image')


def test_user_photos_alone_split_by_photograph(tool, tmp_path, capsys):
    photos = tmp_path / 'photos'
    write_photo_folder(photos)
    out = str(tmp_path / 'syn')
    tool.main([out, '--photos', str(photos), '--no-packaged', '--num-train', '4', '--num-val',
               '1', '--num-test', '1', '--size', '64', '--long-side', '160', '--workers', '1',
               '--no-progress'])
    printed = capsys.readouterr().out
    for bad in ('tiny.png', 'broken.jpg', 'notes.txt'):  # each named, then skipped
        assert f'warning: skipping {photos / bad}' in printed
    meta = json.load(open(osp.join(out, 'meta.json')))
    assert set(meta['photos']) == {'trip__face', 'trip__day2__flag', 'suit'}
    assert all(info['source'].startswith(str(photos)) for info in meta['photos'].values())
    by_split = {split: {r['photo'] for r in meta['samples'] if r['split'] == split}
                for split in ('train', 'val', 'test')}
    assert all(by_split.values())
    assert not (by_split['train'] & by_split['val'] or by_split['train'] & by_split['test']
                or by_split['val'] & by_split['test'])
    for split, photos_of_split in by_split.items():
        assert {name for name, info in meta['photos'].items()
                if info['split'] == split} == photos_of_split
    with open(osp.join(out, 'val.txt')) as f:
        assert len(f.read().split()) == 1


def test_user_photos_join_the_packaged_ones_by_name(tool, tmp_path):
    photos = tmp_path / 'photos'
    write_photo_folder(photos)
    out = str(tmp_path / 'syn')
    tool.main([out, '--photos', str(photos), '--num-train', '3', '--num-val', '1', '--num-test',
               '1', '--size', '64', '--long-side', '160', '--workers', '1', '--no-progress',
               '--train-photos', 'camera', 'face.jpg', '--val-photos', 'suit', '--test-photos',
               'flag'])
    meta = json.load(open(osp.join(out, 'meta.json')))
    assert {name: info['split'] for name, info in meta['photos'].items()} == {
        'camera': 'train', 'trip__face': 'train', 'suit': 'val', 'trip__day2__flag': 'test'}


def test_splits_by_photograph_default_to_a_stable_hash(small_photos):
    from mmseg_r2mrf.synthesis import hash_split, split_photos
    names = {f'holiday_{i:03d}': f'/photos/holiday_{i:03d}.jpg' for i in range(200)}
    splits = split_photos(names)
    shares = {split: len(photos) / 200 for split, photos in splits.items()}
    assert shares['val'] == pytest.approx(0.15, abs=0.06)
    assert shares['test'] == pytest.approx(0.15, abs=0.06)
    assert sum(len(p) for p in splits.values()) == 200
    # A photograph's split does not depend on the others.
    fewer = split_photos(dict(list(names.items())[:50]))
    for split, photos in fewer.items():
        assert all(hash_split(name) == split for name in photos)
        assert set(photos) <= set(splits[split])
    with pytest.raises(ValueError, match='no source photo named'):
        split_photos(names, dict(test=['holiday_999']))
    with pytest.raises(ValueError, match='in both the train and the test split'):
        split_photos(names, dict(train=['holiday_001'], test=['holiday_001']))


def test_bad_arguments_are_refused(tool, tmp_path, capsys):
    with pytest.raises(SystemExit):
        tool.parse_args([str(tmp_path), '--no-packaged'])  # no photographs at all
    with pytest.raises(SystemExit):
        tool.parse_args([str(tmp_path), '--long-side', '200', '--size', '320'])
    # A missing --photos folder: a message naming it and exit status 2, no traceback.
    with pytest.raises(SystemExit) as exit_info:
        tool.main([str(tmp_path / 'syn'), '--photos', str(tmp_path / 'does-not-exist'),
                   '--no-progress'])
    assert exit_info.value.code == 2
    assert f'--photos {tmp_path / "does-not-exist"}: no such folder' in capsys.readouterr().err
    assert not (tmp_path / 'syn').exists()


def test_train_scene_weights_reach_the_render_and_its_meta(tool, tmp_path, capsys):
    out = str(tmp_path / 'syn')
    tool.main([out, '--train-scene-weights', 'receding_plane=1', 'subject_sharp=0',
               'foreground_blurred=0', 'background_sharp=0', 'all_sharp=0', 'all_blurred=0',
               *ARGS])
    meta = json.load(open(osp.join(out, 'meta.json')))
    assert meta['options']['train_scene_weights']['receding_plane'] == 1.0
    assert {r['scene'] for r in meta['samples'] if r['split'] == 'train'} == {'receding_plane'}
    for bad, message in ((['bokeh=1'], "unknown scene kind 'bokeh'"),
                         (['all_sharp=lots'], "SCENE=WEIGHT, got 'all_sharp=lots'"),
                         (['all_sharp'], "SCENE=WEIGHT, got 'all_sharp'")):
        with pytest.raises(SystemExit):
            tool.parse_args([str(tmp_path / 'other'), '--train-scene-weights', *bad])
        assert message in capsys.readouterr().err


def test_contact_sheet_has_a_row_per_effect():
    from mmseg_r2mrf.synthesis import CONTACT_SHEET_EFFECTS, contact_sheet_picks
    base = dict(split='train', scene='subject_sharp', sharp_pixels=10, blurred_pixels=10,
                ignored_pixels=0, flattened_share=0.0, backdrop_share=0.0, aperture_shape='disc',
                point_lights=0)
    variants = [dict(), dict(scene='foreground_blurred'), dict(scene='background_sharp'),
                dict(scene='receding_plane', ignored_pixels=5), dict(flattened_share=0.3),
                dict(backdrop_share=0.2),
                dict(point_lights=9), dict(aperture_shape='polygon', point_lights=7),
                dict(aperture_shape='cat_eye', point_lights=5), dict(scene='all_sharp'),
                dict(scene='all_blurred')]
    records = [dict(base, name=f'train_{i:04d}', **v) for i, v in enumerate(variants)]
    picks = contact_sheet_picks(records)
    assert [title for title, _ in picks] == [title for title, _, _ in CONTACT_SHEET_EFFECTS]
    assert len({name for _, name in picks}) == len(picks)  # no sample shown twice
    # The best example of an effect is chosen: the most point lights for bokeh.
    assert dict(picks)['bokeh (disc)'] == 'train_0006'
    assert contact_sheet_picks(records[:1]) == [('sharp subject, blurred background',
                                                 'train_0000')]
