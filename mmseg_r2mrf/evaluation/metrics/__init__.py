from .defocus_metric import DefocusMetric, image_statistics, reduce_statistics

__all__ = ['DefocusMetric', 'image_statistics', 'reduce_statistics']
