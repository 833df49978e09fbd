"""Shared machinery of the network classes: validation helpers, sizes, ``save`` and ``load``.

Nothing here knows about simulation or theory: this module sits at the bottom of the package
(``rnnmem.networks`` imports neither ``rnnmem.theory`` nor ``rnnmem.simulate``).
"""

from __future__ import annotations

import dataclasses
import json
import os

import numpy as np

from .._validation import as_integer, as_real, as_real_array

__all__ = ["ACTIVATIONS", "OUTPUTS", "Network", "load"]

#: Hidden-unit activations of :class:`~rnnmem.networks.RNN`, in kernel code order.
ACTIVATIONS = ("tanh", "relu", "sigmoid", "identity")
#: Output functions g of the head z = g(W h + b), in kernel code order.
OUTPUTS = ("identity", "tanh", "sigmoid")

_FORMAT_VERSION = 1
_REGISTRY: dict[str, type] = {}


def _register(cls):
    """Class decorator: make ``cls`` loadable by :func:`load` under its class name."""
    _REGISTRY[cls.__name__] = cls
    return cls


def _frozen_copy(arr: np.ndarray) -> np.ndarray:
    out = np.array(arr, dtype=np.float64, copy=True, order="C")
    out.flags.writeable = False
    return out


def _array(value, name: str, shape: tuple[int, ...], why: str = "") -> np.ndarray:
    """Validate a finite float64 array of an exact shape and return a read-only copy."""
    arr = as_real_array(value, name, ndim=len(shape))
    if arr.shape != tuple(shape):
        suffix = f" {why}" if why else ""
        raise ValueError(f"`{name}` must have shape {tuple(shape)}{suffix}; got shape {arr.shape}.")
    return _frozen_copy(arr)


def _matrix_any(value, name: str) -> np.ndarray:
    """Validate a finite 2-D float64 array of any shape (the shape fixes the sizes)."""
    arr = as_real_array(value, name, ndim=2)
    if arr.shape[0] < 1:
        raise ValueError(f"`{name}` must have at least one row; got shape {arr.shape}.")
    return _frozen_copy(arr)


def _layers(value, name: str, ndim: int) -> tuple:
    """One layer's ``ndim``-D array (or nested list), or a sequence of them (one per layer)."""
    if isinstance(value, np.ndarray):
        return (value,)
    if isinstance(value, (list, tuple)):
        if len(value) == 0:
            raise ValueError(f"`{name}` must hold one array per layer; got an empty sequence.")
        if np.ndim(value[0]) == ndim - 1:
            return (value,)
        return tuple(value)
    raise TypeError(
        f"`{name}` must be an array or a sequence of arrays (one per layer); "
        f"got {type(value).__name__}."
    )


def _set(obj, name, value) -> None:
    object.__setattr__(obj, name, value)


def _normal(gen: np.random.Generator, shape, std: float) -> np.ndarray:
    return std * gen.standard_normal(shape)


def _scale(scale) -> float:
    return as_real(scale, "scale", low=0.0, low_inclusive=False)


def _size(value, name: str) -> int:
    return as_integer(value, name, minimum=1)


class Network:
    """Mixin of every network class: sizes, ``save`` and a short ``summary``.

    Subclasses are frozen dataclasses holding validated, read-only float64 arrays.
    """

    @property
    def input_size(self) -> int:
        """Number of input coordinates x_t."""
        raise AttributeError  # pragma: no cover - every subclass overrides

    @property
    def output_size(self) -> int:
        """Number of output coordinates z_t."""
        raise AttributeError  # pragma: no cover - every subclass overrides

    @property
    def state_size(self) -> int:
        """Length of the recorded recurrent state (see the class docstring for its layout)."""
        raise AttributeError  # pragma: no cover - every subclass overrides

    def summary(self) -> str:
        """Readable text: class, sizes and options."""
        title = type(self).__name__
        lines = [title, "-" * len(title)]
        lines.append(f"{'input_size':>16}: {self.input_size}")
        lines.append(f"{'output_size':>16}: {self.output_size}")
        lines.append(f"{'state_size':>16}: {self.state_size}")
        for name in ("hidden_size", "memory_size", "num_layers"):
            if hasattr(self, name):
                lines.append(f"{name:>16}: {getattr(self, name)}")
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            shown = field.name in ("input_size", "output_size", "state_size")
            if isinstance(value, (str, int)) and not isinstance(value, bool) and not shown:
                lines.append(f"{field.name:>16}: {value}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def save(self, path) -> None:
        """Write the network to a ``.npz`` file readable by :func:`rnnmem.networks.load`.

        Parameters
        ----------
        path : str or os.PathLike
            Destination. NumPy appends ``.npz`` when the name lacks it.
        """
        arrays = {}
        meta = {
            "class": type(self).__name__,
            "format": _FORMAT_VERSION,
            "options": {},
            "layers": {},
        }
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if isinstance(value, np.ndarray):
                arrays[field.name] = value
            elif isinstance(value, tuple):
                meta["layers"][field.name] = len(value)
                for k, item in enumerate(value):
                    arrays[f"{field.name}__{k}"] = item
            else:
                meta["options"][field.name] = value
        arrays["__meta__"] = np.array(json.dumps(meta))
        np.savez(os.fspath(path), **arrays)

    def __eq__(self, other) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        for field in dataclasses.fields(self):
            a, b = getattr(self, field.name), getattr(other, field.name)
            if isinstance(a, tuple):
                if len(a) != len(b) or not all(np.array_equal(x, y) for x, y in zip(a, b)):
                    return False
            elif isinstance(a, np.ndarray):
                if not np.array_equal(a, b):
                    return False
            elif a != b:
                return False
        return True

    __hash__ = None


def load(path):
    """Read a network written by ``network.save(path)``.

    Parameters
    ----------
    path : str or os.PathLike
        A ``.npz`` file made by :meth:`Network.save`.

    Returns
    -------
    Network
        An instance of the saved class, validated like a freshly built one.

    Raises
    ------
    ValueError
        If the file was not written by ``save`` or names an unknown network class.
    """
    with np.load(os.fspath(path), allow_pickle=False) as data:
        if "__meta__" not in data.files:
            raise ValueError(
                f"`path` must be a file written by Network.save; got path={os.fspath(path)!r} "
                "(no '__meta__' entry)."
            )
        meta = json.loads(str(data["__meta__"]))
        name = meta.get("class")
        if name not in _REGISTRY:
            raise ValueError(
                f"`path` names an unknown network class; got class={name!r}. "
                f"Known classes: {sorted(_REGISTRY)}."
            )
        kwargs = dict(meta["options"])
        for field, count in meta["layers"].items():
            kwargs[field] = tuple(np.array(data[f"{field}__{k}"]) for k in range(count))
        for key in data.files:
            if key != "__meta__" and "__" not in key:
                kwargs[key] = np.array(data[key])
    return _REGISTRY[name](**kwargs)
