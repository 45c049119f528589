from . import backbones, decode_heads, necks, segmentors  # noqa: F401
