"""save_prediction_sheet: one row per image, a column per panel, the maps drawn in grey."""
import cv2
import numpy as np
import pytest

from mmseg_r2mrf.visualization import save_prediction_sheet

from tiny_data import textured_image


def _row(title: str, label: bool) -> dict:
    image = textured_image(32, 48, seed=len(title))
    blurred_half = np.zeros((32, 48), np.float32)
    blurred_half[:, 24:] = 1.0
    return dict(title=title, image=image,
                label=blurred_half.astype(np.uint8) if label else None,
                maps={'model': blurred_half, 'baseline': 1 - blurred_half})


@pytest.mark.parametrize('labelled, columns', [(True, 4), (False, 3)])
def test_a_row_per_image_and_a_column_per_panel(tmp_path, labelled, columns):
    path = str(tmp_path / 'sheet.png')
    save_prediction_sheet([_row('a', labelled), _row('bb', labelled)], path, dpi=40)
    sheet = cv2.imread(path)
    # The figure is 2.6 in per column and 2.7 in per row.
    assert sheet.shape[:2] == (round(2.7 * 2 * 40), round(2.6 * columns * 40))
    # The last column is the baseline map: white on its left half, black on its right.
    grey = cv2.cvtColor(sheet, cv2.COLOR_BGR2GRAY)
    last = grey[:grey.shape[0] // 2, -grey.shape[1] // columns:]
    assert (last > 250).any() and (last < 5).any()


def test_no_rows_is_an_error_naming_the_file(tmp_path):
    with pytest.raises(ValueError, match='sheet.png'):
        save_prediction_sheet([], str(tmp_path / 'sheet.png'))
