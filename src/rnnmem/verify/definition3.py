"""Definition 3 coefficients A_k of a network, exact or estimated, and their decay law.

Zhao et al. (2020), Definition 3: if z_t = sum_k A_k x_{t-k} + (terms free of the input), the
network has long memory when some entry of A_k decays polynomially and short memory when
||A_k|| <= C rho^k. For linear networks A_k is exact
(:func:`rnnmem.theory.linear_coefficients`). For nonlinear networks rnnmem uses the expected
Jacobian A_k = E[dz_t / dx_{t-k}] along stationary driven trajectories (the toolkit's
extension of the definition, THEORY.md §3), computed by forward-mode tangents in Numba
kernels. With i.i.d. N(0, sigma^2) inputs, Stein's lemma gives the same quantity as
E[z_t x_{t-k}] / sigma^2, a noisier estimate needing no derivative: the cross-check, and
the fallback when pathwise tangents are unusable (top Lyapunov exponent >= 0).
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from rnnmem._results import Result
from rnnmem._rng import as_generator
from rnnmem._validation import as_choice, as_integer, as_real
from rnnmem.networks import MLSTM, MLSTMF, MRNN, MRNNF, RNN, LinearChain
from rnnmem.simulate import run
from rnnmem.simulate.networks import _check_network
from rnnmem.theory import linear_coefficients

from ._mc_tangent import tangent_run
from .decay import DecayFit, fit_decay

__all__ = ["CoefficientEstimate", "LogLawFit", "coefficients", "definition3_verdict", "log_law"]

METHODS = ("auto", "exact", "jacobian", "stein")
_MIN_LAGS = 8
_LAW_TO_VERDICT = {"power": "long", "exponential": "short", "undetermined": "inconclusive"}
# Said in the reason for MRNN/MLSTM: the derivative runs through the dynamic d_t as well.
_DYNAMIC_D_NOTE = " (through d_t and the filter weights w_j(d_t) too)"


@dataclasses.dataclass(frozen=True)
class CoefficientEstimate(Result):
    """Definition 3 coefficients of a network and the verdict on their decay.

    Attributes
    ----------
    values : ndarray, shape (n_lags, output_size, input_size)
        A_k, k = 0..n_lags-1: exact, or the Monte Carlo mean.
    se : ndarray, same shape
        Monte Carlo standard errors (zeros for exact coefficients).
    norms : ndarray, shape (n_lags,)
        Frobenius norms ||A_k||.
    norm_se : ndarray, shape (n_lags,)
        sqrt(sum of squared entry standard errors): the noise level of ``norms``.
    method : str
        "exact", "jacobian" or "stein".
    reason : str
        Why this method, and what the verdict rests on.
    lyapunov : float
        Top Lyapunov exponent of the driven chain (nan if not computed).
    decay : DecayFit or None
        :func:`fit_decay` of ``norms`` over lags 1..n_lags-1 (None if fewer than 3 usable
        lags).
    tail : DecayFit or None
        :func:`fit_decay` from lag n_lags // 50 to the last lag above the noise floor (K at
        most for filtered networks): the asymptotic exponent (for MRNNF about 1 + d, for
        the MLSTMF cell about 1 - d). None if fewer than 8 such lags.
    log_law : LogLawFit or None
        :func:`log_law` over the significant lags (norm above 3 standard errors) (1..K for filtered networks): the
        Definition 3 verdict. None if fewer than 8 lags are significant.
    envelope : ndarray of shape (n_lags,) or None
        Jacobian method: E||dz_t/dx_{t-k}||_F, the pathwise envelope; ||A_k|| <= envelope[k].
    verdict : str
        "long" (power law), "short" (exponential) or "inconclusive" (undetermined, or fewer
        than 8 significant lags).
    horizon : int or None
        For filtered networks (MRNNF, MLSTMF) with filter length K < n_lags - 3: K.
    decay_within, decay_beyond : DecayFit or None
        For filtered networks: fits on lags 1..K and K..n_lags-1.
    horizon_text : str
        "polynomial up to lag about K, geometric beyond" or what was found instead.
    n_samples : int
        Windows averaged (Jacobian) or series length (Stein); 0 for exact coefficients.
    network : str
    """

    values: np.ndarray
    se: np.ndarray
    norms: np.ndarray
    norm_se: np.ndarray
    method: str
    reason: str
    lyapunov: float
    decay: DecayFit | None
    tail: DecayFit | None
    log_law: LogLawFit | None
    envelope: np.ndarray | None
    verdict: str
    horizon: int | None
    decay_within: DecayFit | None
    decay_beyond: DecayFit | None
    horizon_text: str
    n_samples: int
    network: str

    _title = "Definition 3 coefficients"

    def summary(self) -> str:
        lines = [f"Definition 3 coefficients of {self.network} ({self.method})",
                 f"  verdict : {self.verdict}", f"  reason  : {self.reason}"]
        if self.decay is not None:
            lines.append(f"  decay   : {self.decay.reason}")
        if self.horizon_text:
            lines.append(f"  horizon : {self.horizon_text}")
        shown = [k for k in (0, 1, 10, 100, 1000) if k < self.norms.size]
        lines += [f"  ||A_{k}|| = {self.norms[k]:.4e} (se {self.norm_se[k]:.1e})" for k in shown]
        return "\n".join(lines)


def definition3_verdict(fit: DecayFit | None) -> str:
    """"long" for a power law, "short" for an exponential, else "inconclusive"."""
    return "inconclusive" if fit is None else _LAW_TO_VERDICT[fit.law]


def _is_linear(network) -> bool:
    if isinstance(network, LinearChain):
        return True
    return (isinstance(network, RNN) and network.activation == "identity"
            and network.output == "identity")


def _state_radius(network) -> float:
    """Spectral radius of the state transition F of a linear network's driven form."""
    if isinstance(network, LinearChain):
        p = network.output_size
        block = network.weight[p:, p:]
    else:
        from rnnmem.theory.coefficients import _linear_rnn_state_space

        block = _linear_rnn_state_space(network)[0]
    return float(np.max(np.abs(np.linalg.eigvals(block)))) if block.size else 0.0


def _jacobian(network, n_lags, n_samples, burn_in, noise_scale, gen):
    n_chains = min(4, n_samples)
    n_windows = -(-n_samples // n_chains)
    result = tangent_run(network, autonomous=False, n_chains=n_chains, n_burn=burn_in,
                         n_windows=n_windows, window=n_lags, input_mode=True, gen=gen,
                         noise_scale=noise_scale)
    if np.any(result.status >= 0):
        raise _diverged(network)
    samples = result.coeffs.reshape(n_chains * n_windows, n_lags, *result.coeffs.shape[3:])
    if not np.all(np.isfinite(samples)):
        return None, None, None, samples.shape[0]
    values = samples.mean(axis=0)
    se = samples.std(axis=0, ddof=1) / math.sqrt(samples.shape[0])
    envelope = np.linalg.norm(samples, axis=(2, 3)).mean(axis=0)
    return values, se, envelope, samples.shape[0]


def _diverged(network):
    from rnnmem.simulate import DivergenceError

    return DivergenceError(
        f"The driven chain of {type(network).__name__} diverged while estimating its "
        "coefficients: it is not stationary, and Definition 3 coefficients along stationary "
        "trajectories do not exist."
    )


def _stein(network, n_lags, n_samples, burn_in, noise_scale, gen):
    """E[z_t x_{t-k}] / sigma^2 with batch-means standard errors (16 batches)."""
    n_chains = 4
    n_steps = max(-(-n_samples // n_chains), 4 * n_lags)
    path = run(network, n_steps, mode="driven", n_chains=n_chains, burn_in=burn_in,
               noise_scale=noise_scale, rng=gen, on_divergence="report")
    if not path.stationary:
        raise _diverged(network)
    z, x = path.outputs, path.inputs  # (C, T, O), (C, T, I)
    n_batches = 4
    size = (n_steps - n_lags) // n_batches
    estimates = []
    for c in range(n_chains):
        for b in range(n_batches):
            lo = n_lags + b * size
            zz = z[c, lo:lo + size]
            block = np.stack([zz.T @ x[c, lo - k:lo - k + size] / size for k in range(n_lags)])
            estimates.append(block)
    estimates = np.array(estimates) / noise_scale**2
    values = estimates.mean(axis=0)
    se = estimates.std(axis=0, ddof=1) / math.sqrt(estimates.shape[0])
    return values, se, n_chains * n_steps


@dataclasses.dataclass(frozen=True)
class LogLawFit(Result):
    """Exponential against power law on the logarithm of a coefficient sequence.

    Attributes
    ----------
    law : str
        "exponential", "power" or "undetermined".
    rate : float
        exp(slope) of log v_k regressed on k.
    exponent : float
        -slope of log v_k regressed on log k.
    log_likelihood_ratio : float
        (K/2) log(RSS_exponential / RSS_power); positive favours the power law.
    lags : ndarray
        Lags used (those whose values are significant).
    """

    law: str
    rate: float
    exponent: float
    log_likelihood_ratio: float
    lags: np.ndarray

    _title = "Log-scale decay law"


def log_law(values, lags, *, threshold=2.0) -> LogLawFit:
    """Straight line in log v against k (exponential) or against log k (power)?

    Coefficients are exact or estimated with small relative error over several decades, so
    the comparison is made on log |v_k|, where each decade weighs the same (a least-squares
    fit on the values themselves is decided by the first few lags). Gaussian likelihood
    ratio of the two two-parameter regressions; |ratio| < ``threshold`` is "undetermined".
    """
    v = np.abs(np.asarray(values, dtype=np.float64))
    k = np.asarray(lags, dtype=np.float64)
    keep = (v > 0) & (k > 0)
    v, k = v[keep], k[keep]
    logv = np.log(v)
    rss = []
    slopes = []
    for x in (k, np.log(k)):
        coef, res, *_ = np.polyfit(x, logv, 1, full=True)
        rss.append(float(res[0]) if res.size else 0.0)
        slopes.append(float(coef[0]))
    tiny = 1e-300
    llr = 0.5 * k.size * math.log((rss[0] + tiny) / (rss[1] + tiny))
    law = "undetermined" if abs(llr) < threshold else ("power" if llr > 0 else "exponential")
    return LogLawFit(law=law, rate=math.exp(slopes[0]), exponent=-slopes[1],
                     log_likelihood_ratio=llr, lags=k)


def _tangents_usable(lam: float, n_lags: int) -> bool:
    """Pathwise tangents stay bounded over the window: lambda * n_lags <= 1.

    With lambda < 0 they shrink; with 0 <= lambda <= 1 / n_lags (a neutral direction, such
    as the slowest root of a long truncated filter, whose exponent is estimated as a tiny
    number of either sign) they grow by at most e over the n_lags lags used; beyond that
    they blow up and their average is noise.
    """
    return lam * n_lags <= 1.0


def _envelope_law(envelope):
    """:func:`log_law` of the pathwise envelope E||J_k|| over lags >= 1 where it is positive
    (and above 1e-250, clear of underflow); None with fewer than 8 such lags."""
    lags = np.flatnonzero(envelope > 1e-250)
    lags = lags[lags >= 1]
    if lags.size < _MIN_LAGS:
        return None
    return log_law(envelope[lags], lags.astype(np.float64))


def _fit_decay(values, lags):
    """:func:`fit_decay` on a stretch of lags. When the first lag is large (here up to
    several hundred) its exponential basis r^k underflows for the smallest rates of its
    grid, and its amplitude step divides 0 by 0 for those rates only; the floating-point
    warnings of those grid points are silenced, the rates they stand for lose the fit."""
    with np.errstate(divide="ignore", invalid="ignore", under="ignore"):
        return fit_decay(values, lags=lags)


def _fits(network, norms, norm_se, n_lags, method):
    lags = np.arange(n_lags, dtype=np.float64)
    # Signal: exact values above rounding (1e-12 of the largest); estimated values: see below.
    if method == "exact":
        signal = np.flatnonzero(norms[1:] > 1e-12 * norms.max()) + 1
    elif method == "jacobian":
        # Lags whose norm exceeds three standard errors (an expected Jacobian can cancel at
        # one lag and not at the next, so they need not be contiguous; at 3 se chance
        # exceedances are rare: 0.3% of insignificant lags).
        signal = np.flatnonzero(norms[1:] > 3.0 * norm_se[1:]) + 1
    else:
        # Stein estimates carry noise of constant size at every lag: only the initial run
        # of lags above three standard errors counts as signal.
        weak = np.flatnonzero(norms[1:] <= 3.0 * norm_se[1:])
        signal = np.arange(1, int(weak[0]) + 1 if weak.size else n_lags)
    end = int(signal[-1]) + 1 if signal.size else 1
    decay = _fit_decay(norms[:end], lags[:end]) if end - 1 >= 3 else None
    K = getattr(network, "filter_length", None)
    filtered = isinstance(network, (MRNNF, MLSTMF)) and K is not None
    law_stop = min(end, K + 1) if filtered else end
    used = signal[signal < law_stop]
    law = log_law(norms[used], lags[used]) if used.size >= _MIN_LAGS else None
    # Asymptotic exponent: lags from 2% of n_lags (past the transient where the asymptotic
    # law has not set in) to the end of the signal (or K for filtered networks).
    start = max(1, n_lags // 50)
    stop = min(end, K + 1) if filtered else end
    tail = _fit_decay(norms[start:stop], lags[start:stop]) if stop - start >= 8 else None
    horizon, within, beyond, text = None, None, None, ""
    if filtered and K + 4 <= end and K >= 4:
        horizon = K
        within = _fit_decay(norms[:K + 1], lags[:K + 1])
        beyond = _fit_decay(norms[K:end], lags[K:end] - K + 1)
        if within.law == "power" and beyond.law == "exponential":
            text = f"polynomial up to lag about K = {K}, geometric beyond"
        else:
            text = (f"lags 1..{K}: {within.law}; beyond K = {K}: {beyond.law} (the expected "
                    "pattern is polynomial up to K, geometric beyond)")
        # Definition 3 asks whether some entry decays polynomially: over the filter's
        # horizon the truncated filter does, so the verdict follows the fit up to K.
        decay = within
    return decay, tail, law, horizon, within, beyond, text


def coefficients(network, n_lags, *, method="auto", n_samples=None, burn_in=None,
                 noise_scale=1.0, lyapunov=None, rng=None) -> CoefficientEstimate:
    """Definition 3 coefficients A_k of a network and whether they decay polynomially.

    Parameters
    ----------
    network : Network
        Any network of :mod:`rnnmem.networks`, in its driven form (exogenous inputs x_t,
        output z_t).
    n_lags : int
        Number of lags k = 0..n_lags-1, >= 4.
    method : {"auto", "exact", "jacobian", "stein"}, default "auto"
        "exact": :func:`rnnmem.theory.linear_coefficients` (linear networks; for MRNNF the
        tanh units are linearised, for MLSTMF the cell with constant gates). "jacobian": the
        expected Jacobian by forward-mode tangents (any network; for MRNN and MLSTM it
        includes the dependence through d_t and the filter weights w_j(d_t)).
        "stein": E[z_t x_{t-k}] / sigma^2 (any network; valid for Gaussian inputs).
        "auto": exact for linear LinearChain/RNN; the Jacobian when the driven chain's top
        Lyapunov exponent lambda keeps pathwise tangents bounded over the lags
        (lambda * n_lags <= 1); Stein otherwise (lambda > 1 / n_lags, where pathwise
        tangents blow up and their average is noise).
    n_samples : int, optional
        Jacobian: windows of n_lags steps averaged (default 2**15 // n_lags, at least 16).
        Stein: total simulated steps (default 2**16).
    burn_in : int, optional
        Steps discarded before sampling (default max(500, n_lags)).
    noise_scale : float, default 1.0
        Standard deviation sigma of the i.i.d. Gaussian inputs, > 0.
    lyapunov : float, optional
        The driven chain's top Lyapunov exponent if already known (skips its computation).
    rng : None, int or numpy.random.Generator

    Returns
    -------
    CoefficientEstimate

    Raises
    ------
    TypeError
        Unsupported object.
    ValueError
        Bad arguments, or ``method="exact"`` for a nonlinear network.
    rnnmem.simulate.DivergenceError
        If the driven chain diverges.

    Notes
    -----
    Standard errors: the Jacobian samples are windows of n_lags consecutive steps, treated
    as independent (batch means; adjacent windows are correlated when the mixing time is
    not short against n_lags, then the errors are optimistic). Stein: 16 batches.
    For exact linear networks the verdict is exact: "short" when the spectral radius of
    the driven state transition F is below 1 (A_k = C F^k G). Otherwise it is
    :func:`log_law` on log ||A_k|| over the lags whose norm exceeds three standard errors
    (Stein: the initial run of such lags; lags 1..K for filtered networks): "power" -> "long", "exponential" -> "short",
    "undetermined" or fewer than 8 such lags -> "inconclusive". This is a model comparison
    on the measured decay, not a calibrated test. ``decay`` (all significant lags) and
    ``tail`` (from lag n_lags // 50) are :func:`fit_decay` fits kept for their rates and
    exponents. When that comparison is inconclusive for Jacobian estimates, the pathwise
    envelope E||dz_t/dx_{t-k}|| (an upper bound of ||A_k|| with no cancellation, hence small
    relative noise) decaying geometrically on the log scale gives "short".
    When pathwise tangents are unusable and the Jacobian was forced, the verdict is
    "inconclusive".

    References
    ----------
    Zhao et al. (2020), Definition 3, Theorems 3-4. Stein, C. (1981), Annals of Statistics
    9, 1135-1151 (E[x g(x)] = sigma^2 E[g'(x)] for Gaussian x).

    Examples
    --------
    >>> from rnnmem.networks import LinearChain
    >>> result = coefficients(LinearChain([[0.5, 1.0], [1.0, 0.8]]), 40)
    >>> result.method, result.verdict, round(result.decay.rate, 3)
    ('exact', 'short', 0.8)
    """
    _check_network(network)
    n_lags = as_integer(n_lags, "n_lags", minimum=4)
    method = as_choice(method, "method", METHODS)
    noise_scale = as_real(noise_scale, "noise_scale", low=0.0, low_inclusive=False)
    if n_samples is not None:
        n_samples = as_integer(n_samples, "n_samples", minimum=2)
    burn_in = max(500, n_lags) if burn_in is None else as_integer(burn_in, "burn_in", minimum=0)
    gen = as_generator(rng)
    name = type(network).__name__
    reasons = []
    lam = math.nan if lyapunov is None else as_real(lyapunov, "lyapunov")

    if method == "exact" and not (_is_linear(network) or isinstance(network, (MRNNF, MLSTMF))
                                  and not isinstance(network, (MRNN, MLSTM))):
        raise ValueError(
            f"`method` 'exact' needs a linear network (LinearChain, identity RNN) or the "
            f"linearised MRNNF/MLSTMF of Theorems 3-4; got {name}. Use method='jacobian' or "
            "'stein'."
        )
    if method in ("auto", "jacobian") and lyapunov is None and not _is_linear(network):
        from .mixing import lyapunov_exponent

        lam, _ = lyapunov_exponent(network, mode="driven", noise_scale=noise_scale,
                                   rng=gen)
    chosen = method
    if method == "auto":
        if _is_linear(network):
            chosen = "exact"
            reasons.append("the network is linear: exact coefficients")
        elif _tangents_usable(lam, n_lags):
            chosen = "jacobian"
            reasons.append(f"top Lyapunov exponent of the driven chain {lam:.4g}: "
                           f"tangents grow by at most e^(lambda n_lags) = "
                           f"{math.exp(min(lam * n_lags, 700.0)):.3g} over {n_lags} lags, "
                           "expected Jacobian by forward-mode tangents"
                           + (_DYNAMIC_D_NOTE if isinstance(network, (MRNN, MLSTM)) else ""))
        else:
            chosen = "stein"
            reasons.append(f"top Lyapunov exponent of the driven chain {lam:.4g} > 0: "
                           f"pathwise tangents grow like e^(lambda k) (by "
                           f"{math.exp(min(lam * n_lags, 700.0)):.3g} over {n_lags} lags), "
                           "so the Stein estimate is used instead of the Jacobian")
    else:
        reasons.append(f"method={method!r} requested")

    usable = True
    envelope = None
    if chosen == "exact":
        exact = linear_coefficients(network, n_lags)
        values = exact.values
        se = np.zeros_like(values)
        n_used = 0
        reasons.append(f"formula: {exact.formula} ({exact.response})")
    elif chosen == "jacobian":
        default = max(16, 2**15 // n_lags)
        values, se, envelope, n_used = _jacobian(network, n_lags, n_samples or default,
                                                 burn_in, noise_scale, gen)
        if values is None:
            usable = False
            values = np.full((n_lags, network.output_size, network.input_size), np.nan)
            se = values.copy()
            reasons.append("the tangents overflowed (pathwise instability): no estimate")
        elif method == "jacobian" and not math.isnan(lam) and not _tangents_usable(lam, n_lags):
            usable = False
            reasons.append(f"the top Lyapunov exponent {lam:.4g} > 0 makes pathwise tangents "
                           f"grow by {math.exp(min(lam * n_lags, 700.0)):.3g} over {n_lags} "
                           "lags: the average of pathwise Jacobians is not trusted")
    else:
        values, se, n_used = _stein(network, n_lags, n_samples or 2**16, burn_in, noise_scale,
                                    gen)
    norms = np.linalg.norm(values, axis=(1, 2))
    norm_se = np.sqrt(np.sum(se**2, axis=(1, 2)))
    decay = tail = law = horizon = within = beyond = None
    text = ""
    if usable:
        decay, tail, law, horizon, within, beyond, text = _fits(network, norms, norm_se,
                                                                n_lags, chosen)
    verdict = "inconclusive"
    if usable and law is not None:
        verdict = _LAW_TO_VERDICT[law.law]
        reasons.append(f"on the log scale over {law.lags.size} significant lags "
                       f"({law.lags[0]:g}..{law.lags[-1]:g}) the {law.law} law is preferred "
                       f"(log-likelihood ratio {law.log_likelihood_ratio:.3g}; rate "
                       f"{law.rate:.4g}, exponent {law.exponent:.3g})")
    elif usable:
        reasons.append(f"fewer than {_MIN_LAGS} lags carry significant signal: too few to "
                       "tell the laws apart")
    if usable and envelope is not None and verdict == "inconclusive":
        bound = _envelope_law(envelope)
        if bound is not None and bound.law == "exponential" and bound.rate < 1.0:
            verdict = "short"
            reasons.append(
                f"but ||A_k|| <= E||dz_t/dx_(t-k)|| (triangle inequality), and that pathwise "
                f"envelope decays geometrically (rate {bound.rate:.4g} over lags "
                f"{bound.lags[0]:g}..{bound.lags[-1]:g}, log-likelihood ratio "
                f"{bound.log_likelihood_ratio:.3g}): short memory")
    if chosen in ("exact", "jacobian") and usable and _is_linear(network):
        radius = _state_radius(network)
        verdict = "short" if radius < 1.0 else "inconclusive"
        reasons.append(f"A_k = C F^k G with spectral radius rho(F) = {radius:.6g}: "
                       + ("geometric decay, exactly (Theorem 3 for linear RNNs)"
                          if radius < 1.0 else "no decay"))

    return CoefficientEstimate(
        values=values, se=se, norms=norms, norm_se=norm_se, method=chosen,
        reason="; ".join(reasons) + ".", lyapunov=float(lam), decay=decay, tail=tail,
        log_law=law, envelope=envelope, verdict=verdict,
        horizon=horizon, decay_within=within, decay_beyond=beyond, horizon_text=text,
        n_samples=int(n_used), network=name,
    )
