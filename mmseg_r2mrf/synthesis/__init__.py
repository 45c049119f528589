"""Synthetic defocus data from real photographs (thin-lens, layered blur, sensor noise, JPEG).

Not imported by ``import mmseg_r2mrf``: only ``tools/make_synthetic_defocus.py``,
``tools/demo.py`` (:func:`is_synthetic_defocus_set`) and tests need it.
"""
from .depth_layout import random_depth_layout
from .sensor import add_sensor_noise, jpeg_roundtrip, linear_to_srgb, srgb_to_linear
from .source_photos import (DEFAULT_TEST_PHOTOS, DEFAULT_TRAIN_PHOTOS, PHOTO_NAMES, SourcePhoto,
                            load_source_photo, load_source_photos)
from .synthetic_defocus_generator import (GENERATOR_TAG, SCENES, DefocusSample,
                                          SyntheticDefocusGenerator, check_output_dir,
                                          is_synthetic_defocus_set, write_contact_sheet,
                                          write_synthetic_defocus)
from .thin_lens import circle_of_confusion, disk_kernel, render_layered_defocus

__all__ = [
    'DEFAULT_TEST_PHOTOS', 'DEFAULT_TRAIN_PHOTOS', 'GENERATOR_TAG', 'PHOTO_NAMES', 'SCENES',
    'DefocusSample', 'SourcePhoto', 'SyntheticDefocusGenerator', 'add_sensor_noise',
    'check_output_dir', 'circle_of_confusion', 'disk_kernel', 'is_synthetic_defocus_set',
    'jpeg_roundtrip', 'linear_to_srgb', 'load_source_photo', 'load_source_photos',
    'random_depth_layout', 'render_layered_defocus', 'srgb_to_linear', 'write_contact_sheet',
    'write_synthetic_defocus'
]
