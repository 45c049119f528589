"""Synthetic defocus data from real photographs (scene layouts, thin lens, sensor, JPEG).

Not imported by ``import mmseg_r2mrf``: only ``tools/make_synthetic_defocus.py``,
``tools/demo.py`` (:func:`is_synthetic_defocus_set`) and tests need it.
"""
from .depth_layout import grow_object, pick_object, receding_plane
from .photo_effects import add_point_lights, boost_highlights, flatten_regions
from .scene_layout import SCENES, SceneLayout, random_scene_layout
from .sensor import add_sensor_noise, jpeg_roundtrip, linear_to_srgb, srgb_to_linear
from .source_photos import (
    DEFAULT_TEST_PHOTOS,
    DEFAULT_TRAIN_PHOTOS,
    DEFAULT_VAL_PHOTOS,
    PACKAGED_PHOTOS,
    PHOTO_NAMES,
    SourcePhoto,
    find_sky,
    hash_split,
    load_source_photo,
    load_source_photos,
    load_user_photos,
    prepare_photo,
    split_photos,
)
from .synthetic_defocus_generator import (
    BENCHMARK_LONG_SIDE,
    CONTACT_SHEET_EFFECTS,
    GENERATOR_TAG,
    TRAIN_SCENE_WEIGHTS,
    DefocusSample,
    SyntheticDefocusGenerator,
    check_output_dir,
    contact_sheet_picks,
    is_synthetic_defocus_set,
    scene_weights,
    write_contact_sheet,
    write_synthetic_defocus,
)
from .thin_lens import (
    APERTURE_SHAPES,
    aperture_kernel,
    circle_of_confusion,
    disk_kernel,
    render_layered_defocus,
)

__all__ = [
    'APERTURE_SHAPES', 'BENCHMARK_LONG_SIDE', 'CONTACT_SHEET_EFFECTS', 'DEFAULT_TEST_PHOTOS',
    'DEFAULT_TRAIN_PHOTOS', 'DEFAULT_VAL_PHOTOS', 'GENERATOR_TAG', 'PACKAGED_PHOTOS',
    'PHOTO_NAMES', 'SCENES', 'TRAIN_SCENE_WEIGHTS', 'DefocusSample', 'SceneLayout', 'SourcePhoto',
    'SyntheticDefocusGenerator', 'add_point_lights', 'add_sensor_noise', 'aperture_kernel',
    'boost_highlights', 'check_output_dir', 'circle_of_confusion', 'contact_sheet_picks',
    'disk_kernel', 'find_sky', 'flatten_regions', 'grow_object', 'hash_split',
    'is_synthetic_defocus_set', 'jpeg_roundtrip', 'linear_to_srgb', 'load_source_photo',
    'load_source_photos', 'load_user_photos', 'pick_object', 'prepare_photo',
    'random_scene_layout', 'receding_plane', 'render_layered_defocus', 'scene_weights',
    'split_photos',
    'srgb_to_linear', 'write_contact_sheet', 'write_synthetic_defocus'
]
