"""Numba recursions of rnnmem.nn against torch: nn.RNN, the torch step loops, finite differences."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from rnnmem.nn import (  # noqa: E402
    MLSTM,
    MLSTMF,
    MRNN,
    MRNNF,
    modules,  # noqa: E402
)
from rnnmem.nn import _memory_kernels as mk  # noqa: E402
from rnnmem.nn import _recurrence as rec  # noqa: E402

TOL = 1e-10


def _perturbed(cls, seed=0, **kwargs):
    torch.manual_seed(seed)
    module = cls(2, 3, dtype=torch.float64, **kwargs)
    with torch.no_grad():
        for parameter in module.parameters():
            parameter.add_(0.4 * torch.randn_like(parameter))
    return module


def _loss_and_grads(module, x):
    """Outputs of two chained calls (state carried) and every parameter gradient."""
    module.zero_grad()
    y, state = module(x)
    y2, _ = module(x[:7], state)
    ((y**2).sum() + (y2**3).sum()).backward()
    return torch.cat([y, y2]).detach().clone(), {
        name: p.grad.clone() for name, p in module.named_parameters()}


@pytest.fixture
def torch_loops():
    """Run the modules' torch step loops instead of the Numba kernels inside the test."""
    def switch(flag):
        modules._KERNELS["enabled"] = flag
    yield switch
    modules._KERNELS["enabled"] = True


def test_tanh_recurrence_equals_nn_rnn():
    torch.manual_seed(0)
    rnn = torch.nn.RNN(2, 3, dtype=torch.float64)
    x = torch.randn(40, 2, 2, dtype=torch.float64)
    h0 = torch.randn(1, 2, 3, dtype=torch.float64, requires_grad=True)
    expected, expected_last = rnn(x, h0)
    (expected.sum() + expected_last.pow(2).sum()).backward()
    reference = [p.grad.clone() for p in rnn.parameters()] + [h0.grad.clone()]
    rnn.zero_grad()
    h0.grad = None
    got, got_last = rec.rnn_layer(rnn, x, h0)
    (got.sum() + got_last.pow(2).sum()).backward()
    np.testing.assert_allclose(got.detach(), expected.detach(), rtol=0, atol=TOL)
    for left, right in zip([p.grad for p in rnn.parameters()] + [h0.grad], reference,
                           strict=True):
        np.testing.assert_allclose(left, right, rtol=0, atol=TOL)


def test_tanh_recurrence_gradcheck_and_python_twin():
    gen = torch.Generator().manual_seed(1)
    a = torch.randn(6, 2, 3, dtype=torch.float64, generator=gen, requires_grad=True)
    w = (0.5 * torch.randn(3, 3, dtype=torch.float64, generator=gen)).requires_grad_()
    h0 = torch.randn(2, 3, dtype=torch.float64, generator=gen, requires_grad=True)
    assert torch.autograd.gradcheck(rec.tanh_recurrence, (a, w, h0))
    # The jitted kernels and their plain-Python sources give the same numbers.
    args = [t.detach().numpy() for t in (a, w, h0)]
    out_nb, out_py = np.empty((6, 2, 3)), np.empty((6, 2, 3))
    rec._forward(*args, out_nb)
    rec._forward_py(*args, out_py)
    # Numba's tanh and NumPy's may differ in the last bit.
    np.testing.assert_allclose(out_nb, out_py, rtol=1e-14, atol=1e-15)
    grad = np.random.default_rng(0).standard_normal((6, 2, 3))
    results = []
    for kernel in (rec._backward, rec._backward_py):
        buffers = [np.empty((6, 2, 3)), np.zeros((3, 3)), np.empty((2, 3))]
        kernel(grad, out_nb, args[1], args[2], *buffers)
        results.append(buffers)
    for left, right in zip(*results, strict=True):
        np.testing.assert_allclose(left, right, rtol=1e-14, atol=1e-14)


@pytest.mark.parametrize("cls", [MRNNF, MRNN, MLSTMF, MLSTM])
def test_kernels_equal_torch_step_loops(cls, torch_loops):
    # The torch loops are differentiated by autograd: an independent second derivation of
    # the hand-written backward passes (values and every gradient, state carried).
    module = _perturbed(cls, filter_length=7)
    x = torch.randn(30, 2, 2, dtype=torch.float64, generator=torch.Generator().manual_seed(2))
    torch_loops(False)
    expected, expected_grads = _loss_and_grads(module, x)
    torch_loops(True)
    got, got_grads = _loss_and_grads(module, x)
    np.testing.assert_allclose(got, expected, rtol=0, atol=TOL)
    assert got_grads.keys() == expected_grads.keys()
    for name in got_grads:
        np.testing.assert_allclose(got_grads[name], expected_grads[name], rtol=0, atol=TOL,
                                   err_msg=name)


def test_memory_kernels_gradcheck():
    gen = torch.Generator().manual_seed(3)

    def r(*shape, scale=0.5):
        return (scale * torch.randn(*shape, dtype=torch.float64, generator=gen)).requires_grad_()

    T, B, I, H, M, K = 5, 2, 2, 2, 3, 4
    series = torch.randn(B, I, K - 1 + T, dtype=torch.float64, generator=gen)
    assert torch.autograd.gradcheck(
        lambda *a: mk.memory_rnn(series, *a),
        (r(T, B, H), r(B, M), torch.rand(B, I, dtype=torch.float64, generator=gen) * 0.4,
         r(I, 2 * I + H + M), r(I), r(M, M), r(M, I), r(M)))
    assert torch.autograd.gradcheck(
        mk.memory_lstm,
        (r(T, B, 3 * H), r(T, B, H), r(3 * H, H), r(H, H), r(H, H), r(B, H), r(B, H, K),
         (0.4 * torch.rand(B, H, dtype=torch.float64, generator=gen)).requires_grad_()))


def test_input_gradient_falls_back_to_torch_loop():
    # The kernels give no input gradient; a differentiable input takes the torch loop.
    module = _perturbed(MLSTM, filter_length=5)
    x = torch.randn(12, 2, 2, dtype=torch.float64, requires_grad=True)
    module(x)[0].sum().backward()
    assert x.grad is not None and torch.all(torch.isfinite(x.grad))


def test_memory_kernels_equal_their_python_sources():
    # STYLE: every Numba kernel is also plain Python; the two give the same numbers.
    rng = np.random.default_rng(4)
    T, B, I, H, M, K = 6, 2, 2, 2, 3, 4
    series = rng.standard_normal((B, I, K - 1 + T))
    h_prev, m0 = rng.standard_normal((T, B, H)), rng.standard_normal((B, M))
    d0 = 0.3 * rng.random((B, I))
    w_d, b_d = 0.5 * rng.standard_normal((I, 2 * I + H + M)), rng.standard_normal(I)
    w_mm, w_mf = 0.5 * rng.standard_normal((M, M)), rng.standard_normal((M, I))
    b_m = rng.standard_normal(M)
    outs = []
    for forward, backward in ((mk._mrnn_forward, mk._mrnn_backward),
                              (mk._mrnn_forward_py, mk._mrnn_backward_py)):
        m_out, d_out, f_out = np.empty((T, B, M)), np.empty((T, B, I)), np.empty((T, B, I))
        forward(series, h_prev, m0, d0, w_d, b_d, w_mm, w_mf, b_m, m_out, d_out, f_out)
        grads = [np.zeros(s) for s in ((T, B, H), (B, M), (B, I), w_d.shape, (I,), (M, M),
                                        (M, I), (M,))]
        backward(series, h_prev, m0, d0, w_d, w_mm, w_mf, m_out, d_out, f_out,
                 np.ones((T, B, M)), np.zeros((T, B, I)), *grads)
        outs.append([m_out, d_out, *grads])
    for left, right in zip(*outs, strict=True):
        np.testing.assert_allclose(left, right, rtol=1e-13, atol=1e-14)

    p, q = rng.standard_normal((T, B, 3 * H)), rng.standard_normal((T, B, H))
    w_hh, w_dd, w_dh = (0.5 * rng.standard_normal(s) for s in ((3 * H, H), (H, H), (H, H)))
    h0, history = rng.standard_normal((B, H)), rng.standard_normal((B, H, K))
    d0 = 0.3 * rng.random((B, H))
    outs = []
    for forward, backward in ((mk._mlstm_forward, mk._mlstm_backward),
                              (mk._mlstm_forward_py, mk._mlstm_backward_py)):
        h_out, c_out, d_out = (np.empty((T, B, H)) for _ in range(3))
        act = np.empty((T, B, 3 * H))
        forward(p, q, w_hh, w_dd, w_dh, h0, history, d0, h_out, c_out, d_out, act)
        grads = [np.zeros(s) for s in ((T, B, 3 * H), (T, B, H), (3 * H, H), (H, H), (H, H),
                                        (B, H), (B, H, K), (B, H))]
        backward(q, w_hh, w_dd, w_dh, h0, history, d0, h_out, c_out, d_out, act,
                 np.ones((T, B, H)), np.zeros((T, B, H)), np.zeros((T, B, H)), *grads)
        outs.append([h_out, c_out, d_out, *grads])
    for left, right in zip(*outs, strict=True):
        np.testing.assert_allclose(left, right, rtol=1e-13, atol=1e-14)
