"""Claims of rnnmem.verify.claims.li2021 (Li et al. 2021, the curse of memory): they pass as
registered (quick budget, the catalogue's seed, read from the session's catalogue run) and fail,
saying why, when their premise is broken on purpose."""

from __future__ import annotations


import numpy as np
import pytest

from rnnmem.verify.claims import claim_seed, select_claims
from rnnmem.verify.claims.li2021 import _discrete_rnn_weights, _eigen_kernel, _exp_power_kernel

LI2021_IDS = [
    "li2021.linear-rnn.kernel-identity",
    "li2021.linear-rnn.operator-norm-is-l1",
    "li2021.linear-rnn.white-noise-mse",
    "li2021.approximation.published-fixed-grid-errors",
    "li2021.approximation.power-law-curse",
    "li2021.approximation.exponential-memory-fast",
    "li2021.optimization.plateau-exp-w-star-t0",
]




def test_the_module_registers_these_claims_in_this_order():
    module = [c.id for c in select_claims()
              if c.check.__module__ == "rnnmem.verify.claims.li2021"]
    assert module == LI2021_IDS


@pytest.mark.parametrize("claim_id", LI2021_IDS)
def test_claim_passes_quick_with_the_catalogue_seed(quick_report, claim_id):
    result = quick_report.result(claim_id)
    assert result.passed, result.why
    assert result.seed == claim_seed(0, claim_id)
    assert quick_report.figures[quick_report.results.index(result)] is not None
    claim = result.claim
    assert claim.paper == "Li et al. (2021)" and "arXiv:2009.07799" in claim.place
    if claim.kind == "statistical":
        # the method says how the stated error rate was obtained
        assert "error rate" in claim.method and "seeds" in claim.method


def test_the_published_numbers_are_the_measured_ones(quick_report):
    # THEORY.md §5 at m = 8 / 32 on the fixed grid; the measured values round to them
    result = quick_report.result("li2021.approximation.published-fixed-grid-errors")
    values = [m.value for m in result.measurements]
    np.testing.assert_allclose(values, [4.7e-2, 7.0e-3, 0.33, 0.17, 4.8e-5, 1.7e-12],
                               rtol=0.02)


BROKEN = [
    # a nonlinear network is no convolution
    ("li2021.linear-rnn.kernel-identity", {"activation": "tanh"},
     "discrete: max |run - convolution| / max|y|, 500 steps is"),
    # the worst energy-bounded input reaches the L2, not the L1, distance
    ("li2021.linear-rnn.operator-norm-is-l1", {"input_class": "energy"},
     ("discrete: worst-case output difference over energy inputs / L1 distance of the "
     "kernels is")),
    # correlated input: the white-noise formula no longer holds
    ("li2021.linear-rnn.white-noise-mse", {"input_correlation": 0.6},
     "(Monte Carlo MSE - sigma^2 sum (rho - rho_hat)^2) / SE is"),
    # another exponent grid is another construction: the published numbers are missed
    ("li2021.approximation.published-fixed-grid-errors", {"betas": (0.5, 1.0, 2.0)},
     "power_law(omega=0.5): L1 error at m = 32 is"),
    # exponential memory: the rate is no longer tied to omega
    ("li2021.approximation.power-law-curse", {"decay": "exponential", "omegas": (0.5,)},
     "exp_power(omega=0.5): fitted rate alpha / omega, m = 4..16 is"),
    # long memory is not approximated fast
    ("li2021.approximation.exponential-memory-fast", {"target": "power_law_0.5"},
     "power_law(omega=0.5): fitted rate alpha of the L1 error, m = 4..16 is"),
    # horizons below the documented window: no plateau yet
    ("li2021.optimization.plateau-exp-w-star-t0", {"cases": ((1.0, 5.0, 7.0),)},
     "w* = 1, t0 = 5..7: slope d ln(iterations) / d t0 is"),
]


@pytest.mark.parametrize("claim_id, overrides, reason", BROKEN,
                         ids=[c.split(".")[-1] for c, _, _ in BROKEN])
def test_breaking_the_premise_fails_and_says_why(claim_id, overrides, reason, run_claim):
    result = run_claim(claim_id, **overrides)
    assert not result.passed
    assert result.error == ""  # failed on a measurement, not by raising
    assert reason in result.why, result.why


def test_breaking_the_premise_fails_far_from_the_tolerance(run_claim):
    # not a near miss: the broken premises move the key numbers far outside their windows
    energy = run_claim("li2021.linear-rnn.operator-norm-is-l1", input_class="energy")
    assert energy.measurements[0].value < 0.7  # L2 / L1 of the kernel difference
    assert energy.measurements[1].passed  # random inputs still stay below the L1 distance
    correlated = run_claim("li2021.linear-rnn.white-noise-mse", input_correlation=0.6)
    assert abs(correlated.measurements[0].value) > 20
    curse = run_claim("li2021.approximation.power-law-curse", decay="exponential", omegas=(0.5,))
    assert curse.measurements[0].value > 5  # alpha / omega: about 14 instead of 1.4-1.7


def test_the_plateau_slope_follows_w_star(run_claim):
    # w* = 0.5 alone and w* = 1 alone (their documented windows): the slope moves with w*
    slow = run_claim("li2021.optimization.plateau-exp-w-star-t0", cases=((0.5, 14.0, 18.0),))
    fast = run_claim("li2021.optimization.plateau-exp-w-star-t0", cases=((1.0, 9.0, 11.0),))
    assert slow.passed and fast.passed
    ratio = slow.measurements[0].value / fast.measurements[0].value
    assert 0.4 < ratio < 0.6  # w* halved: slope about halved (0.536 / 1.034)


def test_bad_parameters_are_reported(run_claim):
    result = run_claim("li2021.linear-rnn.kernel-identity", activation="relu")
    assert not result.passed and "`activation` must be 'linear' or 'tanh'" in result.why
    result = run_claim("li2021.linear-rnn.white-noise-mse", input_correlation=1.0)
    assert "`input_correlation` must lie in (-1, 1)" in result.why


def test_eigen_kernel_against_matrix_powers():
    # the second algorithm of the kernel identity, against the definition c^T W^k U
    W, U, c = _discrete_rnn_weights(np.random.default_rng(3), 4, 0.9)
    lags = np.arange(60)
    direct = [c @ np.linalg.matrix_power(W, int(k)) @ U for k in lags]
    np.testing.assert_allclose(_eigen_kernel(W, U, c, lags), direct, rtol=1e-10, atol=1e-13)
    assert np.max(np.abs(np.linalg.eigvals(W))) == pytest.approx(0.9, rel=1e-12)


def test_exp_power_kernel_l1_norm_against_quadrature():
    from scipy import integrate

    kernel = _exp_power_kernel(0.5)
    reference = integrate.quad(lambda t: np.exp(-t) * (1 + t) ** -1.5, 0, np.inf,
                               epsabs=1e-14, epsrel=1e-12)[0]
    assert kernel.l1_norm == pytest.approx(reference, rel=1e-10)
    assert kernel.memory == "exponential"
