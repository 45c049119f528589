from .curves import load_curves, metrics_table, plot_curves, save_curves
from .metrics import CURVES_JSON, CURVES_PNG, DefocusMetric

__all__ = [
    'CURVES_JSON', 'CURVES_PNG', 'DefocusMetric', 'load_curves', 'metrics_table', 'plot_curves',
    'save_curves'
]
