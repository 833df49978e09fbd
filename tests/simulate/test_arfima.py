"""Exact ARFIMA simulation: moments within Monte Carlo error, kernels, shapes, bad input."""

import warnings

import numpy as np
import pytest

from rnnmem.simulate import NegativeEmbeddingError, TruncationBiasWarning, arfima
from rnnmem.simulate._arfima_kernels import _hosking, _hosking_py
from rnnmem.theory import arfima_acvf
from rnnmem.theory._levinson import durbin_levinson

LAGS = np.array([0, 1, 10, 100])
# Monte Carlo tolerance: the mean over independent paths of the known-mean sample
# autocovariance is unbiased; we allow 4.5 standard errors (its own, estimated across paths).
# With the fixed seeds below the check is deterministic; a wrong generator (e.g. a 12%
# variance deficit) misses by far more than 4.5 SE.
N_SE = 4.5


def known_mean_acvf(paths, lags):
    """Per-path unbiased sample autocovariance (known zero mean) at the given lags."""
    n = paths.shape[1]
    return np.stack([np.einsum("pt,pt->p", paths[:, : n - k], paths[:, k:]) / (n - k)
                     for k in lags], axis=1)


def assert_matches_acvf(paths, expected):
    estimates = known_mean_acvf(paths, LAGS)
    mean = estimates.mean(axis=0)
    se = estimates.std(axis=0, ddof=1) / np.sqrt(estimates.shape[0])
    z = (mean - expected[LAGS]) / se
    assert np.all(np.abs(z) < N_SE), f"z-scores {z}"


CASES = [
    dict(d=-0.3),
    dict(d=0.2),
    dict(d=0.45),
    dict(d=0.3, ar=[1, -0.5], ma=[1, 0.4]),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"d={c['d']},ar={c.get('ar')}")
@pytest.mark.parametrize("method, n_paths", [("davies-harte", 4000), ("davies-harte", None),
                                             ("hosking", 600)])
def test_sample_acvf_matches_exact(case, method, n_paths):
    n = 512
    seed = 20261125 + int(100 * case["d"])
    if n_paths is None:
        # One path per call (the route of most users): check it on 3000 calls.
        generator = np.random.default_rng(seed)
        paths = np.stack([arfima(n, method=method, rng=generator, sigma=1.5, **case)
                          for _ in range(3000)])
    else:
        paths = arfima(n, method=method, n_paths=n_paths, rng=seed, sigma=1.5, **case)
    expected = arfima_acvf(LAGS.max(), sigma2=1.5**2, **case)
    assert_matches_acvf(paths, expected)


def test_truncated_method_shows_its_documented_bias():
    # d = 0.4, K = 1000: the docstring promises a 12% variance deficit.
    d, K = 0.4, 1000
    with pytest.warns(TruncationBiasWarning, match=r"misses 12\.\d% of the variance"):
        paths = arfima(256, d=d, method="truncated", truncation=K, n_paths=3000, rng=7)
    expected = arfima_acvf(LAGS.max(), d=d)
    estimates = known_mean_acvf(paths, LAGS)
    mean = estimates.mean(axis=0)
    se = estimates.std(axis=0, ddof=1) / np.sqrt(estimates.shape[0])
    deficit = 1 - mean[0] / expected[0]
    assert abs(deficit - 0.123) < N_SE * se[0] / expected[0]
    assert np.all(mean < expected[LAGS] - 3 * se)  # biased low at every lag
    with pytest.warns(TruncationBiasWarning, match=r"28\.\d% of the variance"):
        arfima(10, d=0.45, method="truncated", truncation=10_000, rng=1)


def test_truncated_without_bias_for_short_memory():
    # d = 0 and an AR(1): the MA(inf) tail beyond 500 lags is 0.5^1000, no warning.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        paths = arfima(300, d=0.0, ar=[1, -0.5], method="truncated", truncation=500,
                       n_paths=3000, rng=3)
    assert_matches_acvf(paths, arfima_acvf(100, d=0.0, ar=[1, -0.5]))


def test_truncated_short_burn_in_warns():
    with pytest.warns(TruncationBiasWarning, match=r"first 40 values are not stationary"):
        arfima(100, d=0.0, ar=[1, -0.2], method="truncated", truncation=50, burn_in=10, rng=1)


def test_davies_harte_neighbouring_paths_are_independent():
    # Consecutive paths take consecutive blocks of normals.
    paths = arfima(256, d=0.4, n_paths=4000, rng=11)
    first, second = paths[0::2, 0], paths[1::2, 0]
    r = np.corrcoef(first, second)[0, 1]
    assert abs(r) < N_SE / np.sqrt(first.size)


def _hermitian_reference(n, d, normals):
    """Davies-Harte by the textbook route, independently of the package's transforms:
    the full circulant row, its eigenvalues by a complex FFT, and each path as
    N^{-1/2} FFT^{-1}-type sum over the Hermitian vector xi built from the same normals."""
    m = (normals.shape[1]) // 2
    gamma = arfima_acvf(m, d=d)
    row = np.concatenate([gamma, gamma[-2:0:-1]])
    eigenvalues = np.fft.fft(row).real
    size = 2 * m
    xi = np.zeros((normals.shape[0], size), dtype=complex)
    xi[:, 0] = normals[:, 0]
    xi[:, m] = normals[:, 1]
    xi[:, 1:m] = (normals[:, 2 : m + 1] + 1j * normals[:, m + 1 :]) / np.sqrt(2)
    xi[:, m + 1 :] = np.conj(xi[:, m - 1 : 0 : -1])
    paths = np.fft.ifft(np.sqrt(eigenvalues) * xi, axis=-1) * size / np.sqrt(size)
    assert np.abs(paths.imag).max() < 1e-10 * np.abs(paths.real).max()
    return paths.real[:, :n]


@pytest.mark.parametrize("n", [1, 2, 5, 1000, 4097, 50_000])
def test_davies_harte_equals_the_hermitian_fft_route(n):
    # Same normals, two algorithms: the package's half-length real transforms against
    # numpy's complex FFT of the whole embedding.
    from rnnmem.simulate import arfima_paths

    m = arfima_paths._embedding_half_size(n)
    assert m >= n and m % 2 == 0
    paths = arfima(n, d=0.35, n_paths=3, rng=17)
    normals = np.random.default_rng(17).standard_normal((3, 2 * m))
    expected = _hermitian_reference(n, 0.35, normals)
    np.testing.assert_allclose(paths, expected, rtol=0, atol=1e-12 * np.abs(expected).max())


def test_threaded_normals_change_nothing_and_failures_consume_no_randomness(monkeypatch):
    from rnnmem.simulate import arfima_paths

    serial = arfima(3000, d=0.3, n_paths=2, rng=8)
    arfima_paths._ROOT_CACHE.clear()
    monkeypatch.setattr(arfima_paths, "_THREAD_FROM", 1)
    np.testing.assert_array_equal(arfima(3000, d=0.3, n_paths=2, rng=8), serial)
    generator = np.random.default_rng(4)
    with pytest.raises(NegativeEmbeddingError):
        arfima(2, d=0.0, ar=[1, -1.2, 0.9], rng=generator)
    np.testing.assert_array_equal(generator.standard_normal(3),
                                  np.random.default_rng(4).standard_normal(3))


def test_hosking_kernel_equals_python_twin():
    gamma = arfima_acvf(63, d=0.35, ar=[1, -0.3])
    pacf, variance = durbin_levinson(gamma)
    sd = np.sqrt(variance)
    z = np.random.default_rng(5).standard_normal((3, 64))
    fast, slow = np.zeros_like(z), np.zeros_like(z)
    _hosking(pacf, sd, z, fast)
    _hosking_py(pacf, sd, z, slow)
    np.testing.assert_allclose(fast, slow, rtol=1e-12, atol=1e-14)


def test_hosking_first_values_are_exact_conditional_draws():
    # With z = e_0 the path is the first column of the Cholesky factor of the covariance.
    gamma = arfima_acvf(4, d=0.3)
    cov = gamma[np.abs(np.subtract.outer(np.arange(5), np.arange(5)))]
    pacf, variance = durbin_levinson(gamma)
    out = np.zeros((1, 5))
    z = np.zeros((1, 5))
    z[0, 0] = 1.0
    _hosking_py(pacf, np.sqrt(variance), z, out)
    np.testing.assert_allclose(out[0], np.linalg.cholesky(cov)[:, 0], rtol=1e-12)


def test_shapes_seeds_and_generators():
    one = arfima(100, d=0.2, rng=3)
    assert one.shape == (100,)
    np.testing.assert_array_equal(arfima(100, d=0.2, n_paths=1, rng=3)[0], one)
    many = arfima(100, d=0.2, n_paths=5, rng=3)
    assert many.shape == (5, 100)
    np.testing.assert_array_equal(arfima(100, d=0.2, n_paths=5, rng=3), many)
    generator = np.random.default_rng(3)
    np.testing.assert_array_equal(arfima(100, d=0.2, rng=generator), one)
    assert arfima(1, d=0.2, rng=1).shape == (1,)
    assert arfima(1, d=0.2, method="hosking", rng=1).shape == (1,)
    assert arfima(7, d=0.2, n_paths=3, rng=1).shape == (3, 7)


def test_negative_embedding_raises_and_suggests_hosking():
    model = dict(d=0.0, ar=[1, -1.2, 0.9])
    with pytest.raises(NegativeEmbeddingError, match=r"use method='hosking'"):
        arfima(2, rng=1, **model)
    assert arfima(2, method="hosking", rng=1, **model).shape == (2,)


def test_million_points_second_moment():
    # One exact path of 10^6 values. For a Gaussian series the known-mean second moment
    # m = sum x_t^2 / n has mean gamma(0) and variance (2/n) [gamma(0)^2 + 2 sum_k (1 - k/n)
    # gamma(k)^2], computed exactly here; under long memory that sd is several percent, far
    # larger than for short memory. We allow 4 sd (the truncated filter is 12% low).
    n, d = 1_000_000, 0.4
    x = arfima(n, d=d, rng=2026)
    gamma = arfima_acvf(n - 1, d=d)
    k = np.arange(1, n)
    sd = np.sqrt(2.0 / n * (gamma[0] ** 2 + 2.0 * np.sum((1 - k / n) * gamma[1:] ** 2)))
    assert abs(np.dot(x, x) / n - gamma[0]) < 4 * sd
    assert sd / gamma[0] < 0.1


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(n=0, d=0.2), ValueError, r"`n` must be >= 1; got n=0"),
        (dict(n=10.0, d=0.2), TypeError, r"`n` must be an integer"),
        (dict(n=10, d=0.6), ValueError, r"`d` must lie in \(-0.5, 0.5\)"),
        (dict(n=10, d=np.nan), ValueError, r"`d` must be finite"),
        (dict(n=10, d=0.2, ar=[1, -1.5]), ValueError, r"stationary process"),
        (dict(n=10, d=0.2, ma=[1, -1.0]), ValueError, r"invertible process"),
        (dict(n=10, d=0.2, sigma=-1.0), ValueError, r"`sigma` must lie in \(0, inf\)"),
        (dict(n=10, d=0.2, method="exact"), ValueError, r"`method` must be one of"),
        (dict(n=10, d=0.2, n_paths=0), ValueError, r"`n_paths` must be >= 1"),
        (dict(n=10, d=0.2, rng="seed"), TypeError, r"`rng` must be None, an int seed"),
        (dict(n=10, d=0.2, rng=-4), ValueError, r"`rng` must be a non-negative integer"),
        (dict(n=10, d=0.2, method="truncated"), ValueError, r"`truncation` must be given"),
        (dict(n=10, d=0.2, method="truncated", truncation=0), ValueError, r"`truncation` must be >= 1"),
        (dict(n=10, d=0.2, method="truncated", truncation=5, burn_in=-1), ValueError, r"`burn_in` must be >= 0"),
        (dict(n=10, d=0.2, truncation=100), ValueError, r"`truncation` is only used by method='truncated'"),
    ],
)
def test_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        arfima(**kwargs)


def test_eigenvalue_cache_is_transparent_and_bounded():
    from rnnmem.simulate import arfima_paths

    arfima_paths._ROOT_CACHE.clear()
    first = arfima(300, d=0.3, ar=[1, -0.2], n_paths=3, rng=9)
    assert len(arfima_paths._ROOT_CACHE) == 1
    again = arfima(300, d=0.3, ar=[1, -0.2], n_paths=3, rng=9)
    np.testing.assert_array_equal(first, again)
    arfima_paths._ROOT_CACHE.clear()
    np.testing.assert_array_equal(arfima(300, d=0.3, ar=[1, -0.2], n_paths=3, rng=9), first)
    for n in range(10, 30):
        arfima(n, d=0.1, rng=1)
    assert len(arfima_paths._ROOT_CACHE) == arfima_paths._CACHE_ENTRIES
    # sigma scales the cached unit-variance root, it is not part of the key.
    np.testing.assert_allclose(arfima(50, d=0.2, sigma=3.0, rng=4), 3.0 * arfima(50, d=0.2, rng=4),
                               rtol=1e-13)
