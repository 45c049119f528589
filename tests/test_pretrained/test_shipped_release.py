"""Every release that ships in the package loads offline, verifies, and finds the blurred half."""
import glob
import os.path as osp

import numpy as np
import pytest

from mmseg_r2mrf.apis import DefocusDetector
from mmseg_r2mrf.pretrained import PRETRAINED_DIR, find_release

from tiny_data import half_blurred_pair

#: The shipped releases, by their weights files (not by list_pretrained, which is under test).
SHIPPED = sorted(osp.basename(path)[:-len('.pth')]
                 for path in glob.glob(osp.join(PRETRAINED_DIR, '*.pth')))


def test_the_package_ships_releases_and_lists_them_newest_first():
    assert SHIPPED, f'no release in {PRETRAINED_DIR}'
    listed = DefocusDetector.list_pretrained()
    assert sorted(listed) == SHIPPED
    assert listed[0] == max(SHIPPED, key=lambda name: int(name.rsplit('-v', 1)[1]))


@pytest.mark.parametrize('name', SHIPPED)
def test_shipped_release_is_verified(name):
    release = find_release(name)  # sha256 of weights and config checked
    assert release.index['sha256'][f'{name}.pth'] in open(release.card).read()


@pytest.mark.parametrize('name', SHIPPED)
def test_shipped_release_finds_the_blurred_half(name):
    detector = DefocusDetector.from_pretrained(name)
    assert detector.release == name
    image, mask = half_blurred_pair(np.random.default_rng(0), 160, 224, sigma=4.0)
    blur = detector.predict(image)
    assert blur.shape == mask.shape
    blurred, sharp = blur[mask == 1].mean(), blur[mask == 0].mean()
    assert blurred > 0.7 and sharp < 0.3, (blurred, sharp)
