"""Tests of dfa against a loop-and-polyfit twin and known exponents."""

import numpy as np
import pytest

from rnnmem.simulate import arfima
from rnnmem.verify import DFAResult, dfa


def naive_fluctuation(x, scale, order):
    profile = np.cumsum(x - x.mean())
    n = profile.size
    count = n // scale
    squares = []
    for start in [k * scale for k in range(count)] + [n - (k + 1) * scale for k in range(count)]:
        seg = profile[start : start + scale]
        t = np.arange(scale)
        fit = np.polyval(np.polyfit(t, seg, order), t)
        squares.append(np.mean((seg - fit) ** 2))
    return np.sqrt(np.mean(squares))


@pytest.mark.parametrize("order", [0, 1, 2])
def test_dfa_equals_naive_twin(order):
    x = np.random.default_rng(order).standard_normal(1000)
    scales = [10, 17, 33, 70, 250]
    res = dfa(x, scales=scales, order=order)
    assert isinstance(res, DFAResult)
    want = [naive_fluctuation(x, s, order) for s in scales]
    np.testing.assert_allclose(res.fluctuation, want, rtol=1e-9)
    slope, intercept = np.polyfit(np.log(scales), np.log(want), 1)
    assert res.alpha == pytest.approx(slope, abs=1e-9)
    assert res.intercept == pytest.approx(intercept, abs=1e-9)
    assert res.d == pytest.approx(res.alpha - 0.5)
    assert "Detrended fluctuation" in str(res) and res.order == order and res.n == 1000


def test_dfa_exponents_on_simulated_series():
    # 50 paths each, n = 4096, fixed seeds; DFA-1 over scales 16..256. The mean exponent must
    # lie within 4 Monte Carlo standard errors (plus 0.03 for DFA's small-sample bias) of
    # 1/2 + d.
    scales = [16, 32, 64, 128, 256]
    for d, seed in ((0.0, 1), (0.3, 2)):
        paths = arfima(4096, d=d, n_paths=50, rng=seed)
        alphas = np.array([dfa(p, scales=scales).alpha for p in paths])
        mc_se = alphas.std(ddof=1) / np.sqrt(alphas.size)
        assert abs(alphas.mean() - (0.5 + d)) < 4 * mc_se + 0.03
    walk = np.cumsum(np.random.default_rng(3).standard_normal(4096))
    assert dfa(walk, scales=scales).alpha == pytest.approx(1.5, abs=0.15)


def test_dfa_bad_input():
    x = np.random.default_rng(0).standard_normal(400)
    with pytest.raises(TypeError, match="`scales` must be integers"):
        dfa(x, scales=[10.5, 20, 40])
    with pytest.raises(ValueError, match="at least 3 window lengths"):
        dfa(x, scales=[10, 20])
    with pytest.raises(ValueError, match="strictly increasing"):
        dfa(x, scales=[10, 40, 20])
    with pytest.raises(ValueError, match=r"`scales` must lie in \[4, 100\]"):
        dfa(x, scales=[10, 50, 200])
    with pytest.raises(ValueError, match=r"`scales` must lie in \[5, 100\]"):
        dfa(x, scales=[4, 50, 60], order=2)
    with pytest.raises(ValueError, match=r"`order` must lie in \[0, 5\]"):
        dfa(x, scales=[10, 20, 40], order=6)
    with pytest.raises(TypeError, match="missing 1 required keyword-only argument: 'scales'"):
        dfa(x)
    with pytest.raises(ValueError, match="must not be constant"):
        dfa(np.ones(400), scales=[10, 20, 40])
    with pytest.raises(ValueError, match="must be a 1-D array"):
        dfa(np.ones((2, 400)), scales=[10, 20, 40])
    with pytest.raises(ValueError, match="must contain only finite values"):
        dfa(np.r_[x, np.nan], scales=[10, 20, 40])
    assert np.array_equal(dfa(x, scales=np.array([10.0, 20.0, 40.0])).scales, [10, 20, 40])
