"""Paper-style panels of sample autocorrelations (Zhao et al. 2020, the four data sets)."""

from __future__ import annotations

import numpy as np

from ._axes import axes_grid


def plot_acfs(acfs, *, n_obs, level=0.95, axes=None):
    """One panel per series: sample ACF bars with the white-noise band +- z / sqrt(n).

    Parameters
    ----------
    acfs : mapping of str to array_like
        Name -> rho(0..nlags).
    n_obs : mapping of str to int
        Name -> series length (for the band).
    level : float
    axes : sequence of matplotlib axes, optional (one per series)

    Returns
    -------
    matplotlib.figure.Figure
    """
    from scipy.special import ndtri

    names = list(acfs)
    if not names:
        raise ValueError("`acfs` must hold at least one series; got an empty mapping.")
    figure, panels = axes_grid(axes, len(names), width=3.6, height=3.0)
    z = ndtri(0.5 + level / 2)
    for ax, name in zip(panels, names, strict=True):
        rho = np.asarray(acfs[name], dtype=float)
        lags = np.arange(rho.size)
        ax.vlines(lags, 0.0, rho, color="C0", lw=1.0)
        band = z / np.sqrt(n_obs[name])
        ax.axhspan(-band, band, color="C1", alpha=0.25, lw=0,
                   label=f"{100 * level:g}% white-noise band")
        ax.axhline(0.0, color="0.3", lw=0.6)
        ax.set_xlabel("lag k")
        ax.set_ylabel(r"$\hat\rho(k)$")
        ax.set_title(f"{name} (n = {n_obs[name]})")
    panels[0].legend(fontsize="small")
    return figure
