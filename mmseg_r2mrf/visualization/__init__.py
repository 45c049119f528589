from .sheets import colour_label, save_prediction_sheet

__all__ = ['colour_label', 'save_prediction_sheet']
