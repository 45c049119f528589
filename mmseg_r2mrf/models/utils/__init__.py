from .guided_filter import GuidedFilterRefiner, guided_filter
from .resize_to import resize_to
from .rrm import RRM
from .stem_output import StemOutputMixin

__all__ = ['GuidedFilterRefiner', 'RRM', 'StemOutputMixin', 'guided_filter', 'resize_to']
