"""Gaussian ARFIMA(p, d, q) sample paths: exact (Davies-Harte, Hosking) or truncated MA."""

from __future__ import annotations

import warnings

import numpy as np
from scipy import fft, signal

from rnnmem import RnnmemWarning
from rnnmem._rng import as_generator
from rnnmem._validation import as_choice, as_integer, as_real
from rnnmem.theory._levinson import durbin_levinson
from rnnmem.theory.arfima import arfima_acvf, arfima_ma_weights, validate_arfima

from ._arfima_kernels import _hosking

__all__ = ["arfima", "TruncationBiasWarning", "NegativeEmbeddingError"]

METHODS = ("davies-harte", "hosking", "truncated")
# Warn when the truncated filter loses more than this fraction of the variance.
_DEFICIT_WARNING = 0.01


class TruncationBiasWarning(RnnmemWarning):
    """The truncated MA filter misses a noticeable part of the ARFIMA variance.

    Silence with ``warnings.filterwarnings("ignore", category=TruncationBiasWarning)``, or
    use an exact method.
    """


class NegativeEmbeddingError(ValueError):
    """The circulant embedding of the autocovariance is not non-negative definite."""


# Square roots of the circulant eigenvalues, by model: Monte Carlo studies simulate the same
# model many times, and the autocovariance and its FFT are more than half the cost of a path.
# Small entries only (at most _CACHE_ENTRIES, each at most _CACHE_MAX_N + 1 floats).
_ROOT_CACHE: dict = {}
_CACHE_ENTRIES = 8
_CACHE_MAX_N = 1 << 21


def _embedding_root(n: int, d: float, ar_poly: np.ndarray, ma_poly: np.ndarray) -> np.ndarray:
    """sqrt(lambda_0..lambda_n) of the circulant embedding of gamma(0..n), unit sigma."""
    key = (n, d, tuple(ar_poly), tuple(ma_poly))
    cached = _ROOT_CACHE.get(key)
    if cached is not None:
        return cached
    gamma = arfima_acvf(n, d=d, ar=ar_poly, ma=ma_poly)
    # Circulant row (gamma(0..n), gamma(n-1..1)) of length N = 2n. It is real and symmetric,
    # so its eigenvalues are real, symmetric (lambda_k = lambda_{N-k}) and given by the real
    # FFT: lambda_0..lambda_{N/2}.
    row = np.concatenate([gamma, gamma[-2:0:-1]])
    half = fft.rfft(row).real
    # Rounding makes true zeros come out as tiny negatives of order eps * sqrt(N) * sum|row|.
    tolerance = 64.0 * np.finfo(float).eps * np.sqrt(row.size) * np.abs(row).sum()
    if half.min() < -tolerance:
        raise NegativeEmbeddingError(
            "the circulant embedding of this ARFIMA autocovariance has a negative eigenvalue "
            f"({half.min():.3e}), so method='davies-harte' cannot simulate it exactly; "
            "use method='hosking' (exact, O(n^2))."
        )
    root = np.sqrt(np.clip(half, 0.0, None))
    root.flags.writeable = False
    if n <= _CACHE_MAX_N:
        if len(_ROOT_CACHE) >= _CACHE_ENTRIES:
            _ROOT_CACHE.pop(next(iter(_ROOT_CACHE)))
        _ROOT_CACHE[key] = root
    return root


def _draw_normals(n: int, n_paths: int, rng: np.random.Generator):
    """All N(0, 1) draws of a Davies-Harte call, in a fixed order: pairs first, then one path."""
    size = 2 * n
    pairs = rng.standard_normal((n_paths // 2, 2, size)) if n_paths // 2 else None
    single = rng.standard_normal(size) if n_paths % 2 else None
    return pairs, single


def _davies_harte(root: np.ndarray, n: int, normals):
    pairs, single = normals
    size = 2 * n
    n_pairs = 0 if pairs is None else pairs.shape[0]
    n_paths = 2 * n_pairs + (single is not None)
    paths = np.empty((n_paths, n))
    if n_pairs:
        # One complex Gaussian vector gives two independent paths, its real and imaginary
        # parts: X = FFT(sqrt(lambda / N) (Z1 + i Z2)).
        full_root = np.concatenate([root, root[-2:0:-1]]) / np.sqrt(size)
        transformed = fft.fft(full_root * (pairs[:, 0] + 1j * pairs[:, 1]), axis=-1)
        paths[0 : 2 * n_pairs : 2] = transformed[:, :n].real
        paths[1 : 2 * n_pairs : 2] = transformed[:, :n].imag
    if single is not None:
        # A single path needs only N real normals: a Hermitian-symmetric complex Gaussian
        # vector xi (xi_0, xi_{N/2} real, the rest (A + iB)/sqrt(2)) and one inverse real FFT,
        # X_j = N^{-1/2} sum_k sqrt(lambda_k) xi_k e^{2 pi i jk/N} = sqrt(N) irfft(sqrt(lambda) xi).
        # The constants sqrt(N) and 1/sqrt(2) are folded into one weight vector.
        middle = size // 2
        weight = np.sqrt(size) * root
        weight[1:middle] *= np.sqrt(0.5)
        xi = np.empty(middle + 1, dtype=complex)
        xi.real[0], xi.imag[0] = single[0], 0.0
        xi.real[middle], xi.imag[middle] = single[1], 0.0
        xi.real[1:middle] = single[2 : middle + 1]
        xi.imag[1:middle] = single[middle + 1 :]
        xi *= weight
        paths[-1] = fft.irfft(xi, n=size)[:n]
    return paths


def _hosking_paths(gamma: np.ndarray, n_paths: int, rng: np.random.Generator):
    pacf, variance = durbin_levinson(gamma)
    sd = np.sqrt(np.clip(variance, 0.0, None))
    normals = rng.standard_normal((n_paths, gamma.size))
    out = np.zeros_like(normals)
    _hosking(pacf, sd, normals, out)
    return out


def _truncated(n, d, ar, ma, sigma, n_paths, truncation, burn_in, rng):
    weights = arfima_ma_weights(truncation + 1, d=d, ar=ar, ma=ma)
    exact_variance = arfima_acvf(0, d=d, ar=ar, ma=ma)[0]
    deficit = 1.0 - np.dot(weights, weights) / exact_variance
    if deficit > _DEFICIT_WARNING:
        warnings.warn(
            f"method='truncated' with truncation={truncation} misses {100 * deficit:.1f}% of "
            f"the variance of ARFIMA(d={d}); use method='davies-harte' or 'hosking' for exact "
            "paths, or a larger `truncation`.",
            TruncationBiasWarning,
            stacklevel=3,
        )
    if burn_in < truncation:
        warnings.warn(
            f"burn_in={burn_in} is below truncation={truncation}: the first "
            f"{truncation - burn_in} values are not stationary (they use fewer than "
            f"{truncation + 1} innovations).",
            TruncationBiasWarning,
            stacklevel=3,
        )
    shocks = sigma * rng.standard_normal((n_paths, burn_in + n))
    # Zero pre-sample innovations; the first `burn_in` outputs are discarded.
    filtered = signal.oaconvolve(shocks, weights[None, :], mode="full", axes=-1)
    return filtered[:, burn_in : burn_in + n]


def arfima(
    n,
    *,
    d,
    ar=(),
    ma=(),
    sigma=1.0,
    method="davies-harte",
    n_paths=None,
    rng=None,
    truncation=None,
    burn_in=None,
) -> np.ndarray:
    """Simulate Gaussian ARFIMA(p, d, q) paths ar(B) (1-B)^d X_t = ma(B) eps_t.

    Parameters
    ----------
    n : int
        Length of each path, ``n >= 1``.
    d : float
        Memory parameter in (-1/2, 1/2).
    ar, ma : array_like, optional
        Lag polynomials with leading 1, statsmodels' convention (``ar=[1, -0.5]`` is
        X_t = 0.5 X_{t-1} + ...); see :mod:`rnnmem.theory.arfima` for R's conventions.
    sigma : float
        Innovation standard deviation, > 0.
    method : {"davies-harte", "hosking", "truncated"}
        ``"davies-harte"`` (default): exact circulant embedding of the exact autocovariance,
        O(n log n); the real and imaginary parts of one complex draw give two independent
        paths (an odd last path uses a Hermitian draw of N real normals and one inverse
        real FFT). Raises :class:`NegativeEmbeddingError` if the embedding has a negative
        eigenvalue (never for ARFIMA(0, d, 0)); then use ``"hosking"``.
        ``"hosking"``: exact sequential conditional draws by the Durbin-Levinson recursion,
        O(n^2) time, O(n) memory; works for any valid autocovariance.
        ``"truncated"``: the MA(infinity) filter cut after ``truncation`` lags, the approach of
        ``statsmodels.tsa.arima_process.arma_generate_sample`` with the fractional weights.
        **Biased**: its variance is sigma^2 sum_{j<=K} c_j^2 instead of gamma(0), a deficit of
        sum_{j>K} c_j^2 / sum_j c_j^2 (12% for d = 0.4, K = 1000; 28% for d = 0.45,
        K = 10^4), and the autocovariances lose the same tail. A
        :class:`TruncationBiasWarning` is issued when the deficit exceeds 1%.
    n_paths : int, optional
        Number of independent paths. ``None`` returns one path of shape (n,).
    rng : None, int or numpy.random.Generator
        Source of randomness (SPEC 7).
    truncation : int, optional
        Number of MA lags K kept by ``method="truncated"`` (required there, refused by the
        exact methods).
    burn_in : int, optional
        Outputs discarded at the start by ``method="truncated"`` (its filter starts from zero
        innovations). Default: ``truncation``, which makes the output the stationary MA(K).

    Returns
    -------
    numpy.ndarray
        Shape (n,) when ``n_paths`` is None, else (n_paths, n).

    References
    ----------
    Davies and Harte (1987), "Tests for Hurst effect", Biometrika 74(1), 95-101; Wood and
    Chan (1994), J. Comput. Graph. Statist. 3(4); Hosking (1984), "Modeling persistence in
    hydrological time series using fractional differencing", Water Resour. Res. 20(12).

    Examples
    --------
    >>> x = arfima(1000, d=0.3, rng=1)
    >>> x.shape
    (1000,)
    """
    n = as_integer(n, "n", minimum=1)
    d, ar_poly, ma_poly, _ = validate_arfima(d, ar, ma, 1.0)
    sigma = as_real(sigma, "sigma", low=0.0, low_inclusive=False, why="(innovation sd)")
    method = as_choice(method, "method", METHODS)
    paths = 1 if n_paths is None else as_integer(n_paths, "n_paths", minimum=1)
    if method != "truncated":
        for name, value in (("truncation", truncation), ("burn_in", burn_in)):
            if value is not None:
                raise ValueError(
                    f"`{name}` is only used by method='truncated'; got {name}={value!r} with "
                    f"method={method!r}."
                )
    generator = as_generator(rng)

    if method == "truncated":
        if truncation is None:
            raise ValueError(
                "`truncation` must be given with method='truncated' (the number of MA lags "
                "kept); got truncation=None."
            )
        truncation = as_integer(truncation, "truncation", minimum=1)
        burn_in = truncation if burn_in is None else as_integer(burn_in, "burn_in", minimum=0)
        out = _truncated(n, d, ar_poly, ma_poly, sigma, paths, truncation, burn_in, generator)
    elif method == "davies-harte":
        root = sigma * _embedding_root(n, d, ar_poly, ma_poly)
        out = _davies_harte(root, n, _draw_normals(n, paths, generator))
    else:
        gamma = sigma**2 * arfima_acvf(n - 1, d=d, ar=ar_poly, ma=ma_poly)
        out = _hosking_paths(gamma, paths, generator)
    return out[0] if n_paths is None else out
