from .defocus_metric import (
    CURVES_JSON,
    CURVES_PNG,
    PER_IMAGE_CSV,
    DefocusMetric,
    blur_map_to_uint8,
    blur_probability,
    per_image_rows,
    per_image_scores,
)

__all__ = [
    'CURVES_JSON', 'CURVES_PNG', 'PER_IMAGE_CSV', 'DefocusMetric', 'blur_map_to_uint8',
    'blur_probability', 'per_image_rows', 'per_image_scores'
]
