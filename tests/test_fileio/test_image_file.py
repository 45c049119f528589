import cv2
import numpy as np
import pytest

from mmseg_r2mrf.apis import read_image as apis_read_image
from mmseg_r2mrf.datasets.image_file_check import read_image_size as old_read_image_size
from mmseg_r2mrf.fileio import read_image, read_image_size


def test_one_reader_under_its_old_names_too(tmp_path):
    assert apis_read_image is read_image and old_read_image_size is read_image_size
    image = np.random.default_rng(0).integers(0, 256, (12, 20, 3), dtype=np.uint8)
    path = str(tmp_path / 'image.png')
    cv2.imwrite(path, image)
    assert read_image_size(path) == (12, 20)
    np.testing.assert_array_equal(read_image(path), image)
    with open(tmp_path / 'truncated.png', 'wb') as f:
        f.write(open(path, 'rb').read()[:100])
    with pytest.raises(ValueError, match='truncated.png'):
        read_image_size(str(tmp_path / 'truncated.png'))
