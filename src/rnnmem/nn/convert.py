"""Exact conversion of PyTorch recurrent modules into :mod:`rnnmem.networks` objects."""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from rnnmem import networks

from . import modules as memory

__all__ = ["to_network"]


def _array(tensor) -> np.ndarray:
    return tensor.detach().to(dtype=torch.float64, device="cpu").numpy().copy()


def _head_arrays(head, hidden: int):
    if head is None:
        return np.eye(hidden), np.zeros(hidden)
    if not isinstance(head, nn.Linear):
        raise TypeError(f"`head` must be a torch.nn.Linear or None; got {type(head).__name__}.")
    if head.in_features != hidden:
        raise ValueError(
            f"`head` must take the last layer's hidden state ({hidden} features); got "
            f"in_features={head.in_features}."
        )
    bias = np.zeros(head.out_features) if head.bias is None else _array(head.bias)
    return _array(head.weight), bias


def _check_causal(module) -> None:
    if getattr(module, "bidirectional", False):
        raise ValueError(
            f"`module` must be unidirectional; got a bidirectional {type(module).__name__}. A "
            "bidirectional network reads the future of the sequence, so it is not a causal "
            "recurrent process and has no Markov chain to analyse."
        )
    if getattr(module, "proj_size", 0):
        raise ValueError(
            f"`module` must have proj_size=0; got proj_size={module.proj_size}. LSTMs with "
            "projections are not supported."
        )


def _stack(module, head):
    _check_causal(module)
    layers = range(module.num_layers)
    weight_ih = tuple(_array(getattr(module, f"weight_ih_l{k}")) for k in layers)
    weight_hh = tuple(_array(getattr(module, f"weight_hh_l{k}")) for k in layers)
    if module.bias:
        bias_ih = tuple(_array(getattr(module, f"bias_ih_l{k}")) for k in layers)
        bias_hh = tuple(_array(getattr(module, f"bias_hh_l{k}")) for k in layers)
    else:
        bias_ih = tuple(np.zeros(w.shape[0]) for w in weight_ih)
        bias_hh = bias_ih
    head_weight, head_bias = _head_arrays(head, module.hidden_size)
    return dict(weight_ih=weight_ih, weight_hh=weight_hh, bias_ih=bias_ih, bias_hh=bias_hh,
                head_weight=head_weight, head_bias=head_bias)


def _cell(cell, head):
    bias = cell.bias
    weight_ih, weight_hh = _array(cell.weight_ih), _array(cell.weight_hh)
    zeros = np.zeros(weight_ih.shape[0])
    head_weight, head_bias = _head_arrays(head, cell.hidden_size)
    return dict(weight_ih=(weight_ih,), weight_hh=(weight_hh,),
                bias_ih=(_array(cell.bias_ih) if bias else zeros,),
                bias_hh=(_array(cell.bias_hh) if bias else zeros,),
                head_weight=head_weight, head_bias=head_bias)


def _rnn_bias(rnn: nn.RNN) -> np.ndarray:
    return _array(rnn.bias_ih_l0 + rnn.bias_hh_l0)


def _memory_module(module, head):
    if head is not None:
        raise ValueError(
            f"`head` must be None for {type(module).__name__}, which has its own linear head."
        )
    if isinstance(module, memory.MRNNF):
        kwargs = dict(
            weight_hx=_array(module.rnn_h.weight_ih_l0), weight_hh=_array(module.rnn_h.weight_hh_l0),
            bias_h=_rnn_bias(module.rnn_h), weight_mf=_array(module.rnn_m.weight_ih_l0),
            weight_mm=_array(module.rnn_m.weight_hh_l0), bias_m=_rnn_bias(module.rnn_m),
            head_weight=_array(module.head.weight), head_bias=_array(module.head.bias),
            bias_d=_array(module.bias_d), filter_length=module.filter_length)
        if isinstance(module, memory.MRNN):
            return networks.MRNN(**kwargs, weight_d=_array(module.weight_d))
        return networks.MRNNF(**kwargs)
    kwargs = dict(
        weight_ih=_array(module.weight_ih), weight_hh=_array(module.weight_hh),
        bias=_array(module.bias), head_weight=_array(module.head.weight),
        head_bias=_array(module.head.bias), bias_d=_array(module.bias_d),
        filter_length=module.filter_length)
    if isinstance(module, memory.MLSTM):
        return networks.MLSTM(**kwargs, weight_d=_array(module.weight_d))
    return networks.MLSTMF(**kwargs)


def to_network(module, head=None):
    """Convert a PyTorch recurrent module into the equivalent :mod:`rnnmem.networks` object.

    Parameters
    ----------
    module : torch.nn.Module
        ``nn.RNN`` (tanh or relu, any depth, with or without bias), ``nn.LSTM`` (any depth,
        ``proj_size=0``), ``nn.GRU``, ``nn.RNNCell`` / ``nn.LSTMCell`` / ``nn.GRUCell``, or
        :class:`rnnmem.nn.MRNNF`, :class:`~rnnmem.nn.MRNN`, :class:`~rnnmem.nn.MLSTMF`,
        :class:`~rnnmem.nn.MLSTM`.
    head : torch.nn.Linear, optional
        Applied to the last layer's hidden state; without it the network's output is that
        hidden state (an identity head). Must be None for the memory modules (they have one).

    Returns
    -------
    rnnmem.networks.RNN, LSTM, GRU, MRNNF, MRNN, MLSTMF or MLSTM
        Weights copied as float64. Driven simulation of the result reproduces the module's
        outputs (dropout is not part of the network: convert a module in ``eval()`` mode).

    Raises
    ------
    TypeError
        For other module types.
    ValueError
        For bidirectional modules (not causal), LSTMs with projections, or a head of the
        wrong width.
    """
    if isinstance(module, (memory.MRNNF, memory.MLSTMF)):
        return _memory_module(module, head)
    if isinstance(module, nn.RNN):
        nonlinearity = module.nonlinearity
        return networks.RNN(**_stack(module, head), activation=nonlinearity)
    if isinstance(module, nn.LSTM):
        return networks.LSTM(**_stack(module, head))
    if isinstance(module, nn.GRU):
        return networks.GRU(**_stack(module, head))
    if isinstance(module, nn.RNNCell):
        return networks.RNN(**_cell(module, head), activation=module.nonlinearity)
    if isinstance(module, nn.LSTMCell):
        return networks.LSTM(**_cell(module, head))
    if isinstance(module, nn.GRUCell):
        return networks.GRU(**_cell(module, head))
    raise TypeError(
        "`module` must be a torch.nn.RNN, LSTM, GRU, one of their cells, or an rnnmem.nn memory "
        f"module; got {type(module).__name__}."
    )
