"""Released models: made from a checkpoint, listed, loaded offline, refused when changed."""
import json
import os
import os.path as osp
import shutil

import numpy as np
import pytest
import torch

from mmseg_r2mrf.apis import DefocusDetector
from mmseg_r2mrf.compat import CheckpointMismatchError
from mmseg_r2mrf.pretrained import (
    CARD_FIELDS,
    PRETRAINED_DIR,
    ReleaseIntegrityError,
    ReleaseNotFoundError,
    file_sha256,
    find_release,
    list_pretrained,
    make_release,
    release_builder,
    releases,
)

from tiny_data import textured_image
from tiny_detector import make_tiny_detector, make_tiny_release

NAME = 'tiny_blur-v1'


@pytest.fixture(scope='module')
def release_dir(tmp_path_factory) -> str:
    return make_tiny_release(str(tmp_path_factory.mktemp('release')), NAME)


@pytest.fixture
def release_copy(release_dir, tmp_path) -> str:
    """A copy that a test may damage."""
    folder = str(tmp_path / 'copy')
    shutil.copytree(release_dir, folder)
    return folder


def test_package_folder_is_the_default(monkeypatch, tmp_path):
    assert PRETRAINED_DIR == osp.dirname(osp.abspath(releases.__file__))
    assert osp.basename(PRETRAINED_DIR) == 'pretrained'
    monkeypatch.setattr(releases, 'PRETRAINED_DIR', str(tmp_path))
    assert list_pretrained() == [] and DefocusDetector.list_pretrained() == []


def test_no_release_installed_is_a_clear_error(tmp_path):
    with pytest.raises(ReleaseNotFoundError, match='no released model is installed in '
                       f'{tmp_path}'):
        DefocusDetector.from_pretrained(root=str(tmp_path))
    assert DefocusDetector.list_pretrained(str(tmp_path / 'missing')) == []


def test_release_files(release_dir):
    assert sorted(os.listdir(release_dir)) == sorted(
        [f'{NAME}.pth', f'{NAME}.py', f'{NAME}.json', f'{NAME}.md', 'source'])
    weights = torch.load(osp.join(release_dir, f'{NAME}.pth'), map_location='cpu',
                         weights_only=True)
    assert set(weights) == {'state_dict', 'meta'}  # weights only: no optimizer, no hub
    assert weights['meta']['release'] == NAME
    assert weights['meta']['dataset_meta'] == {'classes': ('focus', 'blur')}
    source = torch.load(osp.join(release_dir, 'source', 'tiny_detector.pth'),
                        map_location='cpu', weights_only=True)['state_dict']
    assert weights['state_dict'].keys() == source.keys()
    for key, value in source.items():
        torch.testing.assert_close(weights['state_dict'][key], value, rtol=0, atol=0)
    index = json.load(open(osp.join(release_dir, f'{NAME}.json')))
    card = open(osp.join(release_dir, f'{NAME}.md')).read()
    for filename in (f'{NAME}.pth', f'{NAME}.py'):
        sha256 = file_sha256(osp.join(release_dir, filename))
        assert index['sha256'][filename] == sha256
        assert f'{sha256}  {filename}' in card  # sha256sum's format
    for heading in CARD_FIELDS.values():
        assert f'| {heading} |' in card
    assert '| Seed | 0 |' in card and '| Schedule | TODO |' in card
    assert 'Fields marked TODO are still to be filled in.' in card
    assert index['card']['seed'] == 0


def test_a_complete_card_says_nothing_of_todo(tmp_path):
    from mmseg_r2mrf.pretrained.release_builder import _card_text
    fields = {key: 'x' for key in CARD_FIELDS}
    sha256 = {'r-v1.pth': 'a' * 64, 'r-v1.py': 'b' * 64}
    assert 'TODO' not in _card_text('r-v1', fields, sha256, 10)
    del fields['seed']
    assert 'Fields marked TODO' in _card_text('r-v1', fields, sha256, 10)


def test_from_pretrained_predicts_as_the_source_checkpoint(release_dir):
    released = DefocusDetector.from_pretrained(root=release_dir)
    assert released.release == NAME
    source = DefocusDetector(osp.join(release_dir, 'source', 'tiny_detector.py'),
                             osp.join(release_dir, 'source', 'tiny_detector.pth'))
    image = textured_image(36, 52, seed=4)
    np.testing.assert_array_equal(released.predict(image), source.predict(image))
    assert DefocusDetector.from_pretrained(NAME, root=release_dir).release == NAME


def test_the_newest_release_is_the_default(release_dir, tmp_path):
    """Release numbers are compared as numbers, whatever the model part of the name."""
    for name in ('tiny_blur-v2', 'other_model-v10', 'tiny_blur-v9'):
        for suffix in ('.pth', '.py', '.md'):
            shutil.copy(osp.join(release_dir, NAME + suffix), tmp_path / (name + suffix))
        index = json.load(open(osp.join(release_dir, f'{NAME}.json')))
        index['sha256'] = {name + suffix: sha for suffix, sha in (
            ('.pth', index['sha256'][f'{NAME}.pth']), ('.py', index['sha256'][f'{NAME}.py']))}
        json.dump(index, open(tmp_path / f'{name}.json', 'w'))
    (tmp_path / 'notes.json').write_text('{}')  # not a release name: ignored
    assert list_pretrained(str(tmp_path)) == ['other_model-v10', 'tiny_blur-v9', 'tiny_blur-v2']
    assert DefocusDetector.from_pretrained(root=str(tmp_path)).release == 'other_model-v10'


def test_a_changed_file_is_refused(release_dir, release_copy):
    weights = osp.join(release_copy, f'{NAME}.pth')
    expected = file_sha256(weights)
    with open(weights, 'r+b') as file:  # one byte of a tensor
        file.seek(-100, os.SEEK_END)
        byte = file.read(1)
        file.seek(-100, os.SEEK_END)
        file.write(bytes([byte[0] ^ 1]))
    actual = file_sha256(weights)
    with pytest.raises(ReleaseIntegrityError) as error:
        DefocusDetector.from_pretrained(NAME, root=release_copy)
    assert weights in str(error.value) and expected in str(error.value) and \
        actual in str(error.value)
    shutil.copy(osp.join(release_dir, f'{NAME}.pth'), weights)
    config = osp.join(release_copy, f'{NAME}.py')
    with open(config, 'a') as file:
        file.write('\nmodel = None\n')
    with pytest.raises(ReleaseIntegrityError, match=f'{NAME}.py is not the file of release'):
        find_release(NAME, release_copy)


def test_incomplete_or_unknown_releases(release_copy):
    with pytest.raises(ReleaseNotFoundError, match=f"no released model named 'x-v3'.*{NAME}"):
        DefocusDetector.from_pretrained('x-v3', root=release_copy)
    os.remove(osp.join(release_copy, f'{NAME}.pth'))
    with pytest.raises(ReleaseNotFoundError, match=f'incomplete: .*{NAME}.pth is missing'):
        find_release(NAME, release_copy)
    with open(osp.join(release_copy, f'{NAME}.json'), 'w') as file:
        file.write('{"sha256": ')
    with pytest.raises(ReleaseIntegrityError, match=f'{NAME}.json of release {NAME} is no valid'):
        find_release(NAME, release_copy)


def test_make_release_refuses_to_overwrite(release_copy):
    source = osp.join(release_copy, 'source')
    args = (osp.join(source, 'tiny_detector.pth'), osp.join(source, 'tiny_detector.py'), NAME)
    before = open(osp.join(release_copy, f'{NAME}.json')).read()
    with pytest.raises(FileExistsError, match=f'release {NAME} exists.*force'):
        make_release(*args, out_dir=release_copy)
    assert open(osp.join(release_copy, f'{NAME}.json')).read() == before
    release = make_release(*args, out_dir=release_copy, card_fields=dict(seed=5), force=True)
    assert release.index['card']['seed'] == 5


def test_make_release_refuses_bad_sources(tmp_path, monkeypatch):
    config, checkpoint = make_tiny_detector(str(tmp_path))
    out_dir = tmp_path / 'out'
    with pytest.raises(ValueError, match='not of the form <model>-v<N>'):
        make_release(checkpoint, config, 'tiny', out_dir=str(out_dir))
    with pytest.raises(ValueError, match='unknown card field.*speed'):
        make_release(checkpoint, config, NAME, out_dir=str(out_dir), card_fields=dict(speed=1))
    weights = torch.load(checkpoint, map_location='cpu', weights_only=True)
    del weights['state_dict']['decode_head.conv_seg.bias']
    torch.save(weights, tmp_path / 'partial.pth')
    with pytest.raises(CheckpointMismatchError, match='conv_seg.bias'):
        make_release(str(tmp_path / 'partial.pth'), config, NAME, out_dir=str(out_dir))
    monkeypatch.setattr(release_builder, 'MAX_WEIGHTS_BYTES', 1000)
    with pytest.raises(ValueError, match='more than a release may'):
        make_release(checkpoint, config, NAME, out_dir=str(out_dir))
    assert not out_dir.exists() or os.listdir(out_dir) == []
