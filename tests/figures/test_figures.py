"""Figures draw what the results hold (Agg backend); bad inputs are refused."""

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt

from rnnmem.figures import (
    plot_approximation_error,
    plot_escape_times,
    plot_rank_against_length,
)
from rnnmem.theory.curse_approximation import approximation_error
from rnnmem.theory.separation_rank import start_end_rank
from rnnmem.verify.plateau import plateau_experiment


def test_approximation_error_figure():
    res = approximation_error("power_law_0.5", [2, 4, 8], betas=[0.05, 0.1, 0.2])
    fig = plot_approximation_error([res])
    ax = fig.axes[0]
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), res.l1_errors)
    assert "rate" in ax.get_legend().get_texts()[0].get_text()
    _, given = plt.subplots()
    assert plot_approximation_error(res, ax=given, relative=True) is given.figure
    np.testing.assert_array_equal(given.lines[0].get_ydata(), res.relative_l1_errors)
    plt.close("all")


def test_escape_time_figure():
    res = plateau_experiment(1.0, [6.0, 7.0, 8.0])
    fig = plot_escape_times(res)
    ax = fig.axes[0]
    assert ax.get_yscale() == "log"
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), res.escape_iterations)
    fitted = ax.lines[1].get_ydata()
    assert fitted[0] == pytest.approx(np.exp(res.intercept + res.slope * 6.0))
    plt.close("all")


def test_rank_figure():
    ranks = [start_end_rank(d, T, 2, 2, rng=0) for d in (1, 2, 3) for T in (2, 4, 6, 8)]
    fig = plot_rank_against_length(ranks)
    ax = fig.axes[0]
    depth3 = next(line for line in ax.lines if line.get_label().startswith("depth 3"))
    np.testing.assert_array_equal(depth3.get_ydata(), [2, 4, 8, 16])
    labels = [line.get_label() for line in ax.lines]
    assert "depth-2 upper bound" in labels and "depth-2 lower bound" in labels
    plt.close("all")


def test_bad_results_are_refused():
    with pytest.raises(TypeError, match=r"`results` must be one Approximation or a non-empty"):
        plot_approximation_error([1.0])
    with pytest.raises(TypeError, match=r"`experiments` must be one PlateauExperiment"):
        plot_escape_times([])
    with pytest.raises(TypeError, match=r"`ranks` must be a non-empty sequence of StartEndRank"):
        plot_rank_against_length([])
