import cv2
import numpy as np
import pytest

from mmseg_r2mrf.baselines import LaplacianEnergyBaseline, laplacian_blur_probability


def half_blurred(size=96):
    """Random texture with the right half Gaussian-blurred (sigma 2)."""
    texture = np.random.default_rng(0).integers(0, 256, (size, size, 3), dtype=np.uint8)
    blurred = cv2.GaussianBlur(texture, (0, 0), 2)
    image = texture.copy()
    image[:, size // 2:] = blurred[:, size // 2:]
    return image


def test_blurred_half_gets_the_high_probabilities():
    probability = laplacian_blur_probability(half_blurred())
    assert probability.shape == (96, 96) and probability.dtype == np.float32
    assert probability.min() >= 0 and probability.max() <= 1
    # Away from the edge (the energy window reaches 7 px), the halves do not overlap at all.
    assert probability[:, 60:].min() > probability[:, :40].max()


def test_grey_and_colour_inputs_agree():
    image = half_blurred()
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    np.testing.assert_allclose(laplacian_blur_probability(image),
                               laplacian_blur_probability(grey), atol=1e-6)


def test_callable_matches_the_function():
    baseline = LaplacianEnergyBaseline(window=9, low_percentile=10)
    np.testing.assert_array_equal(baseline(half_blurred()),
                                  laplacian_blur_probability(half_blurred(), 9, 10))


@pytest.mark.parametrize('settings,message', [
    (dict(low_percentile=90, high_percentile=10), 'percentile'),
    (dict(high_percentile=101), 'percentile'),
    (dict(window=0), 'window')])
def test_function_and_callable_refuse_bad_settings(settings, message):
    with pytest.raises(ValueError, match=message):
        laplacian_blur_probability(half_blurred(), **settings)
    with pytest.raises(ValueError, match=message):
        LaplacianEnergyBaseline(**settings)
