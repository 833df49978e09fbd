"""Figure of the Start-End separation rank against sequence length, one line per depth."""

from __future__ import annotations

from collections.abc import Sequence

from rnnmem.figures._axes import figure_and_axes

__all__ = ["plot_rank_against_length"]


def plot_rank_against_length(ranks, *, ax=None, bounds=True):
    """Start-End rank against T, one line per (depth, M, R), log scale on the rank.

    Parameters
    ----------
    ranks : sequence of StartEndRank
        From :func:`rnnmem.theory.separation_rank.start_end_rank`.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure when None.
    bounds : bool, default True
        Draw the proven depth-2 bounds (dashed) where the results include depth 2.

    Returns
    -------
    matplotlib.figure.Figure
    """
    if not isinstance(ranks, Sequence) or not ranks or any(
            type(r).__name__ != "StartEndRank" for r in ranks):
        raise TypeError("`ranks` must be a non-empty sequence of StartEndRank.")
    fig, ax = figure_and_axes(ax)
    groups = {}
    for r in sorted(ranks, key=lambda r: (r.depth, r.M, r.R, r.T)):
        groups.setdefault((r.depth, r.M, r.R, r.exact), []).append(r)
    for (depth, M, R, exact), items in groups.items():
        kind = "" if exact else ", float64"
        line, = ax.semilogy([r.T for r in items], [r.rank for r in items], "-o",
                            label=f"depth {depth}, M={M}, R={R}{kind}")
        if bounds and depth == 2:
            ax.semilogy([r.T for r in items], [r.bounds.upper for r in items], ":",
                        color=line.get_color(), label="depth-2 upper bound")
            ax.semilogy([r.T for r in items], [r.bounds.lower for r in items], "--",
                        color=line.get_color(), label="depth-2 lower bound")
    from matplotlib.ticker import NullFormatter, ScalarFormatter

    ax.set_yscale("log", base=2)
    ax.yaxis.set_major_formatter(ScalarFormatter())
    ax.yaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel("sequence length T")
    ax.set_ylabel("Start-End separation rank")
    ax.set_title("Depth raises the Start-End rank")
    ax.legend(fontsize="small")
    return fig
