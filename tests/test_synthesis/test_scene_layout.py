import numpy as np
import pytest

from mmseg_r2mrf.synthesis import SCENES, find_sky, random_scene_layout


def test_a_flat_object_along_the_top_is_the_sky():
    rng = np.random.default_rng(0)
    rgb = rng.integers(0, 255, (120, 160, 3)).astype(np.uint8)  # textured everywhere
    rgb[:40] = (150, 190, 235)  # a plain band along the top
    objects = np.zeros((120, 160), np.int32)
    objects[40:] = 1
    sky = find_sky(rgb, objects)
    assert sky[:40].all() and not sky[40:].any()
    textured_top = rgb.copy()
    textured_top[:40] = rng.integers(0, 255, (40, 160, 3))
    assert not find_sky(textured_top, objects).any()
    # A flat object that only touches the top at a corner is not the sky.
    narrow = np.ones((120, 160), np.int32)
    narrow[:40, :20] = 0
    assert not find_sky(rgb, narrow).any()


def test_packaged_skies(small_photos):
    camera = small_photos['camera'].sky
    assert 0.1 < camera.mean() < 0.5 and camera[:camera.shape[0] // 2].mean() > 0.2
    assert not small_photos['gravel'].sky.any()


@pytest.mark.parametrize('scene', [s for s in SCENES])
def test_the_sky_is_farthest_and_never_a_subject(scene):
    regions = (np.arange(96)[:, None] // 12 * 8 + np.arange(96)[None, :] // 12).astype(np.int32)
    objects = np.zeros((96, 96), np.int32)
    objects[30:80, 30:66] = 1
    sky = np.zeros((96, 96), bool)
    sky[:24] = True
    inner = (slice(8, -8), slice(8, -8))
    drawn = 0
    for seed in range(30):
        layout = random_scene_layout(np.random.default_rng(seed), scene, regions, 12.0, 1.0, 2.0,
                                     inner, objects=objects, sky=sky)
        if layout is None:
            continue
        drawn += 1
        assert not (layout.subject & sky).any() and not (layout.occluder & sky).any()
        assert layout.disparity[sky].max() <= layout.disparity.min() + 1e-6
    assert drawn >= 5
    # Without the rule the sky is often nearer than something else in view.
    nearer = 0
    for seed in range(30):
        layout = random_scene_layout(np.random.default_rng(seed), scene, regions, 12.0, 1.0, 2.0,
                                     inner, objects=objects)
        nearer += layout is not None and layout.disparity[sky].max() > layout.disparity.min() + 1e-3
    assert nearer >= 3
