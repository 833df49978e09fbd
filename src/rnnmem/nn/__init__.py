"""The PyTorch side: memory-augmented modules and conversion of ``torch.nn`` networks.

Importing this subpackage imports torch (``import rnnmem`` alone does not); install it with
``pip install "rnnmem[torch]"`` (on CPU-only machines install the CPU build of torch first).

:class:`MRNNF`, :class:`MRNN`, :class:`MLSTMF`, :class:`MLSTM`
    Zhao et al. (2020) memory networks as ``torch.nn.Module`` s.
:func:`load_network`
    Read a TorchScript file, a state_dict or (with ``trust=True``) a pickled module.
:func:`to_network`
    Convert ``nn.RNN`` / ``nn.LSTM`` / ``nn.GRU`` (any depth), their cell variants and the
    modules above into :mod:`rnnmem.networks` objects, exactly.
"""

try:
    import torch  # noqa: F401
except ImportError as error:  # pragma: no cover - exercised only without torch
    raise ImportError(
        "rnnmem.nn needs PyTorch; install it with `pip install \"rnnmem[torch]\"` "
        "(on a CPU-only machine install a CPU build of torch first)."
    ) from error

from .convert import to_network
from .load import from_state_dict, load_network
from .modules import MLSTM, MLSTMF, MRNN, MRNNF, frac_diff_weights_torch

__all__ = [
    "MRNNF",
    "MRNN",
    "MLSTMF",
    "MLSTM",
    "to_network",
    "load_network",
    "from_state_dict",
    "frac_diff_weights_torch",
]
