"""The tanh recurrence h_t = tanh(a_t + W h_{t-1}) as one autograd node with Numba kernels.

Why not ``torch.nn.RNN``: on the CPU, torch runs a tanh RNN as one small autograd graph per
time step (only the LSTM has a fused CPU kernel), so a 2000-step sequence with one hidden
unit costs about 0.1 s per training step, almost all of it Python-free but per-op overhead.
Here the forward and the backward pass (backpropagation through time, written out by hand)
are two Numba loops, called once per sequence: the same numbers at a small fraction of the
time (measured in ``benchmarks/train.py``). On other devices the modules keep using
``torch.nn.RNN`` (cuDNN fuses it there).

The input part a_t = W_ih x_t + b_ih + b_hh is computed by torch for all t at once, so its
gradient is torch's; only the recurrence is hand-differentiated. Tests compare values and
gradients with ``torch.nn.RNN`` and ``torch.autograd.gradcheck``.
"""

from __future__ import annotations

import numpy as np
import torch

from rnnmem._numba import jit

__all__ = ["tanh_recurrence", "rnn_layer"]


def _forward_py(a, weight, h0, out):
    """out[t] = tanh(a[t] + out[t-1] @ weight.T), out[-1] := h0; shapes (T,B,H), (H,H), (B,H)."""
    T, B, H = a.shape
    for t in range(T):
        for b in range(B):
            for i in range(H):
                acc = a[t, b, i]
                for k in range(H):
                    acc += weight[i, k] * (out[t - 1, b, k] if t > 0 else h0[b, k])
                out[t, b, i] = np.tanh(acc)


def _backward_py(grad_out, out, weight, h0, grad_a, grad_weight, grad_h0):
    """Backpropagation through time of :func:`_forward_py`; grad_weight starts at zero."""
    T, B, H = out.shape
    carry = np.zeros((B, H), dtype=out.dtype)  # dL/dh_t from step t+1
    pre = np.zeros(H, dtype=out.dtype)
    for t in range(T - 1, -1, -1):
        for b in range(B):
            for i in range(H):
                h = out[t, b, i]
                pre[i] = (grad_out[t, b, i] + carry[b, i]) * (1.0 - h * h)
                grad_a[t, b, i] = pre[i]
            for i in range(H):
                for k in range(H):
                    previous = out[t - 1, b, k] if t > 0 else h0[b, k]
                    grad_weight[i, k] += pre[i] * previous
            for k in range(H):
                acc = 0.0
                for i in range(H):
                    acc += pre[i] * weight[i, k]
                carry[b, k] = acc
    for b in range(B):
        for k in range(H):
            grad_h0[b, k] = carry[b, k]


_forward = jit(_forward_py)
_backward = jit(_backward_py)


def _np(tensor: torch.Tensor) -> np.ndarray:
    return tensor.detach().contiguous().numpy()


class _TanhRecurrence(torch.autograd.Function):
    @staticmethod
    def forward(ctx, a, weight, h0):
        out = np.empty(a.shape, dtype=_np(a).dtype)
        _forward(_np(a), _np(weight), _np(h0), out)
        result = torch.from_numpy(out)
        ctx.save_for_backward(result, weight, h0)
        return result

    @staticmethod
    def backward(ctx, grad_out):
        out, weight, h0 = ctx.saved_tensors
        o = _np(out)
        grad_a, grad_w = np.empty_like(o), np.zeros(tuple(weight.shape), dtype=o.dtype)
        grad_h0 = np.empty(tuple(h0.shape), dtype=o.dtype)
        _backward(_np(grad_out).astype(o.dtype, copy=False), o, _np(weight), _np(h0),
                  grad_a, grad_w, grad_h0)
        return torch.from_numpy(grad_a), torch.from_numpy(grad_w), torch.from_numpy(grad_h0)


def tanh_recurrence(a: torch.Tensor, weight: torch.Tensor, h0: torch.Tensor) -> torch.Tensor:
    """h_t = tanh(a_t + W h_{t-1}) for t = 0..T-1, differentiable in a, W and h_0.

    Parameters
    ----------
    a : torch.Tensor, shape (T, B, H)
        Input part of the pre-activation (W_ih x_t + biases).
    weight : torch.Tensor, shape (H, H)
        W (``weight_hh_l0`` of ``torch.nn.RNN``).
    h0 : torch.Tensor, shape (B, H)

    Returns
    -------
    torch.Tensor, shape (T, B, H)
    """
    return _TanhRecurrence.apply(a, weight, h0)


# One switch for all Numba paths of rnnmem.nn (modules.py shares it): tests and
# benchmarks turn it off to run the torch implementations.
KERNELS = {"enabled": True}


def rnn_layer(rnn: torch.nn.RNN, x: torch.Tensor, h0: torch.Tensor):
    """Run a one-layer tanh ``nn.RNN`` (time-major): same result as ``rnn(x, h0)``.

    CPU tensors take the Numba recurrence; anything else (or a relu / multi-layer /
    bidirectional / batch-first RNN) goes to ``rnn`` itself.
    """
    if (not KERNELS["enabled"] or x.device.type != "cpu" or rnn.nonlinearity != "tanh"
            or rnn.num_layers != 1 or rnn.bidirectional or rnn.batch_first):
        return rnn(x, h0)
    a = x @ rnn.weight_ih_l0.T
    if rnn.bias:
        a = a + (rnn.bias_ih_l0 + rnn.bias_hh_l0)
    h = tanh_recurrence(a, rnn.weight_hh_l0, h0[0])
    return h, h[-1:]
