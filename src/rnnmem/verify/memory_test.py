"""A calibrated test for long memory, guarded against spurious long memory.

``qu_test`` is Qu's (2011) test that a series' low-frequency spectrum is a single power
law; ``long_memory_test`` combines it with a Whittle fit of ARFIMA(p, d, 0) whose AR part
of order floor(n^(1/3)) is a sieve for the short-memory spectrum.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
from scipy.special import ndtr, ndtri

from rnnmem._results import Result
from rnnmem._validation import as_choice, as_integer, as_real
from rnnmem.verify._common import as_series, bandwidth_to_m
from rnnmem.verify.estimators import local_whittle
from rnnmem.verify.periodogram import _periodogram_values

__all__ = ["MemoryTest", "QuTest", "long_memory_test", "qu_test"]


# --------------------------------------------------------------------------------------
# Qu (2011)
# --------------------------------------------------------------------------------------


# Upper quantiles of the limit law of Qu's W, simulated by tests/reference/stats_qu_critical.py
# (m = 5000, 400 000 draws; Monte Carlo error about 0.003 at the 5% point, 0.01 at 0.1%).
# The 10%-1% points agree with Qu's (2011) Table 1 to within 0.012.
_QU_LEVELS = (0.5, 0.3, 0.2, 0.1, 0.05, 0.025, 0.01, 0.005, 0.002, 0.001, 0.0005)
_QU_QUANTILES = {
    0.02: (0.7294, 0.8686, 0.9659, 1.1154, 1.2471, 1.3678, 1.5134, 1.6197, 1.7523, 1.8391, 1.9121),
    0.05: (0.6568, 0.7874, 0.8785, 1.0224, 1.1497, 1.2690, 1.4144, 1.5153, 1.6434, 1.7291, 1.8073),
}


def qu_critical_value(level: float, trim: float) -> float:
    """Asymptotic critical value of Qu's W at a tabulated ``level`` and ``trim``."""
    return _QU_QUANTILES[trim][_QU_LEVELS.index(level)]


def _qu_p_value(stat: float, trim: float) -> float:
    """p-value by log-linear interpolation in the table, clipped to [0.0005, 0.5]."""
    quantiles = np.array(_QU_QUANTILES[trim])
    log_levels = np.log(np.array(_QU_LEVELS))
    return float(np.exp(np.interp(stat, quantiles, log_levels)))


@dataclasses.dataclass(frozen=True)
class QuTest(Result):
    """Qu's (2011) test of a single power law against spurious long memory.

    Attributes
    ----------
    statistic : float
        Qu's W statistic.
    p_value : float
        Asymptotic p-value (large W rejects the null of true long memory), interpolated in
        a table and clipped to [0.0005, 0.5]: 0.5 reads "at least 0.5", 0.0005 "at most".
    d : float
        Local Whittle estimate the statistic is built on.
    m : int
        Number of Fourier frequencies.
    n : int
        Length of the series.
    trim : float
        Trimming epsilon: the supremum runs over r in [trim, 1].
    critical_values : tuple of (float, float)
        ``(level, critical value)`` pairs for levels 0.10, 0.05, 0.01, 0.001.
    """

    statistic: float
    p_value: float
    d: float
    m: int
    n: int
    trim: float
    critical_values: tuple

    _title = "Qu (2011) test against spurious long memory"


def qu_test(x, *, m=None, bandwidth=0.7, trim=0.02):
    r"""Qu's (2011) test of the null "true long memory" against spurious long memory.

    Parameters
    ----------
    x : array_like, shape (n,)
        The series (finite, not constant, n >= 16).
    m : int, optional
        Number of Fourier frequencies, in ``[8, (n - 1) // 2]``; overrides ``bandwidth``.
    bandwidth : float, default 0.7
        In (0, 1); ``m = floor(n**bandwidth)``.
    trim : {0.02, 0.05}, default 0.02
        Trimming epsilon (the values tabulated by Qu 2011).

    Returns
    -------
    QuTest

    Raises
    ------
    TypeError, ValueError
        Bad series, bandwidth, ``m`` or ``trim``.

    Notes
    -----
    With :math:`\hat d` the local Whittle estimate at m frequencies,
    :math:`\hat G = m^{-1}\sum_j \lambda_j^{2\hat d} I_j` and
    :math:`\nu_j = \log\lambda_j - m^{-1}\sum_i \log\lambda_i`,

    .. math:: W = \sup_{r\in[\epsilon,1]} \Bigl(\sum_{j=1}^m \nu_j^2\Bigr)^{-1/2}
                  \Bigl|\sum_{j=1}^{\lfloor mr \rfloor} \nu_j
                  \Bigl(\frac{\lambda_j^{2\hat d} I_j}{\hat G} - 1\Bigr)\Bigr| .

    Under the null W converges to the supremum over :math:`[\epsilon, 1]` of a Gaussian
    process, the weighted partial sums of noise made orthogonal to (1, log lambda) by
    the estimation of G and d. Its quantiles were simulated
    (tests/reference/stats_qu_critical.py) at levels 0.5 to 0.0005, match Qu's Table 1
    (1.247 against 1.252 at 5% for epsilon = 0.02), and p-values are interpolated in them.
    Level shifts, trends and regime changes push low-frequency periodogram ordinates up
    in a way no single power law matches, and W is large.

    References
    ----------
    Qu, Z. (2011), "A test against spurious long memory", *Journal of Business &
    Economic Statistics* 29, 423-438, eq. (4) and Table 1.
    """
    arr = as_series(x, "x", ndim=1, min_size=16)
    n = arr.size
    m, _ = bandwidth_to_m(n, m=m, bandwidth=bandwidth, min_m=8)
    trim = as_real(trim, "trim")
    if trim not in _QU_QUANTILES:
        raise ValueError(f"`trim` must be one of [0.02, 0.05] (tabulated); got trim={trim!r}.")
    d = local_whittle(arr, m=m).d
    ordinates = _periodogram_values(arr, m)
    log_lam = np.log(2 * np.pi * np.arange(1, m + 1) / n)
    nu = log_lam - log_lam.mean()
    scaled = ordinates * np.exp(2 * d * (log_lam - log_lam.max()))
    partial = np.cumsum(nu * (scaled / scaled.mean() - 1))
    start = max(math.floor(trim * m), 1)
    stat = float(np.max(np.abs(partial[start - 1 :])) / math.sqrt(float(nu @ nu)))
    p_value = _qu_p_value(stat, trim)
    critical = tuple((lvl, qu_critical_value(lvl, trim)) for lvl in (0.10, 0.05, 0.01, 0.001))
    return QuTest(statistic=stat, p_value=p_value, d=d, m=m, n=n, trim=trim,
                  critical_values=critical)


# --------------------------------------------------------------------------------------
# ARFIMA(p, d, 0) Whittle with an autoregressive sieve
# --------------------------------------------------------------------------------------

_D_BOUNDS = (-0.49, 0.99)
_D_GRID = np.linspace(*_D_BOUNDS, 26)  # step 0.059: brackets the minimum, refined afterwards


def _levinson_orders(c: np.ndarray, order: int, knee_wave: np.ndarray):
    """Durbin-Levinson on "autocovariances" c (rows: independent problems, columns: lags).

    For every order p = 0..order returns the prediction-error variance v_p, the value a_p(1)
    of a_p(z) = 1 - sum_k phi_pk z^k and |a_p(e^{-i lambda_J})|^2 at the frequency whose
    powers are ``knee_wave`` (arrays of shape (rows, order + 1)), and the coefficient
    vectors of the last row. Minimising a^T C a over a_0 = 1, C the Toeplitz matrix of c,
    gives a = (1, -phi_p) with minimum v_p; C is positive definite here (a positively
    weighted sum of cosines), so every reflection coefficient lies in (-1, 1) and every
    a_p is stable.
    """
    rows = c.shape[0]
    v = np.empty((rows, order + 1))
    at_one = np.ones((rows, order + 1))
    at_knee = np.ones((rows, order + 1))
    v[:, 0] = c[:, 0]
    phi = np.zeros((rows, 0))
    last = [np.zeros(0)]
    for p in range(1, order + 1):
        k = (c[:, p] - np.einsum("rk,rk->r", phi, c[:, p - 1:0:-1])) / v[:, p - 1]
        phi = np.concatenate([phi - k[:, None] * phi[:, ::-1], k[:, None]], axis=1)
        v[:, p] = v[:, p - 1] * (1.0 - k * k)
        at_one[:, p] = 1.0 - phi.sum(axis=1)
        at_knee[:, p] = np.abs(1.0 - phi @ knee_wave[:p]) ** 2
        last.append(phi[-1].copy())
    return v, at_one, at_knee, last


@dataclasses.dataclass(frozen=True)
class _SieveFit:
    d: float
    se_information: float
    ar: np.ndarray
    criterion_values: np.ndarray


def _ar_sieve_whittle(ordinates: np.ndarray, n: int, max_ar: int, penalty: float) -> _SieveFit:
    r"""Whittle fit of ARFIMA(p, d, 0) over all Fourier frequencies.

    The objective is the Whittle likelihood with the scale G profiled out and Kolmogorov's
    formula for both factors, as in :func:`rnnmem.verify.whittle`:
    R(d, phi) = log mean_j(I_j |2 sin(lambda_j/2)|^{2d} |a(e^{-i lambda_j})|^2)
    - 2 d mean_j log|2 sin(lambda_j/2)|. (The integral of log|a|^2 over a period is zero
    for a stable a; over the Fourier frequencies its mean is O(1/n), and keeping it would
    reward poles near 1.) For fixed d the first term is a Toeplitz quadratic form in the
    AR coefficients, minimised exactly by Durbin-Levinson for all orders at once; d is
    profiled on a grid and refined by two parabolic steps.

    Identification: d is what the spectrum does below the short-memory factor's corner.
    An AR factor whose power changes by more than a factor 2 (its 3 dB corner) between
    frequency 0 and lambda_J, J = floor(sqrt(n)), competes with d at the lowest
    frequencies (measured: a random walk fitted as AR(1) with phi = 0.999 and d = 0;
    AR(1) phi = 0.9 at n = 4096 fitted as d = -0.49 plus an AR(3) pole at 0.978), so such
    (d, AR) pairs are excluded: the sieve models short-memory poles up to modulus about
    1 - 2 pi / sqrt(n). An order whose best admissible d lies on the boundary of
    [-0.49, 0.99] is skipped too (the information is no standard error there), unless
    every order does (d >= 0.99: a unit root).
    """
    M = ordinates.size
    lam = 2 * np.pi * np.arange(1, M + 1) / n
    s = np.log(2 * np.sin(lam / 2))
    s_max, s_mean = float(s.max()), float(s.mean())
    cosines = np.cos(np.outer(np.arange(max_ar + 1), lam)) / M
    knee_index = int(min(math.isqrt(n), M))
    knee_wave = np.exp(-1j * np.arange(1, max_ar + 1) * lam[knee_index - 1])

    def profile(ds):
        ds = np.atleast_1d(np.asarray(ds, dtype=float))
        weighted = ordinates[:, None] * np.exp(2 * (s - s_max)[:, None] * ds[None, :])
        # einsum without BLAS: OpenBLAS's threaded GEMM on these thin shapes was measured
        # 10-300x slower on the shared 2-core machine (0.18 s against 0.0005 s at n = 4096)
        c = np.einsum("hj,jk->kh", cosines, weighted, optimize=False)
        v, one, knee, last = _levinson_orders(c, max_ar, knee_wave)
        values = np.log(v) + (2 * (s_max - s_mean) * ds)[:, None]
        admissible = np.abs(np.log(knee) - 2 * np.log(np.abs(one))) <= math.log(2.0)
        return np.where(admissible, values, np.inf), last

    grid_values = profile(_D_GRID)[0]  # (grid, order); inf where not admissible
    cols = np.arange(max_ar + 1)
    best_i = np.argmin(grid_values, axis=0)
    best = grid_values[best_i, cols]
    usable = np.isfinite(best)
    interior = usable & (best_i > 0) & (best_i < _D_GRID.size - 1)
    criterion = np.where(usable, 2 * M * best + (penalty or 0.0) * cols, np.inf)
    candidates = interior if interior.any() else usable
    if penalty is None:
        # fixed order: the largest one with an admissible interior fit
        p = int(np.flatnonzero(candidates)[-1])
    else:
        p = int(np.argmin(np.where(candidates, criterion, np.inf)))
    # refine: a fine grid (step 0.01) around the coarse minimum, admissible points only,
    # then parabolas through the minimum and its neighbours at steps 0.01 and 0.001
    centre = _D_GRID[best_i[p]]
    fine = np.linspace(max(centre - 0.07, _D_BOUNDS[0]), min(centre + 0.07, _D_BOUNDS[1]), 15)
    fine_values = profile(fine)[0][:, p]
    k = int(np.argmin(fine_values))
    d = float(fine[k])
    for step in (float(fine[1] - fine[0]), 0.001):
        points = np.array([d - step, d, d + step])
        if points[0] < _D_BOUNDS[0] or points[2] > _D_BOUNDS[1]:
            break
        y0, y1, y2 = profile(points)[0][:, p]
        if not (np.isfinite([y0, y1, y2]).all() and y0 - 2 * y1 + y2 > 0):
            break
        vertex = d + 0.5 * step * (y0 - y2) / (y0 - 2 * y1 + y2)
        if abs(vertex - d) > step or not np.isfinite(profile(vertex)[0][0, p]):
            break
        d = float(vertex)
    ar = profile(d)[1][p]
    # expected Whittle information with the scale profiled out (centred scores)
    waves = np.exp(-1j * np.outer(np.arange(1, p + 1), lam))
    poly = 1 - np.einsum("k,kj->j", ar, waves) if p else np.ones(M, complex)
    power = poly.real**2 + poly.imag**2
    scores = np.vstack([-2 * s[None, :], 2 * (np.conj(poly)[None, :] * waves).real / power])
    scores -= scores.mean(axis=1, keepdims=True)
    info = np.einsum("aj,bj->ab", scores, scores, optimize=False)  # no BLAS, as above
    se = math.sqrt(float(np.linalg.inv(info)[0, 0]))
    return _SieveFit(d=d, se_information=se, ar=ar, criterion_values=criterion)


def default_max_ar(n: int) -> int:
    """Largest AR order of the sieve: floor(n^(1/3)), at most 64 (40 at n = 2^16)."""
    return int(min(math.floor(n ** (1 / 3) + 1e-9), 64))


@dataclasses.dataclass(frozen=True)
class MemoryTest(Result):
    """Verdict of :func:`long_memory_test`.

    Attributes
    ----------
    verdict : str
        ``"long"``, ``"short"``, ``"anti-persistent"`` or ``"inconclusive"``.
    reason : str
        Why, in one or two sentences.
    d : float
        Whittle estimate of d in the selected ARFIMA(p, d, 0) model.
    se : float
        Its standard error: ``se_information * se_inflation``.
    se_information : float
        Standard error from the expected Whittle information of the selected model (the
        AR coefficients estimated jointly), over all Fourier frequencies.
    ci : tuple of float
        ``1 - alpha`` two-sided confidence interval ``d ± z_{1-alpha/2} se``.
    p_value : float
        One-sided p-value of H0: d <= 0 against d > 0.
    phi : float
        First AR coefficient of the selected short-memory factor (0.0 when p = 0).
    alpha : float
        Significance level.
    m : int
        Frequencies used by the estimate: all Fourier frequencies below pi, ``(n - 1) // 2``.
    n : int
        Length of the series.
    qu : QuTest
        The guard: Qu's test on the plain local Whittle estimate at ``floor(n**0.7)``.
    guard_level : float
        Qu's test rejecting at this level turns a "long" verdict into "inconclusive".
    short_band : float
        "short" requires the confidence interval inside ``[-short_band, short_band]``.
    ar : tuple of float
        AR coefficients phi_1..phi_p of the selected model (a(B) = 1 - sum phi_k B^k).
    ar_order : int
        The selected p.
    max_ar : int
        Largest order considered.
    criterion : str
        How the order was chosen ("fixed", "aic" or "bic").
    """

    verdict: str
    reason: str
    d: float
    se: float
    se_information: float
    ci: tuple[float, float]
    p_value: float
    phi: float
    alpha: float
    m: int
    n: int
    qu: QuTest
    guard_level: float
    short_band: float
    ar: tuple = ()
    ar_order: int = 0
    max_ar: int = 0
    criterion: str = "fixed"

    _title = "Long-memory test"

    def summary(self) -> str:
        lines = [
            self._title,
            "-" * len(self._title),
            f"verdict      : {self.verdict}",
            f"reason       : {self.reason}",
            (f"d            : {self.d:.4f} (se {self.se:.4f}), "
            f"{100 * (1 - self.alpha):g}% CI [{self.ci[0]:.4f}, {self.ci[1]:.4f}]"),
            f"p (d <= 0)   : {self.p_value:.4g}",
            (f"model        : ARFIMA({self.ar_order}, d, 0), AR order "
             + ("fixed" if self.criterion == "fixed"
                else f"by {self.criterion.upper()} among 0..{self.max_ar}")),
            f"m, n         : {self.m}, {self.n}",
            (f"Qu W         : {self.qu.statistic:.4f} (p = {self.qu.p_value:.4g}, "
            f"guard level {self.guard_level:g})"),
        ]
        return "\n".join(lines)


_PENALTIES = {"fixed": lambda n: None, "aic": lambda n: 2.0, "bic": lambda n: math.log(n)}


def long_memory_test(x, *, alpha=0.05, guard_level=0.001, short_band=0.1, se_inflation=1.0,
                     max_ar=None, criterion="fixed"):
    r"""Does this series have long memory? A verdict with its evidence.

    Parameters
    ----------
    x : array_like, shape (n,)
        The series (finite, not constant, n >= 128).
    alpha : float, default 0.05
        Level of the one-sided tests, in (0, 0.5).
    guard_level : float, default 0.001
        Level of Qu's test used as a guard against spurious long memory, in (0, 0.5).
    short_band : float, default 0.1
        Half-width of the band around d = 0 that counts as "short", in (0, 0.5].
    se_inflation : float, default 1.0
        Factor applied to the information standard error, in [1, 2] (1: none; the
        measured ratio of the estimate's spread to the standard error is in BENCHMARKS.md).
    max_ar : int, optional
        AR order of the sieve (the largest one with ``criterion`` "aic" or "bic"), in
        [0, 64]; default ``floor(n^(1/3))``, at most 64 (16 at n = 4096, 40 at n = 2^16).
    criterion : {"fixed", "aic", "bic"}, default "fixed"
        "fixed": the order is ``max_ar``. "aic"/"bic": the order minimising the criterion
        over 0..``max_ar`` (kept for comparison: the standard error then ignores the
        selection and is too small, see Notes).

    Returns
    -------
    MemoryTest

    Raises
    ------
    TypeError, ValueError
        Bad series (NaN, inf, constant, not 1-D, n < 128) or options out of range.

    Notes
    -----
    1. **Estimate.** The Whittle fit of ARFIMA(p, d, 0),
       :math:`f(\lambda) = G|2\sin(\lambda/2)|^{-2d}|a_p(e^{i\lambda})|^{-2}`, over all
       Fourier frequencies (d profiled on a grid and refined, the AR coefficients by
       Durbin-Levinson for each d, G profiled out), with p = floor(n^(1/3)). The AR part
       is a sieve: its order grows with n, so it approximates any smooth short-memory
       spectrum (ARMA of any order, a chain's two time scales, a network's spectral
       bumps), and that curvature is modelled instead of being read as d. The order is
       fixed, not selected, because selection makes d jump between orders and the
       conditional standard error then understates its spread (measured, AIC, n = 2^16:
       sd(d) / se up to about 1.5 on network outputs and "long" for 17-42% of short-memory
       series; BENCHMARKS.md). The standard error comes from the expected Whittle
       information of the fitted model, d and the AR coefficients jointly: about
       sqrt(p / n), the price of the sieve (0.025 at n = 2^16).
    2. **Identification.** d is what the spectrum does below the short-memory factor's
       corner; an AR factor whose power changes by more than a factor 2 between frequency
       0 and the floor(sqrt(n))-th Fourier frequency would compete with d there, and such
       fits are excluded (details in ``_ar_sieve_whittle``). So the short-memory poles the
       model allows reach modulus about 1 - 2 pi / sqrt(n) (0.90 at n = 4096, 0.975 at
       n = 2^16); a slower short-memory component is read as d > 0, the spurious long
       memory of THEORY.md §1.4.
    3. **Verdict.** ``z = d / se``; "long" if :math:`1 - \Phi(z) <` alpha;
       "anti-persistent" if :math:`\Phi(z) <` alpha; "short" if the confidence interval
       lies within ``±short_band``; otherwise "inconclusive".
    4. **Guard.** A "long" verdict also needs Qu's (2011) test (:func:`qu_test`, plain
       local Whittle at :math:`\lfloor n^{0.7}\rfloor`, trimming 0.02) not to reject at
       ``guard_level``: level shifts, trends and regime changes give a low-frequency
       spectrum that is not one power law, and the ARFIMA fit reads them as d > 0. Qu's
       rejection is evidence against long memory only, so it never overrides "short" or
       "anti-persistent".

    The level alpha holds asymptotically when the short-memory part is an AR(infinity)
    process whose coefficients decay fast enough for the sieve (any stationary invertible
    ARMA) with poles inside the range above. It does not hold for short-memory spectra
    that are not smooth at frequency 0 (the summable k^(-1-d) cusp of a truncated
    differencing filter): the sieve reads the cusp as d. Measured size and power are in
    BENCHMARKS.md, from ``benchmarks/calibration_size.py``.

    References
    ----------
    Whittle, P. (1953), *Arkiv för Matematik* 2, 423-434. Fox, R. and Taqqu, M. S. (1986),
    *Annals of Statistics* 14, 517-532 (Whittle estimation of ARFIMA). Berk, K. N. (1974),
    "Consistent autoregressive spectral estimates", *Annals of Statistics* 2, 489-502
    (AR sieves with order o(n^(1/3))). Beran, J., Bhansali, R. J. and Ocker, D. (1998),
    *Biometrika* 85, 921-934 (fractional autoregressions of growing order). Qu, Z.
    (2011), *JBES* 29, 423-438.
    """
    arr = as_series(x, "x", ndim=1, min_size=128)
    alpha = as_real(alpha, "alpha", low=0.0, high=0.5, low_inclusive=False, high_inclusive=False)
    guard_level = as_real(guard_level, "guard_level", low=0.0, high=0.5, low_inclusive=False,
                          high_inclusive=False)
    short_band = as_real(short_band, "short_band", low=0.0, high=0.5, low_inclusive=False)
    se_inflation = as_real(se_inflation, "se_inflation", low=1.0, high=2.0)
    criterion = as_choice(criterion, "criterion", tuple(_PENALTIES))
    n = arr.size
    max_ar = (default_max_ar(n) if max_ar is None
              else as_integer(max_ar, "max_ar", minimum=0, maximum=64))
    m = (n - 1) // 2
    fit = _ar_sieve_whittle(_periodogram_values(arr, m), n, max_ar, _PENALTIES[criterion](n))
    d, se_information = fit.d, fit.se_information
    se = se_information * se_inflation
    z_ci = float(ndtri(1 - alpha / 2))
    ci = (d - z_ci * se, d + z_ci * se)
    z = d / se
    p_long = float(ndtr(-z))
    p_anti = float(ndtr(z))
    qu = qu_test(arr, bandwidth=0.7, trim=0.02)
    model = f"ARFIMA({fit.ar.size}, d, 0)"
    if p_long < alpha and qu.p_value < guard_level:
        verdict = "inconclusive"
        reason = (f"{model} gives d = {d:.3f} > 0 (one-sided p = {p_long:.2g}), but Qu's test "
                  f"rejects a single power law at the low frequencies (W = {qu.statistic:.3f}, "
                  f"p = {qu.p_value:.2g} < {guard_level:g}): level shifts or regime changes "
                  "can mimic long memory.")
    elif p_long < alpha:
        verdict = "long"
        reason = (f"{model}: d = {d:.3f} > 0 (one-sided p = {p_long:.2g} < {alpha:g}); Qu's "
                  "test does not reject.")
        if d >= 0.5:
            reason += " With d >= 1/2 the series is not stationary (a unit root or stronger)."
    elif p_anti < alpha:
        verdict = "anti-persistent"
        reason = f"{model}: d = {d:.3f} < 0 (one-sided p = {p_anti:.2g} < {alpha:g})."
    elif -short_band <= ci[0] and ci[1] <= short_band:
        verdict = "short"
        reason = (f"{model}: the {100 * (1 - alpha):g}% CI [{ci[0]:.3f}, {ci[1]:.3f}] for d "
                  f"lies within ±{short_band:g}.")
    else:
        verdict = "inconclusive"
        reason = (f"{model}: d = {d:.3f} is not significantly different from 0, but the CI "
                  f"[{ci[0]:.3f}, {ci[1]:.3f}] is too wide to call it short (band "
                  f"±{short_band:g}).")
    return MemoryTest(verdict=verdict, reason=reason, d=d, se=se,
                      se_information=se_information, ci=ci, p_value=p_long,
                      phi=float(fit.ar[0]) if fit.ar.size else 0.0, alpha=alpha, m=m, n=n,
                      qu=qu, guard_level=guard_level, short_band=short_band,
                      ar=tuple(float(v) for v in fit.ar), ar_order=int(fit.ar.size),
                      max_ar=max_ar, criterion=criterion)
