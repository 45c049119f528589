from .defocus_metric import (
    CURVES_JSON,
    CURVES_PNG,
    DefocusMetric,
    blur_map_to_uint8,
    blur_probability,
)

__all__ = ['CURVES_JSON', 'CURVES_PNG', 'DefocusMetric', 'blur_map_to_uint8', 'blur_probability']
