"""Sufficient conditions of Zhao et al. (2020), evaluated from the weights."""

import itertools

import numpy as np
import pytest
from scipy import special

from rnnmem.networks import GRU, LSTM, MLSTMF, MRNNF, RNN, LinearChain
from rnnmem.theory import conditions


def test_theorem2_both_directions():
    stable = conditions(LinearChain.random(1, 3, scale=0.95, rng=1))
    assert stable.theorem == "Theorem 2" and stable.holds is True
    assert stable.constants["spectral_radius"] == pytest.approx(0.95, rel=1e-12)
    unstable = conditions(LinearChain.random(1, 3, scale=1.01, rng=1))
    assert unstable.holds is False
    assert "not stationary" in unstable.statement


@pytest.mark.parametrize("scale", [0.5, 1.0, 2.0, 4.0, 20.0])
@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
def test_corollary1_bounded_activation_any_weights(scale, activation):
    report = conditions(RNN.random(2, 6, scale=scale, activation=activation, rng=3))
    assert report.theorem == "Corollary 1" and report.holds is True
    assert np.isfinite(report.constants["b"])


def _scalar_rnn(w_hh, w_hy, w_zh, activation, output="identity"):
    return RNN(weight_ih=[[[w_hy]]], weight_hh=[[[w_hh]]], bias_ih=[[0.1]], bias_hh=[[0.0]],
               head_weight=[[w_zh]], head_bias=[0.2], activation=activation, output=output)


def test_table1_identity_scalar_weights():
    # ZH20 Table 1 (identity g and sigma): |w_zh w_hh|, |w_zh w_hy|, |w_hh|, |w_hy| <= a. With the
    # sum norm on (y, h) the drift constant is max(|w_zh w_hh| + |w_hh|, |w_zh w_hy| + |w_hy|).
    report = conditions(_scalar_rnn(0.3, 0.4, 0.5, "identity"))
    assert report.constants["a"] == pytest.approx(max(0.5 * 0.3 + 0.3, 0.5 * 0.4 + 0.4))
    assert report.holds is True
    # b = (|w_zh| + 1) |b_h| + |b_z|
    assert report.constants["b"] == pytest.approx(1.5 * 0.1 + 0.2)
    assert conditions(_scalar_rnn(0.9, 0.4, 0.5, "identity")).holds is False


def test_table1_relu_and_sigmoid_output():
    report = conditions(_scalar_rnn(0.3, 0.2, -2.0, "relu"))
    assert report.constants["a"] == pytest.approx(3.0 * 0.3)
    sigmoid = conditions(_scalar_rnn(0.7, 0.8, 50.0, "relu", output="sigmoid"))
    # Bounded output: only |w_hh| and |w_hy| matter (Table 1, sigmoid row).
    assert sigmoid.constants["a"] == pytest.approx(0.8) and sigmoid.holds is True


def test_drift_bound_holds_pointwise():
    # The certified constants must bound ||M(x)|| for any state: check on random states.
    net = RNN.random(2, 5, scale=0.3, activation="relu", rng=7)
    report = conditions(net)
    a, b = report.constants["a"], report.constants["b"]
    gen = np.random.default_rng(0)
    W_hh, W_hy = net.weight_hh[0], net.weight_ih[0]
    b_h = net.bias_ih[0] + net.bias_hh[0]
    for _ in range(2000):
        y, h = gen.standard_normal(2) * 10, gen.standard_normal(5) * 10
        h_new = np.maximum(W_hh @ h + W_hy @ y + b_h, 0.0)
        z = net.head_weight @ h_new + net.head_bias
        assert np.linalg.norm(z) + np.linalg.norm(h_new) <= a * (
            np.linalg.norm(y) + np.linalg.norm(h)) + b + 1e-12


def test_lstm_forget_gate_bound():
    net = LSTM.random(1, 3, rng=2)
    report = conditions(net)
    assert report.theorem == "Corollary 2" and report.holds is None
    assert "empirical" in report.statement
    # With the input removed from the forget gate the supremum is analytic: maximise over the
    # corners of [-1, 1]^H by brute force and compare.
    w_ih = net.weight_ih[0].copy()
    w_ih[3:6] = 0.0
    gated = LSTM(weight_ih=[w_ih], weight_hh=net.weight_hh, bias_ih=net.bias_ih,
                 bias_hh=net.bias_hh, head_weight=net.head_weight, head_bias=net.head_bias)
    report = conditions(gated)
    W_fh = net.weight_hh[0][3:6]
    b_f = net.bias_ih[0][3:6] + net.bias_hh[0][3:6]
    corners = np.array(list(itertools.product([-1.0, 1.0], repeat=3)))
    brute = special.expit(corners @ W_fh.T + b_f).max()
    assert report.holds is True
    assert report.constants["forget_gate_sup"] == pytest.approx(brute, rel=1e-14)


@pytest.mark.parametrize("factory", [lambda: GRU.random(1, 4, rng=0),
                                     lambda: MRNNF.random(1, 4, rng=0),
                                     lambda: MLSTMF.random(1, 4, rng=0)])
def test_no_condition_known(factory):
    report = conditions(factory())
    assert report.holds is None and report.theorem == "none"
    assert "no sufficient condition" in report.statement
    assert "not certified" in report.summary()


def test_unbounded_multilayer_is_not_certified():
    report = conditions(RNN.random(1, 4, num_layers=2, activation="relu", rng=0))
    assert report.holds is None


def test_bad_input():
    with pytest.raises(TypeError, match=r"`network` must be an rnnmem.networks object.*got list"):
        conditions([1, 2])
