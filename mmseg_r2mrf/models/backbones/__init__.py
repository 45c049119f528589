
from .efficientnet_lite import EfficientNetLite  # noqa: F401
from .densenet_with_stem import DenseNetWithStem  # noqa: F401
from .resnet_with_stem import ResNeXtWithStem, ResNetV1cWithStem, ResNetWithStem  # noqa: F401
