"""Released models: listed, loaded offline, refused when changed (made: test_apis)."""
import json
import os
import os.path as osp
import shutil

import numpy as np
import pytest

from mmseg_r2mrf.apis import DefocusDetector
from mmseg_r2mrf.pretrained import (
    PRETRAINED_DIR,
    ReleaseIntegrityError,
    ReleaseNotFoundError,
    file_sha256,
    find_release,
    list_pretrained,
    releases,
)

from tiny_data import textured_image
from tiny_detector import TINY_RELEASE as NAME


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
