"""Elman RNN, LSTM and GRU stacks laid out exactly as PyTorch's ``torch.nn`` modules.

Layer l of a stack receives the hidden state of layer l-1 (layer 0 receives x_t); one output
head z_t = g(W h_t^{(L-1)} + b) reads the top layer. Weights follow PyTorch's names, shapes
and gate order (LSTM: i, f, g, o; GRU: r, z, n), with both ``bias_ih`` and ``bias_hh``, so
that converting a ``torch.nn.RNN/LSTM/GRU`` is a copy of ``weight_ih_l{k}`` and friends.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from .._rng import as_generator
from .._validation import as_choice
from ._base import (
    ACTIVATIONS,
    OUTPUTS,
    Network,
    _array,
    _layers,
    _normal,
    _register,
    _scale,
    _set,
    _size,
)

__all__ = ["GRU", "LSTM", "RNN"]


@dataclasses.dataclass(frozen=True, eq=False, kw_only=True)
class _Stack(Network):
    """Common fields and validation of the PyTorch-layout stacks (see subclasses)."""

    weight_ih: tuple
    weight_hh: tuple
    bias_ih: tuple
    bias_hh: tuple
    head_weight: np.ndarray
    head_bias: np.ndarray
    output: str = "identity"

    _gates = 1  # rows of weight_ih per hidden unit (PyTorch's gate count)

    def __post_init__(self):
        g = self._gates
        w_ih = _layers(self.weight_ih, "weight_ih", 2)
        w_hh = _layers(self.weight_hh, "weight_hh", 2)
        b_ih = _layers(self.bias_ih, "bias_ih", 1)
        b_hh = _layers(self.bias_hh, "bias_hh", 1)
        n_layers = len(w_ih)
        for name, seq in (("weight_hh", w_hh), ("bias_ih", b_ih), ("bias_hh", b_hh)):
            if len(seq) != n_layers:
                raise ValueError(
                    f"`{name}` must hold one array per layer ({n_layers}, as `weight_ih`); "
                    f"got {len(seq)}."
                )
        first = np.asarray(w_hh[0])
        if first.ndim != 2 or first.shape[1] < 1 or first.shape[0] != g * first.shape[1]:
            raise ValueError(
                f"`weight_hh[0]` must have shape ({g} * hidden_size, hidden_size); "
                f"got shape {first.shape}."
            )
        hidden = first.shape[1]
        first_ih = np.asarray(w_ih[0])
        if first_ih.ndim != 2 or first_ih.shape[1] < 1:
            raise ValueError(
                "`weight_ih[0]` must have shape "
                f"({g * hidden}, input_size) with input_size >= 1; got shape {first_ih.shape}."
            )
        inputs = first_ih.shape[1]
        why = f"for hidden_size={hidden}"
        new_ih, new_hh, new_bih, new_bhh = [], [], [], []
        for k in range(n_layers):
            fan_in = inputs if k == 0 else hidden
            new_ih.append(_array(w_ih[k], f"weight_ih[{k}]", (g * hidden, fan_in), why))
            new_hh.append(_array(w_hh[k], f"weight_hh[{k}]", (g * hidden, hidden), why))
            new_bih.append(_array(b_ih[k], f"bias_ih[{k}]", (g * hidden,), why))
            new_bhh.append(_array(b_hh[k], f"bias_hh[{k}]", (g * hidden,), why))
        head = np.asarray(self.head_weight)
        if head.ndim != 2 or head.shape[0] < 1:
            raise ValueError(
                f"`head_weight` must have shape (output_size, {hidden}) with output_size >= 1; "
                f"got shape {head.shape}."
            )
        head = _array(self.head_weight, "head_weight", (head.shape[0], hidden), why)
        bias = _array(self.head_bias, "head_bias", (head.shape[0],), "for the head's output_size")
        _set(self, "weight_ih", tuple(new_ih))
        _set(self, "weight_hh", tuple(new_hh))
        _set(self, "bias_ih", tuple(new_bih))
        _set(self, "bias_hh", tuple(new_bhh))
        _set(self, "head_weight", head)
        _set(self, "head_bias", bias)
        _set(self, "output", as_choice(self.output, "output", OUTPUTS))

    @property
    def hidden_size(self) -> int:
        """Units per layer."""
        return self.weight_hh[0].shape[1]

    @property
    def num_layers(self) -> int:
        """Number of stacked layers."""
        return len(self.weight_ih)

    @property
    def input_size(self) -> int:
        """Number of input coordinates x_t."""
        return self.weight_ih[0].shape[1]

    @property
    def output_size(self) -> int:
        """Number of head outputs z_t."""
        return self.head_weight.shape[0]

    @property
    def state_size(self) -> int:
        """num_layers * hidden_size: h of layer 0, then layer 1, ..."""
        return self.num_layers * self.hidden_size

    @classmethod
    def _random_arrays(cls, input_size, hidden_size, output_size, num_layers, scale, rng):
        inputs = _size(input_size, "input_size")
        hidden = _size(hidden_size, "hidden_size")
        outputs = inputs if output_size is None else _size(output_size, "output_size")
        layers = _size(num_layers, "num_layers")
        s = _scale(scale)
        gen = as_generator(rng)
        rows = cls._gates * hidden
        kwargs = {
            "weight_ih": tuple(
                _normal(
                    gen,
                    (rows, inputs if k == 0 else hidden),
                    s / np.sqrt(inputs if k == 0 else hidden),
                )
                for k in range(layers)
            ),
            "weight_hh": tuple(
                _normal(gen, (rows, hidden), s / np.sqrt(hidden)) for _ in range(layers)
            ),
            "bias_ih": tuple(_normal(gen, (rows,), s / np.sqrt(hidden)) for _ in range(layers)),
            "bias_hh": tuple(_normal(gen, (rows,), s / np.sqrt(hidden)) for _ in range(layers)),
            "head_weight": _normal(gen, (outputs, hidden), s / np.sqrt(hidden)),
            "head_bias": _normal(gen, (outputs,), s / np.sqrt(hidden)),
        }
        return kwargs

    @classmethod
    def random(
        cls,
        input_size,
        hidden_size,
        *,
        output_size=None,
        num_layers=1,
        scale=1.0,
        rng=None,
        output="identity",
    ):
        """Random weights, i.i.d. normal (LSTM and GRU; RNN adds ``activation``).

        Parameters
        ----------
        input_size, hidden_size : int
            Sizes, >= 1.
        output_size : int, optional
            Head outputs; defaults to ``input_size`` so that autonomous mode works.
        num_layers : int, default 1
        scale : float, default 1.0
            Weights acting on a vector of length n have standard deviation scale / sqrt(n);
            biases and the head use scale / sqrt(hidden_size).
        rng : None, int or numpy.random.Generator
        output : {"identity", "tanh", "sigmoid"}
            The output function g of the head.

        Returns
        -------
        instance of the class it is called on
        """
        kwargs = cls._random_arrays(input_size, hidden_size, output_size, num_layers, scale, rng)
        return cls(**kwargs, output=output)


@_register
@dataclasses.dataclass(frozen=True, eq=False, kw_only=True)
class RNN(_Stack):
    """Elman RNN stack with one output head (``torch.nn.RNN`` layout plus a head).

    h_t^{(l)} = sigma(W_ih^{(l)} h_t^{(l-1)} + b_ih^{(l)} + W_hh^{(l)} h_{t-1}^{(l)} + b_hh^{(l)}),
    with h_t^{(-1)} = x_t, and z_t = g(head_weight h_t^{(L-1)} + head_bias).

    Parameters
    ----------
    weight_ih, weight_hh, bias_ih, bias_hh : array or sequence of arrays, one per layer
        Shapes (H, I) for layer 0 and (H, H) above; (H, H); (H,); (H,).
    head_weight : array_like, shape (O, H)
    head_bias : array_like, shape (O,)
    activation : {"tanh", "relu", "sigmoid", "identity"}, default "tanh"
    output : {"identity", "tanh", "sigmoid"}, default "identity"

    Notes
    -----
    The recorded state is (h^{(0)}, ..., h^{(L-1)}), length L * H. With a bounded activation
    the autonomous chain is geometrically ergodic whatever the weights (ZH20, Corollary 1).

    References
    ----------
    Zhao et al. (2020), Section 2, and Table 1 for the stationarity conditions.
    """

    activation: str = "tanh"

    def __post_init__(self):
        super().__post_init__()
        _set(self, "activation", as_choice(self.activation, "activation", ACTIVATIONS))

    @classmethod
    def random(
        cls,
        input_size,
        hidden_size,
        *,
        output_size=None,
        num_layers=1,
        scale=1.0,
        rng=None,
        activation="tanh",
        output="identity",
    ) -> RNN:
        """Random weights, i.i.d. normal.

        Parameters
        ----------
        input_size, hidden_size : int
            Sizes, >= 1.
        output_size : int, optional
            Head outputs; defaults to ``input_size`` so that autonomous mode works.
        num_layers : int, default 1
        scale : float, default 1.0
            Weights acting on a vector of length n have standard deviation scale / sqrt(n);
            biases and the head use scale / sqrt(hidden_size).
        rng : None, int or numpy.random.Generator
        output : {"identity", "tanh", "sigmoid"}
            The output function g of the head.
        activation : {"tanh", "relu", "sigmoid", "identity"}

        Returns
        -------
        RNN

        Examples
        --------
        >>> net = RNN.random(1, 8, num_layers=2, rng=0)
        >>> (net.input_size, net.output_size, net.state_size)
        (1, 1, 16)
        """
        kwargs = cls._random_arrays(input_size, hidden_size, output_size, num_layers, scale, rng)
        return cls(**kwargs, activation=activation, output=output)


@_register
@dataclasses.dataclass(frozen=True, eq=False, kw_only=True)
class LSTM(_Stack):
    """LSTM stack with one output head (``torch.nn.LSTM`` layout, gate order i, f, g, o).

    Per layer: (i, f, g, o) = W_ih x + b_ih + W_hh h_{t-1} + b_hh split in four blocks of H
    rows; i, f, o through the sigmoid, g through tanh; c_t = f * c_{t-1} + i * g;
    h_t = o * tanh(c_t). Then z_t = g_out(head_weight h_t^{(L-1)} + head_bias).

    Parameters
    ----------
    weight_ih, weight_hh, bias_ih, bias_hh : array or sequence of arrays, one per layer
        Shapes (4H, I) for layer 0 and (4H, H) above; (4H, H); (4H,); (4H,).
    head_weight : array_like, shape (O, H)
    head_bias : array_like, shape (O,)
    output : {"identity", "tanh", "sigmoid"}, default "identity"

    Notes
    -----
    The recorded state is (h^{(0)}, ..., h^{(L-1)}, c^{(0)}, ..., c^{(L-1)}), length 2 L H.

    References
    ----------
    Zhao et al. (2020), Section 2 and Corollary 2.
    """

    _gates = 4

    @property
    def state_size(self) -> int:
        """2 * num_layers * hidden_size: all h, then all c."""
        return 2 * self.num_layers * self.hidden_size



@_register
@dataclasses.dataclass(frozen=True, eq=False, kw_only=True)
class GRU(_Stack):
    """GRU stack with one output head (``torch.nn.GRU`` layout, gate order r, z, n).

    r = sigmoid(W_ir x + b_ir + W_hr h + b_hr), u = sigmoid(W_iz x + b_iz + W_hz h + b_hz),
    n = tanh(W_in x + b_in + r * (W_hn h + b_hn)), h_t = (1 - u) * n + u * h_{t-1}.

    Parameters
    ----------
    weight_ih, weight_hh, bias_ih, bias_hh : array or sequence of arrays, one per layer
        Shapes (3H, I) for layer 0 and (3H, H) above; (3H, H); (3H,); (3H,).
    head_weight : array_like, shape (O, H)
    head_bias : array_like, shape (O,)
    output : {"identity", "tanh", "sigmoid"}, default "identity"

    Notes
    -----
    The recorded state is (h^{(0)}, ..., h^{(L-1)}), length L * H.
    """

    _gates = 3

