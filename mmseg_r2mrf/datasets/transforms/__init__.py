from .load_defocus_annotations import (MASK_POLARITIES, LoadDefocusAnnotations,
                                       to_defocus_label)

__all__ = ['LoadDefocusAnnotations', 'MASK_POLARITIES', 'to_defocus_label']
