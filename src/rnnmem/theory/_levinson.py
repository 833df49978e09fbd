"""Durbin-Levinson recursion: partial autocorrelations and one-step prediction variances."""

from __future__ import annotations

import numpy as np

from rnnmem._numba import jit

__all__ = ["durbin_levinson"]


def _durbin_levinson_py(acvf, pacf, variance):
    """Fill ``pacf[k]`` (phi_kk, with pacf[0] = 1) and ``variance[k]`` (v_k, v_0 = gamma(0)).

    v_k is the variance of X_k given X_0..X_{k-1}. O(n^2) time, O(n) memory.
    """
    n = acvf.shape[0]
    phi = np.zeros(n)
    previous = np.zeros(n)
    pacf[0] = 1.0
    variance[0] = acvf[0]
    for k in range(1, n):
        acc = acvf[k]
        for j in range(1, k):
            acc -= previous[j] * acvf[k - j]
        reflection = acc / variance[k - 1]
        phi[k] = reflection
        for j in range(1, k):
            phi[j] = previous[j] - reflection * previous[k - j]
        for j in range(1, k + 1):
            previous[j] = phi[j]
        pacf[k] = reflection
        variance[k] = variance[k - 1] * (1.0 - reflection * reflection)


_durbin_levinson = jit(_durbin_levinson_py)


def durbin_levinson(acvf: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Partial autocorrelations phi_kk and prediction variances v_k from gamma(0..n-1).

    The caller guarantees a positive definite autocovariance (a valid ARFIMA one).
    """
    acvf = np.ascontiguousarray(acvf, dtype=np.float64)
    pacf = np.empty(acvf.size)
    variance = np.empty(acvf.size)
    _durbin_levinson(acvf, pacf, variance)
    return pacf, variance
