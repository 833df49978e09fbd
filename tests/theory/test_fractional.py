"""Fractional weights against 50-digit mpmath values, recursions, closed forms and bad input."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rnnmem.theory import (
    frac_diff_partial_sum,
    frac_diff_weights,
    frac_integ_weights,
    frac_weights_asymptotic,
)
from rnnmem.theory._pochhammer import pochhammer_ratio

# Double precision allows about 1e-14 here; the running product alone reaches 7.6e-11 at
# j = 1e7, so this tolerance fails for the naive method.
RTOL = 1e-13


def test_weights_match_mpmath_up_to_ten_million(theory_reference):
    by_order = {}
    for entry in theory_reference["weights"]:
        by_order.setdefault(entry["d"], []).append(entry)
    for d, entries in by_order.items():
        n = max(e["j"] for e in entries) + 1
        psi = frac_integ_weights(d, n)
        w = frac_diff_weights(d, n)
        for entry in entries:
            for got, expected in ((psi[entry["j"]], float(entry["psi"])),
                                  (w[entry["j"]], float(entry["w"]))):
                if expected == 0.0:
                    assert got == 0.0, (d, entry["j"])
                else:
                    assert got == pytest.approx(expected, rel=RTOL, abs=0), (d, entry["j"])


def test_issue_reference_facts():
    psi = frac_integ_weights(0.3, 1001)
    w = frac_diff_weights(0.3, 1001)
    assert psi[1000] == pytest.approx(0.002654944052269222, rel=1e-12)
    assert w[1000] == pytest.approx(-2.910132472806715e-05, rel=1e-12)


def test_signs_for_negative_d():
    # The exp(gammaln) bug returns |w_j|; for d = -0.3 every w_j (j >= 1) is positive and
    # every psi_j (j >= 1) is negative.
    w = frac_diff_weights(-0.3, 200)
    psi = frac_integ_weights(-0.3, 200)
    assert np.all(w[1:] > 0)
    assert np.all(psi[1:] < 0)
    assert np.all(frac_diff_weights(0.3, 200)[1:] < 0)


def test_first_weights_and_integer_orders():
    d = 0.37
    w = frac_diff_weights(d, 3)
    np.testing.assert_allclose(w, [1.0, -d, -d * (1 - d) / 2], rtol=1e-15)
    np.testing.assert_array_equal(frac_diff_weights(2, 5), [1.0, -2.0, 1.0, 0.0, 0.0])
    np.testing.assert_array_equal(frac_diff_weights(0, 4), [1.0, 0.0, 0.0, 0.0])
    np.testing.assert_array_equal(frac_integ_weights(1, 4), [1.0, 1.0, 1.0, 1.0])
    np.testing.assert_array_equal(frac_integ_weights(-3, 6), [1.0, -3.0, 3.0, -1.0, 0.0, 0.0])


@settings(max_examples=60, deadline=None)
@given(d=st.floats(-3.0, 3.0, allow_nan=False), n=st.integers(2, 400))
def test_recursion_holds(d, n):
    w = frac_diff_weights(d, n)
    j = np.arange(1, n)
    np.testing.assert_allclose(w[1:], w[:-1] * (j - 1 - d) / j, rtol=1e-13, atol=1e-300)
    np.testing.assert_allclose(frac_integ_weights(d, n), frac_diff_weights(-d, n), rtol=0)


@settings(max_examples=40, deadline=None)
@given(d=st.floats(-1.5, 1.5, allow_nan=False), K=st.integers(0, 3000))
def test_partial_sum_equals_cumulative_sum(d, K):
    w = frac_diff_weights(d, K + 1)
    total = np.sum(w)
    scale = np.sum(np.abs(w))
    assert frac_diff_partial_sum(d, K) == pytest.approx(total, abs=1e-13 * scale)


def test_partial_sum_matches_mpmath(theory_reference):
    for entry in theory_reference["partial_sums"]:
        got = frac_diff_partial_sum(entry["d"], entry["K"])
        expected = float(entry["value"])
        if expected == 0.0:
            assert got == 0.0
        else:
            assert got == pytest.approx(expected, rel=RTOL), entry


def test_partial_sum_array_and_stability_margin():
    K = np.array([1, 10, 100])
    sums = frac_diff_partial_sum(0.4, K)
    assert sums.shape == (3,)
    # Theorem 4 of Zhao et al.: sum_{j=1}^K (-w_j) = 1 - S_K < 1 for 0 < d < 1.
    assert np.all(1.0 - sums < 1.0) and np.all(sums > 0)


def test_asymptotic_equivalents():
    j = np.array([1e3, 1e5, 1e7])
    for d in (0.2, 0.45, -0.3):
        exact_w = frac_diff_weights(d, 10_000_001)[j.astype(int)]
        exact_psi = frac_integ_weights(d, 10_000_001)[j.astype(int)]
        ratio_w = exact_w / frac_weights_asymptotic(d, j, kind="diff")
        ratio_psi = exact_psi / frac_weights_asymptotic(d, j, kind="integ")
        # Gamma(j+a)/Gamma(j+b) = j^(a-b) (1 + (a-b)(a+b-1)/(2j) + O(1/j^2)): the ratio to the
        # equivalent is 1 + d(d+1)/(2j) for w and 1 + d(d-1)/(2j) for psi, up to O(1/j^2).
        tolerance = 1.0 / j**2 + 1e-13
        assert np.all(np.abs(ratio_w - (1 + d * (d + 1) / (2 * j))) <= tolerance)
        assert np.all(np.abs(ratio_psi - (1 + d * (d - 1) / (2 * j))) <= tolerance)
    assert frac_weights_asymptotic(0.0, [5.0], kind="integ")[0] == 0.0


def test_array_of_orders_gives_matrix():
    ds = np.array([0.1, 0.25, 0.4])
    weights = frac_diff_weights(ds, 50)
    assert weights.shape == (3, 50)
    for row, d in zip(weights, ds):
        np.testing.assert_array_equal(row, frac_diff_weights(float(d), 50))


def test_pochhammer_anchor_is_seamless():
    # Values on both sides of the switch from running product to Stirling form agree with
    # the recursion (no jump at the anchor index).
    values = pochhammer_ratio(0.3, 1.0, np.arange(20, 50))
    ratios = values[1:] / values[:-1]
    j = np.arange(21, 50)
    np.testing.assert_allclose(ratios, (j - 1 + 0.3) / j, rtol=1e-14)


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: frac_diff_weights(0.3, 0), ValueError, r"`n` must be >= 1; got n=0"),
        (lambda: frac_diff_weights(0.3, 2.5), TypeError, r"`n` must be an integer"),
        (lambda: frac_diff_weights(np.nan, 5), ValueError, r"`d` must be finite; got d=nan"),
        (lambda: frac_integ_weights("0.3", 5), TypeError, r"`d` must be a real number"),
        (lambda: frac_diff_weights([[0.1]], 5), ValueError, r"`d` must be a 1-D array"),
        (lambda: frac_diff_weights([0.1, np.inf], 5), ValueError, r"`d` must contain only finite"),
        (lambda: frac_integ_weights(400.0, 10**6), OverflowError, r"exceed the float64 range"),
        (lambda: frac_weights_asymptotic(0.3, [0.0, 1.0]), ValueError, r"`j` must contain only positive"),
        (lambda: frac_weights_asymptotic(0.3, [1.0], kind="both"), ValueError, r"`kind` must be one of"),
        (lambda: frac_diff_partial_sum(0.3, -1), ValueError, r"`K` must be >= 0; got K=-1"),
        (lambda: frac_diff_partial_sum(0.3, 1.5), TypeError, r"`K` must be an integer"),
        (lambda: frac_diff_partial_sum(0.3, np.array([1.0])), TypeError, r"`K` must be an integer"),
        (lambda: frac_diff_partial_sum(0.3, np.array([2, -1])), ValueError, r"`K` must be >= 0"),
    ],
)
def test_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()


@settings(max_examples=40, deadline=None)
@given(a=st.floats(-20.0, 20.0), b=st.floats(0.05, 20.0), n=st.integers(1, 3000))
def test_range_and_pointwise_pochhammer_agree(a, b, n):
    # The blocked range evaluation (Stirling at block starts, recursion inside) and the
    # element-wise evaluation are two algorithms for the same values.
    from rnnmem.theory._pochhammer import pochhammer_ratio_range

    blocked = pochhammer_ratio_range(a, b, n)
    pointwise = pochhammer_ratio(a, b, np.arange(n))
    # atol covers subnormal results (a near 1e-308), where no relative precision exists.
    np.testing.assert_allclose(blocked, pointwise, rtol=1e-12, atol=1e-300)
