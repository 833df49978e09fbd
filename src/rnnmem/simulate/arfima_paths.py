"""Gaussian ARFIMA(p, d, q) sample paths: exact (Davies-Harte, Hosking) or truncated MA."""

from __future__ import annotations

import threading
import warnings

import numpy as np
from scipy import fft, signal

from rnnmem import RnnmemWarning
from rnnmem._rng import as_generator
from rnnmem._validation import as_choice, as_integer, as_real
from rnnmem.theory._levinson import durbin_levinson
from rnnmem.theory.arfima import arfima_acvf, arfima_ma_weights, validate_arfima

from ._arfima_kernels import _hosking
from ._real_transforms import dct1, dst1

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
# model many times, and the autocovariance and its eigenvalues are a large part of the cost
# of a path. Small entries only (at most _CACHE_ENTRIES, each at most _CACHE_MAX_N + 1 floats).
_ROOT_CACHE: dict = {}
_CACHE_ENTRIES = 8
_CACHE_MAX_N = 1 << 21
# From this path length on, the normals are drawn in a second thread while the eigenvalues
# are computed (both release the GIL; measured at n = 10^6: 55 ms in sequence, 37 ms
# overlapped). Below it a thread costs more than it saves.
_THREAD_FROM = 1 << 15


def _embedding_half_size(n: int) -> int:
    """m >= n, even, with m / 2 a fast FFT length: the embedding has size N = 2m.

    An even m lets the transforms split in half (rnnmem.simulate._real_transforms); a fast
    m / 2 keeps pocketfft off its slow paths for lengths with large prime factors. The extra
    m - n autocovariances embed a slightly larger matrix, whose first n x n block is still
    the exact covariance.
    """
    return 2 * fft.next_fast_len((n + 1) // 2, real=True)


def _embedding_root(m: int, d: float, ar_poly: np.ndarray, ma_poly: np.ndarray) -> np.ndarray:
    """sqrt(lambda_0..lambda_m) of the circulant embedding of gamma(0..m), unit sigma."""
    key = (m, d, tuple(ar_poly), tuple(ma_poly))
    cached = _ROOT_CACHE.get(key)
    if cached is not None:
        return cached
    gamma = arfima_acvf(m, d=d, ar=ar_poly, ma=ma_poly)
    # The circulant row (gamma(0..m), gamma(m-1..1)) of length N = 2m is real and symmetric,
    # so its eigenvalues are real, lambda_k = lambda_{N-k}, and lambda_0..lambda_m is the
    # DCT-I of gamma(0..m): lambda_k = gamma(0) + (-1)^k gamma(m) + 2 sum_j gamma(j) cos(pi jk/m).
    eigenvalues = dct1(gamma)
    # Rounding makes true zeros come out as tiny negatives of order eps * sqrt(N) * sum|row|.
    tolerance = 64.0 * np.finfo(float).eps * np.sqrt(2 * m) * (2 * np.abs(gamma).sum())
    if eigenvalues.min() < -tolerance:
        raise NegativeEmbeddingError(
            "the circulant embedding of this ARFIMA autocovariance has a negative eigenvalue "
            f"({eigenvalues.min():.3e}), so method='davies-harte' cannot simulate it exactly; "
            "use method='hosking' (exact, O(n^2))."
        )
    root = np.sqrt(np.clip(eigenvalues, 0.0, None))
    root.flags.writeable = False
    if m <= _CACHE_MAX_N:
        if len(_ROOT_CACHE) >= _CACHE_ENTRIES:
            _ROOT_CACHE.pop(next(iter(_ROOT_CACHE)))
        _ROOT_CACHE[key] = root
    return root


class _Background:
    """Run one call in a second thread; ``result()`` joins it and re-raises its error.

    A plain thread rather than a pool: a pool created before ``fork`` (rnnmem reproduce
    uses process workers) would believe its thread still exists in the child and hang.
    """

    def __init__(self, function, *args):
        self._outcome = None
        self._thread = threading.Thread(target=self._run, args=(function, args), daemon=True)
        self._thread.start()

    def _run(self, function, args):
        try:
            self._outcome = (True, function(*args))
        except BaseException as error:  # handed to the caller's thread by result()
            self._outcome = (False, error)

    def join(self):
        self._thread.join()

    def result(self):
        self.join()
        succeeded, value = self._outcome
        if not succeeded:
            raise value
        return value


def _root_and_normals(n, m, d, ar_poly, ma_poly, n_paths, generator):
    """The embedding's root and the (n_paths, 2m) normals, overlapped when both are large.

    The draws are the same, in the same order, with or without the thread. If the root
    fails (negative embedding), the generator is put back as it was, so a failed call
    consumes no randomness.
    """
    shape = (n_paths, 2 * m)
    key = (m, d, tuple(ar_poly), tuple(ma_poly))
    if key in _ROOT_CACHE or n < _THREAD_FROM:
        root = _embedding_root(m, d, ar_poly, ma_poly)
        return root, generator.standard_normal(shape)
    state = generator.bit_generator.state
    draws = _Background(generator.standard_normal, shape)
    try:
        root = _embedding_root(m, d, ar_poly, ma_poly)
    except BaseException:
        draws.join()
        generator.bit_generator.state = state
        raise
    return root, draws.result()


def _davies_harte(root: np.ndarray, n: int, normals: np.ndarray) -> np.ndarray:
    """Paths X_0..X_{n-1} from the embedding root sqrt(lambda_0..lambda_m), m = root.size - 1.

    Each path uses N = 2m real normals (z_0, z_1, a_1..a_{m-1}, b_1..b_{m-1}) as a
    Hermitian complex Gaussian vector xi (xi_0 = z_0, xi_m = z_1, xi_k = (a_k + i b_k)/sqrt 2)
    and X_j = N^{-1/2} sum_k sqrt(lambda_k) xi_k e^{2 pi i jk/N}; pairing k with N - k gives
    the real form

        X_j = sum_{k=0}^{m} alpha_k c_k cos(pi jk/m) - 2 sum_{k=1}^{m-1} beta_k sin(pi jk/m),

    (c_0 = c_m = 1, c_k = 2 otherwise): a DCT-I of alpha minus a DST-I of beta, computed at
    half length by rnnmem.simulate._real_transforms.
    """
    m = root.size - 1
    scale = 1.0 / np.sqrt(2 * m)
    inner = root[1:m] * (scale * np.sqrt(0.5))
    alpha = np.empty((normals.shape[0], m + 1))
    alpha[:, 0] = root[0] * scale * normals[:, 0]
    alpha[:, m] = root[m] * scale * normals[:, 1]
    np.multiply(normals[:, 2 : m + 1], inner, out=alpha[:, 1:m])
    beta = normals[:, m + 1 :] * inner
    cosines = dct1(alpha)
    paths = np.empty((normals.shape[0], n))  # its own contiguous array, not a view of m + 1
    paths[:, 0] = cosines[:, 0]
    if n > 1:
        np.subtract(cosines[:, 1:n], dst1(beta)[:, : n - 1], out=paths[:, 1:])
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
        O(n log n). The embedding has size 2m with m >= n even and m / 2 a fast FFT length;
        each path uses 2m real normals (a Hermitian complex Gaussian vector) and the
        eigenvalues and paths are computed by half-length real transforms. The eigenvalues
        are cached per model (a few recent models), and for long paths the normals are drawn
        in a second thread while the eigenvalues are computed (the same draws either way).
        Since rnnmem 2026-11-25 the embedding can be a little larger than the minimal 2n
        (m >= n), so for some ARMA parts and lengths the non-negativity of the embedding
        differs from the minimal one, and a seed gives other paths than earlier versions
        whenever m != n or ``n_paths`` >= 2.
        Raises :class:`NegativeEmbeddingError` if the embedding has a negative eigenvalue
        (never for ARFIMA(0, d, 0)); then use ``"hosking"``; a failed call consumes no
        randomness from ``rng``.
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
        m = _embedding_half_size(n)
        root, normals = _root_and_normals(n, m, d, ar_poly, ma_poly, paths, generator)
        out = _davies_harte(sigma * root, n, normals)
    else:
        gamma = sigma**2 * arfima_acvf(n - 1, d=d, ar=ar_poly, ma=ma_poly)
        out = _hosking_paths(gamma, paths, generator)
    return out[0] if n_paths is None else out
