import cv2
import numpy as np
import pytest
from scipy import ndimage
from sklearn.metrics import roc_auc_score

from mmseg_r2mrf.baselines import laplacian_blur_probability
from mmseg_r2mrf.synthesis import (
    SCENES,
    TRAIN_SCENE_WEIGHTS,
    SyntheticDefocusGenerator,
    scene_weights,
)

NUM_SAMPLES = 8  # of each split, rendered once for the module
SPLITS = ('train', 'val', 'test')


@pytest.fixture(scope='module')
def make_generator(small_photos):
    """The module's generator settings, with the seed left open."""
    return lambda seed: SyntheticDefocusGenerator(
        size=128, seed=seed, long_side=(256, 320), train_photos=('camera', 'motorcycle'),
        val_photos=('gravel', ), test_photos=('coffee', ), photos=small_photos)


@pytest.fixture(scope='module')
def generator(make_generator):
    return make_generator(0)


@pytest.fixture(scope='module')
def samples(generator):
    """Samples 0-7 of each split by (split, index)."""
    return {(split, index): generator.sample(split, index)
            for split in SPLITS for index in range(NUM_SAMPLES)}


@pytest.fixture(scope='module')
def scene_samples(generator):
    """Training samples 0-5 of each scene kind, by (scene, index)."""
    return {(scene, index): generator.sample('train', index, scene=scene)
            for scene in SCENES for index in range(6)}


def test_deterministic_for_a_seed(samples, make_generator):
    again, other = make_generator(0), make_generator(1)
    for split, index in (('train', 3), ('val', 2), ('test', 1)):
        first, second = samples[split, index], again.sample(split, index)
        assert first.jpeg == second.jpeg
        np.testing.assert_array_equal(first.label, second.label)
        assert first.settings == second.settings
        assert other.sample(split, index).jpeg != first.jpeg


def test_labels_follow_the_circle_of_confusion(samples, scene_samples):
    for sample in list(samples.values()) + list(scene_samples.values()):
        assert sample.image.shape == (128, 128, 3) and sample.label.shape == (128, 128)
        assert set(np.unique(sample.label)) <= {0, 1, 255}
        # Blurred beyond 2 px of blur radius, sharp below 1 px; the band between is ignored.
        assert (sample.radius[sample.label == 1] > 2.0).all(), sample.name
        assert (sample.radius[sample.label == 0] < 1.0).all(), sample.name
        band = (sample.radius > 1.0) & (sample.radius < 2.0)
        assert (sample.label[band] == 255).all(), sample.name
        # The radius is the thin lens's, from the scene's depth (up to the layer quantisation).
        coc = sample.settings['aperture'] * np.abs(sample.disparity -
                                                   sample.settings['focus_disparity'])
        assert np.abs(coc - sample.radius).max() < 0.6 + 0.1 * coc.max(), sample.name


def test_blur_radii_span_the_benchmarks_range(samples, scene_samples):
    """At 640 px long, defocused backgrounds reach 15-20 px; scaled to this set's 256-320 px."""
    radii = [s.radius.max() for s in list(samples.values()) + list(scene_samples.values())]
    scale = 320 / 640
    assert max(radii) > 12 * scale and max(radii) <= 18 * scale + 0.5
    blurred = [s.radius[s.label == 1] for s in samples.values() if (s.label == 1).any()]
    assert min(r.min() for r in blurred) > 2.0 and np.median(np.concatenate(blurred)) > 3.0


def test_splits_by_photo_and_evaluation_images_hold_both_classes(samples):
    photos = {split: {s.photo for s in samples.values() if s.split == split} for split in SPLITS}
    assert photos == dict(train={'camera', 'motorcycle'}, val={'gravel'}, test={'coffee'})
    for sample in samples.values():
        if sample.split != 'train':
            assert sample.scene not in ('all_sharp', 'all_blurred')
            assert (sample.label == 0).mean() > 0.05 and (sample.label == 1).mean() > 0.05


def test_photos_in_two_splits_are_refused(small_photos):
    with pytest.raises(ValueError, match='both the train and the val split'):
        SyntheticDefocusGenerator(train_photos=('camera', ), val_photos=('camera', ),
                                  test_photos=('coffee', ), photos=small_photos)


def test_every_scene_kind_occurs_in_training(generator, samples):
    scenes = {samples['train', index].scene for index in range(NUM_SAMPLES)}
    scenes |= {generator.sample('train', index).scene for index in range(NUM_SAMPLES, 40)}
    assert scenes == set(SCENES)


def test_training_scene_weights_set_the_mixture_and_leave_evaluation_crops_alone(
        small_photos, samples):
    only = SyntheticDefocusGenerator(
        size=128, seed=0, long_side=(256, 320), train_photos=('camera', 'motorcycle'),
        val_photos=('gravel', ), test_photos=('coffee', ), photos=small_photos,
        train_scene_weights={kind: 0 for kind in SCENES} | dict(background_sharp=2.0))
    assert {only.sample('train', index).scene for index in range(6)} == {'background_sharp'}
    assert only.options()['train_scene_weights']['background_sharp'] == 1.0
    for split in ('val', 'test'):  # the evaluation crops stay comparable across mixtures
        assert only.sample(split, 1).jpeg == samples[split, 1].jpeg


def test_scene_weights_override_the_defaults_by_kind():
    default = dict(zip(SCENES, TRAIN_SCENE_WEIGHTS))
    assert scene_weights() == TRAIN_SCENE_WEIGHTS
    halved = dict(zip(SCENES, scene_weights(dict(subject_sharp=0.0))))
    assert halved['subject_sharp'] == 0.0
    # The others keep their proportions, renormalised.
    assert halved['receding_plane'] == pytest.approx(
        default['receding_plane'] / (1 - default['subject_sharp']))
    for bad, match in ((dict(bokeh=1.0), "unknown scene kind 'bokeh'"),
                       (dict(all_sharp=-1.0), 'must be a number >= 0'),
                       (dict(all_sharp=float('nan')), 'must be a number >= 0'),
                       ({kind: 0.0 for kind in SCENES}, 'all 0')):
        with pytest.raises(ValueError, match=match):
            scene_weights(bad)


def test_all_sharp_and_all_blurred_scenes(scene_samples):
    for index in range(6):
        sharp, blurred = scene_samples['all_sharp', index], scene_samples['all_blurred', index]
        assert (sharp.label == 0).all() and sharp.radius.max() < 1.0
        assert (blurred.label == 1).all() and blurred.radius.min() > 2.0


def test_sharp_subject_before_a_defocused_background(scene_samples):
    for index in range(0, 6, 2):  # camera's crops (the motorcycle's depth is measured)
        sample = scene_samples['subject_sharp', index]
        # The whole subject is in focus and labelled sharp, the background blurred.
        assert (sample.label[sample.subject] == 0).all(), sample.name
        background = ~ndimage.binary_dilation(sample.subject, iterations=2)
        assert (sample.label[background] != 0).all(), sample.name
        assert (sample.label[background] == 1).mean() > 0.9, sample.name


def test_a_blurred_foreground_spills_over_the_sharp_subject(scene_samples):
    spilled = 0
    for index in range(0, 6, 2):
        sample = scene_samples['foreground_blurred', index]
        assert sample.occluder.any() and (sample.label[sample.occluder] != 0).all()
        # Just outside the blurred occluder, the subject gets some of its light: not labelled.
        rim = ndimage.binary_dilation(sample.occluder) & ~sample.occluder & sample.subject
        if rim.sum() > 10:
            assert (sample.label[rim] == 255).mean() > 0.8, sample.name
            spilled += 1
        # Out of its reach, the subject is sharp (the occluder may also be out of frame).
        spread = int(sample.radius.max()) + 2
        reach = ndimage.binary_dilation(sample.occluder, iterations=spread)
        reach[:spread] = reach[-spread:] = reach[:, :spread] = reach[:, -spread:] = True
        assert (sample.label[sample.subject & ~reach] == 0).all(), sample.name
    assert spilled >= 1


def test_receding_plane_blur_grows_gradually_and_switches_at_the_threshold(scene_samples):
    for index in range(0, 6, 2):
        sample = scene_samples['receding_plane', index]
        plane = ~ndimage.binary_dilation(sample.subject, iterations=int(sample.radius.max()) + 2)
        distance = np.abs(sample.disparity - sample.settings['focus_disparity'])[plane]
        radius = sample.radius[plane]
        # Blur grows with the distance from the focused depth, monotonically (up to layers)...
        order = np.argsort(distance, kind='stable')
        assert (np.diff(radius[order]) > -0.6).all(), sample.name
        # ...through every stage: sharp, the ignored band, blurred.
        label = sample.label[plane]
        assert {0, 1, 255} <= set(np.unique(label)), sample.name
        # The label switches where the radius crosses the thresholds, not where texture ends
        # (pixels that also get light from a neighbouring depth layer may be left unlabelled).
        assert set(np.unique(label[radius < 1.0])) <= {0, 255}
        assert set(np.unique(label[radius > 2.0])) <= {1, 255}
        assert (label[radius < 1.0] == 0).mean() > 0.7 and (label[radius > 2.0] == 1).mean() > 0.6


def test_textureless_surfaces_of_a_sharp_subject_are_labelled_sharp(generator):
    found = 0
    for index in range(12):
        sample = generator.sample('train', index, scene='subject_sharp')
        inner = ndimage.binary_erosion(sample.flattened, iterations=3)
        if inner.sum() < 50:
            continue
        found += 1
        assert (sample.label[inner] == 0).all(), sample.name
        # It is as smooth as the defocused background, yet sharp: labelled from depth.
        grey = sample.image.mean(2).astype(np.float32)
        detail = np.abs(cv2.Laplacian(cv2.GaussianBlur(grey, (3, 3), 0), cv2.CV_32F))
        background = ~ndimage.binary_dilation(sample.subject, iterations=3)
        if background.sum() > 50:
            assert detail[inner].mean() < 2 * detail[background].mean() + 1.0, sample.name
    assert found >= 2


def test_point_lights_become_bokeh_in_the_defocused_parts(generator):
    found = 0
    for index in range(24):
        sample = generator.sample('train', index, scene='subject_sharp')
        if not len(sample.lights):
            continue
        found += 1
        rows, cols = sample.lights.T
        # Defocused where they lie, and (most of them) spread into bright patches.
        assert (sample.label[rows, cols] != 0).all() and (sample.radius[rows, cols] > 3.5).all()
        grey = sample.image.max(2)
        assert (grey[rows, cols] >= np.median(grey)).mean() >= 0.5, sample.name
    assert found >= 2


def test_sharpness_separates_labels_but_noise_level_does_not(samples):
    """The classic Laplacian-energy cue sees the blur; the sensor noise carries no label."""
    cue, labels, noise_auc = [], [], []
    for sample in samples.values():
        kept = sample.label != 255
        labels.append(sample.label[kept])
        cue.append(laplacian_blur_probability(sample.image, window=9)[kept])
        # Within an image (one noise level for the whole frame) and a band of brightness (shot
        # noise and the sRGB curve make dark pixels noisier, as in a camera), the local noise
        # energy must not tell blurred from sharp. Clipped pixels hold no noise: left out.
        local_noise = cv2.boxFilter(np.square(sample.noise).mean(2), -1, (9, 9))
        grey = sample.image.mean(2)
        band = np.digitize(grey, np.arange(16, 250, 16))
        for level in np.unique(band[kept & (sample.image.max(2) < 250)]):
            here = kept & (band == level)
            if min((sample.label[here] == 0).sum(), (sample.label[here] == 1).sum()) >= 200:
                noise_auc.append(roc_auc_score(sample.label[here], local_noise[here]))
    # Textureless sharp surfaces keep the cue from being perfect, which is the point.
    assert roc_auc_score(np.concatenate(labels), np.concatenate(cue)) > 0.7
    # Textured windows run slightly noisier in sRGB (the curve is convex), as in a camera;
    # noise added before the blur would vanish from blurred parts and drive the AUC near 0.
    assert len(noise_auc) >= 10 and abs(np.mean(noise_auc) - 0.5) < 0.15


def test_sky_and_plain_backdrops_are_farthest_flat_and_labelled_from_depth(generator):
    drawn, sharp_backdrops = 0, 0
    for index in range(60):  # gravel and coffee have no sky: backdrops are drawn over them
        sample = generator.sample(('val', 'test')[index % 2], index // 2, scene=(
            'background_sharp', 'subject_sharp')[index // 2 % 2])
        if sample.settings['backdrop_share'] == 0:
            continue
        drawn += 1
        backdrop = sample.backdrop
        assert sample.disparity[backdrop].max() <= sample.disparity.min() + 1e-6, sample.name
        assert not (backdrop & (sample.subject | sample.occluder)).any(), sample.name
        inner = ndimage.binary_erosion(backdrop, iterations=4)
        if inner.sum() < 50:
            continue
        # Farthest, so sharp exactly when the farthest plane is in focus.
        sharp_far = sample.radius[inner].max() < 1.0
        labelled = sample.label[inner][sample.label[inner] != 255]
        assert (labelled == (0 if sharp_far else 1)).all(), sample.name
        if sharp_far:
            sharp_backdrops += 1
            grey = sample.image.mean(2).astype(np.float32)
            detail = np.abs(cv2.Laplacian(cv2.GaussianBlur(grey, (3, 3), 0), cv2.CV_32F))
            assert detail[inner].mean() < detail[~backdrop].mean(), sample.name
    assert drawn >= 3
    assert sharp_backdrops >= 1
