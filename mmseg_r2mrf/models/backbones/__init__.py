
from .densenet_with_stem import DenseNetWithStem  # noqa: F401
from .efficientnet_lite import EfficientNetLite  # noqa: F401
from .resnet_with_stem import ResNetV1cWithStem, ResNetWithStem, ResNeXtWithStem  # noqa: F401
