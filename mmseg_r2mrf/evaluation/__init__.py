from . import metrics  # noqa: F401
from .curves import load_curves, metrics_table, plot_curves, save_curves
from .metrics import DefocusMetric

__all__ = ['DefocusMetric', 'load_curves', 'metrics_table', 'plot_curves', 'save_curves']
