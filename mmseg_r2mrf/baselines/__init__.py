"""Classic (non-learned) defocus blur detectors, compared with the model."""
from .laplacian_energy import LaplacianEnergyBaseline, laplacian_blur_probability, laplacian_energy

__all__ = ['LaplacianEnergyBaseline', 'laplacian_blur_probability', 'laplacian_energy']
