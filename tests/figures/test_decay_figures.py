"""Decay, weight, estimate and ACF figures: the expected artists, labels and scales (Agg)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from rnnmem import datasets, figures
from rnnmem.simulate import arfima
from rnnmem.theory import linear_coefficients, truncated_filter_response
from rnnmem.verify import acf, fit_decay, gph, local_whittle


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_plot_weights():
    figure = figures.plot_weights(0.4, 500)
    (ax,) = figure.axes
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    assert len(ax.get_lines()) == 4
    assert ax.get_xlabel() == "lag j" and "d = 0.4" in ax.get_title()
    # The drawn |psi_j| is the exact coefficient.
    assert ax.get_lines()[0].get_ydata()[0] == pytest.approx(0.4)


def test_plot_acf_decay_with_fit():
    x = arfima(4096, d=0.3, rng=1)
    rho = acf(x, 36)
    fit = fit_decay(rho, noise_floor=2 / 64, n_obs=4096)
    figure = figures.plot_acf_decay(rho, fit, noise_floor=2 / 64)
    semi, loglog = figure.axes
    assert semi.get_yscale() == "log" and semi.get_xscale() == "linear"
    assert loglog.get_xscale() == "log" and loglog.get_yscale() == "log"
    labels = [line.get_label() for line in semi.get_lines()]
    assert any(label.startswith("exponential") for label in labels)
    assert any(label.startswith("power") for label in labels)
    assert figure._suptitle.get_text() == f"fitted law: {fit.law}"
    assert "lag k" == loglog.get_xlabel()
    # The power law is drawn as fitted, with the mean-correction term of n_obs.
    (power,) = [line for line in loglog.get_lines() if line.get_label().startswith("power")]
    lags = power.get_xdata()
    drawn = np.asarray(power.get_ydata(), dtype=float)
    shown = np.isfinite(drawn)
    assert shown.sum() > 10
    np.testing.assert_allclose(drawn[shown], fit.curve("power", lags[shown]), rtol=1e-12)


def test_plot_coefficients_marks_horizon_into_given_axis():
    response = truncated_filter_response(0.3, 100, 600)
    fit = fit_decay(response[:101])
    figure, ax = plt.subplots()
    returned = figures.plot_coefficients(response, fit, horizon=100, ax=ax)
    assert returned is figure
    assert any("K = 100" in line.get_label() for line in ax.get_lines())
    assert ax.get_xscale() == "log"


def test_plot_d_estimates_and_acfs():
    x = arfima(2048, d=0.2, rng=3)
    figure = figures.plot_d_estimates({"GPH": gph(x), "local Whittle": local_whittle(x)},
                                      true_d=0.2)
    (ax,) = figure.axes
    ticks = {t.get_text(): t.get_position()[1] for t in ax.get_yticklabels()}
    assert ticks["GPH"] > ticks["local Whittle"]  # first estimate on top
    assert ax.get_xlabel() == "memory parameter d"
    series = {name: datasets.load(name).values for name in ("arfima", "tree")}
    figure = figures.plot_acfs({k: acf(v, 50) for k, v in series.items()},
                               n_obs={k: v.size for k, v in series.items()})
    assert len(figure.axes) == 2 and figure.axes[1].get_title() == "tree (n = 4351)"


def test_linear_coefficients_norms_plot():
    from rnnmem.networks import LinearChain

    norms = np.linalg.norm(linear_coefficients(LinearChain.random(1, 2, rng=0), 50).values,
                           axis=(1, 2))
    figure = figures.plot_coefficients(norms)
    assert figure.axes[0].get_ylabel() == r"$|A_k|$"


def test_bad_input():
    with pytest.raises(ValueError, match=r"`axes` must hold 2 axes; got 1"):
        figures.plot_acf_decay([1.0, 0.5, 0.2], axes=[plt.subplots()[1]])
    with pytest.raises(ValueError, match=r"`estimates` must hold at least one result"):
        figures.plot_d_estimates({})
    with pytest.raises(ValueError, match=r"`values` must have at least 2 values"):
        figures.plot_acf_decay([1.0])
