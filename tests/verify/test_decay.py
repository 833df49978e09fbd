"""Tests of fit_decay: exact sequences, sample ACFs (Monte Carlo) and bad input."""

import math

import numpy as np
import pytest

from rnnmem.simulate import arfima
from rnnmem.theory import arfima_acf, frac_diff_weights
from rnnmem.verify import DecayFit, acf, fit_decay


@pytest.mark.parametrize("rate", [0.3, 0.7, 0.95])
def test_exact_exponential(rate):
    fit = fit_decay(rate ** np.arange(80))
    assert isinstance(fit, DecayFit)
    assert fit.law == "exponential" and fit.log_likelihood_ratio < -10
    assert fit.rate == pytest.approx(rate, abs=1e-7)
    assert fit.half_life == pytest.approx(math.log(2) / -math.log(rate), rel=1e-6)
    assert fit.r2_exponential == pytest.approx(1.0)
    assert fit.amplitude_exponential == pytest.approx(1.0, abs=1e-6)


def test_definition3_coefficients_are_power():
    # |w_k(d)| ~ k^{-d-1}: polynomial (Definition 3 long memory), THEORY.md §1.1
    w = np.abs(frac_diff_weights(0.3, 400))
    fit = fit_decay(w)
    assert fit.law == "power" and 1.2 < fit.exponent < 1.6
    # away from the first lags the exponent is the asymptotic d + 1
    tail = fit_decay(w[50:], lags=np.arange(50, 400))
    assert tail.law == "power"
    assert tail.exponent == pytest.approx(1.3, abs=0.01)
    assert tail.exponent_ci[0] <= tail.exponent <= tail.exponent_ci[1]


def test_population_arfima_acf_is_power_and_ar_acf_exponential():
    rho = arfima_acf(60, d=0.3)
    fit = fit_decay(rho)
    assert fit.law == "power" and fit.exponent == pytest.approx(1 - 2 * 0.3, abs=0.05)
    assert fit_decay(arfima_acf(60, d=0.0, ar=[1, -0.8])).law == "exponential"


def test_lags_argument_and_noise_floor():
    k = np.arange(1, 41, dtype=float)
    fit = fit_decay(3.0 * k**-0.8, lags=k)
    assert fit.law == "power" and np.array_equal(fit.lags, k)
    assert fit.amplitude_power == pytest.approx(3.0, rel=1e-6)
    v = 0.5 ** np.arange(30)
    floored = fit_decay(v, noise_floor=0.01)
    assert floored.lags.tolist() == [1, 2, 3, 4, 5, 6]  # 0.5^7 < 0.01
    short = fit_decay(v, noise_floor=0.3)
    assert short.lags.size == 3  # extended to three lags
    assert fit_decay(np.r_[1.0, 0.001, 0.002, 0.0], noise_floor=0.01).law == "undetermined"
    assert "No signal" in fit_decay(np.r_[1.0, 0.001, 0.002, 0.0], noise_floor=0.01).reason


def test_undetermined_when_laws_fit_equally():
    # three points lying on both an exponential and a power law cannot be told apart
    k = np.array([1.0, 2.0, 3.0])
    mix = 0.5 * (0.5**k) + 0.5 * (k**-1.0)
    fit = fit_decay(mix, lags=k, threshold=5.0)
    assert fit.law == "undetermined" and "about equally" in fit.reason
    assert "undetermined" in fit.summary()


def test_sample_acf_monte_carlo():
    # 60 paths per case, n = 4096, fixed seeds: the right law at least 52 times in 60.
    # A binomial(60, 0.95) count falls below 52 with probability < 1%; the calibration
    # study (benchmarks/calibration.py) measures the rates with 2000 paths.
    n = 4096
    for kwargs, want, seed in [
        ({"d": 0.0, "ar": [1, -0.5]}, "exponential", 1),
        ({"d": 0.0, "ar": [1, -0.9]}, "exponential", 2),
        ({"d": 0.2}, "power", 3),
        ({"d": 0.4}, "power", 4),
    ]:
        rho = acf(arfima(n, n_paths=60, rng=seed, **kwargs), 36)
        laws = [fit_decay(r, noise_floor=2 / math.sqrt(n), n_obs=n).law for r in rho]
        assert laws.count(want) >= 52, (kwargs, laws.count(want))


def test_bias_correction_helps_under_long_memory():
    # The n_obs bias term matters at d = 0.4 (THEORY.md §1.4): the exponent fitted to the
    # mean sample ACF is closer to 1 - 2d with it than without it.
    n = 1000
    rho = acf(arfima(n, d=0.4, n_paths=300, rng=7), 36).mean(axis=0)
    with_bias = fit_decay(rho, n_obs=n).exponent
    without = fit_decay(rho, max_exponent=1.0).exponent
    assert abs(with_bias - 0.2) < abs(without - 0.2)


@pytest.mark.parametrize("n_obs", [None, 1000])
def test_curve_is_the_fitted_model(n_obs):
    # The curve reproduces the fit's residual sums of squares for both laws, and with n_obs
    # its mean-correction term equals a plain loop over (2/n) sum_h (1 - h/n) h^(-beta).
    n = 1000
    rho = acf(arfima(n, d=0.4, n_paths=300, rng=7), 36).mean(axis=0)
    fit = fit_decay(rho, n_obs=n_obs, max_exponent=1.0)
    v = rho[fit.lags.astype(int)]
    for law, rss in [("exponential", fit.rss_exponential), ("power", fit.rss_power)]:
        residual = v - fit.curve(law, fit.lags)
        assert np.dot(residual, residual) == pytest.approx(rss, rel=1e-9)
    if n_obs is not None:
        bias = sum(2 * (1 - h / n) / n * h ** (-fit.exponent) for h in range(1, n))
        expected = fit.amplitude_power * (10.0 ** (-fit.exponent) - bias) - 1 / n
        assert fit.curve("power", [10.0])[0] == pytest.approx(expected, rel=1e-12)
        assert fit.curve("power", [10.0])[0] < fit.amplitude_power * 10.0 ** (-fit.exponent)
    with pytest.raises(ValueError, match="`law` must be one of"):
        fit.curve("linear", [1.0])
    with pytest.raises(ValueError, match=r"`lags` must be positive .* got min\(lags\)=0"):
        fit.curve("power", [0.0, 1.0])


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"values": [1.0, 0.5]}, ValueError, "at least 3 values at positive lags"),
        ({"values": [1.0, np.nan, 0.2, 0.1]}, ValueError, "must contain only finite values"),
        ({"values": np.ones((2, 5))}, ValueError, "must be a 1-D array"),
        ({"values": "abc"}, TypeError, "must be an array of real numbers"),
        ({"values": np.ones(5), "lags": [1, 2, 3]}, ValueError, "one entry per value"),
        ({"values": np.ones(4), "lags": [1, 3, 2, 4]}, ValueError, "strictly increasing"),
        ({"values": np.ones(5), "noise_floor": -0.1}, ValueError, r"`noise_floor` must lie in \[0, inf\)"),
        ({"values": np.ones(5), "n_obs": 3}, ValueError, r"`n_obs` must be >= 5"),
        ({"values": np.ones(5), "n_obs": 100.0}, TypeError, "`n_obs` must be an integer"),
        ({"values": np.ones(5), "max_exponent": 0.0}, ValueError, r"`max_exponent` must lie in \[0.01, 10\]"),
        ({"values": np.ones(5), "threshold": -1.0}, ValueError, r"`threshold` must lie in \[0, inf\)"),
    ],
)
def test_fit_decay_bad_input(kwargs, error, match):
    values = kwargs.pop("values")
    with pytest.raises(error, match=match):
        fit_decay(values, **kwargs)
