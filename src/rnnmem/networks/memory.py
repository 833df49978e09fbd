"""Memory-augmented networks of Zhao et al. (2020), Section 3: MRNNF, MRNN, MLSTMF, MLSTM.

The long-memory filter is the truncated fractional difference (1-B)^d with K weights
w_1(d), ..., w_K(d) (w_j = prod_{i<j} (i-d)/(i+1), so w_1 = -d), fully determined by
d = 0.5 sigmoid(.) in (0, 1/2). Filter histories start at zero.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from scipy import special

from .._rng import as_generator
from .._validation import as_choice, as_integer, as_real_array
from ._base import OUTPUTS, Network, _array, _normal, _register, _scale, _set, _size

__all__ = ["MLSTM", "MLSTMF", "MRNN", "MRNNF", "bias_from_d", "d_from_bias"]


def d_from_bias(bias) -> np.ndarray:
    """Memory parameter d = 0.5 sigmoid(bias), elementwise, in (0, 1/2).

    Examples
    --------
    >>> float(d_from_bias(0.0))
    0.25
    """
    return 0.5 * special.expit(np.asarray(bias, dtype=np.float64))


def bias_from_d(d, name: str = "d") -> np.ndarray:
    """Inverse of :func:`d_from_bias`: the bias giving memory parameter ``d`` in (0, 1/2).

    Raises
    ------
    ValueError
        If some d lies outside the open interval (0, 1/2).
    """
    arr = as_real_array(d, name, ndim=(0, 1))
    bad = (arr <= 0.0) | (arr >= 0.5)
    if np.any(bad):
        value = float(arr.ravel()[np.flatnonzero(bad.ravel())[0]])
        raise ValueError(
            f"`{name}` must lie in (0, 0.5), since d = 0.5 sigmoid(.); got {name}={value!r}."
        )
    p = 2.0 * arr
    return np.log(p / (1.0 - p))


def _d_vector(d, size: int, name: str = "d") -> np.ndarray:
    bias = bias_from_d(d, name)
    if bias.ndim == 0:
        return np.full(size, float(bias))
    if bias.shape != (size,):
        raise ValueError(f"`{name}` must be a scalar or have shape ({size},); got {bias.shape}.")
    return bias


def _filter_length(value) -> int:
    return as_integer(value, "filter_length", minimum=1)


# ---------------------------------------------------------------------------------------------
# MRNNF and MRNN: filter on the inputs


@_register
@dataclasses.dataclass(frozen=True, eq=False, kw_only=True)
class MRNNF(Network):
    """Memory RNN with a fixed fractional filter on the inputs (ZH20, Section 3).

    h_t = tanh(W_hh h_{t-1} + W_hx x_t + b_h)
    F(x_t; d)_i = sum_{j=1}^{K} w_j(d_i) x_{i, t-j+1}           (x_t gets w_1 = -d_i)
    m_t = tanh(W_mm m_{t-1} + W_mf F(x_t; d) + b_m)
    z_t = g(head_weight [h_t, m_t] + head_bias)
    d = 0.5 sigmoid(bias_d)                                     (one d per input coordinate)

    Parameters
    ----------
    weight_hx : array_like, shape (H, I)
    weight_hh : array_like, shape (H, H)
    bias_h : array_like, shape (H,)
    weight_mf : array_like, shape (M, I)
    weight_mm : array_like, shape (M, M)
    bias_m : array_like, shape (M,)
    head_weight : array_like, shape (O, H + M)
        Columns 0..H-1 act on h_t (W_zh), columns H..H+M-1 on m_t (W_zm).
    head_bias : array_like, shape (O,)
    bias_d : array_like, shape (I,)
        d = 0.5 sigmoid(bias_d); ``bias_d = 0`` gives d = 0.25.
    filter_length : int
        K >= 1.
    output : {"identity", "tanh", "sigmoid"}, default "identity"

    Notes
    -----
    The recorded state is (h_t, m_t), length H + M. The filter history (the K last inputs of
    each coordinate, starting at zero) is also part of the Markov state; it is a function of
    the recorded inputs.

    References
    ----------
    Zhao et al. (2020), "Do RNN and LSTM have Long Memory?", ICML, Section 3.1 and Theorem 3.
    """

    weight_hx: np.ndarray
    weight_hh: np.ndarray
    bias_h: np.ndarray
    weight_mf: np.ndarray
    weight_mm: np.ndarray
    bias_m: np.ndarray
    head_weight: np.ndarray
    head_bias: np.ndarray
    bias_d: np.ndarray
    filter_length: int
    output: str = "identity"

    def __post_init__(self):
        w_hh = as_real_array(self.weight_hh, "weight_hh", ndim=2)
        w_mm = as_real_array(self.weight_mm, "weight_mm", ndim=2)
        w_hx = as_real_array(self.weight_hx, "weight_hx", ndim=2)
        h, m, i = w_hh.shape[0], w_mm.shape[0], w_hx.shape[1]
        for name, size in (("weight_hh", h), ("weight_mm", m), ("weight_hx", i)):
            if size < 1:
                raise ValueError(f"`{name}` must not be empty; got shape {self._shape(name)}.")
        _set(self, "weight_hh", _array(w_hh, "weight_hh", (h, h), "(square)"))
        _set(self, "weight_mm", _array(w_mm, "weight_mm", (m, m), "(square)"))
        _set(self, "weight_hx", _array(w_hx, "weight_hx", (h, i), f"for hidden_size={h}"))
        _set(self, "bias_h", _array(self.bias_h, "bias_h", (h,), f"for hidden_size={h}"))
        _set(
            self,
            "weight_mf",
            _array(self.weight_mf, "weight_mf", (m, i), f"for memory_size={m}, input_size={i}"),
        )
        _set(self, "bias_m", _array(self.bias_m, "bias_m", (m,), f"for memory_size={m}"))
        head = as_real_array(self.head_weight, "head_weight", ndim=2)
        if head.shape[0] < 1:
            raise ValueError(f"`head_weight` must have at least one row; got shape {head.shape}.")
        o = head.shape[0]
        _set(
            self,
            "head_weight",
            _array(head, "head_weight", (o, h + m), f"for hidden_size={h} + memory_size={m}"),
        )
        _set(self, "head_bias", _array(self.head_bias, "head_bias", (o,), f"for output_size={o}"))
        _set(self, "bias_d", _array(self.bias_d, "bias_d", (i,), f"for input_size={i}"))
        _set(self, "filter_length", _filter_length(self.filter_length))
        _set(self, "output", as_choice(self.output, "output", OUTPUTS))
        self._check_extra()

    def _shape(self, name):
        return np.shape(getattr(self, name))

    def _check_extra(self):
        """Hook for subclasses with more weights."""

    @property
    def hidden_size(self) -> int:
        """H, units of the ordinary (h) part."""
        return self.weight_hh.shape[0]

    @property
    def memory_size(self) -> int:
        """M, units of the long-memory (m) part."""
        return self.weight_mm.shape[0]

    @property
    def input_size(self) -> int:
        return self.weight_hx.shape[1]

    @property
    def output_size(self) -> int:
        return self.head_weight.shape[0]

    @property
    def state_size(self) -> int:
        """H + M: (h_t, m_t)."""
        return self.hidden_size + self.memory_size

    @property
    def d(self) -> np.ndarray:
        """Memory parameters d = 0.5 sigmoid(bias_d), one per input coordinate."""
        return d_from_bias(self.bias_d)

    @classmethod
    def _random_kwargs(
        cls, input_size, hidden_size, memory_size, output_size, filter_length, d, scale, rng
    ):
        i = _size(input_size, "input_size")
        h = _size(hidden_size, "hidden_size")
        m = h if memory_size is None else _size(memory_size, "memory_size")
        o = i if output_size is None else _size(output_size, "output_size")
        k = _filter_length(filter_length)
        s = _scale(scale)
        gen = as_generator(rng)
        kwargs = {
            "weight_hx": _normal(gen, (h, i), s / np.sqrt(i)),
            "weight_hh": _normal(gen, (h, h), s / np.sqrt(h)),
            "bias_h": _normal(gen, (h,), s / np.sqrt(h)),
            "weight_mf": _normal(gen, (m, i), s / np.sqrt(i)),
            "weight_mm": _normal(gen, (m, m), s / np.sqrt(m)),
            "bias_m": _normal(gen, (m,), s / np.sqrt(m)),
            "head_weight": _normal(gen, (o, h + m), s / np.sqrt(h + m)),
            "head_bias": _normal(gen, (o,), s / np.sqrt(h + m)),
            "bias_d": _d_vector(d, i) if d is not None else _normal(gen, (i,), s),
            "filter_length": k,
        }
        return kwargs, gen

    @classmethod
    def random(
        cls,
        input_size,
        hidden_size,
        *,
        memory_size=None,
        output_size=None,
        filter_length=100,
        d=None,
        scale=1.0,
        rng=None,
        output="identity",
    ) -> MRNNF:
        """Random weights, i.i.d. normal with standard deviation scale / sqrt(fan-in).

        Parameters
        ----------
        input_size, hidden_size : int
            I and H, >= 1.
        memory_size : int, optional
            M; defaults to ``hidden_size``.
        output_size : int, optional
            O; defaults to ``input_size`` so that autonomous mode works.
        filter_length : int, default 100
            K (ZH20 found K = 100 best for MRNN(F)).
        d : float or array of shape (I,), optional
            Memory parameters in (0, 1/2); drawn at random (bias_d ~ N(0, scale^2)) if None.
        scale : float, default 1.0
        rng : None, int or numpy.random.Generator
        output : {"identity", "tanh", "sigmoid"}

        Returns
        -------
        MRNNF

        Examples
        --------
        >>> net = MRNNF.random(1, 4, d=0.4, filter_length=10, rng=0)
        >>> net.d.round(12)
        array([0.4])
        """
        kwargs, _ = cls._random_kwargs(
            input_size, hidden_size, memory_size, output_size, filter_length, d, scale, rng
        )
        return cls(**kwargs, output=output)


@_register
@dataclasses.dataclass(frozen=True, eq=False, kw_only=True)
class MRNN(MRNNF):
    """Memory RNN with a dynamic memory parameter d_t (ZH20, Section 3).

    As :class:`MRNNF`, except that d is updated every step before the filter is applied:

        d_t = 0.5 sigmoid(weight_d [d_{t-1}, h_{t-1}, m_{t-1}, x_t] + bias_d),   d_0 = 0,

    and m_t uses F(x_t; d_t) (the filter weights w_j(d_t) applied to the stored inputs).

    Parameters
    ----------
    weight_d : array_like, shape (I, I + H + M + I)
        Columns act on d_{t-1}, h_{t-1}, m_{t-1} and x_t, in that order.
    (others as in MRNNF)

    Notes
    -----
    The recorded state is (h_t, m_t, d_t), length H + M + I.
    """

    weight_d: np.ndarray

    def _check_extra(self):
        i, h, m = self.input_size, self.hidden_size, self.memory_size
        _set(
            self,
            "weight_d",
            _array(
                self.weight_d,
                "weight_d",
                (i, 2 * i + h + m),
                f"to act on [d, h, m, x] with I={i}, H={h}, M={m}",
            ),
        )

    @property
    def state_size(self) -> int:
        """H + M + I: (h_t, m_t, d_t)."""
        return self.hidden_size + self.memory_size + self.input_size

    @property
    def d(self) -> np.ndarray:
        """d at a zero state and zero input, 0.5 sigmoid(bias_d) (d_t itself is dynamic)."""
        return d_from_bias(self.bias_d)

    @classmethod
    def random(
        cls,
        input_size,
        hidden_size,
        *,
        memory_size=None,
        output_size=None,
        filter_length=100,
        d=None,
        scale=1.0,
        rng=None,
        output="identity",
    ) -> MRNN:
        """Random weights; see :meth:`MRNNF.random`. ``weight_d`` ~ N(0, scale^2 / fan-in).

        ``d`` sets the bias so that d = 0.5 sigmoid(bias_d) at a zero state.

        Returns
        -------
        MRNN
        """
        kwargs, gen = cls._random_kwargs(
            input_size, hidden_size, memory_size, output_size, filter_length, d, scale, rng
        )
        i = kwargs["weight_hx"].shape[1]
        cols = 2 * i + kwargs["weight_hh"].shape[0] + kwargs["weight_mm"].shape[0]
        kwargs["weight_d"] = _normal(gen, (i, cols), _scale(scale) / np.sqrt(cols))
        return cls(**kwargs, output=output)


# ---------------------------------------------------------------------------------------------
# MLSTMF and MLSTM: filter on the cell


@_register
@dataclasses.dataclass(frozen=True, eq=False, kw_only=True)
class MLSTMF(Network):
    """Memory LSTM with a fixed fractional filter on the cell (ZH20, Section 3).

    (i_t, g_t, o_t) = weight_ih x_t + weight_hh h_{t-1} + bias, split in three blocks of H
    rows (PyTorch's LSTM order with the forget gate removed); i and o through the sigmoid,
    g (the candidate c~_t) through tanh;

        c_t = - sum_{j=1}^{K} w_j(d) * c_{t-j} + i_t * g_t      (c_{t-1} gets -w_1 = d)
        h_t = o_t * tanh(c_t),   z_t = g_out(head_weight h_t + head_bias),
        d = 0.5 sigmoid(bias_d)                               (one d per cell unit)

    Parameters
    ----------
    weight_ih : array_like, shape (3H, I)
    weight_hh : array_like, shape (3H, H)
    bias : array_like, shape (3H,)
    head_weight : array_like, shape (O, H)
    head_bias : array_like, shape (O,)
    bias_d : array_like, shape (H,)
    filter_length : int
        K >= 1.
    output : {"identity", "tanh", "sigmoid"}, default "identity" (ZH20 use the identity)

    Notes
    -----
    The recorded state is (h_t, c_t), length 2H; the cell history c_{t-1..t-K} (zero at the
    start) completes the Markov state. With constant gates the cell is c = (1-B)^{-d} u
    truncated to an AR(K) recursion, whose impulse response is psi_k(d) exactly for k <= K.

    References
    ----------
    Zhao et al. (2020), Section 3.2 and Theorem 4.
    """

    weight_ih: np.ndarray
    weight_hh: np.ndarray
    bias: np.ndarray
    head_weight: np.ndarray
    head_bias: np.ndarray
    bias_d: np.ndarray
    filter_length: int
    output: str = "identity"

    def __post_init__(self):
        w_hh = as_real_array(self.weight_hh, "weight_hh", ndim=2)
        h = w_hh.shape[1]
        if h < 1 or w_hh.shape[0] != 3 * h:
            raise ValueError(
                f"`weight_hh` must have shape (3 * hidden_size, hidden_size); got shape "
                f"{w_hh.shape}."
            )
        w_ih = as_real_array(self.weight_ih, "weight_ih", ndim=2)
        i = w_ih.shape[1]
        if i < 1:
            raise ValueError(f"`weight_ih` must have at least one column; got shape {w_ih.shape}.")
        why = f"for hidden_size={h}"
        _set(self, "weight_hh", _array(w_hh, "weight_hh", (3 * h, h)))
        _set(self, "weight_ih", _array(w_ih, "weight_ih", (3 * h, i), why))
        _set(self, "bias", _array(self.bias, "bias", (3 * h,), why))
        head = as_real_array(self.head_weight, "head_weight", ndim=2)
        if head.shape[0] < 1:
            raise ValueError(f"`head_weight` must have at least one row; got shape {head.shape}.")
        o = head.shape[0]
        _set(self, "head_weight", _array(head, "head_weight", (o, h), why))
        _set(self, "head_bias", _array(self.head_bias, "head_bias", (o,), f"for output_size={o}"))
        _set(self, "bias_d", _array(self.bias_d, "bias_d", (h,), why))
        _set(self, "filter_length", _filter_length(self.filter_length))
        _set(self, "output", as_choice(self.output, "output", OUTPUTS))
        self._check_extra()

    def _check_extra(self):
        """Hook for subclasses with more weights."""

    @property
    def hidden_size(self) -> int:
        """H, cell units."""
        return self.weight_hh.shape[1]

    @property
    def input_size(self) -> int:
        return self.weight_ih.shape[1]

    @property
    def output_size(self) -> int:
        return self.head_weight.shape[0]

    @property
    def state_size(self) -> int:
        """2H: (h_t, c_t)."""
        return 2 * self.hidden_size

    @property
    def d(self) -> np.ndarray:
        """Memory parameters d = 0.5 sigmoid(bias_d), one per cell unit."""
        return d_from_bias(self.bias_d)

    @classmethod
    def _random_kwargs(cls, input_size, hidden_size, output_size, filter_length, d, scale, rng):
        i = _size(input_size, "input_size")
        h = _size(hidden_size, "hidden_size")
        o = i if output_size is None else _size(output_size, "output_size")
        k = _filter_length(filter_length)
        s = _scale(scale)
        gen = as_generator(rng)
        kwargs = {
            "weight_ih": _normal(gen, (3 * h, i), s / np.sqrt(i)),
            "weight_hh": _normal(gen, (3 * h, h), s / np.sqrt(h)),
            "bias": _normal(gen, (3 * h,), s / np.sqrt(h)),
            "head_weight": _normal(gen, (o, h), s / np.sqrt(h)),
            "head_bias": _normal(gen, (o,), s / np.sqrt(h)),
            "bias_d": _d_vector(d, h) if d is not None else _normal(gen, (h,), s),
            "filter_length": k,
        }
        return kwargs, gen

    @classmethod
    def random(
        cls,
        input_size,
        hidden_size,
        *,
        output_size=None,
        filter_length=25,
        d=None,
        scale=1.0,
        rng=None,
        output="identity",
    ) -> MLSTMF:
        """Random weights, i.i.d. normal with standard deviation scale / sqrt(fan-in).

        Parameters
        ----------
        input_size, hidden_size : int
            I and H, >= 1.
        output_size : int, optional
            O; defaults to ``input_size`` so that autonomous mode works.
        filter_length : int, default 25
            K (ZH20 found K = 25 best for MLSTM(F)).
        d : float or array of shape (H,), optional
            Memory parameters in (0, 1/2); drawn at random (bias_d ~ N(0, scale^2)) if None.
        scale : float, default 1.0
        rng : None, int or numpy.random.Generator
        output : {"identity", "tanh", "sigmoid"}

        Returns
        -------
        MLSTMF
        """
        kwargs, _ = cls._random_kwargs(
            input_size, hidden_size, output_size, filter_length, d, scale, rng
        )
        return cls(**kwargs, output=output)


@_register
@dataclasses.dataclass(frozen=True, eq=False, kw_only=True)
class MLSTM(MLSTMF):
    """Memory LSTM with a dynamic memory parameter d_t (ZH20, Section 3).

    As :class:`MLSTMF`, with d_t = 0.5 sigmoid(weight_d [d_{t-1}, h_{t-1}, x_t] + bias_d),
    d_0 = 0, computed at the start of each step and used in the cell recursion of that step.

    Parameters
    ----------
    weight_d : array_like, shape (H, 2H + I)
        Columns act on d_{t-1}, h_{t-1} and x_t, in that order.
    (others as in MLSTMF)

    Notes
    -----
    The recorded state is (h_t, c_t, d_t), length 3H.
    """

    weight_d: np.ndarray

    def _check_extra(self):
        h, i = self.hidden_size, self.input_size
        _set(
            self,
            "weight_d",
            _array(
                self.weight_d, "weight_d", (h, 2 * h + i), f"to act on [d, h, x] with H={h}, I={i}"
            ),
        )

    @property
    def state_size(self) -> int:
        """3H: (h_t, c_t, d_t)."""
        return 3 * self.hidden_size

    @classmethod
    def random(
        cls,
        input_size,
        hidden_size,
        *,
        output_size=None,
        filter_length=25,
        d=None,
        scale=1.0,
        rng=None,
        output="identity",
    ) -> MLSTM:
        """Random weights; see :meth:`MLSTMF.random`. ``weight_d`` ~ N(0, scale^2 / fan-in).

        Returns
        -------
        MLSTM
        """
        kwargs, gen = cls._random_kwargs(
            input_size, hidden_size, output_size, filter_length, d, scale, rng
        )
        h, i = kwargs["weight_hh"].shape[1], kwargs["weight_ih"].shape[1]
        kwargs["weight_d"] = _normal(gen, (h, 2 * h + i), _scale(scale) / np.sqrt(2 * h + i))
        return cls(**kwargs, output=output)
