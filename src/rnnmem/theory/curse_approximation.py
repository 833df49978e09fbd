"""Best width-m linear-RNN approximation of a memory kernel, and its rate (LH21, §5).

A width-m linear RNN with real modes has the kernel rho_hat(t) = sum_{k=1}^m a_k e^{-lambda_k t}.
Two constructions:

- ``"fixed-grid"`` (the construction of the rate theorem): lambda_k = k beta, k = 1..m, beta
  chosen from a grid. With u = e^{-beta t} the span is {u q(u) : deg q < m}; the coefficients
  minimise the white-noise loss int (rho - rho_hat)^2 dt, computed in the basis
  u P_k^{(0,1)}(2u - 1) (shifted Jacobi polynomials, orthogonal for this loss, so the least
  squares problem is well conditioned for every m).
- ``"free-exponents"``: geometrically spaced exponents lambda_min (lambda_max/lambda_min)^{(k-1)/(m-1)}
  with both ends chosen freely (coarse grid, then Nelder-Mead), coefficients again by least
  squares. A two-parameter family, not a full m-dimensional optimisation; it is the classical
  near-optimal choice for completely monotone kernels such as power laws.

The reported error is the operator-norm (L1) error int_0^inf |rho - rho_hat| dt; beta (or the
exponent range) is the one minimising it.

References
----------
Li, Han, E, Li (2021), "On the Curse of Memory in Recurrent Neural Networks", ICLR,
arXiv:2009.07799: the approximation-rate theorem for linear RNNs and the curse of memory for
power-law targets (stated, and marked reconstructed, in THEORY.md §5).
"""

from __future__ import annotations

import dataclasses

import numpy as np
from scipy import optimize, special

from rnnmem._results import Result
from rnnmem._validation import as_choice, as_real_array

from .curse_targets import TargetKernel, _quadrature, _quadrature_horizon, target_catalogue

__all__ = ["DEFAULT_BETAS", "Approximation", "approximation_error"]

#: Default grid of beta for the fixed exponent grid: 10 values per decade from 1e-3 to 10.
DEFAULT_BETAS = 10.0 ** np.linspace(-3.0, 1.0, 41)


@dataclasses.dataclass(frozen=True)
class Approximation(Result):
    """Best width-m approximation errors of a target kernel by exponential sums.

    Attributes
    ----------
    target : str
        The target's name.
    construction : str
        ``"fixed-grid"`` or ``"free-exponents"``.
    widths : numpy.ndarray of int, shape (n,)
        The widths m, increasing.
    l1_errors : numpy.ndarray, shape (n,)
        int_0^inf |rho - rho_hat| dt (the operator-norm error on inputs bounded by 1).
    l2_errors : numpy.ndarray, shape (n,)
        (int_0^inf (rho - rho_hat)^2 dt)^{1/2} (the white-noise loss, sigma = 1, square root).
    relative_l1_errors : numpy.ndarray, shape (n,)
        l1_errors / ||rho||_1.
    exponent_min, exponent_max : numpy.ndarray, shape (n,)
        Smallest and largest decay rate used (beta and m beta for the fixed grid).
    rate : float
        Least-squares slope alpha of log(l1_error) = c - alpha log(m) over the widths.
    method : str
        Construction and fitting details.
    """

    target: str
    construction: str
    widths: np.ndarray
    l1_errors: np.ndarray
    l2_errors: np.ndarray
    relative_l1_errors: np.ndarray
    exponent_min: np.ndarray
    exponent_max: np.ndarray
    rate: float
    method: str

    _title = "Approximation by exponential sums"

    def summary(self) -> str:
        lines = [
            f"Width-m approximation of {self.target} ({self.construction})",
            f"  {self.method}",
            (f"  {'m':>4} {'L1 error':>11} {'relative':>10} {'L2 error':>11} "
             f"{'min rate':>10} {'max rate':>10}"),
        ]
        for row in zip(self.widths, self.l1_errors, self.relative_l1_errors, self.l2_errors,
                       self.exponent_min, self.exponent_max):
            lines.append(f"  {row[0]:>4d} {row[1]:>11.3e} {row[2]:>10.3e} {row[3]:>11.3e} "
                         f"{row[4]:>10.4g} {row[5]:>10.4g}")
        lines.append(f"  fitted rate: L1 error ~ m^(-{self.rate:.3f})")
        return "\n".join(lines)


def _widths(widths) -> np.ndarray:
    arr = np.asarray(widths)
    if arr.dtype == object or arr.dtype.kind not in "iu":
        raise TypeError(f"`widths` must be integers; got dtype {arr.dtype}.")
    arr = np.unique(arr.ravel())
    if arr.size and arr.min() < 1:
        raise ValueError(
            f"`widths` must be >= 1 (a linear RNN has at least one mode); got min(widths)={int(arr.min())}."
        )
    if arr.size < 2:
        raise ValueError(
            f"`widths` must hold at least two distinct widths to fit a rate; got {arr.tolist()}."
        )
    return arr


def _target(target) -> TargetKernel:
    if isinstance(target, str):
        catalogue = target_catalogue()
        if target not in catalogue:
            raise ValueError(f"`target` must be one of {sorted(catalogue)}; got target={target!r}.")
        return catalogue[target]
    if not isinstance(target, TargetKernel):
        raise TypeError(
            f"`target` must be a TargetKernel or a catalogue name; got {type(target).__name__}."
        )
    return target


def _fixed_grid(y, nodes, weights, widths, betas):
    """Best beta for every width; returns (l1, l2, beta) arrays."""
    m_max = int(widths.max())
    root = np.sqrt(weights)
    best = np.full((3, widths.size), np.inf)
    for beta in betas:
        u = np.exp(-beta * nodes)
        x = 2.0 * u - 1.0
        basis = np.stack([u * special.eval_jacobi(k, 0.0, 1.0, x) for k in range(m_max)], axis=1)
        q, r = np.linalg.qr(basis * root[:, None])
        coef = q.T @ (y * root)
        for i, m in enumerate(widths):
            a = np.linalg.solve(r[:m, :m], coef[:m])
            residual = y - basis[:, :m] @ a
            l1 = float(weights @ np.abs(residual))
            if l1 < best[0, i]:
                best[:, i] = (l1, np.sqrt(float(weights @ residual**2)), beta)
    return best[0], best[1], best[2], best[2] * widths


def _geometric_fit(y, nodes, weights, m, log_low, log_high):
    rates = np.exp(np.linspace(log_low, log_high, m)) if m > 1 else np.exp([log_low])
    basis = np.exp(-np.outer(nodes, rates))
    root = np.sqrt(weights)
    a, *_ = np.linalg.lstsq(basis * root[:, None], y * root, rcond=None)
    residual = y - basis @ a
    return float(weights @ np.abs(residual)), float(np.sqrt(weights @ residual**2)), rates


def _free_exponents(y, nodes, weights, widths):
    lows = np.log(np.geomspace(1e-4, 3.0, 10))
    spans = np.log(np.geomspace(3.0, 1e6, 7))
    out = np.empty((4, widths.size))
    for i, m in enumerate(widths):
        m = int(m)
        if m == 1:
            candidates = [(lo, lo) for lo in np.log(np.geomspace(1e-4, 10.0, 41))]
        else:
            candidates = [(lo, lo + span) for lo in lows for span in spans]
        scores = [_geometric_fit(y, nodes, weights, m, *c)[0] for c in candidates]
        start = np.array(candidates[int(np.argmin(scores))])
        if m == 1:
            start = start[:1]

        def objective(p, m=m):
            low, high = (p[0], p[0]) if m == 1 else (min(p), max(p))
            return _geometric_fit(y, nodes, weights, m, low, high)[0]

        found = optimize.minimize(objective, start, method="Nelder-Mead",
                                  options={"xatol": 1e-3, "fatol": 0.0, "maxiter": 60 * start.size})
        p = found.x if found.fun < min(scores) else start
        low, high = (p[0], p[0]) if m == 1 else (min(p), max(p))
        l1, l2, rates = _geometric_fit(y, nodes, weights, m, low, high)
        out[:, i] = (l1, l2, rates.min(), rates.max())
    return out[0], out[1], out[2], out[3]


def approximation_error(target, widths, *, construction="fixed-grid", betas=None) -> Approximation:
    """Best L1 error of a width-m linear RNN (real modes) approximating a target kernel.

    Parameters
    ----------
    target : TargetKernel or str
        A kernel from :mod:`rnnmem.theory.curse_targets` or a name of
        :func:`~rnnmem.theory.curse_targets.target_catalogue`.
    widths : array_like of int
        Widths m >= 1; at least two distinct values (a rate is fitted).
    construction : {"fixed-grid", "free-exponents"}, keyword-only
        The exponent grid of the rate theorem, lambda_k = k beta, or geometrically spaced
        exponents with free ends (see the module docstring).
    betas : array_like of float, optional
        Fixed grid only: the beta values searched (default :data:`DEFAULT_BETAS`, 1e-3..10,
        10 per decade).

    Returns
    -------
    Approximation

    Notes
    -----
    For each candidate exponent set the coefficients minimise the white-noise loss
    int_0^inf (rho - rho_hat)^2 dt (least squares), and the exponent set minimising the L1
    error int_0^inf |rho - rho_hat| dt is kept. Integrals use composite Gauss-Legendre
    quadrature on [0, 2.5e30] (uniform panels, then panels in log(1 + t)), plus the
    target's closed-form tail beyond. Under the fixed grid, a power law
    (1+t)^{-(1+omega)} is approximated only at a polynomial rate, and the smaller omega (the
    longer the memory) the slower: the curse of memory.

    With ``betas=(0.05, 0.1, 0.2, 0.5, 1, 2)`` the fixed grid gives the numbers of
    THEORY.md §5 at m = 8 / 32: (1+t)^{-2} 4.7e-2 / 7.0e-3, (1+t)^{-1.5} 0.33 / 0.17,
    e^{-t}/(1+t) 4.8e-5 / 1.7e-12. The default, finer grid reaches smaller beta and gives
    smaller errors at m = 32 (4.7e-3 and 0.098 for the power laws).

    References
    ----------
    Li et al. (2021), arXiv:2009.07799, the approximation-rate theorem; THEORY.md §5.

    Examples
    --------
    >>> res = approximation_error("power_law_1.0", [8, 32], betas=[0.05, 0.1, 0.2, 0.5, 1, 2])
    >>> [f"{e:.2g}" for e in res.l1_errors]
    ['0.047', '0.007']
    """
    kernel = _target(target)
    widths = _widths(widths)
    construction = as_choice(construction, "construction", ("fixed-grid", "free-exponents"))
    nodes, weights = _quadrature(kernel.scale)
    y = kernel(nodes)
    tail = kernel.tail(_quadrature_horizon())
    if construction == "fixed-grid":
        grid = DEFAULT_BETAS if betas is None else as_real_array(betas, "betas", ndim=1, min_size=1)
        if np.any(grid <= 0):
            raise ValueError(f"`betas` must be positive; got min(betas)={float(grid.min())!r}.")
        l1, l2, low, high = _fixed_grid(y, nodes, weights, widths, grid)
        method = (f"exponents k beta (k = 1..m), beta from {grid.size} values in "
                  f"[{grid.min():.3g}, {grid.max():.3g}]; least squares in the shifted Jacobi "
                  "basis; beta minimising the L1 error")
    else:
        if betas is not None:
            raise ValueError(
                f"`betas` applies to construction='fixed-grid' only; got betas={betas!r}."
            )
        l1, l2, low, high = _free_exponents(y, nodes, weights, widths)
        method = ("geometrically spaced exponents, both ends free (10 x 7 grid, then "
                  "Nelder-Mead on the L1 error); least squares coefficients")
    l1 = l1 + tail
    positive = l1 > 0
    slope = np.polyfit(np.log(widths[positive]), np.log(l1[positive]), 1)[0]
    return Approximation(
        kernel.name, construction, widths, l1, l2, l1 / kernel.l1_norm, low, high,
        float(-slope), method,
    )
