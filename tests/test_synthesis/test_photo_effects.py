import numpy as np
import pytest

from mmseg_r2mrf.synthesis import add_point_lights, boost_highlights, flatten_regions


def test_flattened_surface_is_smooth_inside_and_keeps_its_crisp_outline():
    rng = np.random.default_rng(0)
    image = rng.uniform(0.2, 0.8, (64, 64, 3)).astype(np.float32)
    image[:, 32:] = 0.05  # a dark neighbour that must not bleed in
    mask = np.zeros((64, 64), bool)
    mask[8:56, 8:32] = True
    flat = flatten_regions(image, mask, sigma=6.0)
    np.testing.assert_array_equal(flat[~mask], image[~mask])
    assert flat[mask].std() < 0.1 * image[mask].std()
    assert flat[mask].mean() == pytest.approx(image[mask].mean(), abs=0.02)  # no dark bleed
    half = flatten_regions(image, mask, sigma=6.0, strength=0.5)
    assert 0.4 * image[mask].std() < half[mask].std() < 0.6 * image[mask].std()


def test_only_small_highlights_are_boosted_above_one():
    image = np.full((64, 64, 3), 0.3, np.float32)
    image[10, 10] = 1.0  # a small specular highlight
    image[32:, :] = 1.0  # a large white area (paper, overcast sky)
    boosted = boost_highlights(image, gain=6.0)
    assert boosted[10, 10].min() == pytest.approx(6.0)
    assert boosted[48, 32].max() == pytest.approx(1.0)
    np.testing.assert_array_equal(boosted[20, 40], image[20, 40])


def test_point_lights_go_to_bright_allowed_pixels_with_a_discs_energy():
    rng = np.random.default_rng(0)
    image = np.random.default_rng(1).uniform(0, 0.5, (40, 40, 3)).astype(np.float32)
    allowed = np.zeros((40, 40), bool)
    allowed[:, 20:] = True
    radius = np.full((40, 40), 6.0, np.float32)
    lit, where = add_point_lights(rng, image, allowed, radius, count=10)
    assert len(where) == 10 and allowed[where[:, 0], where[:, 1]].all()
    brightness = image.max(2)
    assert (brightness[where[:, 0], where[:, 1]] >= np.quantile(brightness[allowed], 0.5)).all()
    # Enough energy for a lit disc of the blur radius: 0.3-2 x pi r^2 (times the tint).
    energy = lit[where[:, 0], where[:, 1]].max(1)
    assert (energy >= 0.3 * np.pi * 36 - 1e-3).all() and (energy <= 2.0 * np.pi * 36).all()
    np.testing.assert_array_equal(np.delete(lit.reshape(-1, 3), where[:, 0] * 40 + where[:, 1],
                                            0),
                                  np.delete(image.reshape(-1, 3), where[:, 0] * 40 + where[:, 1],
                                            0))


def test_point_lights_prefer_bright_spots_to_bright_smooth_surfaces():
    rng = np.random.default_rng(0)
    image = np.full((40, 40, 3), 0.2, np.float32)
    image[:, :20] = 0.9  # a bright, smooth face
    spots = [(5, 25), (12, 33), (20, 28), (30, 36), (35, 24)]
    for row, col in spots:
        image[row, col] = 0.95  # small highlights on the dark side
    radius = np.full((40, 40), 5.0, np.float32)
    _, where = add_point_lights(rng, image, np.ones((40, 40), bool), radius, count=5)
    assert sorted(map(tuple, where)) == sorted(spots)
