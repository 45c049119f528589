from . import backbones, decode_heads, necks  # noqa: F401
