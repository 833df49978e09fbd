"""Estimators of the memory parameter d: GPH, local Whittle, exact local Whittle, Whittle.

THEORY.md §1.4 states the formulas; each docstring repeats the one it implements.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
from scipy import fft as sp_fft
from scipy import optimize
from scipy.special import ndtri

from rnnmem._results import Result
from rnnmem._validation import as_choice, as_real
from rnnmem.theory.fractional import frac_diff_weights
from rnnmem.verify._common import as_series, bandwidth_to_m
from rnnmem.verify.periodogram import _periodogram_values

__all__ = [
    "GPHEstimate",
    "WhittleEstimate",
    "exact_local_whittle",
    "gph",
    "local_whittle",
    "whittle",
]


def _conf_int(d: float, se: float, level) -> tuple[float, float]:
    level = as_real(level, "level", low=0.0, high=1.0, low_inclusive=False, high_inclusive=False)
    z = float(ndtri(0.5 + level / 2))
    return (d - z * se, d + z * se)


@dataclasses.dataclass(frozen=True)
class GPHEstimate(Result):
    """Log-periodogram (GPH) estimate of d, with fracdiff::fdGPH's conventions.

    Attributes
    ----------
    d : float
        Estimate of the memory parameter.
    se : float
        Finite-sample asymptotic standard deviation, R's ``sd.as``:
        ``sqrt((pi^2 / 6) / sum_j (X_j - mean X)^2)`` with ``X_j = log(4 sin^2(lambda_j / 2))``.
        Used by :meth:`conf_int`.
    se_regression : float
        R's ``sd.reg``: residual-based standard error of the slope (residual sum of squares
        divided by ``m - 1``, as fracdiff does).
    se_asymptotic : float
        Textbook limit ``pi / sqrt(24 m)``; undercovers in finite samples.
    m : int
        Number of Fourier frequencies ``j = 1..m`` in the regression.
    n : int
        Length of the series.
    bandwidth : float or None
        Exponent with ``m = floor(n**bandwidth)``; None when ``m`` was given.
    method : str
        ``"gph"``.
    """

    d: float
    se: float
    se_regression: float
    se_asymptotic: float
    m: int
    n: int
    bandwidth: float | None
    method: str = "gph"

    _title = "GPH log-periodogram estimate of d"

    def conf_int(self, *, level=0.95) -> tuple[float, float]:
        """Normal confidence interval ``d ± z * se`` (finite-sample ``se``)."""
        return _conf_int(self.d, self.se, level)


@dataclasses.dataclass(frozen=True)
class WhittleEstimate(Result):
    """A (local) Whittle estimate of d.

    Attributes
    ----------
    d : float
        Estimate of the memory parameter.
    se : float
        Asymptotic standard error: ``1 / (2 sqrt(m))`` (local Whittle) or
        ``sqrt(6 / (pi^2 n))`` (parametric Whittle).
    se_hessian : float
        From the observed information: ``1 / sqrt(m R''(d))`` with ``R`` the concentrated
        objective (the "StdErr" of Stata's ``whittle``).
    se_expected : float
        From the expected (Fisher) information at the frequencies used:
        ``1 / (2 sqrt(sum_j (l_j - mean l)^2))`` with ``l_j = log lambda_j`` (local) or
        ``log(2 sin(lambda_j / 2))`` (parametric). The finite-sample standard error used by
        :meth:`conf_int`.
    m : int
        Number of Fourier frequencies used.
    n : int
        Length of the series.
    bandwidth : float or None
        Exponent with ``m = floor(n**bandwidth)``; None when ``m`` was given or for the
        parametric Whittle estimator.
    bounds : tuple of float
        Search interval for d.
    at_bound : bool
        True when the minimum is within 1e-6 of a bound (the estimate is then censored
        and the standard errors do not apply).
    objective : float
        Minimum of the concentrated objective.
    method : str
        ``"local_whittle"``, ``"exact_local_whittle"`` or ``"whittle"``.
    mean : str or None
        Mean correction of the exact local Whittle estimator; None otherwise.
    """

    d: float
    se: float
    se_hessian: float
    se_expected: float
    m: int
    n: int
    bandwidth: float | None
    bounds: tuple[float, float]
    at_bound: bool
    objective: float
    method: str
    mean: str | None = None

    _title = "Whittle-type estimate of d"

    def conf_int(self, *, level=0.95) -> tuple[float, float]:
        """Normal confidence interval ``d ± z * se_expected`` (finite-sample)."""
        return _conf_int(self.d, self.se_expected, level)


def _as_bounds(bounds, *, low, high) -> tuple[float, float]:
    if not isinstance(bounds, (tuple, list)) or len(bounds) != 2:
        raise TypeError(f"`bounds` must be a pair (lower, upper); got {bounds!r}.")
    lo = as_real(bounds[0], "bounds[0]", low=low, high=high)
    hi = as_real(bounds[1], "bounds[1]", low=low, high=high)
    if not lo < hi:
        raise ValueError(f"`bounds` must satisfy lower < upper; got bounds=({lo:g}, {hi:g}).")
    return (lo, hi)


def gph(x, *, bandwidth=0.5, m=None):
    r"""Geweke and Porter-Hudak's log-periodogram estimate of d.

    Parameters
    ----------
    x : array_like, shape (n,)
        The series (finite, not constant).
    bandwidth : float, default 0.5
        In (0, 1); ``m = floor(n**bandwidth)`` (fracdiff's ``bandw.exp``).
    m : int, optional
        Number of frequencies, in ``[3, (n - 1) // 2]``; overrides ``bandwidth``.

    Returns
    -------
    GPHEstimate

    Raises
    ------
    ValueError
        Bad input (see :func:`local_whittle`), or a zero periodogram ordinate among the
        first ``m`` (the log-regression is then undefined).

    Notes
    -----
    Ordinary least squares of :math:`\log I_j` on :math:`X_j = \log(4\sin^2(\lambda_j/2))`,
    ``j = 1..m``; :math:`\hat d` is minus the slope. Same conventions as R's
    ``fracdiff::fdGPH`` (checked against it to 1e-8):
    ``sd.as`` :math:`= \sqrt{(\pi^2/6) / \sum_j (X_j - \bar X)^2}` and
    ``sd.reg`` :math:`= \sqrt{\mathrm{RSS} / ((m-1)\sum_j (X_j - \bar X)^2)}`.

    References
    ----------
    Geweke, J. and Porter-Hudak, S. (1983), "The estimation and application of long memory
    time series models", *J. Time Series Analysis* 4, 221-238.
    Fraley, C. et al., R package fracdiff, function ``fdGPH``.

    Examples
    --------
    >>> import numpy as np
    >>> from rnnmem.verify import gph
    >>> est = gph(np.random.default_rng(0).standard_normal(1024))
    >>> est.m, round(est.se_asymptotic, 4)
    (32, 0.1134)
    """
    arr = as_series(x, "x", ndim=1)
    n = arr.size
    m, bandwidth = bandwidth_to_m(n, m=m, bandwidth=bandwidth, min_m=3)
    ordinates = _periodogram_values(arr, m)
    if np.any(ordinates <= 0):
        j = int(np.flatnonzero(ordinates <= 0)[0]) + 1
        raise ValueError(
            f"`x` has a zero periodogram ordinate at j={j} (frequency 2*pi*{j}/{n}); the "
            "log-periodogram regression is undefined. Use local_whittle instead."
        )
    lam = 2 * np.pi * np.arange(1, m + 1) / n
    regressor = 2 * np.log(2 * np.sin(lam / 2))
    response = np.log(ordinates)
    xc = regressor - regressor.mean()
    sxx = float(xc @ xc)
    slope = float(xc @ (response - response.mean())) / sxx
    resid = response - response.mean() - slope * xc
    return GPHEstimate(
        d=-slope,
        se=math.sqrt(np.pi**2 / (6 * sxx)),
        se_regression=math.sqrt(float(resid @ resid) / ((m - 1) * sxx)),
        se_asymptotic=np.pi / math.sqrt(24 * m),
        m=m,
        n=n,
        bandwidth=bandwidth,
    )


def _minimise_scalar(objective, bounds, *, grid: int = 0) -> float:
    """Bounded minimiser to ~1e-10; optional grid first (for non-convex objectives)."""
    lo, hi = bounds
    if grid:
        points = np.linspace(lo, hi, grid)
        values = np.array([objective(p) for p in points])
        k = int(np.argmin(values))
        lo, hi = points[max(k - 1, 0)], points[min(k + 1, grid - 1)]
    result = optimize.minimize_scalar(
        objective, bounds=(lo, hi), method="bounded", options={"xatol": 1e-11, "maxiter": 500}
    )
    return float(result.x)


def _second_derivative(objective, d: float, bounds) -> float:
    h = 1e-4
    lo, hi = bounds
    centre = min(max(d, lo + h), hi - h)
    return (objective(centre + h) - 2 * objective(centre) + objective(centre - h)) / h**2


def _se_from_curvature(curvature: float, m: int) -> float:
    return 1 / math.sqrt(m * curvature) if curvature > 0 else math.inf


def _lw_objective_factory(ordinates: np.ndarray, log_lam: np.ndarray):
    mean_log = float(log_lam.mean())
    shift = log_lam - log_lam.max()  # keeps the exponentials bounded

    def objective(d: float) -> float:
        weighted = ordinates * np.exp(2 * d * shift)
        return math.log(float(weighted.mean())) + 2 * d * (float(log_lam.max()) - mean_log)

    return objective


def _local_estimate(objective, d, log_lam, *, m, n, bandwidth, bounds, method, **extra):
    """WhittleEstimate of a local (exact) Whittle fit: asymptotic, curvature and expected SEs."""
    centred = log_lam - log_lam.mean()
    return WhittleEstimate(
        d=d,
        se=1 / (2 * math.sqrt(m)),
        se_hessian=_se_from_curvature(_second_derivative(objective, d, bounds), m),
        se_expected=1 / (2 * math.sqrt(float(centred @ centred))),
        m=m,
        n=n,
        bandwidth=bandwidth,
        bounds=bounds,
        at_bound=bool(min(d - bounds[0], bounds[1] - d) < 1e-6),
        objective=objective(d),
        method=method,
        **extra,
    )


def local_whittle(x, *, m=None, bandwidth=0.65, bounds=(-0.5, 1.0)):
    r"""Robinson's (1995) local Whittle (Gaussian semiparametric) estimate of d.

    Parameters
    ----------
    x : array_like, shape (n,)
        The series (finite, not constant, ``n >= 5``).
    m : int, optional
        Number of Fourier frequencies, in ``[2, (n - 1) // 2]``; overrides ``bandwidth``.
    bandwidth : float, default 0.65
        In (0, 1); ``m = floor(n**bandwidth)``.
    bounds : pair of float, default (-0.5, 1.0)
        Search interval for d (within [-5, 5]).

    Returns
    -------
    WhittleEstimate

    Raises
    ------
    TypeError
        Non-numeric input, a non-integer ``m``, ``bounds`` not a pair.
    ValueError
        0-d or 2-d+ input, NaN or inf, a constant series, a series too short for the
        bandwidth, ``bandwidth`` outside (0, 1), ``m`` outside ``[2, (n - 1) // 2]``.

    Notes
    -----
    Minimises the concentrated objective (THEORY.md §1.4)

    .. math:: R(d) = \log\Bigl(\frac1m\sum_{j=1}^m \lambda_j^{2d} I_j\Bigr)
                     - \frac{2d}{m}\sum_{j=1}^m \log\lambda_j ,

    which is convex in d (a log-sum-exp minus a linear term), so the bounded Brent search
    finds the global minimum. Standard errors: ``se = 1/(2 sqrt(m))`` (limit),
    ``se_expected = 1/(2 sqrt(sum (log lambda_j - mean)^2))`` (expected information at
    these frequencies, used for confidence intervals) and ``se_hessian`` (observed).

    References
    ----------
    Robinson, P. M. (1995), "Gaussian semiparametric estimation of long range dependence",
    *Annals of Statistics* 23, 1630-1661.
    Baum, C. F., Hurn, S. and Lindsay, K. (2020), "Local Whittle estimation of the
    long-memory parameter", *Stata Journal* 20, 565-583 (the Nile values in the tests).

    Examples
    --------
    >>> import numpy as np
    >>> from rnnmem.verify import local_whittle
    >>> est = local_whittle(np.random.default_rng(0).standard_normal(4096))
    >>> est.m, round(est.se, 4)
    (222, 0.0336)
    """
    arr = as_series(x, "x", ndim=1, min_size=5)
    n = arr.size
    m, bandwidth = bandwidth_to_m(n, m=m, bandwidth=bandwidth, min_m=2)
    bounds = _as_bounds(bounds, low=-5.0, high=5.0)
    ordinates = _periodogram_values(arr, m)
    log_lam = np.log(2 * np.pi * np.arange(1, m + 1) / n)
    objective = _lw_objective_factory(ordinates, log_lam)
    d = _minimise_scalar(objective, bounds)
    return _local_estimate(objective, d, log_lam, m=m, n=n, bandwidth=bandwidth, bounds=bounds,
                           method="local_whittle")


def _frac_diff(x: np.ndarray, d: float) -> np.ndarray:
    r"""Truncated fractional difference :math:`\sum_{k=0}^{t-1} w_k(d) x_{t-k}` by FFT."""
    n = x.size
    weights = frac_diff_weights(d, n)
    size = sp_fft.next_fast_len(2 * n - 1, real=True)
    out = sp_fft.irfft(sp_fft.rfft(x, size) * sp_fft.rfft(weights, size), size)[:n]
    return out


def _elw_mean_weight(d: float) -> float:
    """Shimotsu's (2010) weight of the sample mean: 1 for d <= 1/2, 0 for d >= 3/4."""
    if d <= 0.5:
        return 1.0
    if d >= 0.75:
        return 0.0
    return 0.5 * (1 + math.cos(4 * math.pi * d))


def exact_local_whittle(x, *, m=None, bandwidth=0.65, mean="shimotsu", bounds=(-0.5, 2.0)):
    r"""Shimotsu and Phillips' (2005) exact local Whittle estimate of d, mean-corrected.

    Parameters
    ----------
    x : array_like, shape (n,)
        The series (finite, not constant, ``n >= 5``).
    m : int, optional
        Number of Fourier frequencies, in ``[2, (n - 1) // 2]``; overrides ``bandwidth``.
    bandwidth : float, default 0.65
        In (0, 1); ``m = floor(n**bandwidth)``.
    mean : {"shimotsu", "mean", "first", "none"}, default "shimotsu"
        How the unknown mean is removed before differencing: ``"shimotsu"`` subtracts
        :math:`\tilde\mu(d) = w(d)\bar x + (1 - w(d)) x_1` with Shimotsu's (2010) smooth
        weight (:math:`w = 1` for :math:`d \le 1/2`, :math:`0` for :math:`d \ge 3/4`,
        :math:`(1 + \cos 4\pi d)/2` between), valid for stationary and non-stationary d;
        ``"mean"`` the sample mean (d < 3/4); ``"first"`` the first value (d > 1/2);
        ``"none"`` nothing (known zero mean).
    bounds : pair of float, default (-0.5, 2.0)
        Search interval; Shimotsu and Phillips require a width below 9/2.

    Returns
    -------
    WhittleEstimate

    Raises
    ------
    TypeError, ValueError
        As :func:`local_whittle`; also an unknown ``mean``.

    Notes
    -----
    Minimises

    .. math:: R(d) = \log\Bigl(\frac1m\sum_{j=1}^m I_{\Delta^d (x - \tilde\mu)}(\lambda_j)\Bigr)
                     - \frac{2d}{m}\sum_{j=1}^m \log\lambda_j ,

    where :math:`\Delta^d y_t = \sum_{k=0}^{t-1} w_k(d) y_{t-k}` is the fractional difference
    truncated at the start of the sample (THEORY.md §1.1). The objective is not convex in
    general: a 61-point grid over ``bounds`` brackets the minimum before Brent's search.
    ``se = 1/(2 sqrt(m))`` as for the local Whittle estimator.

    References
    ----------
    Shimotsu, K. and Phillips, P. C. B. (2005), "Exact local Whittle estimation of
    fractional integration", *Annals of Statistics* 33, 1890-1933.
    Shimotsu, K. (2010), "Exact local Whittle estimation of fractional integration with
    unknown mean and time trend", *Econometric Theory* 26, 501-540, §3.
    """
    arr = as_series(x, "x", ndim=1, min_size=5)
    n = arr.size
    m, bandwidth = bandwidth_to_m(n, m=m, bandwidth=bandwidth, min_m=2)
    mean = as_choice(mean, "mean", ("shimotsu", "mean", "first", "none"))
    bounds = _as_bounds(bounds, low=-5.0, high=5.0)
    if bounds[1] - bounds[0] >= 4.5:
        raise ValueError(
            "`bounds` must be narrower than 9/2 for the exact local Whittle estimator to be "
            f"consistent (Shimotsu and Phillips 2005); got bounds=({bounds[0]:g}, {bounds[1]:g})."
        )
    log_lam = np.log(2 * np.pi * np.arange(1, m + 1) / n)
    mean_log = float(log_lam.mean())
    xbar, x1 = float(arr.mean()), float(arr[0])

    def objective(d: float) -> float:
        if mean == "shimotsu":
            w = _elw_mean_weight(d)
            centre = w * xbar + (1 - w) * x1
        else:
            centre = {"mean": xbar, "first": x1, "none": 0.0}[mean]
        ordinates = _periodogram_values(_frac_diff(arr - centre, d), m)
        return math.log(float(ordinates.mean())) - 2 * d * mean_log

    d = _minimise_scalar(objective, bounds, grid=61)
    return _local_estimate(objective, d, log_lam, m=m, n=n, bandwidth=bandwidth, bounds=bounds,
                           method="exact_local_whittle", mean=mean)


def whittle(x, *, model="arfima", bounds=(-0.5, 1.0)):
    r"""Parametric Whittle estimate of d for an ARFIMA(0, d, 0) model.

    Parameters
    ----------
    x : array_like, shape (n,)
        The series (finite, not constant, ``n >= 8``).
    model : {"arfima"}, default "arfima"
        The spectral model: ARFIMA(0, d, 0), :math:`f(\lambda) = (\sigma^2/2\pi)
        |2\sin(\lambda/2)|^{-2d}`.
    bounds : pair of float, default (-0.5, 1.0)
        Search interval for d.

    Returns
    -------
    WhittleEstimate
        ``m`` is the number of frequencies used, ``(n - 1) // 2``; ``bandwidth`` is None.

    Raises
    ------
    TypeError, ValueError
        As :func:`local_whittle`; also an unknown ``model``.

    Notes
    -----
    Minimises (THEORY.md §1.4)

    .. math:: Q(d) = \sum_{j=1}^{\lfloor (n-1)/2 \rfloor} I_j\,(2\sin(\lambda_j/2))^{2d},

    the Whittle likelihood with :math:`\sigma^2` profiled out, using Kolmogorov's formula
    :math:`\int_{-\pi}^{\pi}\log|2\sin(\lambda/2)|\,d\lambda = 0`. ``log Q`` is convex in d.
    ``se = sqrt(6 / (pi^2 n))`` is the asymptotic standard error;
    ``se_expected = 1/(2 sqrt(sum (l_j - mean l)^2))``, ``l_j = log(2 sin(lambda_j/2))``, its
    finite-sample counterpart. ``se_hessian`` uses ``m R''`` with ``R = log(Q/m)``.

    References
    ----------
    Whittle, P. (1953), "Estimation and information in stationary time series",
    *Arkiv för Matematik* 2, 423-434. Fox, R. and Taqqu, M. S. (1986), "Large-sample
    properties of parameter estimates for strongly dependent stationary Gaussian time
    series", *Annals of Statistics* 14, 517-532.
    """
    arr = as_series(x, "x", ndim=1, min_size=8)
    model = as_choice(model, "model", ("arfima",))
    bounds = _as_bounds(bounds, low=-5.0, high=5.0)
    n = arr.size
    m = (n - 1) // 2
    ordinates = _periodogram_values(arr, m)
    log_s = np.log(2 * np.sin(np.pi * np.arange(1, m + 1) / n))
    objective = _lw_objective_factory(ordinates, log_s)
    mean_log = float(log_s.mean())

    def whittle_objective(d: float) -> float:
        # _lw_objective_factory subtracts 2 d mean(l); Q keeps only the sum.
        return objective(d) + 2 * d * mean_log

    d = _minimise_scalar(whittle_objective, bounds)
    centred = log_s - mean_log
    return WhittleEstimate(
        d=d,
        se=math.sqrt(6 / (np.pi**2 * n)),
        se_hessian=_se_from_curvature(_second_derivative(whittle_objective, d, bounds), m),
        se_expected=1 / (2 * math.sqrt(float(centred @ centred))),
        m=m,
        n=n,
        bandwidth=None,
        bounds=bounds,
        at_bound=bool(min(d - bounds[0], bounds[1] - d) < 1e-6),
        objective=whittle_objective(d),
        method="whittle",
        mean=None,
    )
