"""The release that ships in the package loads offline, verifies, and finds the blurred half."""
import numpy as np

from mmseg_r2mrf.apis import DefocusDetector
from mmseg_r2mrf.pretrained import find_release

from tiny_data import half_blurred_pair

SHIPPED = 'r2mrf_effnetlite0_synthetic-v1'


def test_shipped_release_is_listed_and_verified():
    assert SHIPPED in DefocusDetector.list_pretrained()
    release = find_release(SHIPPED)  # sha256 of weights and config checked
    assert release.index['sha256'][f'{SHIPPED}.pth'] in open(release.card).read()


def test_shipped_release_finds_the_blurred_half():
    detector = DefocusDetector.from_pretrained(SHIPPED)
    assert detector.release == SHIPPED
    image, mask = half_blurred_pair(np.random.default_rng(0), 160, 224, sigma=4.0)
    blur = detector.predict(image)
    assert blur.shape == mask.shape
    blurred, sharp = blur[mask == 1].mean(), blur[mask == 0].mean()
    assert blurred > 0.7 and sharp < 0.3, (blurred, sharp)
