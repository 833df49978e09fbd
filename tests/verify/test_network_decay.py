"""rnnmem.verify.network_decay: ACF decay of simulated network outputs and of series."""

import numpy as np
import pytest

from rnnmem.networks import RNN, LinearChain
from rnnmem.simulate import DivergenceError, arfima
from rnnmem.verify.decay import fit_decay
from rnnmem.verify.network_decay import (
    AutocovarianceDecay,
    autocovariance_decay,
    burn_in_from_half_life,
    series_decay,
)


@pytest.mark.parametrize("weight", [[[0.9, 0.2], [0.0, 0.5]], [[0.5, 0.4], [0.1, 0.8]],
                                    "random"])
def test_linear_chain_acf_rate_is_spectral_radius(weight):
    # Theorem 2 check of issue 5: Gamma(k) = W^k Gamma(0), so the ACF of a stable linear chain
    # decays at rho(W) (dominant real eigenvalue here). The fitted rate's 95% interval
    # (optimistic, see fit_decay) must cover rho within 0.02 (fixed seeds).
    chain = LinearChain.random(1, 2, scale=0.9, rng=3) if weight == "random" else LinearChain(weight)
    eig = np.linalg.eigvals(chain.weight)
    assert np.isreal(eig[np.argmax(np.abs(eig))])
    result = autocovariance_decay(chain, n_steps=2**14, n_chains=4, max_lag=60, rng=0)
    assert isinstance(result, AutocovarianceDecay)
    # A mixture of two exponentials can pass for a power law over the first lags, so the
    # rate is read off the tail (lags >= 10, where the faster mode has died out).
    tail = fit_decay(result.acf[10:], lags=np.arange(10, 61),
                     noise_floor=2 / np.sqrt(4 * 2**14))
    assert tail.law != "power"
    assert tail.rate_ci[0] - 0.02 <= chain.spectral_radius <= tail.rate_ci[1] + 0.02
    assert result.test.verdict != "long"
    assert result.burn_in >= 200 and "Autocovariance decay" in result.summary()


def test_tanh_rnn_output_is_not_long_memory():
    # 2^16 steps: the test's "short" needs its 95% interval inside +-0.1, se about
    # sqrt(p / n) = 0.025 here (BENCHMARKS.md: at 2^13-2^14 it is mostly "inconclusive").
    result = autocovariance_decay(RNN.random(1, 8, rng=1), n_steps=2**16, n_chains=2, rng=0)
    assert result.decay.law != "power" and result.test.verdict == "short"
    assert result.acf_sum < 5.0


def test_series_decay_separates_white_noise_and_arfima():
    gen = np.random.default_rng(7)
    noise = series_decay(gen.standard_normal(2**16))  # 2^16: see the test above
    assert noise.test.verdict == "short" and noise.mode == "series"
    long = series_decay(arfima(4096, d=0.3, rng=8))
    assert long.test.verdict == "long"
    # local Whittle's asymptotic se is 1/(2 sqrt(m)); 4 se covers the finite-sample spread.
    assert long.d_local_whittle == pytest.approx(0.3, abs=4 * long.d_local_whittle_se)


def test_burn_in_rule():
    assert burn_in_from_half_life(1.0) == 200
    assert burn_in_from_half_life(100.0) == 2000
    assert burn_in_from_half_life(float("inf")) == 100_000


def test_errors():
    with pytest.raises(DivergenceError, match="spectral radius"):
        autocovariance_decay(LinearChain([[1.5]]), n_steps=256, burn_in=100, rng=0)
    with pytest.raises(ValueError, match="`n_steps` must be >= 128"):
        autocovariance_decay(LinearChain([[0.5]]), n_steps=100)
    with pytest.raises(ValueError, match="at least 128 values"):
        series_decay(np.arange(50.0))
    with pytest.raises(ValueError, match="`max_lag` must be >= 3"):
        series_decay(np.random.default_rng(0).standard_normal(200), max_lag=2)
