"""ARFIMA autocovariances, autocorrelations, PACF and spectral density against references."""

import numpy as np
import pytest
from scipy import integrate, special

from rnnmem.theory import (
    arfima_acf,
    arfima_acvf,
    arfima_ma_weights,
    arfima_pacf,
    arfima_spectral_density,
    frac_integ_weights,
)

RTOL = 1e-12


def test_issue_reference_facts():
    # Values given in the foundation issue (computed at 50 digits).
    rho = arfima_acf(1000, d=0.3)
    assert rho[1] == pytest.approx(3 / 7, rel=RTOL)
    assert rho[10] == pytest.approx(0.1727163615756306, rel=RTOL)
    assert rho[1000] == pytest.approx(0.02737752455585167, rel=RTOL)
    assert arfima_acvf(0, d=0.3)[0] == pytest.approx(1.316456062130005, rel=RTOL)
    assert arfima_acf(10, d=-0.3)[10] == pytest.approx(-0.005215549479151319, rel=RTOL)
    gamma = arfima_acvf(10, d=0.3, ar=[1, -0.5])
    assert gamma[0] == pytest.approx(3.019347045996604, rel=RTOL)
    assert gamma[1] / gamma[0] == pytest.approx(0.8139931276282026, rel=RTOL)
    assert gamma[10] / gamma[0] == pytest.approx(0.3057160147773127, rel=RTOL)


def test_fractional_noise_matches_mpmath(theory_reference):
    for entry in theory_reference["acf"]:
        lags = [int(k) for k in entry["rho"]]
        gamma = arfima_acvf(max(lags), d=entry["d"])
        assert gamma[0] == pytest.approx(float(entry["gamma0"]), rel=RTOL)
        for k in lags:
            assert gamma[k] / gamma[0] == pytest.approx(float(entry["rho"][str(k)]), rel=RTOL)


def test_arfima_pdq_matches_spectral_integration(theory_reference):
    # The reference integrates the spectral density at 50 digits: an algorithm independent of
    # the convolution used here.
    for entry in theory_reference["arfima"]:
        gamma = arfima_acvf(20, d=entry["d"], ar=entry["ar"], ma=entry["ma"])
        for k, value in entry["acvf"].items():
            assert gamma[int(k)] == pytest.approx(float(value), rel=RTOL), (entry["label"], k)


def test_arma_part_matches_statsmodels():
    from statsmodels.tsa.arima_process import arma_acovf

    ar, ma = [1, -0.5, 0.2], [1, 0.4, 0.3]
    np.testing.assert_allclose(arfima_acvf(30, d=0.0, ar=ar, ma=ma), arma_acovf(ar, ma, 31),
                               rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(arfima_acvf(5, d=0.0, ma=[1, 0.5]), [1.25, 0.5, 0, 0, 0, 0])


def test_acvf_is_integral_of_spectral_density():
    # gamma(k) = 2 int_0^pi f cos(k lambda): a second numerical route, in double precision.
    d, ar, ma = 0.25, [1, -0.3], [1, 0.4]
    gamma = arfima_acvf(3, d=d, ar=ar, ma=ma, sigma2=2.0)
    for k in range(4):
        value, _ = integrate.quad(
            lambda lam: arfima_spectral_density(np.array([lam]), d=d, ar=ar, ma=ma, sigma2=2.0)[0]
            * np.cos(k * lam), 0, np.pi, limit=200)
        assert 2 * value == pytest.approx(gamma[k], rel=1e-7)


def test_sigma2_scales_and_acf_ignores_it():
    g1 = arfima_acvf(5, d=0.2, ar=[1, -0.4])
    g3 = arfima_acvf(5, d=0.2, ar=[1, -0.4], sigma2=3.0)
    np.testing.assert_allclose(g3, 3.0 * g1, rtol=1e-15)
    np.testing.assert_allclose(arfima_acf(5, d=0.2, ar=[1, -0.4]), g1 / g1[0], rtol=1e-15)


def test_pacf_of_fractional_noise():
    for d in (0.3, -0.3, 0.45):
        pacf = arfima_pacf(200, d=d)
        k = np.arange(1, 201)
        assert pacf[0] == 1.0
        np.testing.assert_allclose(pacf[1:], d / (k - d), rtol=1e-10)


def test_pacf_of_ar1_cuts_off():
    pacf = arfima_pacf(5, d=0.0, ar=[1, -0.6])
    np.testing.assert_allclose(pacf, [1.0, 0.6, 0, 0, 0, 0], atol=1e-14)


def test_spectral_density_formula_and_pole():
    lam = np.array([0.0, 0.1, 1.0, np.pi, -1.0])
    f = arfima_spectral_density(lam, d=0.3)
    assert f[0] == np.inf
    np.testing.assert_allclose(f[1:], np.abs(2 * np.sin(lam[1:] / 2)) ** -0.6 / (2 * np.pi),
                               rtol=1e-15)
    assert arfima_spectral_density([0.0], d=-0.2)[0] == 0.0
    # Low-frequency behaviour f ~ C lambda^(-2d) defines long memory.
    small = np.array([1e-6])
    assert arfima_spectral_density(small, d=0.3)[0] == pytest.approx(
        small[0] ** -0.6 / (2 * np.pi), rel=1e-10)


def test_ma_weights():
    np.testing.assert_allclose(arfima_ma_weights(50, d=0.3), frac_integ_weights(0.3, 50), rtol=1e-15)
    # The sum of squared MA weights converges to gamma(0); the missing tail beyond K is
    # sum_{j>K} c_j^2 ~ C^2 K^(2d-1) / (1-2d), with c_j ~ C j^(d-1), C = ma(1) / (ar(1) Gamma(d)).
    d, K = 0.2, 200_000
    weights = arfima_ma_weights(K, d=d, ar=[1, -0.5], ma=[1, 0.3])
    gap = arfima_acvf(0, d=d, ar=[1, -0.5], ma=[1, 0.3])[0] - np.dot(weights, weights)
    C = (1.3 / 0.5) / special.gamma(d)
    assert gap == pytest.approx(C**2 * K ** (2 * d - 1) / (1 - 2 * d), rel=0.01)


def test_long_lags_use_fft_route_accurately(monkeypatch):
    # Force the FFT branch and compare with direct summation.
    from rnnmem.theory import arfima as module

    direct = arfima_acvf(3000, d=0.3, ar=[1, -0.9])
    monkeypatch.setattr(module, "_DIRECT_CONVOLUTION_LIMIT", 0)
    fft = arfima_acvf(3000, d=0.3, ar=[1, -0.9])
    np.testing.assert_allclose(fft, direct, rtol=0, atol=1e-13 * direct[0])


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(nlags=5, d=0.5), ValueError, r"`d` must lie in \(-0.5, 0.5\) for a stationary"),
        (dict(nlags=5, d=-0.5), ValueError, r"got d=-0.5"),
        (dict(nlags=5, d=np.inf), ValueError, r"`d` must be finite"),
        (dict(nlags=5, d="0.3"), TypeError, r"`d` must be a real number"),
        (dict(nlags=-1, d=0.3), ValueError, r"`nlags` must be >= 0"),
        (dict(nlags=2.0, d=0.3), TypeError, r"`nlags` must be an integer"),
        (dict(nlags=5, d=0.3, ar=[1, -1.0]), ValueError, r"`ar` must have all roots outside the unit circle for a stationary"),
        (dict(nlags=5, d=0.3, ar=[1, -0.5, -0.6]), ValueError, r"root of modulus"),
        (dict(nlags=5, d=0.3, ma=[1, 2.0]), ValueError, r"`ma` must have all roots outside the unit circle for a invertible|invertible"),
        (dict(nlags=5, d=0.3, ar=[0.5]), ValueError, r"`ar` must be a lag polynomial with leading coefficient 1"),
        (dict(nlags=5, d=0.3, ar=[1, np.nan]), ValueError, r"`ar` must contain only finite"),
        (dict(nlags=5, d=0.3, ar=[[1, 0.5]]), ValueError, r"`ar` must be a 1-D array"),
        (dict(nlags=5, d=0.3, ma="x"), TypeError, r"`ma` must be an array of real numbers"),
        (dict(nlags=5, d=0.3, sigma2=0.0), ValueError, r"`sigma2` must lie in \(0, inf\)"),
        (dict(nlags=5, d=0.3, ar=[1, -0.99999999]), ValueError, r"too close to the unit circle"),
    ],
)
def test_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        arfima_acvf(**kwargs)


def test_bad_input_other_functions():
    with pytest.raises(ValueError, match=r"`freqs` must contain only finite"):
        arfima_spectral_density([np.nan], d=0.2)
    with pytest.raises(ValueError, match=r"`n` must be >= 1"):
        arfima_ma_weights(0, d=0.2)
    with pytest.raises(ValueError, match=r"`d` must lie in"):
        arfima_pacf(3, d=0.7)
