
from .efficientnet_lite import EfficientNetLite  # noqa: F401
