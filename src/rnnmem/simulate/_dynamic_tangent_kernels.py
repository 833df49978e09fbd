"""Forward-mode tangent kernels of the dynamic-d memory networks MRNN and MLSTM.

Same conventions, arguments and outputs as :mod:`rnnmem.simulate._tangent_kernels` (read its
docstring first); kept apart because their d_t needs more than the fixed-d kernels do. The
base path runs the recursion of ``_mrnn_run_py`` / ``_mlstm_run_py`` in
:mod:`rnnmem.simulate._kernels` operation for operation (``dynamic`` true), so it is the
simulator's path bit for bit.

What the tangent adds to the fixed-d kernels (THEORY.md §4):

- d_t = 0.5 sigmoid(a_t) with a_t = W_d [d_{t-1}, state_{t-1}, x_t] + b_d, so
  dd_t = d_t (1 - 2 d_t) W_d [dd_{t-1}, dstate_{t-1}, dx_t] (0.5 sigmoid' = d (1 - 2d)).
- The filter weights are recomputed from d_t every step, by w_0 = 1,
  w_j = w_{j-1} (j - 1 - d) / j; their derivative in d follows by differentiating that
  recursion (:func:`_frac_diff_slopes_py`), exactly, with no finite differences.
- A filtered value sum_j w_j(d_t) v_{t-j} then has the tangent
  dd_t sum_j w'_j(d_t) v_{t-j} + sum_j w_j(d_t) dv_{t-j}: the first sum is the same for every
  tangent, the second runs over the tangent's own copy of the history (ring buffers of the
  histories' tangents, as in the fixed-d kernels).

The state, and so the tangent of the state, is (h, m, d) for MRNN and (h, c, d) for MLSTM;
in state mode (Lyapunov exponent) the tangent of d is part of the renormalised vector.
"""

from __future__ import annotations

import types

import numpy as np

from .._numba import jit, prange
from . import _kernels, _tangent_kernels
from ._kernels import (
    _activate_row,
    _as_stack,
    _exceeds,
    _frac_diff_weights,
    _head,
    _matvec_add,
    _ring_dot,
    _sigmoid,
    _sigmoid_range,
    _tanh,
    _tanh_range,
)
from ._tangent_kernels import (
    _finish_step,
    _head_tangent,
    _init_tangent,
    _renormalise,
    _start_inputs,
)

__all__ = ["KERNELS", "python_twin"]


# ---------------------------------------------------------------------------------------------
# Helpers


def _frac_diff_slopes_py(d, weights, slopes, row):
    """slopes[row, j] = dw_j/dd for the weights[row] of ``_frac_diff_weights`` at d.

    Differentiating w_j = w_{j-1} (j - 1 - d) / j gives
    w'_j = w'_{j-1} (j - 1 - d) / j - w_{j-1} / j, with w'_0 = 0 (w_0 = 1 for every d).
    """
    slopes[row, 0] = 0.0
    for j in range(1, slopes.shape[1]):
        slopes[row, j] = slopes[row, j - 1] * ((j - 1 - d) / j) - weights[row, j - 1] / j


_frac_diff_slopes = jit(_frac_diff_slopes_py)


def _ring_dot_rows_py(weights, weight_row, buffer, buffer_row, newest):
    """sum_{j=1}^{K} weights[weight_row, j] * buffer[buffer_row, (newest - j + 1) mod K].

    ``_ring_dot`` with separate rows: the n_tan tangent histories of one coordinate share
    its weights, which change every step, so they are not copied once per tangent.
    """
    k_len = buffer.shape[1]
    acc = 0.0
    idx = newest
    for j in range(1, k_len + 1):
        acc += weights[weight_row, j] * buffer[buffer_row, idx]
        idx -= 1
        if idx < 0:
            idx = k_len - 1
    return acc


_ring_dot_rows = jit(_ring_dot_rows_py)


def _d_tangent_py(dd, d, wd, tgate, q):
    """dd[q, i] = d_i (1 - 2 d_i) sum_k wd[0, k, i] tgate[q, k]: the tangent of
    d = 0.5 sigmoid(W_d g + b_d) from the tangent of its input g (0.5 sigmoid' = d (1 - 2d))."""
    for i in range(dd.shape[1]):
        dd[q, i] = 0.0
    _matvec_add(dd[q], wd, 0, tgate, q, 0)
    for i in range(dd.shape[1]):
        dd[q, i] *= d[i] * (1.0 - 2.0 * d[i])


_d_tangent = jit(_d_tangent_py)


# ---------------------------------------------------------------------------------------------
# Kernels


def _mrnn_tangent_py(
    drive, autonomous, y0, state0, whx_t, whh_t, bias_h, wmf_t, wmm_t, bias_m, head_w, head_b,
    wd_t, bias_d, filter_length, out_code, n_burn, window, input_mode, tan0, bound, outputs,
    coeffs, logs, status,
):
    """MRNN (dynamic d on the inputs' filter) with tangents; state (h, m, d).

    wd_t : (2I + H + M, I), acting on [d_{t-1}, h_{t-1}, m_{t-1}, x_t]. The tangent of the
    inputs' ring buffer has rows q * I + i (tangent q, input coordinate i).
    """
    n_chains, n_total, _ = drive.shape
    hidden = whh_t.shape[0]
    memory = wmm_t.shape[0]
    n_in = whx_t.shape[0]
    n_out = head_b.shape[0]
    n_tan = tan0.shape[1]
    n_gate = 2 * n_in + hidden + memory
    d_at = hidden + memory  # offset of d in the state
    whx, whh, wmf, wmm = _as_stack(whx_t), _as_stack(whh_t), _as_stack(wmf_t), _as_stack(wmm_t)
    wd = _as_stack(wd_t)
    for c in prange(n_chains):
        state = state0[c].copy()
        sv = state.reshape((1, state.shape[0]))
        buffer = np.zeros((n_in, filter_length))
        weights = np.empty((n_in, filter_length + 1))
        slopes = np.empty((n_in, filter_length + 1))
        d = np.empty(n_in)
        for i in range(n_in):
            d[i] = state[d_at + i]
        gate_in = np.empty((1, n_gate))  # [d_{t-1}, h_{t-1}, m_{t-1}, x_t]
        a_h = np.empty(hidden)
        a_m = np.empty(memory)
        filtered = np.empty((1, n_in))
        filter_slope = np.empty(n_in)  # dF_i/dd_i = sum_j w'_j(d_i) x_{i, t-j+1}
        x = np.empty((1, n_in))
        y = y0[c].copy()
        z = np.empty(n_out)
        tan = np.zeros((n_tan, d_at + n_in))
        # tangents of the filter history: zero until tracking starts (r >= 0), as the
        # inputs before it are not perturbed
        tbuffer = np.zeros((n_tan * n_in, filter_length))
        tgate = np.empty((n_tan, n_gate))
        dd = np.empty((n_tan, n_in))
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
            if track:
                _start_inputs(tx, ty, r, window, input_mode, autonomous)
                if input_mode and r % window == 0:
                    tan[:, :] = 0.0
                    tbuffer[:, :] = 0.0
                # Tangent of the d gate's input, taken before the state's tangent moves on.
                for q in range(n_tan):
                    for i in range(n_in):
                        tgate[q, i] = tan[q, d_at + i]
                        tgate[q, n_in + d_at + i] = tx[q, i]
                    for j in range(d_at):
                        tgate[q, n_in + j] = tan[q, j]
            for i in range(n_in):
                gate_in[0, i] = d[i]
                gate_in[0, n_in + d_at + i] = x[0, i]
            for j in range(d_at):
                gate_in[0, n_in + j] = state[j]
            for i in range(n_in):
                d[i] = bias_d[i]
            _matvec_add(d, wd, 0, gate_in, 0, 0)
            for i in range(n_in):
                d[i] = 0.5 * _sigmoid(d[i])
                _frac_diff_weights(d[i], weights, i)
                state[d_at + i] = d[i]
            newest += 1
            if newest == filter_length:
                newest = 0
            for i in range(n_in):
                buffer[i, newest] = x[0, i]
                filtered[0, i] = _ring_dot(weights, buffer, i, newest)
            if track:
                for i in range(n_in):
                    _frac_diff_slopes(d[i], weights, slopes, i)
                    filter_slope[i] = _ring_dot(slopes, buffer, i, newest)
                for q in range(n_tan):
                    _d_tangent(dd, d, wd, tgate, q)
                    for i in range(n_in):
                        tan[q, d_at + i] = dd[q, i]
                        row = q * n_in + i
                        tbuffer[row, newest] = tx[q, i]
                        tfil[q, i] = (dd[q, i] * filter_slope[i]
                                      + _ring_dot_rows(weights, i, tbuffer, row, newest))
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
                    _matvec_add(row_h, whh, 0, tgate, q, n_in)
                    _matvec_add(row_m, wmf, 0, tfil, q, 0)
                    _matvec_add(row_m, wmm, 0, tgate, q, n_in + hidden)
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


def _mlstm_tangent_py(
    drive, autonomous, y0, state0, wih_t, whh_t, bias, head_w, head_b, wd_t, bias_d,
    filter_length, out_code, n_burn, window, input_mode, tan0, bound, outputs, coeffs, logs,
    status,
):
    """MLSTM (dynamic d on the cell's filter) with tangents; gates (i, g, o); state (h, c, d).

    wd_t : (2H + I, H), acting on [d_{t-1}, h_{t-1}, x_t]. The tangent of the cell history
    has rows q * H + u (tangent q, unit u); its newest entry is the tangent of c_t.
    """
    n_chains, n_total, _ = drive.shape
    hidden = whh_t.shape[0]
    n_in = wih_t.shape[0]
    n_out = head_b.shape[0]
    n_tan = tan0.shape[1]
    n_gate = 2 * hidden + n_in
    wih, whh, wd = _as_stack(wih_t), _as_stack(whh_t), _as_stack(wd_t)
    for c in prange(n_chains):
        state = state0[c].copy()
        sv = state.reshape((1, state.shape[0]))
        buffer = np.zeros((hidden, filter_length))
        newest = 0
        for u in range(hidden):
            buffer[u, newest] = state[hidden + u]
        weights = np.empty((hidden, filter_length + 1))
        slopes = np.empty((hidden, filter_length + 1))
        d = np.empty(hidden)
        for u in range(hidden):
            d[u] = state[2 * hidden + u]
        gate_in = np.empty((1, n_gate))  # [d_{t-1}, h_{t-1}, x_t]
        a = np.empty(3 * hidden)
        cell_slope = np.empty(hidden)  # d/dd_u of sum_j w_j(d_u) c_{u, t-j}
        x = np.empty((1, n_in))
        y = y0[c].copy()
        z = np.empty(n_out)
        tan = np.zeros((n_tan, 3 * hidden))
        # tangents of the filter history: zero until tracking starts (r >= 0), as the
        # inputs before it are not perturbed
        tbuffer = np.zeros((n_tan * hidden, filter_length))
        tgate = np.empty((n_tan, n_gate))
        dd = np.empty((n_tan, hidden))
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
            if track:
                _start_inputs(tx, ty, r, window, input_mode, autonomous)
                if input_mode and r % window == 0:
                    tan[:, :] = 0.0
                    tbuffer[:, :] = 0.0
                # Tangent of the d gate's input, taken before the state's tangent moves on.
                for q in range(n_tan):
                    for u in range(hidden):
                        tgate[q, u] = tan[q, 2 * hidden + u]
                        tgate[q, hidden + u] = tan[q, u]
                    for k in range(n_in):
                        tgate[q, 2 * hidden + k] = tx[q, k]
            for u in range(hidden):
                gate_in[0, u] = d[u]
                gate_in[0, hidden + u] = state[u]
            for k in range(n_in):
                gate_in[0, 2 * hidden + k] = x[0, k]
            for u in range(hidden):
                d[u] = bias_d[u]
            _matvec_add(d, wd, 0, gate_in, 0, 0)
            for u in range(hidden):
                d[u] = 0.5 * _sigmoid(d[u])
                _frac_diff_weights(d[u], weights, u)
                state[2 * hidden + u] = d[u]
            for j in range(3 * hidden):
                a[j] = bias[j]
            _matvec_add(a, wih, 0, x, 0, 0)
            _matvec_add(a, whh, 0, sv, 0, 0)
            if track:
                for q in range(n_tan):
                    for j in range(3 * hidden):
                        da[q, j] = 0.0
                    drow = da[q]
                    _matvec_add(drow, wih, 0, tx, q, 0)
                    _matvec_add(drow, whh, 0, tgate, q, hidden)
            _sigmoid_range(a, 0, hidden)
            _tanh_range(a, hidden, 2 * hidden)
            _sigmoid_range(a, 2 * hidden, 3 * hidden)
            previous = newest
            newest += 1
            if newest == filter_length:
                newest = 0
            if track:
                # Read c_{t-1..t-K} before c_t overwrites c_{t-K} in the ring buffer.
                for u in range(hidden):
                    _frac_diff_slopes(d[u], weights, slopes, u)
                    cell_slope[u] = _ring_dot(slopes, buffer, u, previous)
            for u in range(hidden):
                value = a[u] * a[hidden + u] - _ring_dot(weights, buffer, u, previous)
                buffer[u, newest] = value
                state[hidden + u] = value
            for u in range(hidden):
                state[u] = a[2 * hidden + u] * _tanh(state[hidden + u])
            if track:
                for q in range(n_tan):
                    _d_tangent(dd, d, wd, tgate, q)
                    for u in range(hidden):
                        tan[q, 2 * hidden + u] = dd[q, u]
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
                            - dd[q, u] * cell_slope[u]
                            - _ring_dot_rows(weights, u, tbuffer, row, previous)
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
                    # c_t is counted once, as the newest entry of the history's tangent.
                    for q in range(n_tan):
                        for u in range(hidden):
                            tan[q, hidden + u] = 0.0
                    _renormalise(c, r, window, autonomous, tan, ty, tbuffer, logs)
                    for q in range(n_tan):
                        for u in range(hidden):
                            tan[q, hidden + u] = tbuffer[q * hidden + u, newest]


# ---------------------------------------------------------------------------------------------
# Builds

_mrnn_tangent = jit(_mrnn_tangent_py)
_mrnn_tangent_par = jit(_mrnn_tangent_py, parallel=True)
_mlstm_tangent = jit(_mlstm_tangent_py)
_mlstm_tangent_par = jit(_mlstm_tangent_py, parallel=True)

#: Tangent kernels by family, as :data:`rnnmem.simulate._tangent_kernels.KERNELS`.
KERNELS = {
    "mrnn": (_mrnn_tangent_py, _mrnn_tangent, _mrnn_tangent_par),
    "mlstm": (_mlstm_tangent_py, _mlstm_tangent, _mlstm_tangent_par),
}

_OWN_HELPERS = ("_frac_diff_slopes", "_ring_dot_rows", "_d_tangent")

# Interpreted twins: the helpers of the simulator and of the fixed-d tangent kernels come
# from the twin namespace of the latter (every helper there is plain Python), ours are
# rebound to their plain-Python sources in this namespace.
_TWIN_NAMESPACE = dict(globals())
_TWIN_NAMESPACE["prange"] = range
for _name in _kernels._HELPER_NAMES + _tangent_kernels._OWN_HELPERS:
    _TWIN_NAMESPACE[_name] = _tangent_kernels._TWIN_NAMESPACE[_name]
for _name in _OWN_HELPERS:
    _source = globals()[_name + "_py"]
    _TWIN_NAMESPACE[_name] = types.FunctionType(
        _source.__code__, _TWIN_NAMESPACE, _source.__name__, _source.__defaults__,
        _source.__closure__,
    )


def python_twin(function):
    """The interpreted twin of a kernel or helper of this module (every helper in plain
    Python).

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
