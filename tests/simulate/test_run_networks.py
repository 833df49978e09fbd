"""rnnmem.simulate.networks.run: exact filters, linear-chain theory, reproducibility, errors."""

import dataclasses

import numpy as np
import pytest
from scipy import linalg

from rnnmem.networks import GRU, LSTM, MLSTM, MLSTMF, MRNN, MRNNF, RNN, LinearChain, Network
from rnnmem.simulate.networks import DivergenceError, Trajectory, run
from rnnmem.theory import frac_diff_weights, frac_integ_weights

# ---------------------------------------------------------------------------------------------
# Exactness of the fractional filters (THEORY.md, Section 4)


def _mlstmf_constant_gates(d, k_len, gate_i=0.3, gate_o=-0.2):
    """One unit, one input: constant gates i, o; candidate g_t = tanh(x_t)."""
    return MLSTMF(
        weight_ih=np.array([[0.0], [1.0], [0.0]]),
        weight_hh=np.zeros((3, 1)),
        bias=np.array([gate_i, 0.0, gate_o]),
        head_weight=np.ones((1, 1)),
        head_bias=np.zeros(1),
        bias_d=np.log(2 * np.array([d]) / (1 - 2 * np.array([d]))),
        filter_length=k_len,
    )


@pytest.mark.parametrize("d, k_len", [(0.4, 25), (0.25, 100), (0.1, 7)])
def test_mlstmf_impulse_response_is_psi(d, k_len):
    net = _mlstmf_constant_gates(d, k_len)
    n_steps = 4 * k_len + 400
    impulse = np.zeros((n_steps, 1))
    impulse[0, 0] = 1.0
    path = run(net, n_steps, mode="driven", inputs=impulse, record_states=True)
    cell = path.states[0, :, 1]
    response = cell / cell[0]
    psi = frac_integ_weights(d, k_len + 1)
    # Exact for k <= K (THEORY.md Theorem 4): the AR(K) recursion reproduces psi_k(d).
    np.testing.assert_allclose(response[: k_len + 1], psi, rtol=1e-12, atol=0)
    # After K it decays geometrically at 1/|z*|, z* the smallest root of sum_j w_j z^j.
    roots = np.roots(frac_diff_weights(d, k_len + 1)[::-1])
    radius = np.min(np.abs(roots))
    ratio = response[-1] / response[-2]
    assert ratio == pytest.approx(1.0 / radius, rel=1e-6)
    assert np.all(np.abs(response[k_len + 1 :]) < psi[-1])


def test_mlstmf_decay_radius_matches_theory_value():
    # THEORY.md, Theorem 4: d = 0.4 gives |z*| = 1.04723 at K = 25.
    roots = np.roots(frac_diff_weights(0.4, 26)[::-1])
    assert np.min(np.abs(roots)) == pytest.approx(1.04723, abs=5e-6)
    net = _mlstmf_constant_gates(0.4, 25)
    impulse = np.zeros((1000, 1))
    impulse[0, 0] = 1.0
    cell = run(net, 1000, mode="driven", inputs=impulse, record_states=True).states[0, :, 1]
    assert cell[-2] / cell[-1] == pytest.approx(1.04723, abs=5e-6)


@pytest.mark.parametrize("d, k_len, s", [(0.4, 10, 3), (0.25, 100, 0), (0.05, 1, 5)])
def test_mrnnf_impulse_enters_filter_with_weight_w(d, k_len, s):
    """m_t = tanh(0.5 F_t) with every other weight zero, so F_t = 2 artanh(m_t)."""
    net = MRNNF(
        weight_hx=np.zeros((1, 1)),
        weight_hh=np.zeros((1, 1)),
        bias_h=np.zeros(1),
        weight_mf=np.array([[0.5]]),
        weight_mm=np.zeros((1, 1)),
        bias_m=np.zeros(1),
        head_weight=np.array([[0.0, 1.0]]),
        head_bias=np.zeros(1),
        bias_d=np.log(2 * np.array([d]) / (1 - 2 * np.array([d]))),
        filter_length=k_len,
    )
    n_steps = s + k_len + 20
    impulse = np.zeros((n_steps, 1))
    impulse[s, 0] = 1.0
    path = run(net, n_steps, mode="driven", inputs=impulse, record_states=True)
    filtered = 2.0 * np.arctanh(path.states[0, :, 1])
    expected = np.zeros(n_steps)
    expected[s : s + k_len] = frac_diff_weights(d, k_len + 1)[1:]  # t - s + 1 = 1..K
    np.testing.assert_allclose(filtered, expected, rtol=1e-12, atol=1e-300)
    assert np.all(filtered[s + k_len :] == 0.0)
    assert filtered[s] == pytest.approx(-d, rel=1e-14)


def test_dynamic_d_with_zero_weights_equals_fixed_d():
    fixed = MRNNF.random(2, 3, filter_length=6, rng=4)
    kwargs = {f.name: getattr(fixed, f.name) for f in dataclasses.fields(fixed)}
    dynamic = MRNN(**kwargs, weight_d=np.zeros((2, 2 * 2 + 3 + 3)))
    a, b = run(fixed, 100, rng=1), run(dynamic, 100, rng=1, record_states=True)
    assert np.array_equal(a.outputs, b.outputs)
    np.testing.assert_allclose(b.states[0, :, -2:], np.broadcast_to(fixed.d, (100, 2)), rtol=1e-15)

    fixed = MLSTMF.random(1, 3, filter_length=6, rng=4)
    kwargs = {f.name: getattr(fixed, f.name) for f in dataclasses.fields(fixed)}
    dynamic = MLSTM(**kwargs, weight_d=np.zeros((3, 7)))
    assert np.array_equal(run(fixed, 100, rng=1).outputs, run(dynamic, 100, rng=1).outputs)


def test_mrnn_dynamic_d_follows_its_equation():
    net = MRNN.random(1, 2, filter_length=5, rng=8)
    path = run(net, 30, mode="driven", rng=2, record_states=True)
    h, m, d = (path.states[0, :, :2], path.states[0, :, 2:4], path.states[0, :, 4:])
    x = path.inputs[0]
    previous = np.vstack([np.zeros((1, 5)), np.hstack([d, h, m])[:-1]])
    pre = np.hstack([previous, x]) @ net.weight_d.T + net.bias_d
    np.testing.assert_allclose(d, 0.5 / (1.0 + np.exp(-pre)), rtol=1e-14)


# ---------------------------------------------------------------------------------------------
# Linear chain: Gamma(k) = W^k Gamma(0) (ZH20 Theorem 2)


def test_linear_chain_autocovariance_matches_theory():
    weight = np.array([[0.5, 0.4, 0.0], [-0.3, 0.2, 0.5], [0.1, 0.0, 0.6]])
    chain = LinearChain(weight, output_size=1)
    n_chains, n_steps = 16, 20_000
    path = run(chain, n_steps, n_chains=n_chains, burn_in=500, record_states=True, rng=20251125)
    x = np.concatenate([path.outputs, path.states], axis=2)  # X_t = (y_t, s_t)
    x = x - x.mean(axis=1, keepdims=True)
    sigma = np.diag([1.0, 0.0, 0.0])
    gamma0 = linalg.solve_discrete_lyapunov(weight, sigma)
    for lag in range(6):
        theory = np.linalg.matrix_power(weight, lag) @ gamma0
        # Cov(X_{t+k}, X_t), one estimate per independent chain.
        per_chain = np.einsum("cti,ctj->cij", x[:, lag:], x[:, : n_steps - lag]) / n_steps
        estimate = per_chain.mean(axis=0)
        standard_error = per_chain.std(axis=0, ddof=1) / np.sqrt(n_chains)
        # Monte Carlo tolerance: 4.5 standard errors of the 16-chain mean (fixed seed); the
        # O(1/n) bias of the estimator is far below one standard error at n = 20000.
        assert np.all(np.abs(estimate - theory) <= 4.5 * standard_error + 1e-12), lag


# ---------------------------------------------------------------------------------------------
# Reproducibility


@pytest.mark.parametrize("mode", ["autonomous", "driven"])
def test_same_seed_same_paths(mode):
    net = GRU.random(2, 4, rng=0)
    a = run(net, 100, mode=mode, n_chains=3, rng=42)
    b = run(net, 100, mode=mode, n_chains=3, rng=np.random.default_rng(42))
    c = run(net, 100, mode=mode, n_chains=3, rng=43)
    assert np.array_equal(a.outputs, b.outputs)
    assert not np.array_equal(a.outputs, c.outputs)


def test_autonomous_feedback_and_noise():
    net = RNN.random(1, 4, rng=0)
    path = run(net, 50, burn_in=5, rng=0, init_output=[0.7])
    assert path.noise.shape == (1, 50, 1)
    # x_t = y_{t-1}: the inputs are the outputs shifted by one step.
    np.testing.assert_array_equal(path.inputs[0, 1:], path.outputs[0, :-1])
    assert path.states is None and path.stationary
    driven = run(net, 50, mode="driven", rng=0)
    assert driven.noise is None
    assert isinstance(path, Trajectory) and "Trajectory of RNN (autonomous)" in str(path)


def test_burn_in_then_record_with_given_inputs():
    net = LSTM.random(1, 3, rng=0)
    inputs = np.random.default_rng(1).standard_normal((60, 1))
    full = run(net, 60, mode="driven", inputs=inputs)
    late = run(net, 40, mode="driven", inputs=inputs, burn_in=20)
    np.testing.assert_array_equal(late.outputs, full.outputs[:, 20:])
    np.testing.assert_array_equal(late.inputs[0], inputs[20:])


def test_init_per_chain():
    net = RNN.random(1, 2, rng=0)
    init = np.array([[0.5, -0.5], [0.0, 0.0]])
    path = run(net, 5, mode="driven", inputs=np.zeros((2, 5, 1)), n_chains=2, init=init)
    zero = run(net, 5, mode="driven", inputs=np.zeros((5, 1)))
    np.testing.assert_array_equal(path.outputs[1], zero.outputs[0])
    assert not np.array_equal(path.outputs[0], zero.outputs[0])


# ---------------------------------------------------------------------------------------------
# Divergence


def test_divergence_raises_naming_step_and_chain():
    chain = LinearChain([[1.2]])
    with pytest.raises(
        DivergenceError,
        match=r"chain \d+ became non-finite or exceeded "
        r"divergence_bound=1e\+10 .* at step \d+ .*spectral radius is 1\.2",
    ):
        run(chain, 1000, n_chains=3, rng=0)


def test_divergence_reported_when_asked():
    chain = LinearChain([[1.2]])
    path = run(chain, 1000, n_chains=3, rng=0, on_divergence="report", record_states=True)
    assert not path.stationary
    assert np.all(path.diverged)
    step = int(path.divergence_step[0])
    assert 100 < step < 1000
    assert np.all(np.isfinite(path.outputs[0, :step]))
    assert np.all(np.isnan(path.outputs[0, step:]))
    assert "3 of 3 chains" in path.summary()


def test_relu_network_divergence_detected():
    big = RNN.random(1, 8, rng=1, scale=5.0, activation="relu")
    path = run(big, 2000, n_chains=2, rng=1, on_divergence="report")
    assert np.any(path.diverged)
    with pytest.raises(DivergenceError, match="The simulation diverged"):
        run(big, 2000, n_chains=2, rng=1)


# ---------------------------------------------------------------------------------------------
# Errors


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"n_steps": 0}, ValueError, r"`n_steps` must be >= 1; got n_steps=0"),
        ({"n_steps": 2.0}, TypeError, r"`n_steps` must be an integer"),
        ({"mode": "free"}, ValueError, r"`mode` must be one of \['autonomous', 'driven'\]"),
        ({"n_chains": 0}, ValueError, r"`n_chains` must be >= 1"),
        ({"burn_in": -1}, ValueError, r"`burn_in` must be >= 0"),
        ({"noise_scale": -1.0}, ValueError, r"`noise_scale` must lie in \[0, inf\)"),
        ({"noise_scale": np.nan}, ValueError, r"`noise_scale` must be finite"),
        ({"record_states": 1}, TypeError, r"`record_states` must be True or False"),
        ({"on_divergence": "ignore"}, ValueError, r"`on_divergence` must be one of"),
        ({"divergence_bound": 0.0}, ValueError, r"`divergence_bound` must lie in \(0, inf\)"),
        ({"parallel": "yes"}, TypeError, r"`parallel` must be True or False"),
        ({"init": np.zeros(3)}, ValueError, r"`init` must have shape \(4,\) or \(1, 4\)"),
        ({"init": np.zeros((2, 4))}, ValueError, r"`init` must have shape \(4,\) or \(1, 4\)"),
        ({"init": np.full(4, np.inf)}, ValueError, r"`init` must contain only finite values"),
        ({"init_output": np.zeros(2)}, ValueError, r"`init_output` must have shape \(1,\)"),
        (
            {"init_output": [0.0], "mode": "driven"},
            ValueError,
            r"`init_output` is y_0 of autonomous mode; got it with mode='driven'",
        ),
        ({"inputs": np.zeros((10, 1))}, ValueError, r"`inputs` are used only in driven mode"),
        (
            {"inputs": np.zeros((9, 1)), "mode": "driven"},
            ValueError,
            r"`inputs` must have shape \(10, 1\) for one chain",
        ),
        (
            {"inputs": np.zeros((10, 1)), "mode": "driven", "n_chains": 2},
            ValueError,
            r"`inputs` must have shape \(10, 1\) for one chain or \(2, 10, 1\)",
        ),
        (
            {"inputs": np.zeros((3, 10, 1)), "mode": "driven", "n_chains": 2},
            ValueError,
            r"`inputs` must have shape \(2, 10, 1\) \(n_chains, burn_in \+ n_steps",
        ),
        (
            {"inputs": np.full((10, 1), np.nan), "mode": "driven"},
            ValueError,
            r"`inputs` must contain only finite values",
        ),
        (
            {"inputs": np.zeros(10), "mode": "driven"},
            ValueError,
            r"`inputs` must be a 2-D or 3-D array",
        ),
        ({"rng": 1.5}, TypeError, r"`rng` must be None, an int seed"),
    ],
)
def test_run_errors(kwargs, error, match):
    net = RNN.random(1, 2, num_layers=2, rng=0)
    kwargs = {"n_steps": 10, **kwargs}
    n_steps = kwargs.pop("n_steps")
    with pytest.raises(error, match=match):
        run(net, n_steps, **kwargs)


def test_run_rejects_non_networks_and_bad_autonomous_sizes():
    with pytest.raises(TypeError, match=r"`network` must be a network of rnnmem.networks"):
        run(np.eye(2), 10)
    net = RNN.random(2, 3, output_size=1, rng=0)
    with pytest.raises(
        ValueError,
        match=r"needs input_size == output_size; got input_size=2, "
        r"output_size=1",
    ):
        run(net, 10)
    assert run(net, 10, mode="driven", rng=0).outputs.shape == (1, 10, 1)


def test_run_rejects_unknown_network_subclass():
    class Custom(Network):
        input_size = output_size = 1
        state_size = 0

    with pytest.raises(TypeError, match=r"`network` has no simulator: rnnmem simulates"):
        run(Custom(), 10)
