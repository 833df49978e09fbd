"""Numba kernels of the network simulators (all ``@njit`` code of :mod:`rnnmem.simulate.networks`).

Conventions
-----------
- Every kernel is written once in plain Python as ``_foo_py``; ``_foo = jit(_foo_py)`` is the
  serial build and ``_foo_par = jit(_foo_py, parallel=True)`` the build whose loop over chains
  is a ``prange`` (compiled from a renamed copy, see :mod:`rnnmem._numba`). Chains are independent
  and each is computed by the same sequential code, so the parallel build equals the serial
  build bit for bit whatever the number of threads.
- Helpers (``_tanh``, ``_matvec_add``, ...) are jitted too and the kernels call them by name.
  :func:`python_twin` rebinds those names to interpreted copies of the ``_py`` helpers, giving
  a kernel that runs entirely in the Python interpreter: the naive twin the tests compare with.
- Calls between jitted functions are not free in Numba (every array argument is passed as a
  struct of seven words, and a slice made in the time loop costs two atomic reference-count
  updates): helpers take whole arrays plus row indices, and the short per-step bookkeeping
  (input, output, divergence check, recording) is written out in each kernel.
- Kernels take arrays and scalars only, write into preallocated outputs, never validate and
  never draw random numbers: the noise or the inputs arrive in ``drive``.
- Weight matrices arrive transposed, shape (fan_in, fan_out), so that a matrix-vector product
  is a sequence of AXPYs over contiguous rows: vectorisable without reassociating any sum
  (``fastmath`` stays off, see :mod:`rnnmem._numba`).
- Many chains: :data:`BLOCKED_KERNELS` (linear chain, RNN, LSTM, GRU) holds kernels whose
  ``prange`` runs over blocks of chains advanced together, the loops over a block's chains
  innermost (see "Block helpers" below). Each chain goes through the operations of the
  per-chain kernel in the same order, so the outputs are the same bits whatever the block
  size; :func:`block_size` says when they are used (at least 16 chains per thread).
  MRNN(F) and MLSTM(F) have per-chain kernels only.
- Divergence: after each step, any non-finite or larger-than-``bound`` value in the output or
  the recorded state stops the chain; ``status[c]`` receives the step (counted from 0,
  burn-in included) and the unrecorded rest of its rows is filled with NaN. ``status[c] = -1``
  means the chain ran to the end.

Shared arguments
----------------
drive : (C, T, I)
    Driven mode: the inputs x_t. Autonomous mode: the noise eps_t (then I = O).
autonomous : bool
    If true, x_t = y_{t-1} and y_t = z_t + eps_t (ZH20 eq. 7) with y_0 = ``y0[c]``.
state0 : (C, S)
    Initial recorded state.
n_burn : int
    Steps run before recording starts.
outputs : (C, T - n_burn, O)
    y_t (autonomous) or z_t (driven).
inputs : (C, T - n_burn, I)
    The x_t fed to the network.
states : (C, T - n_burn, S) when ``record`` else (C, 0, S)
status : (C,) int64
"""

from __future__ import annotations

import math
import types

import numba
import numpy as np

from .._numba import jit, prange

__all__ = ["block_size", "python_twin"]

# Activation codes, in the order of rnnmem.networks.ACTIVATIONS and OUTPUTS.
TANH, RELU, SIGMOID, IDENTITY = 0, 1, 2, 3
OUT_IDENTITY, OUT_TANH, OUT_SIGMOID = 0, 1, 2


# ---------------------------------------------------------------------------------------------
# Scalar and vector helpers


# Elementary functions. glibc's tanh and exp are scalar calls that LLVM cannot vectorise, and
# they dominated the cost of a step (about 15 ns each, against about 1.2 ns for the code below
# once vectorised). Both reduce y = k ln2 + r (Cody-Waite split of ln2) and take exp(r) as the
# Pade approximant P(r) / P(-r), P(r) = E(r^2) + r O(r^2): E - 1 and O are short polynomials in
# r^2, independent of each other, and the one division is merged with the function's own
# division. This replaced a degree-13 Taylor polynomial of expm1(r) (one 26-operation chain
# plus the division): 20% (tanh) and 30% (sigmoid) fewer nanoseconds per value in the
# vectorised loops, at the same accuracy (maximum 2 ulp against 40-digit mpmath over 165 000
# arguments, mean 0.32 and 0.35 ulp; tests/simulate/test_kernels_networks.py checks them).
#
# - tanh(v) = sign(v) a / (a + 2 D) with e^y = 2^k N / D, y = 2|v|, a = 2^k N - D: k is the
#   floor of y / ln2, so 0 <= r < ln2 (Pade [7/7], truncation below 1e-18 relative) and a is a
#   sum of non-negative terms, computed as (2^k - 1) + ((2^k - 1) (E - 1) + (2^k + 1) w),
#   w = r O. For k = 0 (y < ln2) the denominator is taken as 2 E (then tanh(v) = w / E, the
#   Pade approximant of tanh itself). 2^k is float(1 << k), a vector shift and conversion,
#   exact for k <= 58 (|v| >= 20 is clamped: tanh rounds to 1 there).
# - sigmoid(v) = D / (D + 2^-k N) for v >= 0 and 2^-k N / (D + 2^-k N) otherwise, e^-|v| =
#   2^-k N / D with k the nearest integer to |v| / ln2 (|r| <= ln2 / 2, Pade [6/6], truncation
#   below 2e-19), 2^-k from a table (k reaches 1075).
#
# ``k`` is computed from a NaN-free copy of y so that a NaN argument gives a NaN, not an invalid
# shift or table index. Divisions use ``np.divide``: Python's "/" carries a zero-division check
# that stops vectorisation (and no denominator here can be 0).

_LN2_HI = 6.93147180369123816490e-01
_LN2_LO = 1.90821492927058770002e-10
_INV_LN2 = 1.44269504088896338700e00
_NEG_POW2 = 2.0 ** -np.arange(1076.0)  # 2^-k, k = 0..1075 (2^-1075 rounds to 0)


def _pade_exp_coefficients(n):
    """Coefficients p_1..p_n of P(r) = sum_j p_j r^j, P(r) / P(-r) the [n/n] Pade of exp."""
    full = math.factorial(2 * n)
    return tuple(
        math.factorial(2 * n - j) * math.factorial(n) / (full * math.factorial(j) * math.factorial(n - j))
        for j in range(1, n + 1)
    )


_P1, _P2, _P3, _P4, _P5, _P6 = _pade_exp_coefficients(6)
_Q1, _Q2, _Q3, _Q4, _Q5, _Q6, _Q7 = _pade_exp_coefficients(7)


def _tanh_py(v):
    """tanh(v) within 2 ulp; NaN stays NaN (see the comment above)."""
    y = 40.0 if abs(v) >= 20.0 else 2.0 * abs(v)
    y_index = y if y <= 40.0 else 0.0
    k = int(y_index * _INV_LN2)
    r = (y - k * _LN2_HI) - k * _LN2_LO
    s = r * r
    em = s * (_Q2 + s * (_Q4 + s * _Q6))  # E - 1
    w = 0.5 * r + (r * s) * (_Q3 + s * (_Q5 + s * _Q7))  # r O, Q1 = 1/2
    scale = float(1 << k)
    sm = scale - 1.0
    a = sm + (sm * em + (scale + 1.0) * w)
    den = 2.0 + 2.0 * em if k == 0 else a + (2.0 + 2.0 * (em - w))
    return math.copysign(np.divide(a, den), v)


_tanh = jit(_tanh_py)


def _sigmoid_py(v):
    """Logistic function 1 / (1 + exp(-v)) without overflow, within 2 ulp; NaN stays NaN."""
    y = min(745.0, abs(v))
    y_index = y if y <= 745.0 else 0.0
    k = int(y_index * _INV_LN2 + 0.5)
    r = (y - k * _LN2_HI) - k * _LN2_LO
    s = r * r
    e = 1.0 + s * (_P2 + s * (_P4 + s * _P6))
    w = r * (_P1 + s * (_P3 + s * _P5))
    den = e + w  # e^-y = 2^-k (e - w) / (e + w)
    u = _NEG_POW2[k] * (e - w)
    top = den if v >= 0.0 else u
    return v if math.isnan(v) else np.divide(top, den + u)


_sigmoid = jit(_sigmoid_py)


def _activate_py(v, code):
    """Hidden activation by code: 0 tanh, 1 relu, 2 sigmoid, 3 identity."""
    if code == 0:
        return _tanh(v)
    if code == 1:
        return max(0.0, v)
    if code == 2:
        return _sigmoid(v)
    return v


_activate = jit(_activate_py)


def _output_py(v, code):
    """Output function g by code: 0 identity, 1 tanh, 2 sigmoid."""
    if code == 1:
        return _tanh(v)
    if code == 2:
        return _sigmoid(v)
    return v


_output = jit(_output_py)


# Vector helpers. They take whole arrays plus row indices and offsets rather than slices:
# a slice made inside the time loop costs two atomic reference-count updates in Numba, which
# was a third of the cost of a step at H = 8. The loops over j are contiguous and free of
# reductions, so LLVM vectorises them without reassociating any sum.


def _activate_row_py(dst, row, offset, a, code):
    """dst[row, offset + j] = activation(a[j]) for every j; the branch is outside the loops."""
    n = a.shape[0]
    if code == 0:
        for j in range(n):
            dst[row, offset + j] = _tanh(a[j])
    elif code == 1:
        for j in range(n):
            dst[row, offset + j] = max(0.0, a[j])
    elif code == 2:
        for j in range(n):
            dst[row, offset + j] = _sigmoid(a[j])
    else:
        for j in range(n):
            dst[row, offset + j] = a[j]


_activate_row = jit(_activate_row_py)


def _sigmoid_range_py(a, start, stop):
    """a[j] = sigmoid(a[j]) for start <= j < stop, in place."""
    for j in range(start, stop):
        a[j] = _sigmoid(a[j])


_sigmoid_range = jit(_sigmoid_range_py)


def _tanh_range_py(a, start, stop):
    """a[j] = tanh(a[j]) for start <= j < stop, in place."""
    for j in range(start, stop):
        a[j] = _tanh(a[j])


_tanh_range = jit(_tanh_range_py)


def _copy_row_py(dst, src, row):
    """dst[j] = src[row, j] for every j of dst."""
    for j in range(dst.shape[0]):
        dst[j] = src[row, j]


_copy_row = jit(_copy_row_py)


def _matvec_add_py(acc, weight, layer, v, row, offset):
    """acc[j] += sum_k weight[layer, k, j] * v[row, offset + k], summed in k order.

    ``weight`` has shape (layers, fan_in, fan_out): the transposed matrices of a stack.
    """
    n = acc.shape[0]
    for k in range(weight.shape[1]):
        vk = v[row, offset + k]
        for j in range(n):
            acc[j] += weight[layer, k, j] * vk


_matvec_add = jit(_matvec_add_py)


def _head_py(z, head_w, v, row, offset, bias, out_code):
    """z[o] = g(bias[o] + sum_k head_w[o, k] v[row, offset + k]), summed in k order.

    The head is a handful of dot products over contiguous rows of the untransposed head
    weight (few outputs: an AXPY form would vectorise over a length-1 axis).
    """
    for o in range(z.shape[0]):
        acc = bias[o]
        for k in range(head_w.shape[1]):
            acc += head_w[o, k] * v[row, offset + k]
        z[o] = _output(acc, out_code)


_head = jit(_head_py)


def _lstm_cell_py(gates, hc, layer, n_layers):
    """LSTM update from pre-activations (i, f, g, o) of H rows each, in one loop over units:
    c = sigmoid(f) c + sigmoid(i) tanh(g), h = sigmoid(o) tanh(c).

    ``hc`` has rows h^0..h^{L-1} then c^0..c^{L-1}.
    """
    hidden = hc.shape[1]
    cell_row = n_layers + layer
    for j in range(hidden):
        gate_i = _sigmoid(gates[j])
        gate_f = _sigmoid(gates[hidden + j])
        gate_g = _tanh(gates[2 * hidden + j])
        gate_o = _sigmoid(gates[3 * hidden + j])
        value = gate_f * hc[cell_row, j] + gate_i * gate_g
        hc[cell_row, j] = value
        hc[layer, j] = gate_o * _tanh(value)


_lstm_cell = jit(_lstm_cell_py)


def _gru_cell_py(a_in, a_hid, h, layer):
    """torch.nn.GRU update of h[layer] from the input part a_in and hidden part a_hid."""
    hidden = h.shape[1]
    for j in range(2 * hidden):
        a_in[j] = _sigmoid(a_in[j] + a_hid[j])
    for j in range(hidden):
        gate_n = _tanh(a_in[2 * hidden + j] + a_in[j] * a_hid[2 * hidden + j])
        gate_z = a_in[hidden + j]
        h[layer, j] = (1.0 - gate_z) * gate_n + gate_z * h[layer, j]


_gru_cell = jit(_gru_cell_py)


def _frac_diff_weights_py(d, weights, row):
    """weights[row, j] = w_j(d) of (1-B)^d, j = 0..K, by w_j = w_{j-1} (j-1-d)/j."""
    weights[row, 0] = 1.0
    for j in range(1, weights.shape[1]):
        weights[row, j] = weights[row, j - 1] * ((j - 1 - d) / j)


_frac_diff_weights = jit(_frac_diff_weights_py)


def _ring_dot_py(weights, buffer, row, newest):
    """sum_{j=1}^{K} weights[row, j] * buffer[row, (newest - j + 1) mod K], lag order."""
    k_len = buffer.shape[1]
    acc = 0.0
    idx = newest
    for j in range(1, k_len + 1):
        acc += weights[row, j] * buffer[row, idx]
        idx -= 1
        if idx < 0:
            idx = k_len - 1
    return acc


_ring_dot = jit(_ring_dot_py)


def _exceeds_py(values, bound):
    """True if some value is NaN, infinite or larger than ``bound`` in absolute value."""
    for k in range(values.shape[0]):
        if not abs(values[k]) <= bound:
            return True
    return False


_exceeds = jit(_exceeds_py)


def _stop_py(c, t, n_burn, outputs, inputs, states, record, status):
    """Mark chain c as diverged at step t and fill its unrecorded rows with NaN."""
    status[c] = t
    r = max(t - n_burn, 0)
    outputs[c, r:, :] = np.nan
    inputs[c, r:, :] = np.nan
    if record:
        states[c, r:, :] = np.nan


_stop = jit(_stop_py)


def _as_stack_py(matrix):
    """View a transposed weight matrix (fan_in, fan_out) as a one-layer stack."""
    return matrix.reshape((1, matrix.shape[0], matrix.shape[1]))


_as_stack = jit(_as_stack_py)


# ---------------------------------------------------------------------------------------------
# Block helpers: several chains advanced together
#
# The blocked kernels advance a block of chains together in each ``prange`` iteration. A
# block's vectors are 2-D arrays with one row per unit and one column per chain ("lane"), so
# the innermost loops run over the block's chains: contiguous, of the same length whatever the
# hidden size, and vectorised by LLVM without reassociating anything. Every (unit, chain)
# element goes through exactly the operations of the per-chain kernels in the same order, so
# both give the same bits. Chains in a block stay independent: a chain that diverges is
# stopped on its own while the rest of its block continues.
#
# Why units x chains and not chains x units (H contiguous, the per-chain layout): with the
# same unrolled product, 256 chains in blocks of 32, one thread, the units x chains layout
# ran 21.6 against 16.7 million RNN steps/s at H = 8 and 5.8 against 4.4 at H = 32 (its inner
# loops have the block's length, not H's, and at H = 8 the other layout's are one vector
# long). Its one drawback, blocks of fewer than 8 chains run in scalar code, is avoided by
# using the per-chain kernels there (:func:`block_size`).


def _block_fill_py(acc, src, row):
    """acc[j, b] = src[row, j] for every unit j and lane b."""
    for j in range(acc.shape[0]):
        value = src[row, j]
        for b in range(acc.shape[1]):
            acc[j, b] = value


_block_fill = jit(_block_fill_py)


def _block_matvec_add_py(acc, weight, layer, v, row0):
    """acc[j, b] += sum_k weight[layer, k, j] * v[row0 + k, b], summed in k order for each b.

    The same sums as :func:`_matvec_add` for each lane b, term by term: the four terms of an
    unrolled step are added left to right, ((acc + w0 v0) + w1 v1) + ..., exactly the
    sequence of the plain loop. Unrolling four k and two j per pass over the lanes cuts the
    loads and stores of ``acc`` (the bottleneck: a store per multiply-add in the plain loop)
    and the number of short inner loops, each of which pays LLVM's runtime alias checks;
    measured 1.5x faster than the plain loop at H = 32 (32 lanes).
    """
    n, lanes = acc.shape
    fan_in = weight.shape[1]
    k_end = fan_in - fan_in % 4
    j_end = n - n % 2
    for k in range(0, k_end, 4):
        r = row0 + k
        for j in range(0, j_end, 2):
            p0, p1 = weight[layer, k, j], weight[layer, k + 1, j]
            p2, p3 = weight[layer, k + 2, j], weight[layer, k + 3, j]
            q0, q1 = weight[layer, k, j + 1], weight[layer, k + 1, j + 1]
            q2, q3 = weight[layer, k + 2, j + 1], weight[layer, k + 3, j + 1]
            for b in range(lanes):
                v0, v1, v2, v3 = v[r, b], v[r + 1, b], v[r + 2, b], v[r + 3, b]
                acc[j, b] = acc[j, b] + p0 * v0 + p1 * v1 + p2 * v2 + p3 * v3
                acc[j + 1, b] = acc[j + 1, b] + q0 * v0 + q1 * v1 + q2 * v2 + q3 * v3
        for j in range(j_end, n):
            p0, p1 = weight[layer, k, j], weight[layer, k + 1, j]
            p2, p3 = weight[layer, k + 2, j], weight[layer, k + 3, j]
            for b in range(lanes):
                v0, v1, v2, v3 = v[r, b], v[r + 1, b], v[r + 2, b], v[r + 3, b]
                acc[j, b] = acc[j, b] + p0 * v0 + p1 * v1 + p2 * v2 + p3 * v3
    for k in range(k_end, fan_in):
        r = row0 + k
        for j in range(n):
            w = weight[layer, k, j]
            for b in range(lanes):
                acc[j, b] += w * v[r, b]


_block_matvec_add = jit(_block_matvec_add_py)


def _block_activate_py(dst, row0, a, code):
    """dst[row0 + j, b] = activation(a[j, b]); the branch is outside the loops."""
    n, lanes = a.shape
    if code == 0:
        for j in range(n):
            for b in range(lanes):
                dst[row0 + j, b] = _tanh(a[j, b])
    elif code == 1:
        for j in range(n):
            for b in range(lanes):
                dst[row0 + j, b] = max(0.0, a[j, b])
    elif code == 2:
        for j in range(n):
            for b in range(lanes):
                dst[row0 + j, b] = _sigmoid(a[j, b])
    else:
        for j in range(n):
            for b in range(lanes):
                dst[row0 + j, b] = a[j, b]


_block_activate = jit(_block_activate_py)


def _block_head_py(y, head_t, v, row0, bias, out_code):
    """y[o, b] = g(bias[o] + sum_k head_t[0, k, o] v[row0 + k, b]), summed in k order.

    ``head_t`` is the transposed head as a one-layer stack, (1, H, O); the sums are those of
    :func:`_head` lane by lane.
    """
    n_out, lanes = y.shape
    for o in range(n_out):
        for b in range(lanes):
            y[o, b] = bias[o]
    _block_matvec_add(y, head_t, 0, v, row0)
    if out_code != 0:
        for o in range(n_out):
            for b in range(lanes):
                y[o, b] = _output(y[o, b], out_code)


_block_head = jit(_block_head_py)


def _block_rows_py(a, start, stop, code):
    """a[j, b] = activation(a[j, b]) in place for start <= j < stop (codes of :func:`_activate`)."""
    lanes = a.shape[1]
    if code == 0:
        for j in range(start, stop):
            for b in range(lanes):
                a[j, b] = _tanh(a[j, b])
    elif code == 2:
        for j in range(start, stop):
            for b in range(lanes):
                a[j, b] = _sigmoid(a[j, b])


_block_rows = jit(_block_rows_py)


def _block_lstm_cell_py(gates, hc, layer, n_layers):
    """:func:`_lstm_cell` for every lane: ``gates`` (4H, lanes), ``hc`` (2 L H, lanes) with rows
    h^0..h^{L-1} then c^0..c^{L-1}.

    The gates are transformed in place first, one function per loop: each loop body then holds
    one long dependency chain (polynomial, division) instead of five, and the processor
    overlaps more iterations; 15% faster than one fused loop at H = 32, same values.
    """
    hidden = gates.shape[0] // 4
    lanes = gates.shape[1]
    h_row = layer * hidden
    c_row = (n_layers + layer) * hidden
    _block_rows(gates, 0, 2 * hidden, 2)  # i, f
    _block_rows(gates, 2 * hidden, 3 * hidden, 0)  # g
    _block_rows(gates, 3 * hidden, 4 * hidden, 2)  # o
    for j in range(hidden):
        for b in range(lanes):
            value = gates[hidden + j, b] * hc[c_row + j, b] + gates[j, b] * gates[2 * hidden + j, b]
            hc[c_row + j, b] = value
            hc[h_row + j, b] = gates[3 * hidden + j, b] * _tanh(value)


_block_lstm_cell = jit(_block_lstm_cell_py)


def _block_gru_cell_py(a_in, a_hid, h, row0):
    """:func:`_gru_cell` for every lane: ``a_in``, ``a_hid`` (3H, lanes), h^l at rows row0..."""
    hidden = a_in.shape[0] // 3
    lanes = a_in.shape[1]
    for j in range(2 * hidden):
        for b in range(lanes):
            a_in[j, b] = _sigmoid(a_in[j, b] + a_hid[j, b])
    for j in range(hidden):
        for b in range(lanes):
            gate_n = _tanh(a_in[2 * hidden + j, b] + a_in[j, b] * a_hid[2 * hidden + j, b])
            gate_z = a_in[hidden + j, b]
            h[row0 + j, b] = (1.0 - gate_z) * gate_n + gate_z * h[row0 + j, b]


_block_gru_cell = jit(_block_gru_cell_py)


def _flag_exceeding_py(bad, values, bound):
    """bad[b] |= some values[:, b] is NaN, infinite or larger than ``bound`` in absolute value.

    Row by row, so the loop over lanes is contiguous and vectorised (a column walk per chain
    cost a quarter of an LSTM step at H = 32).
    """
    for k in range(values.shape[0]):
        for b in range(values.shape[1]):
            bad[b] = bad[b] | (not abs(values[k, b]) <= bound)


_flag_exceeding = jit(_flag_exceeding_py)


def _lane_clear_py(values, lane):
    """Zero column ``lane``: a stopped chain's lane then computes on finite numbers."""
    for k in range(values.shape[0]):
        values[k, lane] = 0.0


_lane_clear = jit(_lane_clear_py)


# ---------------------------------------------------------------------------------------------
# Kernels, one per architecture family


def _linear_run_py(
    drive,
    autonomous,
    y0,
    state0,
    weight_t,
    n_burn,
    bound,
    outputs,
    inputs,
    states,
    record,
    status,
):
    """Linear chain: u = W (x_t, s_{t-1}); z_t = u[:p]; s_t = u[p:].

    weight_t : (n, n), the transpose of W.
    """
    n_chains, n_total, _ = drive.shape
    n = weight_t.shape[0]
    p = y0.shape[1]
    n_in = n_out = p
    weight = _as_stack(weight_t)
    for c in prange(n_chains):
        v = np.zeros((1, n))  # (x_t, s_{t-1})
        u = np.empty(n)
        z = np.empty(p)
        y = y0[c].copy()
        x = np.empty((1, p))
        state = state0[c].copy()
        for j in range(n - p):
            v[0, p + j] = state[j]
        for t in range(n_total):
            for k in range(n_in):
                x[0, k] = y[k] if autonomous else drive[c, t, k]
            for k in range(p):
                v[0, k] = x[0, k]
            for j in range(n):
                u[j] = 0.0
            _matvec_add(u, weight, 0, v, 0, 0)
            for k in range(p):
                z[k] = u[k]
            for j in range(n - p):
                v[0, p + j] = u[p + j]
                state[j] = u[p + j]
            # y_t = z_t (+ eps_t); divergence check; record after the burn-in.
            for o in range(n_out):
                y[o] = z[o] + drive[c, t, o] if autonomous else z[o]
            if _exceeds(y, bound) or _exceeds(state, bound):
                _stop(c, t, n_burn, outputs, inputs, states, record, status)
                break
            r = t - n_burn
            if r >= 0:
                for o in range(n_out):
                    outputs[c, r, o] = y[o]
                for k in range(n_in):
                    inputs[c, r, k] = x[0, k]
                if record:
                    for s in range(state.shape[0]):
                        states[c, r, s] = state[s]


def _rnn_run_py(
    drive,
    autonomous,
    y0,
    state0,
    wih0_t,
    wih_t,
    whh_t,
    bias,
    head_w,
    head_b,
    act_code,
    out_code,
    n_burn,
    bound,
    outputs,
    inputs,
    states,
    record,
    status,
):
    """Elman RNN stack. State layout (h^0, ..., h^{L-1}).

    wih0_t : (I, H); wih_t : (max(L-1, 1), H, H) (layers 1..L-1); whh_t : (L, H, H);
    bias : (L, H) = bias_ih + bias_hh; head_w : (O, H), not transposed; head_b : (O,).
    """
    n_chains, n_total, _ = drive.shape
    n_layers, hidden, _ = whh_t.shape
    n_in = wih0_t.shape[0]
    n_out = head_b.shape[0]
    wih0 = _as_stack(wih0_t)
    for c in prange(n_chains):
        state = state0[c].copy()
        h = state.reshape((n_layers, hidden))
        a = np.empty(hidden)
        x = np.empty((1, n_in))
        y = y0[c].copy()
        z = np.empty(n_out)
        for t in range(n_total):
            for k in range(n_in):
                x[0, k] = y[k] if autonomous else drive[c, t, k]
            for layer in range(n_layers):
                _copy_row(a, bias, layer)
                if layer == 0:
                    _matvec_add(a, wih0, 0, x, 0, 0)
                else:
                    _matvec_add(a, wih_t, layer - 1, h, layer - 1, 0)
                _matvec_add(a, whh_t, layer, h, layer, 0)
                _activate_row(h, layer, 0, a, act_code)
            _head(z, head_w, h, n_layers - 1, 0, head_b, out_code)
            # y_t = z_t (+ eps_t); divergence check; record after the burn-in.
            for o in range(n_out):
                y[o] = z[o] + drive[c, t, o] if autonomous else z[o]
            if _exceeds(y, bound) or _exceeds(state, bound):
                _stop(c, t, n_burn, outputs, inputs, states, record, status)
                break
            r = t - n_burn
            if r >= 0:
                for o in range(n_out):
                    outputs[c, r, o] = y[o]
                for k in range(n_in):
                    inputs[c, r, k] = x[0, k]
                if record:
                    for s in range(state.shape[0]):
                        states[c, r, s] = state[s]


def _lstm_run_py(
    drive,
    autonomous,
    y0,
    state0,
    wih0_t,
    wih_t,
    whh_t,
    bias,
    head_w,
    head_b,
    out_code,
    n_burn,
    bound,
    outputs,
    inputs,
    states,
    record,
    status,
):
    """LSTM stack, gate order (i, f, g, o). State layout (h^0..h^{L-1}, c^0..c^{L-1}).

    Shapes as in :func:`_rnn_run_py` with 4H gate rows.
    """
    n_chains, n_total, _ = drive.shape
    n_layers, hidden, _ = whh_t.shape
    n_in = wih0_t.shape[0]
    n_out = head_b.shape[0]
    wih0 = _as_stack(wih0_t)
    for c in prange(n_chains):
        state = state0[c].copy()
        hc = state.reshape((2 * n_layers, hidden))
        a = np.empty(4 * hidden)
        x = np.empty((1, n_in))
        y = y0[c].copy()
        z = np.empty(n_out)
        for t in range(n_total):
            for k in range(n_in):
                x[0, k] = y[k] if autonomous else drive[c, t, k]
            for layer in range(n_layers):
                _copy_row(a, bias, layer)
                if layer == 0:
                    _matvec_add(a, wih0, 0, x, 0, 0)
                else:
                    _matvec_add(a, wih_t, layer - 1, hc, layer - 1, 0)
                _matvec_add(a, whh_t, layer, hc, layer, 0)
                _lstm_cell(a, hc, layer, n_layers)
            _head(z, head_w, hc, n_layers - 1, 0, head_b, out_code)
            # y_t = z_t (+ eps_t); divergence check; record after the burn-in.
            for o in range(n_out):
                y[o] = z[o] + drive[c, t, o] if autonomous else z[o]
            if _exceeds(y, bound) or _exceeds(state, bound):
                _stop(c, t, n_burn, outputs, inputs, states, record, status)
                break
            r = t - n_burn
            if r >= 0:
                for o in range(n_out):
                    outputs[c, r, o] = y[o]
                for k in range(n_in):
                    inputs[c, r, k] = x[0, k]
                if record:
                    for s in range(state.shape[0]):
                        states[c, r, s] = state[s]


def _gru_run_py(
    drive,
    autonomous,
    y0,
    state0,
    wih0_t,
    wih_t,
    whh_t,
    bias_ih,
    bias_hh,
    head_w,
    head_b,
    out_code,
    n_burn,
    bound,
    outputs,
    inputs,
    states,
    record,
    status,
):
    """GRU stack, gate order (r, z, n) as torch.nn.GRU. State layout (h^0, ..., h^{L-1}).

    Shapes as in :func:`_rnn_run_py` with 3H gate rows; the two biases stay separate because
    b_hn sits inside the reset gate's product.
    """
    n_chains, n_total, _ = drive.shape
    n_layers, hidden, _ = whh_t.shape
    n_in = wih0_t.shape[0]
    n_out = head_b.shape[0]
    wih0 = _as_stack(wih0_t)
    for c in prange(n_chains):
        state = state0[c].copy()
        h = state.reshape((n_layers, hidden))
        a_in = np.empty(3 * hidden)
        a_hid = np.empty(3 * hidden)
        x = np.empty((1, n_in))
        y = y0[c].copy()
        z = np.empty(n_out)
        for t in range(n_total):
            for k in range(n_in):
                x[0, k] = y[k] if autonomous else drive[c, t, k]
            for layer in range(n_layers):
                _copy_row(a_in, bias_ih, layer)
                if layer == 0:
                    _matvec_add(a_in, wih0, 0, x, 0, 0)
                else:
                    _matvec_add(a_in, wih_t, layer - 1, h, layer - 1, 0)
                _copy_row(a_hid, bias_hh, layer)
                _matvec_add(a_hid, whh_t, layer, h, layer, 0)
                _gru_cell(a_in, a_hid, h, layer)
            _head(z, head_w, h, n_layers - 1, 0, head_b, out_code)
            # y_t = z_t (+ eps_t); divergence check; record after the burn-in.
            for o in range(n_out):
                y[o] = z[o] + drive[c, t, o] if autonomous else z[o]
            if _exceeds(y, bound) or _exceeds(state, bound):
                _stop(c, t, n_burn, outputs, inputs, states, record, status)
                break
            r = t - n_burn
            if r >= 0:
                for o in range(n_out):
                    outputs[c, r, o] = y[o]
                for k in range(n_in):
                    inputs[c, r, k] = x[0, k]
                if record:
                    for s in range(state.shape[0]):
                        states[c, r, s] = state[s]


def _mrnn_run_py(
    drive,
    autonomous,
    y0,
    state0,
    whx_t,
    whh_t,
    bias_h,
    wmf_t,
    wmm_t,
    bias_m,
    head_w,
    head_b,
    wd_t,
    bias_d,
    filter_length,
    dynamic,
    out_code,
    n_burn,
    bound,
    outputs,
    inputs,
    states,
    record,
    status,
):
    """MRNNF (``dynamic`` false) and MRNN. State layout (h, m) or (h, m, d).

    whx_t : (I, H); whh_t : (H, H); wmf_t : (I, M); wmm_t : (M, M); head_w : (O, H + M);
    wd_t : (2I + H + M, I), read only when ``dynamic``; bias_d : (I,).
    The inputs' ring buffer holds x_{t-K+1..t} per coordinate, zero at the start.
    """
    n_chains, n_total, _ = drive.shape
    hidden = whh_t.shape[0]
    memory = wmm_t.shape[0]
    n_in = whx_t.shape[0]
    n_out = head_b.shape[0]
    whx, whh, wmf, wmm = _as_stack(whx_t), _as_stack(whh_t), _as_stack(wmf_t), _as_stack(wmm_t)
    wd = _as_stack(wd_t)
    for c in prange(n_chains):
        state = state0[c].copy()
        sv = state.reshape((1, state.shape[0]))  # (h, m[, d]) as one row
        buffer = np.zeros((n_in, filter_length))
        weights = np.empty((n_in, filter_length + 1))
        d = np.empty(n_in)
        if dynamic:
            for i in range(n_in):
                d[i] = state[hidden + memory + i]
        else:
            for i in range(n_in):
                d[i] = 0.5 * _sigmoid(bias_d[i])
                _frac_diff_weights(d[i], weights, i)
        gate_in = np.empty((1, 2 * n_in + hidden + memory))  # [d_{t-1}, h, m, x_t]
        a_h = np.empty(hidden)
        a_m = np.empty(memory)
        filtered = np.empty((1, n_in))
        x = np.empty((1, n_in))
        y = y0[c].copy()
        z = np.empty(n_out)
        newest = filter_length - 1
        for t in range(n_total):
            for k in range(n_in):
                x[0, k] = y[k] if autonomous else drive[c, t, k]
            if dynamic:
                for i in range(n_in):
                    gate_in[0, i] = d[i]
                    gate_in[0, n_in + hidden + memory + i] = x[0, i]
                for j in range(hidden + memory):
                    gate_in[0, n_in + j] = state[j]
                for i in range(n_in):
                    d[i] = bias_d[i]
                _matvec_add(d, wd, 0, gate_in, 0, 0)
                for i in range(n_in):
                    d[i] = 0.5 * _sigmoid(d[i])
                    _frac_diff_weights(d[i], weights, i)
                    state[hidden + memory + i] = d[i]
            newest += 1
            if newest == filter_length:
                newest = 0
            for i in range(n_in):
                buffer[i, newest] = x[0, i]
                filtered[0, i] = _ring_dot(weights, buffer, i, newest)
            for j in range(hidden):
                a_h[j] = bias_h[j]
            _matvec_add(a_h, whx, 0, x, 0, 0)
            _matvec_add(a_h, whh, 0, sv, 0, 0)
            for j in range(memory):
                a_m[j] = bias_m[j]
            _matvec_add(a_m, wmf, 0, filtered, 0, 0)
            _matvec_add(a_m, wmm, 0, sv, 0, hidden)
            _activate_row(sv, 0, 0, a_h, 0)
            _activate_row(sv, 0, hidden, a_m, 0)
            _head(z, head_w, sv, 0, 0, head_b, out_code)
            # y_t = z_t (+ eps_t); divergence check; record after the burn-in.
            for o in range(n_out):
                y[o] = z[o] + drive[c, t, o] if autonomous else z[o]
            if _exceeds(y, bound) or _exceeds(state, bound):
                _stop(c, t, n_burn, outputs, inputs, states, record, status)
                break
            r = t - n_burn
            if r >= 0:
                for o in range(n_out):
                    outputs[c, r, o] = y[o]
                for k in range(n_in):
                    inputs[c, r, k] = x[0, k]
                if record:
                    for s in range(state.shape[0]):
                        states[c, r, s] = state[s]


def _mlstm_run_py(
    drive,
    autonomous,
    y0,
    state0,
    wih_t,
    whh_t,
    bias,
    head_w,
    head_b,
    wd_t,
    bias_d,
    filter_length,
    dynamic,
    out_code,
    n_burn,
    bound,
    outputs,
    inputs,
    states,
    record,
    status,
):
    """MLSTMF (``dynamic`` false) and MLSTM, gates (i, g, o). State (h, c) or (h, c, d).

    wih_t : (I, 3H); whh_t : (H, 3H); head_w : (O, H); wd_t : (2H + I, H), read only when
    ``dynamic``; bias_d : (H,). The cell's ring buffer holds c_{t-K..t-1} per unit; the initial
    cell state0 c-part is its most recent entry, older entries are zero.
    """
    n_chains, n_total, _ = drive.shape
    hidden = whh_t.shape[0]
    n_in = wih_t.shape[0]
    n_out = head_b.shape[0]
    wih, whh, wd = _as_stack(wih_t), _as_stack(whh_t), _as_stack(wd_t)
    for c in prange(n_chains):
        state = state0[c].copy()
        sv = state.reshape((1, state.shape[0]))  # (h, c[, d]) as one row
        buffer = np.zeros((hidden, filter_length))
        newest = 0
        for u in range(hidden):
            buffer[u, newest] = state[hidden + u]
        weights = np.empty((hidden, filter_length + 1))
        d = np.empty(hidden)
        if dynamic:
            for u in range(hidden):
                d[u] = state[2 * hidden + u]
        else:
            for u in range(hidden):
                d[u] = 0.5 * _sigmoid(bias_d[u])
                _frac_diff_weights(d[u], weights, u)
        gate_in = np.empty((1, 2 * hidden + n_in))  # [d_{t-1}, h_{t-1}, x_t]
        a = np.empty(3 * hidden)
        x = np.empty((1, n_in))
        y = y0[c].copy()
        z = np.empty(n_out)
        for t in range(n_total):
            for k in range(n_in):
                x[0, k] = y[k] if autonomous else drive[c, t, k]
            if dynamic:
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
            _sigmoid_range(a, 0, hidden)
            _tanh_range(a, hidden, 2 * hidden)
            _sigmoid_range(a, 2 * hidden, 3 * hidden)
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
            _head(z, head_w, sv, 0, 0, head_b, out_code)
            # y_t = z_t (+ eps_t); divergence check; record after the burn-in.
            for o in range(n_out):
                y[o] = z[o] + drive[c, t, o] if autonomous else z[o]
            if _exceeds(y, bound) or _exceeds(state, bound):
                _stop(c, t, n_burn, outputs, inputs, states, record, status)
                break
            r = t - n_burn
            if r >= 0:
                for o in range(n_out):
                    outputs[c, r, o] = y[o]
                for k in range(n_in):
                    inputs[c, r, k] = x[0, k]
                if record:
                    for s in range(state.shape[0]):
                        states[c, r, s] = state[s]


# ---------------------------------------------------------------------------------------------
# Blocked kernels: the same recursions, ``block`` chains per prange iteration
#
# Same arguments as the per-chain kernels plus ``block``, the number of chains per block (the
# last block takes the remainder). Results do not depend on ``block``: each chain's arithmetic
# is that of the per-chain kernel, operation for operation (see the block helpers). Block
# arrays have one column per chain of the block; ``running[b]`` is false once lane b's chain
# has diverged: its state and input columns are then zeroed, so the lane goes on computing
# finite numbers that nothing reads, while the other chains of its block continue.


def _linear_block_run_py(
    drive,
    autonomous,
    y0,
    state0,
    weight_t,
    n_burn,
    bound,
    outputs,
    inputs,
    states,
    record,
    status,
    block,
):
    """:func:`_linear_run_py` on blocks of ``block`` chains."""
    n_chains, n_total, _ = drive.shape
    n = weight_t.shape[0]
    p = y0.shape[1]
    n_in = n_out = p
    n_state = n - p
    weight = _as_stack(weight_t)
    n_blocks = (n_chains + block - 1) // block
    for blk in prange(n_blocks):
        first = blk * block
        lanes = min(block, n_chains - first)
        v = np.zeros((n, lanes))  # (x_t, s_{t-1}) per lane
        u = np.empty((n, lanes))
        y = np.empty((n_out, lanes))
        state = np.empty((n_state, lanes))
        running = np.ones(lanes, dtype=np.bool_)
        bad = np.empty(lanes, dtype=np.bool_)
        n_running = lanes
        for b in range(lanes):
            for o in range(n_out):
                y[o, b] = y0[first + b, o]
            for j in range(n_state):
                state[j, b] = state0[first + b, j]
                v[p + j, b] = state0[first + b, j]
        for t in range(n_total):
            for b in range(lanes):
                if running[b]:
                    for k in range(n_in):
                        v[k, b] = y[k, b] if autonomous else drive[first + b, t, k]
            for j in range(n):
                for b in range(lanes):
                    u[j, b] = 0.0
            _block_matvec_add(u, weight, 0, v, 0)
            for j in range(n_state):
                for b in range(lanes):
                    v[p + j, b] = u[p + j, b]
                    state[j, b] = u[p + j, b]
            for o in range(n_out):
                for b in range(lanes):
                    y[o, b] = u[o, b]
            # y_t = z_t (+ eps_t) and the divergence check for every lane at once; then each
            # running chain stops or, after the burn-in, records.
            if autonomous:
                for o in range(n_out):
                    for b in range(lanes):
                        y[o, b] = y[o, b] + drive[first + b, t, o]
            for b in range(lanes):
                bad[b] = False
            _flag_exceeding(bad, y, bound)
            _flag_exceeding(bad, state, bound)
            r = t - n_burn
            for b in range(lanes):
                if not running[b]:
                    continue
                c = first + b
                if bad[b]:
                    _stop(c, t, n_burn, outputs, inputs, states, record, status)
                    running[b] = False
                    n_running -= 1
                    _lane_clear(v, b)
                    _lane_clear(state, b)
                elif r >= 0:
                    for o in range(n_out):
                        outputs[c, r, o] = y[o, b]
                    for k in range(n_in):
                        inputs[c, r, k] = v[k, b]
                    if record:
                        for s in range(n_state):
                            states[c, r, s] = state[s, b]
            if n_running == 0:
                break


def _rnn_block_run_py(
    drive,
    autonomous,
    y0,
    state0,
    wih0_t,
    wih_t,
    whh_t,
    bias,
    head_w,
    head_b,
    act_code,
    out_code,
    n_burn,
    bound,
    outputs,
    inputs,
    states,
    record,
    status,
    block,
):
    """:func:`_rnn_run_py` on blocks of ``block`` chains. State rows h^0..h^{L-1}."""
    n_chains, n_total, _ = drive.shape
    n_layers, hidden, _ = whh_t.shape
    n_in = wih0_t.shape[0]
    n_out = head_b.shape[0]
    n_state = n_layers * hidden
    wih0 = _as_stack(wih0_t)
    head_t = _as_stack(np.ascontiguousarray(head_w.T))
    last = (n_layers - 1) * hidden
    n_blocks = (n_chains + block - 1) // block
    for blk in prange(n_blocks):
        first = blk * block
        lanes = min(block, n_chains - first)
        h = np.empty((n_state, lanes))
        a = np.empty((hidden, lanes))
        x = np.zeros((n_in, lanes))
        y = np.empty((n_out, lanes))
        running = np.ones(lanes, dtype=np.bool_)
        bad = np.empty(lanes, dtype=np.bool_)
        n_running = lanes
        for b in range(lanes):
            for s in range(n_state):
                h[s, b] = state0[first + b, s]
            for o in range(n_out):
                y[o, b] = y0[first + b, o]
        for t in range(n_total):
            for b in range(lanes):
                if running[b]:
                    for k in range(n_in):
                        x[k, b] = y[k, b] if autonomous else drive[first + b, t, k]
            for layer in range(n_layers):
                _block_fill(a, bias, layer)
                if layer == 0:
                    _block_matvec_add(a, wih0, 0, x, 0)
                else:
                    _block_matvec_add(a, wih_t, layer - 1, h, (layer - 1) * hidden)
                _block_matvec_add(a, whh_t, layer, h, layer * hidden)
                _block_activate(h, layer * hidden, a, act_code)
            _block_head(y, head_t, h, last, head_b, out_code)
            # y_t = z_t (+ eps_t) and the divergence check for every lane at once; then each
            # running chain stops or, after the burn-in, records.
            if autonomous:
                for o in range(n_out):
                    for b in range(lanes):
                        y[o, b] = y[o, b] + drive[first + b, t, o]
            for b in range(lanes):
                bad[b] = False
            _flag_exceeding(bad, y, bound)
            _flag_exceeding(bad, h, bound)
            r = t - n_burn
            for b in range(lanes):
                if not running[b]:
                    continue
                c = first + b
                if bad[b]:
                    _stop(c, t, n_burn, outputs, inputs, states, record, status)
                    running[b] = False
                    n_running -= 1
                    _lane_clear(h, b)
                    _lane_clear(x, b)
                elif r >= 0:
                    for o in range(n_out):
                        outputs[c, r, o] = y[o, b]
                    for k in range(n_in):
                        inputs[c, r, k] = x[k, b]
                    if record:
                        for s in range(n_state):
                            states[c, r, s] = h[s, b]
            if n_running == 0:
                break


def _lstm_block_run_py(
    drive,
    autonomous,
    y0,
    state0,
    wih0_t,
    wih_t,
    whh_t,
    bias,
    head_w,
    head_b,
    out_code,
    n_burn,
    bound,
    outputs,
    inputs,
    states,
    record,
    status,
    block,
):
    """:func:`_lstm_run_py` on blocks of ``block`` chains. State rows h^0..h^{L-1},
    c^0..c^{L-1}."""
    n_chains, n_total, _ = drive.shape
    n_layers, hidden, _ = whh_t.shape
    n_in = wih0_t.shape[0]
    n_out = head_b.shape[0]
    n_state = 2 * n_layers * hidden
    wih0 = _as_stack(wih0_t)
    head_t = _as_stack(np.ascontiguousarray(head_w.T))
    last = (n_layers - 1) * hidden
    n_blocks = (n_chains + block - 1) // block
    for blk in prange(n_blocks):
        first = blk * block
        lanes = min(block, n_chains - first)
        hc = np.empty((n_state, lanes))
        a = np.empty((4 * hidden, lanes))
        x = np.zeros((n_in, lanes))
        y = np.empty((n_out, lanes))
        running = np.ones(lanes, dtype=np.bool_)
        bad = np.empty(lanes, dtype=np.bool_)
        n_running = lanes
        for b in range(lanes):
            for s in range(n_state):
                hc[s, b] = state0[first + b, s]
            for o in range(n_out):
                y[o, b] = y0[first + b, o]
        for t in range(n_total):
            for b in range(lanes):
                if running[b]:
                    for k in range(n_in):
                        x[k, b] = y[k, b] if autonomous else drive[first + b, t, k]
            for layer in range(n_layers):
                _block_fill(a, bias, layer)
                if layer == 0:
                    _block_matvec_add(a, wih0, 0, x, 0)
                else:
                    _block_matvec_add(a, wih_t, layer - 1, hc, (layer - 1) * hidden)
                _block_matvec_add(a, whh_t, layer, hc, layer * hidden)
                _block_lstm_cell(a, hc, layer, n_layers)
            _block_head(y, head_t, hc, last, head_b, out_code)
            # y_t = z_t (+ eps_t) and the divergence check for every lane at once; then each
            # running chain stops or, after the burn-in, records.
            if autonomous:
                for o in range(n_out):
                    for b in range(lanes):
                        y[o, b] = y[o, b] + drive[first + b, t, o]
            for b in range(lanes):
                bad[b] = False
            _flag_exceeding(bad, y, bound)
            _flag_exceeding(bad, hc, bound)
            r = t - n_burn
            for b in range(lanes):
                if not running[b]:
                    continue
                c = first + b
                if bad[b]:
                    _stop(c, t, n_burn, outputs, inputs, states, record, status)
                    running[b] = False
                    n_running -= 1
                    _lane_clear(hc, b)
                    _lane_clear(x, b)
                elif r >= 0:
                    for o in range(n_out):
                        outputs[c, r, o] = y[o, b]
                    for k in range(n_in):
                        inputs[c, r, k] = x[k, b]
                    if record:
                        for s in range(n_state):
                            states[c, r, s] = hc[s, b]
            if n_running == 0:
                break


def _gru_block_run_py(
    drive,
    autonomous,
    y0,
    state0,
    wih0_t,
    wih_t,
    whh_t,
    bias_ih,
    bias_hh,
    head_w,
    head_b,
    out_code,
    n_burn,
    bound,
    outputs,
    inputs,
    states,
    record,
    status,
    block,
):
    """:func:`_gru_run_py` on blocks of ``block`` chains. State rows h^0..h^{L-1}."""
    n_chains, n_total, _ = drive.shape
    n_layers, hidden, _ = whh_t.shape
    n_in = wih0_t.shape[0]
    n_out = head_b.shape[0]
    n_state = n_layers * hidden
    wih0 = _as_stack(wih0_t)
    head_t = _as_stack(np.ascontiguousarray(head_w.T))
    last = (n_layers - 1) * hidden
    n_blocks = (n_chains + block - 1) // block
    for blk in prange(n_blocks):
        first = blk * block
        lanes = min(block, n_chains - first)
        h = np.empty((n_state, lanes))
        a_in = np.empty((3 * hidden, lanes))
        a_hid = np.empty((3 * hidden, lanes))
        x = np.zeros((n_in, lanes))
        y = np.empty((n_out, lanes))
        running = np.ones(lanes, dtype=np.bool_)
        bad = np.empty(lanes, dtype=np.bool_)
        n_running = lanes
        for b in range(lanes):
            for s in range(n_state):
                h[s, b] = state0[first + b, s]
            for o in range(n_out):
                y[o, b] = y0[first + b, o]
        for t in range(n_total):
            for b in range(lanes):
                if running[b]:
                    for k in range(n_in):
                        x[k, b] = y[k, b] if autonomous else drive[first + b, t, k]
            for layer in range(n_layers):
                _block_fill(a_in, bias_ih, layer)
                if layer == 0:
                    _block_matvec_add(a_in, wih0, 0, x, 0)
                else:
                    _block_matvec_add(a_in, wih_t, layer - 1, h, (layer - 1) * hidden)
                _block_fill(a_hid, bias_hh, layer)
                _block_matvec_add(a_hid, whh_t, layer, h, layer * hidden)
                _block_gru_cell(a_in, a_hid, h, layer * hidden)
            _block_head(y, head_t, h, last, head_b, out_code)
            # y_t = z_t (+ eps_t) and the divergence check for every lane at once; then each
            # running chain stops or, after the burn-in, records.
            if autonomous:
                for o in range(n_out):
                    for b in range(lanes):
                        y[o, b] = y[o, b] + drive[first + b, t, o]
            for b in range(lanes):
                bad[b] = False
            _flag_exceeding(bad, y, bound)
            _flag_exceeding(bad, h, bound)
            r = t - n_burn
            for b in range(lanes):
                if not running[b]:
                    continue
                c = first + b
                if bad[b]:
                    _stop(c, t, n_burn, outputs, inputs, states, record, status)
                    running[b] = False
                    n_running -= 1
                    _lane_clear(h, b)
                    _lane_clear(x, b)
                elif r >= 0:
                    for o in range(n_out):
                        outputs[c, r, o] = y[o, b]
                    for k in range(n_in):
                        inputs[c, r, k] = x[k, b]
                    if record:
                        for s in range(n_state):
                            states[c, r, s] = h[s, b]
            if n_running == 0:
                break


# ---------------------------------------------------------------------------------------------
# Builds


_linear_run = jit(_linear_run_py)
_linear_run_par = jit(_linear_run_py, parallel=True)
_rnn_run = jit(_rnn_run_py)
_rnn_run_par = jit(_rnn_run_py, parallel=True)
_lstm_run = jit(_lstm_run_py)
_lstm_run_par = jit(_lstm_run_py, parallel=True)
_gru_run = jit(_gru_run_py)
_gru_run_par = jit(_gru_run_py, parallel=True)
_mrnn_run = jit(_mrnn_run_py)
_mrnn_run_par = jit(_mrnn_run_py, parallel=True)
_mlstm_run = jit(_mlstm_run_py)
_mlstm_run_par = jit(_mlstm_run_py, parallel=True)

#: Kernel families by name: (source, serial build, parallel build).
KERNELS = {
    "linear": (_linear_run_py, _linear_run, _linear_run_par),
    "rnn": (_rnn_run_py, _rnn_run, _rnn_run_par),
    "lstm": (_lstm_run_py, _lstm_run, _lstm_run_par),
    "gru": (_gru_run_py, _gru_run, _gru_run_par),
    "mrnn": (_mrnn_run_py, _mrnn_run, _mrnn_run_par),
    "mlstm": (_mlstm_run_py, _mlstm_run, _mlstm_run_par),
}

# Block sizes. LLVM vectorises the loops over lanes 8 doubles wide here (AVX-512) and runs
# what is left over in scalar code, so blocks are multiples of 8 chains. Measured on the
# 2-core development machine (one thread, 256 chains, RNN and LSTM at H = 8, 32 and 128): 64
# chains per block beat 32 (by 2% to 35%) and 16 at every size; blocks of 8 chains ran at
# 1.1x to 1.9x the per-chain kernels at H = 8 but 0.6x to 0.9x at H = 32 and 128, and fewer
# lanes were slower still, hence the per-chain kernels below 16 chains per thread.
LANE_WIDTH = 8
MAX_BLOCK = 64
MIN_BLOCK = 16


def block_size(n_chains, parallel):
    """Chains per block for the blocked kernels, or 0 when the per-chain kernels are faster.

    Parameters
    ----------
    n_chains : int
    parallel : bool
        Whether the parallel build runs: then every thread gets at least one block.

    Returns
    -------
    int
        A multiple of :data:`LANE_WIDTH` up to :data:`MAX_BLOCK`, or 0 if a thread would get
        fewer than :data:`MIN_BLOCK` chains. Results do not depend on it.
    """
    n_threads = numba.get_num_threads() if parallel else 1
    per_thread = -(-n_chains // n_threads)
    if per_thread < MIN_BLOCK:
        return 0
    return min(MAX_BLOCK, -(-per_thread // LANE_WIDTH) * LANE_WIDTH)


_linear_block_run = jit(_linear_block_run_py)
_linear_block_run_par = jit(_linear_block_run_py, parallel=True)
_rnn_block_run = jit(_rnn_block_run_py)
_rnn_block_run_par = jit(_rnn_block_run_py, parallel=True)
_lstm_block_run = jit(_lstm_block_run_py)
_lstm_block_run_par = jit(_lstm_block_run_py, parallel=True)
_gru_block_run = jit(_gru_block_run_py)
_gru_block_run_par = jit(_gru_block_run_py, parallel=True)

#: Blocked kernel families by name: (source, serial build, parallel build).
BLOCKED_KERNELS = {
    "linear": (_linear_block_run_py, _linear_block_run, _linear_block_run_par),
    "rnn": (_rnn_block_run_py, _rnn_block_run, _rnn_block_run_par),
    "lstm": (_lstm_block_run_py, _lstm_block_run, _lstm_block_run_par),
    "gru": (_gru_block_run_py, _gru_block_run, _gru_block_run_par),
}

_HELPER_NAMES = (
    "_tanh",
    "_sigmoid",
    "_activate",
    "_output",
    "_activate_row",
    "_sigmoid_range",
    "_tanh_range",
    "_copy_row",
    "_matvec_add",
    "_head",
    "_lstm_cell",
    "_gru_cell",
    "_frac_diff_weights",
    "_ring_dot",
    "_exceeds",
    "_stop",
    "_as_stack",
    "_block_fill",
    "_block_matvec_add",
    "_block_activate",
    "_block_head",
    "_block_lstm_cell",
    "_block_gru_cell",
    "_block_rows",
    "_flag_exceeding",
    "_lane_clear",
)


def _interpreted(function, namespace):
    return types.FunctionType(
        function.__code__, namespace, function.__name__, function.__defaults__, function.__closure__
    )


# One namespace for every twin, so that helpers calling helpers also stay interpreted.
_TWIN_NAMESPACE = dict(globals())
_TWIN_NAMESPACE["prange"] = range
for _name in _HELPER_NAMES:
    _TWIN_NAMESPACE[_name] = _interpreted(globals()[_name + "_py"], _TWIN_NAMESPACE)


def python_twin(function):
    """The interpreted twin of a kernel or helper: same code, every helper in plain Python.

    Parameters
    ----------
    function : callable
        One of the ``_..._py`` sources of this module.

    Returns
    -------
    callable
        A copy of ``function`` whose global names ``_sigmoid``, ``_matvec_add``, ... (and
        ``prange``) point to interpreted copies of the ``_py`` helpers, so nothing it runs is
        compiled.
    """
    twin = _interpreted(function, _TWIN_NAMESPACE)
    twin.__doc__ = function.__doc__
    return twin
