"""Plateau experiment (Li et al. 2021, §5): closed-form loss, gradient, escape-time slope.

References used here: the loss against scipy quadrature of int (rho - rho_hat)^2, the
gradient against central finite differences, the jitted kernels against their Python
twins, and the statement of THEORY.md §5 (slope of log(iterations) against t0 about w*,
checked within 25%; iterations proportional to 1/lr).
"""

import numpy as np
import pytest
from scipy import integrate

from rnnmem.verify.plateau import (
    PlateauWarning,
    _bump_overlap,
    _bump_overlap_py,
    _descend,
    _descend_py,
    _loss_and_gradient,
    _loss_and_gradient_py,
    plateau_experiment,
    plateau_loss,
)


def quad_loss(c, w, w_star, t0):
    def integrand(t):
        target = np.exp(-w_star * t) + np.exp(-((t - t0) ** 2))
        model = sum(ci * np.exp(-wi * t) for ci, wi in zip(c, w))
        return (target - model) ** 2
    return integrate.quad(integrand, 0, np.inf, points=None, epsabs=1e-14, epsrel=1e-12,
                          limit=400)[0] if t0 == 0 else (
        integrate.quad(integrand, 0, t0, epsabs=1e-14, epsrel=1e-12, limit=400)[0]
        + integrate.quad(integrand, t0, np.inf, epsabs=1e-14, epsrel=1e-12, limit=400)[0])


@pytest.mark.parametrize("c,w,w_star,t0", [
    ([1.0, 0.0], [1.0, 1.1], 1.0, 6.0),
    ([0.3, -0.7, 1.2], [0.2, 1.5, 3.0], 0.5, 9.0),
    ([2.0], [0.05], 1.0, 0.0),
])
def test_closed_form_loss_against_quadrature(c, w, w_star, t0):
    assert plateau_loss(c, w, w_star=w_star, t0=t0) == pytest.approx(
        quad_loss(c, w, w_star, t0), rel=1e-9, abs=1e-13)


def test_gradient_against_finite_differences():
    c = np.array([0.4, -0.3, 0.9])
    w = np.array([0.3, 1.2, 2.5])
    grad_c, grad_w = np.empty(3), np.empty(3)
    _loss_and_gradient(c, w, 0.7, 5.0, grad_c, grad_w)
    h = 1e-6
    for i in range(3):
        e = np.zeros(3)
        e[i] = h
        dc = (plateau_loss(c + e, w, w_star=0.7, t0=5.0)
              - plateau_loss(c - e, w, w_star=0.7, t0=5.0)) / (2 * h)
        dw = (plateau_loss(c, w + e, w_star=0.7, t0=5.0)
              - plateau_loss(c, w - e, w_star=0.7, t0=5.0)) / (2 * h)
        assert grad_c[i] == pytest.approx(dc, rel=1e-6, abs=1e-9)
        assert grad_w[i] == pytest.approx(dw, rel=1e-6, abs=1e-9)


def test_bump_overlap_against_quadrature():
    for a, t0 in [(0.3, 5.0), (1.0, 0.0), (4.0, 1.0), (0.01, 12.0)]:
        def integrand(t, a=a, t0=t0):
            return np.exp(-a * t - (t - t0) ** 2)
        ref = sum(integrate.quad(integrand, lo, hi, epsabs=1e-15, epsrel=1e-12)[0]
                  for lo, hi in ((0, t0), (t0, np.inf)))
        assert _bump_overlap(a, t0) == _bump_overlap_py(a, t0)
        assert _bump_overlap(a, t0) == pytest.approx(ref, rel=1e-10)


def test_jitted_and_python_kernels_agree():
    c, w = np.array([1.0, 0.0]), np.array([1.0, 1.1])
    gc1, gw1, gc2, gw2 = (np.empty(2) for _ in range(4))
    assert _loss_and_gradient(c, w, 1.0, 6.0, gc1, gw1) == _loss_and_gradient_py(c, w, 1.0, 6.0, gc2, gw2)
    np.testing.assert_array_equal(gc1, gc2)
    np.testing.assert_array_equal(gw1, gw2)
    a = (c.copy(), w.copy())
    b = (c.copy(), w.copy())
    out_jit = _descend(*a, 1.0, 6.0, 0.02, 500, 0.0)
    out_py = _descend_py(*b, 1.0, 6.0, 0.02, 500, 0.0)
    assert out_jit == out_py
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])


def test_escape_time_slope_is_about_w_star():
    # THEORY.md §5: slopes about 0.98 (w* = 1) and 0.50 (w* = 0.5); within 25% of w*
    fast = plateau_experiment(1.0, [9.0, 10.0, 11.0])
    slow = plateau_experiment(0.5, [14.0, 16.0, 18.0])
    assert fast.slope == pytest.approx(1.0, rel=0.25)
    assert slow.slope == pytest.approx(0.5, rel=0.25)
    assert fast.escaped.all() and slow.escaped.all()
    # a plateau: the loss stayed at its start for thousands of iterations
    assert fast.escape_iterations.min() > 10_000
    text = fast.summary()
    assert "slope d log(iterations) / d t0" in text and "theory: about w* = 1" in text


def test_escape_time_is_proportional_to_one_over_lr():
    base = plateau_experiment(1.0, [8.0, 10.0], lr=0.02)
    half = plateau_experiment(1.0, [8.0, 10.0], lr=0.01)
    np.testing.assert_allclose(half.escape_iterations / base.escape_iterations, 2.0, rtol=0.01)
    np.testing.assert_allclose(half.escape_times, base.escape_times, rtol=0.01)


def test_plateau_loss_is_the_far_component():
    res = plateau_experiment(1.0, [8.0, 9.0])
    # at the start the model fits e^{-t} exactly: the loss is ||exp(-(t - t0)^2)||^2
    np.testing.assert_allclose(res.initial_losses, np.sqrt(np.pi / 2) / 2 * 2, rtol=1e-12)


def test_horizons_out_of_reach_are_reported():
    with pytest.warns(PlateauWarning, match=r"1 horizon\(s\) did not leave the plateau"):
        res = plateau_experiment(1.0, [4.0, 5.0, 12.0], max_iter=100_000)
    assert res.escaped.tolist() == [True, True, False]
    assert res.escape_iterations[2] == 100_000
    with pytest.raises(ValueError, match=r"fewer than two horizons left the plateau"):
        plateau_experiment(1.0, [11.0, 12.0], max_iter=1000)


def test_unstable_descent_is_refused():
    with pytest.raises(FloatingPointError, match=r"gradient descent is unstable .*use a smaller `lr`"):
        plateau_experiment(1.0, [4.0, 5.0], lr=5.0)


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match=r"`w_star` must lie in \(0, inf\)"):
        plateau_experiment(0.0, [4.0, 5.0])
    with pytest.raises(ValueError, match=r"`horizons` must hold at least two distinct values"):
        plateau_experiment(1.0, [4.0, 4.0])
    with pytest.raises(ValueError, match=r"`horizons` must have at least 2 values"):
        plateau_experiment(1.0, [4.0])
    with pytest.raises(ValueError, match=r"`horizons` must be positive"):
        plateau_experiment(1.0, [0.0, 4.0])
    with pytest.raises(ValueError, match=r"`idle_ratio` must lie in \[1, inf\)"):
        plateau_experiment(1.0, [4.0, 5.0], idle_ratio=0.5)
    with pytest.raises(ValueError, match=r"`drop` must lie in \(0, 1\)"):
        plateau_experiment(1.0, [4.0, 5.0], drop=1.0)
    with pytest.raises(ValueError, match=r"`max_iter` must be >= 1"):
        plateau_experiment(1.0, [4.0, 5.0], max_iter=0)
    with pytest.raises(ValueError, match=r"`w` must hold positive decay rates"):
        plateau_loss([1.0], [-1.0], w_star=1.0, t0=1.0)
    with pytest.raises(ValueError, match=r"`w` must have the shape of `c`"):
        plateau_loss([1.0, 2.0], [1.0], w_star=1.0, t0=1.0)
