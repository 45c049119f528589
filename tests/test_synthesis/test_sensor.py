import numpy as np
import pytest

from mmseg_r2mrf.synthesis import add_sensor_noise, jpeg_roundtrip, linear_to_srgb, srgb_to_linear


def test_srgb_round_trip_and_known_points():
    values = np.linspace(0, 1, 101, dtype=np.float32)
    np.testing.assert_allclose(linear_to_srgb(srgb_to_linear(values)), values, atol=1e-5)
    # Middle grey: sRGB 0.5 is about 21.4 % linear light (IEC 61966-2-1).
    assert float(srgb_to_linear(np.float32(0.5))) == pytest.approx(0.214, abs=1e-3)


def test_noise_has_the_requested_poisson_gaussian_spread():
    rng = np.random.default_rng(0)
    flat = np.full((200, 200, 3), 0.25, np.float32)
    noisy = add_sensor_noise(flat, rng, shot=4e-4, read=0.01)
    assert noisy.mean() == pytest.approx(0.25, abs=1e-3)
    assert noisy.std() == pytest.approx(np.sqrt(4e-4 * 0.25 + 0.01**2), rel=0.05)


def test_jpeg_round_trip_returns_the_file_it_decodes():
    import cv2
    image = np.random.default_rng(0).integers(0, 256, (32, 48, 3), dtype=np.uint8)
    decoded, data = jpeg_roundtrip(image, 80)
    assert data[:2] == b'\xff\xd8'
    np.testing.assert_array_equal(cv2.imdecode(np.frombuffer(data, np.uint8), 1), decoded)
    assert not np.array_equal(decoded, image)  # lossy

