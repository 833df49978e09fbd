"""The step recursions of MRNN(F) and MLSTM(F) as single autograd nodes with Numba kernels.

Why: the memory unit of MRNN and the filtered cell of MLSTM(F) cannot be vectorised over
time (d_t and the cell depend on the previous step), and a Python loop of torch operations
pays ~10 microseconds of overhead per operation: about 1 s per training step on the
2000-step ZH20 series with one unit, where the arithmetic itself takes microseconds. Here the
forward pass and its backpropagation through time (written out by hand below) are two Numba
loops per sequence.

Both kernels take the dynamic-d form; the fixed-d models are the special case of zero
d-gate weights (d_t = 0.5 sigmoid(b_d) at every step), so one kernel serves each pair and
fixed and dynamic d cost the same per step.

Derivatives of the filter weights (THEORY.md §1.1): w_1 = -d, w_j = w_{j-1} (j - 1 - d) / j,
so dw_1/dd = -1 and dw_j/dd = dw_{j-1}/dd (j - 1 - d) / j - w_{j-1} / j.

The inputs x are data: these nodes give no gradient with respect to x (the modules fall back
to their torch loops when the input requires a gradient, or lives on another device).
Tests compare values and gradients with the torch loops in float64.
"""

from __future__ import annotations

import numpy as np
import torch

from rnnmem._numba import jit

__all__ = ["memory_rnn", "memory_lstm"]


def _sigmoid(v):
    return 1.0 / (1.0 + np.exp(-v))


_sigmoid_nb = jit(_sigmoid)


# ---------------------------------------------------------------------------------------
# MRNN memory unit: d_t = 0.5 s(W_d [d_{t-1}, h_{t-1}, m_{t-1}, x_t] + b_d),
# F_t,i = sum_j w_j(d_t,i) x_{i,t-j+1}, m_t = tanh(W_mm m_{t-1} + W_mf F_t + b_m).
# series[b, i, t + K - j] is x_{i, t-j+1} (K - 1 values of history in front).


def _mrnn_forward_py(series, h_prev, m0, d0, w_d, b_d, w_mm, w_mf, b_m, m_out, d_out, f_out):
    T, B, H = h_prev.shape
    I = d0.shape[1]
    M = m0.shape[1]
    K = series.shape[2] - T + 1
    z = np.zeros(2 * I + H + M, dtype=m_out.dtype)
    for b in range(B):
        for t in range(T):
            for c in range(I):
                z[c] = d_out[t - 1, b, c] if t > 0 else d0[b, c]
                z[I + H + M + c] = series[b, c, t + K - 1]
            for c in range(H):
                z[I + c] = h_prev[t, b, c]
            for c in range(M):
                z[I + H + c] = m_out[t - 1, b, c] if t > 0 else m0[b, c]
            for i in range(I):
                gate = b_d[i]
                for c in range(z.shape[0]):
                    gate += w_d[i, c] * z[c]
                d = 0.5 * _sigmoid_nb(gate)
                d_out[t, b, i] = d
                w = -d
                acc = w * series[b, i, t + K - 1]
                for j in range(2, K + 1):
                    w = w * (j - 1 - d) / j
                    acc += w * series[b, i, t + K - j]
                f_out[t, b, i] = acc
            for r in range(M):
                pre = b_m[r]
                for c in range(M):
                    pre += w_mm[r, c] * z[I + H + c]
                for c in range(I):
                    pre += w_mf[r, c] * f_out[t, b, c]
                m_out[t, b, r] = np.tanh(pre)


def _mrnn_backward_py(series, h_prev, m0, d0, w_d, w_mm, w_mf, m_out, d_out, f_out,
                      grad_m, grad_d, g_h_prev, g_m0, g_d0, g_w_d, g_b_d, g_w_mm, g_w_mf,
                      g_b_m):
    T, B, H = h_prev.shape
    I = d0.shape[1]
    M = m0.shape[1]
    K = series.shape[2] - T + 1
    Z = 2 * I + H + M
    z = np.zeros(Z, dtype=m_out.dtype)
    gpre = np.zeros(M, dtype=m_out.dtype)
    ggate = np.zeros(I, dtype=m_out.dtype)
    for b in range(B):
        carry_m = np.zeros(M, dtype=m_out.dtype)
        carry_d = np.zeros(I, dtype=m_out.dtype)
        for t in range(T - 1, -1, -1):
            for c in range(I):
                z[c] = d_out[t - 1, b, c] if t > 0 else d0[b, c]
                z[I + H + M + c] = series[b, c, t + K - 1]
            for c in range(H):
                z[I + c] = h_prev[t, b, c]
            for c in range(M):
                z[I + H + c] = m_out[t - 1, b, c] if t > 0 else m0[b, c]
            for r in range(M):
                m = m_out[t, b, r]
                gpre[r] = (grad_m[t, b, r] + carry_m[r]) * (1.0 - m * m)
                g_b_m[r] += gpre[r]
                for c in range(M):
                    g_w_mm[r, c] += gpre[r] * z[I + H + c]
                for c in range(I):
                    g_w_mf[r, c] += gpre[r] * f_out[t, b, c]
            new_carry_m = np.zeros(M, dtype=m_out.dtype)
            for c in range(M):
                for r in range(M):
                    new_carry_m[c] += w_mm[r, c] * gpre[r]
            for i in range(I):
                g_f = 0.0
                for r in range(M):
                    g_f += w_mf[r, i] * gpre[r]
                d = d_out[t, b, i]
                w = -d
                dw = -1.0
                dfdd = dw * series[b, i, t + K - 1]
                for j in range(2, K + 1):
                    dw = dw * (j - 1 - d) / j - w / j
                    w = w * (j - 1 - d) / j
                    dfdd += dw * series[b, i, t + K - j]
                g_d = g_f * dfdd + carry_d[i] + grad_d[t, b, i]
                ggate[i] = g_d * d * (1.0 - 2.0 * d)  # d = s/2: dd/dgate = s(1-s)/2
                g_b_d[i] += ggate[i]
                for c in range(Z):
                    g_w_d[i, c] += ggate[i] * z[c]
            for c in range(I):
                acc = 0.0
                for i in range(I):
                    acc += w_d[i, c] * ggate[i]
                carry_d[c] = acc
            for c in range(H):
                acc = 0.0
                for i in range(I):
                    acc += w_d[i, I + c] * ggate[i]
                g_h_prev[t, b, c] = acc
            for c in range(M):
                acc = 0.0
                for i in range(I):
                    acc += w_d[i, I + H + c] * ggate[i]
                carry_m[c] = new_carry_m[c] + acc
        for c in range(M):
            g_m0[b, c] = carry_m[c]
        for c in range(I):
            g_d0[b, c] = carry_d[c]


_mrnn_forward = jit(_mrnn_forward_py)
_mrnn_backward = jit(_mrnn_backward_py)


def _np(tensor):
    return tensor.detach().contiguous().numpy()


class _MemoryRNN(torch.autograd.Function):
    @staticmethod
    def forward(ctx, series, h_prev, m0, d0, w_d, b_d, w_mm, w_mf, b_m):
        T, B, _ = h_prev.shape
        dtype = _np(h_prev).dtype
        m_out = np.empty((T, B, m0.shape[1]), dtype=dtype)
        d_out = np.empty((T, B, d0.shape[1]), dtype=dtype)
        f_out = np.empty((T, B, d0.shape[1]), dtype=dtype)
        _mrnn_forward(_np(series), _np(h_prev), _np(m0), _np(d0), _np(w_d), _np(b_d),
                      _np(w_mm), _np(w_mf), _np(b_m), m_out, d_out, f_out)
        m_t, d_t, f_t = (torch.from_numpy(a) for a in (m_out, d_out, f_out))
        ctx.save_for_backward(series, h_prev, m0, d0, w_d, w_mm, w_mf, m_t, d_t, f_t)
        ctx.mark_non_differentiable(f_t)
        return m_t, d_t, f_t

    @staticmethod
    def backward(ctx, grad_m, grad_d, _grad_f):
        series, h_prev, m0, d0, w_d, w_mm, w_mf, m_t, d_t, f_t = ctx.saved_tensors
        dtype = _np(m_t).dtype
        grads = [np.zeros(tuple(a.shape), dtype=dtype)
                 for a in (h_prev, m0, d0, w_d, d0[0], w_mm, w_mf, m0[0])]
        gm = np.zeros(tuple(m_t.shape), dtype) if grad_m is None else _np(grad_m)
        gd = np.zeros(tuple(d_t.shape), dtype) if grad_d is None else _np(grad_d)
        _mrnn_backward(_np(series), _np(h_prev), _np(m0), _np(d0), _np(w_d), _np(w_mm),
                       _np(w_mf), _np(m_t), _np(d_t), _np(f_t), gm.astype(dtype, copy=False),
                       gd.astype(dtype, copy=False), *grads)
        return (None, *(torch.from_numpy(g) for g in grads))


def memory_rnn(series, h_prev, m0, d0, w_d, b_d, w_mm, w_mf, b_m):
    """MRNN's memory unit over a sequence; returns (m, d), shapes (T, B, M) and (T, B, I).

    Parameters
    ----------
    series : torch.Tensor, shape (B, I, K - 1 + T)
        Inputs with the K - 1 previous values in front (no gradient is returned for it).
    h_prev : torch.Tensor, shape (T, B, H)
        h_{t-1} for every t (the ordinary unit, computed beforehand).
    m0 : (B, M); d0 : (B, I)
    w_d : (I, 2I + H + M), columns for [d_{t-1}, h_{t-1}, m_{t-1}, x_t]; b_d : (I,)
    w_mm : (M, M); w_mf : (M, I); b_m : (M,) (both RNN biases summed)
    """
    m, d, _ = _MemoryRNN.apply(series, h_prev, m0, d0, w_d, b_d, w_mm, w_mf, b_m)
    return m, d


# ---------------------------------------------------------------------------------------
# MLSTM(F) cell: d_t = 0.5 s(q_t + W_dd d_{t-1} + W_dh h_{t-1}) (q_t = W_dx x_t + b_d),
# (i, g, o) = p_t + W_hh h_{t-1}, c_t = -sum_j w_j(d_t) c_{t-j} + s(i) tanh(g),
# h_t = s(o) tanh(c_t). history[b, u, j - 1] is c_{-j}.


def _cell(c_out, history, t, j, b, u):
    """c_{t-j} from the computed cells or the initial history."""
    return c_out[t - j, b, u] if t - j >= 0 else history[b, u, j - t - 1]


_cell_nb = jit(_cell)


def _mlstm_forward_py(p, q, w_hh, w_dd, w_dh, h0, history, d0, h_out, c_out, d_out, act):
    T, B, H3 = p.shape
    H = H3 // 3
    K = history.shape[2]
    for b in range(B):
        for t in range(T):
            for u in range(H):
                gate = q[t, b, u]
                for c in range(H):
                    d_prev = d_out[t - 1, b, c] if t > 0 else d0[b, c]
                    h_prev = h_out[t - 1, b, c] if t > 0 else h0[b, c]
                    gate += w_dd[u, c] * d_prev + w_dh[u, c] * h_prev
                d_out[t, b, u] = 0.5 * _sigmoid_nb(gate)
            for r in range(H3):
                pre = p[t, b, r]
                for c in range(H):
                    pre += w_hh[r, c] * (h_out[t - 1, b, c] if t > 0 else h0[b, c])
                act[t, b, r] = np.tanh(pre) if H <= r < 2 * H else _sigmoid_nb(pre)
            for u in range(H):
                d = d_out[t, b, u]
                w = -d
                acc = -w * _cell_nb(c_out, history, t, 1, b, u)
                for j in range(2, K + 1):
                    w = w * (j - 1 - d) / j
                    acc -= w * _cell_nb(c_out, history, t, j, b, u)
                c = acc + act[t, b, u] * act[t, b, H + u]
                c_out[t, b, u] = c
                h_out[t, b, u] = act[t, b, 2 * H + u] * np.tanh(c)


def _mlstm_backward_py(q, w_hh, w_dd, w_dh, h0, history, d0, h_out, c_out, d_out, act,
                       grad_h, grad_c, grad_d, g_p, g_q, g_w_hh, g_w_dd, g_w_dh, g_h0,
                       g_history, g_d0):
    T, B, H3 = act.shape
    H = H3 // 3
    K = history.shape[2]
    pending = np.zeros((T, H), dtype=h_out.dtype)  # dL/dc_t from later cells
    gpre = np.zeros(H3, dtype=h_out.dtype)
    gdg = np.zeros(H, dtype=h_out.dtype)
    for b in range(B):
        pending[:, :] = 0.0
        carry_h = np.zeros(H, dtype=h_out.dtype)
        carry_d = np.zeros(H, dtype=h_out.dtype)
        for t in range(T - 1, -1, -1):
            for u in range(H):
                gh = grad_h[t, b, u] + carry_h[u]
                i, g, o = act[t, b, u], act[t, b, H + u], act[t, b, 2 * H + u]
                tc = np.tanh(c_out[t, b, u])
                gc = grad_c[t, b, u] + pending[t, u] + gh * o * (1.0 - tc * tc)
                gpre[u] = gc * g * i * (1.0 - i)
                gpre[H + u] = gc * i * (1.0 - g * g)
                gpre[2 * H + u] = gh * tc * o * (1.0 - o)
                d = d_out[t, b, u]
                w = -d
                dw = -1.0
                g_d = 0.0
                for j in range(1, K + 1):
                    if j > 1:
                        dw = dw * (j - 1 - d) / j - w / j
                        w = w * (j - 1 - d) / j
                    previous = _cell_nb(c_out, history, t, j, b, u)
                    g_d -= gc * dw * previous
                    if t - j >= 0:
                        pending[t - j, u] -= w * gc
                    else:
                        g_history[b, u, j - t - 1] -= w * gc
                g_d += carry_d[u] + grad_d[t, b, u]
                gdg[u] = g_d * d * (1.0 - 2.0 * d)
                g_q[t, b, u] = gdg[u]
            for r in range(H3):
                g_p[t, b, r] = gpre[r]
            for c in range(H):
                h_prev = h_out[t - 1, b, c] if t > 0 else h0[b, c]
                d_prev = d_out[t - 1, b, c] if t > 0 else d0[b, c]
                for r in range(H3):
                    g_w_hh[r, c] += gpre[r] * h_prev
                for u in range(H):
                    g_w_dd[u, c] += gdg[u] * d_prev
                    g_w_dh[u, c] += gdg[u] * h_prev
            for c in range(H):
                acc_h = 0.0
                for r in range(H3):
                    acc_h += w_hh[r, c] * gpre[r]
                acc_d = 0.0
                for u in range(H):
                    acc_h += w_dh[u, c] * gdg[u]
                    acc_d += w_dd[u, c] * gdg[u]
                carry_h[c] = acc_h
                carry_d[c] = acc_d
        for c in range(H):
            g_h0[b, c] = carry_h[c]
            g_d0[b, c] = carry_d[c]


_mlstm_forward = jit(_mlstm_forward_py)
_mlstm_backward = jit(_mlstm_backward_py)


class _MemoryLSTM(torch.autograd.Function):
    @staticmethod
    def forward(ctx, p, q, w_hh, w_dd, w_dh, h0, history, d0):
        T, B, H3 = p.shape
        dtype = _np(p).dtype
        h_out, c_out, d_out = (np.empty((T, B, H3 // 3), dtype=dtype) for _ in range(3))
        act = np.empty((T, B, H3), dtype=dtype)
        _mlstm_forward(_np(p), _np(q), _np(w_hh), _np(w_dd), _np(w_dh), _np(h0),
                       _np(history), _np(d0), h_out, c_out, d_out, act)
        h_t, c_t, d_t, a_t = (torch.from_numpy(a) for a in (h_out, c_out, d_out, act))
        ctx.save_for_backward(q, w_hh, w_dd, w_dh, h0, history, d0, h_t, c_t, d_t, a_t)
        ctx.mark_non_differentiable(a_t)
        return h_t, c_t, d_t, a_t

    @staticmethod
    def backward(ctx, grad_h, grad_c, grad_d, _grad_act):
        q, w_hh, w_dd, w_dh, h0, history, d0, h_t, c_t, d_t, a_t = ctx.saved_tensors
        dtype = _np(h_t).dtype
        incoming = [np.zeros(tuple(h_t.shape), dtype) if g is None
                    else _np(g).astype(dtype, copy=False) for g in (grad_h, grad_c, grad_d)]
        grads = [np.zeros(tuple(a.shape), dtype=dtype)
                 for a in (a_t, q, w_hh, w_dd, w_dh, h0, history, d0)]
        _mlstm_backward(_np(q), _np(w_hh), _np(w_dd), _np(w_dh), _np(h0), _np(history),
                        _np(d0), _np(h_t), _np(c_t), _np(d_t), _np(a_t), *incoming, *grads)
        return tuple(torch.from_numpy(g) for g in grads)


def memory_lstm(p, q, w_hh, w_dd, w_dh, h0, history, d0):
    """The MLSTM(F) cell over a sequence; returns (h, c, d), each of shape (T, B, H).

    Parameters
    ----------
    p : torch.Tensor, shape (T, B, 3H)
        W_ih x_t + b for every t (gate blocks i, g, o).
    q : torch.Tensor, shape (T, B, H)
        W_dx x_t + b_d (MLSTM) or b_d broadcast (MLSTMF).
    w_hh : (3H, H); w_dd, w_dh : (H, H) (zeros for MLSTMF)
    h0 : (B, H); history : (B, H, K), ``history[..., j - 1]`` = c_{-j}; d0 : (B, H)
    """
    h, c, d, _ = _MemoryLSTM.apply(p, q, w_hh, w_dd, w_dh, h0, history, d0)
    return h, c, d
