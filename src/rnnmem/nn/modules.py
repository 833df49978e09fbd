"""Memory-augmented recurrent modules of Zhao et al. (2020), Section 3, in PyTorch.

The equations are those of :mod:`rnnmem.networks` (THEORY.md §4); converting a module with
:func:`rnnmem.nn.to_network` copies its parameters.

Efficiency, by the structure of each model (measured in ``benchmarks/train.py``):

- MRNNF: the ordinary unit h and the memory unit m are plain RNN recurrences; the fixed-d
  filter is a causal depthwise convolution of the whole input sequence (``conv1d``). Each
  recurrence is one call of :func:`rnnmem.nn._recurrence.rnn_layer`: one autograd node
  whose forward and backward passes are Numba loops (torch's CPU ``nn.RNN`` is fused only
  in the forward pass and records one graph node per time step for the backward pass, which
  is several times slower at the ZH20 sizes). No Python step loop.
- MRNN: h is still one recurrence call; d_t and m_t depend on each other, so they run as
  one step recursion, :func:`rnnmem.nn._memory_kernels.memory_rnn`, again one autograd node
  with a Numba forward pass and a hand-written backward pass (all K filter weights of every
  input coordinate computed in one recursion per step).
- MLSTMF and MLSTM: the cell recursion is :func:`rnnmem.nn._memory_kernels.memory_lstm`,
  the fixed-d model being the special case of zero d-gate weights, so fixed and dynamic d
  cost the same. The cell history needs no buffer at all there: the kernel reads c_{t-j}
  from its own output array (the K cells before the sequence come from the state), and its
  backward pass, written by hand, never needs autograd to see a mutated tensor.

The torch step loops below remain the path for inputs that require a gradient and for
non-CPU devices, and the reference the kernels are tested against. In those loops the cell
history is a Python list of the last K cells, stacked every step. A tensor ring buffer
updated in place would be overwritten before the backward pass reads it; the autograd-safe
tensor alternative, a window rolled by ``torch.cat`` of the new cell onto the sliced
history, was measured against the list (``benchmarks/train.py``, column naive-cat) and is
about as fast at K = 25: neither matters next to the kernels, so the simpler list stays.
"""

from __future__ import annotations

import torch
from torch import nn

from rnnmem._validation import as_bool, as_integer

from ._memory_kernels import memory_lstm, memory_rnn
from ._recurrence import KERNELS as _KERNELS
from ._recurrence import rnn_layer

__all__ = ["MRNNF", "MRNN", "MLSTMF", "MLSTM", "frac_diff_weights_torch"]


def frac_diff_weights_torch(d: torch.Tensor, filter_length: int) -> torch.Tensor:
    """w_1(d), ..., w_K(d) of (1-B)^d along a new last axis, differentiable in d.

    w_j = prod_{i=1}^{j} (i - 1 - d) / i (THEORY.md §1.1), shape ``d.shape + (K,)``.
    """
    j = torch.arange(1, filter_length + 1, dtype=d.dtype, device=d.device)
    return torch.cumprod((j - 1 - d.unsqueeze(-1)) / j, dim=-1)


def _d(bias: torch.Tensor) -> torch.Tensor:
    return 0.5 * torch.sigmoid(bias)


def _use_kernels(x: torch.Tensor) -> bool:
    # The Numba recursions (rnnmem.nn._memory_kernels) run on CPU tensors and give no
    # gradient with respect to the input; otherwise the torch step loop below runs.
    return x.device.type == "cpu" and not x.requires_grad and _KERNELS["enabled"]



def _time_major(x: torch.Tensor, batch_first: bool) -> torch.Tensor:
    if x.dim() != 3:
        raise ValueError(
            "`input` must have shape (T, B, I) (or (B, T, I) with batch_first=True); "
            f"got shape {tuple(x.shape)}."
        )
    return x.transpose(0, 1) if batch_first else x


def _check_input_size(x: torch.Tensor, size: int) -> None:
    if x.shape[-1] != size:
        raise ValueError(f"`input` must have {size} features in its last axis; got {x.shape[-1]}.")


class _Memory(nn.Module):
    """Sizes, options and the linear output head shared by the four modules."""

    def __init__(self, input_size, hidden_size, output_size, filter_length, batch_first,
                 dtype, device):
        super().__init__()
        self.input_size = as_integer(input_size, "input_size", minimum=1)
        self.hidden_size = as_integer(hidden_size, "hidden_size", minimum=1)
        self.output_size = (self.input_size if output_size is None
                            else as_integer(output_size, "output_size", minimum=1))
        self.filter_length = as_integer(filter_length, "filter_length", minimum=1)
        self.batch_first = as_bool(batch_first, "batch_first")
        self._factory = {"dtype": dtype, "device": device}

    def _output(self, z: torch.Tensor) -> torch.Tensor:
        return z.transpose(0, 1) if self.batch_first else z


class MRNNF(_Memory):
    """Memory RNN with a fixed fractional filter on the inputs (Zhao et al. 2020, Section 3.1).

    h_t = tanh(W_hh h_{t-1} + W_hx x_t + b_h); F(x_t; d)_i = sum_{j=1}^{K} w_j(d_i) x_{i,t-j+1};
    m_t = tanh(W_mm m_{t-1} + W_mf F(x_t; d) + b_m); z_t = head([h_t, m_t]);
    d = 0.5 sigmoid(bias_d), one per input coordinate (0.25 at initialisation).

    Parameters
    ----------
    input_size, hidden_size : int
    memory_size : int, optional
        Width M of the memory unit (default ``hidden_size``).
    output_size : int, optional
        Outputs of the linear head (default ``input_size``).
    filter_length : int, default 100
        K.
    batch_first : bool, default False
    dtype, device : optional
        As for ``torch.nn`` modules (float32 and float64 supported).

    Notes
    -----
    ``forward(input, state=None)`` returns ``(output, state)``; ``state`` carries h, m and
    the last K - 1 inputs, so a long series can be processed in pieces. Filter histories start
    at zero.
    """

    def __init__(self, input_size, hidden_size, *, memory_size=None, output_size=None,
                 filter_length=100, batch_first=False, dtype=None, device=None):
        super().__init__(input_size, hidden_size, output_size, filter_length, batch_first,
                         dtype, device)
        self.memory_size = (self.hidden_size if memory_size is None
                            else as_integer(memory_size, "memory_size", minimum=1))
        f = self._factory
        self.rnn_h = nn.RNN(self.input_size, self.hidden_size, **f)
        self.rnn_m = nn.RNN(self.input_size, self.memory_size, **f)
        self.head = nn.Linear(self.hidden_size + self.memory_size, self.output_size, **f)
        self.bias_d = nn.Parameter(torch.zeros(self.input_size, **f))

    @property
    def d(self) -> torch.Tensor:
        """0.5 sigmoid(bias_d), one per input coordinate."""
        return _d(self.bias_d)

    def _filtered(self, x: torch.Tensor, history: torch.Tensor) -> torch.Tensor:
        # x: (T, B, I); history: (B, I, K-1), the inputs before x. Causal depthwise conv:
        # F_t = sum_{j=1}^{K} w_j x_{t-j+1}, so the kernel (read left to right) is w_K..w_1.
        K = self.filter_length
        series = torch.cat([history, x.permute(1, 2, 0)], dim=2)  # (B, I, K-1+T)
        kernel = frac_diff_weights_torch(self.d, K).flip(-1).unsqueeze(1)  # (I, 1, K)
        filtered = nn.functional.conv1d(series, kernel, groups=self.input_size)  # (B, I, T)
        return filtered.permute(2, 0, 1), series[:, :, series.shape[2] - (K - 1):]

    def initial_state(self, batch: int):
        """Zero h, m and filter history for ``batch`` sequences."""
        f = {"dtype": self.bias_d.dtype, "device": self.bias_d.device}
        return (torch.zeros(1, batch, self.hidden_size, **f),
                torch.zeros(1, batch, self.memory_size, **f),
                torch.zeros(batch, self.input_size, self.filter_length - 1, **f))

    def forward(self, input, state=None):
        x = _time_major(input, self.batch_first)
        _check_input_size(x, self.input_size)
        h0, m0, history = self.initial_state(x.shape[1]) if state is None else state
        filtered, history = self._filtered(x, history)
        h, h_last = rnn_layer(self.rnn_h, x, h0)
        m, m_last = rnn_layer(self.rnn_m, filtered, m0)
        z = self.head(torch.cat([h, m], dim=-1))
        return self._output(z), (h_last, m_last, history)


class MRNN(MRNNF):
    """Memory RNN with a dynamic d_t (Zhao et al. 2020, Section 3.1).

    As :class:`MRNNF`, with d_t = 0.5 sigmoid(W_d [d_{t-1}, h_{t-1}, m_{t-1}, x_t] + b_d),
    d_0 = 0, and m_t fed F(x_t; d_t). ``weight_d`` starts at zero, so d_t = 0.25 at
    initialisation, as in MRNNF.
    """

    def __init__(self, input_size, hidden_size, *, memory_size=None, output_size=None,
                 filter_length=100, batch_first=False, dtype=None, device=None):
        super().__init__(input_size, hidden_size, memory_size=memory_size,
                         output_size=output_size, filter_length=filter_length,
                         batch_first=batch_first, dtype=dtype, device=device)
        cols = 2 * self.input_size + self.hidden_size + self.memory_size
        self.weight_d = nn.Parameter(torch.zeros(self.input_size, cols, **self._factory))

    def initial_state(self, batch: int):
        """Zero h, m, filter history and d_0."""
        h0, m0, history = super().initial_state(batch)
        return h0, m0, history, torch.zeros(batch, self.input_size, dtype=h0.dtype,
                                            device=h0.device)

    def forward(self, input, state=None):
        x = _time_major(input, self.batch_first)
        _check_input_size(x, self.input_size)
        h0, m0, history, d = self.initial_state(x.shape[1]) if state is None else state
        K = self.filter_length
        h, h_last = rnn_layer(self.rnn_h, x, h0)
        h_previous = torch.cat([h0, h[:-1]], dim=0)  # h_{t-1} for every t
        series = torch.cat([history, x.permute(1, 2, 0)], dim=2)  # (B, I, K-1+T)
        if _use_kernels(x):
            b_m = self.rnn_m.bias_ih_l0 + self.rnn_m.bias_hh_l0
            m_all, d_all = memory_rnn(series, h_previous, m0[0], d, self.weight_d, self.bias_d,
                                      self.rnn_m.weight_hh_l0, self.rnn_m.weight_ih_l0, b_m)
            z = self.head(torch.cat([h, m_all], dim=-1))
            return self._output(z), (h_last, m_all[-1:], series[:, :, series.shape[2] - (K - 1):],
                                     d_all[-1])
        windows = series.unfold(2, K, 1)  # (B, I, T, K) view: x_{t-K+1..t}
        W_mf, W_mm = self.rnn_m.weight_ih_l0, self.rnn_m.weight_hh_l0
        b_m = self.rnn_m.bias_ih_l0 + self.rnn_m.bias_hh_l0
        m = m0[0]
        outputs = []
        for t in range(x.shape[0]):
            gate = torch.cat([d, h_previous[t], m, x[t]], dim=-1)
            d = _d(gate @ self.weight_d.T + self.bias_d)  # (B, I)
            weights = frac_diff_weights_torch(d, K).flip(-1)  # (B, I, K): w_K..w_1
            filtered = (windows[:, :, t, :] * weights).sum(-1)  # (B, I)
            m = torch.tanh(m @ W_mm.T + filtered @ W_mf.T + b_m)
            outputs.append(m)
        m_all = torch.stack(outputs)
        z = self.head(torch.cat([h, m_all], dim=-1))
        return self._output(z), (h_last, m[None], series[:, :, series.shape[2] - (K - 1):], d)


class MLSTMF(_Memory):
    """Memory LSTM with a fixed fractional filter on the cell (Zhao et al. 2020, Section 3.2).

    (i, g, o) = W_ih x_t + W_hh h_{t-1} + b, split in three blocks (PyTorch's LSTM order
    without the forget gate); c_t = -sum_{j=1}^{K} w_j(d) c_{t-j} + sigmoid(i) tanh(g);
    h_t = sigmoid(o) tanh(c_t); z_t = head(h_t); d = 0.5 sigmoid(bias_d), one per cell unit.

    Parameters
    ----------
    input_size, hidden_size : int
    output_size : int, optional
        Outputs of the linear head (default ``input_size``).
    filter_length : int, default 25
        K (Zhao et al. found K = 25 best for MLSTM(F)).
    batch_first : bool, default False
    dtype, device : optional

    Notes
    -----
    ``forward(input, state=None)`` returns ``(output, state)`` with state (h, cell history,
    d_t); the history starts at zero.
    """

    def __init__(self, input_size, hidden_size, *, output_size=None, filter_length=25,
                 batch_first=False, dtype=None, device=None):
        super().__init__(input_size, hidden_size, output_size, filter_length, batch_first,
                         dtype, device)
        f, H = self._factory, self.hidden_size
        bound = 1.0 / H**0.5
        self.weight_ih = nn.Parameter(torch.empty(3 * H, self.input_size, **f).uniform_(-bound, bound))
        self.weight_hh = nn.Parameter(torch.empty(3 * H, H, **f).uniform_(-bound, bound))
        self.bias = nn.Parameter(torch.empty(3 * H, **f).uniform_(-bound, bound))
        self.bias_d = nn.Parameter(torch.zeros(H, **f))
        self.head = nn.Linear(H, self.output_size, **f)

    @property
    def d(self) -> torch.Tensor:
        """0.5 sigmoid(bias_d), one per cell unit."""
        return _d(self.bias_d)

    def initial_state(self, batch: int):
        """Zero h, cell history (a list of K zero cells, newest last) and d_0."""
        zeros = torch.zeros(batch, self.hidden_size, dtype=self.bias.dtype,
                            device=self.bias.device)
        return zeros, [zeros] * self.filter_length, zeros

    def _d_step(self, d, h, x):
        """d for this step: fixed here, dynamic in :class:`MLSTM`."""
        return self.d.expand_as(h)

    def _d_gate(self, x):
        """(q_t, W_dd, W_dh) of d_t = 0.5 sigmoid(q_t + W_dd d_{t-1} + W_dh h_{t-1})."""
        H = self.hidden_size
        zeros = self.bias_d.new_zeros(H, H)  # fixed d: no recurrent d-gate weights
        return self.bias_d.expand(x.shape[0], x.shape[1], H), zeros, zeros

    def forward(self, input, state=None):
        x = _time_major(input, self.batch_first)
        _check_input_size(x, self.input_size)
        h, cells, d = self.initial_state(x.shape[1]) if state is None else state
        cells = list(cells)
        H, K = self.hidden_size, self.filter_length
        projected = x @ self.weight_ih.T + self.bias  # (T, B, 3H), all steps at once
        if _use_kernels(x):
            q, w_dd, w_dh = self._d_gate(x)
            history = torch.stack(cells[::-1], dim=-1)  # (B, H, K): c_{-1}, ..., c_{-K}
            h_all, c_all, d_all = memory_lstm(projected, q, self.weight_hh, w_dd, w_dh, h,
                                              history, d)
            cells = (cells + list(c_all[-K:].unbind(0)))[-K:]  # the K newest cells
            z = self.head(h_all)
            return self._output(z), (h_all[-1], cells, d_all[-1])
        outputs = []
        for t in range(x.shape[0]):
            d = self._d_step(d, h, x[t])
            weights = frac_diff_weights_torch(d, K)  # (B, H, K): w_1..w_K
            history = torch.stack(cells[::-1], dim=-1)  # (B, H, K): c_{t-1}, ..., c_{t-K}
            gates = projected[t] + h @ self.weight_hh.T
            i, g, o = gates[:, :H], gates[:, H : 2 * H], gates[:, 2 * H :]
            c = -(weights * history).sum(-1) + torch.sigmoid(i) * torch.tanh(g)
            h = torch.sigmoid(o) * torch.tanh(c)
            cells = cells[1:] + [c]
            outputs.append(h)
        z = self.head(torch.stack(outputs))
        return self._output(z), (h, cells, d)


class MLSTM(MLSTMF):
    """Memory LSTM with a dynamic d_t (Zhao et al. 2020, Section 3.2).

    As :class:`MLSTMF`, with d_t = 0.5 sigmoid(W_d [d_{t-1}, h_{t-1}, x_t] + b_d), d_0 = 0,
    computed at the start of each step. ``weight_d`` starts at zero (d_t = 0.25).
    """

    def __init__(self, input_size, hidden_size, *, output_size=None, filter_length=25,
                 batch_first=False, dtype=None, device=None):
        super().__init__(input_size, hidden_size, output_size=output_size,
                         filter_length=filter_length, batch_first=batch_first, dtype=dtype,
                         device=device)
        H = self.hidden_size
        self.weight_d = nn.Parameter(torch.zeros(H, 2 * H + self.input_size, **self._factory))

    def _d_step(self, d, h, x):
        return _d(torch.cat([d, h, x], dim=-1) @ self.weight_d.T + self.bias_d)

    def _d_gate(self, x):
        H = self.hidden_size
        q = x @ self.weight_d[:, 2 * H:].T + self.bias_d
        return q, self.weight_d[:, :H], self.weight_d[:, H : 2 * H]
