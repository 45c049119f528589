from .load_defocus_annotations import (
    MASK_POLARITIES,
    LoadDefocusAnnotations,
    is_binary_mask,
    load_defocus_label,
    read_defocus_mask,
    to_defocus_label,
)

__all__ = [
    'LoadDefocusAnnotations', 'MASK_POLARITIES', 'is_binary_mask', 'load_defocus_label',
    'read_defocus_mask', 'to_defocus_label'
]
