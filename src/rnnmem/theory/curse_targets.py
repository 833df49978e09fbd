"""A catalogue of target memory kernels rho(t), t >= 0, with their L1 norms (LH21, §5).

Short memory (exponential decay): e^{-a t}, e^{-t}/(1+t), e^{-a t} cos(w t). Long memory
(power law): (1+t)^{-(1+omega)}, whose L1 norm 1/omega grows as the memory lengthens. Memory
at a distance: a delayed bump exp(-((t - t0)/w)^2) and the Airy kernel Ai(s0 (t - t0)).
Every L1 norm is in closed form or reduced to tabulated special functions, and checked
against adaptive quadrature in the tests.

References
----------
Li, Han, E, Li (2021), "On the Curse of Memory in Recurrent Neural Networks", ICLR,
arXiv:2009.07799 (targets with exponential and power-law memory, and the Airy target of its
numerical experiments); THEORY.md §5.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable

import numpy as np
from scipy import integrate, special

from rnnmem._results import Result
from rnnmem._validation import as_real, as_real_array

from .curse_kernels import _gauss_panels

__all__ = [
    "TargetKernel",
    "airy_kernel",
    "damped_cosine_kernel",
    "delayed_bump_kernel",
    "exp_over_linear_kernel",
    "exponential_kernel",
    "power_law_kernel",
    "target_catalogue",
]

# The quadrature reaches t = e^70 - 1 (about 2.5e30); beyond it only power laws have mass,
# added in closed form by ``TargetKernel.tail``.
_LOG_HORIZON = 70.0


def _quadrature(scale, step=0.5):
    """Nodes and weights for int_0^inf f(t) dt of the kernels of this module.

    Gauss-Legendre panels of width ``step`` (default 1/2) on [0, t_lin],
    t_lin = max(40, 4 scale), where the features of the kernels lie, then panels of width 1/4
    in s = log(1 + t) up to s = 70 (dt = e^s ds), which resolve slowly decaying tails.
    """
    t_lin = float(max(40.0, 4.0 * scale))
    n_lin = int(np.ceil(t_lin / step))
    t1, w1 = _gauss_panels(np.linspace(0.0, t_lin, n_lin + 1))
    s0 = np.log1p(t_lin)
    n_log = int(np.ceil((_LOG_HORIZON - s0) / 0.25))
    s, ws = _gauss_panels(np.linspace(s0, _LOG_HORIZON, n_log + 1))
    return np.concatenate([t1, np.expm1(s)]), np.concatenate([w1, ws * np.exp(s)])


def _quadrature_horizon() -> float:
    return float(np.expm1(_LOG_HORIZON))


def _zero_tail(horizon):
    return 0.0


@dataclasses.dataclass(frozen=True)
class TargetKernel(Result):
    """A target memory kernel rho(t), t >= 0.

    Attributes
    ----------
    name : str
        Short name, e.g. ``"power_law(omega=0.5)"``.
    formula : str
        rho(t) in words.
    l1_norm : float
        int_0^inf |rho(t)| dt.
    memory : str
        ``"exponential"`` (|rho| <= C e^{-a t}) or ``"power law"``.
    scale : float
        Time by which the kernel's features (decay, oscillation, bump) have played out; used
        to place quadrature nodes.
    function : callable
        Vectorised rho(t).
    tail : callable
        tail(H) = int_H^inf |rho(t)| dt in closed form (0 when below double precision at the
        quadrature's horizon).

    Examples
    --------
    >>> k = power_law_kernel(0.5)
    >>> k.l1_norm, float(k(np.array([0.0, 3.0]))[1])
    (2.0, 0.125)
    """

    name: str
    formula: str
    l1_norm: float
    memory: str
    scale: float
    function: Callable = dataclasses.field(repr=False)
    tail: Callable = dataclasses.field(repr=False, default=_zero_tail)

    _title = "Target memory kernel"

    def __call__(self, t) -> np.ndarray:
        times = as_real_array(t, "t")
        if times.size and times.min() < 0:
            raise ValueError(f"`t` must be >= 0; got min(t)={float(times.min())!r}.")
        return self.function(times)

    def summary(self) -> str:
        return (f"Target memory kernel {self.name}: rho(t) = {self.formula}; "
                f"L1 norm {self.l1_norm:.10g}; {self.memory} memory")


def _positive(value, name):
    return as_real(value, name, low=0.0, low_inclusive=False)


def exponential_kernel(rate=1.0) -> TargetKernel:
    """rho(t) = e^{-a t}; L1 norm 1/a.

    Examples
    --------
    >>> exponential_kernel(2.0).l1_norm
    0.5
    """
    a = _positive(rate, "rate")
    return TargetKernel(
        f"exponential(rate={a:g})", f"exp(-{a:g} t)", 1.0 / a, "exponential", 1.0 / a,
        lambda t: np.exp(-a * t), lambda h: np.exp(-a * h) / a,
    )


def exp_over_linear_kernel() -> TargetKernel:
    """rho(t) = e^{-t} / (1 + t); L1 norm e E_1(1) = 0.5963473623231940...

    Notes
    -----
    int_0^inf e^{-t}/(1+t) dt = e int_1^inf e^{-u}/u du = e E_1(1), and
    int_H^inf = e E_1(1 + H).

    Examples
    --------
    >>> round(exp_over_linear_kernel().l1_norm, 14)
    0.59634736232319
    """
    return TargetKernel(
        "exp_over_linear", "exp(-t) / (1 + t)", float(np.e * special.exp1(1.0)), "exponential",
        1.0, lambda t: np.exp(-t) / (1.0 + t), lambda h: float(np.e * special.exp1(1.0 + h)),
    )


def damped_cosine_kernel(frequency=2.0, *, rate=1.0) -> TargetKernel:
    """rho(t) = e^{-a t} cos(w t) (default e^{-t} cos 2t), with its L1 norm in closed form.

    Notes
    -----
    With F(t) = e^{-a t}(w sin wt - a cos wt)/(a^2 + w^2), an antiderivative of rho, and the
    zeros t_k = (pi/2 + k pi)/w of cos(wt), F(t_k) = (-1)^k w e^{-a t_k}/(a^2 + w^2), so

        ||rho||_1 = (a + w e^{-a t_0}) / (a^2 + w^2)
                    + w e^{-a t_0} (1 + q) / ((a^2 + w^2)(1 - q)),   q = e^{-a pi / w}.

    Examples
    --------
    >>> round(damped_cosine_kernel().l1_norm, 12)
    0.660473548368
    """
    w = _positive(frequency, "frequency")
    a = _positive(rate, "rate")
    norm2 = a * a + w * w
    t0 = np.pi / (2 * w)
    q = np.exp(-a * np.pi / w)
    l1 = (a + w * np.exp(-a * t0)) / norm2 + w * np.exp(-a * t0) * (1 + q) / (norm2 * (1 - q))
    return TargetKernel(
        f"damped_cosine(frequency={w:g}, rate={a:g})", f"exp(-{a:g} t) cos({w:g} t)",
        float(l1), "exponential", max(1.0 / a, 1.0 / w),
        lambda t: np.exp(-a * t) * np.cos(w * t),
        lambda h: float(np.exp(-a * h) * np.sqrt(norm2) / (a * a)),
    )


def power_law_kernel(omega) -> TargetKernel:
    """rho(t) = (1 + t)^{-(1 + omega)}, omega > 0; L1 norm 1/omega.

    Notes
    -----
    int_H^inf (1+t)^{-(1+omega)} dt = (1+H)^{-omega} / omega: polynomially slow, which is
    what makes exponential sums (linear RNNs) need many modes (the curse of memory).

    Examples
    --------
    >>> power_law_kernel(1.0).l1_norm
    1.0
    """
    omega = _positive(omega, "omega")
    return TargetKernel(
        f"power_law(omega={omega:g})", f"(1 + t)^(-{1 + omega:g})", 1.0 / omega, "power law",
        10.0, lambda t: (1.0 + t) ** (-(1.0 + omega)),
        lambda h: float((1.0 + h) ** (-omega) / omega),
    )


def delayed_bump_kernel(t0=5.0, *, width=1.0) -> TargetKernel:
    """rho(t) = exp(-((t - t0)/w)^2); L1 norm (w sqrt(pi)/2)(1 + erf(t0/w)).

    Examples
    --------
    >>> round(delayed_bump_kernel(0.0).l1_norm, 15)  # half a Gaussian integral
    0.886226925452758
    """
    t0 = as_real(t0, "t0", low=0.0)
    w = _positive(width, "width")
    l1 = w * np.sqrt(np.pi) / 2 * (1 + special.erf(t0 / w))
    return TargetKernel(
        f"delayed_bump(t0={t0:g}, width={w:g})", f"exp(-((t - {t0:g})/{w:g})^2)", float(l1),
        "exponential", t0 + 8 * w, lambda t: np.exp(-(((t - t0) / w) ** 2)),
        lambda h: float(w * np.sqrt(np.pi) / 2 * special.erfc((h - t0) / w)),
    )


def _airy_l1(s0, t0):
    """(1/s0) int_{-s0 t0}^inf |Ai(u)| du: 1/3 on [0, inf), then Ai integrated between its zeros.

    Ai has one sign between consecutive zeros, so each piece is a smooth integral taken by
    adaptive Gauss-Kronrod quadrature to 1e-14 (scipy's tabulated ``itairy`` is only good
    to about 1e-8 here).
    """
    x_end = s0 * t0
    total = 1.0 / 3.0
    if x_end > 0:
        n_zeros = 16
        while True:
            zeros = -special.ai_zeros(n_zeros)[0]
            if zeros[-1] > x_end:
                break
            n_zeros *= 2
        points = np.concatenate([[0.0], zeros[zeros < x_end], [x_end]])
        for a, b in itertools.pairwise(points):
            piece, _ = integrate.quad(lambda u: special.airy(-u)[0], a, b,
                                      epsabs=1e-15, epsrel=1e-13)
            total += abs(piece)
    return total / s0


def airy_kernel(s0=1.0, t0=5.0) -> TargetKernel:
    """rho(t) = Ai(s0 (t - t0)): oscillates before t0, decays super-exponentially after.

    Notes
    -----
    ||rho||_1 = (1/s0) int_{-s0 t0}^inf |Ai(u)| du: int_0^inf Ai = 1/3 exactly, and Ai
    integrated between its zeros on [-s0 t0, 0].

    Examples
    --------
    >>> round(airy_kernel(1.0, 0.0).l1_norm, 15)
    0.333333333333333
    """
    s0 = _positive(s0, "s0")
    t0 = as_real(t0, "t0", low=0.0)
    return TargetKernel(
        f"airy(s0={s0:g}, t0={t0:g})", f"Ai({s0:g} (t - {t0:g}))", _airy_l1(s0, t0),
        "exponential", t0 + 10.0 / s0, lambda t: _airy(s0 * (t - t0)),
    )


def _airy(u):
    # Ai(u) < 1e-280 for u > 100: return 0 there rather than overflow-prone evaluations
    return np.where(u > 100.0, 0.0, special.airy(np.minimum(u, 100.0))[0])


def target_catalogue() -> dict[str, TargetKernel]:
    """The targets of the curse-of-memory checks with their default parameters.

    Returns
    -------
    dict
        ``"exponential"``, ``"exp_over_linear"``, ``"damped_cosine"``, ``"power_law_1.0"``,
        ``"power_law_0.5"``, ``"delayed_bump"``, ``"airy"``.

    Examples
    --------
    >>> sorted(target_catalogue())[:3]
    ['airy', 'damped_cosine', 'delayed_bump']
    """
    return {
        "exponential": exponential_kernel(1.0),
        "exp_over_linear": exp_over_linear_kernel(),
        "damped_cosine": damped_cosine_kernel(2.0),
        "power_law_1.0": power_law_kernel(1.0),
        "power_law_0.5": power_law_kernel(0.5),
        "delayed_bump": delayed_bump_kernel(5.0),
        "airy": airy_kernel(1.0, 5.0),
    }
