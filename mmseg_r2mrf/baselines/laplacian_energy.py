"""The classic defocus cue: local energy of the Laplacian, mapped per image to a blur probability.

Defocus is a low-pass filter, so a blurred region has little energy in the second derivative of
intensity. This is the project's one hand-crafted baseline, compared with the learned model.
"""
import cv2
import numpy as np

#: Added to the energy before the logarithm, so that a flat region gets a finite log energy.
LOG_ENERGY_FLOOR = 1e-7


def check_settings(window: int, low_percentile: float, high_percentile: float) -> None:
    """Refuse settings of :func:`laplacian_blur_probability` that cannot work.

    Args:
        window (int): Averaging window; at least 1.
        low_percentile (float): Lower stretch percentile.
        high_percentile (float): Upper stretch percentile, above the lower one.

    Raises:
        ValueError: ``window`` is below 1, or the percentiles are not
            ``0 <= low_percentile < high_percentile <= 100``.
    """
    if window < 1:
        raise ValueError(f'window must be >= 1, got {window}')
    if not 0 <= low_percentile < high_percentile <= 100:
        raise ValueError('need 0 <= low_percentile < high_percentile <= 100, got '
                         f'{low_percentile} and {high_percentile}')


def laplacian_energy(image: np.ndarray, window: int = 15) -> np.ndarray:
    """Local mean of the squared Laplacian of the grey image.

    There is no pre-smoothing against sensor noise: on the synthetic set any pre-smoothing
    lowered the separation of blurred and sharp pixels more than it removed noise.

    Args:
        image (np.ndarray): (H, W, 3) BGR or (H, W) grey image, uint8 (or float in [0, 1]).
        window (int): Side of the square averaging window in pixels (>= 1). Defaults to 15.

    Returns:
        np.ndarray: (H, W) float32 energy, >= 0.
    """
    if image.ndim == 3:
        image = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    grey = image.astype(np.float32)
    if np.issubdtype(image.dtype, np.integer):
        grey /= float(np.iinfo(image.dtype).max)
    laplacian = cv2.Laplacian(grey, cv2.CV_32F, ksize=3)
    return cv2.boxFilter(laplacian * laplacian, -1, (window, window),
                         borderType=cv2.BORDER_REFLECT)


def laplacian_blur_probability(image: np.ndarray,
                               window: int = 15,
                               low_percentile: float = 5.0,
                               high_percentile: float = 95.0) -> np.ndarray:
    """Per-pixel blur probability in [0, 1] from local Laplacian energy.

    The log energy is stretched per image between two of its percentiles and inverted: the
    image's least detailed pixels get 1 (blurred), its most detailed get 0. Per-image
    normalisation makes the cue independent of contrast and exposure, at the price that an
    all-sharp or all-blurred image is still split into "more" and "less" blurred parts.

    Args:
        image (np.ndarray): (H, W, 3) uint8 BGR image (grey is accepted).
        window (int): Averaging window of the energy. Defaults to 15.
        low_percentile (float): Percentile of log energy mapped to probability 1. Defaults to 5.
        high_percentile (float): Percentile mapped to probability 0. Defaults to 95.

    Returns:
        np.ndarray: (H, W) float32 blur probability in [0, 1].

    Raises:
        ValueError: See :func:`check_settings`.
    """
    check_settings(window, low_percentile, high_percentile)
    log_energy = np.log(laplacian_energy(image, window) + LOG_ENERGY_FLOOR)
    low, high = np.percentile(log_energy, (low_percentile, high_percentile))
    sharpness = (log_energy - low) / max(float(high - low), 1e-6)
    return (1.0 - np.clip(sharpness, 0.0, 1.0)).astype(np.float32)


class LaplacianEnergyBaseline:
    """Callable form of :func:`laplacian_blur_probability` with fixed settings.

    Args:
        window (int): Averaging window. Defaults to 15.
        low_percentile (float): Defaults to 5.
        high_percentile (float): Defaults to 95.

    Raises:
        ValueError: See :func:`check_settings`; at construction, not at the first image.
    """

    def __init__(self,
                 window: int = 15,
                 low_percentile: float = 5.0,
                 high_percentile: float = 95.0) -> None:
        check_settings(window, low_percentile, high_percentile)
        self.window = window
        self.low_percentile = low_percentile
        self.high_percentile = high_percentile

    def __call__(self, image: np.ndarray) -> np.ndarray:
        """Blur probability map of a BGR image.

        Args:
            image (np.ndarray): (H, W, 3) uint8 BGR image.

        Returns:
            np.ndarray: (H, W) float32 in [0, 1].
        """
        return laplacian_blur_probability(image, self.window, self.low_percentile,
                                          self.high_percentile)

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(window={self.window}, '
                f'low_percentile={self.low_percentile}, high_percentile={self.high_percentile})')
