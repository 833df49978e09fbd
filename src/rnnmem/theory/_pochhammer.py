"""Ratios of Pochhammer symbols, (a)_j / (b)_j, exact to double precision for j up to 10^7 and beyond.

Every fractional coefficient of the package is such a ratio:

- psi_j(d) = (d)_j / (1)_j           (coefficients of (1-B)^{-d})
- w_j(d)   = (-d)_j / (1)_j          (coefficients of (1-B)^{d})
- rho(k)   = (d)_k / (1-d)_k         (ARFIMA(0,d,0) autocorrelation)
- sum_{j<=K} w_j(d) = (1-d)_K / (1)_K

Why not Gamma functions: Gamma(j+a) overflows near j = 171, and ``exp(gammaln(.))`` drops the
sign of Gamma(a) for a < 0. Why not only the running product: its rounding errors accumulate
(measured: relative error 7.6e-11 at j = 10^7). So the product is used up to a modest anchor
index J0 (error <= J0 * eps), and beyond it each value is computed on its own as
(a)_{J0}/(b)_{J0} * exp(L(j) - L(J0)), with L(x) = ln Gamma(x+a) - ln Gamma(x+b) evaluated by a
Stirling series in which the large terms cancel analytically (no subtraction of two huge
log-Gamma values), so the absolute error of L is a few eps times |a - b| ln x.
"""

from __future__ import annotations

import math

import numpy as np

from rnnmem._numba import jit, prange

__all__ = ["pochhammer_ratio", "pochhammer_ratio_range"]

# Stirling series: ln Gamma(y) = (y - 1/2) ln y - y + ln(2 pi)/2 + sum_k B_2k / (2k (2k-1) y^(2k-1)).
# With y >= 20 the first omitted term (691 / (360360 y^11)) is below 1e-17.
_STIRLING = (1.0 / 12.0, -1.0 / 360.0, 1.0 / 1260.0, -1.0 / 1680.0, 1.0 / 1188.0)
_MIN_STIRLING_ARGUMENT = 20.0


def _stirling_tail_py(y):
    inv = 1.0 / y
    inv2 = inv * inv
    return inv * (
        _STIRLING[0]
        + inv2 * (_STIRLING[1] + inv2 * (_STIRLING[2] + inv2 * (_STIRLING[3] + inv2 * _STIRLING[4])))
    )


_stirling_tail = jit(_stirling_tail_py)


def _log_gamma_ratio_py(x, a, b):
    """ln Gamma(x + a) - ln Gamma(x + b) for x + min(a, b) >= 20, without cancellation."""
    return (
        (a - b) * math.log(x)
        + (x + a - 0.5) * math.log1p(a / x)
        - (x + b - 0.5) * math.log1p(b / x)
        - (a - b)
        + _stirling_tail(x + a)
        - _stirling_tail(x + b)
    )


_log_gamma_ratio = jit(_log_gamma_ratio_py)


def _fill_py(j, a, b, prefix, out):
    """out[i] = prefix[j[i]] below the anchor, else prefix[anchor] exp(L(j[i]) - L(anchor)).

    One fused pass, parallel over i (each element is independent, so the result does not
    depend on the thread count).
    """
    anchor = prefix.shape[0] - 1
    log_anchor = _log_gamma_ratio(float(anchor), a, b)
    for i in prange(j.shape[0]):
        k = j[i]
        if k <= anchor:
            out[i] = prefix[k]
        else:
            out[i] = prefix[anchor] * math.exp(_log_gamma_ratio(float(k), a, b) - log_anchor)


_fill = jit(_fill_py, parallel=True)

# Block length of pochhammer_ratio_range: each block starts from an independent Stirling value
# and continues with at most _BLOCK - 1 factors of the recursion (error <= ~1.5 _BLOCK eps).
_BLOCK = 32


def _fill_range_py(a, b, prefix, out):
    """out[j] = (a)_j / (b)_j for j = 0..len(out)-1, in independent blocks (parallel)."""
    n = out.shape[0]
    anchor = prefix.shape[0] - 1
    for j in range(min(n, anchor + 1)):
        out[j] = prefix[j]
    if n <= anchor + 1:
        return
    log_anchor = _log_gamma_ratio(float(anchor), a, b)
    first = anchor + 1
    n_blocks = (n - first + _BLOCK - 1) // _BLOCK
    for block in prange(n_blocks):
        start = first + block * _BLOCK
        stop = min(start + _BLOCK, n)
        value = prefix[anchor] * math.exp(_log_gamma_ratio(float(start), a, b) - log_anchor)
        out[start] = value
        for j in range(start + 1, stop):
            value *= (j - 1.0 + a) / (j - 1.0 + b)
            out[j] = value


_fill_range = jit(_fill_range_py, parallel=True)


def _anchor(a: float, b: float) -> int:
    """Index beyond which the Stirling form is used (x + min(a, b) >= 20 there)."""
    return int(max(32, np.ceil(_MIN_STIRLING_ARGUMENT - min(a, b)) + 1))


def _prefix(a: float, b: float) -> np.ndarray:
    """(a)_j / (b)_j for j = 0..anchor by the running product (error <= anchor * eps)."""
    anchor = _anchor(a, b)
    i = np.arange(1, anchor + 1, dtype=np.float64)
    prefix = np.empty(anchor + 1)
    prefix[0] = 1.0
    prefix[1:] = np.cumprod((i - 1.0 + a) / (i - 1.0 + b))
    return prefix


def pochhammer_ratio_range(a: float, b: float, n: int) -> np.ndarray:
    """(a)_j / (b)_j for j = 0, ..., n - 1 (same accuracy as :func:`pochhammer_ratio`).

    Faster than ``pochhammer_ratio(a, b, np.arange(n))`` by evaluating the Stirling form only
    at the start of each block of 32 indices and continuing with the recursion inside it.
    """
    out = np.empty(n, dtype=np.float64)
    if n:
        _fill_range(a, b, _prefix(a, b), out)
    return out


def pochhammer_ratio(a: float, b: float, j) -> np.ndarray:
    """(a)_j / (b)_j = prod_{i=1}^{j} (i - 1 + a) / (i - 1 + b) for integers j >= 0.

    Parameters
    ----------
    a, b : float
        Finite reals; ``b`` must not be a non-positive integer (a pole of the denominator).
        Callers validate them.
    j : array_like of int
        Non-negative indices (any shape).

    Returns
    -------
    numpy.ndarray
        float64 array of the shape of ``j``. Entries beyond a zero factor (``a`` a
        non-positive integer) are exactly 0. Values may overflow to inf only when the
        true value exceeds the float64 range (``a - b`` large and ``j`` huge).
    """
    j = np.asarray(j, dtype=np.int64)
    out = np.empty(j.shape, dtype=np.float64)
    if j.size == 0:
        return out
    _fill(j.ravel(), a, b, _prefix(a, b), out.reshape(-1))
    return out
