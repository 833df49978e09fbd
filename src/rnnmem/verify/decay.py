"""Exponential or power-law decay? A two-law least-squares comparison (``fit_decay``)."""

from __future__ import annotations

import dataclasses
import functools
import math

import numpy as np
from scipy import optimize
from scipy.special import ndtri

from rnnmem._results import Result
from rnnmem._validation import as_choice, as_integer, as_real, as_real_array

__all__ = ["DecayFit", "fit_decay"]

_LAWS = ("exponential", "power", "undetermined")


@dataclasses.dataclass(frozen=True)
class DecayFit(Result):
    """Which law the decay of a sequence follows, with both fits.

    Attributes
    ----------
    law : str
        ``"exponential"``, ``"power"`` or ``"undetermined"``.
    reason : str
        One sentence explaining the verdict.
    rate : float
        Fitted ratio r of the exponential law ``v_k = A r^k`` (0 < r < 1).
    rate_ci : tuple of float
        95% confidence interval of ``rate``.
    half_life : float
        ``log 2 / (-log r)``, in lags.
    half_life_ci : tuple of float
        The interval of ``half_life`` implied by ``rate_ci``.
    exponent : float
        Fitted exponent beta of the power law ``v_k = A k^(-beta)``.
    exponent_ci : tuple of float
        95% confidence interval of ``exponent``.
    amplitude_exponential, amplitude_power : float
        Fitted amplitudes A of the two laws.
    rss_exponential, rss_power : float
        Residual sums of squares of the two fits (in the units of ``values`` squared).
    r2_exponential, r2_power : float
        Coefficients of determination of the two fits.
    log_likelihood_ratio : float
        ``(K/2) log(rss_exponential / rss_power)``: positive favours the power law.
    threshold : float
        ``|log_likelihood_ratio|`` needed for a verdict.
    lags : ndarray, shape (K,)
        The lags used in the fit.
    n_obs : int or None
        Series length for the sample-ACF bias correction, if used.
    """

    law: str
    reason: str
    rate: float
    rate_ci: tuple[float, float]
    half_life: float
    half_life_ci: tuple[float, float]
    exponent: float
    exponent_ci: tuple[float, float]
    amplitude_exponential: float
    amplitude_power: float
    rss_exponential: float
    rss_power: float
    r2_exponential: float
    r2_power: float
    log_likelihood_ratio: float
    threshold: float
    lags: np.ndarray
    n_obs: int | None

    _title = "Decay-law fit"

    def curve(self, law: str, lags) -> np.ndarray:
        """The fitted law at ``lags``, exactly as it was fitted.

        ``law`` is "exponential" (A r^k) or "power" (A k^(-beta)). With ``n_obs`` the fit
        modelled the sample ACF's mean-correction bias, so the curve is
        A (b_k - (2/n) sum_{h=1}^{n-1} (1 - h/n) b_h) - 1/n, which is what the data were
        compared with (at d = 0.4, n = 1000 it lies 0.18 below A b_k at lag 10).
        """
        law = as_choice(law, "law", ("exponential", "power"))
        k = as_real_array(lags, "lags", ndim=1, min_size=1)
        if np.any(k <= 0):
            raise ValueError(f"`lags` must be positive (the laws are fitted at lags k >= 1); "
                             f"got min(lags)={k.min():g}.")
        if law == "exponential":
            parameter, amplitude, values = self.rate, self.amplitude_exponential, self.rate**k
        else:
            parameter, amplitude = self.exponent, self.amplitude_power
            values = k ** (-parameter)
        if self.n_obs is None:
            return amplitude * values
        bias = _mean_correction(law, np.array([parameter]), self.n_obs)[0]
        return amplitude * (values - bias) - 1.0 / self.n_obs


def _mean_correction(kind: str, p: np.ndarray, n_obs: int) -> np.ndarray:
    """(2/n) sum_{h=1}^{n-1} (1 - h/n) b_h(p) for each p: the sample ACF's mean-correction term."""
    h = np.arange(1, n_obs, dtype=np.float64)
    weights = 2 * (1 - h / n_obs) / n_obs
    hb = p[:, None] ** h if kind == "exponential" else h ** (-p[:, None])
    # einsum, not @: OpenBLAS's threaded gemv on these shapes was measured 20x slower on
    # the shared 2-core machine under load
    return np.einsum("ij,j->i", hb, weights, optimize=False)


@functools.lru_cache(maxsize=32)
def _bias_terms(kind: str, n_obs: int, low: float, high: float, size: int) -> np.ndarray:
    """(2/n) sum_{h=1}^{n-1} (1 - h/n) b_h(p) on the parameter grid (data-independent)."""
    grid = np.linspace(low, high, size)
    out = np.empty(size)
    for start in range(0, size, 50):  # bounded memory for long series
        out[start : start + 50] = _mean_correction(kind, grid[start : start + 50], n_obs)
    return out


def _profile(lags, y, kind, low, high, n_obs):
    """Least-squares fit of v_k = A b_k(p) (+ bias), profiling A; returns p, A, rss, se(p)."""
    size = 401
    grid = np.linspace(low, high, size)
    if n_obs is not None:
        target = y + 1.0 / n_obs
        grid_bias = _bias_terms(kind, n_obs, low, high, size)
    else:
        target = y

    def basis(p, bias=None):
        p = np.atleast_1d(np.asarray(p, dtype=np.float64))[:, None]
        b = p**lags if kind == "exponential" else lags ** (-p)
        if n_obs is not None:
            # mean-correction bias of the sample ACF: gamma_hat(k) ~ gamma(k) - Var(xbar)
            if bias is None:
                bias = _mean_correction(kind, p[:, 0], n_obs)
            b = b - np.asarray(bias).reshape(-1, 1)
        return b

    def rss_and_amplitude(p, bias=None):
        b = basis(p, bias)
        amp = np.einsum("ij,j->i", b, target) / np.einsum("ij,ij->i", b, b)
        resid = target[None, :] - amp[:, None] * b
        return np.einsum("ij,ij->i", resid, resid), amp

    rss, _ = rss_and_amplitude(grid, grid_bias if n_obs is not None else None)
    i = int(np.argmin(rss))
    lo, hi = grid[max(i - 1, 0)], grid[min(i + 1, grid.size - 1)]
    res = optimize.minimize_scalar(
        lambda p: float(rss_and_amplitude(p)[0][0]), bounds=(lo, hi), method="bounded",
        options={"xatol": 1e-10},
    )
    p = float(res.x)
    rss_hat, amp = rss_and_amplitude(p)
    rss_hat, amp = float(rss_hat[0]), float(amp[0])
    # curvature of the profiled RSS gives var(p) ~ 2 sigma^2 / RSS''(p)
    step = 1e-4 * max(high - low, 1e-3)
    pc = min(max(p, low + step), high - step)
    curv = (
        float(rss_and_amplitude(pc + step)[0][0]) - 2 * float(rss_and_amplitude(pc)[0][0])
        + float(rss_and_amplitude(pc - step)[0][0])
    ) / step**2
    k = lags.size
    sigma2 = rss_hat / max(k - 2, 1)
    se = math.sqrt(2 * sigma2 / curv) if curv > 0 else math.inf
    return p, amp, rss_hat, se


def fit_decay(values, *, lags=None, noise_floor=None, n_obs=None, max_exponent=None,
              threshold=0.5):
    r"""Decide whether a sequence decays exponentially or like a power law.

    Works on sample autocorrelations (Definition 1 of Zhao et al. 2020) and on
    coefficient sequences such as :math:`A_k` of Definition 3.

    Parameters
    ----------
    values : array_like, shape (L,)
        The sequence :math:`v_k` (signs are kept: a sample ACF that dips below zero counts
        against both laws).
    lags : array_like, optional
        Lag of each value, strictly increasing. Default ``0, 1, ..., L - 1``. Lags ``<= 0``
        are not used (both laws are fitted on ``k >= 1``).
    noise_floor : float, optional
        Level below which ``|v_k|`` is noise (for a sample ACF of n values, ``2/sqrt(n)``).
        The fit uses the initial run of lags where ``|v_k|`` exceeds it, extended to at
        least three lags (two two-parameter laws cannot be compared on fewer). If
        ``|v_k|`` is below the floor at the first lag the verdict is "undetermined".
        Default: no floor, every lag is used.
    n_obs : int, optional
        Length of the series a sample ACF came from. Both laws then include the downward
        bias of the sample ACF from estimating the mean,
        :math:`E\hat\rho(k) \approx \rho(k) - \operatorname{Var}(\bar x)/\gamma(0)`, with
        :math:`\operatorname{Var}(\bar x)` implied by the law itself. This matters under
        long memory (THEORY.md §1.4: at d = 0.4, n = 1000 the bias at lag 10 is -0.18).
        Leave None for coefficient sequences.
    max_exponent : float, optional
        Upper bound of the power-law exponent beta. Default 1 when ``n_obs`` is given
        (for an autocorrelation, long memory in the sense of Definition 1 means a
        non-summable power law, beta <= 1), 4 otherwise (Definition 3 counts any
        polynomial decay).
    threshold : float, default 0.5
        Minimum ``|log_likelihood_ratio|`` for a verdict; below it the law is
        "undetermined".

    Returns
    -------
    DecayFit

    Raises
    ------
    TypeError
        Non-numeric input.
    ValueError
        NaN or inf, not 1-D, fewer than 3 usable lags, lags not strictly increasing or of
        another length, a negative noise floor, ``n_obs`` < 3 or smaller than the largest lag.

    Notes
    -----
    Both laws are fitted by least squares on the values themselves (their noise is
    roughly constant across lags for a sample ACF), with the amplitude profiled out:

    - exponential: :math:`v_k = A r^k`, :math:`0.001 \le r \le 0.999`;
    - power: :math:`v_k = A k^{-\beta}`, :math:`0.001 \le \beta \le` ``max_exponent``.

    With ``n_obs`` the basis of each law becomes
    :math:`b_k - (2/n)\sum_{h=1}^{n-1}(1 - h/n) b_h` and the values are shifted by
    :math:`1/n`: the first-order mean-correction bias of the sample autocorrelation.
    The criterion is the Gaussian log-likelihood ratio of the two fits, equal numbers of
    parameters so equal to half the AIC difference,
    :math:`\Lambda = (K/2)\log(\mathrm{RSS}_{\exp}/\mathrm{RSS}_{\rm pow})`. The
    confidence intervals come from the curvature of the profiled RSS and treat the
    residuals as independent, which sample-ACF errors are not: read them as optimistic.

    Measured with ``acf(x, 36)``, ``noise_floor=2/sqrt(n)``, ``n_obs=n``, n = 4096
    (benchmarks/calibration.py): see BENCHMARKS.md.

    References
    ----------
    Zhao, J. et al. (2020), "Do RNN and LSTM have long memory?", ICML, Definitions 1 and 3.
    Burnham, K. P. and Anderson, D. R. (2002), *Model Selection and Multimodel
    Inference*, 2nd ed., Springer (likelihood ratios of non-nested models).

    Examples
    --------
    >>> import numpy as np
    >>> from rnnmem.verify import fit_decay
    >>> k = np.arange(60)
    >>> fit_decay(0.9 ** k).law, fit_decay((1.0 + k) ** -1.5).law
    ('exponential', 'power')
    """
    v = as_real_array(values, "values", ndim=1, min_size=1)
    if lags is None:
        k = np.arange(v.size, dtype=np.float64)
    else:
        k = as_real_array(lags, "lags", ndim=1)
        if k.size != v.size:
            raise ValueError(
                f"`lags` must have one entry per value; got {k.size} lags for {v.size} values."
            )
        if np.any(np.diff(k) <= 0):
            raise ValueError("`lags` must be strictly increasing; got lags that are not.")
    keep = k > 0
    k, v = k[keep], v[keep]
    if k.size < 3:
        raise ValueError(
            f"`values` must have at least 3 values at positive lags to compare two laws; got {k.size}."
        )
    if noise_floor is not None:
        noise_floor = as_real(noise_floor, "noise_floor", low=0.0)
    if n_obs is not None:
        n_obs = as_integer(n_obs, "n_obs", minimum=max(3, math.ceil(k[-1]) + 1),
                           why="(the series length behind a sample ACF exceeds its largest lag)")
    if max_exponent is None:
        max_exponent = 1.0 if n_obs is not None else 4.0
    max_exponent = as_real(max_exponent, "max_exponent", low=0.01, high=10.0)
    threshold = as_real(threshold, "threshold", low=0.0)

    count = k.size
    floor_reason = ""
    if noise_floor is not None:
        below = np.flatnonzero(np.abs(v) <= noise_floor)
        count = int(below[0]) if below.size else k.size
        if count == 0:
            floor_reason = "the first value is already within the noise floor"
        count = max(count, 3)
    k, v = k[:count], v[:count]

    rate, amp_e, rss_e, se_r = _profile(k, v, "exponential", 0.001, 0.999, n_obs)
    beta, amp_p, rss_p, se_b = _profile(k, v, "power", 0.001, max_exponent, n_obs)
    tiny = 1e-300
    llr = 0.5 * count * math.log((rss_e + tiny) / (rss_p + tiny))
    tss = float(np.sum((v - v.mean()) ** 2)) + tiny
    z = float(ndtri(0.975))
    rate_ci = (max(rate - z * se_r, 0.0), min(rate + z * se_r, 1.0))

    def half(r):
        return math.inf if r >= 1.0 else (0.0 if r <= 0.0 else math.log(2) / -math.log(r))

    if floor_reason:
        law, reason = "undetermined", f"No signal: {floor_reason}."
    elif abs(llr) < threshold:
        law = "undetermined"
        reason = (f"The two laws fit about equally well over lags {k[0]:g}..{k[-1]:g} "
                  f"(|log-likelihood ratio| = {abs(llr):.2f} < {threshold:g}).")
    elif llr > 0:
        law = "power"
        reason = (f"A power law (beta = {beta:.3g}) fits better than an exponential over lags "
                  f"{k[0]:g}..{k[-1]:g} (log-likelihood ratio {llr:.2f}).")
    else:
        law = "exponential"
        reason = (f"An exponential (r = {rate:.3g}, half-life {half(rate):.3g} lags) fits better "
                  f"than a power law over lags {k[0]:g}..{k[-1]:g} (log-likelihood ratio {llr:.2f}).")
    return DecayFit(
        law=law,
        reason=reason,
        rate=rate,
        rate_ci=rate_ci,
        half_life=half(rate),
        half_life_ci=(half(rate_ci[0]), half(rate_ci[1])),
        exponent=beta,
        exponent_ci=(beta - z * se_b, beta + z * se_b),
        amplitude_exponential=amp_e,
        amplitude_power=amp_p,
        rss_exponential=rss_e,
        rss_power=rss_p,
        r2_exponential=1 - rss_e / tss,
        r2_power=1 - rss_p / tss,
        log_likelihood_ratio=llr,
        threshold=threshold,
        lags=k,
        n_obs=n_obs,
    )
