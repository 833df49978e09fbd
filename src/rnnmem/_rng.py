"""Random-number handling (SPEC 7): ``rng`` is None, an int seed or a ``numpy.random.Generator``."""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["as_generator"]


def as_generator(rng) -> np.random.Generator:
    """Turn the ``rng`` argument of a public function into a ``numpy.random.Generator``.

    Parameters
    ----------
    rng : None, int or numpy.random.Generator
        ``None`` draws fresh entropy from the operating system; a non-negative int seeds a
        new PCG64 generator (the same int always gives the same draws); a Generator is
        used as it is, so its state advances.

    Returns
    -------
    numpy.random.Generator

    Raises
    ------
    TypeError
        For any other type (``RandomState``, floats, bools and strings included: they are
        legacy or ambiguous seeds).
    ValueError
        For a negative integer seed.
    """
    if rng is None:
        return np.random.default_rng()
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        if rng < 0:
            raise ValueError(f"`rng` must be a non-negative integer seed; got rng={rng}.")
        return np.random.default_rng(int(rng))
    raise TypeError(
        "`rng` must be None, an int seed or a numpy.random.Generator; "
        f"got {type(rng).__name__} ({rng!r})."
    )
