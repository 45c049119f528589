import cv2
import numpy as np
import pytest

from mmseg_r2mrf.synthesis import circle_of_confusion, disk_kernel, render_layered_defocus


@pytest.mark.parametrize('radius', [0.5, 1.0, 2.3, 7.0])
def test_disk_kernel_is_a_normalised_disk(radius):
    kernel = disk_kernel(radius)
    assert kernel.shape[0] == kernel.shape[1] and kernel.shape[0] % 2 == 1
    assert kernel.sum() == pytest.approx(1.0, abs=1e-5)
    np.testing.assert_allclose(kernel, kernel.T, atol=1e-7)  # circular
    half = kernel.shape[0] // 2
    y, x = np.mgrid[-half:half + 1, -half:half + 1]
    assert (kernel[np.hypot(y, x) > radius + 0.5] == 0).all()
    assert (kernel[np.hypot(y, x) <= radius - 0.5] == kernel.max()).all()


def test_tiny_radius_is_the_identity():
    assert disk_kernel(0.3).tolist() == [[1.0]]


def test_circle_of_confusion_is_linear_in_disparity():
    disparity = np.array([0.0, 0.25, 0.5, 1.0], np.float32)
    radius = circle_of_confusion(disparity, focus_disparity=0.5, aperture=8.0)
    assert radius[2] == 0  # in focus
    assert radius[1] == pytest.approx(radius[0] / 2)  # |1/z - 1/z_f| halves
    assert radius[3] == pytest.approx(radius[0])  # as far in front as behind
    np.testing.assert_allclose(circle_of_confusion(disparity, 0.5, 16.0), 2 * radius)


def step_scene(size=64):
    """Random texture; the left half near (disparity 1), the right half far (0)."""
    image = np.random.default_rng(0).uniform(0, 1, (size, size, 3)).astype(np.float32)
    disparity = np.zeros((size, size), np.float32)
    disparity[:, :size // 2] = 1.0
    return image, disparity


def detail(image):
    return np.abs(cv2.Laplacian(image.mean(2), cv2.CV_32F))


def test_flat_image_stays_flat_through_layers():
    """Layers composited with normalised alpha neither darken nor brighten depth edges."""
    _, disparity = step_scene()
    flat = np.full(disparity.shape + (3, ), 0.4, np.float32)
    for focus in (0.0, 1.0):
        out = render_layered_defocus(flat, disparity, focus, aperture=5.0).image
        np.testing.assert_allclose(out, 0.4, atol=1e-4)


def test_focused_near_layer_stays_sharp_and_hides_the_blurred_far_one():
    image, disparity = step_scene()
    render = render_layered_defocus(image, disparity, focus_disparity=1.0, aperture=5.0)
    # The near (left) half is in focus and in front: untouched, to the pixel.
    np.testing.assert_allclose(render.image[:, :30], image[:, :30], atol=1e-5)
    assert (render.radius[:, :32] == 0).all() and (render.radius[:, 40:] == 5).all()
    assert (render.sharp_fraction[:, :32] == 1).all()
    assert (render.blurred_fraction[:, 40:] == 1).all()
    assert detail(render.image)[:, 40:].mean() < 0.3 * detail(image)[:, 40:].mean()


def test_blurred_near_layer_spreads_over_the_sharp_far_one():
    image, disparity = step_scene()
    render = render_layered_defocus(image, disparity, focus_disparity=0.0, aperture=5.0)
    # Pixels of the far half right of the edge receive some of the blurred near layer...
    mixed = render.blurred_fraction[:, 32:37]
    assert ((mixed > 0) & (mixed < 1)).all()
    # ...while those out of its reach keep the far layer's sharp texture.
    np.testing.assert_allclose(render.image[:, 40:], image[:, 40:], atol=1e-5)
    assert (render.sharp_fraction[:, 40:] == 1).all()
