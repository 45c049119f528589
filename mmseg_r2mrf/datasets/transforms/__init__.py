from .load_defocus_annotations import (MASK_POLARITIES, LoadDefocusAnnotations,
                                       load_defocus_label, to_defocus_label)

__all__ = ['LoadDefocusAnnotations', 'MASK_POLARITIES', 'load_defocus_label', 'to_defocus_label']
