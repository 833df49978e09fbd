"""Figures of the curse of memory: approximation error against width, escape time against horizon."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from rnnmem.figures._axes import figure_and_axes

__all__ = ["plot_approximation_error", "plot_escape_times"]


def _as_list(results, cls_name, name):
    items = [results] if type(results).__name__ == cls_name else list(results) \
        if isinstance(results, Sequence) else None
    if not items or any(type(r).__name__ != cls_name for r in items):
        raise TypeError(f"`{name}` must be one {cls_name} or a non-empty sequence of them.")
    return items


def plot_approximation_error(results, *, ax=None, relative=False):
    """L1 approximation error against width m, log-log, one line per result.

    Parameters
    ----------
    results : Approximation or sequence of Approximation
        From :func:`rnnmem.theory.curse_approximation.approximation_error`.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure when None.
    relative : bool, default False
        Plot the error relative to ||rho||_1.

    Returns
    -------
    matplotlib.figure.Figure
    """
    items = _as_list(results, "Approximation", "results")
    fig, ax = figure_and_axes(ax)
    for res in items:
        errors = res.relative_l1_errors if relative else res.l1_errors
        style = "-o" if res.construction == "fixed-grid" else "--s"
        ax.loglog(res.widths, errors, style,
                  label=f"{res.target}, {res.construction} (rate {res.rate:.2f})")
    from matplotlib.ticker import NullFormatter, ScalarFormatter

    ax.set_xticks(sorted({int(m) for res in items for m in res.widths}))
    ax.xaxis.set_major_formatter(ScalarFormatter())
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel("width m")
    ax.set_ylabel("relative L1 error" if relative else "L1 error  int |rho - rho_hat|")
    ax.set_title("Approximation by a width-m linear RNN")
    ax.legend(fontsize="small")
    return fig


def plot_escape_times(experiments, *, ax=None):
    """Escape iterations against horizon t0, semi-log, with the fitted exponential.

    Parameters
    ----------
    experiments : PlateauExperiment or sequence of PlateauExperiment
        From :func:`rnnmem.verify.plateau.plateau_experiment`.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure when None.

    Returns
    -------
    matplotlib.figure.Figure
    """
    items = _as_list(experiments, "PlateauExperiment", "experiments")
    fig, ax = figure_and_axes(ax)
    for res in items:
        ok = res.escaped
        line, = ax.semilogy(res.horizons[ok], res.escape_iterations[ok], "o",
                            label=f"w* = {res.w_star:g}: slope {res.slope:.2f}")
        grid = np.linspace(res.horizons.min(), res.horizons.max(), 50)
        ax.semilogy(grid, np.exp(res.intercept + res.slope * grid), "-", color=line.get_color())
        if not ok.all():
            ax.semilogy(res.horizons[~ok], res.escape_iterations[~ok], "x",
                        color=line.get_color(), label="not escaped (max_iter)")
    ax.set_xlabel("horizon t0 of the far memory")
    ax.set_ylabel("iterations to leave the plateau")
    ax.set_title("Plateaus of gradient descent grow like exp(w* t0)")
    ax.legend(fontsize="small")
    return fig
