"""Tests of gph, local_whittle, exact_local_whittle and whittle.

References: R fracdiff::fdGPH (tests/reference/r_fdgph.csv, made by r_fdgph.R) and the
published Stata ``whittle`` values on the Nile minima (Baum, Hurn and Lindsay 2020; the
Stata log is reproduced in jrblevin/pyelw, tests/stata_whittle.log).
"""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rnnmem.simulate import arfima
from rnnmem.theory import frac_diff_weights
from rnnmem.verify import (
    GPHEstimate,
    WhittleEstimate,
    exact_local_whittle,
    gph,
    local_whittle,
    whittle,
)
from rnnmem.verify.estimators import _frac_diff

# Stata `whittle nile, powers(0.4 0.5 0.6 0.7 0.8)`: m, d, StdErr, Asy.StdErr
STATA_LW = [
    (13, 0.538433, 0.1806, 0.1387),
    (25, 0.466848, 0.1139, 0.1),
    (49, 0.459277, 0.07914, 0.07143),
    (94, 0.385763, 0.05091, 0.05157),
    (180, 0.376356, 0.03674, 0.03727),
]
# Stata `whittle nile, ... exact` (mean removed by the sample mean)
STATA_ELW = [
    (13, 0.523264, 0.1717),
    (25, 0.453753, 0.1106),
    (49, 0.450481, 0.07844),
    (94, 0.392375, 0.05216),
    (180, 0.408864, 0.04007),
]


def test_gph_matches_fracdiff_on_nile(nile):
    est = gph(nile, bandwidth=0.5)
    assert isinstance(est, GPHEstimate)
    assert est.m == 25 and est.n == 663 and est.bandwidth == 0.5
    assert est.d == pytest.approx(0.5038293687, abs=1e-8)
    assert est.se == pytest.approx(0.1570167387, abs=1e-8)
    assert est.se_regression == pytest.approx(0.1420154262, abs=1e-8)
    assert est.se_asymptotic == pytest.approx(np.pi / math.sqrt(24 * 25))


def test_gph_matches_fracdiff_reference_file(nile, own_series, fdgph_reference):
    series = dict(own_series, nile=nile)
    assert len(fdgph_reference) == 15
    for row in fdgph_reference:
        est = gph(series[row["series"]], bandwidth=float(row["bandwidth"]))
        assert est.n == int(row["n"])
        for got, key in [(est.d, "d"), (est.se, "sd_as"), (est.se_regression, "sd_reg")]:
            assert got == pytest.approx(float(row[key]), abs=1e-8), (row, key)


def test_gph_is_minus_ols_slope(own_series):
    x = own_series["fracma"]
    est = gph(x, m=40)
    n = x.size
    lam = 2 * np.pi * np.arange(1, 41) / n
    ordinates = np.abs(np.fft.fft(x)[1:41]) ** 2 / (2 * np.pi * n)
    slope = np.polyfit(np.log(4 * np.sin(lam / 2) ** 2), np.log(ordinates), 1)[0]
    assert est.d == pytest.approx(-slope, abs=1e-12)
    assert est.bandwidth is None and est.m == 40
    low, high = est.conf_int(level=0.9)
    assert high - low == pytest.approx(2 * 1.6448536269514722 * est.se)


@pytest.mark.parametrize(("m", "d", "stderr", "asy"), STATA_LW)
def test_local_whittle_matches_stata_on_nile(nile, m, d, stderr, asy):
    est = local_whittle(nile, m=m)
    assert isinstance(est, WhittleEstimate)
    assert est.d == pytest.approx(d, abs=1e-5)
    # Stata prints 4 significant digits
    assert est.se_hessian == pytest.approx(stderr, rel=5e-4)
    assert est.se == pytest.approx(asy, rel=5e-4)


def test_local_whittle_published_bandwidths(nile):
    # Baum, Hurn and Lindsay (2020): m = 49 (power 0.6) and m = 68 (power 0.65, the default)
    assert local_whittle(nile, bandwidth=0.6).d == pytest.approx(0.459277, abs=1e-5)
    est = local_whittle(nile)
    assert est.m == 68 and est.bandwidth == 0.65
    assert est.d == pytest.approx(0.409044, abs=1e-5)
    assert est.se_hessian == pytest.approx(0.06212, rel=5e-4)


def naive_lw_objective(x, m, d):
    """R(d) of THEORY.md §1.4, written out directly."""
    n = x.size
    t = np.arange(1, n + 1)
    lam = 2 * np.pi * np.arange(1, m + 1) / n
    ordinates = np.array([abs(np.sum(x * np.exp(-1j * t * w))) ** 2 for w in lam]) / (2 * np.pi * n)
    return np.log(np.mean(lam ** (2 * d) * ordinates)) - 2 * d * np.mean(np.log(lam))


def test_local_whittle_minimises_the_theory_objective(own_series):
    x = own_series["ar1"]
    est = local_whittle(x, m=30)
    grid = np.linspace(est.d - 1e-3, est.d + 1e-3, 21)
    values = [naive_lw_objective(x, 30, d) for d in grid]
    assert abs(grid[int(np.argmin(values))] - est.d) <= 1e-4
    assert est.objective == pytest.approx(naive_lw_objective(x, 30, est.d), abs=1e-10)
    lam = np.log(2 * np.pi * np.arange(1, 31) / x.size)
    assert est.se_expected == pytest.approx(0.5 / np.sqrt(np.sum((lam - lam.mean()) ** 2)))


@pytest.mark.parametrize(("m", "d", "stderr"), STATA_ELW)
def test_exact_local_whittle_matches_stata_on_nile(nile, m, d, stderr):
    est = exact_local_whittle(nile, m=m, mean="mean")
    assert est.d == pytest.approx(d, abs=1e-5)
    assert est.se_hessian == pytest.approx(stderr, rel=5e-4)
    assert est.mean == "mean" and est.method == "exact_local_whittle"


def test_exact_local_whittle_shimotsu_mean_on_nile(nile):
    # Shimotsu's weight is 1 for d <= 1/2, so the default agrees with the sample mean there
    est = exact_local_whittle(nile, bandwidth=0.6)
    assert est.m == 49 and est.mean == "shimotsu"
    assert est.d == pytest.approx(0.450481, abs=1e-5)
    assert exact_local_whittle(nile, m=180).d == pytest.approx(0.408864, abs=1e-5)


def test_frac_diff_equals_direct_convolution():
    x = np.random.default_rng(5).standard_normal(300)
    for d in (-0.4, 0.3, 0.8, 1.0):
        w = frac_diff_weights(d, 300)
        want = np.array([np.dot(w[: t + 1], x[t::-1]) for t in range(300)])
        np.testing.assert_allclose(_frac_diff(x, d), want, atol=1e-11)
    np.testing.assert_allclose(_frac_diff(x, 1.0)[1:], np.diff(x), atol=1e-12)


def test_exact_local_whittle_handles_nonstationary_d():
    # a random walk (d = 1) and its partial sum of ARFIMA(0, 0.3, 0) (d = 1.3), seed fixed
    x = np.cumsum(arfima(2048, d=0.3, rng=11))
    est = exact_local_whittle(x, bandwidth=0.65)
    assert abs(est.d - 1.3) < 4 * est.se_expected
    assert exact_local_whittle(x, mean="first").d == pytest.approx(est.d, abs=0.02)


def test_whittle_objective_and_standard_errors(own_series):
    x = own_series["fracma"]
    est = whittle(x)
    n, m = x.size, (x.size - 1) // 2
    assert est.m == m and est.method == "whittle" and est.bandwidth is None
    lam = 2 * np.pi * np.arange(1, m + 1) / n
    ordinates = np.abs(np.fft.fft(x)[1 : m + 1]) ** 2 / (2 * np.pi * n)

    def q(d):
        return np.sum(ordinates * (2 * np.sin(lam / 2)) ** (2 * d))

    assert q(est.d) <= min(q(est.d - 1e-5), q(est.d + 1e-5))
    assert est.se == pytest.approx(math.sqrt(6 / (np.pi**2 * n)))
    # expected information at n = 1000 is close to its limit pi^2 n / 6
    assert est.se_expected == pytest.approx(est.se, rel=0.05)


def test_estimators_on_simulated_arfima():
    # 200 exact ARFIMA(0, 0.3, 0) paths, n = 4096, fixed seed. Each mean estimate must lie
    # within 4 Monte Carlo standard errors (sd / sqrt(200)) of d = 0.3 (all three are
    # nearly unbiased for a pure ARFIMA(0, d, 0)).
    paths = arfima(4096, d=0.3, n_paths=200, rng=2024)
    for fn in (gph, local_whittle, whittle):
        est = np.array([fn(p).d for p in paths])
        mc_se = est.std(ddof=1) / np.sqrt(est.size)
        assert abs(est.mean() - 0.3) < 4 * mc_se + 0.005, fn.__name__


def test_results_are_frozen_with_summary(nile):
    est = local_whittle(nile)
    with pytest.raises(AttributeError):
        est.d = 0.0
    assert "Whittle" in est.summary() and "0.409044" in est.summary()
    assert "GPH" in str(gph(nile))


BAD_SERIES = [
    (np.float64(1.0), ValueError, "must be a 1-D array"),
    (np.zeros((2, 300)), ValueError, "must be a 1-D array"),
    (np.zeros((2, 2, 300)), ValueError, "must be a 1-D array"),
    (np.r_[np.ones(299), np.nan], ValueError, "must contain only finite values"),
    (np.r_[np.ones(299), -np.inf], ValueError, "must contain only finite values"),
    (np.full(300, 2.0), ValueError, "must not be constant"),
    ([1, "a"], TypeError, "must be an array of real numbers"),
]


@pytest.mark.parametrize("estimator", [gph, local_whittle, exact_local_whittle, whittle])
@pytest.mark.parametrize(("bad", "error", "match"), BAD_SERIES)
def test_bad_series(estimator, bad, error, match):
    with pytest.raises(error, match=match):
        estimator(bad)


@pytest.mark.parametrize("estimator", [gph, local_whittle, exact_local_whittle])
def test_bad_bandwidth_and_m(estimator, nile):
    for bandwidth in (0.0, 1.0, -0.2, 1.5):
        with pytest.raises(ValueError, match=r"`bandwidth` must lie in \(0, 1\)"):
            estimator(nile, bandwidth=bandwidth)
    with pytest.raises(TypeError, match="`bandwidth` must be a real number"):
        estimator(nile, bandwidth="0.5")
    with pytest.raises(ValueError, match=r"`m` must lie in \[\d, 331\].*; got m=500\."):
        estimator(nile, m=500)
    with pytest.raises(ValueError, match=r"`m` must lie in \[\d, 331\]"):
        estimator(nile, m=1)
    with pytest.raises(TypeError, match="`m` must be an integer"):
        estimator(nile, m=20.0)
    with pytest.raises(ValueError, match="`bandwidth` is too large for n=663"):
        estimator(nile, bandwidth=0.99)
    with pytest.raises(ValueError, match="is too short for bandwidth=0.1"):
        estimator(nile, bandwidth=0.1)


def test_too_short_for_local_whittle():
    with pytest.raises(ValueError, match="at least 5 values"):
        local_whittle(np.arange(4.0))
    with pytest.raises(ValueError, match="at least 5 values"):
        exact_local_whittle(np.arange(4.0))
    with pytest.raises(ValueError, match="at least 8 values"):
        whittle(np.arange(7.0))
    with pytest.raises(ValueError, match="`x` is too short: n=5 gives at most 2"):
        gph(np.arange(5.0) ** 2, m=3)


def test_bad_bounds_mean_model_level(nile):
    with pytest.raises(TypeError, match="`bounds` must be a pair"):
        local_whittle(nile, bounds=0.5)
    with pytest.raises(ValueError, match="lower < upper"):
        local_whittle(nile, bounds=(0.5, 0.2))
    with pytest.raises(ValueError, match=r"`bounds\[1\]` must lie in \[-5, 5\]"):
        whittle(nile, bounds=(0.0, 7.0))
    with pytest.raises(ValueError, match="narrower than 9/2"):
        exact_local_whittle(nile, bounds=(-2.0, 3.0))
    with pytest.raises(ValueError, match=r"`mean` must be one of"):
        exact_local_whittle(nile, mean="median")
    with pytest.raises(ValueError, match=r"`model` must be one of \['arfima'\]"):
        whittle(nile, model="arma")
    with pytest.raises(ValueError, match=r"`level` must lie in \(0, 1\)"):
        gph(nile).conf_int(level=1.2)


def test_gph_zero_periodogram_ordinate():
    # period-4 series: the FFT gives exact zeros away from j = n/4
    x = np.tile([1.0, 2.0, 1.0, 0.0], 4)
    with pytest.raises(ValueError, match="zero periodogram ordinate at j=1"):
        gph(x, m=3)


@settings(max_examples=25, deadline=None)
@given(scale=st.floats(1e-3, 1e3), shift=st.floats(-1e3, 1e3))
def test_estimates_are_affine_invariant(scale, shift):
    # j >= 1 periodogram ordinates ignore the mean and scale by scale^2, which the
    # concentrated objectives absorb: d must not change.
    x = np.random.default_rng(12).standard_normal(500).cumsum() * 0.1 + np.random.default_rng(
        13).standard_normal(500)
    y = scale * x + shift
    for fn in (gph, local_whittle, whittle):
        assert fn(y).d == pytest.approx(fn(x).d, abs=1e-7), fn.__name__
    assert exact_local_whittle(y, mean="mean").d == pytest.approx(
        exact_local_whittle(x, mean="mean").d, abs=1e-6)
