"""plot_memory_report: one figure per MemoryReport, for series, networks and diverged chains."""

import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from rnnmem import figures
from rnnmem.networks import MLSTMF, LinearChain
from rnnmem.simulate import arfima
from rnnmem.verify.memory_report import memory_class


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def _mlstmf_cell(filter_length):
    # As in tests/verify/test_memory_class.py: no recurrent weights into the gates, so the
    # cell is the truncated (1-B)^(-d) filter (d = 0.3) of an i.i.d. input (Theorem 4).
    net = MLSTMF.random(1, 1, d=0.3, filter_length=filter_length, scale=0.5, rng=3)
    return MLSTMF(weight_ih=net.weight_ih, weight_hh=np.zeros_like(net.weight_hh),
                  bias=net.bias, head_weight=net.head_weight, head_bias=net.head_bias,
                  bias_d=net.bias_d, filter_length=filter_length)


# The "quick" budget is the smallest; these targets mix fast, so each report takes ~1 s.
@pytest.fixture(scope="module")
def reports():
    return {
        "series": memory_class(arfima(4096, d=0.3, rng=3), rng=0),
        "linear": memory_class(LinearChain.random(1, 2, scale=0.9, rng=0), rng=0),
        # K = 100 keeps the filter short (the coefficients then span 1.5 K = 500 lags).
        "mlstmf": memory_class(_mlstmf_cell(100), rng=0),
        # Diverges while its forgetting rate is measured: nothing but the condition is known.
        "diverged": memory_class(LinearChain([[1.2, 0.0], [0.0, 0.5]]), mode="autonomous",
                                 rng=0),
        # Rate 1.001: the 200-step ergodicity run survives, the long simulation diverges.
        "diverged later": memory_class(LinearChain([[1.001]]), mode="autonomous", rng=0),
    }


def _by_title(figure):
    return {ax.get_title(): ax for ax in figure.axes if ax.get_title()}


def _text(figure):
    (text_ax,) = [ax for ax in figure.axes if not ax.axison and not ax.get_title()]
    return text_ax.texts[0]


def _rendered(figure, fmt="png"):
    buffer = io.BytesIO()
    figure.savefig(buffer, format=fmt)
    return buffer.getvalue()


def test_series_report(reports):
    report = reports["series"]
    figure = figures.plot_memory_report(report)
    titles = _by_title(figure)
    law = report.output_decay.decay.law
    assert set(titles) == {f"Series ACF, fitted law {law} (semi-log)",
                           f"Series ACF, fitted law {law} (log-log)"}
    semi = titles[f"Series ACF, fitted law {law} (semi-log)"]
    assert semi.get_yscale() == "log" and semi.get_xlabel() == "lag k"
    # A series has no chain and no coefficients: no such panels.
    assert len(figure.axes) == 3
    suptitle = figure.get_suptitle()
    assert "a series" in suptitle and f"Definition 1 {report.definition1}" in suptitle
    assert "Definition 3 n/a" in suptitle
    text = _text(figure).get_text()
    assert f"Definition 1, series: {report.definition1.upper()}" in text
    assert "Definition 3, coefficients: N/A" in text
    assert f"d = {report.output_decay.test.d:.3g}" in text
    _rendered(figure)


def test_linear_chain_report(reports):
    report = reports["linear"]
    figure = figures.plot_memory_report(report)
    assert len(figure.axes) == 5
    titles = _by_title(figure)
    coef = titles[f"Definition 3 coefficients (exact): {report.definition3}"]
    assert coef.get_xscale() == "log" and coef.get_yscale() == "log"
    labels = [line.get_label() for line in coef.get_lines()]
    law = report.coefficients.log_law
    assert any(label.endswith("(preferred)") and label.startswith(law.law) for label in labels)
    assert "Monte Carlo noise level" not in labels  # exact coefficients carry no noise
    (coupling,) = [ax for title, ax in titles.items() if "synchronous coupling" in title]
    assert coupling.get_yscale() == "log"
    legend = "\n".join(t.get_text() for t in coupling.get_legend().get_texts())
    assert f"fitted rate {report.ergodicity.rate:.4g} per step" in legend
    text = _text(figure).get_text()
    assert "Sufficient condition (Theorem 2 of ZH20): holds" in text
    assert f"rate {report.ergodicity.rate:.4g} per step" in text
    _rendered(figure, "svg")


def test_mlstmf_report_marks_the_horizon_and_fits(reports):
    report = reports["mlstmf"]
    assert report.cell_decay is not None and report.coefficients.horizon == 100
    figure = figures.plot_memory_report(report)
    assert len(figure.axes) == 7
    titles = _by_title(figure)
    assert any(title.startswith("Cell-state ACF") for title in titles)
    coef = titles[f"Definition 3 coefficients (jacobian): {report.definition3}"]
    assert any(line.get_label() == "filter length K = 100" for line in coef.get_lines())
    assert "Monte Carlo noise level" in [line.get_label() for line in coef.get_lines()]
    text = _text(figure).get_text()
    assert f"Definition 1, cell state: {report.definition1_cell.upper()}" in text
    assert "Diagnosis: " in text and "Sufficient condition of ZH20: none known" in text
    # Nothing clipped: the verdict text and the title stay inside the figure.
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    box, page = _text(figure).get_window_extent(renderer), figure.bbox
    assert box.x0 >= page.x0 and box.x1 <= page.x1 and box.y0 >= page.y0
    assert figure._suptitle.get_window_extent(renderer).x1 <= page.x1


def test_diverged_chain_report(reports):
    report = reports["diverged"]
    assert not report.stationary and report.ergodicity is None
    figure = figures.plot_memory_report(report)
    assert len(figure.axes) == 1  # the verdicts only: there is nothing to draw
    assert "non-stationary" in figure.get_suptitle()
    text = _text(figure).get_text()
    assert "Definition 1, output: INCONCLUSIVE: non-stationary" in text
    assert "Definition 3, coefficients: INCONCLUSIVE: the same reason" in text
    assert "Forgetting: not measured" in text
    _rendered(figure)


def test_diverged_after_ergodicity_shows_the_rate_and_says_what_is_missing(reports):
    report = reports["diverged later"]
    assert not report.stationary and report.ergodicity is not None
    figure = figures.plot_memory_report(report)
    missing = [ax for ax in figure.axes if ax.get_title() == "Definition 3 coefficients"]
    assert "not estimated: the chain is non-stationary" in missing[0].texts[0].get_text()
    (coupling,) = [ax for ax in figure.axes if "ensemble means" in ax.get_title()]
    legend = "\n".join(t.get_text() for t in coupling.get_legend().get_texts())
    assert "geometric forgetting not established" in legend
    _rendered(figure)


def test_draws_into_a_given_figure(reports):
    figure = plt.figure()
    assert figures.plot_memory_report(reports["series"], fig=figure) is figure
    assert figure.get_layout_engine() is not None


def test_bad_input(reports):
    with pytest.raises(TypeError, match=r"`report` must be a MemoryReport .*got dict"):
        figures.plot_memory_report(reports["series"].to_dict())
    with pytest.raises(TypeError, match="`fig` must be a matplotlib Figure; got Axes"):
        figures.plot_memory_report(reports["series"], fig=plt.figure().add_subplot())
    used = plt.figure()
    used.add_subplot()
    with pytest.raises(ValueError, match="`fig` must be an empty Figure .* with 1 axes"):
        figures.plot_memory_report(reports["series"], fig=used)
