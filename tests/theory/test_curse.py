"""Curse of memory (Li et al. 2021): linear RNN kernels, target catalogue, approximation error.

References used here:
- the ODE h' = W h + U x solved by scipy's solve_ivp (independent of the convolution);
- the memory kernel from an eigendecomposition of W (independent of expm);
- L1 norms of the targets by adaptive quadrature (scipy quad, mpmath between the zeros);
- the published small-scale numbers of THEORY.md §5 (fixed grid, best beta, L1 error at
  m = 8 / 32);
- white noise simulated with a fixed seed, compared within its own Monte Carlo error.
"""

import itertools

import mpmath
import numpy as np
import pytest
from scipy import integrate, linalg, special

from rnnmem.theory.curse_approximation import DEFAULT_BETAS, approximation_error
from rnnmem.theory.curse_kernels import LinearRNN, white_noise_loss
from rnnmem.theory.curse_targets import (
    TargetKernel,
    airy_kernel,
    damped_cosine_kernel,
    delayed_bump_kernel,
    exp_over_linear_kernel,
    exponential_kernel,
    power_law_kernel,
    target_catalogue,
)

W3 = np.array([[-1.0, 2.0, 0.0], [-2.0, -1.0, 0.5], [0.0, 0.3, -0.4]])  # Hurwitz, oscillating
U3 = np.array([1.0, -0.5, 2.0])
C3 = np.array([0.7, 1.0, -1.2])
# discrete time: spectral radius about 0.86
D3 = np.array([[0.5, 0.6, 0.0], [-0.6, 0.5, 0.1], [0.0, 0.2, 0.7]])


# --- linear RNN kernels ---------------------------------------------------------------------

def test_continuous_kernel_against_the_matrix_exponential():
    rnn = LinearRNN(W3, U3, C3)
    t = np.linspace(0, 12, 50)
    expected = [C3 @ linalg.expm(W3 * s) @ U3 for s in t]
    np.testing.assert_allclose(rnn.kernel(t), expected, rtol=1e-10, atol=1e-13)
    assert rnn.kernel(np.array([1e40]))[0] == 0.0
    # a defective W (Jordan block) goes through the matrix exponential: t e^{-t}
    jordan = LinearRNN([[-1.0, 1.0], [0.0, -1.0]], [0.0, 1.0], [1.0, 0.0])
    np.testing.assert_allclose(jordan.kernel(t), t * np.exp(-t), rtol=1e-12, atol=1e-15)
    y = jordan.output(np.ones(8), dt=0.5)  # int_0^{4} s e^{-s} ds = 1 - 5 e^{-4}
    assert y[-1] == pytest.approx(1 - 5 * np.exp(-4.0), rel=1e-12)


def test_discrete_kernel_against_matrix_powers():
    rnn = LinearRNN(D3, U3, C3, time="discrete")
    k = np.arange(30)
    expected = [C3 @ np.linalg.matrix_power(D3, j) @ U3 for j in k]
    np.testing.assert_allclose(rnn.kernel(k), expected, rtol=1e-12, atol=1e-14)


def test_continuous_output_equals_the_simulated_ode():
    # E1: the convolution with rho_hat against the ODE h' = W h + U x, y = c^T h, h(0) = 0,
    # for a piecewise-constant input (each segment integrated by solve_ivp at rtol 1e-11).
    rng = np.random.default_rng(31)
    dt = 0.25
    x = rng.standard_normal(40)
    rnn = LinearRNN(W3, U3, C3)
    y = rnn.output(x, dt=dt)
    h = np.zeros(3)
    simulated = []
    for value in x:
        sol = integrate.solve_ivp(lambda t, s, v=value: W3 @ s + U3 * v, (0, dt), h,
                                  rtol=1e-11, atol=1e-13, method="DOP853")
        h = sol.y[:, -1]
        simulated.append(C3 @ h)
    np.testing.assert_allclose(y, simulated, rtol=1e-8, atol=1e-10)


def test_discrete_output_equals_the_recursion():
    rng = np.random.default_rng(32)
    x = rng.standard_normal(60)
    rnn = LinearRNN(D3, U3, C3, time="discrete")
    h = np.zeros(3)
    expected = []
    for value in x:
        h = D3 @ h + U3 * value
        expected.append(C3 @ h)
    np.testing.assert_allclose(rnn.output(x), expected, rtol=1e-10, atol=1e-12)


def test_operator_norm_closed_form_and_quadrature():
    assert LinearRNN([[-0.5]], [3.0], [-2.0]).operator_norm() == pytest.approx(12.0, rel=1e-12)
    rnn = LinearRNN(W3, U3, C3)
    # reference: scipy quad of |rho_hat| between its sign changes (located on a fine grid)
    grid = np.linspace(0, 80, 80001)
    values = rnn.kernel(grid)
    changes = grid[1:][np.sign(values[1:]) != np.sign(values[:-1])]
    pieces = np.concatenate([[0.0], changes, [80.0]])
    reference = sum(integrate.quad(lambda s: abs(rnn.kernel(np.array([s]))[0]), a, b,
                                   epsabs=1e-13)[0] for a, b in itertools.pairwise(pieces))
    assert rnn.operator_norm() == pytest.approx(reference, rel=1e-7)


def test_sign_input_attains_the_operator_norm():
    # discrete: exact; continuous: zero-order-hold sign input on a fine grid
    rnn = LinearRNN(D3, U3, C3, time="discrete")
    n = 400
    x = np.sign(rnn.kernel(np.arange(n)))[::-1]
    assert rnn.output(x)[-1] == pytest.approx(rnn.operator_norm(), rel=1e-12)
    crnn = LinearRNN(W3, U3, C3)
    dt = 1e-3
    mid = (np.arange(40000) + 0.5) * dt
    x = np.sign(crnn.kernel(mid))[::-1]
    assert crnn.output(x, dt=dt)[-1] == pytest.approx(crnn.operator_norm(), rel=1e-3)
    # and no input bounded by 1 does better (random signs)
    rng = np.random.default_rng(33)
    others = [abs(crnn.output(rng.choice([-1.0, 1.0], 4000), dt=0.01)[-1]) for _ in range(5)]
    assert max(others) < crnn.operator_norm()


def test_white_noise_loss_closed_form():
    # int (e^{-2t} - e^{-t})^2 = 1/4 - 2/3 + 1/2 = 1/12
    model = LinearRNN([[-1.0]], [1.0], [1.0])
    assert white_noise_loss(exponential_kernel(2.0), model) == pytest.approx(1 / 12, rel=1e-12)
    assert white_noise_loss(exponential_kernel(2.0), model, sigma=2.0) == pytest.approx(1 / 3, rel=1e-12)
    # discrete: target 0.5^k truncated at K, model 0.8^k
    d = LinearRNN([[0.8]], [1.0], [1.0], time="discrete")
    rho = 0.5 ** np.arange(10)
    expected = np.sum((rho - 0.8 ** np.arange(10)) ** 2) + 0.8**20 / (1 - 0.64)
    assert white_noise_loss(rho, d) == pytest.approx(expected, rel=1e-12)


def test_white_noise_loss_against_simulated_white_noise():
    # mean squared output difference on simulated N(0, sigma^2) noise; the assertion allows
    # 4 standard errors of the batch-means estimate (fixed seed).
    rng = np.random.default_rng(34)
    sigma = 1.5
    model = LinearRNN(D3, U3, C3, time="discrete")
    rho = 1.0 / (1.0 + np.arange(200.0)) ** 1.5
    n, burn = 200_000, 400
    x = sigma * rng.standard_normal(n + burn)
    target_out = np.convolve(x, rho)[: n + burn]
    diff = (target_out - model.output(x))[burn:] ** 2
    batches = diff.reshape(100, -1).mean(axis=1)
    estimate, se = batches.mean(), batches.std(ddof=1) / np.sqrt(batches.size)
    exact = white_noise_loss(rho, model, sigma=sigma)
    assert abs(estimate - exact) < 4 * se


# --- target catalogue -----------------------------------------------------------------------

def test_catalogue_l1_norms_against_quadrature():
    mpmath.mp.dps = 25
    # exponential, exp/(1+t), power laws, bump: scipy quad on [0, inf)
    for kernel in (exponential_kernel(0.7), exp_over_linear_kernel(), power_law_kernel(0.5),
                   power_law_kernel(2.0), delayed_bump_kernel(3.0, width=0.5)):
        ref = integrate.quad(lambda t, k=kernel: abs(k(np.array([t]))[0]), 0, np.inf,
                             epsabs=1e-14, epsrel=1e-12, limit=500)[0]
        assert kernel.l1_norm == pytest.approx(ref, rel=1e-9), kernel.name
    # damped cosine: mpmath between the zeros of cos(w t)
    kernel = damped_cosine_kernel(3.0, rate=0.5)
    zeros = [0] + [(mpmath.pi / 2 + k * mpmath.pi) / 3 for k in range(400)]
    f = lambda t: mpmath.e ** (-0.5 * t) * mpmath.cos(3 * t)
    ref = sum(abs(mpmath.quad(f, [a, b])) for a, b in itertools.pairwise(zeros))
    assert kernel.l1_norm == pytest.approx(float(ref), rel=1e-12)
    # Airy: mpmath between the zeros of Ai
    s0, t0 = 2.0, 7.0
    roots = sorted(float(mpmath.airyaizero(k)) for k in range(1, 40))
    pts = [-s0 * t0] + [r for r in roots if r > -s0 * t0] + [0.0]
    ref = (sum(abs(mpmath.quad(mpmath.airyai, [a, b])) for a, b in itertools.pairwise(pts))
           + mpmath.mpf(1) / 3) / s0
    assert airy_kernel(s0, t0).l1_norm == pytest.approx(float(ref), rel=1e-12)


def test_catalogue_values_and_tails():
    t = np.array([0.0, 1.0, 2.5])
    cat = target_catalogue()
    np.testing.assert_allclose(cat["exp_over_linear"](t), np.exp(-t) / (1 + t))
    np.testing.assert_allclose(cat["damped_cosine"](t), np.exp(-t) * np.cos(2 * t))
    np.testing.assert_allclose(cat["airy"](t), special.airy(t - 5.0)[0])
    np.testing.assert_allclose(cat["delayed_bump"](t), np.exp(-((t - 5.0) ** 2)))
    assert cat["power_law_0.5"].tail(99.0) == pytest.approx(2 * 100**-0.5)
    assert cat["exponential"].tail(3.0) == pytest.approx(np.exp(-3.0))
    assert cat["exp_over_linear"].tail(0.0) == pytest.approx(cat["exp_over_linear"].l1_norm)
    assert cat["delayed_bump"].tail(0.0) == pytest.approx(cat["delayed_bump"].l1_norm)
    assert "L1 norm 2" in str(cat["power_law_0.5"])
    assert cat["airy"](np.array([1e35]))[0] == 0.0


# --- approximation error --------------------------------------------------------------------

PUBLISHED_BETAS = [0.05, 0.1, 0.2, 0.5, 1.0, 2.0]


@pytest.mark.parametrize("name,published", [
    ("power_law_1.0", (4.7e-2, 7.0e-3)),
    ("power_law_0.5", (0.33, 0.17)),
    ("exp_over_linear", (4.8e-5, 1.7e-12)),
])
def test_fixed_grid_reproduces_the_published_numbers(name, published):
    # THEORY.md §5, fixed grid, best beta, L1 error at m = 8 / 32; the published numbers are
    # reproduced to their two digits with beta in {0.05, 0.1, 0.2, 0.5, 1, 2}.
    result = approximation_error(name, [8, 32], betas=PUBLISHED_BETAS)
    np.testing.assert_allclose(result.l1_errors, published, rtol=0.035)


def test_finer_beta_grid_does_better_at_width_32():
    fine = approximation_error("power_law_0.5", [8, 32], betas=10.0 ** np.linspace(-2.5, 0.5, 16))
    coarse = approximation_error("power_law_0.5", [8, 32], betas=PUBLISHED_BETAS)
    assert fine.l1_errors[1] < 0.6 * coarse.l1_errors[1]
    assert fine.exponent_min[1] < 0.05  # the better beta lies below the published grid
    np.testing.assert_allclose(fine.exponent_max, fine.exponent_min * fine.widths)


def test_error_against_width_is_ordered_by_omega():
    widths = [4, 8, 16]
    betas = 10.0 ** np.linspace(-3, 1, 21)
    results = [approximation_error(power_law_kernel(omega), widths, betas=betas)
               for omega in (0.25, 0.5, 1.0, 2.0)]
    relative = np.array([r.relative_l1_errors for r in results])
    assert np.all(np.diff(relative, axis=0) < 0)  # longer memory (small omega): larger error
    rates = [r.rate for r in results]
    assert rates == sorted(rates)  # and a slower rate


def test_power_laws_converge_only_polynomially_under_the_fixed_grid():
    widths = [4, 8, 16, 32]
    betas = 10.0 ** np.linspace(-3, 1, 21)
    power = approximation_error("power_law_0.5", widths, betas=betas)
    short = approximation_error("exp_over_linear", widths, betas=betas)
    # halving the error of (1+t)^{-1.5} takes about doubling m; e^{-t}/(1+t) falls by 1e-7
    assert 0.4 < power.rate < 1.2
    assert np.all(power.l1_errors[1:] / power.l1_errors[:-1] > 0.4)
    assert short.l1_errors[-1] / short.l1_errors[0] < 1e-7
    assert short.rate > 3 * power.rate


def test_free_exponents_do_far_better_on_power_laws():
    widths = [4, 8]
    free = approximation_error("power_law_0.5", widths, construction="free-exponents")
    fixed = approximation_error("power_law_0.5", widths)
    assert np.all(free.l1_errors < 0.5 * fixed.l1_errors)
    assert free.construction == "free-exponents" and "geometrically" in free.method
    assert np.all(free.exponent_min < free.exponent_max)
    assert "fitted rate" in free.summary()


def test_a_width_reproduces_an_exponential_target_exactly():
    result = approximation_error(exponential_kernel(1.0), [1, 2], betas=[0.5, 1.0])
    assert np.all(result.l1_errors < 1e-12)


# --- bad input ------------------------------------------------------------------------------

def test_non_hurwitz_w_is_refused():
    with pytest.raises(ValueError, match=r"`W` must be Hurwitz .*; got max Re\(eig\(W\)\)=0\.5"):
        LinearRNN([[0.5, 0.0], [0.0, -1.0]], [1, 1], [1, 1])
    with pytest.raises(ValueError, match=r"`W` must be Hurwitz"):
        LinearRNN([[0.0, 1.0], [-1.0, 0.0]], [1, 1], [1, 1])  # purely imaginary: no decay
    with pytest.raises(ValueError, match=r"`W` must have spectral radius below 1 .*got spectral radius 1\.2"):
        LinearRNN([[1.2]], [1], [1], time="discrete")


def test_bad_linear_rnn_arguments_are_refused():
    with pytest.raises(ValueError, match=r"`W` must be a non-empty square matrix"):
        LinearRNN(np.ones((2, 3)), [1, 1], [1, 1])
    with pytest.raises(ValueError, match=r"`U` must have shape \(2,\)"):
        LinearRNN(-np.eye(2), [1, 1, 1], [1, 1])
    with pytest.raises(ValueError, match=r"`time` must be one of"):
        LinearRNN(-np.eye(2), [1, 1], [1, 1], time="hybrid")
    rnn = LinearRNN(-np.eye(2), [1, 1], [1, 1])
    with pytest.raises(ValueError, match=r"`t` must be >= 0"):
        rnn.kernel([-1.0])
    with pytest.raises(ValueError, match=r"`dt` must lie in \(0, inf\)"):
        rnn.output([1.0, 2.0], dt=0.0)
    drnn = LinearRNN(0.5 * np.eye(2), [1, 1], [1, 1], time="discrete")
    with pytest.raises(TypeError, match=r"`t` must be integer lags"):
        drnn.kernel([0.5])
    with pytest.raises(ValueError, match=r"`t` must be >= 0; got min\(t\)=-2"):
        drnn.kernel(np.array([-2]))
    with pytest.raises(TypeError, match=r"`model` must be a LinearRNN"):
        white_noise_loss(np.ones(3), "model")
    with pytest.raises(TypeError, match=r"`target` must be a TargetKernel or a callable"):
        white_noise_loss(np.ones(3), rnn)


def test_bad_widths_targets_and_options_are_refused():
    with pytest.raises(ValueError, match=r"`widths` must be >= 1 .*got min\(widths\)=0"):
        approximation_error("power_law_0.5", [0, 4])
    with pytest.raises(ValueError, match=r"`widths` must hold at least two distinct widths"):
        approximation_error("power_law_0.5", [4, 4])
    with pytest.raises(TypeError, match=r"`widths` must be integers"):
        approximation_error("power_law_0.5", [2.5, 4])
    with pytest.raises(ValueError, match=r"`target` must be one of"):
        approximation_error("lorenz", [2, 4])
    with pytest.raises(TypeError, match=r"`target` must be a TargetKernel or a catalogue name"):
        approximation_error(lambda t: t, [2, 4])
    with pytest.raises(ValueError, match=r"`construction` must be one of"):
        approximation_error("power_law_0.5", [2, 4], construction="random")
    with pytest.raises(ValueError, match=r"`betas` must be positive"):
        approximation_error("power_law_0.5", [2, 4], betas=[0.0, 1.0])
    with pytest.raises(ValueError, match=r"`betas` applies to construction='fixed-grid' only"):
        approximation_error("power_law_0.5", [2, 4], construction="free-exponents", betas=[1.0])
    with pytest.raises(ValueError, match=r"`omega` must lie in \(0, inf\)"):
        power_law_kernel(0.0)
    with pytest.raises(ValueError, match=r"`t` must be >= 0"):
        power_law_kernel(1.0)([-1.0])
    assert isinstance(airy_kernel(), TargetKernel) and DEFAULT_BETAS.size == 41
