"""Detrended fluctuation analysis with explicit scales."""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from rnnmem._results import Result
from rnnmem._validation import as_integer, as_real_array
from rnnmem.verify._common import as_series

__all__ = ["DFAResult", "dfa"]


@dataclasses.dataclass(frozen=True)
class DFAResult(Result):
    """Detrended fluctuation analysis of one series.

    Attributes
    ----------
    alpha : float
        Fluctuation exponent: OLS slope of ``log F(s)`` on ``log s``.
    d : float
        ``alpha - 1/2``, the memory parameter of a stationary fractional series.
    se : float
        OLS standard error of the slope (ignores the dependence between scales, so it is
        optimistic; use it for comparisons, not for tests).
    intercept : float
        OLS intercept of the log-log fit.
    scales : ndarray of int, shape (k,)
        The window lengths used.
    fluctuation : ndarray, shape (k,)
        ``F(s)`` at each scale.
    order : int
        Degree of the polynomial removed in every window.
    n : int
        Length of the series.
    """

    alpha: float
    d: float
    se: float
    intercept: float
    scales: np.ndarray
    fluctuation: np.ndarray
    order: int
    n: int

    _title = "Detrended fluctuation analysis"


def _fluctuation(profile: np.ndarray, scale: int, order: int) -> float:
    """F(s): RMS residual of order-`order` polynomial fits in windows from both ends."""
    n = profile.size
    count = n // scale
    forward = profile[: count * scale].reshape(count, scale)
    backward = profile[n - count * scale :].reshape(count, scale)
    windows = np.concatenate([forward, backward], axis=0)
    t = np.arange(scale, dtype=np.float64)
    t = (t - t.mean()) / scale  # well-conditioned Vandermonde
    basis, _ = np.linalg.qr(np.vander(t, order + 1))
    resid = windows - (windows @ basis) @ basis.T
    return math.sqrt(float(np.mean(resid**2)))


def dfa(x, *, scales, order=1):
    r"""Detrended fluctuation analysis (DFA-``order``) over explicit window lengths.

    Parameters
    ----------
    x : array_like, shape (n,)
        The series (finite, not constant).
    scales : array_like of int
        At least 3 strictly increasing window lengths, each in ``[order + 3, n // 4]``.
        There is no default on purpose: the exponent depends on the scale range
        (THEORY.md §1.4).
    order : int, default 1
        Degree of the polynomial trend removed in each window, in ``[0, 5]``.

    Returns
    -------
    DFAResult

    Raises
    ------
    TypeError
        Non-integer scales or order.
    ValueError
        Bad series; fewer than 3 scales; scales not strictly increasing or out of range.

    Notes
    -----
    Profile :math:`Y_t = \sum_{s\le t}(x_s - \bar x)`. For each scale ``s`` the profile is
    cut into :math:`\lfloor n/s \rfloor` windows from the start and as many from the end
    (Kantelhardt et al. 2001), a polynomial of degree ``order`` is fitted in each by least
    squares, and :math:`F(s)` is the root mean square of all residuals. For a stationary
    series with memory parameter d, :math:`F(s) \propto s^{d + 1/2}`; ``alpha`` is the
    least-squares slope of :math:`\log F(s)` on :math:`\log s`.

    References
    ----------
    Peng, C.-K. et al. (1994), "Mosaic organization of DNA nucleotides", *Phys. Rev. E*
    49, 1685-1689. Kantelhardt, J. W. et al. (2001), "Detecting long-range correlations
    with detrended fluctuation analysis", *Physica A* 295, 441-454.

    Examples
    --------
    >>> import numpy as np
    >>> from rnnmem.verify import dfa
    >>> x = np.random.default_rng(1).standard_normal(4096)
    >>> res = dfa(x, scales=[16, 32, 64, 128, 256])
    >>> bool(abs(res.alpha - 0.5) < 0.1)
    True
    """
    arr = as_series(x, "x", ndim=1, min_size=16)
    order = as_integer(order, "order", minimum=0, maximum=5)
    n = arr.size
    raw = np.asarray(scales)
    if raw.dtype.kind not in "iu":
        if raw.dtype.kind in "f" and np.all(np.isfinite(raw)) and np.all(raw == np.round(raw)):
            pass
        else:
            raise TypeError(f"`scales` must be integers; got {raw!r}.")
    grid = as_real_array(raw, "scales", ndim=1).astype(np.int64)
    if grid.size < 3:
        raise ValueError(f"`scales` must hold at least 3 window lengths; got {grid.size}.")
    if np.any(np.diff(grid) <= 0):
        raise ValueError(f"`scales` must be strictly increasing; got scales={grid.tolist()}.")
    lo, hi = order + 3, n // 4
    if grid[0] < lo or grid[-1] > hi:
        raise ValueError(
            f"`scales` must lie in [{lo}, {hi}] (order + 3 to n // 4, with n={n}, order={order}); "
            f"got scales={grid.tolist()}."
        )
    profile = np.cumsum(arr - arr.mean())
    fluct = np.array([_fluctuation(profile, int(s), order) for s in grid])
    logs, logf = np.log(grid), np.log(fluct)
    xc = logs - logs.mean()
    slope = float(xc @ (logf - logf.mean())) / float(xc @ xc)
    intercept = float(logf.mean() - slope * logs.mean())
    resid = logf - intercept - slope * logs
    se = math.sqrt(float(resid @ resid) / (grid.size - 2) / float(xc @ xc)) if grid.size > 2 else math.nan
    return DFAResult(
        alpha=slope,
        d=slope - 0.5,
        se=se,
        intercept=intercept,
        scales=grid,
        fluctuation=fluct,
        order=order,
        n=n,
    )
