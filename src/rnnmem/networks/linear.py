"""The linear network process of Zhao et al. (2020), eq. (8)."""

from __future__ import annotations

import dataclasses

import numpy as np

from .._rng import as_generator
from .._validation import as_integer, as_real
from ._base import Network, _matrix_any, _register, _set, _size

__all__ = ["LinearChain"]


@_register
@dataclasses.dataclass(frozen=True, eq=False)
class LinearChain(Network):
    """Linear recurrent network, the linear case of a network Markov chain.

    The chain's vector X_t = (y_t, s_t) has its first ``output_size`` coordinates as the
    observed series y_t and the rest as the hidden state s_t. In autonomous mode

        X_t = W X_{t-1} + (eps_t, 0),

    which is ZH20 eq. (8). Seen as a network fed x_t (x_t = y_{t-1} in autonomous mode), one
    step computes ``u = W (x_t, s_{t-1})`` and returns the output z_t = u[:p] and the new
    state s_t = u[p:].

    Parameters
    ----------
    weight : array_like, shape (n, n)
        The transition matrix W; finite.
    output_size : int, keyword-only, default 1
        p, the number of observed coordinates, 1 <= p <= n. ``input_size`` equals it.

    Notes
    -----
    Stationary (and geometrically ergodic) in autonomous mode iff the spectral radius of W
    is below 1 (ZH20, Theorem 2); then Gamma(k) = W^k Gamma(0) with Gamma(0) solving
    Gamma(0) = W Gamma(0) W' + diag(sigma^2 I_p, 0).

    The recorded state is s_t, of length n - p (possibly 0).

    References
    ----------
    Zhao et al. (2020), "Do RNN and LSTM have Long Memory?", ICML, eq. (8) and Theorem 2.
    """

    weight: np.ndarray
    _: dataclasses.KW_ONLY
    output_size: int = 1

    def __post_init__(self):
        weight = _matrix_any(self.weight, "weight")
        n = weight.shape[0]
        if weight.shape != (n, n):
            raise ValueError(f"`weight` must be a square matrix; got shape {weight.shape}.")
        p = _size(self.output_size, "output_size")
        if p > n:
            raise ValueError(
                f"`output_size` must be <= the size of `weight` ({n}); got output_size={p}."
            )
        _set(self, "weight", weight)
        _set(self, "output_size", p)

    @property
    def input_size(self) -> int:
        """Equal to ``output_size``: the chain is fed its own output."""
        return self.output_size

    @property
    def state_size(self) -> int:
        """n - p, the hidden part of X_t."""
        return self.weight.shape[0] - self.output_size

    @property
    def spectral_radius(self) -> float:
        """rho(W); the autonomous chain is stationary iff it is below 1."""
        return float(np.max(np.abs(np.linalg.eigvals(self.weight))))

    @classmethod
    def random(cls, input_size, hidden_size, *, scale=0.9, rng=None) -> LinearChain:
        """Random W with a prescribed spectral radius.

        Parameters
        ----------
        input_size : int
            p = ``input_size`` = ``output_size``, >= 1.
        hidden_size : int
            Number of hidden coordinates, >= 0.
        scale : float, default 0.9
            The spectral radius of W (a Gaussian matrix rescaled to it). Unlike the other
            networks the default is below 1 so that the default chain is stationary.
        rng : None, int or numpy.random.Generator

        Returns
        -------
        LinearChain

        Examples
        --------
        >>> chain = LinearChain.random(1, 2, scale=0.5, rng=0)
        >>> round(chain.spectral_radius, 12)
        0.5
        """
        p = _size(input_size, "input_size")
        h = as_integer(hidden_size, "hidden_size", minimum=0)
        radius = as_real(scale, "scale", low=0.0, low_inclusive=False)
        gen = as_generator(rng)
        a = gen.standard_normal((p + h, p + h))
        a *= radius / np.max(np.abs(np.linalg.eigvals(a)))
        return cls(a, output_size=p)
