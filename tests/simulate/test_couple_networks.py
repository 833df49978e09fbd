"""rnnmem.simulate.networks.couple: coupled copies with common noise."""

import numpy as np
import pytest

from rnnmem.networks import LSTM, MLSTMF, RNN, LinearChain
from rnnmem.simulate.networks import Coupling, DivergenceError, couple


def test_linear_chain_distance_is_exactly_geometric():
    # With common noise the difference of two copies follows e_t = W e_{t-1}, so for a scalar
    # W = 0.5 the distance halves at every step (up to rounding of the common noise).
    result = couple(LinearChain([[0.5]]), 30, n_pairs=5, rng=0)
    expected = result.initial_distances[:, None] * 0.5 ** np.arange(1, 31)
    np.testing.assert_allclose(result.distances, expected, rtol=1e-6)
    assert result.rate == pytest.approx(0.5, rel=1e-6)
    assert isinstance(result, Coupling) and "Coupling of LinearChain" in result.summary()


def test_linear_chain_rate_is_spectral_radius():
    chain = LinearChain.random(1, 3, scale=0.8, rng=5)
    result = couple(chain, 200, n_pairs=8, rng=1)
    # The difference e_t = W^t e_0: its log-slope tends to log rho(W) (transient aside).
    assert result.rate == pytest.approx(0.8, abs=0.02)


@pytest.mark.parametrize("mode", ["autonomous", "driven"])
def test_contracting_rnn_couples(mode):
    net = RNN.random(1, 6, rng=2, scale=0.5)
    result = couple(net, 100, n_pairs=4, mode=mode, rng=3)
    assert result.distances.shape == (4, 100)
    assert np.all(result.distances[:, -1] < 1e-8 * result.initial_distances)
    assert 0.0 <= result.rate < 1.0


def test_memory_network_couples_slowly():
    net = MLSTMF.random(1, 2, d=0.4, filter_length=25, rng=0, scale=0.3)
    result = couple(net, 400, n_pairs=3, mode="driven", rng=0)
    assert np.all(np.isfinite(result.distances))
    assert np.all(result.distances[:, -1] < result.initial_distances)


def test_same_seed_same_coupling():
    net = LSTM.random(1, 3, rng=0)
    a = couple(net, 50, n_pairs=3, rng=7)
    b = couple(net, 50, n_pairs=3, rng=7)
    assert np.array_equal(a.distances, b.distances)


def test_exact_meeting_gives_rate_zero():
    # identity-activation RNN with all weights zero: the copies meet after one step.
    net = RNN(
        weight_ih=np.zeros((1, 1)),
        weight_hh=np.zeros((1, 1)),
        bias_ih=np.zeros(1),
        bias_hh=np.zeros(1),
        head_weight=np.ones((1, 1)),
        head_bias=np.zeros(1),
    )
    result = couple(net, 5, n_pairs=2, rng=0)
    assert np.all(result.distances == 0.0)
    assert result.rate == 0.0


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"n_pairs": 0}, ValueError, r"`n_pairs` must be >= 1; got n_pairs=0"),
        ({"n_steps": 0}, ValueError, r"`n_steps` must be >= 1"),
        ({"init_scale": 0.0}, ValueError, r"`init_scale` must lie in \(0, inf\)"),
        ({"noise_scale": -1.0}, ValueError, r"`noise_scale` must lie in \[0, inf\)"),
        ({"divergence_bound": -1.0}, ValueError, r"`divergence_bound` must lie in \(0, inf\)"),
        ({"mode": "x"}, ValueError, r"`mode` must be one of"),
    ],
)
def test_couple_errors(kwargs, error, match):
    kwargs = {"n_steps": 10, "n_pairs": 2, **kwargs}
    with pytest.raises(error, match=match):
        couple(LinearChain([[0.5]]), kwargs.pop("n_steps"), **kwargs)


def test_couple_type_and_divergence_errors():
    with pytest.raises(TypeError, match=r"`network` must be a network"):
        couple("rnn", 10, n_pairs=1)
    with pytest.raises(DivergenceError, match=r"spectral radius is 1\.5"):
        couple(LinearChain([[1.5]]), 200, n_pairs=2, rng=0)
