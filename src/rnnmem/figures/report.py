"""One figure summarising a memory-class report: decay panels, coupling and the verdicts."""

from __future__ import annotations

import math
import textwrap

import numpy as np

from .coupling import plot_coupling
from .decay import plot_acf_decay, plot_coefficients

_WIDTH = 11.0  # inches: two panels of the usual 5.5 in side by side
_PANEL_HEIGHT = 3.6
_LINE_HEIGHT = 0.17  # inches per line of the verdict text at fontsize 9
_WRAP = 150  # characters per line of the verdict text at fontsize 9 across 11 in


def _check_report(report):
    # Imported here: rnnmem.verify pulls in Numba and SciPy, which `import rnnmem.figures`
    # must not pay for.
    from rnnmem.verify.memory_report import MemoryReport

    if not isinstance(report, MemoryReport):
        raise TypeError("`report` must be a MemoryReport (returned by "
                        f"rnnmem.verify.memory_class); got {type(report).__name__}.")


def _check_figure(fig):
    from matplotlib.figure import Figure

    if not isinstance(fig, Figure):
        raise TypeError(f"`fig` must be a matplotlib Figure; got {type(fig).__name__}.")
    if fig.axes:
        raise ValueError("`fig` must be an empty Figure (the report lays out its own panels); "
                         f"got one with {len(fig.axes)} axes.")


def _is_network(report) -> bool:
    return report.target != "series"


def _layout(report):
    """Rows of the mosaic (two columns), each row's height in inches."""
    rows = []
    if report.output_decay is not None:
        rows.append(["output_semi", "output_loglog"])
    if report.cell_decay is not None:
        rows.append(["cell_semi", "cell_loglog"])
    # A series has no coefficients and no chain; a network shows both panels, with the
    # missing one said to be missing (e.g. a chain that diverged before they were measured).
    if _is_network(report) and (report.coefficients is not None
                                or report.ergodicity is not None or report.stationary):
        rows.append(["coefficients", "coupling"])
    return rows


def _fmt(value, spec=".3g") -> str:
    value = float(value)
    return "n/a" if math.isnan(value) else format(value, spec)


def _wrapped(label, text, indent="    "):
    """'label: text' wrapped to the panel width, continuation lines indented."""
    return textwrap.wrap(f"{label}: {text}", width=_WRAP, subsequent_indent=indent) or [label]


def _decay_numbers(decay) -> str:
    t = decay.test
    return (f"long-memory test d = {_fmt(t.d)} (95% CI [{_fmt(t.ci[0])}, {_fmt(t.ci[1])}], "
            f"one-sided p = {_fmt(t.p_value, '.2g')}, m = {t.m}, n = {t.n}); "
            f"d by GPH {_fmt(decay.d_gph)} (se {_fmt(decay.d_gph_se, '.2g')}), "
            f"by local Whittle {_fmt(decay.d_local_whittle)} "
            f"(se {_fmt(decay.d_local_whittle_se, '.2g')}); "
            f"ACF law {decay.decay.law}, sum |ACF| = {_fmt(decay.acf_sum)}")


def _verdict_lines(report) -> list[str]:
    """The verdicts, the reasons behind them and the key numbers, as wrapped lines."""
    lines = _wrapped(f"Definition 1, {'series' if not _is_network(report) else 'output'}: "
                     f"{report.definition1.upper()}", report.definition1_reason)
    if report.output_decay is not None:
        lines += _wrapped("    numbers", _decay_numbers(report.output_decay), indent=" " * 8)
    if report.definition1_cell != "n/a":
        lines += _wrapped(f"Definition 1, cell state: {report.definition1_cell.upper()}",
                          report.definition1_cell_reason)
        if report.cell_decay is not None:
            lines += _wrapped("    numbers", _decay_numbers(report.cell_decay), indent=" " * 8)
    if report.definition3_reason == report.definition1_reason:
        # A diverged chain gives both definitions the same reason: say it once.
        lines.append(f"Definition 3, coefficients: {report.definition3.upper()}: the same "
                     "reason")
    else:
        lines += _wrapped(f"Definition 3, coefficients: {report.definition3.upper()}",
                          report.definition3_reason)
    if report.diagnosis:
        lines += _wrapped("Diagnosis", report.diagnosis)
    if report.conditions is not None:
        c = report.conditions
        holds = {True: "holds", False: "fails", None: "not certified"}[c.holds]
        label = ("Sufficient condition of ZH20: none known" if c.theorem == "none"
                 else f"Sufficient condition ({c.theorem} of ZH20): {holds}")
        lines += _wrapped(label, c.statement)
    if report.ergodicity is not None:
        e = report.ergodicity
        low, high = (_fmt(v, ".4g") for v in e.rate_ci)
        lines += _wrapped(
            "Forgetting", f"rate {_fmt(e.rate, '.4g')} per step (95% CI [{low}, {high}], "
            f"{e.method}), half-life {_fmt(e.half_life)} steps, geometric: "
            f"{'yes' if e.geometric else 'not established'}")
    elif _is_network(report):
        lines.append("Forgetting: not measured (the chain diverged first)")
    if report.stationary and report.n_steps:
        what = "series" if not _is_network(report) else f"{report.mode} simulation"
        extra = (f" after {report.burn_in} burn-in steps (the measured mixing time asks for "
                 f"{report.required_steps} steps)" if _is_network(report) else "")
        lines.append(f"Length: {report.n_steps} steps of the {what}{extra}.")
    return lines


def _unavailable(ax, title, text):
    ax.set_axis_off()
    ax.set_title(title)
    ax.text(0.5, 0.5, "\n".join(textwrap.wrap(text, 48)), transform=ax.transAxes,
            ha="center", va="center", color="0.3", parse_math=False,
            bbox={"boxstyle": "round", "fc": "0.96", "ec": "0.7"})


def _noise_floor(decay) -> float:
    # The floor fit_decay was given for this ACF (rnnmem.verify.network_decay): 2 / sqrt of
    # the pooled sample size. Drawn so the reader sees where the sample ACF stops carrying
    # signal.
    return 2.0 / math.sqrt(decay.n_chains * decay.n_steps)


def _draw_decay(axes, decay, name):
    # An undetermined fit names no law: drawing its two curves would suggest one.
    fit = None if decay.decay.law == "undetermined" else decay.decay
    plot_acf_decay(decay.acf, fit, noise_floor=_noise_floor(decay),
                   title=f"{name}, fitted law {decay.decay.law}", axes=axes)


def _log_law_lines(ax, norms, law):
    """The two straight lines of the log-scale comparison that decides Definition 3.

    :func:`rnnmem.verify.definition3.log_law` regresses log |A_k| on k (exponential) and on
    log k (power) over ``law.lags`` and keeps the slopes; a least-squares line passes
    through the centroid of its points, which fixes the intercept it does not store.
    """
    k = np.asarray(law.lags, dtype=np.float64)
    v = np.abs(norms[k.astype(np.int64)])
    keep = (v > 0) & (k > 0)
    k, log_v = k[keep], np.log(v[keep])
    for kind, x, slope, color, label in (
        ("exponential", k, math.log(law.rate), "C0", f"exponential, rate {law.rate:.4g}"),
        ("power", np.log(k), -law.exponent, "C3", rf"power, $k^{{-{law.exponent:.2f}}}$"),
    ):
        intercept = float(np.mean(log_v) - slope * np.mean(x))
        preferred = kind == law.law
        ax.loglog(k, np.exp(intercept + slope * x), "-" if preferred else "--", color=color,
                  lw=2 if preferred else 1.2,
                  label=f"{label}{' (preferred)' if preferred else ''}")


def _draw_coefficients(ax, report):
    co = report.coefficients
    if co is None:
        _unavailable(ax, "Definition 3 coefficients",
                     "not estimated: " + ("the chain is non-stationary"
                                          if not report.stationary else "no estimate"))
        return
    norms = np.abs(np.asarray(co.norms, dtype=np.float64))
    positive = norms[1:][norms[1:] > 0]
    if positive.size == 0:
        _unavailable(ax, "Definition 3 coefficients",
                     f"all |A_k| are 0 for k >= 1 ({co.method}): nothing to draw on a log scale")
        return
    # No DecayFit is passed: the verdict rests on the log-scale comparison drawn below, not
    # on the least-squares fit of the values (which the first few lags decide).
    plot_coefficients(norms, None, horizon=co.horizon,
                      title=f"Definition 3 coefficients ({co.method}): {co.verdict}", ax=ax)
    se = np.asarray(co.norm_se, dtype=np.float64)
    lags = np.arange(norms.size)
    if co.method != "exact" and np.any(se[1:] > 0):
        shown = (lags >= 1) & (se > 0)
        ax.loglog(lags[shown], se[shown], ":", color="0.55", label="Monte Carlo noise level")
    if co.log_law is not None:
        _log_law_lines(ax, norms, co.log_law)
    else:
        ax.plot([], [], " ", label="no fitted law: fewer than 8 significant lags")
    # Fitted lines and the noise level can reach decades below the data: show the data.
    ax.set_ylim(positive.min() / 5.0, positive.max() * 5.0)
    ax.legend(fontsize="small")


def _draw_coupling(ax, report):
    if report.ergodicity is None:
        _unavailable(ax, "Forgetting of the start",
                     "not measured: the chain diverged before its forgetting rate could be "
                     "measured")
        return
    plot_coupling(report.ergodicity, ax=ax)


def plot_memory_report(report, fig=None):
    """One figure summarising a :class:`~rnnmem.verify.MemoryReport`.

    Panels, top to bottom: the sample ACF of the output (or of the series) with the fitted
    exponential and power laws, semi-log and log-log; the same for the MLSTM(F) cell state
    when the report has it; for networks, the Definition 3 coefficients |A_k| with the
    fitted laws and the filter horizon K, and the forgetting (coupling or ensemble) curve
    with its fitted rate; last, the verdicts under Definitions 1 and 3 with their reasons,
    the sufficient condition of ZH20 and the key numbers. Parts a report does not have (a
    series has no coefficients and no chain; a diverged chain has no statistics) are left
    out or said to be missing.

    Parameters
    ----------
    report : rnnmem.verify.MemoryReport
        What :func:`rnnmem.verify.memory_class` returns.
    fig : matplotlib.figure.Figure, optional
        An empty figure to draw into (given a constrained layout if it has no layout engine);
        a new one sized to the report otherwise.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    TypeError
        If ``report`` is not a MemoryReport or ``fig`` not a Figure.
    ValueError
        If ``fig`` already holds axes.
    """
    _check_report(report)
    lines = _verdict_lines(report)
    rows = _layout(report)
    text_height = 0.35 + _LINE_HEIGHT * len(lines)
    heights = [_PANEL_HEIGHT] * len(rows) + [text_height]
    if fig is None:
        import matplotlib.pyplot as plt

        fig = plt.figure(figsize=(_WIDTH, sum(heights) + 0.8), layout="constrained")
    else:
        _check_figure(fig)
        if fig.get_layout_engine() is None:
            # Without a layout engine the panels' titles and labels overlap.
            fig.set_layout_engine("constrained")
    axes = fig.subplot_mosaic(rows + [["text", "text"]], height_ratios=heights)
    if report.output_decay is not None:
        name = "Series ACF" if not _is_network(report) else "Output ACF"
        _draw_decay([axes["output_semi"], axes["output_loglog"]], report.output_decay, name)
    if report.cell_decay is not None:
        _draw_decay([axes["cell_semi"], axes["cell_loglog"]], report.cell_decay,
                    "Cell-state ACF")
    if "coefficients" in axes:
        _draw_coefficients(axes["coefficients"], report)
        _draw_coupling(axes["coupling"], report)
    text_ax = axes["text"]
    text_ax.set_axis_off()
    text_ax.text(0.0, 1.0, "\n".join(lines), transform=text_ax.transAxes, ha="left", va="top",
                 fontsize=9, linespacing=1.35,
                 # Reasons are free text: a "$" in them must not start mathtext.
                 parse_math=False)
    what = ("a series" if not _is_network(report) else report.target)
    setting = (f"n = {report.n_steps}" if not _is_network(report)
               else f"{report.mode} chain, budget {report.budget!r}"
               + ("" if report.stationary else ", non-stationary"))
    # Set last: plot_acf_decay names the fitted law in the figure's suptitle, which here
    # is said in each panel's title instead.
    fig.suptitle(f"Memory class of {what}: Definition 1 {report.definition1}, "
                 f"Definition 3 {report.definition3}\n({setting})", fontsize="large")
    return fig
