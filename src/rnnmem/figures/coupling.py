"""Forgetting of the initial state: the distance curves of :func:`rnnmem.verify.ergodicity`."""

from __future__ import annotations

import math

import numpy as np

from ._axes import figure_and_axes

_METHOD_TEXT = {
    "coupling": ("synchronous coupling", "distance of coupled copies", "pairs"),
    "ensemble": ("ensemble means", "distance of the ensemble means", "chains per start"),
}


def _check_result(result):
    # Imported here: rnnmem.verify pulls in Numba and SciPy, which `import rnnmem.figures`
    # must not pay for.
    from rnnmem.verify.mixing import ErgodicityResult

    if not isinstance(result, ErgodicityResult):
        raise TypeError("`result` must be an ErgodicityResult (returned by "
                        f"rnnmem.verify.ergodicity); got {type(result).__name__}.")


def _drawn_steps(result, fitted):
    """How many steps of the curve are distances (1..n), and the step a pair met, if any.

    In a coupling run the fit stops at the first step where some pair met to rounding; from
    there on the geometric mean over pairs is pulled down by a floored 0 and no longer
    measures a distance, so it is not drawn. Ensemble curves are distances throughout.
    """
    n = int(np.asarray(result.curve).size)
    if result.method != "coupling":
        return n, None
    stop = int(fitted[-1]) if fitted.size else 0
    if stop < n:
        return stop, stop + 1
    return n, None


def _fitted_line(result, curve, fitted):
    """The fitted geometric law rate^n over the fitted steps, or None when there is none.

    The result stores the rate but not the intercept; the line is placed through the centroid
    of the log curve over the fitted steps, which for coupling is exactly the least-squares
    line whose slope the rate is, and for the ensemble (fitted on the noise-corrected
    distance) the same slope drawn where the data are.
    """
    rate = float(result.rate)
    if not (result.geometric and math.isfinite(rate) and 0.0 < rate < 1.0 and fitted.size >= 2):
        return None
    inside = (fitted >= 1) & (fitted <= curve.size)
    fitted = fitted[inside]
    values = curve[fitted - 1]
    positive = values > 0
    if positive.sum() < 2:
        return None
    fitted, values = fitted[positive], values[positive]
    log_amplitude = float(np.mean(np.log(values) - fitted * math.log(rate)))
    return fitted, np.exp(log_amplitude + fitted * math.log(rate))


def _status(result):
    """Text that says why no fitted line is drawn (called only when none is)."""
    rate = float(result.rate)
    low, high = result.rate_ci
    if math.isnan(rate):
        return "no fitted line: the decay of the distance could not be measured"
    if rate <= 0.0:
        return ("no fitted line: the copies met (to rounding) within\n"
                "a few steps, contraction too fast to resolve (rate 0)")
    if not result.geometric:
        what = "the copies did not couple" if result.method == "coupling" else \
            "the two laws did not merge"
        return (f"no fitted line: {what};\nrate {rate:.4g} per step, 95% CI "
                f"[{low:.4g}, {high:.4g}] reaches 1:\ngeometric forgetting not established")
    return (f"no fitted line: rate {rate:.4g} per step, but fewer than 2 fitted\n"
            "steps with a positive distance to draw it through")


def _stays_high(steps, values, low, high) -> bool:
    """Whether the curve reaches the top third (log scale) of its range in the right 60%."""
    right = steps > 0.4 * steps.max()
    threshold = math.log(high) - (math.log(high) - math.log(low)) / 3.0
    return bool(np.any(np.log(values[right]) > threshold))


def plot_coupling(result, ax=None):
    """Distance curve of an ergodicity measurement on a log scale, with the fitted rate.

    Parameters
    ----------
    result : rnnmem.verify.ErgodicityResult
        What :func:`rnnmem.verify.ergodicity` returns. Coupling: the geometric mean distance
        between coupled copies. Ensemble: the standardised distance between the two ensemble
        means, drawn with its Monte Carlo noise level.
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.figure.Figure

    Notes
    -----
    The fitted geometric law rate^n is drawn over the steps that entered the fit, with the
    rate, its 95% interval and the half-life in the legend, and the Lyapunov exponent as the
    legend's title. When no geometric rate was established (no rate, rate 0, or an interval
    reaching 1) no line is drawn and the plot says why.

    Raises
    ------
    TypeError
        If ``result`` is not an ErgodicityResult.
    """
    _check_result(result)
    figure, ax = figure_and_axes(ax)
    method, curve_label, unit = _METHOD_TEXT.get(
        result.method, (result.method, "distance", "chains"))
    curve = np.asarray(result.curve, dtype=np.float64)
    fitted = np.asarray(result.fitted_steps, dtype=np.int64)
    steps = np.arange(1, curve.size + 1)
    n_drawn, met_at = _drawn_steps(result, fitted)
    drawn = (steps <= n_drawn) & (curve > 0) & np.isfinite(curve)
    ax.plot(steps[drawn], curve[drawn], color="0.2", lw=1.5, label=curve_label)
    noise = np.asarray(result.noise, dtype=np.float64)
    noise = noise if result.method == "ensemble" else np.zeros(0)
    if np.any(noise > 0):
        shown = noise > 0
        ax.plot(steps[shown], noise[shown], ":", color="0.55", label="Monte Carlo noise level")
    if met_at is not None:
        ax.axvline(met_at, color="C2", ls="--", lw=1,
                   label=f"a pair met to rounding at step {met_at}")
    line = _fitted_line(result, curve, fitted)
    if line is not None:
        low, high = result.rate_ci
        ax.plot(*line, color="C3", lw=2, alpha=0.85,
                label=(f"fitted rate {result.rate:.4g} per step, 95% CI [{low:.4g}, {high:.4g}]\n"
                       f"half-life {result.half_life:.3g} steps (fit over steps "
                       f"{line[0][0]}..{line[0][-1]})"))
    else:
        # Said in the legend (an entry without a handle), which is placed away from the data.
        ax.plot([], [], " ", label=_status(result))
    ax.set_yscale("log")
    if not np.any(drawn):
        # Nothing positive to draw: a log axis needs some positive range to exist.
        ax.set_ylim(1e-4, 1.0)
    else:
        shown_values = np.concatenate([curve[drawn], noise[noise > 0]])
        low, high = shown_values.min(), shown_values.max()
        if high < 10.0 * low:
            # A flat curve (copies that do not approach) spans less than a decade, where a
            # log axis shows no labelled tick: show two decades around it.
            centre = math.sqrt(low * high)
            ax.set_ylim(centre / 10.0, centre * 10.0)
        elif _stays_high(steps[drawn], curve[drawn], low, high):
            # A slowly decaying curve fills the top right, where the legend goes: add an
            # empty band above it (a fast decay leaves that corner empty by itself).
            ax.set_ylim(low / 2.0, high * (high / low) ** 0.45)
    ax.set_xlim(0, curve.size + 1)
    ax.set_xlabel("step n after the start")
    ax.set_ylabel("distance (state units)" if result.method == "coupling"
                  else "standardised distance (sd units)")
    ax.set_title(f"Forgetting by {method}\n({result.mode} chain, {result.n_pairs} {unit})")
    lyapunov = ("Lyapunov exponent: not available" if math.isnan(result.lyapunov) else
                f"Lyapunov exponent {result.lyapunov:.3g} per step (se {result.lyapunov_se:.2g})")
    ax.legend(fontsize="small", title=lyapunov, title_fontsize="small")
    return figure
