"""Exact Definition 3 coefficients against brute-force impulse responses (a second algorithm)."""

import numpy as np
import pytest

from rnnmem.networks import LSTM, MLSTM, MLSTMF, MRNN, MRNNF, RNN, LinearChain
from rnnmem.theory import frac_diff_weights, frac_integ_weights, linear_coefficients
from rnnmem.theory import truncated_filter_response


def impulse_response(step, state, n_in, n_lags):
    """A_k[:, i] = output at time k after a unit impulse on input i at time 0 (linear step)."""
    out = []
    for i in range(n_in):
        s = [np.zeros_like(part) for part in state]
        columns = []
        for t in range(n_lags):
            x = np.zeros(n_in)
            if t == 0:
                x[i] = 1.0
            z, s = step(x, s)
            columns.append(z)
        out.append(np.array(columns))
    return np.stack(out, axis=-1)  # (n_lags, n_out, n_in)


def test_linear_chain():
    chain = LinearChain.random(2, 3, scale=0.9, rng=4)
    W, p = chain.weight, 2

    def step(x, s):
        u = W @ np.concatenate([x, s[0]])
        return u[:p], [u[p:]]

    expected = impulse_response(step, [np.zeros(3)], 2, 40)
    got = linear_coefficients(chain, 40)
    np.testing.assert_allclose(got.values, expected, rtol=1e-12, atol=1e-15)
    assert got.values.shape == (40, 2, 2)


@pytest.mark.parametrize("layers", [1, 2, 3])
def test_identity_rnn_stack(layers):
    net = RNN.random(2, 4, output_size=3, num_layers=layers, activation="identity", rng=layers,
                     scale=0.8)

    def step(x, s):
        below, new = x, []
        for layer in range(layers):
            h = net.weight_hh[layer] @ s[layer] + net.weight_ih[layer] @ below
            new.append(h)
            below = h
        return net.head_weight @ below, new

    expected = impulse_response(step, [np.zeros(4)] * layers, 2, 30)
    np.testing.assert_allclose(linear_coefficients(net, 30).values, expected, rtol=1e-10,
                               atol=1e-14)
    if layers == 1:  # Theorem 3: A_k = W_zh W_hh^k W_hx
        A5 = net.head_weight @ np.linalg.matrix_power(net.weight_hh[0], 5) @ net.weight_ih[0]
        np.testing.assert_allclose(linear_coefficients(net, 6).values[5], A5, rtol=1e-12)


def test_linear_mrnnf_matches_brute_force_and_decays_polynomially():
    net = MRNNF.random(2, 3, memory_size=3, filter_length=50, d=0.3, rng=5, scale=0.5)
    H, K = net.hidden_size, net.filter_length
    w = frac_diff_weights(net.d, K + 1)  # (I, K+1)

    def step(x, s):
        h, m, history = s
        history = np.concatenate([x[:, None], history[:, :-1]], axis=1)  # x_t, ..., x_{t-K+1}
        filtered = np.sum(w[:, 1:] * history, axis=1)
        h = net.weight_hh @ h + net.weight_hx @ x
        m = net.weight_mm @ m + net.weight_mf @ filtered
        return net.head_weight[:, :H] @ h + net.head_weight[:, H:] @ m, [h, m, history]

    state = [np.zeros(H), np.zeros(net.memory_size), np.zeros((2, K))]
    expected = impulse_response(step, state, 2, 120)
    np.testing.assert_allclose(linear_coefficients(net, 120).values, expected, rtol=1e-10,
                               atol=1e-13)


def test_mlstmf_cell_is_psi_up_to_K_then_geometric():
    # Theorem 4: psi_k(d) exactly for k <= K; beyond K the rate is 1/|z*|, z* the smallest
    # root of sum_{j<=K} w_j z^j (|z*| = 1.01171 for d = 0.4, K = 100).
    d, K = 0.4, 100
    response = truncated_filter_response(d, K, 3000)
    np.testing.assert_allclose(response[: K + 1], frac_integ_weights(d, K + 1), rtol=1e-12)
    roots = np.roots(frac_diff_weights(d, K + 1)[::-1])
    z_star = np.min(np.abs(roots))
    assert z_star == pytest.approx(1.01171, abs=5e-6)
    ratio = response[2999] / response[2998]
    assert ratio == pytest.approx(1 / z_star, rel=1e-6)
    assert np.min(np.abs(np.roots(frac_diff_weights(d, 26)[::-1]))) == pytest.approx(1.04723,
                                                                                        abs=5e-6)
    net = MLSTMF.random(1, 3, filter_length=K, d=[0.2, 0.3, 0.4], rng=0)
    coeffs = linear_coefficients(net, K + 1)
    np.testing.assert_allclose(coeffs.values[:, 2, 2], frac_integ_weights(0.4, K + 1), rtol=1e-12)
    assert np.all(coeffs.values[:, 0, 1] == 0.0)


def test_summary_and_fields():
    result = linear_coefficients(LinearChain.random(1, 1, scale=0.5, rng=0), 20)
    assert "exact" in result.summary() and result.lags[-1] == 19


def test_bad_input():
    with pytest.raises(ValueError, match=r"`network` must be linear for exact coefficients"):
        linear_coefficients(RNN.random(1, 3, rng=0), 10)
    with pytest.raises(TypeError, match=r"MRNN computes d_t from its state"):
        linear_coefficients(MRNN.random(1, 3, rng=0), 10)
    with pytest.raises(TypeError, match=r"MLSTM computes d_t"):
        linear_coefficients(MLSTM.random(1, 3, rng=0), 10)
    with pytest.raises(TypeError, match=r"got LSTM"):
        linear_coefficients(LSTM.random(1, 3, rng=0), 10)
    with pytest.raises(ValueError, match=r"`n_lags` must be >= 1"):
        linear_coefficients(LinearChain.random(1, 1, rng=0), 0)
    with pytest.raises(ValueError, match=r"`filter_length` must be >= 1"):
        truncated_filter_response(0.3, 0, 5)
