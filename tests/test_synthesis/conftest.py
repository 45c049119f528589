import pytest


@pytest.fixture(scope='session')
def small_photos():
    """Four packaged photos, prepared once (superpixels take about half a second each)."""
    from mmseg_r2mrf.synthesis import load_source_photos
    return load_source_photos(['camera', 'motorcycle', 'coffee', 'gravel'])
