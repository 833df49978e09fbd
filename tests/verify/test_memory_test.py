"""Tests of qu_test and long_memory_test."""

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
    assert isinstance(long, MemoryTest) and long.verdict == "long" and long.p_value < 1e-6
    assert long.ci[0] < 0.35 < long.ci[1]
    anti = long_memory_test(arfima(n, d=-0.3, rng=2))
    assert anti.verdict == "anti-persistent" and anti.p_value > 0.99
    short = long_memory_test(np.random.default_rng(3).standard_normal(n))
    assert short.verdict == "short" and "lies within" in short.reason
    y = np.random.default_rng(5).standard_normal(n)
    y[1500:] += 1.5
    shifted = long_memory_test(y)
    assert shifted.verdict == "inconclusive" and "Qu" in shifted.reason
    assert shifted.qu.p_value < 0.001
    wide = long_memory_test(np.random.default_rng(0).standard_normal(256), short_band=0.05)
    assert wide.verdict == "inconclusive" and "too wide" in wide.reason
    assert "verdict" in str(long) and long.se == pytest.approx(1.06 * long.se_information)
    assert "Qu (2011)" in str(long.qu)
    walk = long_memory_test(np.cumsum(np.random.default_rng(7).standard_normal(n)))
    assert walk.verdict == "long" and "not stationary" in walk.reason


@pytest.mark.slow
def test_long_memory_test_reduced_calibration():
    # Reduced version of benchmarks/calibration.py: n = 4096, 150 paths per case, fixed
    # seeds. Bounds are in Monte Carlo standard errors (binomial, 150 paths):
    # false "long" <= 0.05 + 3 se (se = 0.018), power >= target - 3 se.
    n, reps = 4096, 150
    se = np.sqrt(0.05 * 0.95 / reps)
    for kwargs, seed in [({"d": 0.0}, 11), ({"d": 0.0, "ar": [1, -0.9]}, 12),
                         ({"d": 0.0, "ar": [1, -1.4, 0.45]}, 13)]:
        verdicts = [long_memory_test(x).verdict for x in arfima(n, n_paths=reps, rng=seed, **kwargs)]
        assert verdicts.count("long") / reps <= 0.05 + 3 * se, kwargs
    rng = np.random.default_rng(14)
    shifted = rng.standard_normal((reps, n))
    for row in shifted:
        row[rng.integers(n // 4, 3 * n // 4) :] += 1.5
    assert sum(long_memory_test(x).verdict == "long" for x in shifted) / reps <= 0.05 + 3 * se
    for kwargs, seed, want, target in [
        ({"d": 0.2}, 15, "long", 0.95),
        ({"d": 0.2, "ar": [1, -0.5]}, 16, "long", 0.90),
        ({"d": -0.2}, 17, "anti-persistent", 0.95),
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
    with pytest.raises(ValueError, match=r"`trim` must be one of \[0.02, 0.05\]"):
        qu_test(x, trim=0.1)
    with pytest.raises(ValueError, match=r"`m` must lie in \[8, 255\]"):
        qu_test(x, m=4)
    with pytest.raises(ValueError, match="at least 16 values"):
        qu_test(x[:10])
