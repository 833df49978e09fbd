"""Argument checks shared by the estimators of ``rnnmem.verify`` (private)."""

from __future__ import annotations

import math

import numpy as np

from rnnmem._validation import as_integer, as_real, as_real_array

__all__ = ["as_series", "bandwidth_to_m", "normal_quantile"]


def as_series(x, name: str = "x", *, ndim=1, min_size: int = 4) -> np.ndarray:
    """Validate a real series (finite, non-constant, at least ``min_size`` values).

    Returns a float64 array. For 2-D input every row must be non-constant.
    """
    arr = as_real_array(x, name, ndim=ndim, min_size=min_size, finite=True)
    spread = np.ptp(arr, axis=-1)
    if np.any(spread == 0):
        where = "" if arr.ndim == 1 else f" (row {int(np.flatnonzero(spread == 0)[0])})"
        raise ValueError(
            f"`{name}` must not be constant{where}: its autocovariance and periodogram are "
            "zero and the memory parameter is undefined; got a constant series."
        )
    return arr


def bandwidth_to_m(n: int, *, m, bandwidth, min_m: int, name: str = "x") -> tuple[int, float | None]:
    """Resolve the number of Fourier frequencies ``m``.

    ``m`` wins when given (``bandwidth`` is then not used); otherwise
    ``m = floor(n ** bandwidth)``. The largest admissible ``m`` is ``(n - 1) // 2``
    (frequencies strictly below pi).

    Returns
    -------
    m : int
    bandwidth : float or None
        The bandwidth used, or None when ``m`` was given.
    """
    m_max = (n - 1) // 2
    if m is not None:
        if m_max < min_m:
            raise ValueError(
                f"`{name}` is too short: n={n} gives at most {m_max} Fourier frequencies below pi, "
                f"need at least {min_m}."
            )
        m = as_integer(m, "m", minimum=min_m, maximum=m_max,
                       why=f"(Fourier frequencies below pi for n={n})")
        return m, None
    bandwidth = as_real(bandwidth, "bandwidth", low=0.0, high=1.0, low_inclusive=False,
                        high_inclusive=False, why="(m = floor(n**bandwidth))")
    m = math.floor(n**bandwidth)
    if m < min_m:
        raise ValueError(
            f"`{name}` is too short for bandwidth={bandwidth:g}: m = floor(n**bandwidth) = {m} "
            f"with n={n}, need m >= {min_m}. Use a longer series, a larger bandwidth, or pass m."
        )
    if m > m_max:
        raise ValueError(
            f"`bandwidth` is too large for n={n}: m = floor(n**bandwidth) = {m} exceeds the "
            f"{m_max} Fourier frequencies below pi; got bandwidth={bandwidth:g}. "
            "Use a smaller bandwidth or pass m."
        )
    return m, bandwidth


def normal_quantile(p: float) -> float:
    """Standard normal quantile (scipy.special.ndtri)."""
    from scipy.special import ndtri

    return float(ndtri(p))
