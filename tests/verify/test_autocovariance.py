"""Tests of acvf, acf and bartlett_bands against naive twins and statsmodels."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from statsmodels.tsa import stattools

from rnnmem.verify import acf, acvf, bartlett_bands


def naive_acvf(x, nlags, demean=True):
    """Direct O(n * nlags) biased autocovariance (the naive twin)."""
    x = np.asarray(x, dtype=float)
    if demean:
        x = x - x.mean()
    n = x.size
    return np.array([np.dot(x[: n - k], x[k:]) / n for k in range(nlags + 1)])


@pytest.fixture
def series():
    rng = np.random.default_rng(3)
    e = rng.standard_normal(3000)
    # an MA(2) plus a mean: correlated, non-zero mean
    return 5.0 + e[2:] + 0.6 * e[1:-1] - 0.3 * e[:-2]


@pytest.mark.parametrize("demean", [True, False])
@pytest.mark.parametrize("nlags", [0, 1, 40, 2997])
def test_acvf_equals_direct_computation(series, demean, nlags):
    got = acvf(series, nlags, demean=demean)
    want = naive_acvf(series, nlags, demean)
    assert got.shape == (nlags + 1,)
    # relative 1e-12, measured against gamma(0) (FFT rounding is uniform across lags)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12 * abs(want[0]))


def test_acvf_matches_statsmodels(series):
    for fft in (True, False):
        want = stattools.acovf(series, nlag=100, fft=fft)
        np.testing.assert_allclose(acvf(series, 100), want, rtol=1e-12, atol=1e-12 * want[0])
    want = stattools.acovf(series - 5.0, nlag=30, demean=False, fft=True)
    np.testing.assert_allclose(acvf(series - 5.0, 30, demean=False), want, rtol=1e-12,
                               atol=1e-12 * want[0])


def test_acvf_default_nlags_is_n_minus_1(series):
    assert acvf(series).shape == (series.size,)


def test_acvf_2d_rows_equal_1d(series):
    paths = np.stack([series, series[::-1], np.sin(np.arange(series.size))])
    got = acvf(paths, 25)
    assert got.shape == (3, 26)
    for row, path in zip(got, paths):
        np.testing.assert_allclose(row, naive_acvf(path, 25), rtol=1e-12, atol=1e-12 * row[0])


def test_acf_matches_statsmodels(series):
    np.testing.assert_allclose(acf(series, 50), stattools.acf(series, nlags=50, fft=True),
                               rtol=1e-12, atol=1e-13)
    paths = np.stack([series, -2 * series + 1])
    np.testing.assert_allclose(acf(paths, 10)[1], acf(series, 10), atol=1e-13)


def test_bartlett_bands_match_statsmodels(series):
    with warnings.catch_warnings():  # statsmodels 0.15 warns about its tuple return
        warnings.simplefilter("ignore", FutureWarning)
        rho, confint = stattools.acf(series, nlags=20, alpha=0.05, fft=True)
    bands = bartlett_bands(acf(series, 20), n=series.size, level=0.95)
    np.testing.assert_allclose(bands, confint[:, 1] - rho, rtol=1e-10, atol=1e-14)
    assert bands[0] == 0.0
    assert bartlett_bands(np.ones((2, 5)), n=100).shape == (2, 5)


@settings(max_examples=50, deadline=None)
@given(arrays(np.float64, st.integers(2, 60), elements=st.floats(-1e3, 1e3)))
def test_acvf_properties(x):
    if np.ptp(x) == 0:
        return
    gamma = acvf(x)
    assert np.isclose(gamma[0], np.var(x), rtol=1e-9, atol=1e-9)
    # the biased estimator is positive semi-definite: |rho(k)| <= 1
    assert np.all(np.abs(gamma[1:]) <= gamma[0] * (1 + 1e-9))
    np.testing.assert_allclose(gamma, naive_acvf(x, x.size - 1), atol=1e-9 * gamma[0])


@pytest.mark.parametrize(
    ("bad", "error", "match"),
    [
        (np.float64(1.0), ValueError, "must be a 1-D or 2-D array"),
        (np.zeros((2, 2, 3)), ValueError, "must be a 1-D or 2-D array"),
        (np.array([1.0, np.nan, 2.0]), ValueError, "must contain only finite values"),
        (np.array([1.0, np.inf, 2.0]), ValueError, "must contain only finite values"),
        (np.ones(10), ValueError, "must not be constant"),
        (np.array([[1.0, 2.0, 3.0], [2.0, 2.0, 2.0]]), ValueError, r"must not be constant \(row 1\)"),
        (np.array([1.0]), ValueError, "at least 2 values"),
        ("abc", TypeError, "must be an array of real numbers"),
    ],
)
def test_acvf_bad_input(bad, error, match):
    with pytest.raises(error, match=match):
        acvf(bad)
    with pytest.raises(error, match=match):
        acf(bad)


def test_acvf_bad_options(series):
    with pytest.raises(ValueError, match=r"`nlags` must lie in \[0, 2997\].*got nlags=2998"):
        acvf(series, 2998)
    with pytest.raises(ValueError, match="`nlags` must lie in"):
        acvf(series, -1)
    with pytest.raises(TypeError, match="`nlags` must be an integer"):
        acvf(series, 3.0)
    with pytest.raises(TypeError, match="`demean` must be True or False"):
        acvf(series, 3, demean=1)


def test_bartlett_bands_bad_options():
    with pytest.raises(ValueError, match=r"`level` must lie in \(0, 1\)"):
        bartlett_bands(np.ones(3), n=10, level=1.0)
    with pytest.raises(ValueError, match="`n` must be >= 2"):
        bartlett_bands(np.ones(3), n=1)
    with pytest.raises(ValueError, match="must be a 1-D or 2-D array"):
        bartlett_bands(np.ones((1, 1, 3)), n=10)
