"""Tests of qu_test and long_memory_test."""

import math

import numpy as np
import pytest

from rnnmem.simulate import arfima
from rnnmem.verify import MemoryTest, QuTest, local_whittle, long_memory_test, qu_test
from rnnmem.verify.memory_test import _QU_LEVELS, _qu_p_value, qu_critical_value

# Qu (2011), Table 1: critical values of W at 10%, 5%, 2.5%, 1%
QU_TABLE = {0.02: (1.118, 1.252, 1.374, 1.517), 0.05: (1.022, 1.155, 1.277, 1.426)}


@pytest.mark.parametrize("trim", [0.02, 0.05])
def test_qu_critical_values_match_published_table(trim):
    ours = [qu_critical_value(level, trim) for level in (0.10, 0.05, 0.025, 0.01)]
    # our values come from a simulation with m = 5000 (tests/reference/stats_qu_critical.py)
    np.testing.assert_allclose(ours, QU_TABLE[trim], atol=0.013)
    assert _qu_p_value(qu_critical_value(0.05, trim), trim) == pytest.approx(0.05)
    assert _qu_p_value(0.1, trim) == pytest.approx(0.5)
    assert _qu_p_value(9.0, trim) == pytest.approx(min(_QU_LEVELS))


def naive_qu_statistic(x, m, trim):
    n = x.size
    t = np.arange(1, n + 1)
    lam = 2 * np.pi * np.arange(1, m + 1) / n
    ordinates = np.array([abs(np.sum(x * np.exp(-1j * t * w))) ** 2 for w in lam]) / (2 * np.pi * n)
    d = local_whittle(x, m=m).d
    g = np.mean(lam ** (2 * d) * ordinates)
    nu = np.log(lam) - np.log(lam).mean()
    terms = nu * (lam ** (2 * d) * ordinates / g - 1)
    sums = [abs(terms[:j].sum()) for j in range(int(np.floor(trim * m)), m + 1)]
    return max(sums) / np.sqrt(np.sum(nu**2))


def test_qu_statistic_equals_its_definition():
    x = arfima(1500, d=0.25, rng=3)
    res = qu_test(x, m=100, trim=0.05)
    assert isinstance(res, QuTest)
    assert res.statistic == pytest.approx(naive_qu_statistic(x, 100, 0.05), rel=1e-10)
    assert res.m == 100 and res.n == 1500 and res.trim == 0.05
    assert dict(res.critical_values)[0.05] == qu_critical_value(0.05, 0.05)


def test_qu_size_and_power():
    # 100 ARFIMA(0, 0.3, 0) paths (n = 2048, fixed seed): rejections at 5% are binomial
    # (100, ~0.05); at most 12 keeps a false failure below 0.1%. One level shift of 2 sd is
    # rejected every time.
    paths = arfima(2048, d=0.3, n_paths=100, rng=8)
    rejections = sum(qu_test(x).p_value < 0.05 for x in paths)
    assert rejections <= 12
    rng = np.random.default_rng(4)
    for _ in range(10):
        y = rng.standard_normal(2048)
        y[rng.integers(512, 1536) :] += 2.0
        assert qu_test(y).p_value < 0.01


def test_long_memory_test_verdicts_on_clear_cases():
    n = 4096
    long = long_memory_test(arfima(n, d=0.35, rng=1))
    assert isinstance(long, MemoryTest) and long.verdict == "long" and long.p_value < 1e-3
    assert long.ci[0] < 0.35 < long.ci[1]
    assert long.ar_order == long.max_ar == 16 and long.criterion == "fixed"
    anti = long_memory_test(arfima(n, d=-0.3, rng=2))
    assert anti.verdict == "anti-persistent" and anti.p_value > 0.99
    # "short" needs the 95% CI inside +-0.1, so se < 0.051: n = 2^16 (se about 0.025).
    # White noise is "short" with probability about 0.9 (5% each for the one-sided
    # rejections): at least 3 of 5 fail to be short with probability 0.009.
    shorts = [long_memory_test(np.random.default_rng(seed).standard_normal(2**16))
              for seed in range(5)]
    assert sum(t.verdict == "short" for t in shorts) >= 3
    short = next(t for t in shorts if t.verdict == "short")
    assert "lies within" in short.reason
    y = np.random.default_rng(5).standard_normal(n)
    y[1500:] += 1.5
    shifted = long_memory_test(y)
    assert shifted.verdict == "inconclusive" and "Qu" in shifted.reason
    assert shifted.qu.p_value < 0.001
    wide = long_memory_test(np.random.default_rng(0).standard_normal(256), short_band=0.05)
    assert wide.verdict == "inconclusive" and "too wide" in wide.reason
    assert "verdict" in str(long) and long.se == long.se_information
    assert long_memory_test(arfima(n, d=0.35, rng=1), se_inflation=1.5).se == pytest.approx(
        1.5 * long.se_information)
    assert "Qu (2011)" in str(long.qu) and "ARFIMA(16, d, 0)" in str(long)
    walk = long_memory_test(np.cumsum(np.random.default_rng(7).standard_normal(n)))
    assert walk.verdict == "long" and "not stationary" in walk.reason


def test_sieve_of_order_zero_is_the_whittle_estimator():
    # With no AR part the fit is the ARFIMA(0, d, 0) Whittle estimator: the minimiser of
    # the objective evaluated by brute force (below). rnnmem.verify.whittle also drops the
    # term 2 d mean_j log|2 sin| (zero only in the limit), so its d differs by O(log n / n);
    # its information standard error is the same formula.
    from scipy.optimize import minimize_scalar

    from rnnmem.verify import whittle

    for seed, d in [(0, 0.0), (1, 0.3), (2, -0.2)]:
        x = arfima(1000, d=d, rng=seed)
        ours = long_memory_test(x, max_ar=0)
        brute = minimize_scalar(lambda v, x=x: _whittle_objective(x, v, []),
                                bounds=(-0.49, 0.99), method="bounded",
                                options={"xatol": 1e-9}).x
        assert ours.d == pytest.approx(brute, abs=1e-5)
        ref = whittle(x)
        assert ours.se_information == pytest.approx(ref.se_expected, rel=1e-10)


def _whittle_objective(x, d, ar):
    """R(d, phi) = log mean(I_j |2 sin|^{2d} |a|^2) - 2 d mean(log|2 sin|), j = 1..(n-1)//2:
    the Whittle objective with Kolmogorov's formula for both factors, by brute force."""
    n = x.size
    j = np.arange(1, (n - 1) // 2 + 1)
    lam = 2 * np.pi * j / n
    t = np.arange(n)
    ordinates = np.abs(np.exp(-1j * np.outer(lam, t)) @ x) ** 2 / (2 * np.pi * n)
    poly = 1 - sum(a * np.exp(-1j * (k + 1) * lam) for k, a in enumerate(ar))
    log_sin = np.log(2 * np.sin(lam / 2))
    return (np.log(np.mean(ordinates * np.exp(2 * d * log_sin) * np.abs(poly) ** 2))
            - 2 * d * np.mean(log_sin))


def _admissible(ar, n):
    """The identification rule: |a(e^{-i lambda_J})|^2 / a(1)^2 in [1/2, 2], J = sqrt(n)."""
    a = np.r_[1.0, -np.asarray(ar)]
    lam_j = 2 * np.pi * math.isqrt(n) / n
    ratio = abs(a @ np.exp(-1j * np.arange(a.size) * lam_j)) ** 2 / a.sum() ** 2
    return 0.5 <= ratio <= 2.0


def test_sieve_fit_minimises_the_whittle_objective():
    # The profile (Durbin-Levinson for the AR part, d on a grid then parabolas) against
    # the objective evaluated directly: no admissible perturbation of d
    # or of the AR coefficients lowers it (the rule above can bind, so inadmissible
    # perturbations are not compared; at least 10 of 20 must be admissible).
    for seed, kwargs in [(11, {"d": 0.25, "ar": [1, -0.5], "ma": [1, 0.4]}), (12, {"d": 0.0})]:
        x = arfima(1024, rng=seed, **kwargs)
        res = long_memory_test(x, max_ar=3)
        theta = np.r_[res.d, res.ar]
        best = _whittle_objective(x, theta[0], theta[1:])
        rng = np.random.default_rng(0)
        compared = 0
        for _ in range(20):
            trial = theta + rng.standard_normal(theta.size) * 1e-3
            if _admissible(trial[1:], x.size):
                compared += 1
                assert _whittle_objective(x, trial[0], trial[1:]) >= best - 1e-9
        assert compared >= 10


def test_levinson_orders_solve_the_toeplitz_systems():
    from scipy.linalg import solve_toeplitz

    from rnnmem.verify.memory_test import _levinson_orders

    rng = np.random.default_rng(1)
    lam = np.sort(rng.uniform(0.01, 3.1, 200))
    weights = rng.exponential(size=200)
    c = np.cos(np.outer(np.arange(6), lam)) @ weights / 200
    knee = np.exp(-1j * np.arange(1, 6) * 0.3)
    v, one, at_knee, phis = _levinson_orders(c[None, :], 5, knee)
    for p in range(1, 6):
        phi = solve_toeplitz(c[:p], c[1:p + 1])
        np.testing.assert_allclose(phis[p], phi, rtol=1e-10, atol=1e-12)
        a = np.r_[1.0, -phi]
        toeplitz = c[np.abs(np.subtract.outer(np.arange(p + 1), np.arange(p + 1)))]
        assert v[0, p] == pytest.approx(a @ toeplitz @ a, rel=1e-10)
        assert one[0, p] == pytest.approx(a.sum())
        assert at_knee[0, p] == pytest.approx(abs(a @ np.exp(-1j * np.arange(p + 1) * 0.3)) ** 2)


def test_fitted_ar_factor_is_flat_below_the_knee():
    # Identification rule: the fitted AR factor's power changes by at most a factor 2
    # between frequency 0 and the floor(sqrt(n))-th Fourier frequency. AR(1) phi = 0.9 at
    # n = 4096 (pole limit 1 - 2 pi / 64 = 0.902) is fitted with d near 0, not traded for
    # a pole near 1.
    n = 4096
    for seed in range(3):
        res = long_memory_test(arfima(n, d=0.0, ar=[1, -0.9], rng=seed))
        lam_j = 2 * np.pi * 64 / n
        a = np.r_[1.0, -np.array(res.ar)]
        ratio = abs(a @ np.exp(-1j * np.arange(a.size) * lam_j)) ** 2 / a.sum() ** 2
        assert 0.5 - 1e-9 <= ratio <= 2.0 + 1e-9
        assert abs(res.d) < 4 * res.se, (seed, res.d, res.se)


@pytest.mark.slow
def test_long_memory_test_reduced_calibration():
    # Reduced version of benchmarks/calibration_size.py: n = 2^14, 100 series per case,
    # fixed seeds. Bounds in binomial Monte Carlo standard errors (100 series): false "long"
    # <= 0.05 + 3 se (se = 0.022), power >= target - 3 se.
    from rnnmem.networks import LinearChain
    from rnnmem.simulate import run

    n, reps = 2**14, 100
    se = np.sqrt(0.05 * 0.95 / reps)
    chain = run(LinearChain([[0.5, 0.4], [0.1, 0.8]]), n, mode="autonomous", n_chains=reps,
                burn_in=500, rng=10).outputs[:, :, 0]
    size_cases = [("white noise", arfima(n, d=0.0, n_paths=reps, rng=11)),
                  ("AR(1) 0.9", arfima(n, d=0.0, ar=[1, -0.9], n_paths=reps, rng=12)),
                  ("AR(2) 0.9, 0.5", arfima(n, d=0.0, ar=[1, -1.4, 0.45], n_paths=reps, rng=13)),
                  ("chain [[.5,.4],[.1,.8]]", chain)]
    for name, paths in size_cases:
        verdicts = [long_memory_test(x).verdict for x in paths]
        assert verdicts.count("long") / reps <= 0.05 + 3 * se, name
    rng = np.random.default_rng(14)
    shifted = rng.standard_normal((reps, n))
    for row in shifted:
        row[rng.integers(n // 4, 3 * n // 4) :] += 1.5
    assert sum(long_memory_test(x).verdict == "long" for x in shifted) / reps <= 0.05 + 3 * se
    for kwargs, seed, want, target in [
        ({"d": 0.2}, 15, "long", 0.95),
        ({"d": 0.4, "ar": [1, -0.5], "ma": [1, 0.3]}, 16, "long", 0.95),
        ({"d": -0.3}, 17, "anti-persistent", 0.95),
    ]:
        verdicts = [long_memory_test(x).verdict for x in arfima(n, n_paths=reps, rng=seed, **kwargs)]
        se_t = np.sqrt(target * (1 - target) / reps)
        assert verdicts.count(want) / reps >= target - 3 * se_t, kwargs


@pytest.mark.slow
def test_confidence_interval_coverage_reduced():
    # Reduced coverage study: 300 ARFIMA(0, 0.2, 0) paths, n = 4096. Coverage of the 95%
    # intervals of GPH (m = n^0.5) and local Whittle (m = n^0.65) within 3 Monte Carlo
    # standard errors (sqrt(0.95 * 0.05 / 300) = 0.0126) of 0.95.
    from rnnmem.verify import gph

    paths = arfima(4096, d=0.2, n_paths=300, rng=21)
    for fn in (gph, local_whittle):
        hits = 0
        for x in paths:
            low, high = fn(x).conf_int(level=0.95)
            hits += low <= 0.2 <= high
        assert abs(hits / 300 - 0.95) <= 3 * 0.0126, fn.__name__


def test_bad_input():
    x = np.random.default_rng(0).standard_normal(512)
    with pytest.raises(ValueError, match="at least 128 values"):
        long_memory_test(x[:100])
    with pytest.raises(ValueError, match="must not be constant"):
        long_memory_test(np.zeros(512))
    with pytest.raises(ValueError, match="must contain only finite values"):
        long_memory_test(np.r_[x, np.inf])
    with pytest.raises(ValueError, match="must be a 1-D array"):
        long_memory_test(x.reshape(2, 256))
    with pytest.raises(ValueError, match=r"`alpha` must lie in \(0, 0.5\)"):
        long_memory_test(x, alpha=0.5)
    with pytest.raises(ValueError, match=r"`guard_level` must lie in \(0, 0.5\)"):
        long_memory_test(x, guard_level=0.0)
    with pytest.raises(ValueError, match=r"`short_band` must lie in \(0, 0.5\]"):
        long_memory_test(x, short_band=0.0)
    with pytest.raises(ValueError, match=r"`se_inflation` must lie in \[1, 2\]"):
        long_memory_test(x, se_inflation=0.9)
    with pytest.raises(ValueError, match="`criterion` must be one of"):
        long_memory_test(x, criterion="hqc")
    with pytest.raises(ValueError, match="`max_ar` must"):
        long_memory_test(x, max_ar=65)
    with pytest.raises(ValueError, match=r"`trim` must be one of \[0.02, 0.05\]"):
        qu_test(x, trim=0.1)
    with pytest.raises(ValueError, match=r"`m` must lie in \[8, 255\]"):
        qu_test(x, m=4)
    with pytest.raises(ValueError, match="at least 16 values"):
        qu_test(x[:10])
