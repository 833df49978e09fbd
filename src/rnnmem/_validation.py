"""Argument validation shared by every public function.

One message form everywhere: "`name` must <requirement>; got name=<value>." followed by a
remedy where one exists. Wrong types raise ``TypeError``; wrong values, shapes and domains
raise ``ValueError``. Nothing here converts NaN or inf into something else: they are errors.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np

__all__ = [
    "as_real",
    "as_integer",
    "as_real_array",
    "as_choice",
    "as_bool",
    "interval_text",
]


def _show(value) -> str:
    """Short repr of a value for an error message (arrays are summarised, not dumped)."""
    if isinstance(value, np.ndarray) and value.size > 6:
        return f"array of shape {value.shape}"
    if isinstance(value, (float, np.floating)):
        return repr(float(value))
    return repr(value)


def interval_text(low, high, low_inclusive, high_inclusive) -> str:
    """Render an interval such as ``(-0.5, 0.5)`` or ``[1, inf)``."""
    left = "[" if (low_inclusive and low is not None) else "("
    right = "]" if (high_inclusive and high is not None) else ")"
    lo = "-inf" if low is None else f"{low:g}" if isinstance(low, float) else str(low)
    hi = "inf" if high is None else f"{high:g}" if isinstance(high, float) else str(high)
    return f"{left}{lo}, {hi}{right}"


def _in_interval(x, low, high, low_inclusive, high_inclusive) -> bool:
    if low is not None and (x < low or (x == low and not low_inclusive)):
        return False
    if high is not None and (x > high or (x == high and not high_inclusive)):
        return False
    return True


def as_real(
    value,
    name: str,
    *,
    low=None,
    high=None,
    low_inclusive: bool = True,
    high_inclusive: bool = True,
    why: str = "",
    remedy: str = "",
) -> float:
    """Validate a finite real scalar and return it as a Python float.

    ``why`` completes the requirement ("for a stationary process"); ``remedy`` is appended
    as its own sentence.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        if isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iuf":
            value = value.item()
        else:
            raise TypeError(
                f"`{name}` must be a real number; got {type(value).__name__} ({_show(value)})."
            )
    x = float(value)
    if not np.isfinite(x):
        raise ValueError(f"`{name}` must be finite; got {name}={x!r}.")
    if not _in_interval(x, low, high, low_inclusive, high_inclusive):
        interval = interval_text(low, high, low_inclusive, high_inclusive)
        suffix = f" {why}" if why else ""
        tail = f" {remedy}" if remedy else ""
        raise ValueError(f"`{name}` must lie in {interval}{suffix}; got {name}={x!r}.{tail}")
    return x


def as_integer(value, name: str, *, minimum=None, maximum=None, why: str = "") -> int:
    """Validate an integer (Python or NumPy, not bool, not float) and return it as int."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"`{name}` must be an integer; got {type(value).__name__} ({_show(value)})."
        )
    k = int(value)
    if not _in_interval(k, minimum, maximum, True, True):
        if maximum is None:
            requirement = f"be >= {minimum}"
        elif minimum is None:
            requirement = f"be <= {maximum}"
        else:
            requirement = f"lie in [{minimum}, {maximum}]"
        suffix = f" {why}" if why else ""
        raise ValueError(f"`{name}` must {requirement}{suffix}; got {name}={k}.")
    return k


def as_real_array(
    value,
    name: str,
    *,
    ndim: int | Sequence[int] | None = None,
    min_size: int = 0,
    finite: bool = True,
) -> np.ndarray:
    """Validate an array of real numbers and return it as a float64 ndarray (a copy when cast).

    Parameters
    ----------
    ndim : int or sequence of int, optional
        Allowed numbers of dimensions.
    min_size : int
        Minimum length of the last axis.
    finite : bool
        Reject NaN and inf.
    """
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(
            f"`{name}` must be an array of real numbers; got {type(value).__name__}."
        )
    arr = np.asarray(value)
    if arr.dtype == object or arr.dtype.kind not in "biuf":
        raise TypeError(
            f"`{name}` must be an array of real numbers; got dtype {arr.dtype} "
            f"({type(value).__name__})."
        )
    arr = arr.astype(np.float64, copy=False)
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            shown = " or ".join(f"{k}-D" for k in allowed)
            raise ValueError(
                f"`{name}` must be a {shown} array; got an array of shape {arr.shape}."
            )
    if arr.ndim > 0 and arr.shape[-1] < min_size:
        raise ValueError(
            f"`{name}` must have at least {min_size} values along its last axis; "
            f"got shape {arr.shape}."
        )
    if finite and not np.all(np.isfinite(arr)):
        bad = np.flatnonzero(~np.isfinite(arr.ravel()))
        raise ValueError(
            f"`{name}` must contain only finite values; found {bad.size} NaN or inf "
            f"(first at flat index {bad[0]})."
        )
    return arr


def as_choice(value, name: str, options: Sequence[str]) -> str:
    """Validate a string option."""
    if not isinstance(value, str):
        raise TypeError(f"`{name}` must be one of {list(options)}; got {_show(value)}.")
    if value not in options:
        raise ValueError(f"`{name}` must be one of {list(options)}; got {name}={value!r}.")
    return value


def as_bool(value, name: str) -> bool:
    """Validate a boolean flag (Python or NumPy bool only)."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"`{name}` must be True or False; got {_show(value)}.")
    return bool(value)
