"""Memory-augmented recurrent modules of Zhao et al. (2020), Section 3, in PyTorch.

The equations are those of :mod:`rnnmem.networks` (THEORY.md §4); converting a module with
:func:`rnnmem.nn.to_network` copies its parameters.

Efficiency, by the structure of each model:

- MRNNF: the ordinary unit h and the memory unit m are plain RNN recurrences; the fixed-d
  filter is a causal depthwise convolution of the whole input sequence. All three run as fused
  library kernels (``nn.RNN`` and ``conv1d``); no Python step loop.
- MRNN: h is still one fused ``nn.RNN`` call; d_t and m_t depend on each other, so they run
  in a step loop, with the K filter weights of every input coordinate and batch element
  computed in one vectorised recursion per step and the input windows taken from an
  ``unfold`` view of the padded input (no copy).
- MLSTMF and MLSTM: the cell recursion needs a step loop. The cell history is kept as a list
  of the last cells and stacked for the weighted sum: an in-place ring buffer would be
  overwritten before the backward pass needs it.
"""

from __future__ import annotations

import torch
from torch import nn

from rnnmem._validation import as_bool, as_integer

__all__ = ["MRNNF", "MRNN", "MLSTMF", "MLSTM", "frac_diff_weights_torch"]


def frac_diff_weights_torch(d: torch.Tensor, filter_length: int) -> torch.Tensor:
    """w_1(d), ..., w_K(d) of (1-B)^d along a new last axis, differentiable in d.

    w_j = prod_{i=1}^{j} (i - 1 - d) / i (THEORY.md §1.1), shape ``d.shape + (K,)``.
    """
    j = torch.arange(1, filter_length + 1, dtype=d.dtype, device=d.device)
    return torch.cumprod((j - 1 - d.unsqueeze(-1)) / j, dim=-1)


def _d(bias: torch.Tensor) -> torch.Tensor:
    return 0.5 * torch.sigmoid(bias)


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
        h, h_last = self.rnn_h(x, h0)
        m, m_last = self.rnn_m(filtered, m0)
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
        h, h_last = self.rnn_h(x, h0)
        h_previous = torch.cat([h0, h[:-1]], dim=0)  # h_{t-1} for every t
        series = torch.cat([history, x.permute(1, 2, 0)], dim=2)  # (B, I, K-1+T)
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

    def forward(self, input, state=None):
        x = _time_major(input, self.batch_first)
        _check_input_size(x, self.input_size)
        h, cells, d = self.initial_state(x.shape[1]) if state is None else state
        cells = list(cells)
        H, K = self.hidden_size, self.filter_length
        projected = x @ self.weight_ih.T + self.bias  # (T, B, 3H), all steps at once
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
