"""plot_coupling: distance curves of rnnmem.verify.ergodicity on a log scale (Agg)."""

import dataclasses
import io
import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from rnnmem import figures
from rnnmem.networks import RNN, LinearChain
from rnnmem.verify import ergodicity


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def _legend_text(ax):
    legend = ax.get_legend()
    return "\n".join([legend.get_title().get_text()]
                     + [text.get_text() for text in legend.get_texts()])


def _rendered(figure):
    # Drawing catches what building the artists does not (e.g. a log axis with no range).
    figure.savefig(io.BytesIO(), format="png")


@pytest.fixture(scope="module")
def halving():
    # X_n = 0.5 X_(n-1) + noise: coupled copies halve their distance every step exactly.
    return ergodicity(LinearChain([[0.5]]), n_pairs=8, n_steps=40, rng=0)


def test_coupling_curve_with_fitted_rate(halving):
    figure = figures.plot_coupling(halving)
    (ax,) = figure.axes
    assert ax.get_yscale() == "log"
    assert ax.get_xlabel() == "step n after the start"
    assert ax.get_ylabel() == "distance (state units)"
    assert "synchronous coupling" in ax.get_title() and "autonomous chain" in ax.get_title()
    legend = _legend_text(ax)
    assert f"fitted rate {halving.rate:.4g} per step" in legend
    low, high = halving.rate_ci
    assert f"95% CI [{low:.4g}, {high:.4g}]" in legend
    assert f"half-life {halving.half_life:.3g} steps" in legend
    assert "Lyapunov exponent -0.693" in legend
    curve, fit = ax.get_lines()[:2]
    assert curve.get_ydata()[0] == pytest.approx(halving.curve[0])
    # The fitted line has the measured slope and covers exactly the fitted steps.
    steps, values = fit.get_xdata(), fit.get_ydata()
    assert list(steps) == list(halving.fitted_steps)
    assert values[1] / values[0] == pytest.approx(halving.rate, rel=1e-12)
    _rendered(figure)


def test_draws_into_given_axes(halving):
    figure, (left, right) = plt.subplots(1, 2)
    assert figures.plot_coupling(halving, ax=right) is figure
    assert right.get_yscale() == "log" and not left.get_lines()


def test_ensemble_curve_with_noise_level():
    result = ergodicity(RNN.random(1, 8, scale=0.3, rng=0), method="ensemble", n_pairs=64,
                        n_steps=50, rng=0)
    ax = figures.plot_coupling(result).axes[0]
    assert "ensemble means" in ax.get_title() and "64 chains per start" in ax.get_title()
    assert ax.get_ylabel() == "standardised distance (sd units)"
    labels = [line.get_label() for line in ax.get_lines()]
    assert "Monte Carlo noise level" in labels
    assert f"fitted rate {result.rate:.4g}" in _legend_text(ax)


def test_curve_stops_where_a_pair_met():
    # ReLU RNN inside Table 1: copies meet to rounding within 20 steps; after that the
    # geometric mean is floored at 1e-250 and must not be drawn as a distance.
    result = ergodicity(RNN.random(1, 4, activation="relu", scale=0.3, rng=0), n_pairs=8,
                        n_steps=200, rng=0)
    met = int(result.fitted_steps[-1]) + 1
    assert met < result.n_steps
    ax = figures.plot_coupling(result).axes[0]
    curve = ax.get_lines()[0]
    assert curve.get_xdata().max() == met - 1 and curve.get_ydata().min() > 1e-200
    assert f"a pair met to rounding at step {met}" in _legend_text(ax)


def test_no_line_when_the_copies_do_not_couple():
    # A random walk: the distance of coupled copies never shrinks (rate 1).
    result = ergodicity(LinearChain([[1.0]]), method="coupling", n_pairs=8, n_steps=100,
                        rng=0)
    assert not result.geometric
    figure = figures.plot_coupling(result)
    ax = figure.axes[0]
    assert len([line for line in ax.get_lines() if line.get_xdata().size]) == 1
    legend = _legend_text(ax)
    assert "the copies did not couple" in legend
    assert "geometric forgetting not established" in legend
    assert "fitted rate" not in legend
    # A flat curve still gets a log axis with labelled decades around it.
    low, high = ax.get_ylim()
    assert high / low == pytest.approx(100.0)
    _rendered(figure)


def test_undetermined_and_instant_rates_are_said(halving):
    undetermined = dataclasses.replace(halving, rate=math.nan, rate_ci=(math.nan, math.nan),
                                       half_life=math.nan, geometric=False)
    ax = figures.plot_coupling(undetermined).axes[0]
    assert "could not be measured" in _legend_text(ax)
    assert "fitted rate" not in _legend_text(ax)
    # What ergodicity returns when the copies meet to rounding at the first step: rate 0,
    # no fitted steps, the geometric mean floored at 1e-250 throughout (nothing to draw).
    instant = dataclasses.replace(halving, rate=0.0, rate_ci=(0.0, 0.0), half_life=0.0,
                                  curve=np.full(40, 1e-250), fitted_steps=np.arange(1, 1))
    figure = figures.plot_coupling(instant)
    assert "contraction too fast to resolve" in _legend_text(figure.axes[0])
    assert figure.axes[0].get_yscale() == "log"
    _rendered(figure)


def test_wrong_type():
    with pytest.raises(TypeError, match=r"`result` must be an ErgodicityResult .*got dict"):
        figures.plot_coupling({"rate": 0.5})
