from .defocus_metric import CURVES_JSON, CURVES_PNG, DefocusMetric

__all__ = ['CURVES_JSON', 'CURVES_PNG', 'DefocusMetric']
