"""Population second-order properties of ARFIMA(p, d, q), exact to double precision.

Model and sign convention (statsmodels' lag polynomials, leading coefficient 1)::

    ar(B) (1 - B)^d X_t = ma(B) eps_t,   eps_t i.i.d. (0, sigma2),
    ar(B) = 1 + ar[1] B + ... + ar[p] B^p,   ma(B) = 1 + ma[1] B + ... + ma[q] B^q.

So ``ar=[1, -0.5]`` is X_t = 0.5 X_{t-1} + ... and ``ma=[1, 0.3]`` adds 0.3 eps_{t-1}.
R's conventions map as follows: ``stats::arima`` and ``arima.sim`` take ``ar = phi`` and
``ma = theta`` with (1 - phi B) and (1 + theta B), so use ``ar=[1, -phi...]``, ``ma=[1, theta...]``;
``fracdiff`` (and ``fracdiff.sim``) writes the MA part as (1 - theta B), so use
``ma=[1, -theta...]``.

References
----------
Hosking (1981), "Fractional differencing", Biometrika 68(1), 165-176, Theorem 1.
Zhao et al. (2020), Definition 1 and Section 2.
"""

from __future__ import annotations

import numpy as np
from scipy import signal, special

from rnnmem._validation import as_integer, as_real, as_real_array

from ._levinson import durbin_levinson
from ._pochhammer import pochhammer_ratio_range
from ._polynomials import lag_polynomial, smallest_root_modulus
from .fractional import frac_integ_weights

__all__ = [
    "arfima_acvf",
    "arfima_acf",
    "arfima_pacf",
    "arfima_spectral_density",
    "arfima_ma_weights",
]

# ARMA autocovariances below this fraction of gamma(0) are dropped from the convolution:
# they change no result in double precision.
_NEGLIGIBLE = 1e-18
# Above this many multiply-adds the convolution switches from direct summation to FFT
# (absolute error then about 1e-15 * gamma(0) * log(n) instead of 1e-16 relative).
_DIRECT_CONVOLUTION_LIMIT = 3e9
# An AR root so close to the unit circle that the ARMA autocovariance would need more lags
# than this to die out is refused.
_MAX_ARMA_LAGS = 50_000_000


def _check_d(d) -> float:
    return as_real(
        d,
        "d",
        low=-0.5,
        high=0.5,
        low_inclusive=False,
        high_inclusive=False,
        why="for a stationary and invertible ARFIMA process",
        remedy="For d >= 0.5 difference the series first; d = -0.5 is not invertible.",
    )


def _check_sigma2(sigma2) -> float:
    return as_real(sigma2, "sigma2", low=0.0, low_inclusive=False, why="(innovation variance)")


def validate_arfima(d, ar, ma, sigma2):
    """Validate ARFIMA parameters; return (d, ar_poly, ma_poly, sigma2)."""
    return _check_d(d), lag_polynomial(ar, "ar"), lag_polynomial(ma, "ma"), _check_sigma2(sigma2)


def _fd_acvf(d: float, nlags: int) -> np.ndarray:
    """gamma(0..nlags) of ARFIMA(0, d, 0) with unit innovation variance."""
    gamma0 = special.gamma(1.0 - 2.0 * d) / special.gamma(1.0 - d) ** 2
    return gamma0 * pochhammer_ratio_range(d, 1.0 - d, nlags + 1)


def _arma_acvf(ar_poly: np.ndarray, ma_poly: np.ndarray, nlags: int) -> np.ndarray:
    """gamma(0..nlags) of the ARMA(p, q) process ar(B) u_t = ma(B) eps_t, unit variance.

    The first p + 1 values solve the linear system
    gamma(k) - sum_i phi_i gamma(|k - i|) = sum_{j=k}^{q} theta_j psi_{j-k}, k = 0..p
    (Brockwell and Davis 1991, Section 3.3, third method); the rest follow the same
    difference equation, homogeneous beyond lag q.
    """
    phi = -ar_poly[1:]
    theta = ma_poly
    p, q = phi.size, theta.size - 1
    psi = np.zeros(q + 1)  # MA(infinity) weights up to lag q
    for j in range(q + 1):
        psi[j] = theta[j] + sum(phi[i - 1] * psi[j - i] for i in range(1, min(j, p) + 1))
    rhs = np.zeros(max(nlags, p, q) + 1)
    for k in range(q + 1):
        rhs[k] = np.dot(theta[k:], psi[: q + 1 - k])
    system = np.eye(p + 1)
    for k in range(p + 1):
        for i in range(1, p + 1):
            system[k, abs(k - i)] -= phi[i - 1]
    gamma = np.zeros(rhs.size)
    gamma[: p + 1] = np.linalg.solve(system, rhs[: p + 1])
    start = p + 1
    explicit_end = min(max(p, q) + 1, gamma.size)
    for k in range(start, explicit_end):
        gamma[k] = np.dot(phi, gamma[k - 1 :: -1][:p]) + rhs[k]
    if explicit_end < gamma.size and p > 0:
        past = gamma[explicit_end - 1 :: -1][:p]  # explicit_end > p, so p values exist
        zi = signal.lfiltic([1.0], ar_poly, past)
        gamma[explicit_end:], _ = signal.lfilter(
            [1.0], ar_poly, np.zeros(gamma.size - explicit_end), zi=zi
        )
    return gamma[: nlags + 1]


def _arma_acvf_support(ar_poly: np.ndarray, ma_poly: np.ndarray) -> np.ndarray:
    """ARMA autocovariance gamma(0..J), J the last lag that matters in double precision."""
    q = ma_poly.size - 1
    if ar_poly.size == 1:
        return _arma_acvf(ar_poly, ma_poly, q)
    radius = 1.0 / smallest_root_modulus(ar_poly)
    decay_lags = np.log(_NEGLIGIBLE) / np.log(radius)
    # Twice the single-root length covers repeated roots (factor k^(m-1)).
    n_lags = int(np.ceil(2.0 * decay_lags)) + q + ar_poly.size + 10
    if n_lags > _MAX_ARMA_LAGS:
        raise ValueError(
            f"`ar` has a root of modulus {1.0 / radius:.10g}, too close to the unit circle: its "
            f"autocovariance needs more than {_MAX_ARMA_LAGS} lags to die out. Move the root "
            "away from 1 or model it as part of d."
        )
    gamma = _arma_acvf(ar_poly, ma_poly, n_lags)
    above = np.flatnonzero(np.abs(gamma) > _NEGLIGIBLE * gamma[0])
    return gamma[: above[-1] + 1]


def arfima_acvf(nlags, *, d, ar=(), ma=(), sigma2=1.0) -> np.ndarray:
    """Autocovariances gamma(0), ..., gamma(nlags) of a stationary ARFIMA(p, d, q) process.

    Parameters
    ----------
    nlags : int
        Largest lag, ``nlags >= 0``; the result has ``nlags + 1`` values.
    d : float
        Memory parameter in (-1/2, 1/2).
    ar, ma : array_like, optional
        Lag polynomials with leading coefficient 1 (statsmodels' convention, see the module
        docstring for R's): ``ar=[1, -0.5]`` is X_t = 0.5 X_{t-1} + ...; roots outside the
        unit circle. Empty means 1.
    sigma2 : float
        Innovation variance, > 0.

    Returns
    -------
    numpy.ndarray of shape (nlags + 1,)

    Notes
    -----
    For ARFIMA(0, d, 0) (Hosking 1981):

    .. math::

        \\gamma(0) = \\sigma^2\\frac{\\Gamma(1-2d)}{\\Gamma(1-d)^2},\\qquad
        \\rho(k) = \\frac{\\Gamma(k+d)\\Gamma(1-d)}{\\Gamma(k-d+1)\\Gamma(d)}
                 = \\prod_{i=1}^{k}\\frac{i-1+d}{i-d}.

    With an ARMA part, X = (1-B)^{-d} u with u the ARMA process, and since the spectral
    density of X is 2 pi f_u f_{(0,d,0)}, gamma_X = gamma_u * gamma_{(0,d,0)} (a two-sided
    convolution over all integer lags). The ARMA autocovariance decays geometrically and is
    summed until it falls below 1e-18 gamma_u(0), so the result is exact to double
    precision; the ARFIMA(0, d, 0) part is evaluated without Gamma overflow or sign loss
    (:mod:`rnnmem.theory._pochhammer`). Very long convolutions (more than 3e9
    multiply-adds, e.g. nlags = 10^6 with an AR root of modulus 1.01) use the FFT, whose
    absolute error is about 1e-15 gamma(0).

    References
    ----------
    Hosking (1981), Theorem 1; Brockwell and Davis (1991), Section 13.2.

    Examples
    --------
    >>> arfima_acvf(2, d=0.3) / arfima_acvf(0, d=0.3)[0]
    array([1.        , 0.42857143, 0.32773109])
    """
    nlags = as_integer(nlags, "nlags", minimum=0)
    d, ar_poly, ma_poly, sigma2 = validate_arfima(d, ar, ma, sigma2)
    arma = _arma_acvf_support(ar_poly, ma_poly)
    span = arma.size - 1
    if span == 0:
        return sigma2 * arma[0] * _fd_acvf(d, nlags)
    fd = _fd_acvf(d, nlags + span)
    fd_two_sided = np.concatenate([fd[span:0:-1], fd])  # lags -span .. nlags + span
    kernel = np.concatenate([arma[:0:-1], arma])  # lags -span .. span (symmetric)
    if (nlags + 1) * kernel.size <= _DIRECT_CONVOLUTION_LIMIT:
        gamma = np.convolve(fd_two_sided, kernel, mode="valid")
    else:
        gamma = signal.oaconvolve(fd_two_sided, kernel, mode="valid")
    return sigma2 * gamma


def arfima_acf(nlags, *, d, ar=(), ma=()) -> np.ndarray:
    """Autocorrelations rho(0) = 1, ..., rho(nlags) of ARFIMA(p, d, q).

    Same parameters and conventions as :func:`arfima_acvf` (sigma2 cancels).

    Notes
    -----
    For ARFIMA(0, d, 0): rho(1) = d / (1 - d) and rho(k) ~ [Gamma(1-d) / Gamma(d)] k^{2d-1}.

    Examples
    --------
    >>> arfima_acf(1, d=0.3)
    array([1.        , 0.42857143])
    """
    gamma = arfima_acvf(nlags, d=d, ar=ar, ma=ma)
    return gamma / gamma[0]


def arfima_pacf(nlags, *, d, ar=(), ma=()) -> np.ndarray:
    """Partial autocorrelations phi_00 = 1, phi_11, ..., phi_{nlags,nlags} of ARFIMA(p, d, q).

    Computed by the Durbin-Levinson recursion on the exact autocovariance (O(nlags^2)).
    For ARFIMA(0, d, 0), phi_kk = d / (k - d) (Hosking 1981, Theorem 1).

    Examples
    --------
    >>> arfima_pacf(3, d=0.25)
    array([1.        , 0.33333333, 0.14285714, 0.09090909])
    """
    gamma = arfima_acvf(nlags, d=d, ar=ar, ma=ma)
    pacf, _ = durbin_levinson(gamma)
    return pacf


def arfima_spectral_density(freqs, *, d, ar=(), ma=(), sigma2=1.0) -> np.ndarray:
    """Spectral density of ARFIMA(p, d, q) at angular frequencies ``freqs`` (radians).

    Parameters
    ----------
    freqs : array_like
        Finite angular frequencies; the density is even and 2 pi periodic.
    d, ar, ma, sigma2
        As in :func:`arfima_acvf`.

    Returns
    -------
    numpy.ndarray
        f(lambda) with the normalisation gamma(k) = int_{-pi}^{pi} f(lambda) e^{i k lambda} d lambda.
        At lambda = 0 (mod 2 pi) the value is +inf for d > 0 (the pole that defines long
        memory) and 0 for d < 0.

    Notes
    -----
    .. math::

        f(\\lambda) = \\frac{\\sigma^2}{2\\pi}
            \\frac{|\\mathrm{ma}(e^{-i\\lambda})|^2}{|\\mathrm{ar}(e^{-i\\lambda})|^2}
            \\left|2\\sin(\\lambda/2)\\right|^{-2d}.
    """
    lam = as_real_array(freqs, "freqs")
    d, ar_poly, ma_poly, sigma2 = validate_arfima(d, ar, ma, sigma2)
    z = np.exp(-1j * lam)
    ratio = np.abs(np.polyval(ma_poly[::-1], z)) ** 2 / np.abs(np.polyval(ar_poly[::-1], z)) ** 2
    base = np.abs(2.0 * np.sin(lam / 2.0))
    with np.errstate(divide="ignore"):
        fractional = base ** (-2.0 * d)
    return sigma2 / (2.0 * np.pi) * ratio * fractional


def arfima_ma_weights(n, *, d, ar=(), ma=()) -> np.ndarray:
    """First ``n`` MA(infinity) weights of ARFIMA(p, d, q): X_t = sum_j c_j eps_{t-j}.

    The weights are the coefficients of ma(B) / (ar(B) (1-B)^d), that is psi(d) filtered
    by the ARMA part. For ARFIMA(0, d, 0) they equal :func:`frac_integ_weights`.

    Examples
    --------
    >>> arfima_ma_weights(3, d=0.0, ar=[1, -0.5])
    array([1.  , 0.5 , 0.25])
    """
    n = as_integer(n, "n", minimum=1)
    d, ar_poly, ma_poly, _ = validate_arfima(d, ar, ma, 1.0)
    return signal.lfilter(ma_poly, ar_poly, frac_integ_weights(d, n))
