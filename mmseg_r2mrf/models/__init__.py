from . import backbones, decode_heads, losses, necks, segmentors, utils  # noqa: F401
