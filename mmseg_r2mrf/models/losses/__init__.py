from .boundary_weighted_bce_loss import BoundaryWeightedBCELoss

__all__ = ['BoundaryWeightedBCELoss']
