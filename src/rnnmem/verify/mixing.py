"""Geometric ergodicity checked by simulation: coupling, ensembles and the Lyapunov exponent.

THEORY.md §2.3: a geometrically ergodic chain forgets its start at a geometric rate rho; the
half-life log 2 / -log rho is the mixing time that sets how long a simulation must be. Three
measurements, each with its uncertainty:

- **Top Lyapunov exponent** lambda: the mean log growth of an infinitesimal perturbation of
  the state along a path (forward-mode tangents, Benettin's renormalisation). lambda < 0
  means the chain contracts pathwise, so synchronous coupling works.
- **Synchronous coupling** (``method="coupling"``): two copies from different starts driven
  by the same noise; the slope of their log distance estimates rho.
- **Ensemble** (``method="ensemble"``): for chains that do not contract pathwise
  (lambda >= 0) the distance between the laws still shrinks. E[g(X_n) | X_0 = a] and
  E[g(X_n) | X_0 = b] are estimated over many chains with common random numbers; the
  log-slope of their standardised difference estimates rho.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
from scipy import special

from rnnmem._results import Result
from rnnmem._rng import as_generator
from rnnmem._validation import as_choice, as_integer, as_real
from rnnmem.networks import LSTM
from rnnmem.simulate import couple, run
from rnnmem.simulate.networks import _check_mode, _check_network

from ._mc_tangent import tangent_run

__all__ = ["ErgodicityResult", "ForgetGateProfile", "ergodicity", "forget_gate_profile",
           "lyapunov_exponent"]

METHODS = ("auto", "coupling", "ensemble")
_Z95 = float(special.ndtri(0.975))
_TINY = 1e-250


@dataclasses.dataclass(frozen=True)
class ForgetGateProfile(Result):
    """Forget-gate values f of an LSTM along simulated stationary paths (Corollary 2).

    Attributes
    ----------
    maximum : float
        Largest f over all units, layers, chains and steps.
    quantiles : dict
        Upper quantiles of f over the same values: keys 0.5, 0.9, 0.99, 0.999.
    unit_maximum : ndarray, shape (num_layers * hidden_size,)
        Largest f of each unit (layer 0 first).
    n_values : int
        Gate values behind the numbers.
    """

    maximum: float
    quantiles: dict
    unit_maximum: np.ndarray
    n_values: int

    _title = "Forget-gate profile"

    def summary(self) -> str:
        q = ", ".join(f"q{k:g} = {v:.6g}" for k, v in self.quantiles.items())
        return (f"{self._title}: max f = {self.maximum:.6g} over {self.n_values} values; {q}. "
                "Corollary 2 (ZH20) needs sup f < 1; an empirical maximum is evidence, not a "
                "certificate.")


@dataclasses.dataclass(frozen=True)
class ErgodicityResult(Result):
    """Measured forgetting rate of a network's Markov chain, returned by :func:`ergodicity`.

    Attributes
    ----------
    method : str
        "coupling" or "ensemble": the measurement behind ``rate``.
    reason : str
        Why that method (and, when ``rate_ci`` reaches 1, why no rate below 1 is claimed).
    rate : float
        Estimated geometric rate rho per step (nan when the decay could not be measured).
    rate_ci : tuple of float
        95% confidence interval of ``rate``.
    half_life : float
        log 2 / -log(rate) in steps (inf when rate >= 1 or nan), the mixing time.
    half_life_ci : tuple of float
        The interval implied by ``rate_ci``.
    geometric : bool
        True when the whole ``rate_ci`` lies below 1: geometric forgetting is measured.
    lyapunov : float
        Top Lyapunov exponent per step (-inf for a chain that forgets a perturbation in
        finitely many steps, such as a driven network without state).
    lyapunov_se : float
        Its standard error (batch means over windows and chains).
    curve : ndarray, shape (n_steps,)
        Coupling: geometric mean over pairs of the distance between the copies after steps
        1..n_steps. Ensemble: the standardised distance between the two ensemble means.
    noise : ndarray, shape (n_steps,)
        Ensemble: the Monte Carlo noise level of ``curve`` (its root mean square under no
        difference); coupling: zeros.
    fitted_steps : ndarray
        Steps whose values entered the rate fit.
    coupling_rate : float
        Coupling estimate when coupling ran (nan otherwise), kept for comparison.
    mode : str
        "autonomous" or "driven".
    n_pairs : int
        Coupled pairs, or chains per starting point for the ensemble.
    n_steps : int
    forget_gates : ForgetGateProfile or None
        For LSTMs: the empirical forget-gate profile along simulated paths.
    """

    method: str
    reason: str
    rate: float
    rate_ci: tuple
    half_life: float
    half_life_ci: tuple
    geometric: bool
    lyapunov: float
    lyapunov_se: float
    curve: np.ndarray
    noise: np.ndarray
    fitted_steps: np.ndarray
    coupling_rate: float
    mode: str
    n_pairs: int
    n_steps: int
    forget_gates: ForgetGateProfile | None

    _title = "Ergodicity"

    def summary(self) -> str:
        lines = [f"Ergodicity ({self.method}, {self.mode} chain)", "-" * 40,
                 (f"rate       : {self.rate:.6g} per step, 95% CI "
                  f"[{self.rate_ci[0]:.6g}, {self.rate_ci[1]:.6g}]"),
                 f"half-life  : {self.half_life:.6g} steps",
                 f"geometric  : {self.geometric}",
                 f"Lyapunov   : {self.lyapunov:.6g} (se {self.lyapunov_se:.2g})",
                 f"reason     : {self.reason}"]
        if self.forget_gates is not None:
            lines.append(self.forget_gates.summary())
        return "\n".join(lines)

    def to_dict(self) -> dict:
        """JSON-ready dictionary of the scalar fields (curves as lists)."""
        out = {
            "method": self.method, "reason": self.reason, "rate": _num(self.rate),
            "rate_ci": [_num(v) for v in self.rate_ci], "half_life": _num(self.half_life),
            "half_life_ci": [_num(v) for v in self.half_life_ci], "geometric": self.geometric,
            "lyapunov": _num(self.lyapunov), "lyapunov_se": _num(self.lyapunov_se),
            "coupling_rate": _num(self.coupling_rate), "mode": self.mode,
            "n_pairs": self.n_pairs, "n_steps": self.n_steps,
            "curve": [_num(v) for v in self.curve],
            "fitted_steps": [int(v) for v in self.fitted_steps],
        }
        if self.forget_gates is not None:
            fg = self.forget_gates
            out["forget_gates"] = {"maximum": fg.maximum,
                                   "quantiles": {str(k): v for k, v in fg.quantiles.items()}}
        return out


def _num(value):
    """float for JSON: None for nan, strings for infinities."""
    value = float(value)
    if math.isnan(value):
        return None
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return value


def _half_life(rate: float) -> float:
    if math.isnan(rate):
        return math.nan
    if rate >= 1.0:
        return math.inf
    if rate <= 0.0:
        return 0.0
    return math.log(2.0) / -math.log(rate)


def lyapunov_exponent(network, *, mode="autonomous", n_chains=4, n_steps=2000, burn_in=200,
                      noise_scale=1.0, rng=None):
    """Top Lyapunov exponent of a network's chain by forward-mode tangents.

    Parameters
    ----------
    network : Network
        Any network of :mod:`rnnmem.networks`.
    mode : {"autonomous", "driven"}, default "autonomous"
    n_chains : int, default 4
    n_steps : int, default 2000
        Recorded steps per chain (cut into 8 windows for the standard error), >= 8.
    burn_in : int, default 200
    noise_scale : float, default 1.0
    rng : None, int or numpy.random.Generator

    Returns
    -------
    tuple of float
        (lambda, standard error): lambda is the mean log growth per step of a tangent
        renormalised every step (Benettin's method); the standard error comes from the
        n_chains * 8 window means (batch means, read as approximate). (-inf, 0) when
        the tangent becomes exactly zero: the chain forgets a perturbation in finitely
        many steps, as a driven network without state does at once. (inf, nan) when every
        chain diverged; (nan, nan) when a tangent became non-finite while its chain stayed
        finite (the exponent is then not measurable; ``ergodicity`` falls back to the
        ensemble).

    Examples
    --------
    >>> from rnnmem.networks import LinearChain
    >>> lam, se = lyapunov_exponent(LinearChain([[0.5]]), n_steps=80, rng=0)
    >>> round(lam, 6)
    -0.693147
    """
    _check_network(network)
    mode = _check_mode(network, mode)
    n_chains = as_integer(n_chains, "n_chains", minimum=1)
    n_steps = as_integer(n_steps, "n_steps", minimum=8)
    burn_in = as_integer(burn_in, "burn_in", minimum=0)
    noise_scale = as_real(noise_scale, "noise_scale", low=0.0)
    gen = as_generator(rng)
    window = n_steps // 8
    result = tangent_run(network, autonomous=mode == "autonomous", n_chains=n_chains,
                         n_burn=burn_in, n_windows=8, window=window, input_mode=False,
                         gen=gen, noise_scale=noise_scale)
    logs = result.logs[result.status < 0]
    if logs.size == 0:
        return math.inf, math.nan
    per_window = logs.ravel() / window
    if np.any(np.isnan(per_window)):
        return math.nan, math.nan  # a tangent overflowed while its chain stayed finite
    if np.any(np.isneginf(per_window)):
        return -math.inf, 0.0
    lam = float(np.mean(per_window))
    se = float(np.std(per_window, ddof=1) / math.sqrt(per_window.size))
    return lam, se


def forget_gate_profile(network, *, mode="autonomous", n_chains=4, n_steps=2000,
                        burn_in=500, noise_scale=1.0, rng=None) -> ForgetGateProfile:
    """Empirical forget-gate values of an LSTM along stationary simulated paths.

    Corollary 2 of Zhao et al. (2020) needs sup f < 1; when the gate depends on the
    unbounded input the supremum is 1 analytically (see :func:`rnnmem.theory.conditions`)
    and only the empirical maximum and upper quantiles can be reported.

    Parameters
    ----------
    network : LSTM
    mode, n_chains, n_steps, burn_in, noise_scale, rng
        As in :func:`rnnmem.simulate.run`.

    Returns
    -------
    ForgetGateProfile

    Raises
    ------
    TypeError
        If ``network`` is not an LSTM.
    """
    if not isinstance(network, LSTM):
        raise TypeError(f"`network` must be an LSTM for a forget-gate profile; got "
                        f"{type(network).__name__}.")
    path = run(network, n_steps, mode=mode, n_chains=n_chains, burn_in=burn_in,
               noise_scale=noise_scale, record_states=True, rng=rng)
    H, L = network.hidden_size, network.num_layers
    states = path.states  # (C, T, 2LH): h of every layer, then c
    gates = []
    for layer in range(L):
        forget = slice(H, 2 * H)
        below = path.inputs if layer == 0 else states[:, :, (layer - 1) * H:layer * H]
        own = states[:, :-1, layer * H:(layer + 1) * H]  # h_{t-1} for t = 1..T-1
        pre = (below[:, 1:] @ network.weight_ih[layer][forget].T
               + own @ network.weight_hh[layer][forget].T
               + network.bias_ih[layer][forget] + network.bias_hh[layer][forget])
        gates.append(special.expit(pre))
    values = np.concatenate(gates, axis=2)
    flat = values.reshape(-1)
    quantiles = {q: float(np.quantile(flat, q)) for q in (0.5, 0.9, 0.99, 0.999)}
    return ForgetGateProfile(maximum=float(flat.max()), quantiles=quantiles,
                             unit_maximum=values.reshape(-1, values.shape[2]).max(axis=0),
                             n_values=int(flat.size))


def _slope_ci(steps, logs_per_pair):
    """Mean least-squares slope over pairs (= slope of the mean curve) and its 95% CI."""
    x = steps - steps.mean()
    slopes = (logs_per_pair - logs_per_pair.mean(axis=1, keepdims=True)) @ x / (x @ x)
    slope = float(np.mean(slopes))
    se = float(np.std(slopes, ddof=1) / math.sqrt(slopes.size)) if slopes.size > 1 else math.inf
    return slope, se


def _coupling(network, mode, n_pairs, n_steps, noise_scale, gen):
    result = couple(network, n_steps, n_pairs=n_pairs, mode=mode, noise_scale=noise_scale,
                    rng=gen)
    dist = result.distances
    with np.errstate(divide="ignore"):
        logs = np.log(np.maximum(dist, 0.0))
    curve = np.exp(np.mean(np.log(np.maximum(dist, _TINY)), axis=0))
    small = np.any(dist <= _TINY, axis=0)
    stop = int(np.argmax(small)) if np.any(small) else n_steps
    start = stop // 4
    if stop - start < 3:
        # Met (to rounding) within a few steps: contraction faster than can be resolved.
        return (0.0, (0.0, 0.0), curve, np.arange(1, stop + 1),
                (f"the copies met within {stop} steps: contraction too fast to resolve, "
                 "rate reported as 0"))
    steps = np.arange(start + 1, stop + 1, dtype=np.float64)
    slope, se = _slope_ci(steps, logs[:, start:stop])
    rate = math.exp(slope)
    ci = (math.exp(slope - _Z95 * se), math.exp(slope + _Z95 * se))
    text = (f"log distance of {n_pairs} coupled pairs fitted over steps "
            f"{start + 1}..{stop} (the first quarter is left out as transient)")
    return rate, ci, curve, steps.astype(np.int64), text


def _starting_points(network, mode, noise_scale, gen):
    """Two states (and outputs) from independent stationary-ish runs (500 burn-in steps)."""
    path = run(network, 1, mode=mode, n_chains=2, burn_in=500, noise_scale=noise_scale,
               record_states=True, on_divergence="raise", rng=gen)
    return path.states[:, -1], path.outputs[:, -1]


def _ensemble(network, mode, n_pairs, n_steps, noise_scale, gen):
    states, outs = _starting_points(network, mode, noise_scale, gen)
    seed = int(gen.integers(2**63))
    means = []
    for side in (0, 1):
        kwargs = {"init": states[side]}
        if mode == "autonomous":
            kwargs["init_output"] = outs[side]
        path = run(network, n_steps, mode=mode, n_chains=n_pairs, noise_scale=noise_scale,
                   rng=seed, **kwargs)
        y = path.outputs  # (N, T, O)
        means.append(np.concatenate([y, y**2], axis=2))
    diff = means[0] - means[1]  # common random numbers: paired differences
    scale = np.var(means[1][:, -1], axis=0) + 1e-300
    mean_diff = diff.mean(axis=0)  # (T, 2O)
    var_mean = diff.var(axis=0, ddof=1) / n_pairs
    d2 = np.sum(mean_diff**2 / scale, axis=1)
    noise2 = np.sum(var_mean / scale, axis=1)
    curve = np.sqrt(d2)
    noise = np.sqrt(noise2)
    visible = d2 > 4.0 * noise2
    stop = int(np.argmin(visible)) if not np.all(visible) else n_steps
    text = (f"standardised difference of E[(y, y^2)] over {n_pairs} chains from each of two "
            f"starts (common random numbers), fitted while it exceeds twice its noise")
    if stop < 3:
        return (math.nan, (math.nan, math.nan), curve, noise, np.arange(1, stop + 1),
                text + f": visible for only {stop} steps, no rate")
    steps = np.arange(1, stop + 1, dtype=np.float64)
    signal = 0.5 * np.log(np.maximum(d2[:stop] - noise2[:stop], _TINY))
    coef, cov = np.polyfit(steps, signal, 1, cov=True) if stop > 3 else (
        np.polyfit(steps, signal, 1), np.full((2, 2), np.inf))
    slope, se = float(coef[0]), float(math.sqrt(cov[0, 0]))
    rate = math.exp(slope)
    ci = (math.exp(slope - _Z95 * se), math.exp(min(slope + _Z95 * se, 700.0)))
    text += (f", steps 1..{stop}; the interval treats the residuals as independent and is "
             "optimistic")
    return rate, ci, curve, noise, steps.astype(np.int64), text


def ergodicity(network, *, method="auto", mode="autonomous", n_pairs=None, n_steps=200,
               n_ensemble=4096, noise_scale=1.0, rng=None) -> ErgodicityResult:
    """Measure how fast a network's Markov chain forgets its initial state.

    Parameters
    ----------
    network : Network
        Any network of :mod:`rnnmem.networks`.
    method : {"auto", "coupling", "ensemble"}, default "auto"
        "coupling": synchronous coupling of ``n_pairs`` pairs. "ensemble": ensemble means
        from two starting states over ``n_pairs`` chains each, with common random numbers.
        "auto": coupling when the top Lyapunov exponent is significantly negative (pathwise
        contraction), the ensemble otherwise.
    mode : {"autonomous", "driven"}, default "autonomous"
        Which chain (see :func:`rnnmem.simulate.run`).
    n_pairs : int, optional
        Coupled pairs (default 64), or chains per start for ``method="ensemble"`` (default
        ``n_ensemble``), >= 2.
    n_steps : int, default 200
        Steps after the start, >= 4.
    n_ensemble : int, default 4096
        Chains per starting point when "auto" chooses the ensemble (the Monte Carlo noise
        of the ensemble difference falls like 1 / sqrt(n_ensemble)), >= 2.
    noise_scale : float, default 1.0
    rng : None, int or numpy.random.Generator

    Returns
    -------
    ErgodicityResult

    Raises
    ------
    TypeError, ValueError
        Bad arguments (via the simulators' checks).
    rnnmem.simulate.DivergenceError
        If the chain diverges (it is then not stationary).

    Notes
    -----
    The coupling rate is exp of the mean over pairs of the least-squares slope of
    log ||X_n - X'_n||, steps n_stop/4..n_stop, with a 95% interval from the spread of the
    per-pair slopes (pairs are independent, so this interval is honest). The ensemble rate
    is exp of the slope of log sqrt(D_n^2 - noise_n^2), D_n^2 = sum_j (mean difference of
    g_j)^2 / Var(g_j), g = (y, y^2), over the steps where D_n^2 > 4 noise_n^2; its interval
    is a regression interval and treats neighbouring steps as independent (optimistic).
    ``geometric`` is True only when the whole interval lies below 1.

    References
    ----------
    Zhao et al. (2020), Definition 2, Theorems 1-2, Corollaries 1-2; THEORY.md §2.3.
    Benettin, G. et al. (1980), Meccanica 15, 9-20 (Lyapunov exponents by renormalisation).

    Examples
    --------
    >>> from rnnmem.networks import LinearChain
    >>> result = ergodicity(LinearChain([[0.5]]), n_pairs=8, n_steps=40, rng=0)
    >>> result.method, round(result.rate, 6)
    ('coupling', 0.5)
    """
    _check_network(network)
    method = as_choice(method, "method", METHODS)
    mode = _check_mode(network, mode)
    n_steps = as_integer(n_steps, "n_steps", minimum=4)
    if n_pairs is not None:
        n_pairs = as_integer(n_pairs, "n_pairs", minimum=2)
    n_ensemble = as_integer(n_ensemble, "n_ensemble", minimum=2)
    noise_scale = as_real(noise_scale, "noise_scale", low=0.0)
    gen = as_generator(rng)

    lam, lam_se = lyapunov_exponent(network, mode=mode, n_steps=max(800, 4 * n_steps),
                                    noise_scale=noise_scale, rng=gen)
    reasons = []
    if method == "auto":
        if lam + _Z95 * lam_se < 0.0:
            chosen = "coupling"
            reasons.append(f"the top Lyapunov exponent {lam:.4g} (se {lam_se:.2g}) is "
                           "significantly negative: the chain contracts pathwise, so coupling "
                           "measures the rate")
        else:
            chosen = "ensemble"
            reasons.append(f"the top Lyapunov exponent {lam:.4g} (se {lam_se:.2g}) is not "
                           "significantly negative: coupled copies need not meet, so the "
                           "ensemble difference measures the rate")
    else:
        chosen = method
        reasons.append(f"method={method!r} requested")

    coupling_rate = math.nan
    noise = np.zeros(n_steps)
    if chosen == "coupling":
        rate, ci, curve, fitted, text = _coupling(network, mode, n_pairs or 64, n_steps,
                                                  noise_scale, gen)
        coupling_rate = rate
        reasons.append(text)
    if chosen == "ensemble":
        size = n_pairs if (method == "ensemble" and n_pairs is not None) else n_ensemble
        rate, ci, curve, noise, fitted, text = _ensemble(network, mode, size, n_steps,
                                                         noise_scale, gen)
        reasons.append(text)
    geometric = bool(ci[1] < 1.0)
    if not geometric:
        reasons.append("the rate's interval is not below 1: geometric forgetting is not "
                       "established by this measurement")
    forget = None
    if isinstance(network, LSTM):
        forget = forget_gate_profile(network, mode=mode, noise_scale=noise_scale, rng=gen)
    return ErgodicityResult(
        method=chosen,
        reason="; ".join(reasons) + ".",
        rate=float(rate),
        rate_ci=(float(ci[0]), float(ci[1])),
        half_life=_half_life(rate),
        half_life_ci=(_half_life(ci[0]), _half_life(ci[1])),
        geometric=geometric,
        lyapunov=float(lam),
        lyapunov_se=float(lam_se),
        curve=curve,
        noise=noise,
        fitted_steps=np.asarray(fitted, dtype=np.int64),
        coupling_rate=float(coupling_rate),
        mode=mode,
        n_pairs=int(n_pairs or 64) if chosen == "coupling" else int(size),
        n_steps=n_steps,
        forget_gates=forget,
    )
