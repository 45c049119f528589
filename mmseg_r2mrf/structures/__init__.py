"""What the project's data mean: the label encoding and the meaning of a prediction."""
from .defocus_labels import (
    BLURRED,
    IGNORE_INDEX,
    LABEL_ENCODING,
    LABEL_VALUES,
    SHARP,
    blur_map_to_uint8,
    blur_probability,
)

__all__ = [
    'BLURRED', 'IGNORE_INDEX', 'LABEL_ENCODING', 'LABEL_VALUES', 'SHARP', 'blur_map_to_uint8',
    'blur_probability'
]
