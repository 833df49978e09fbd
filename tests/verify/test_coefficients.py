"""rnnmem.verify.coefficients: Definition 3 coefficients, exact, Jacobian and Stein."""

import numpy as np
import pytest

from rnnmem.networks import GRU, LSTM, MLSTM, MLSTMF, MRNN, MRNNF, RNN, LinearChain
from rnnmem.simulate import DivergenceError
from rnnmem.verify.definition3 import CoefficientEstimate, coefficients


@pytest.mark.parametrize("network", [
    LinearChain.random(1, 3, scale=0.8, rng=2),
    LinearChain.random(2, 2, scale=0.7, rng=3),
    RNN.random(1, 4, num_layers=2, activation="identity", scale=0.5, rng=0),
], ids=["chain", "chain-2d", "identity-rnn-2layers"])
def test_exact_and_jacobian_agree_for_linear_networks(network):
    # Issue 5: "the exact and the Jacobian coefficients agree for linear networks to 1e-10"
    # (the Jacobian of a linear map is the same at every point, so only rounding differs).
    exact = coefficients(network, 60)
    jacobian = coefficients(network, 60, method="jacobian", n_samples=4, rng=0)
    assert exact.method == "exact" and jacobian.method == "jacobian"
    np.testing.assert_allclose(jacobian.values, exact.values, rtol=0, atol=1e-10)
    assert exact.verdict == jacobian.verdict == "short"
    assert isinstance(exact, CoefficientEstimate) and "exact" in exact.summary()


def test_stein_agrees_with_jacobian_for_tanh_rnn():
    # Stein's lemma: E[z_t x_{t-k}] = sigma^2 E[dz_t/dx_{t-k}] for Gaussian inputs. The two
    # Monte Carlo estimates must agree within 4.5 combined standard errors at all 30 lags
    # (fixed seeds; the max of 30 |z| exceeds 4.5 with probability < 2e-4).
    net = RNN.random(1, 8, rng=1)
    jac = coefficients(net, 30, rng=0)
    stein = coefficients(net, 30, method="stein", n_samples=2**16, rng=1)
    assert jac.method == "jacobian" and stein.method == "stein"
    z = (jac.values - stein.values) / np.sqrt(jac.se**2 + stein.se**2)
    assert np.max(np.abs(z)) < 4.5
    assert jac.verdict == "short" and stein.verdict != "long"


@pytest.mark.parametrize("make", [
    lambda: RNN.random(1, 8, scale=0.5, rng=11),
    lambda: RNN.random(1, 8, scale=2.0, rng=11),
    lambda: LSTM.random(1, 8, rng=1),
    lambda: GRU.random(1, 8, rng=1),
], ids=["rnn-0.5", "rnn-2", "lstm", "gru"])
def test_short_memory_networks_have_geometric_coefficients(make):
    # 16000 windows: the expected Jacobian of the scale-2 RNN cancels between paths, and 8
    # lags above 3 standard errors need that many.
    result = coefficients(make(), 60, n_samples=16000, rng=0)
    assert result.method == "jacobian" and result.lyapunov < 0
    assert result.verdict == "short"


def test_mrnnf_coefficients_decay_like_k_to_minus_one_minus_d():
    # Theorem 3: the filter term is of order k^(-d-1) up to K. Table of issue 5: "long,
    # exponent within 0.05 of -(1 + d)" for d = 0.3, K = 2000.
    net = MRNNF.random(1, 2, d=0.3, filter_length=2000, scale=0.3, rng=3)
    exact = coefficients(net, 1500, method="exact")
    assert exact.verdict == "long" and exact.tail.exponent == pytest.approx(1.3, abs=0.05)
    jacobian = coefficients(net, 1500, n_samples=16, rng=0)
    assert jacobian.method == "jacobian" and jacobian.verdict == "long"
    assert jacobian.tail.exponent == pytest.approx(1.3, abs=0.05)


def test_mlstmf_cell_horizon():
    # Theorem 4: psi_k(d) ~ k^(d-1) for k <= K, geometric beyond.
    short_filter = coefficients(MLSTMF.random(1, 1, d=0.3, filter_length=25, scale=0.5, rng=3),
                                200, rng=0)
    assert short_filter.horizon == 25 and short_filter.verdict == "long"
    assert short_filter.horizon_text.startswith("polynomial up to lag about K = 25")
    assert short_filter.decay_beyond.law == "exponential"
    long_filter = coefficients(MLSTMF.random(1, 1, d=0.3, filter_length=2000, scale=0.5, rng=3),
                               1500, n_samples=16, rng=0)
    assert long_filter.verdict == "long"
    assert long_filter.tail.exponent == pytest.approx(0.7, abs=0.05)


def test_positive_lyapunov_exponent_falls_back_or_is_inconclusive():
    net = RNN.random(1, 32, scale=4.0, rng=1)  # driven top Lyapunov exponent about +0.18
    auto = coefficients(net, 50, rng=0)
    assert auto.method == "stein" and auto.lyapunov > 0 and "pathwise tangents grow" in auto.reason
    assert auto.verdict != "long"
    forced = coefficients(net, 50, method="jacobian", rng=0)
    assert forced.verdict == "inconclusive" and "not trusted" in forced.reason


@pytest.mark.parametrize("make", [
    lambda: MRNN.random(1, 8, filter_length=20, rng=1),
    lambda: MLSTM.random(1, 8, filter_length=20, rng=1),
], ids=["mrnn", "mlstm"])
def test_dynamic_memory_networks_use_the_jacobian(make):
    # The tangent kernels of MRNN and MLSTM differentiate through d_t; Stein's lemma gives
    # the same expectation with no derivative at all. The two Monte Carlo estimates must
    # agree within 4.5 combined standard errors at all 30 lags (fixed seeds; the max of 30
    # |z| exceeds 4.5 with probability < 2e-4 for independent lags).
    net = make()
    jac = coefficients(net, 30, n_samples=4000, rng=0)
    assert jac.method == "jacobian" and jac.lyapunov < 0
    assert "forward-mode tangents (through d_t and the filter weights" in jac.reason
    stein = coefficients(net, 30, method="stein", n_samples=2**18, rng=1)
    z = (jac.values - stein.values) / np.sqrt(jac.se**2 + stein.se**2)
    assert np.max(np.abs(z)) < 4.5


def test_errors():
    with pytest.raises(ValueError, match="`method` 'exact' needs a linear network"):
        coefficients(RNN.random(1, 3, rng=0), 10, method="exact")
    with pytest.raises(ValueError, match="`n_lags` must be >= 4"):
        coefficients(LinearChain([[0.5]]), 3)
    with pytest.raises(ValueError, match="`method` must be one of"):
        coefficients(LinearChain([[0.5]]), 10, method="guess")
    with pytest.raises(TypeError, match="`network` must be a network of rnnmem.networks"):
        coefficients("not a network", 10)
    unstable = RNN(weight_ih=[[1.0]], weight_hh=[[1.5]], bias_ih=[0.0], bias_hh=[0.0],
                   head_weight=[[1.0]], head_bias=[0.0], activation="identity", output="tanh")
    with pytest.raises(DivergenceError, match="diverged while estimating"):
        coefficients(unstable, 10, method="jacobian", lyapunov=-1.0, rng=0)


def test_log_law_on_exact_sequences():
    from rnnmem.verify.definition3 import log_law

    k = np.arange(1, 200, dtype=float)
    geometric = log_law(0.9**k, k)
    assert geometric.law == "exponential" and geometric.rate == pytest.approx(0.9, rel=1e-12)
    power = log_law(k**-1.3, k)
    assert power.law == "power" and power.exponent == pytest.approx(1.3, rel=1e-12)
    flat = log_law(np.ones(10), np.arange(1.0, 11.0))
    assert flat.law == "undetermined"
