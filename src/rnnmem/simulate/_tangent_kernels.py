"""Forward-mode tangent kernels: a network's path and the derivatives carried along it.

Each kernel runs the same recursion as its twin in :mod:`rnnmem.simulate._kernels` (same
operations in the same order, so the base path is the one :func:`rnnmem.simulate.run` gives
for the same ``drive``) and propagates ``n_tan`` tangent vectors with it by the chain rule
(forward-mode differentiation, no finite differences). Two uses:

- ``input_mode`` true (driven mode only): the recorded steps are cut into windows of
  ``window`` steps. At the first step of each window tangent q is the unit perturbation of
  input coordinate q, dx_s = e_q, and the tangent of the state is zero; later inputs are not
  perturbed. ``coeffs[c, w, k, o, q]`` receives dz_{s+k, o} / dx_{s, q}: one sample of the
  Jacobian A_k of Definition 3 (Zhao et al. 2020) along the path.
- ``input_mode`` false: one tangent (``n_tan = 1``) started from ``tan0[c]`` (the state part,
  then the y_0 part) follows the linearised chain; it is renormalised after every recorded
  step and ``logs[c, w]`` accumulates the logs of the growth factors over window w
  (Benettin's method for the top Lyapunov exponent). In autonomous mode the tangent of
  y_{t-1} is the tangent of x_t; in driven mode the inputs are not perturbed. The tangent of
  the filter history of MRNNF and MLSTMF is part of the renormalised vector (the initial
  tangent of the MLSTMF cell enters its history at the first recorded step, after the
  burn-in, whose history tangent stays zero). A tangent that
  becomes exactly zero (the chain forgets a perturbation in finitely many steps) makes
  ``logs[c, w] = -inf``.

Conventions as in :mod:`rnnmem.simulate._kernels`: plain-Python ``_foo_py`` sources compiled
with :func:`rnnmem._numba.jit`, transposed weights, no random numbers, preallocated outputs.
``status[c]`` is the step (burn-in included) at which the base path left ``bound``, or -1.
Of the memory networks only the fixed-d MRNNF and MLSTMF are here: the dynamic d_t of MRNN
and MLSTM needs the derivative of the filter weights with respect to d, in
:mod:`rnnmem.simulate._dynamic_tangent_kernels`.
"""

from __future__ import annotations

import math
import types

import numpy as np

from .._numba import jit, prange
from . import _kernels
from ._kernels import (
    _activate_row,
    _as_stack,
    _copy_row,
    _exceeds,
    _frac_diff_weights,
    _head,
    _matvec_add,
    _ring_dot,
    _sigmoid,
    _tanh,
)

__all__ = ["KERNELS", "python_twin"]


# ---------------------------------------------------------------------------------------------
# Helpers


def _act_slope_py(pre, post, code):
    """Derivative of the hidden activation (0 tanh, 1 relu, 2 sigmoid, 3 identity)."""
    if code == 0:
        return 1.0 - post * post
    if code == 1:
        return 1.0 if pre > 0.0 else 0.0
    if code == 2:
        return post * (1.0 - post)
    return 1.0


_act_slope = jit(_act_slope_py)


def _out_slope_py(z, code):
    """Derivative of the output function g (0 identity, 1 tanh, 2 sigmoid) from its value."""
    if code == 1:
        return 1.0 - z * z
    if code == 2:
        return z * (1.0 - z)
    return 1.0


_out_slope = jit(_out_slope_py)


def _head_tangent_py(tz, head_w, tan, q, offset, z, out_code):
    """tz[o] = g'(z_o) sum_k head_w[o, k] tan[q, offset + k]."""
    for o in range(tz.shape[0]):
        acc = 0.0
        for k in range(head_w.shape[1]):
            acc += head_w[o, k] * tan[q, offset + k]
        tz[o] = _out_slope(z[o], out_code) * acc


_head_tangent = jit(_head_tangent_py)


def _start_inputs_py(tx, ty, r, window, input_mode, autonomous):
    """Tangents of x_t at recorded step r: e_q at a window start (input mode), else dy or 0."""
    n_tan, n_in = tx.shape
    start = r % window == 0
    for q in range(n_tan):
        for k in range(n_in):
            if input_mode:
                tx[q, k] = 1.0 if (start and k == q) else 0.0
            else:
                tx[q, k] = ty[q, k] if autonomous else 0.0


_start_inputs = jit(_start_inputs_py)


def _finish_step_py(c, r, window, input_mode, autonomous, tz, ty, q, coeffs):
    """Store dz (input mode) and set the tangent of y_t (= dz: the noise is not perturbed)."""
    k = r % window
    w = r // window
    for o in range(tz.shape[0]):
        ty[q, o] = tz[o]
        if input_mode:
            coeffs[c, w, k, o, q] = tz[o]


_finish_step = jit(_finish_step_py)


def _renormalise_py(c, r, window, autonomous, tan, ty, buffer_tan, logs):
    """Divide the tangent (state, y in autonomous mode, filter history) by its norm; log it."""
    total = 0.0
    for j in range(tan.shape[1]):
        total += tan[0, j] * tan[0, j]
    if autonomous:
        for o in range(ty.shape[1]):
            total += ty[0, o] * ty[0, o]
    for i in range(buffer_tan.shape[0]):
        for j in range(buffer_tan.shape[1]):
            total += buffer_tan[i, j] * buffer_tan[i, j]
    w = r // window
    if total == 0.0:
        # the perturbation is gone exactly: a chain that forgets in finitely many steps
        logs[c, w] = -np.inf
        return
    if not math.isfinite(total):
        # NaN or overflow in the tangent: no exponent, rather than a false "forgets at once"
        logs[c, w] = np.nan
        return
    norm = math.sqrt(total)
    logs[c, w] += math.log(norm)
    scale = np.divide(1.0, norm)
    for j in range(tan.shape[1]):
        tan[0, j] *= scale
    for o in range(ty.shape[1]):
        ty[0, o] *= scale
    for i in range(buffer_tan.shape[0]):
        for j in range(buffer_tan.shape[1]):
            buffer_tan[i, j] *= scale


_renormalise = jit(_renormalise_py)


def _init_tangent_py(tan, ty, tan0, c, input_mode):
    """State tangent from tan0[c] (state part, then y part) in state mode; zero otherwise."""
    n_state = tan.shape[1]
    for q in range(tan.shape[0]):
        for j in range(n_state):
            tan[q, j] = 0.0 if input_mode else tan0[c, q, j]
        for o in range(ty.shape[1]):
            ty[q, o] = 0.0 if input_mode else tan0[c, q, n_state + o]


_init_tangent = jit(_init_tangent_py)


# ---------------------------------------------------------------------------------------------
# Kernels


def _linear_tangent_py(
    drive, autonomous, y0, state0, weight_t, n_burn, window, input_mode, tan0,
    bound, outputs, coeffs, logs, status,
):
    """Linear chain u = W (x_t, s_{t-1}), z_t = u[:p], s_t = u[p:], with tangents."""
    n_chains, n_total, _ = drive.shape
    n = weight_t.shape[0]
    p = y0.shape[1]
    n_tan = tan0.shape[1]
    weight = _as_stack(weight_t)
    for c in prange(n_chains):
        v = np.zeros((1, n))
        u = np.empty(n)
        y = y0[c].copy()
        state = state0[c].copy()
        tan = np.zeros((n_tan, n - p))
        ty = np.zeros((n_tan, p))
        tx = np.zeros((n_tan, p))
        tv = np.zeros((n_tan, n))
        du = np.empty(n)
        tz = np.empty(p)
        no_buffer = np.zeros((0, 0))
        _init_tangent(tan, ty, tan0, c, input_mode)
        for j in range(n - p):
            v[0, p + j] = state[j]
        for t in range(n_total):
            r = t - n_burn
            for k in range(p):
                v[0, k] = y[k] if autonomous else drive[c, t, k]
            for j in range(n):
                u[j] = 0.0
            _matvec_add(u, weight, 0, v, 0, 0)
            if r >= 0:
                _start_inputs(tx, ty, r, window, input_mode, autonomous)
                if input_mode and r % window == 0:
                    tan[:, :] = 0.0
                for q in range(n_tan):
                    for k in range(p):
                        tv[q, k] = tx[q, k]
                    for j in range(n - p):
                        tv[q, p + j] = tan[q, j]
                    for j in range(n):
                        du[j] = 0.0
                    _matvec_add(du, weight, 0, tv, q, 0)
                    for k in range(p):
                        tz[k] = du[k]
                    for j in range(n - p):
                        tan[q, j] = du[p + j]
                    _finish_step(c, r, window, input_mode, autonomous, tz, ty, q, coeffs)
            for j in range(n - p):
                v[0, p + j] = u[p + j]
                state[j] = u[p + j]
            for o in range(p):
                y[o] = u[o] + drive[c, t, o] if autonomous else u[o]
            if _exceeds(y, bound) or _exceeds(state, bound):
                status[c] = t
                break
            if r >= 0:
                for o in range(p):
                    outputs[c, r, o] = y[o]
                if not input_mode:
                    _renormalise(c, r, window, autonomous, tan, ty, no_buffer, logs)


def _rnn_tangent_py(
    drive, autonomous, y0, state0, wih0_t, wih_t, whh_t, bias, head_w, head_b, act_code,
    out_code, n_burn, window, input_mode, tan0, bound, outputs, coeffs, logs, status,
):
    """Elman RNN stack with tangents; state (h^0, ..., h^{L-1})."""
    n_chains, n_total, _ = drive.shape
    n_layers, hidden, _ = whh_t.shape
    n_in = wih0_t.shape[0]
    n_out = head_b.shape[0]
    n_tan = tan0.shape[1]
    wih0 = _as_stack(wih0_t)
    for c in prange(n_chains):
        state = state0[c].copy()
        h = state.reshape((n_layers, hidden))
        a = np.empty(hidden)
        x = np.empty((1, n_in))
        y = y0[c].copy()
        z = np.empty(n_out)
        tan = np.zeros((n_tan, n_layers * hidden))
        ty = np.zeros((n_tan, n_out))
        tx = np.zeros((n_tan, n_in))
        da = np.empty((n_tan, hidden))
        tz = np.empty(n_out)
        no_buffer = np.zeros((0, 0))
        _init_tangent(tan, ty, tan0, c, input_mode)
        for t in range(n_total):
            r = t - n_burn
            track = r >= 0
            for k in range(n_in):
                x[0, k] = y[k] if autonomous else drive[c, t, k]
            if track:
                _start_inputs(tx, ty, r, window, input_mode, autonomous)
                if input_mode and r % window == 0:
                    tan[:, :] = 0.0
            for layer in range(n_layers):
                _copy_row(a, bias, layer)
                if layer == 0:
                    _matvec_add(a, wih0, 0, x, 0, 0)
                else:
                    _matvec_add(a, wih_t, layer - 1, h, layer - 1, 0)
                _matvec_add(a, whh_t, layer, h, layer, 0)
                if track:
                    for q in range(n_tan):
                        for j in range(hidden):
                            da[q, j] = 0.0
                        drow = da[q]
                        if layer == 0:
                            _matvec_add(drow, wih0, 0, tx, q, 0)
                        else:
                            _matvec_add(drow, wih_t, layer - 1, tan, q, (layer - 1) * hidden)
                        _matvec_add(drow, whh_t, layer, tan, q, layer * hidden)
                _activate_row(h, layer, 0, a, act_code)
                if track:
                    for q in range(n_tan):
                        for j in range(hidden):
                            slope = _act_slope(a[j], h[layer, j], act_code)
                            tan[q, layer * hidden + j] = slope * da[q, j]
            _head(z, head_w, h, n_layers - 1, 0, head_b, out_code)
            if track:
                for q in range(n_tan):
                    _head_tangent(tz, head_w, tan, q, (n_layers - 1) * hidden, z, out_code)
                    _finish_step(c, r, window, input_mode, autonomous, tz, ty, q, coeffs)
            for o in range(n_out):
                y[o] = z[o] + drive[c, t, o] if autonomous else z[o]
            if _exceeds(y, bound) or _exceeds(state, bound):
                status[c] = t
                break
            if track:
                for o in range(n_out):
                    outputs[c, r, o] = y[o]
                if not input_mode:
                    _renormalise(c, r, window, autonomous, tan, ty, no_buffer, logs)


def _lstm_tangent_py(
    drive, autonomous, y0, state0, wih0_t, wih_t, whh_t, bias, head_w, head_b, out_code,
    n_burn, window, input_mode, tan0, bound, outputs, coeffs, logs, status,
):
    """LSTM stack with tangents; gates (i, f, g, o); state (h^0..h^{L-1}, c^0..c^{L-1})."""
    n_chains, n_total, _ = drive.shape
    n_layers, hidden, _ = whh_t.shape
    n_in = wih0_t.shape[0]
    n_out = head_b.shape[0]
    n_tan = tan0.shape[1]
    wih0 = _as_stack(wih0_t)
    for c in prange(n_chains):
        state = state0[c].copy()
        hc = state.reshape((2 * n_layers, hidden))
        a = np.empty(4 * hidden)
        x = np.empty((1, n_in))
        y = y0[c].copy()
        z = np.empty(n_out)
        tan = np.zeros((n_tan, 2 * n_layers * hidden))
        ty = np.zeros((n_tan, n_out))
        tx = np.zeros((n_tan, n_in))
        da = np.empty((n_tan, 4 * hidden))
        tz = np.empty(n_out)
        no_buffer = np.zeros((0, 0))
        _init_tangent(tan, ty, tan0, c, input_mode)
        for t in range(n_total):
            r = t - n_burn
            track = r >= 0
            for k in range(n_in):
                x[0, k] = y[k] if autonomous else drive[c, t, k]
            if track:
                _start_inputs(tx, ty, r, window, input_mode, autonomous)
                if input_mode and r % window == 0:
                    tan[:, :] = 0.0
            for layer in range(n_layers):
                _copy_row(a, bias, layer)
                if layer == 0:
                    _matvec_add(a, wih0, 0, x, 0, 0)
                else:
                    _matvec_add(a, wih_t, layer - 1, hc, layer - 1, 0)
                _matvec_add(a, whh_t, layer, hc, layer, 0)
                if track:
                    for q in range(n_tan):
                        for j in range(4 * hidden):
                            da[q, j] = 0.0
                        drow = da[q]
                        if layer == 0:
                            _matvec_add(drow, wih0, 0, tx, q, 0)
                        else:
                            _matvec_add(drow, wih_t, layer - 1, tan, q, (layer - 1) * hidden)
                        _matvec_add(drow, whh_t, layer, tan, q, layer * hidden)
                cell_row = n_layers + layer
                for j in range(hidden):
                    gate_i = _sigmoid(a[j])
                    gate_f = _sigmoid(a[hidden + j])
                    gate_g = _tanh(a[2 * hidden + j])
                    gate_o = _sigmoid(a[3 * hidden + j])
                    c_old = hc[cell_row, j]
                    value = gate_f * c_old + gate_i * gate_g
                    squashed = _tanh(value)
                    hc[cell_row, j] = value
                    hc[layer, j] = gate_o * squashed
                    if track:
                        for q in range(n_tan):
                            d_i = gate_i * (1.0 - gate_i) * da[q, j]
                            d_f = gate_f * (1.0 - gate_f) * da[q, hidden + j]
                            d_g = (1.0 - gate_g * gate_g) * da[q, 2 * hidden + j]
                            d_o = gate_o * (1.0 - gate_o) * da[q, 3 * hidden + j]
                            dc_old = tan[q, cell_row * hidden + j]
                            dc = d_f * c_old + gate_f * dc_old + d_i * gate_g + gate_i * d_g
                            tan[q, cell_row * hidden + j] = dc
                            tan[q, layer * hidden + j] = (
                                d_o * squashed + gate_o * (1.0 - squashed * squashed) * dc
                            )
            _head(z, head_w, hc, n_layers - 1, 0, head_b, out_code)
            if track:
                for q in range(n_tan):
                    _head_tangent(tz, head_w, tan, q, (n_layers - 1) * hidden, z, out_code)
                    _finish_step(c, r, window, input_mode, autonomous, tz, ty, q, coeffs)
            for o in range(n_out):
                y[o] = z[o] + drive[c, t, o] if autonomous else z[o]
            if _exceeds(y, bound) or _exceeds(state, bound):
                status[c] = t
                break
            if track:
                for o in range(n_out):
                    outputs[c, r, o] = y[o]
                if not input_mode:
                    _renormalise(c, r, window, autonomous, tan, ty, no_buffer, logs)


def _gru_tangent_py(
    drive, autonomous, y0, state0, wih0_t, wih_t, whh_t, bias_ih, bias_hh, head_w, head_b,
    out_code, n_burn, window, input_mode, tan0, bound, outputs, coeffs, logs, status,
):
    """GRU stack with tangents; gates (r, z, n) as torch.nn.GRU; state (h^0, ..., h^{L-1})."""
    n_chains, n_total, _ = drive.shape
    n_layers, hidden, _ = whh_t.shape
    n_in = wih0_t.shape[0]
    n_out = head_b.shape[0]
    n_tan = tan0.shape[1]
    wih0 = _as_stack(wih0_t)
    for c in prange(n_chains):
        state = state0[c].copy()
        h = state.reshape((n_layers, hidden))
        a_in = np.empty(3 * hidden)
        a_hid = np.empty(3 * hidden)
        x = np.empty((1, n_in))
        y = y0[c].copy()
        z = np.empty(n_out)
        tan = np.zeros((n_tan, n_layers * hidden))
        ty = np.zeros((n_tan, n_out))
        tx = np.zeros((n_tan, n_in))
        d_in = np.empty((n_tan, 3 * hidden))
        d_hid = np.empty((n_tan, 3 * hidden))
        tz = np.empty(n_out)
        no_buffer = np.zeros((0, 0))
        _init_tangent(tan, ty, tan0, c, input_mode)
        for t in range(n_total):
            r = t - n_burn
            track = r >= 0
            for k in range(n_in):
                x[0, k] = y[k] if autonomous else drive[c, t, k]
            if track:
                _start_inputs(tx, ty, r, window, input_mode, autonomous)
                if input_mode and r % window == 0:
                    tan[:, :] = 0.0
            for layer in range(n_layers):
                _copy_row(a_in, bias_ih, layer)
                if layer == 0:
                    _matvec_add(a_in, wih0, 0, x, 0, 0)
                else:
                    _matvec_add(a_in, wih_t, layer - 1, h, layer - 1, 0)
                _copy_row(a_hid, bias_hh, layer)
                _matvec_add(a_hid, whh_t, layer, h, layer, 0)
                if track:
                    for q in range(n_tan):
                        for j in range(3 * hidden):
                            d_in[q, j] = 0.0
                            d_hid[q, j] = 0.0
                        row_in = d_in[q]
                        row_hid = d_hid[q]
                        if layer == 0:
                            _matvec_add(row_in, wih0, 0, tx, q, 0)
                        else:
                            _matvec_add(row_in, wih_t, layer - 1, tan, q, (layer - 1) * hidden)
                        _matvec_add(row_hid, whh_t, layer, tan, q, layer * hidden)
                for j in range(2 * hidden):
                    a_in[j] = _sigmoid(a_in[j] + a_hid[j])
                for j in range(hidden):
                    gate_r = a_in[j]
                    gate_z = a_in[hidden + j]
                    gate_n = _tanh(a_in[2 * hidden + j] + gate_r * a_hid[2 * hidden + j])
                    h_old = h[layer, j]
                    h[layer, j] = (1.0 - gate_z) * gate_n + gate_z * h_old
                    if track:
                        for q in range(n_tan):
                            d_r = gate_r * (1.0 - gate_r) * (d_in[q, j] + d_hid[q, j])
                            d_z = gate_z * (1.0 - gate_z) * (
                                d_in[q, hidden + j] + d_hid[q, hidden + j]
                            )
                            d_n = (1.0 - gate_n * gate_n) * (
                                d_in[q, 2 * hidden + j]
                                + d_r * a_hid[2 * hidden + j]
                                + gate_r * d_hid[q, 2 * hidden + j]
                            )
                            dh_old = tan[q, layer * hidden + j]
                            tan[q, layer * hidden + j] = (
                                -d_z * gate_n + (1.0 - gate_z) * d_n + d_z * h_old
                                + gate_z * dh_old
                            )
            _head(z, head_w, h, n_layers - 1, 0, head_b, out_code)
            if track:
                for q in range(n_tan):
                    _head_tangent(tz, head_w, tan, q, (n_layers - 1) * hidden, z, out_code)
                    _finish_step(c, r, window, input_mode, autonomous, tz, ty, q, coeffs)
            for o in range(n_out):
                y[o] = z[o] + drive[c, t, o] if autonomous else z[o]
            if _exceeds(y, bound) or _exceeds(state, bound):
                status[c] = t
                break
            if track:
                for o in range(n_out):
                    outputs[c, r, o] = y[o]
                if not input_mode:
                    _renormalise(c, r, window, autonomous, tan, ty, no_buffer, logs)


def _mrnnf_tangent_py(
    drive, autonomous, y0, state0, whx_t, whh_t, bias_h, wmf_t, wmm_t, bias_m, head_w, head_b,
    bias_d, filter_length, out_code, n_burn, window, input_mode, tan0, bound, outputs, coeffs,
    logs, status,
):
    """MRNNF (fixed d) with tangents; state (h, m); the inputs' ring buffer is carried too.

    The tangent of the ring buffer has rows q * I + i (tangent q, input coordinate i).
    """
    n_chains, n_total, _ = drive.shape
    hidden = whh_t.shape[0]
    memory = wmm_t.shape[0]
    n_in = whx_t.shape[0]
    n_out = head_b.shape[0]
    n_tan = tan0.shape[1]
    whx, whh, wmf, wmm = _as_stack(whx_t), _as_stack(whh_t), _as_stack(wmf_t), _as_stack(wmm_t)
    for c in prange(n_chains):
        state = state0[c].copy()
        sv = state.reshape((1, state.shape[0]))
        buffer = np.zeros((n_in, filter_length))
        weights = np.empty((n_in, filter_length + 1))
        tweights = np.empty((n_tan * n_in, filter_length + 1))
        for i in range(n_in):
            d_i = 0.5 * _sigmoid(bias_d[i])
            _frac_diff_weights(d_i, weights, i)
            for q in range(n_tan):
                _frac_diff_weights(d_i, tweights, q * n_in + i)
        a_h = np.empty(hidden)
        a_m = np.empty(memory)
        filtered = np.empty((1, n_in))
        x = np.empty((1, n_in))
        y = y0[c].copy()
        z = np.empty(n_out)
        tan = np.zeros((n_tan, hidden + memory))
        # tangents of the filter history: zero until tracking starts (r >= 0), as the
        # inputs before it are not perturbed
        tbuffer = np.zeros((n_tan * n_in, filter_length))
        ty = np.zeros((n_tan, n_out))
        tx = np.zeros((n_tan, n_in))
        tfil = np.empty((n_tan, n_in))
        dh = np.empty((n_tan, hidden))
        dm = np.empty((n_tan, memory))
        tz = np.empty(n_out)
        _init_tangent(tan, ty, tan0, c, input_mode)
        newest = filter_length - 1
        for t in range(n_total):
            r = t - n_burn
            track = r >= 0
            for k in range(n_in):
                x[0, k] = y[k] if autonomous else drive[c, t, k]
            newest += 1
            if newest == filter_length:
                newest = 0
            for i in range(n_in):
                buffer[i, newest] = x[0, i]
                filtered[0, i] = _ring_dot(weights, buffer, i, newest)
            if track:
                _start_inputs(tx, ty, r, window, input_mode, autonomous)
                if input_mode and r % window == 0:
                    tan[:, :] = 0.0
                    tbuffer[:, :] = 0.0
                for q in range(n_tan):
                    for i in range(n_in):
                        tbuffer[q * n_in + i, newest] = tx[q, i]
                        tfil[q, i] = _ring_dot(tweights, tbuffer, q * n_in + i, newest)
            for j in range(hidden):
                a_h[j] = bias_h[j]
            _matvec_add(a_h, whx, 0, x, 0, 0)
            _matvec_add(a_h, whh, 0, sv, 0, 0)
            for j in range(memory):
                a_m[j] = bias_m[j]
            _matvec_add(a_m, wmf, 0, filtered, 0, 0)
            _matvec_add(a_m, wmm, 0, sv, 0, hidden)
            if track:
                for q in range(n_tan):
                    for j in range(hidden):
                        dh[q, j] = 0.0
                    for j in range(memory):
                        dm[q, j] = 0.0
                    row_h = dh[q]
                    row_m = dm[q]
                    _matvec_add(row_h, whx, 0, tx, q, 0)
                    _matvec_add(row_h, whh, 0, tan, q, 0)
                    _matvec_add(row_m, wmf, 0, tfil, q, 0)
                    _matvec_add(row_m, wmm, 0, tan, q, hidden)
            _activate_row(sv, 0, 0, a_h, 0)
            _activate_row(sv, 0, hidden, a_m, 0)
            if track:
                for q in range(n_tan):
                    for j in range(hidden):
                        tan[q, j] = (1.0 - sv[0, j] * sv[0, j]) * dh[q, j]
                    for j in range(memory):
                        value = sv[0, hidden + j]
                        tan[q, hidden + j] = (1.0 - value * value) * dm[q, j]
            _head(z, head_w, sv, 0, 0, head_b, out_code)
            if track:
                for q in range(n_tan):
                    _head_tangent(tz, head_w, tan, q, 0, z, out_code)
                    _finish_step(c, r, window, input_mode, autonomous, tz, ty, q, coeffs)
            for o in range(n_out):
                y[o] = z[o] + drive[c, t, o] if autonomous else z[o]
            if _exceeds(y, bound) or _exceeds(state, bound):
                status[c] = t
                break
            if track:
                for o in range(n_out):
                    outputs[c, r, o] = y[o]
                if not input_mode:
                    _renormalise(c, r, window, autonomous, tan, ty, tbuffer, logs)


def _mlstmf_tangent_py(
    drive, autonomous, y0, state0, wih_t, whh_t, bias, head_w, head_b, bias_d, filter_length,
    out_code, n_burn, window, input_mode, tan0, bound, outputs, coeffs, logs, status,
):
    """MLSTMF (fixed d) with tangents; gates (i, g, o); state (h, c); cell history carried.

    The tangent of the cell history has rows q * H + u (tangent q, unit u).
    """
    n_chains, n_total, _ = drive.shape
    hidden = whh_t.shape[0]
    n_in = wih_t.shape[0]
    n_out = head_b.shape[0]
    n_tan = tan0.shape[1]
    wih, whh = _as_stack(wih_t), _as_stack(whh_t)
    for c in prange(n_chains):
        state = state0[c].copy()
        sv = state.reshape((1, state.shape[0]))
        buffer = np.zeros((hidden, filter_length))
        newest = 0
        for u in range(hidden):
            buffer[u, newest] = state[hidden + u]
        weights = np.empty((hidden, filter_length + 1))
        tweights = np.empty((n_tan * hidden, filter_length + 1))
        for u in range(hidden):
            d_u = 0.5 * _sigmoid(bias_d[u])
            _frac_diff_weights(d_u, weights, u)
            for q in range(n_tan):
                _frac_diff_weights(d_u, tweights, q * hidden + u)
        a = np.empty(3 * hidden)
        x = np.empty((1, n_in))
        y = y0[c].copy()
        z = np.empty(n_out)
        tan = np.zeros((n_tan, 2 * hidden))
        # tangents of the filter history: zero until tracking starts (r >= 0), as the
        # inputs before it are not perturbed
        tbuffer = np.zeros((n_tan * hidden, filter_length))
        ty = np.zeros((n_tan, n_out))
        tx = np.zeros((n_tan, n_in))
        da = np.empty((n_tan, 3 * hidden))
        tz = np.empty(n_out)
        _init_tangent(tan, ty, tan0, c, input_mode)
        for t in range(n_total):
            r = t - n_burn
            track = r >= 0
            for k in range(n_in):
                x[0, k] = y[k] if autonomous else drive[c, t, k]
            for j in range(3 * hidden):
                a[j] = bias[j]
            _matvec_add(a, wih, 0, x, 0, 0)
            _matvec_add(a, whh, 0, sv, 0, 0)
            if track:
                _start_inputs(tx, ty, r, window, input_mode, autonomous)
                if input_mode and r % window == 0:
                    tan[:, :] = 0.0
                    tbuffer[:, :] = 0.0
                for q in range(n_tan):
                    for j in range(3 * hidden):
                        da[q, j] = 0.0
                    drow = da[q]
                    _matvec_add(drow, wih, 0, tx, q, 0)
                    _matvec_add(drow, whh, 0, tan, q, 0)
            for j in range(hidden):
                a[j] = _sigmoid(a[j])
            for j in range(hidden, 2 * hidden):
                a[j] = _tanh(a[j])
            for j in range(2 * hidden, 3 * hidden):
                a[j] = _sigmoid(a[j])
            previous = newest
            newest += 1
            if newest == filter_length:
                newest = 0
            for u in range(hidden):
                value = a[u] * a[hidden + u] - _ring_dot(weights, buffer, u, previous)
                buffer[u, newest] = value
                state[hidden + u] = value
            for u in range(hidden):
                state[u] = a[2 * hidden + u] * _tanh(state[hidden + u])
            if track:
                for q in range(n_tan):
                    for u in range(hidden):
                        gate_i = a[u]
                        gate_g = a[hidden + u]
                        gate_o = a[2 * hidden + u]
                        row = q * hidden + u
                        if r == 0 and not input_mode:
                            # The initial tangent of c_{t-1} enters the (zeroed) history here.
                            tbuffer[row, previous] = tan[q, hidden + u]
                        dc = (
                            gate_i * (1.0 - gate_i) * da[q, u] * gate_g
                            + gate_i * (1.0 - gate_g * gate_g) * da[q, hidden + u]
                            - _ring_dot(tweights, tbuffer, row, previous)
                        )
                        tbuffer[row, newest] = dc
                        tan[q, hidden + u] = dc
                        squashed = _tanh(state[hidden + u])
                        d_o = gate_o * (1.0 - gate_o) * da[q, 2 * hidden + u]
                        tan[q, u] = d_o * squashed + gate_o * (1.0 - squashed * squashed) * dc
            _head(z, head_w, sv, 0, 0, head_b, out_code)
            if track:
                for q in range(n_tan):
                    _head_tangent(tz, head_w, tan, q, 0, z, out_code)
                    _finish_step(c, r, window, input_mode, autonomous, tz, ty, q, coeffs)
            for o in range(n_out):
                y[o] = z[o] + drive[c, t, o] if autonomous else z[o]
            if _exceeds(y, bound) or _exceeds(state, bound):
                status[c] = t
                break
            if track:
                for o in range(n_out):
                    outputs[c, r, o] = y[o]
                if not input_mode:
                    _renormalise(c, r, window, autonomous, tan[:, :hidden], ty, tbuffer, logs)
                    for q in range(n_tan):
                        for u in range(hidden):
                            tan[q, hidden + u] = tbuffer[q * hidden + u, newest]


# ---------------------------------------------------------------------------------------------
# Builds

_linear_tangent = jit(_linear_tangent_py)
_linear_tangent_par = jit(_linear_tangent_py, parallel=True)
_rnn_tangent = jit(_rnn_tangent_py)
_rnn_tangent_par = jit(_rnn_tangent_py, parallel=True)
_lstm_tangent = jit(_lstm_tangent_py)
_lstm_tangent_par = jit(_lstm_tangent_py, parallel=True)
_gru_tangent = jit(_gru_tangent_py)
_gru_tangent_par = jit(_gru_tangent_py, parallel=True)
_mrnnf_tangent = jit(_mrnnf_tangent_py)
_mrnnf_tangent_par = jit(_mrnnf_tangent_py, parallel=True)
_mlstmf_tangent = jit(_mlstmf_tangent_py)
_mlstmf_tangent_par = jit(_mlstmf_tangent_py, parallel=True)

#: Tangent kernels by family: (source, serial build, parallel build). Chains are independent
#: and each is computed by the same sequential code, so the result does not depend on the
#: build or the thread count (the parallel build is used from rnnmem._numba.PARALLEL_MIN_WORK
#: chain-steps on).
KERNELS = {
    "linear": (_linear_tangent_py, _linear_tangent, _linear_tangent_par),
    "rnn": (_rnn_tangent_py, _rnn_tangent, _rnn_tangent_par),
    "lstm": (_lstm_tangent_py, _lstm_tangent, _lstm_tangent_par),
    "gru": (_gru_tangent_py, _gru_tangent, _gru_tangent_par),
    "mrnnf": (_mrnnf_tangent_py, _mrnnf_tangent, _mrnnf_tangent_par),
    "mlstmf": (_mlstmf_tangent_py, _mlstmf_tangent, _mlstmf_tangent_par),
}

_OWN_HELPERS = (
    "_act_slope",
    "_out_slope",
    "_head_tangent",
    "_start_inputs",
    "_finish_step",
    "_renormalise",
    "_init_tangent",
)

# Interpreted twins: the simulator's helpers come from its own twin namespace, ours are
# rebound to their plain-Python sources in the same namespace.
_TWIN_NAMESPACE = dict(globals())
_TWIN_NAMESPACE["prange"] = range
for _name in _kernels._HELPER_NAMES:
    _TWIN_NAMESPACE[_name] = _kernels._TWIN_NAMESPACE[_name]
for _name in _OWN_HELPERS:
    _source = globals()[_name + "_py"]
    _TWIN_NAMESPACE[_name] = types.FunctionType(
        _source.__code__, _TWIN_NAMESPACE, _source.__name__, _source.__defaults__,
        _source.__closure__,
    )


def python_twin(function):
    """The interpreted twin of a tangent kernel or helper (every helper in plain Python).

    Parameters
    ----------
    function : callable
        One of the ``_..._py`` sources of this module.

    Returns
    -------
    callable
    """
    twin = types.FunctionType(
        function.__code__, _TWIN_NAMESPACE, function.__name__, function.__defaults__,
        function.__closure__,
    )
    twin.__doc__ = function.__doc__
    return twin
