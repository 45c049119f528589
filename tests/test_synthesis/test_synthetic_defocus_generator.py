import cv2
import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from mmseg_r2mrf.baselines import laplacian_blur_probability
from mmseg_r2mrf.synthesis import SyntheticDefocusGenerator


NUM_SAMPLES = 8  # of each split, rendered once for the module


@pytest.fixture(scope='module')
def make_generator(small_photos):
    """The module's generator settings, with the seed left open."""
    return lambda seed: SyntheticDefocusGenerator(
        size=128, seed=seed, train_photos=('camera', 'motorcycle'),
        test_photos=('coffee', 'gravel'), photos=small_photos)


@pytest.fixture(scope='module')
def generator(make_generator):
    return make_generator(0)


@pytest.fixture(scope='module')
def samples(generator):
    """Samples 0-7 of each split by (split, index)."""
    return {(split, index): generator.sample(split, index)
            for split in ('train', 'test') for index in range(NUM_SAMPLES)}


def test_deterministic_for_a_seed(samples, make_generator):
    again, other = make_generator(0), make_generator(1)
    for split, index in (('train', 3), ('test', 1)):
        first, second = samples[split, index], again.sample(split, index)
        assert first.jpeg == second.jpeg
        np.testing.assert_array_equal(first.label, second.label)
        assert first.settings == second.settings
        assert other.sample(split, index).jpeg != first.jpeg


def test_labels_match_blur_radii(samples):
    for sample in samples.values():
        assert sample.image.shape == (128, 128, 3) and sample.label.shape == (128, 128)
        assert set(np.unique(sample.label)) <= {0, 1, 255}
        # Blurred where the blur disk is wider than about a pixel, sharp where it is not.
        assert (sample.radius[sample.label == 1] > 1.0).all(), sample.name
        assert (sample.radius[sample.label == 0] < 1.0).all(), sample.name
        # Ambiguous radii (between 0.75 and 1.5 px) are never labelled.
        band = (sample.radius > 0.8) & (sample.radius < 1.4)
        assert (sample.label[band] == 255).all(), sample.name


def test_splits_by_photo_and_test_images_hold_both_classes(samples):
    train_photos = {s.photo for s in samples.values() if s.split == 'train'}
    test_photos = {s.photo for s in samples.values() if s.split == 'test'}
    assert train_photos == {'camera', 'motorcycle'} and test_photos == {'coffee', 'gravel'}
    for sample in samples.values():
        if sample.split == 'test':
            assert sample.scene in ('foreground_sharp', 'background_sharp')
            assert (sample.label == 0).mean() > 0.05 and (sample.label == 1).mean() > 0.05


def test_every_scene_kind_occurs_in_training(generator, samples):
    scenes = {samples['train', index].scene for index in range(NUM_SAMPLES)}
    scenes |= {generator.sample('train', index).scene for index in range(NUM_SAMPLES, 24)}
    assert scenes == {'foreground_sharp', 'background_sharp', 'all_sharp', 'all_blurred'}


def test_sharpness_separates_labels_but_noise_level_does_not(samples):
    """The classic Laplacian-energy cue sees the blur; the sensor noise carries no label."""
    cue, noise, labels = [], [], []
    for sample in samples.values():
        kept = sample.label != 255
        labels.append(sample.label[kept])
        cue.append(laplacian_blur_probability(sample.image, window=9)[kept])
        local_noise = cv2.boxFilter(np.square(sample.noise).mean(2), -1, (9, 9))
        noise.append(local_noise[kept])
    test = [s.split == 'test' for s in samples.values()]
    test_labels = np.concatenate([l for l, t in zip(labels, test) if t])
    test_cue = np.concatenate([c for c, t in zip(cue, test) if t])
    assert roc_auc_score(test_labels, test_cue) > 0.75
    assert abs(roc_auc_score(np.concatenate(labels), np.concatenate(noise)) - 0.5) < 0.1
