from .resize_to import resize_to
from .rrm import RRM
from .stem_output import StemOutputMixin

__all__ = ['RRM', 'StemOutputMixin', 'resize_to']
