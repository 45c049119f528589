from .curves import load_curves, metrics_table, plot_curves, save_curves
from .metrics import CURVES_JSON, CURVES_PNG, DefocusMetric, blur_map_to_uint8, blur_probability

__all__ = [
    'CURVES_JSON', 'CURVES_PNG', 'DefocusMetric', 'blur_map_to_uint8', 'blur_probability',
    'load_curves', 'metrics_table', 'plot_curves', 'save_curves'
]
