"""Loading saved PyTorch recurrent networks as :mod:`rnnmem.networks` objects."""

from __future__ import annotations

import os
import re
import warnings

import torch
from torch import nn

from rnnmem import networks

from .convert import to_network

__all__ = ["load_network", "from_state_dict"]

ARCHITECTURES = ("rnn", "rnn-tanh", "rnn-relu", "lstm", "gru")
_GATES = {1: "rnn", 3: "gru", 4: "lstm"}
_KEY = re.compile(r"^(weight|bias)_(ih|hh)_l(\d+)$")


def _architecture(state_dict, arch):
    if arch is not None and arch not in ARCHITECTURES:
        raise ValueError(f"`arch` must be one of {list(ARCHITECTURES)}; got arch={arch!r}.")
    if "weight_hh_l0" not in state_dict:
        raise ValueError(
            "the state_dict must be that of a torch.nn.RNN, LSTM or GRU (keys weight_ih_l0, "
            f"weight_hh_l0, ...); got keys {sorted(state_dict)[:6]}."
        )
    for key in state_dict:
        if key.endswith("_reverse"):
            raise ValueError(
                "the state_dict is that of a bidirectional network, which reads the future of "
                "the sequence: not a causal recurrent process, so it has no Markov chain to check."
            )
        if key.startswith("weight_hr"):
            raise ValueError("LSTMs with projections (proj_size > 0) are not supported.")
        if not _KEY.match(key):
            raise ValueError(f"the state_dict has an unexpected key {key!r} for an RNN/LSTM/GRU.")
    hidden_rows, hidden = state_dict["weight_hh_l0"].shape
    inferred = _GATES.get(hidden_rows // hidden) if hidden_rows % hidden == 0 else None
    if inferred is None:
        raise ValueError(
            f"weight_hh_l0 has shape {tuple(state_dict['weight_hh_l0'].shape)}, which is no "
            "RNN (H, H), GRU (3H, H) or LSTM (4H, H) layout."
        )
    if arch is not None and arch.split("-")[0] != inferred:
        raise ValueError(
            f"`arch` must match the parameter shapes; got arch={arch!r} but weight_hh_l0 has "
            f"the shape of an {inferred.upper()}."
        )
    return arch or inferred


def from_state_dict(state_dict, *, arch=None, head=None):
    """Network from the ``state_dict`` of ``nn.RNN``, ``nn.LSTM`` or ``nn.GRU``.

    Parameters
    ----------
    state_dict : mapping of str to torch.Tensor
    arch : {"rnn", "rnn-tanh", "rnn-relu", "lstm", "gru"}, optional
        The architecture; inferred from the shapes when None (an RNN is then taken as tanh:
        a state_dict does not record the nonlinearity).
    head : torch.nn.Linear, optional
        As in :func:`rnnmem.nn.to_network`.
    """
    arch = _architecture(state_dict, arch)
    layers = 1 + max(int(_KEY.match(key).group(3)) for key in state_dict)
    input_size = state_dict["weight_ih_l0"].shape[1]
    hidden = state_dict["weight_hh_l0"].shape[1]
    bias = "bias_ih_l0" in state_dict
    common = dict(input_size=input_size, hidden_size=hidden, num_layers=layers, bias=bias,
                  dtype=state_dict["weight_hh_l0"].dtype)
    if arch.startswith("rnn"):
        module = nn.RNN(nonlinearity="relu" if arch == "rnn-relu" else "tanh", **common)
    elif arch == "lstm":
        module = nn.LSTM(**common)
    else:
        module = nn.GRU(**common)
    module.load_state_dict(state_dict)
    return to_network(module, head=head)


def load_network(path, *, trust=False, arch=None) -> networks.Network:
    """Read a recurrent network saved by PyTorch and convert it exactly.

    Parameters
    ----------
    path : str or os.PathLike
        One of: a TorchScript file (``torch.jit.save``); a ``state_dict`` of ``nn.RNN``,
        ``nn.LSTM`` or ``nn.GRU`` (``torch.save(module.state_dict())``); or a whole module
        pickled by ``torch.save(module)``.
    trust : bool, default False
        Unpickling a whole module executes code stored in the file, so it is refused unless
        ``trust=True`` (the CLI's ``--trust``): pass it only for files from a source you trust.
        TorchScript files and state_dicts are read without executing code.
    arch : {"rnn", "rnn-tanh", "rnn-relu", "lstm", "gru"}, optional
        Architecture of a state_dict (inferred from the shapes when None).

    Returns
    -------
    rnnmem.networks.Network
    """
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise ValueError(f"`path` must be an existing file; got path={path!r} (no such file).")
    try:
        with warnings.catch_warnings():
            # torch 2.9+ deprecates TorchScript in favour of torch.export, but TorchScript files
            # are what users have; reading one is still supported.
            warnings.simplefilter("ignore", DeprecationWarning)
            scripted = torch.jit.load(path, map_location="cpu")
    except (RuntimeError, ValueError):
        scripted = None
    if scripted is not None:
        name = scripted.original_name.lower()
        if name == "rnn":
            name = f"rnn-{getattr(scripted, 'nonlinearity', 'tanh')}"
        if name not in ARCHITECTURES:
            raise ValueError(
                f"the TorchScript file holds a {scripted.original_name}; only scripted "
                "torch.nn.RNN, LSTM and GRU modules can be converted."
            )
        return from_state_dict(dict(scripted.state_dict()), arch=arch or name)
    try:
        content = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:  # noqa: BLE001 - torch raises several types for non-weights
        if not trust:
            raise ValueError(
                f"{path!r} is not a state_dict or TorchScript file; if it is a module pickled by "
                "torch.save(module), loading it executes code stored in the file: pass "
                "trust=True (--trust) only if you trust its origin."
            ) from error
        content = torch.load(path, map_location="cpu", weights_only=False)
    if isinstance(content, nn.Module):
        return to_network(content)
    if isinstance(content, dict):
        return from_state_dict(content, arch=arch)
    raise ValueError(
        f"{path!r} holds a {type(content).__name__}, not a module or a state_dict of an "
        "RNN/LSTM/GRU."
    )
