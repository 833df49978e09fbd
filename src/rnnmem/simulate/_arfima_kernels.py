"""Numba kernels for exact ARFIMA simulation (plain-Python twins kept for the tests)."""

from __future__ import annotations

import numpy as np

from rnnmem._numba import jit


def _hosking_py(pacf, sd, z, out):
    """Sequential exact draws: X_t = sum_j phi_{t,j} X_{t-j} + sd_t z_t (Hosking 1984).

    ``pacf[t]`` is phi_tt and ``sd[t]`` the square root of the prediction variance v_t from
    the Durbin-Levinson recursion; ``z`` holds i.i.d. N(0, 1) draws of shape (paths, n).
    The predictor coefficients phi_{t, .} are updated in place, O(n^2) in total, and
    applied to every path.
    """
    n_paths, n = z.shape
    phi = np.zeros(n)
    scratch = np.zeros(n)
    for t in range(n):
        if t > 0:
            reflection = pacf[t]
            for j in range(1, t):
                scratch[j] = phi[j] - reflection * phi[t - j]
            for j in range(1, t):
                phi[j] = scratch[j]
            phi[t] = reflection
        for path in range(n_paths):
            mean = 0.0
            for j in range(1, t + 1):
                mean += phi[j] * out[path, t - j]
            out[path, t] = mean + sd[t] * z[path, t]


_hosking = jit(_hosking_py)

