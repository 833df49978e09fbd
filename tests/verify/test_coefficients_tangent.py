"""Tangent kernels (rnnmem.simulate._tangent_kernels): twins, base paths, finite differences."""

import numpy as np
import pytest

from rnnmem.networks import GRU, LSTM, MLSTM, MLSTMF, MRNN, MRNNF, RNN, LinearChain
from rnnmem.simulate import run
from rnnmem.verify._mc_tangent import tangent_run

NETWORKS = {
    "linear": lambda: LinearChain.random(1, 3, scale=0.8, rng=1),
    "rnn-tanh-2layers": lambda: RNN.random(1, 4, num_layers=2, rng=2, scale=1.5),
    "rnn-relu-tanh-out": lambda: RNN.random(1, 4, rng=2, scale=0.7, activation="relu",
                                            output="tanh"),
    "lstm-2layers-sigmoid-out": lambda: LSTM.random(1, 3, num_layers=2, rng=3,
                                                    output="sigmoid"),
    "gru-2layers": lambda: GRU.random(1, 3, num_layers=2, rng=4),
    "mrnnf": lambda: MRNNF.random(1, 3, d=0.3, filter_length=7, rng=5),
    "mlstmf": lambda: MLSTMF.random(1, 3, d=0.3, filter_length=7, rng=6),
    # dynamic d_t: the derivative also runs through d_t and the filter weights w_j(d_t)
    "mrnn": lambda: MRNN.random(1, 3, filter_length=7, scale=1.5, rng=5),
    "mlstm": lambda: MLSTM.random(1, 3, filter_length=7, scale=1.5, rng=6),
}


def _drive(n_burn, n_total, seed=0):
    drive = np.random.default_rng(seed).standard_normal((2, n_total, 1))
    drive[:, :n_burn] = 0.0
    return drive


@pytest.mark.parametrize("name", sorted(NETWORKS))
def test_jacobian_matches_central_differences(name):
    # Reference: central differences of rnnmem.simulate.run (an independent code path) with
    # step 1e-6; their truncation and rounding errors are below 1e-8 here.
    net = NETWORKS[name]()
    n_burn, window = 5, 10
    drive = _drive(n_burn, n_burn + 3 * window)
    result = tangent_run(net, autonomous=False, n_chains=2, n_burn=n_burn, n_windows=3,
                         window=window, input_mode=True, gen=None, drive=drive)
    start, eps = n_burn + window, 1e-6
    up, down = drive.copy(), drive.copy()
    up[:, start, 0] += eps
    down[:, start, 0] -= eps
    total = drive.shape[1]
    f_up = run(net, total, mode="driven", n_chains=2, inputs=up).outputs
    f_down = run(net, total, mode="driven", n_chains=2, inputs=down).outputs
    numeric = (f_up - f_down)[:, start:start + window, 0] / (2 * eps)
    np.testing.assert_allclose(result.coeffs[:, 1, :, 0, 0], numeric, atol=1e-8)
    # The base path is the simulator's path, bit for bit.
    base = run(net, total - n_burn, mode="driven", n_chains=2, inputs=drive, burn_in=n_burn)
    assert np.array_equal(result.outputs, base.outputs)


@pytest.mark.parametrize("name", sorted(NETWORKS))
@pytest.mark.parametrize("autonomous", [True, False])
def test_compiled_kernel_equals_python_twin(name, autonomous):
    net = NETWORKS[name]()
    kwargs = {"autonomous": autonomous, "n_chains": 2, "n_burn": 3, "n_windows": 2, "window": 6}
    for input_mode in ([False] if autonomous else [False, True]):
        fast = tangent_run(net, input_mode=input_mode, gen=np.random.default_rng(1), **kwargs)
        slow = tangent_run(net, input_mode=input_mode, gen=np.random.default_rng(1),
                           use_twin=True, **kwargs)
        assert np.array_equal(fast.outputs, slow.outputs)
        if input_mode:
            assert np.array_equal(fast.coeffs, slow.coeffs)
        else:
            assert np.array_equal(fast.logs, slow.logs)


@pytest.mark.parametrize("name", sorted(NETWORKS))
def test_serial_and_parallel_builds_agree_bit_for_bit(name, monkeypatch):
    # Small runs take the serial build (rnnmem._numba.PARALLEL_MIN_WORK); lowering the
    # threshold to 1 sends the same run to the parallel build.
    from rnnmem.simulate import networks

    net = NETWORKS[name]()
    kwargs = {"autonomous": False, "n_chains": 3, "n_burn": 3, "n_windows": 2, "window": 6,
              "input_mode": True}
    serial = tangent_run(net, gen=np.random.default_rng(1), **kwargs)
    monkeypatch.setattr(networks, "PARALLEL_MIN_WORK", 1)
    parallel = tangent_run(net, gen=np.random.default_rng(1), **kwargs)
    assert np.array_equal(serial.outputs, parallel.outputs)
    assert np.array_equal(serial.coeffs, parallel.coeffs)


def test_autonomous_base_path_matches_run():
    # run draws its noise as standard_normal((n_chains, n_total, 1)) from the generator:
    # the same draws passed as the drive reproduce its path.
    net = LSTM.random(1, 3, rng=3)
    noise = np.random.default_rng(5).standard_normal((2, 40, 1))
    result = tangent_run(net, autonomous=True, n_chains=2, n_burn=0, n_windows=4, window=10,
                         input_mode=False, gen=np.random.default_rng(0), drive=noise)
    path = run(net, 40, n_chains=2, rng=5)
    assert np.array_equal(result.outputs, path.outputs)
