"""|w_j| and psi_j of the fractional filters against their power laws."""

from __future__ import annotations

import numpy as np

from rnnmem.theory import frac_diff_weights, frac_integ_weights, frac_weights_asymptotic

from ._axes import figure_and_axes


def plot_weights(d, n=1000, *, ax=None):
    """Log-log plot of |w_j(d)| and psi_j(d), j = 1..n-1, with j^{-d-1}/|Gamma(-d)| and j^{d-1}/Gamma(d).

    Parameters
    ----------
    d : float
        Memory parameter (non-integer, so that both laws are non-zero).
    n : int
        Number of coefficients.
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    figure, ax = figure_and_axes(ax)
    j = np.arange(1, n)
    w = np.abs(frac_diff_weights(d, n)[1:])
    psi = np.abs(frac_integ_weights(d, n)[1:])
    ax.loglog(j, psi, color="C0", lw=2, label=r"$|\psi_j|$, $(1-B)^{-d}$")
    ax.loglog(j, np.abs(frac_weights_asymptotic(d, j, kind="integ")), "--", color="C0",
              label=r"$j^{d-1}/|\Gamma(d)|$")
    ax.loglog(j, w, color="C1", lw=2, label=r"$|w_j|$, $(1-B)^{d}$")
    ax.loglog(j, np.abs(frac_weights_asymptotic(d, j, kind="diff")), "--", color="C1",
              label=r"$j^{-d-1}/|\Gamma(-d)|$")
    ax.set_xlabel("lag j")
    ax.set_ylabel("coefficient magnitude")
    ax.set_title(f"Fractional filter coefficients, d = {d:g}")
    ax.legend(fontsize="small")
    return figure
