"""Decay curves: sample ACFs and Definition 3 coefficients against the fitted laws."""

from __future__ import annotations

import numpy as np

from rnnmem._validation import as_real_array

from ._axes import axes_grid, figure_and_axes


def _fitted_curves(fit, lags):
    # As fitted: with the mean-correction term when the fit had one (DecayFit.curve). That
    # term can push a curve below 0 at long lags; the log axes show only its positive part.
    curves = (fit.curve("exponential", lags), fit.curve("power", lags))
    return tuple(np.where(c > 0, c, np.nan) for c in curves)


def plot_acf_decay(values, fit=None, *, noise_floor=None, title="Autocorrelation decay",
                   axes=None):
    """Sample ACF (or any decaying sequence) with the fitted laws, semi-log and log-log panels.

    Parameters
    ----------
    values : array_like
        v_0, v_1, ...; lag 0 is not drawn (it is 1 for an ACF).
    fit : rnnmem.verify.DecayFit, optional
        Draws the fitted exponential a rate^k and power law b k^{-beta} as they were fitted
        (with the sample ACF's mean-correction term when the fit used ``n_obs``), and names
        the law.
    noise_floor : float, optional
        Drawn as a horizontal band (e.g. 2 / sqrt(n) for a sample ACF).
    title : str
    axes : two matplotlib axes, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    v = as_real_array(values, "values", ndim=1, min_size=2)
    figure, (semi, loglog) = axes_grid(axes, 2)
    lags = np.arange(1, v.size)
    magnitude = np.abs(v[1:])
    positive = magnitude > 0
    for ax, scale in ((semi, "semi-log"), (loglog, "log-log")):
        ax.plot(lags[positive], magnitude[positive], "o", ms=3, color="0.25", label="|value|")
        if fit is not None:
            exponential, power = _fitted_curves(fit, lags.astype(float))
            ax.plot(lags, exponential, color="C0",
                    label=f"exponential, rate {fit.rate:.3f}")
            ax.plot(lags, power, color="C3", label=rf"power, $k^{{-{fit.exponent:.2f}}}$")
        if noise_floor is not None:
            ax.axhline(noise_floor, color="0.6", ls=":", label="noise floor")
        ax.set_yscale("log")
        if scale == "log-log":
            ax.set_xscale("log")
        ax.set_xlabel("lag k")
        ax.set_ylabel("|autocorrelation|")
        ax.set_title(f"{title} ({scale})")
    semi.legend(fontsize="small")
    if fit is not None:
        figure.suptitle(f"fitted law: {fit.law}")
    return figure


def plot_coefficients(norms, fit=None, *, horizon=None, title="Definition 3 coefficients",
                      ax=None):
    """|A_k| against the lag on log-log axes, with fitted laws and the filter horizon K.

    Parameters
    ----------
    norms : array_like
        ||A_k|| (or |A_k| of one entry), k = 0, 1, ...
    fit : rnnmem.verify.DecayFit, optional
    horizon : int, optional
        The filter length K, marked by a vertical line: polynomial decay is expected up to it.
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    a = as_real_array(norms, "norms", ndim=1, min_size=2)
    figure, ax = figure_and_axes(ax)
    lags = np.arange(1, a.size)
    magnitude = np.abs(a[1:])
    positive = magnitude > 0
    ax.loglog(lags[positive], magnitude[positive], color="0.2", lw=1.5, label=r"$|A_k|$")
    if fit is not None:
        exponential, power = _fitted_curves(fit, lags.astype(float))
        ax.loglog(lags, exponential, "--", color="C0", label=f"exponential, rate {fit.rate:.3f}")
        ax.loglog(lags, power, "--", color="C3", label=rf"power, $k^{{-{fit.exponent:.2f}}}$")
    if horizon is not None:
        ax.axvline(horizon, color="C2", ls=":", label=f"filter length K = {horizon}")
    ax.set_xlabel("lag k")
    ax.set_ylabel(r"$|A_k|$")
    ax.set_title(title)
    ax.legend(fontsize="small")
    return figure
