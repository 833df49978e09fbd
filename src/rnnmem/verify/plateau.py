"""The optimisation side of the curse of memory: plateaus of gradient descent (LH21, §5).

Gradient descent trains rho_hat(t) = sum_i c_i e^{-w_i t} (a linear RNN with diagonal
recurrent matrix -diag(w)) on the white-noise loss L = int_0^inf (rho - rho_hat)^2 dt for the
target rho(t) = e^{-w* t} + exp(-(t - t0)^2): a short-memory part plus a far component at
horizon t0. Started on the short-memory fit (c = (1, 0), w = (w*, r w*), an idle second mode),
the loss stays on a plateau for a number of iterations growing like exp(w* t0) and
proportional to 1 / learning rate, because the gradient that the far component sends to the
modes is of order e^{-w* t0}.

This is an experiment, not a closed form: its outcome (the fitted slope of log(escape
iterations) against t0) is compared with w*. There is no randomness in it.

References
----------
Li, Han, E, Li (2021), "On the Curse of Memory in Recurrent Neural Networks: Approximation
and Optimization Analysis", ICLR, arXiv:2009.07799 (the optimisation analysis: plateaus of
gradient flow, exponentially longer with the memory); THEORY.md §5 (reconstructed statement).
"""

from __future__ import annotations

import dataclasses
import math
import warnings

import numpy as np

from rnnmem import RnnmemWarning
from rnnmem._numba import jit
from rnnmem._results import Result
from rnnmem._validation import as_integer, as_real, as_real_array

__all__ = ["PlateauExperiment", "PlateauWarning", "plateau_experiment", "plateau_loss"]

_HALF_SQRT_PI = 0.5 * math.sqrt(math.pi)


class PlateauWarning(RnnmemWarning):
    """Some horizons did not leave the plateau within ``max_iter`` iterations.

    They are left out of the slope fit. Raise ``max_iter`` or the learning rate; silence with
    ``warnings.filterwarnings("ignore", category=PlateauWarning)``.
    """


def _bump_overlap_py(a, t0):
    """G(a) = int_0^inf e^{-a t} exp(-(t - t0)^2) dt = (sqrt(pi)/2) e^{a^2/4 - a t0} erfc(a/2 - t0)."""
    return _HALF_SQRT_PI * math.exp(a * a / 4.0 - a * t0) * math.erfc(a / 2.0 - t0)


_bump_overlap = jit(_bump_overlap_py)


def _loss_and_gradient_py(c, w, w_star, t0, grad_c, grad_w):
    """Closed-form white-noise loss and its gradient; fills grad_c, grad_w, returns L."""
    m = c.size
    bump_sq = _HALF_SQRT_PI / math.sqrt(2.0) * math.erfc(-math.sqrt(2.0) * t0)
    loss = 1.0 / (2.0 * w_star) + 2.0 * _bump_overlap(w_star, t0) + bump_sq
    for i in range(m):
        g = _bump_overlap(w[i], t0)
        dg = (w[i] / 2.0 - t0) * g - 0.5 * math.exp(-t0 * t0)  # G'(a)
        s1 = 0.0
        s2 = 0.0
        for j in range(m):
            inv = 1.0 / (w[i] + w[j])
            s1 += c[j] * inv
            s2 += c[j] * inv * inv
        cross = 1.0 / (w[i] + w_star) + g
        loss += c[i] * s1 - 2.0 * c[i] * cross
        grad_c[i] = 2.0 * s1 - 2.0 * cross
        grad_w[i] = -2.0 * c[i] * s2 + 2.0 * c[i] * (1.0 / (w[i] + w_star) ** 2 - dg)
    return loss


_loss_and_gradient = jit(_loss_and_gradient_py)


def _descend_py(c, w, w_star, t0, lr, max_iter, target):
    """Gradient descent from (c, w) until the loss is <= target; c and w are updated in place.

    Returns (iterations, status, loss): status 0 reached the target, 1 ran out of
    iterations, 2 unstable (a rate left (0, 50) or the loss rose above its start).
    """
    m = c.size
    grad_c = np.empty(m)
    grad_w = np.empty(m)
    start = _loss_and_gradient(c, w, w_star, t0, grad_c, grad_w)
    loss = start
    for it in range(max_iter):
        loss = _loss_and_gradient(c, w, w_star, t0, grad_c, grad_w)
        if not loss <= start * (1.0 + 1e-12):
            return it, 2, loss
        if loss <= target:
            return it, 0, loss
        for i in range(m):
            c[i] -= lr * grad_c[i]
            w[i] -= lr * grad_w[i]
            if not 0.0 < w[i] < 50.0:
                return it, 2, loss
    return max_iter, 1, loss


_descend = jit(_descend_py)


def plateau_loss(c, w, *, w_star, t0) -> float:
    """White-noise loss of rho_hat = sum c_i e^{-w_i t} for rho = e^{-w* t} + exp(-(t - t0)^2).

    Parameters
    ----------
    c, w : array_like, shape (m,)
        Coefficients and decay rates (w_i > 0).
    w_star : float, keyword-only
        Rate of the short-memory part, > 0.
    t0 : float, keyword-only
        Horizon of the far component, >= 0.

    Returns
    -------
    float

    Notes
    -----
    L = sum_ij c_i c_j / (w_i + w_j) - 2 sum_i c_i (1/(w_i + w*) + G(w_i)) + ||rho||^2, with
    G(a) = (sqrt(pi)/2) e^{a^2/4 - a t0} erfc(a/2 - t0) and
    ||rho||^2 = 1/(2 w*) + 2 G(w*) + (sqrt(pi/2)/2) erfc(-sqrt(2) t0).

    Examples
    --------
    >>> round(plateau_loss([1.0], [1.0], w_star=1.0, t0=0.0), 12)  # ||exp(-t^2)||^2 on [0, inf)
    0.626657068658
    """
    c = as_real_array(c, "c", ndim=1, min_size=1)
    w = as_real_array(w, "w", ndim=1, min_size=1)
    if w.shape != c.shape:
        raise ValueError(f"`w` must have the shape of `c` {c.shape}; got shape {w.shape}.")
    if np.any(w <= 0):
        raise ValueError(f"`w` must hold positive decay rates; got min(w)={float(w.min())!r}.")
    w_star = as_real(w_star, "w_star", low=0.0, low_inclusive=False)
    t0 = as_real(t0, "t0", low=0.0)
    return float(_loss_and_gradient(c, w, w_star, t0, np.empty(c.size), np.empty(c.size)))


@dataclasses.dataclass(frozen=True)
class PlateauExperiment(Result):
    """Escape times from the plateau of gradient descent, per horizon.

    Attributes
    ----------
    w_star : float
        Rate of the short-memory part of the target.
    horizons : numpy.ndarray, shape (n,)
        The horizons t0 of the far component.
    lr : float
        Learning rate.
    escape_iterations : numpy.ndarray of int, shape (n,)
        First iteration at which the loss is below (1 - drop) times its start (``max_iter``
        where it never was).
    escape_times : numpy.ndarray, shape (n,)
        escape_iterations * lr, the gradient-flow time (independent of lr for small lr).
    escaped : numpy.ndarray of bool, shape (n,)
        Whether each run left the plateau within ``max_iter``.
    initial_losses : numpy.ndarray, shape (n,)
        The plateau loss, ||exp(-(t - t0)^2)||^2 on [0, inf).
    slope : float
        Least-squares slope of log(escape_iterations) against t0 over the escaped runs; the
        theory predicts about w*.
    intercept : float
        The fitted line's value at t0 = 0: log(escape_iterations) ~ intercept + slope t0.
    drop : float
        The relative loss decrease that counts as leaving the plateau.
    method : str
        Model, initialisation and criterion.
    """

    w_star: float
    horizons: np.ndarray
    lr: float
    escape_iterations: np.ndarray
    escape_times: np.ndarray
    escaped: np.ndarray
    initial_losses: np.ndarray
    slope: float
    intercept: float
    drop: float
    method: str

    _title = "Plateau experiment"

    def summary(self) -> str:
        lines = [
            f"Plateau experiment: w* = {self.w_star:g}, lr = {self.lr:g}",
            f"  {self.method}",
            f"  {'t0':>6} {'iterations':>12} {'time (it*lr)':>13} {'escaped':>8}",
        ]
        for t0, it, tm, ok in zip(self.horizons, self.escape_iterations, self.escape_times,
                                  self.escaped):
            lines.append(f"  {t0:>6.3g} {it:>12d} {tm:>13.4g} {bool(ok)!s:>8}")
        lines.append(f"  slope d log(iterations) / d t0 = {self.slope:.3f} "
                     f"(theory: about w* = {self.w_star:g}; ratio {self.slope / self.w_star:.3f})")
        return "\n".join(lines)


def plateau_experiment(w_star, horizons, *, lr=0.02, idle_ratio=1.1, drop=0.03,
                       max_iter=20_000_000) -> PlateauExperiment:
    """Gradient descent on a target with far memory: escape time against horizon.

    Parameters
    ----------
    w_star : float
        Rate w* > 0 of the short-memory part e^{-w* t}.
    horizons : array_like of float, shape (n,)
        Horizons t0 > 0 of the far component exp(-(t - t0)^2); at least two distinct values.
    lr : float, keyword-only, default 0.02
        Learning rate of plain gradient descent (full gradient, closed form).
    idle_ratio : float, keyword-only, default 1.1
        The idle second mode starts at rate idle_ratio * w* with coefficient 0. It must be
        >= 1: an idle mode slower than w* would set its own, shorter time scale.
    drop : float, keyword-only, default 0.03
        Leaving the plateau means the loss falls below (1 - drop) times its start; the far
        component alone allows a drop of about 0.7 / t0 of it, so keep drop below that.
    max_iter : int, keyword-only
        Iterations allowed per horizon.

    Returns
    -------
    PlateauExperiment

    Raises
    ------
    FloatingPointError
        When gradient descent is unstable (a rate leaves (0, 50) or the loss rises): lower
        ``lr``.

    Warns
    -----
    PlateauWarning
        When some horizon does not escape within ``max_iter`` (left out of the slope).

    Notes
    -----
    Model rho_hat = c_1 e^{-w_1 t} + c_2 e^{-w_2 t} started at c = (1, 0),
    w = (w*, idle_ratio w*): the best fit of the short-memory part. The loss and its gradient
    are in closed form (see :func:`plateau_loss`). Escape iterations scale like 1/lr (ratio
    2.000 when lr is halved). The slope equals w* only in a window of horizons, about
    7 <= w* t0 <= 11 with the defaults: 1.03 for w* = 1 (t0 = 9, 10, 11) and 0.54 for
    w* = 0.5 (t0 = 14, 16, 18). Below it there is no plateau yet (local slopes 1.5-2.4 at
    w* t0 = 6-8); above it the local slope rises again (1.3 and 1.6 per unit t0 at
    w* = 1, t0 = 11-13; 0.7-0.9 at w* = 0.5, t0 = 20-26), as the escape then also waits
    for the idle mode, whose own overlap with the far component is e^{-idle_ratio w* t0}.

    References
    ----------
    Li et al. (2021), arXiv:2009.07799 (optimisation analysis); THEORY.md §5.

    Examples
    --------
    >>> res = plateau_experiment(1.0, [8.0, 9.0, 10.0])
    >>> bool(abs(res.slope - 1.0) < 0.25)
    True
    """
    w_star = as_real(w_star, "w_star", low=0.0, low_inclusive=False)
    t0s = as_real_array(horizons, "horizons", ndim=1, min_size=2)
    if np.any(t0s <= 0):
        raise ValueError(f"`horizons` must be positive; got min(horizons)={float(t0s.min())!r}.")
    if np.unique(t0s).size < 2:
        raise ValueError("`horizons` must hold at least two distinct values to fit a slope.")
    lr = as_real(lr, "lr", low=0.0, low_inclusive=False)
    idle_ratio = as_real(idle_ratio, "idle_ratio", low=1.0,
                         why="(an idle mode slower than w* sets its own time scale)")
    drop = as_real(drop, "drop", low=0.0, high=1.0, low_inclusive=False, high_inclusive=False)
    max_iter = as_integer(max_iter, "max_iter", minimum=1)

    n = t0s.size
    iterations = np.empty(n, dtype=np.int64)
    escaped = np.empty(n, dtype=bool)
    initial = np.empty(n)
    for k, t0 in enumerate(t0s):
        c = np.array([1.0, 0.0])
        w = np.array([w_star, idle_ratio * w_star])
        start = plateau_loss(c, w, w_star=w_star, t0=float(t0))
        it, status, _ = _descend(c, w, w_star, float(t0), lr, max_iter, (1.0 - drop) * start)
        if status == 2:
            raise FloatingPointError(
                f"gradient descent is unstable at t0={float(t0)!r} with lr={lr!r} (a decay "
                "rate left (0, 50) or the loss rose); use a smaller `lr`."
            )
        iterations[k] = it
        escaped[k] = status == 0
        initial[k] = start
    if escaped.sum() < 2:
        raise ValueError(
            f"fewer than two horizons left the plateau within max_iter={max_iter}; raise "
            "`max_iter` or `lr`, or use shorter horizons."
        )
    if not escaped.all():
        warnings.warn(
            f"{int((~escaped).sum())} horizon(s) did not leave the plateau within "
            f"max_iter={max_iter} and are left out of the slope.",
            PlateauWarning,
            stacklevel=2,
        )
    slope, intercept = np.polyfit(t0s[escaped], np.log(iterations[escaped]), 1)
    return PlateauExperiment(
        w_star, t0s.copy(), lr, iterations, iterations * lr, escaped, initial, float(slope),
        float(intercept), drop,
        f"2 modes from c = (1, 0), w = (w*, {idle_ratio:g} w*); plain gradient descent on the "
        f"closed-form white-noise loss; escape = loss below (1 - {drop:g}) x start",
    )
