"""Exact Definition 3 coefficients A_k of linear(ised) networks.

Zhao et al. (2020), Definition 3: if the output can be written z_t = sum_{k>=0} A_k x_{t-k} +
(terms not depending on the input), the network has long memory when some entry of A_k
decays polynomially and short memory when ||A_k|| <= C rho^k. For linear networks A_k is
exact and computed here; nonlinear networks need the expected Jacobian, estimated by
simulation.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from scipy import signal

from rnnmem._results import Result
from rnnmem._validation import as_integer
from rnnmem.networks import MLSTM, MLSTMF, MRNN, MRNNF, RNN, LinearChain

from .fractional import frac_diff_weights

__all__ = ["LinearCoefficients", "linear_coefficients", "truncated_filter_response"]


@dataclasses.dataclass(frozen=True)
class LinearCoefficients(Result):
    """Coefficients A_0, ..., A_{n_lags-1} of a linear(ised) network.

    Attributes
    ----------
    values : numpy.ndarray, shape (n_lags, n_out, n_in)
        A_k; ``values[k, i, j]`` is the effect of input coordinate j at lag k on output i.
    lags : numpy.ndarray, shape (n_lags,)
        0, 1, ..., n_lags - 1.
    response : str
        What maps to what: ``"z_t on x_{t-k}"`` for the output, or ``"c_t on u_{t-k}"`` for
        the MLSTMF cell (u_t = i_t * g_t, the cell input), whose coefficients are diagonal.
    network : str
        The network class.
    formula : str
        The closed form used.
    """

    values: np.ndarray
    lags: np.ndarray
    response: str
    network: str
    formula: str

    _title = "Definition 3 coefficients"

    def summary(self) -> str:
        norms = np.linalg.norm(self.values, axis=(1, 2))
        shown = [k for k in (0, 1, 10, 100, 1000, 10000) if k < norms.size]
        lines = [
            f"Definition 3 coefficients of {self.network} ({self.response}), exact",
            f"  formula: {self.formula}",
            "  lag      ||A_k||_F",
        ]
        lines += [f"  {k:<8d} {norms[k]:.6e}" for k in shown]
        return "\n".join(lines)


def _matrix_power_series(left, transition, right, n_lags, *, shift=0):
    """left @ transition^(k - shift) @ right for k = shift..n_lags-1 (zeros before), iteratively."""
    out = np.zeros((n_lags, left.shape[0], right.shape[1]))
    current = right.copy()
    for k in range(shift, n_lags):
        out[k] = left @ current
        current = transition @ current
    return out


def _linear_chain(network: LinearChain, n_lags: int):
    p = network.output_size
    W = network.weight
    out = _matrix_power_series(W[:p, p:], W[p:, p:], W[p:, :p], n_lags, shift=1)
    out[0] = W[:p, :p]
    return out, "A_0 = W_yx, A_k = W_ys W_ss^(k-1) W_sx (k >= 1)"


def _linear_rnn_state_space(network: RNN):
    """(F, G, C) with s_t = F s_{t-1} + G x_t, z_t = C s_t for an identity RNN stack."""
    H, L = network.hidden_size, network.num_layers
    F = np.zeros((L * H, L * H))
    G = np.zeros((L * H, network.input_size))
    # Layer l: h_l = W_hh[l] h_l(t-1) + W_ih[l] h_{l-1}(t); substitute h_{l-1}(t) recursively.
    below_F = np.zeros((0, L * H))
    below_G = G[:0]
    for layer in range(L):
        rows = slice(layer * H, (layer + 1) * H)
        F[rows, rows] = network.weight_hh[layer]
        if layer == 0:
            G[rows] = network.weight_ih[0]
        else:
            F[rows] += network.weight_ih[layer] @ below_F
            G[rows] = network.weight_ih[layer] @ below_G
        below_F, below_G = F[rows].copy(), G[rows].copy()
    C = np.zeros((network.output_size, L * H))
    C[:, (L - 1) * H :] = network.head_weight
    return F, G, C


def _rnn(network: RNN, n_lags: int):
    if network.activation != "identity" or network.output != "identity":
        raise ValueError(
            "`network` must be linear for exact coefficients (activation='identity' and "
            f"output='identity'); got activation={network.activation!r}, "
            f"output={network.output!r}. For a nonlinear network the Definition 3 coefficients "
            "are the expected Jacobians E[dz_t/dx_(t-k)], which must be estimated by simulation."
        )
    F, G, C = _linear_rnn_state_space(network)
    return _matrix_power_series(C, F, G, n_lags), "A_k = C F^k G (state-space form of the stack)"


def truncated_filter_response(d, filter_length: int, n_lags: int) -> np.ndarray:
    """Impulse response r_0..r_{n_lags-1} of the truncated filter recursion.

    r_k = -sum_{j=1}^{min(k, K)} w_j(d) r_{k-j}, r_0 = 1: the AR(K) recursion of the MLSTMF
    cell with constant gates. It equals psi_k(d) exactly for k <= K (Zhao et al. 2020,
    Theorem 4) and then decays geometrically at rate 1/|z*|, z* the smallest root of
    sum_{j=0}^{K} w_j z^j.

    Parameters
    ----------
    d : float or array_like of shape (p,)
    filter_length : int
        K >= 1.
    n_lags : int
        Number of values, >= 1.

    Returns
    -------
    numpy.ndarray
        Shape (n_lags,) or (p, n_lags).

    Examples
    --------
    >>> truncated_filter_response(0.4, 2, 4)
    array([1.  , 0.4 , 0.28, 0.16])
    """
    K = as_integer(filter_length, "filter_length", minimum=1)
    n_lags = as_integer(n_lags, "n_lags", minimum=1)
    weights = frac_diff_weights(d, K + 1)
    impulse = np.zeros(n_lags)
    impulse[0] = 1.0
    if weights.ndim == 1:
        return signal.lfilter([1.0], weights, impulse)
    return np.stack([signal.lfilter([1.0], row, impulse) for row in weights])


def _mrnnf(network: MRNNF, n_lags: int):
    if network.output != "identity":
        raise ValueError(
            "`network` must have output='identity' for the linear MRNNF coefficients of "
            f"Theorem 3; got output={network.output!r}."
        )
    H = network.hidden_size
    W_zh, W_zm = network.head_weight[:, :H], network.head_weight[:, H:]
    direct = _matrix_power_series(W_zh, network.weight_hh, network.weight_hx, n_lags)
    # Filter weights w_{k+1}(d_i) for lag k (x_{t-k} enters F_t with w_{k+1}), zero beyond K.
    K = network.filter_length
    w = frac_diff_weights(network.d, K + 1)[:, 1:]  # (I, K): w_1..w_K
    lag_weights = np.zeros((n_lags, network.input_size))
    lag_weights[: min(K, n_lags)] = w[:, : min(K, n_lags)].T
    memory_powers = _matrix_power_series(W_zm, network.weight_mm, network.weight_mf, n_lags)
    # A_k^(m) = sum_{l=0}^{k} W_zm W_mm^l W_mf diag(w_{k-l+1}): a convolution over l.
    filtered = np.zeros_like(direct)
    for k in range(n_lags):
        filtered[k] = np.einsum("lij,lj->ij", memory_powers[: k + 1], lag_weights[k::-1])
    formula = ("A_k = W_zh W_hh^k W_hx + sum_{l=0}^{k} W_zm W_mm^l W_mf diag(w_{k-l+1}(d)), "
               "w_j = 0 for j > K")
    return direct + filtered, formula


def _mlstmf_cell(network: MLSTMF, n_lags: int):
    responses = truncated_filter_response(network.d, network.filter_length, n_lags)  # (H, n)
    values = np.zeros((n_lags, network.hidden_size, network.hidden_size))
    idx = np.arange(network.hidden_size)
    values[:, idx, idx] = responses.T
    formula = ("cell with constant gates: c = (1-B)^{-d} u truncated to the AR(K) recursion; "
               "A_k = diag(psi_k(d)) for k <= K, geometric beyond")
    return values, formula


def linear_coefficients(network, n_lags) -> LinearCoefficients:
    """Exact Definition 3 coefficients A_0..A_{n_lags-1} of a linear(ised) network.

    Parameters
    ----------
    network : LinearChain, RNN, MRNNF or MLSTMF
        - ``LinearChain``: driven form u = W (x_t, s_{t-1}), z_t = u[:p], s_t = u[p:].
        - ``RNN`` with ``activation="identity"`` and ``output="identity"`` (any number of
          layers): A_k = W_zh W_hh^k W_hx for one layer (Zhao et al. 2020, Theorem 3).
        - ``MRNNF`` with its tanh units taken as the identity (the linear MRNNF of Theorem 3)
          and ``output="identity"``: the RNN term plus the fractional-filter term, of order
          k^{-d-1} up to lag K (Definition 3 long memory), geometric beyond.
        - ``MLSTMF``: the cell with constant gates (Theorem 4): c_t on u_{t-k}, diagonal,
          psi_k(d) exactly for k <= K, then geometric.
    n_lags : int
        Number of lags, >= 1.

    Returns
    -------
    LinearCoefficients

    Raises
    ------
    TypeError
        For other objects, including MRNN and MLSTM whose dynamic d makes the map nonlinear.
    ValueError
        For a nonlinear RNN (their coefficients are expected Jacobians, estimated by
        simulation).

    References
    ----------
    Zhao et al. (2020), Definition 3, Theorems 3 and 4.
    """
    n_lags = as_integer(n_lags, "n_lags", minimum=1)
    if isinstance(network, (MRNN, MLSTM)):
        raise TypeError(
            f"`network` must have a fixed d for exact coefficients; {type(network).__name__} "
            "computes d_t from its state, so its Definition 3 coefficients are expected "
            "Jacobians to be estimated by simulation."
        )
    if isinstance(network, LinearChain):
        values, formula = _linear_chain(network, n_lags)
        response = "z_t on x_{t-k}"
    elif isinstance(network, RNN):
        values, formula = _rnn(network, n_lags)
        response = "z_t on x_{t-k}"
    elif isinstance(network, MRNNF):
        values, formula = _mrnnf(network, n_lags)
        response = "z_t on x_{t-k} (tanh units linearised to the identity)"
    elif isinstance(network, MLSTMF):
        values, formula = _mlstmf_cell(network, n_lags)
        response = "c_t on u_{t-k} (cell with constant gates)"
    else:
        raise TypeError(
            "`network` must be a LinearChain, RNN, MRNNF or MLSTMF for exact linear "
            f"coefficients; got {type(network).__name__}."
        )
    return LinearCoefficients(values=values, lags=np.arange(n_lags), response=response,
                              network=type(network).__name__, formula=formula)
