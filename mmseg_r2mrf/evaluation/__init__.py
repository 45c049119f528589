from .curves import load_curves, metrics_table, plot_curves, save_curves
from .metrics import (
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
    'blur_probability', 'load_curves', 'metrics_table', 'per_image_rows', 'per_image_scores',
    'plot_curves', 'save_curves'
]
