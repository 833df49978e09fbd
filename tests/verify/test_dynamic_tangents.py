"""Tangent kernels of the dynamic-d MRNN and MLSTM (rnnmem.simulate._dynamic_tangent_kernels).

References: the digamma closed form of dw_j/dd; central differences of rnnmem.simulate.run
(an independent code path); the fixed-d tangent kernels; the exact coefficients of
rnnmem.theory.linear_coefficients along a path on which the networks are linear.
(Twins and single-input finite differences: tests/verify/test_coefficients_tangent.py.)
"""

import dataclasses

import numpy as np
import pytest
from scipy import special

from rnnmem.networks import MLSTM, MLSTMF, MRNN, MRNNF
from rnnmem.simulate import _dynamic_tangent_kernels, run
from rnnmem.theory import frac_diff_weights, linear_coefficients
from rnnmem.verify._mc_tangent import tangent_run


def _with_weight_d(fixed, cls, weight_d):
    """The dynamic-d network with the weights of ``fixed`` and the given d gate."""
    fields = {f.name: getattr(fixed, f.name) for f in dataclasses.fields(fixed)}
    return cls(**fields, weight_d=weight_d)


def _mrnn(d_gate_scale, rng=7, output="tanh"):
    # Two input coordinates, hence two d_t's, each driven by the whole state.
    fixed = MRNNF.random(2, 3, memory_size=2, filter_length=6, scale=1.2, rng=rng,
                         output=output)
    weight_d = d_gate_scale * np.random.default_rng(rng).standard_normal((2, 2 * 2 + 3 + 2))
    return _with_weight_d(fixed, MRNN, weight_d)


def _mlstm(d_gate_scale, rng=8, output="identity"):
    fixed = MLSTMF.random(2, 3, output_size=2, filter_length=6, scale=1.2, rng=rng,
                          output=output)
    weight_d = d_gate_scale * np.random.default_rng(rng).standard_normal((3, 2 * 3 + 2))
    return _with_weight_d(fixed, MLSTM, weight_d)


DYNAMIC = {"mrnn": lambda: _mrnn(1.0), "mlstm": lambda: _mlstm(1.0)}


@pytest.mark.parametrize("d", [0.01, 0.25, 0.49])
def test_filter_weight_slopes_are_exact(d):
    # w_j(d) = Gamma(j - d) / (Gamma(-d) Gamma(j + 1)), so for j >= 1
    # dw_j/dd = w_j (psi(-d) - psi(j - d)), psi the digamma function.
    K = 60
    weights = frac_diff_weights(d, K + 1).reshape(1, -1)
    j = np.arange(1, K + 1)
    expected = weights[0, 1:] * (special.digamma(-d) - special.digamma(j - d))
    for helper in (_dynamic_tangent_kernels._frac_diff_slopes,
                   _dynamic_tangent_kernels.python_twin(
                       _dynamic_tangent_kernels._frac_diff_slopes_py)):
        slopes = np.empty_like(weights)
        helper(d, weights, slopes, 0)
        assert slopes[0, 0] == 0.0
        np.testing.assert_allclose(slopes[0, 1:], expected, rtol=1e-12, atol=0)


@pytest.mark.parametrize("name", sorted(DYNAMIC))
def test_jacobian_matches_central_differences_for_every_input(name):
    # dz_{s+k}/dx_{s,q} for each input coordinate q against central differences of run
    # (step 1e-6: truncation and rounding errors below 1e-8 here). A kernel without the
    # dependence through d_t misses these by 2-6% (checked by dropping dw/dd).
    net = DYNAMIC[name]()
    n_burn, window = 9, 12
    drive = np.random.default_rng(1).standard_normal((2, n_burn + 3 * window, 2))
    result = tangent_run(net, autonomous=False, n_chains=2, n_burn=n_burn, n_windows=3,
                         window=window, input_mode=True, gen=None, drive=drive)
    start, eps = n_burn + window, 1e-6
    for q in range(2):
        up, down = drive.copy(), drive.copy()
        up[:, start, q] += eps
        down[:, start, q] -= eps
        f_up = run(net, drive.shape[1], mode="driven", n_chains=2, inputs=up).outputs
        f_down = run(net, drive.shape[1], mode="driven", n_chains=2, inputs=down).outputs
        numeric = (f_up - f_down)[:, start:start + window] / (2 * eps)
        tangent = result.coeffs[:, 1, :, :, q]
        assert np.max(np.abs(tangent - numeric)) <= 1e-6 * np.max(np.abs(numeric))


def _state_norm_from_states(net, diff, step):
    """Norm of the renormalised tangent (state, and the MLSTM cell history) at ``step``
    from central differences of the recorded states; the cell is counted once."""
    if isinstance(net, MLSTM):
        H, K = net.hidden_size, net.filter_length
        h_and_d = np.concatenate([diff[:, step, :H], diff[:, step, 2 * H:]], axis=1)
        history = diff[:, step - K + 1:step + 1, H:2 * H]
        return np.sqrt(np.sum(h_and_d**2, axis=1) + np.sum(history**2, axis=(1, 2)))
    # MRNN driven: the inputs are not perturbed, so their history's tangent stays zero.
    return np.linalg.norm(diff[:, step], axis=1)


@pytest.mark.parametrize("name", sorted(DYNAMIC))
def test_state_tangent_matches_central_differences(name):
    # Lyapunov mode: the summed log growth over one window is log ||J v|| for the unit
    # initial tangent v, J the Jacobian of the window's steps with respect to the initial
    # state (d included). Reference: central differences of run from init = +-eps v.
    net = DYNAMIC[name]()
    # Windows long enough for the MLSTM history (K = 6) to be observed in the recorded cells;
    # the MRNN contracts fast, and after 10 steps its tangent is too small for differences
    # of step 1e-6 to resolve to 1e-7.
    n_chains, window = 2, (10 if name == "mlstm" else 5)
    drive = np.random.default_rng(2).standard_normal((n_chains, window, 2))
    result = tangent_run(net, autonomous=False, n_chains=n_chains, n_burn=0, n_windows=1,
                         window=window, input_mode=False, gen=np.random.default_rng(3),
                         drive=drive)
    n_state = net.state_size
    v = np.random.default_rng(3).standard_normal((n_chains, 1, n_state + net.output_size))
    v = v[:, 0, :n_state] / np.linalg.norm(v[:, 0, :n_state], axis=1, keepdims=True)
    eps = 1e-6

    def states(init):
        return run(net, window, mode="driven", n_chains=n_chains, inputs=drive, init=init,
                   record_states=True).states

    diff = (states(eps * v) - states(-eps * v)) / (2 * eps)
    norm = _state_norm_from_states(net, diff, window - 1)
    np.testing.assert_allclose(result.logs[:, 0], np.log(norm), rtol=0, atol=1e-7)


@pytest.mark.parametrize("name", sorted(DYNAMIC))
def test_zero_d_gate_gives_the_fixed_d_kernel(name):
    # With weight_d = 0, d_t = 0.5 sigmoid(b_d) from the first step on: the network is its
    # fixed-d twin, and so are its tangents (the d_t term is exactly zero).
    net = _mrnn(0.0) if name == "mrnn" else _mlstm(0.0)
    fixed_cls = MRNNF if name == "mrnn" else MLSTMF
    fixed = fixed_cls(**{f.name: getattr(net, f.name) for f in dataclasses.fields(fixed_cls)})
    kwargs = {"autonomous": False, "n_chains": 2, "n_burn": 10, "n_windows": 3, "window": 15,
              "input_mode": True, "gen": np.random.default_rng(4)}
    dynamic = tangent_run(net, **kwargs)
    kwargs["gen"] = np.random.default_rng(4)
    reference = tangent_run(fixed, **kwargs)
    np.testing.assert_allclose(dynamic.coeffs, reference.coeffs, rtol=1e-12, atol=1e-15)
    assert np.abs(reference.coeffs).max() > 1e-3


def test_mrnn_on_its_linear_path_has_the_exact_mrnnf_coefficients():
    # With zero biases and zero inputs every state is 0, where tanh' = 1; weight_d has a
    # zero column on d_{t-1}, so d_t = 0.5 sigmoid(b_d) at every step; the d_t term,
    # dd_t sum_j w'_j(d_t) x_{t-j+1}, vanishes with the inputs. The Jacobian is then the
    # linear MRNNF's A_k of Theorem 3 (rnnmem.theory.linear_coefficients), to rounding.
    base = _mrnn(1.0, output="identity")
    weight_d = base.weight_d.copy()
    weight_d[:, :2] = 0.0
    net = dataclasses.replace(base, bias_h=np.zeros(3), bias_m=np.zeros(2),
                              head_bias=np.zeros(2), weight_d=weight_d)
    n_lags = 20
    result = tangent_run(net, autonomous=False, n_chains=1, n_burn=3, n_windows=2,
                         window=n_lags, input_mode=True, gen=None,
                         drive=np.zeros((1, 3 + 2 * n_lags, 2)))
    fixed = MRNNF(**{f.name: getattr(net, f.name) for f in dataclasses.fields(MRNNF)})
    exact = linear_coefficients(fixed, n_lags).values
    for w in range(2):
        np.testing.assert_allclose(result.coeffs[0, w], exact, rtol=0, atol=1e-10)
    assert np.abs(exact[n_lags // 2]).max() > 1e-4


def test_mlstm_on_its_linear_path_has_the_exact_mlstmf_cell():
    # No recurrent weights into the gates and a zero bias on the candidate g: with zero
    # inputs c = h = 0, i and o stay at sigmoid(b_i), sigmoid(b_o), and d_t at
    # 0.5 sigmoid(b_d) (weight_d has a zero column on d_{t-1}); the d_t term,
    # dd_t sum_j w'_j(d_t) c_{t-j}, vanishes with the cell. The Jacobian is then
    # W_zh diag(o i) Psi_k W_gx with Psi_k = diag(psi_k(d)) the cell response of
    # Theorem 4 (rnnmem.theory.linear_coefficients), to rounding.
    base = _mlstm(1.0)
    H = base.hidden_size
    bias = base.bias.copy()
    bias[H:2 * H] = 0.0
    weight_d = base.weight_d.copy()
    weight_d[:, :H] = 0.0
    net = dataclasses.replace(base, weight_hh=np.zeros_like(base.weight_hh), bias=bias,
                              head_bias=np.zeros(2), weight_d=weight_d)
    n_lags = 20  # beyond K = 6: the geometric part of the truncated filter too
    result = tangent_run(net, autonomous=False, n_chains=1, n_burn=3, n_windows=2,
                         window=n_lags, input_mode=True, gen=None,
                         drive=np.zeros((1, 3 + 2 * n_lags, 2)))
    fixed = MLSTMF(**{f.name: getattr(net, f.name) for f in dataclasses.fields(MLSTMF)})
    psi = linear_coefficients(fixed, n_lags).values  # (n_lags, H, H), diagonal
    gates = special.expit(bias[:H]) * special.expit(bias[2 * H:])
    exact = net.head_weight @ (gates[:, None] * psi) @ net.weight_ih[H:2 * H]
    for w in range(2):
        np.testing.assert_allclose(result.coeffs[0, w], exact, rtol=0, atol=1e-10)
    assert np.abs(exact[n_lags - 1]).max() > 1e-4
