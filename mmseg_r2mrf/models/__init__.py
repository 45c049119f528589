from . import backbones, decode_heads, necks, segmentors, utils  # noqa: F401
