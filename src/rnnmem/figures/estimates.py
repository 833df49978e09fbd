"""Estimates of d by estimator and bandwidth, with confidence intervals."""

from __future__ import annotations

import numpy as np

from ._axes import figure_and_axes


def plot_d_estimates(estimates, *, true_d=None, level=0.95, title="Estimates of d", ax=None):
    """Point estimates of d with normal confidence intervals d +- z se, one row per estimate.

    Parameters
    ----------
    estimates : mapping of str to result
        Label -> any result with ``d`` and ``se`` (GPH, local Whittle, Whittle, DFA).
    true_d : float, optional
        Drawn as a vertical line.
    level : float
        Confidence level of the intervals.
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    from scipy.special import ndtri

    if not estimates:
        raise ValueError("`estimates` must hold at least one result; got an empty mapping.")
    figure, ax = figure_and_axes(ax)
    labels = list(estimates)
    d = np.array([estimates[k].d for k in labels])
    se = np.array([estimates[k].se for k in labels])
    z = ndtri(0.5 + level / 2)
    rows = np.arange(len(labels))[::-1]
    ax.errorbar(d, rows, xerr=z * se, fmt="o", color="C0", capsize=3,
                label=f"estimate, {100 * level:g}% interval")
    if true_d is not None:
        ax.axvline(true_d, color="C3", ls="--", label=f"true d = {true_d:g}")
    ax.axvline(0.0, color="0.6", lw=0.8)
    ax.set_yticks(rows, labels)
    ax.set_xlabel("memory parameter d")
    ax.set_title(title)
    ax.legend(fontsize="small", loc="lower right")
    return figure
