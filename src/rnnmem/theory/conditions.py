"""Sufficient conditions for geometric ergodicity (hence short memory) of network chains.

Zhao et al. (2020) prove short memory by a drift condition: under Assumption 1 (noise with a
continuous, everywhere positive density and a finite moment of order >= 2), if the transition
map M of the autonomous chain (ZH20 eq. 7) satisfies ||M(x)|| <= a ||x|| + b with a < 1, the
chain is geometrically ergodic (Theorem 1). This module evaluates, for a given set of weights,
which of their sufficient conditions holds and with which constants. It is exact and uses no
randomness; conditions that can only be checked along simulated paths are reported as "not
certified" here.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from scipy import special

from rnnmem._results import Result
from rnnmem.networks import GRU, LSTM, MLSTM, MLSTMF, MRNN, MRNNF, RNN, LinearChain

__all__ = ["ConditionReport", "conditions"]

_BOUNDED = ("tanh", "sigmoid")


@dataclasses.dataclass(frozen=True)
class ConditionReport(Result):
    """Which sufficient condition of Zhao et al. (2020) holds for a network, and why.

    Attributes
    ----------
    network : str
        The network class.
    theorem : str
        The result applied ("Theorem 2", "Corollary 1", "Theorem 1 (Table 1 conditions, operator
        norms)", "Corollary 2", or "none").
    holds : bool or None
        True: the condition holds, so the autonomous chain is geometrically ergodic (short
        memory). False: it fails (for Theorem 2, an iff: the chain is not stationary). None:
        no sufficient condition is known or it cannot be certified from the weights alone.
    constants : dict
        The numbers behind the verdict (spectral radius, drift constants a and b, forget-gate
        bound, ...).
    statement : str
        The condition in words, with the numbers.
    """

    network: str
    theorem: str
    holds: bool | None
    constants: dict
    statement: str

    def summary(self) -> str:
        verdict = {True: "holds", False: "fails", None: "not certified"}[self.holds]
        lines = [f"{self.network}: {self.theorem}: {verdict}", f"  {self.statement}"]
        for key, value in self.constants.items():
            shown = f"{value:.6g}" if isinstance(value, float) else str(value)
            lines.append(f"  {key} = {shown}")
        return "\n".join(lines)


def _norm(matrix) -> float:
    """Spectral (operator 2-) norm."""
    return float(np.linalg.norm(matrix, 2)) if np.size(matrix) else 0.0


def _linear_chain(network: LinearChain) -> ConditionReport:
    radius = network.spectral_radius
    holds = radius < 1.0
    statement = (
        f"spectral radius rho(W) = {radius:.6g} {'<' if holds else '>='} 1: the linear chain is "
        + ("geometrically ergodic, short memory, with ||Gamma(k)|| = O((rho + eps)^k)."
           if holds else "not geometrically ergodic and not stationary (Theorem 2 is an iff).")
    )
    return ConditionReport(type(network).__name__, "Theorem 2", holds,
                           {"spectral_radius": radius}, statement)


def _rnn(network: RNN) -> ConditionReport:
    name = type(network).__name__
    if network.activation in _BOUNDED:
        # Every layer's state lies in a bounded box, so M is bounded: a can be any number in
        # (0, 1) and b = sup ||M||.
        H = network.hidden_size
        box = np.sqrt(H)  # tanh and sigmoid units lie in [-1, 1]
        if network.output == "identity":
            output_bound = _norm(network.head_weight) * box + float(np.linalg.norm(network.head_bias))
        else:
            output_bound = float(np.sqrt(network.output_size))
        b = output_bound + network.num_layers * box
        statement = (
            f"activation {network.activation!r} is bounded and continuous, so the chain is "
            f"geometrically ergodic whatever the weights; the drift bound holds with any "
            f"a in (0, 1) and b = {b:.6g} (a bound on ||M(x)||)."
        )
        return ConditionReport(name, "Corollary 1", True, {"a": 0.0, "b": b}, statement)
    if network.num_layers > 1:
        statement = (
            f"activation {network.activation!r} is unbounded and the network has "
            f"{network.num_layers} layers: ZH20 give no condition for stacked unbounded layers, "
            "so none is certified here."
        )
        return ConditionReport(name, "none", None, {}, statement)
    # One layer, identity or ReLU activation (1-Lipschitz with sigma(0) = 0). With the norm
    # ||(y, h)|| = ||y|| + ||h|| on the chain's state, h' = sigma(W_hh h + W_hy y + b_h) and
    # z = g(W_zh h' + b_z) give ||M(y, h)|| <= a_h ||h|| + a_y ||y|| + b.
    W_hh, W_hy = network.weight_hh[0], network.weight_ih[0]
    b_h = network.bias_ih[0] + network.bias_hh[0]
    W_zh, b_z = network.head_weight, network.head_bias
    if network.output == "identity":
        if network.activation == "identity":
            a_h = _norm(W_zh @ W_hh) + _norm(W_hh)
            a_y = _norm(W_zh @ W_hy) + _norm(W_hy)
            table = "||W_zh W_hh|| + ||W_hh||, ||W_zh W_hy|| + ||W_hy||"
        else:
            # ReLU: ||relu(u)|| <= ||u||, so W_zh acts through its norm.
            a_h = (_norm(W_zh) + 1.0) * _norm(W_hh)
            a_y = (_norm(W_zh) + 1.0) * _norm(W_hy)
            table = "(||W_zh|| + 1) ||W_hh||, (||W_zh|| + 1) ||W_hy||"
        b = (_norm(W_zh) + 1.0) * float(np.linalg.norm(b_h)) + float(np.linalg.norm(b_z))
    else:
        # Bounded output function: z contributes only a constant.
        a_h, a_y = _norm(W_hh), _norm(W_hy)
        b = float(np.linalg.norm(b_h)) + float(np.sqrt(network.output_size))
        table = "||W_hh||, ||W_hy||"
    a = max(a_h, a_y)
    holds = a < 1.0
    statement = (
        f"drift bound ||M(x)|| <= a ||x|| + b with a = max({table}) = {a:.6g} "
        f"{'<' if holds else '>='} 1 (ZH20 Table 1 with operator norms). "
        + ("The chain is geometrically ergodic, short memory." if holds else
           "The sufficient condition fails; this does not prove non-ergodicity.")
    )
    constants = {"a": a, "b": b, "a_hidden": a_h, "a_input": a_y}
    return ConditionReport(name, "Theorem 1 (Table 1 conditions, operator norms)", holds,
                           constants, statement)


def _lstm(network: LSTM) -> ConditionReport:
    name = type(network).__name__
    H = network.hidden_size
    bounds = []
    for layer in range(network.num_layers):
        forget = slice(H, 2 * H)
        W_fx = network.weight_ih[layer][forget]
        W_fh = network.weight_hh[layer][forget]
        b_f = network.bias_ih[layer][forget] + network.bias_hh[layer][forget]
        # h lies in [-1, 1]^H, so W_fh h <= ||row||_1. The input of layer 0 is y_{t-1}, which
        # is unbounded (Gaussian noise): the supremum is 1 unless W_fx is zero. Upper layers
        # are fed h of the layer below, also in [-1, 1]^H.
        if layer == 0 and np.any(W_fx != 0.0):
            bounds.append(None)
            continue
        reach = np.abs(W_fh).sum(axis=1) + (np.abs(W_fx).sum(axis=1) if layer > 0 else 0.0)
        bounds.append(float(np.max(special.expit(reach + b_f))))
    if any(bound is None for bound in bounds):
        statement = (
            "the forget gate of layer 0 depends on the unbounded input y_(t-1), so sup f = 1 "
            "analytically and Corollary 2 cannot be certified from the weights; judge it from "
            "the empirical maximum and upper quantiles of f along simulated paths."
        )
        return ConditionReport(name, "Corollary 2", None, {"forget_gate_sup": "unbounded input"},
                               statement)
    sup_f = max(bounds)
    holds = sup_f < 1.0 and network.output in ("identity", "tanh", "sigmoid")
    statement = (
        f"forget gates bounded by sup f = {sup_f:.6g} < 1, so ||c_t|| <= sup f ||c_(t-1)|| + 1 "
        "and the LSTM chain is geometrically ergodic (ZH20 Corollary 2)."
    )
    return ConditionReport(name, "Corollary 2", holds, {"forget_gate_sup": sup_f}, statement)


def conditions(network) -> ConditionReport:
    """Which sufficient condition for geometric ergodicity of Zhao et al. (2020) holds.

    Parameters
    ----------
    network : LinearChain, RNN, LSTM, GRU, MRNNF, MRNN, MLSTMF or MLSTM
        The network, run as the autonomous chain of ZH20 eq. (7): x_t = y_(t-1),
        y_t = z_t + eps_t, with noise satisfying Assumption 1.

    Returns
    -------
    ConditionReport

    Notes
    -----
    - ``LinearChain``: Theorem 2, geometric ergodicity iff rho(W) < 1.
    - ``RNN``: Corollary 1 for bounded continuous activations (any weights); for identity or
      ReLU activations (one layer), the drift constants of Theorem 1 with ZH20's Table 1
      conditions generalised from scalar weights to operator norms.
    - ``LSTM``: Corollary 2, the forget-gate bound sup f < 1, computed analytically when the
      gate does not depend on the unbounded input; otherwise reported as not certified.
    - ``GRU``, ``MRNN(F)``, ``MLSTM(F)``: ZH20 give no sufficient condition; the report says so
      rather than inventing one.

    References
    ----------
    Zhao et al. (2020), Theorems 1-2, Corollaries 1-2, Tables 1 and 4.
    """
    if isinstance(network, LinearChain):
        return _linear_chain(network)
    if isinstance(network, RNN):
        return _rnn(network)
    if isinstance(network, LSTM):
        return _lstm(network)
    if isinstance(network, (GRU, MRNNF, MRNN, MLSTMF, MLSTM)):
        name = type(network).__name__
        extra = ""
        if isinstance(network, (MLSTMF, MLSTM)):
            extra = (" The truncated filter itself is stable: sum_{j=1}^{K} (-w_j) = "
                     "1 - Gamma(K+1-d)/(Gamma(1-d) K!) < 1 (Theorem 4).")
        return ConditionReport(
            name, "none", None, {},
            f"no sufficient condition for geometric ergodicity is known for {name} "
            f"(Zhao et al. 2020 give none); judge it by simulation.{extra}")
    raise TypeError(
        "`network` must be an rnnmem.networks object (LinearChain, RNN, LSTM, GRU, MRNNF, "
        f"MRNN, MLSTMF, MLSTM); got {type(network).__name__}."
    )
