"""File reading shared by datasets, apis and tools."""
from .image_file import read_image, read_image_size

__all__ = ['read_image', 'read_image_size']
