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


def point_light_render(radius, **aperture):
    """A single light of energy 50 on black, defocused to ``radius`` with an aperture shape."""
    from functools import partial

    from mmseg_r2mrf.synthesis import aperture_kernel
    size = 2 * int(radius) + 21
    image = np.zeros((size, size, 3), np.float32)
    image[size // 2, size // 2] = 50.0  # far above 1: a highlight in linear light
    disparity = np.zeros((size, size), np.float32)
    return render_layered_defocus(image, disparity, focus_disparity=1.0, aperture=radius,
                                  kernel=partial(aperture_kernel, **aperture)).image[..., 0]


@pytest.mark.parametrize('radius', [3.0, 6.5, 12.0])
def test_a_highlight_becomes_a_disc_of_its_radius(radius):
    out = point_light_render(radius, shape='disc')
    lit = out > 0.5 * out.max()
    # A uniformly lit disc: its area gives its radius, and it is round.
    assert np.sqrt(lit.sum() / np.pi) == pytest.approx(radius, abs=0.5)
    rows, cols = np.nonzero(lit)
    assert rows.max() - rows.min() == pytest.approx(cols.max() - cols.min(), abs=1)
    assert out.sum() == pytest.approx(50.0, rel=1e-3)  # the light's energy is kept
    assert out.max() > 1.0 / (np.pi * radius**2) * 40  # still brighter than the fill


def radial_extent(lit, bins=72):
    """Distance from the centroid to the farthest lit pixel, per direction (5-degree bins)."""
    rows, cols = np.nonzero(lit)
    dy, dx = rows - rows.mean(), cols - cols.mean()
    angle = ((np.arctan2(dy, dx) % (2 * np.pi)) / (2 * np.pi) * bins).astype(int) % bins
    extent = np.zeros(bins)
    np.maximum.at(extent, angle, np.hypot(dy, dx))
    return extent


@pytest.mark.parametrize('blades', [5, 6, 8])
def test_a_polygonal_aperture_gives_polygonal_bokeh(blades):
    radius = 20.0
    polygon = radial_extent(point_light_render(radius, shape='polygon', blades=blades) > 1e-3)
    disc = radial_extent(point_light_render(radius, shape='disc') > 1e-3)
    # A regular polygon reaches its circumradius at the corners and only the apothem
    # (R cos(pi/n)) between them; a disc is as wide in every direction.
    ratio = polygon.min() / polygon.max()
    assert ratio == pytest.approx(np.cos(np.pi / blades), abs=0.05)
    assert disc.min() / disc.max() > 0.93
    # As many corners as blades: peaks of the extent around the circle.
    smooth = np.convolve(np.r_[polygon[-1:], polygon, polygon[:1]], np.ones(3) / 3, 'same')[1:-1]
    peaks = (smooth > np.roll(smooth, 1)) & (smooth >= np.roll(smooth, -1)) & \
        (smooth > 0.5 * (polygon.max() + polygon.min()))
    assert peaks.sum() == blades


def test_a_cats_eye_aperture_is_narrower_along_its_cut():
    from mmseg_r2mrf.synthesis import aperture_kernel
    kernel = aperture_kernel(10.0, shape='cat_eye', rotation=0.0, cat_eye=0.6)
    rows, cols = np.nonzero(kernel > 0)
    width, height = cols.max() - cols.min() + 1, rows.max() - rows.min() + 1
    # Two discs of radius R, centred 0.3 R either side of the axis: 1.4 R wide, 1.91 R high.
    assert width == pytest.approx((2 - 0.6) * 10, abs=1.5)
    assert height == pytest.approx(2 * 10 * np.sqrt(1 - 0.3**2), abs=1.5)
    assert height > 1.2 * width
    assert kernel.sum() == pytest.approx(1.0, abs=1e-5)
    with pytest.raises(ValueError, match='aperture shape'):
        aperture_kernel(3.0, shape='heart')


def two_colour_scene(size=64):
    """Left half near and red, right half far and green-textured (BGR, linear)."""
    rng = np.random.default_rng(1)
    image = np.zeros((size, size, 3), np.float32)
    image[:, :size // 2, 2] = 0.8
    image[:, size // 2:, 1] = rng.uniform(0.2, 0.9, (size, size - size // 2))
    disparity = np.zeros((size, size), np.float32)
    disparity[:, :size // 2] = 1.0
    return image, disparity


def test_the_colour_of_a_blurred_foreground_spills_beyond_its_edge():
    image, disparity = two_colour_scene()
    out = render_layered_defocus(image, disparity, focus_disparity=0.0, aperture=6.0).image
    # Red (only in the near half) reaches into the sharp far half for about the blur radius...
    assert (out[:, 32:36, 2] > 0.05).all()
    assert (out[:, 40:, 2] == 0).all()
    # ...and the lens sees partly behind the soft edge: the far half's green shows through
    # inside the near half, red is at half strength on the edge, and nothing jumps there.
    assert (out[:, 28:32, 1] > 0.02).all()
    assert 0.3 < out[32, 31, 2] < 0.6
    profile = out[32, 22:42, 2]
    assert np.abs(np.diff(profile)).max() < 0.12


def test_a_sharp_foreground_cuts_a_blurred_background_cleanly():
    image, disparity = two_colour_scene()
    out = render_layered_defocus(image, disparity, focus_disparity=1.0, aperture=6.0).image
    # The near half is untouched to its last column; not a trace of its red in the far half.
    np.testing.assert_allclose(out[:, :32], image[:, :32], atol=1e-5)
    assert (out[:, 32:, 2] < 1e-6).all()
    # The step at the edge is one pixel wide.
    assert out[10, 31, 2] == pytest.approx(0.8, abs=1e-5) and out[10, 32, 2] < 1e-6
