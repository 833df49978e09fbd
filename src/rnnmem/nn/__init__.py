"""The PyTorch side: memory-augmented modules, conversion of ``torch.nn`` networks, forecasting.

The torch-bound names below are loaded on first use, so the torch-free parts (the
``rnnmem reproduce`` command line and its bookkeeping, :mod:`rnnmem.nn.baselines`) import
without torch; touching a torch-bound name without torch installed raises an ImportError
that says how to install it (``pip install "rnnmem[torch]"``; on CPU-only machines install
the CPU build of torch first).

:class:`MRNNF`, :class:`MRNN`, :class:`MLSTMF`, :class:`MLSTM`
    Zhao et al. (2020) memory networks as ``torch.nn.Module`` s.
:func:`load_network`
    Read a TorchScript file, a state_dict or (with ``trust=True``) a pickled module.
:func:`to_network`
    Convert ``nn.RNN`` / ``nn.LSTM`` / ``nn.GRU`` (any depth), their cell variants and the
    modules above into :mod:`rnnmem.networks` objects, exactly.
:mod:`rnnmem.nn.forecast`
    One-step rolling forecasts by the protocol of Zhao et al. (2020), Section 5.1.
:mod:`rnnmem.nn.reproduce`
    Many (model, data set, seed) forecasting runs in parallel, resumable: ``rnnmem reproduce``.
"""

import importlib

_EXPORTS = {
    "MRNNF": "modules",
    "MRNN": "modules",
    "MLSTMF": "modules",
    "MLSTM": "modules",
    "frac_diff_weights_torch": "modules",
    "to_network": "convert",
    "load_network": "load",
    "from_state_dict": "load",
}

__all__ = list(_EXPORTS)


def require_torch():
    """Import torch, or raise an ImportError that says how to install it."""
    try:
        import torch
    except ImportError as error:  # pragma: no cover - exercised only without torch
        raise ImportError(
            "rnnmem.nn needs PyTorch for this; install it with `pip install \"rnnmem[torch]\"` "
            "(on a CPU-only machine install a CPU build of torch first)."
        ) from error
    return torch


def __getattr__(name):
    # PEP 562: import the torch-bound submodule only when one of its names is used.
    if name in _EXPORTS:
        require_torch()
        value = getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_EXPORTS))
