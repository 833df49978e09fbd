"""Coefficients of the fractional difference (1-B)^d and the fractional integral (1-B)^{-d}.

All functions are exact to double precision (relative error below 1e-13, checked against
50-digit mpmath in the tests) for any real ``d`` and up to n = 10^7 coefficients; see
:mod:`rnnmem.theory._pochhammer` for how.

References
----------
Zhao, Huang, Lv, Duan, Qin, Li, Tian (2020), "Do RNN and LSTM have Long Memory?", ICML,
Section 3 (the filter of MRNN/MLSTM). Hosking (1981), "Fractional differencing",
Biometrika 68(1), 165-176.
"""

from __future__ import annotations

import numpy as np
from scipy import special

from rnnmem._validation import as_choice, as_integer, as_real, as_real_array

from ._pochhammer import pochhammer_ratio, pochhammer_ratio_range

__all__ = [
    "frac_diff_weights",
    "frac_integ_weights",
    "frac_weights_asymptotic",
    "frac_diff_partial_sum",
]


def _weights(d, n: int, sign: float) -> np.ndarray:
    n = as_integer(n, "n", minimum=1)
    if np.ndim(d) == 0:
        d = as_real(d, "d")
        return pochhammer_ratio_range(sign * d, 1.0, n)
    ds = as_real_array(d, "d", ndim=1)
    out = np.empty((ds.size, n))
    for row, value in enumerate(ds):
        out[row] = pochhammer_ratio_range(sign * float(value), 1.0, n)
    return out


def _check_representable(values: np.ndarray, d, n: int) -> np.ndarray:
    if not np.all(np.isfinite(values)):
        raise OverflowError(
            f"the fractional coefficients for d={d!r} exceed the float64 range before index "
            f"n={n}; use a smaller `n` (the coefficients grow like j^(|d|-1))."
        )
    return values


def frac_diff_weights(d, n) -> np.ndarray:
    """Coefficients w_0, ..., w_{n-1} of the fractional difference (1-B)^d.

    Parameters
    ----------
    d : float or array_like of shape (p,)
        Any finite real order: negative, zero, integer or larger than 1.
    n : int
        Number of coefficients, ``n >= 1``.

    Returns
    -------
    numpy.ndarray
        Shape ``(n,)`` for scalar ``d``, ``(p, n)`` for an array of ``p`` orders.

    Notes
    -----
    .. math::

        (1-B)^d = \\sum_{j\\ge 0} w_j B^j,\\qquad
        w_j = \\frac{\\Gamma(j-d)}{\\Gamma(-d)\\Gamma(j+1)}
            = \\prod_{i=0}^{j-1} \\frac{i-d}{i+1},\\qquad
        w_j = w_{j-1}\\frac{j-1-d}{j}.

    w_1 = -d, w_2 = -d(1-d)/2; for 0 < d < 1 every w_j with j >= 1 is negative, and
    w_j ~ j^{-d-1} / Gamma(-d). For a non-negative integer d the sequence is the signed
    binomial row and ends with exact zeros. w_j(d) = psi_j(-d).

    References
    ----------
    Zhao et al. (2020), Section 3, the filter F(x_t; d) of MRNN; Hosking (1981), eq. (2.1).

    Examples
    --------
    >>> frac_diff_weights(0.4, 4)
    array([ 1.   , -0.4  , -0.12 , -0.064])
    >>> frac_diff_weights(2, 4)
    array([ 1., -2.,  1.,  0.])
    """
    return _check_representable(_weights(d, n, -1.0), d, n)


def frac_integ_weights(d, n) -> np.ndarray:
    """Coefficients psi_0, ..., psi_{n-1} of the fractional integral (1-B)^{-d}.

    Parameters
    ----------
    d : float or array_like of shape (p,)
        Any finite real order.
    n : int
        Number of coefficients, ``n >= 1``.

    Returns
    -------
    numpy.ndarray
        Shape ``(n,)`` for scalar ``d``, ``(p, n)`` for an array of ``p`` orders.

    Notes
    -----
    .. math::

        (1-B)^{-d} = \\sum_{j\\ge 0} \\psi_j B^j,\\qquad
        \\psi_j = \\frac{\\Gamma(j+d)}{\\Gamma(d)\\Gamma(j+1)}
                = \\prod_{i=1}^{j} \\frac{i-1+d}{i},\\qquad
        \\psi_j \\sim \\frac{j^{d-1}}{\\Gamma(d)}.

    These are the MA(infinity) weights of ARFIMA(0, d, 0) and the impulse response of the
    MLSTMF cell with an untruncated filter (Zhao et al. 2020, Theorem 4). Beware the
    notation trap of some secondary texts: the product prod (i-d)/(i+1) is w_j, not psi_j.

    Examples
    --------
    >>> frac_integ_weights(0.5, 4)
    array([1.    , 0.5   , 0.375 , 0.3125])
    """
    return _check_representable(_weights(d, n, 1.0), d, n)


def frac_weights_asymptotic(d, j, *, kind: str = "diff") -> np.ndarray:
    """Leading-order asymptotic equivalent of the fractional weights.

    Parameters
    ----------
    d : float
        Finite real order.
    j : array_like of float
        Positive lags.
    kind : {"diff", "integ"}
        ``"diff"`` for w_j(d) ~ j^{-d-1} / Gamma(-d), ``"integ"`` for
        psi_j(d) ~ j^{d-1} / Gamma(d).

    Returns
    -------
    numpy.ndarray
        The equivalent at each lag (0 where 1/Gamma vanishes, i.e. when the exact weights are
        eventually zero).

    Notes
    -----
    The ratio of exact to asymptotic weight is 1 + O(1/j): it follows from
    Gamma(j + a) / Gamma(j + b) ~ j^{a - b}.
    """
    d = as_real(d, "d")
    kind = as_choice(kind, "kind", ("diff", "integ"))
    lags = as_real_array(j, "j")
    if np.any(lags <= 0):
        raise ValueError(f"`j` must contain only positive lags; got min(j)={lags.min()!r}.")
    order = -d if kind == "diff" else d
    return lags ** (order - 1.0) * special.rgamma(order)


def frac_diff_partial_sum(d, K) -> np.ndarray | float:
    """Partial sum sum_{j=0}^{K} w_j(d) of the fractional-difference weights, in closed form.

    Parameters
    ----------
    d : float
        Finite real order.
    K : int or array_like of int
        Last index (``K >= 0``).

    Returns
    -------
    float or numpy.ndarray
        A float for scalar ``K``, else an array of the shape of ``K``.

    Notes
    -----
    .. math::

        \\sum_{j=0}^{K} w_j(d) = \\frac{\\Gamma(K+1-d)}{\\Gamma(1-d)\\Gamma(K+1)} = \\psi_K(1-d)
        \\sim \\frac{K^{-d}}{\\Gamma(1-d)}.

    For d > 0 the full sum is 0, so 1 - (this) = sum_{j=1}^{K} (-w_j) < 1 is the stability
    margin of the truncated MLSTM filter (Zhao et al. 2020, Theorem 4).
    Proof by induction (see :func:`rnnmem.theory.symbolic.partial_sum_derivation`): the
    difference of consecutive partial sums is w_K.
    """
    d = as_real(d, "d")
    scalar = np.ndim(K) == 0
    if scalar:
        ks = np.array([as_integer(K, "K", minimum=0)])
    else:
        ks = np.asarray(K)
        if ks.dtype.kind not in "iu":
            raise TypeError(f"`K` must be an integer or an array of integers; got dtype {ks.dtype}.")
        if np.any(ks < 0):
            raise ValueError(f"`K` must be >= 0; got min(K)={int(ks.min())}.")
    values = pochhammer_ratio(1.0 - d, 1.0, ks)
    return float(values[0]) if scalar else values
