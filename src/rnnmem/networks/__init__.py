"""Network parameter objects: what a recurrent network *is*.

Frozen dataclasses holding validated, read-only float64 weights, one class per architecture.
Both :mod:`rnnmem.theory` and :mod:`rnnmem.simulate` import this package; it imports neither.

Classes
-------
LinearChain
    The linear network process of Zhao et al. (2020), eq. (8).
RNN, LSTM, GRU
    Layer stacks in PyTorch's layout (gate orders i, f, g, o and r, z, n) with one output head.
MRNNF, MRNN, MLSTMF, MLSTM
    The memory-augmented networks of Zhao et al. (2020), Section 3.

Every class has ``random(input_size, hidden_size, *, scale=1.0, rng=None, ...)``, the sizes
``input_size``, ``output_size``, ``state_size``, and ``save(path)``; :func:`load` reads a
saved network back.
"""

from __future__ import annotations

from ._base import ACTIVATIONS, OUTPUTS, Network, load
from .linear import LinearChain
from .memory import MLSTM, MLSTMF, MRNN, MRNNF, bias_from_d, d_from_bias
from .recurrent import GRU, LSTM, RNN

__all__ = [
    "ACTIVATIONS",
    "GRU",
    "LSTM",
    "MLSTM",
    "MLSTMF",
    "MRNN",
    "MRNNF",
    "OUTPUTS",
    "RNN",
    "LinearChain",
    "Network",
    "bias_from_d",
    "d_from_bias",
    "load",
]
