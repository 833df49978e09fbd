"""Tests of periodogram against a direct Fourier sum."""

import numpy as np
import pytest

from rnnmem.verify import Periodogram, periodogram


def naive_periodogram(x):
    n = x.size
    t = np.arange(1, n + 1)
    out = []
    for j in range(1, n // 2 + 1):
        lam = 2 * np.pi * j / n
        out.append(abs(np.sum(x * np.exp(-1j * t * lam))) ** 2 / (2 * np.pi * n))
    return np.array(out)


@pytest.mark.parametrize("n", [4, 7, 64, 101])
def test_periodogram_equals_fourier_sum(n):
    x = np.random.default_rng(n).standard_normal(n) + 3.0
    p = periodogram(x)
    assert isinstance(p, Periodogram)
    assert p.n == n and p.frequencies.shape == (n // 2,)
    np.testing.assert_allclose(p.frequencies, 2 * np.pi * np.arange(1, n // 2 + 1) / n)
    np.testing.assert_allclose(p.ordinates, naive_periodogram(x), rtol=1e-10, atol=1e-14)


def test_periodogram_is_mean_invariant_and_sums_to_variance():
    x = np.random.default_rng(0).standard_normal(201)
    p, q = periodogram(x), periodogram(x + 100.0)
    np.testing.assert_allclose(p.ordinates, q.ordinates, rtol=1e-9)
    # Parseval (odd n): 2 * sum_j I_j * 2 pi / n = biased sample variance
    np.testing.assert_allclose(2 * p.ordinates.sum() * 2 * np.pi / x.size, np.var(x), rtol=1e-12)


def test_periodogram_2d_and_summary():
    x = np.random.default_rng(1).standard_normal((3, 32))
    p = periodogram(x)
    assert p.ordinates.shape == (3, 16)
    np.testing.assert_allclose(p.ordinates[2], periodogram(x[2]).ordinates)
    assert "Periodogram" in p.summary() and str(p) == p.summary()


@pytest.mark.parametrize(
    ("bad", "match"),
    [
        (np.float64(2.0), "must be a 1-D or 2-D array"),
        (np.zeros((2, 2, 8)), "must be a 1-D or 2-D array"),
        (np.array([1.0, 2.0, np.nan, 4.0]), "must contain only finite values"),
        (np.full(8, 3.0), "must not be constant"),
        (np.arange(3.0), "at least 4 values"),
    ],
)
def test_periodogram_bad_input(bad, match):
    with pytest.raises(ValueError, match=match):
        periodogram(bad)
