"""Sample autocovariance and autocorrelation by FFT, with Bartlett bands."""

from __future__ import annotations

import numpy as np
from scipy import fft as sp_fft
from scipy.special import ndtri

from rnnmem._validation import as_bool, as_integer, as_real, as_real_array
from rnnmem.verify._common import as_series

__all__ = ["acf", "acvf", "bartlett_bands"]


def acvf(x, nlags=None, *, demean=True):
    r"""Sample autocovariance along the last axis, by FFT.

    Parameters
    ----------
    x : array_like, shape (n,) or (paths, n)
        One series, or one series per row.
    nlags : int, optional
        Largest lag, in ``[0, n - 1]``. Default ``n - 1``.
    demean : bool, default True
        Subtract the sample mean of each series first. Use ``False`` only for a known
        zero mean.

    Returns
    -------
    ndarray, shape (nlags + 1,) or (paths, nlags + 1)
        :math:`\hat\gamma(0), \dots, \hat\gamma(\text{nlags})`.

    Raises
    ------
    ValueError
        For 0-d or 3-d input, NaN or inf, a constant series, fewer than 2 values, or
        ``nlags`` outside ``[0, n - 1]``.

    Notes
    -----
    The biased estimator (divided by ``n``, not ``n - k``), which is positive
    semi-definite:

    .. math:: \hat\gamma(k) = \frac{1}{n} \sum_{t=1}^{n-k} (x_t - \bar x)(x_{t+k} - \bar x).

    Computed as the inverse FFT of the periodogram of the series zero-padded to a fast
    length of at least ``n + nlags`` (enough to avoid circular wrap-around up to lag
    ``nlags``), so O(n log n). The FFT adds a rounding error of order
    ``1e-16 * gamma(0)`` to every lag.

    Under long memory the sample autocovariance is biased downward (THEORY.md §1.4).

    References
    ----------
    Brockwell, P. J. and Davis, R. A. (1991), *Time Series: Theory and Methods*, 2nd ed.,
    Springer, §7.2.

    Examples
    --------
    >>> from rnnmem.verify import acvf
    >>> acvf([1.0, 2.0, 3.0, 4.0], 2)
    array([ 1.25  ,  0.3125, -0.375 ])
    """
    arr = as_series(x, "x", ndim=(1, 2), min_size=2)
    demean = as_bool(demean, "demean")
    n = arr.shape[-1]
    if nlags is None:
        nlags = n - 1
    nlags = as_integer(nlags, "nlags", minimum=0, maximum=n - 1, why=f"for a series of n={n}")
    if demean:
        arr = arr - arr.mean(axis=-1, keepdims=True)
    size = sp_fft.next_fast_len(n + nlags, real=True)
    spectrum = sp_fft.rfft(arr, n=size, axis=-1)
    power = spectrum.real**2 + spectrum.imag**2
    out = sp_fft.irfft(power, n=size, axis=-1)[..., : nlags + 1]
    out /= n
    return out


def acf(x, nlags=None, *, demean=True):
    r"""Sample autocorrelation along the last axis: :math:`\hat\gamma(k) / \hat\gamma(0)`.

    Parameters
    ----------
    x : array_like, shape (n,) or (paths, n)
    nlags : int, optional
        Largest lag, in ``[0, n - 1]``. Default ``n - 1``.
    demean : bool, default True
        Subtract the sample mean first.

    Returns
    -------
    ndarray, shape (nlags + 1,) or (paths, nlags + 1)
        Starts with 1 at lag 0.

    See Also
    --------
    acvf : the estimator and its conventions.
    bartlett_bands : confidence bands for the result.

    Examples
    --------
    >>> from rnnmem.verify import acf
    >>> acf([1.0, 2.0, 3.0, 4.0], 2)
    array([ 1.  ,  0.25, -0.3 ])
    """
    gamma = acvf(x, nlags, demean=demean)
    return gamma / gamma[..., :1]


def bartlett_bands(rho, *, n, level=0.95):
    r"""Half-widths of Bartlett's confidence bands for a sample autocorrelation.

    Parameters
    ----------
    rho : array_like, shape (nlags + 1,) or (paths, nlags + 1)
        Sample autocorrelations from lag 0 (as returned by :func:`acf`).
    n : int
        Length of the series the autocorrelations came from.
    level : float, default 0.95
        Two-sided confidence level, in (0, 1).

    Returns
    -------
    ndarray, same shape as ``rho``
        Half-width at each lag; ``0`` at lag 0. A sample autocorrelation outside
        ``±band[k]`` is significant at level ``1 - level`` under the hypothesis that the
        true autocorrelations vanish beyond lag ``k - 1``.

    Notes
    -----
    Bartlett's formula for an MA(k-1) null:

    .. math:: \operatorname{Var}\hat\rho(k) \approx \frac{1}{n}
              \Bigl(1 + 2\sum_{j=1}^{k-1} \hat\rho(j)^2\Bigr).

    It assumes short memory; under long memory it understates the variance.

    References
    ----------
    Bartlett, M. S. (1946), "On the theoretical specification and sampling properties of
    autocorrelated time-series", *JRSS Supplement* 8, 27-41. Brockwell and Davis (1991),
    Theorem 7.2.2.
    """
    rho = as_real_array(rho, "rho", ndim=(1, 2), min_size=1)
    n = as_integer(n, "n", minimum=2)
    level = as_real(level, "level", low=0.0, high=1.0, low_inclusive=False, high_inclusive=False)
    z = ndtri(0.5 + level / 2)
    squares = rho[..., 1:] ** 2
    cumulative = np.concatenate(
        [np.zeros(rho.shape[:-1] + (1,)), np.cumsum(squares, axis=-1)[..., :-1]], axis=-1
    )
    var = (1 + 2 * cumulative) / n
    bands = np.concatenate([np.zeros(rho.shape[:-1] + (1,)), z * np.sqrt(var)], axis=-1)
    return bands
