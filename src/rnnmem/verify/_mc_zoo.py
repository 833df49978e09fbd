"""Random networks for the calibration of :func:`rnnmem.verify.memory_report.memory_class`.

Shared by ``benchmarks/calibration_memory.py`` (the full study of issue 5) and its reduced
version in ``tests/verify/test_memory_class_calibration.py``, so that both draw the same
kinds of networks.
"""

from __future__ import annotations

import numpy as np

from rnnmem.networks import GRU, LSTM, MLSTMF, RNN

__all__ = ["mlstmf_cell", "random_mlstmf_cell", "random_short_memory_network"]


def random_short_memory_network(gen: np.random.Generator):
    """A random RNN (tanh), LSTM or GRU: geometrically ergodic, so short memory.

    Hidden size in {2, 4, 8, 16}, weight scale uniform in [0.3, 2]; LSTMs get a forget-gate
    bias shift of 0, 1 or 2 (slower forgetting, still short memory).

    Returns
    -------
    tuple
        (network, description).
    """
    kind = ("RNN", "LSTM", "GRU")[int(gen.integers(3))]
    hidden = int((2, 4, 8, 16)[int(gen.integers(4))])
    scale = float(gen.uniform(0.3, 2.0))
    seed = int(gen.integers(2**31))
    if kind == "RNN":
        return RNN.random(1, hidden, scale=scale, rng=seed), f"RNN(H={hidden}, scale={scale:.2f})"
    if kind == "GRU":
        return GRU.random(1, hidden, scale=scale, rng=seed), f"GRU(H={hidden}, scale={scale:.2f})"
    shift = float(gen.integers(3))
    net = LSTM.random(1, hidden, scale=scale, rng=seed)
    biases = [b.copy() for b in net.bias_ih]
    biases[0][hidden:2 * hidden] += shift
    net = LSTM(weight_ih=net.weight_ih, weight_hh=net.weight_hh, bias_ih=biases,
               bias_hh=net.bias_hh, head_weight=net.head_weight, head_bias=net.head_bias)
    return net, f"LSTM(H={hidden}, scale={scale:.2f}, forget shift {shift:g})"


def mlstmf_cell(d: float, filter_length: int, seed: int) -> MLSTMF:
    """One-unit MLSTMF cell: no recurrent weights into the gates (u_t = i_t g_t i.i.d.), so
    the cell state is the truncated (1-B)^(-d) filter of u (Zhao et al. 2020, Theorem 4)."""
    net = MLSTMF.random(1, 1, d=d, filter_length=filter_length, scale=0.5, rng=seed)
    return MLSTMF(weight_ih=net.weight_ih, weight_hh=np.zeros_like(net.weight_hh),
                  bias=net.bias, head_weight=net.head_weight, head_bias=net.head_bias,
                  bias_d=net.bias_d, filter_length=filter_length)


def random_mlstmf_cell(gen: np.random.Generator):
    """An MLSTMF cell with d uniform in [0.2, 0.45] and K in {1000, 1500, 2000}.

    Returns
    -------
    tuple
        (network, description).
    """
    d = float(gen.uniform(0.2, 0.45))
    K = int((1000, 1500, 2000)[int(gen.integers(3))])
    seed = int(gen.integers(2**31))
    return mlstmf_cell(d, K, seed), f"MLSTMF cell(d={d:.3f}, K={K})"
