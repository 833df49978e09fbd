"""rnnmem.nn memory modules against a naive per-step NumPy implementation of THEORY.md §4."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from rnnmem.nn import MLSTM, MLSTMF, MRNN, MRNNF, frac_diff_weights_torch  # noqa: E402
from rnnmem.theory import frac_diff_weights  # noqa: E402

TOL = 1e-10


def _perturbed(cls, seed=0, **kwargs):
    torch.manual_seed(seed)
    module = cls(2, 3, dtype=torch.float64, **kwargs)
    with torch.no_grad():
        for parameter in module.parameters():
            parameter.add_(0.4 * torch.randn_like(parameter))
    return module


def _np(tensor):
    return tensor.detach().numpy().astype(np.float64)


def _sigmoid(v):
    return 1.0 / (1.0 + np.exp(-v))


def naive_mrnn(module, x, dynamic):
    """Per-step loop over the equations: F_t = sum_{j=1}^K w_j(d_t) x_{t-j+1}, zero history."""
    T, B, I = x.shape
    K = module.filter_length
    W_hx, W_hh = _np(module.rnn_h.weight_ih_l0), _np(module.rnn_h.weight_hh_l0)
    b_h = _np(module.rnn_h.bias_ih_l0) + _np(module.rnn_h.bias_hh_l0)
    W_mf, W_mm = _np(module.rnn_m.weight_ih_l0), _np(module.rnn_m.weight_hh_l0)
    b_m = _np(module.rnn_m.bias_ih_l0) + _np(module.rnn_m.bias_hh_l0)
    W_z, b_z = _np(module.head.weight), _np(module.head.bias)
    b_d = _np(module.bias_d)
    out = np.zeros((T, B, W_z.shape[0]))
    for b in range(B):
        h, m, d = np.zeros(W_hh.shape[0]), np.zeros(W_mm.shape[0]), np.zeros(I)
        for t in range(T):
            if dynamic:
                d = 0.5 * _sigmoid(_np(module.weight_d) @ np.concatenate([d, h, m, x[t, b]]) + b_d)
            else:
                d = 0.5 * _sigmoid(b_d)
            F = np.zeros(I)
            for i in range(I):
                w = frac_diff_weights(d[i], K + 1)
                for j in range(1, K + 1):
                    if t - j + 1 >= 0:
                        F[i] += w[j] * x[t - j + 1, b, i]
            h = np.tanh(W_hh @ h + W_hx @ x[t, b] + b_h)
            m = np.tanh(W_mm @ m + W_mf @ F + b_m)
            out[t, b] = W_z @ np.concatenate([h, m]) + b_z
    return out


def naive_mlstm(module, x, dynamic):
    """Per-step loop: c_t = -sum_j w_j(d) c_{t-j} + sigma(i) tanh(g), zero cell history."""
    T, B, _ = x.shape
    H, K = module.hidden_size, module.filter_length
    W_ih, W_hh, bias = _np(module.weight_ih), _np(module.weight_hh), _np(module.bias)
    W_z, b_z, b_d = _np(module.head.weight), _np(module.head.bias), _np(module.bias_d)
    out = np.zeros((T, B, W_z.shape[0]))
    for b in range(B):
        h, d, cells = np.zeros(H), np.zeros(H), []
        for t in range(T):
            if dynamic:
                d = 0.5 * _sigmoid(_np(module.weight_d) @ np.concatenate([d, h, x[t, b]]) + b_d)
            else:
                d = 0.5 * _sigmoid(b_d)
            gates = W_ih @ x[t, b] + W_hh @ h + bias
            i, g, o = gates[:H], gates[H : 2 * H], gates[2 * H :]
            c = _sigmoid(i) * np.tanh(g)
            for unit in range(H):
                w = frac_diff_weights(d[unit], K + 1)
                for j in range(1, K + 1):
                    if t - j >= 0:
                        c[unit] -= w[j] * cells[t - j][unit]
            cells.append(c)
            h = _sigmoid(o) * np.tanh(c)
            out[t, b] = W_z @ h + b_z
    return out


@pytest.mark.parametrize("cls, naive, dynamic", [
    (MRNNF, naive_mrnn, False), (MRNN, naive_mrnn, True),
    (MLSTMF, naive_mlstm, False), (MLSTM, naive_mlstm, True)])
def test_module_equals_naive_equations(cls, naive, dynamic):
    module = _perturbed(cls, filter_length=6)
    x = torch.randn(20, 2, 2, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    z, _ = module(x)
    np.testing.assert_allclose(_np(z), naive(module, x.numpy(), dynamic), rtol=0, atol=TOL)


def test_fixed_d_is_a_quarter_at_initialisation():
    for module in (MRNNF(3, 4), MLSTMF(3, 4)):
        assert torch.allclose(module.d, torch.full_like(module.d, 0.25))
    for module in (MRNN(2, 3), MLSTM(2, 3)):
        assert torch.count_nonzero(module.weight_d) == 0  # d_t = 0.25 too


def test_filter_window_alignment():
    # A unit impulse at time s enters F_t with weight w_{t-s+1} for t - s + 1 <= K, 0 after.
    module = MRNNF(1, 1, filter_length=5, dtype=torch.float64)
    x = torch.zeros(12, 1, 1, dtype=torch.float64)
    x[3] = 1.0
    filtered, _ = module._filtered(x, torch.zeros(1, 1, 4, dtype=torch.float64))
    expected = np.zeros(12)
    expected[3:8] = frac_diff_weights(0.25, 6)[1:]
    np.testing.assert_allclose(_np(filtered[:, 0, 0]), expected, rtol=1e-15, atol=0)


def test_torch_weights_match_theory():
    d = torch.tensor([0.1, 0.25, 0.45], dtype=torch.float64)
    np.testing.assert_allclose(_np(frac_diff_weights_torch(d, 50)),
                               frac_diff_weights(d.numpy(), 51)[:, 1:], rtol=1e-13)


@pytest.mark.parametrize("cls", [MRNNF, MRNN, MLSTMF, MLSTM])
def test_state_carries_across_calls_and_batch_first(cls):
    module = _perturbed(cls, filter_length=4)
    x = torch.randn(15, 2, 2, dtype=torch.float64)
    whole, _ = module(x)
    first, state = module(x[:7])
    second, _ = module(x[7:], state)
    torch.testing.assert_close(torch.cat([first, second]), whole, rtol=0, atol=1e-12)
    module.batch_first = True
    batch_major, _ = module(x.transpose(0, 1))
    torch.testing.assert_close(batch_major.transpose(0, 1), whole, rtol=0, atol=0)


@pytest.mark.parametrize("cls", [MRNNF, MRNN, MLSTMF, MLSTM])
def test_gradient_flows_through_d(cls):
    module = _perturbed(cls, filter_length=5)
    x = torch.randn(12, 2, 2, dtype=torch.float64)

    def loss():
        return (module(x)[0] ** 2).sum()

    loss().backward()
    grad = module.bias_d.grad.clone()
    assert torch.all(grad != 0)
    step = 1e-6
    with torch.no_grad():
        for k in range(module.bias_d.numel()):
            module.bias_d[k] += step
            up = loss().item()
            module.bias_d[k] -= 2 * step
            down = loss().item()
            module.bias_d[k] += step
            assert grad[k].item() == pytest.approx((up - down) / (2 * step), rel=1e-5, abs=1e-9)


def test_float32_runs():
    module = MLSTMF(2, 3, dtype=torch.float32)
    z, _ = module(torch.randn(5, 1, 2))
    assert z.dtype == torch.float32 and z.shape == (5, 1, 2)


def test_bad_input():
    with pytest.raises(ValueError, match=r"`input` must have shape \(T, B, I\)"):
        MRNNF(2, 3)(torch.zeros(4, 2))
    with pytest.raises(ValueError, match=r"`input` must have 2 features"):
        MLSTMF(2, 3)(torch.zeros(4, 1, 3))
    with pytest.raises(ValueError, match=r"`filter_length` must be >= 1"):
        MRNNF(2, 3, filter_length=0)
    with pytest.raises(TypeError, match=r"`batch_first` must be True or False"):
        MLSTM(2, 3, batch_first=1)
