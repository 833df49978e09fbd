"""The periodogram at the Fourier frequencies."""

from __future__ import annotations

import dataclasses

import numpy as np
from scipy import fft as sp_fft

from rnnmem._results import Result
from rnnmem.verify._common import as_series

__all__ = ["Periodogram", "periodogram"]


@dataclasses.dataclass(frozen=True)
class Periodogram(Result):
    """Periodogram ordinates at the Fourier frequencies in (0, pi].

    Attributes
    ----------
    frequencies : ndarray, shape (n // 2,)
        :math:`\\lambda_j = 2\\pi j / n`, ``j = 1, ..., n // 2`` (radians per step).
    ordinates : ndarray, shape (n // 2,) or (paths, n // 2)
        :math:`I_j = |\\sum_t x_t e^{-it\\lambda_j}|^2 / (2\\pi n)`.
    n : int
        Length of the series.
    """

    frequencies: np.ndarray
    ordinates: np.ndarray
    n: int

    _title = "Periodogram"


def _periodogram_values(arr: np.ndarray, count: int) -> np.ndarray:
    """I_j for j = 1..count along the last axis (no validation)."""
    n = arr.shape[-1]
    spectrum = sp_fft.rfft(arr, axis=-1)[..., 1 : count + 1]
    return (spectrum.real**2 + spectrum.imag**2) / (2 * np.pi * n)


def periodogram(x):
    r"""Periodogram of a series at the Fourier frequencies :math:`\lambda_j = 2\pi j/n`, j >= 1.

    Parameters
    ----------
    x : array_like, shape (n,) or (paths, n)
        One series, or one series per row (n >= 4).

    Returns
    -------
    Periodogram
        ``frequencies`` and ``ordinates`` for ``j = 1, ..., n // 2``.

    Raises
    ------
    ValueError
        For 0-d or 3-d input, NaN or inf, a constant series, or n < 4.

    Notes
    -----
    .. math:: I_j = \frac{1}{2\pi n}\Bigl|\sum_{t=1}^{n} x_t e^{-it\lambda_j}\Bigr|^2,
              \qquad \lambda_j = \frac{2\pi j}{n},\ j = 1, \dots, \lfloor n/2 \rfloor.

    Leaving out ``j = 0`` makes it invariant to the mean of the series. For a stationary
    series :math:`E I_j \approx f(\lambda_j)`, the spectral density
    :math:`f(\lambda) = (2\pi)^{-1}\sum_k \gamma(k) e^{-ik\lambda}` (THEORY.md §1).

    References
    ----------
    Brockwell, P. J. and Davis, R. A. (1991), *Time Series: Theory and Methods*, §10.1.

    Examples
    --------
    >>> import numpy as np
    >>> from rnnmem.verify import periodogram
    >>> p = periodogram(np.cos(np.pi * np.arange(8) / 2))
    >>> p.frequencies.round(4).tolist(), p.ordinates.round(4).tolist()
    ([0.7854, 1.5708, 2.3562, 3.1416], [0.0, 0.3183, 0.0, 0.0])
    """
    arr = as_series(x, "x", ndim=(1, 2), min_size=4)
    n = arr.shape[-1]
    count = n // 2
    frequencies = 2 * np.pi * np.arange(1, count + 1) / n
    return Periodogram(frequencies=frequencies, ordinates=_periodogram_values(arr, count), n=n)
