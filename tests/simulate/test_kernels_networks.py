"""Network kernels: jitted builds against their plain-Python twins, parallel against serial."""

import math
import subprocess
import sys

import numba
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special

from rnnmem.networks import GRU, LSTM, MLSTM, MLSTMF, MRNN, MRNNF, RNN, LinearChain
from rnnmem.simulate import _kernels
from rnnmem.simulate.networks import _kernel_args, run
from rnnmem.theory import frac_diff_weights

NETWORKS = {
    "linear": lambda: LinearChain.random(2, 2, scale=0.8, rng=0),
    "rnn-tanh": lambda: RNN.random(2, 3, num_layers=2, rng=0),
    "rnn-relu": lambda: RNN.random(2, 3, rng=0, scale=0.7, activation="relu", output="tanh"),
    "rnn-sigmoid": lambda: RNN.random(2, 3, rng=0, activation="sigmoid", output="sigmoid"),
    "rnn-identity": lambda: RNN.random(2, 3, rng=0, scale=0.5, activation="identity"),
    "lstm": lambda: LSTM.random(2, 3, num_layers=2, rng=0),
    "gru": lambda: GRU.random(2, 3, num_layers=2, rng=0, output="tanh"),
    "mrnnf": lambda: MRNNF.random(2, 3, memory_size=2, filter_length=4, rng=0),
    "mrnn": lambda: MRNN.random(2, 3, filter_length=4, rng=0),
    "mlstmf": lambda: MLSTMF.random(2, 3, filter_length=4, rng=0),
    "mlstm": lambda: MLSTM.random(2, 3, filter_length=4, rng=0),
}


def _call(kernel, net, drive, autonomous, n_burn=3, record=True, init_seed=1):
    _family, weights = _kernel_args(net)
    n_chains, n_total, _ = drive.shape
    gen = np.random.default_rng(init_seed)
    y0 = 0.3 * gen.standard_normal((n_chains, net.output_size))
    state0 = 0.3 * gen.standard_normal((n_chains, net.state_size))
    outputs = np.empty((n_chains, n_total - n_burn, net.output_size))
    inputs = np.empty((n_chains, n_total - n_burn, net.input_size))
    states = np.empty((n_chains, n_total - n_burn if record else 0, net.state_size))
    status = np.full(n_chains, -1, dtype=np.int64)
    kernel(
        drive,
        autonomous,
        y0,
        state0,
        *weights,
        n_burn,
        1e10,
        outputs,
        inputs,
        states,
        record,
        status,
    )
    return outputs, inputs, states, status


@pytest.mark.parametrize("autonomous", [True, False], ids=["autonomous", "driven"])
@pytest.mark.parametrize("name", list(NETWORKS))
def test_jitted_kernel_equals_python_twin(name, autonomous):
    net = NETWORKS[name]()
    family, _ = _kernel_args(net)
    source, serial, parallel = _kernels.KERNELS[family]
    drive = np.random.default_rng(7).standard_normal((2, 25, 2))
    expected = _call(_kernels.python_twin(source), net, drive, autonomous)
    for build in (serial, parallel):
        got = _call(build, net, drive, autonomous)
        for a, b in zip(got[:3], expected[:3]):
            np.testing.assert_allclose(a, b, rtol=0, atol=1e-12)
        np.testing.assert_array_equal(got[3], expected[3])


@pytest.mark.parametrize("name", list(NETWORKS))
def test_parallel_equals_serial_bit_for_bit(name):
    net = NETWORKS[name]()
    kw = {"n_chains": 5, "burn_in": 10, "record_states": True, "rng": 3}
    mode = "autonomous"
    a = run(net, 200, mode=mode, parallel=True, **kw)
    b = run(net, 200, mode=mode, parallel=False, **kw)
    assert np.array_equal(a.outputs, b.outputs)
    assert np.array_equal(a.states, b.states)
    assert np.array_equal(a.inputs, b.inputs)


def test_parallel_build_really_uses_threads():
    """The parallel builds must not load the serial machine code from Numba's cache.

    Run in a fresh interpreter, where kernels come from the on-disk cache: the threading
    layer is initialised only if a parallel region actually ran.
    """
    code = (
        "import numba\n"
        "from rnnmem.networks import RNN\n"
        "from rnnmem.simulate.networks import run\n"
        "run(RNN.random(1, 2, rng=0), 3, n_chains=4, parallel=True, rng=0)\n"
        "print(numba.threading_layer())\n"
    )
    for _ in range(2):  # the second run loads the kernels from the cache
        done = subprocess.run(
            [sys.executable, "-c", code], check=False, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() in {"omp", "tbb", "workqueue"}
    assert _kernels._rnn_run_par.py_func.__qualname__ != _kernels._rnn_run.py_func.__qualname__


def test_thread_count_does_not_change_paths():
    net = LSTM.random(1, 4, rng=0)
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = run(net, 300, n_chains=6, rng=9).outputs
        numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
        many = run(net, 300, n_chains=6, rng=9).outputs
    finally:
        numba.set_num_threads(before)
    assert np.array_equal(one, many)


def test_divergence_detected_by_twin_and_jit_alike():
    net = LinearChain([[1.5, 0.0], [1.0, 0.5]])
    drive = np.random.default_rng(0).standard_normal((2, 120, 1))
    source, serial, _ = _kernels.KERNELS["linear"]
    got = _call(serial, net, drive, True)
    expected = _call(_kernels.python_twin(source), net, drive, True)
    assert np.all(got[3] > 50)
    np.testing.assert_array_equal(got[3], expected[3])
    np.testing.assert_array_equal(np.isnan(got[0]), np.isnan(expected[0]))


# ---------------------------------------------------------------------------------------------
# Helpers


@pytest.mark.parametrize("d", [0.05, 0.25, 0.4, 0.49])
def test_kernel_fractional_weights_equal_theory(d):
    out = np.zeros((2, 101))
    _kernels._frac_diff_weights(d, out, 1)
    np.testing.assert_allclose(out[1], frac_diff_weights(d, 101), rtol=1e-14, atol=0)
    assert np.all(out[0] == 0.0)


def test_sigmoid_and_activations_against_scipy_numpy():
    x = np.concatenate([np.linspace(-40, 40, 2001), [-800.0, 800.0, 0.0]])
    sig = np.array([_kernels._sigmoid(v) for v in x])
    np.testing.assert_allclose(sig, special.expit(x), rtol=1e-15, atol=0)
    # libm's tanh (used by the kernels) and NumPy's SIMD tanh may differ by one ulp.
    twin = _kernels.python_twin(_kernels._activate_py)
    for code, reference in enumerate(
        [np.tanh, lambda v: np.maximum(v, 0.0), special.expit, lambda v: v]
    ):
        got = np.array([_kernels._activate(v, code) for v in x])
        np.testing.assert_allclose(got, reference(x), rtol=4.5e-16, atol=0)
        np.testing.assert_array_equal(got, [twin(v, code) for v in x])
    for code, reference in enumerate([lambda v: v, np.tanh, special.expit]):
        got = np.array([_kernels._output(v, code) for v in x])
        np.testing.assert_allclose(got, reference(x), rtol=4.5e-16, atol=0)


def test_tanh_and_sigmoid_within_two_ulp_of_mpmath():
    """The kernels' own tanh and sigmoid (vectorisable, see _kernels.py) against 40 digits."""
    mpmath = pytest.importorskip("mpmath")
    mpmath.mp.dps = 40
    gen = np.random.default_rng(12)
    x = np.concatenate(
        [
            gen.uniform(-25.0, 25.0, 1500),
            gen.uniform(-1.5, 1.5, 1500),  # k = 0, 1, 2 of the reductions
            np.arange(-40, 41) * 0.34657359027997264,  # (half-)multiples of ln 2
            np.nextafter(np.arange(-40, 41) * 0.34657359027997264, np.inf),
            np.geomspace(1e-300, 1.0, 300) * gen.choice([-1.0, 1.0], 300),
            gen.uniform(-700.0, 700.0, 200),
            [0.0, 0.34657359, 0.34657360, 0.6931471805599453, 19.9, 20.0, 37.0],
        ]
    )
    for fast, exact in [
        (_kernels._tanh, lambda v: mpmath.tanh(v)),
        (_kernels._sigmoid, lambda v: 1 / (1 + mpmath.exp(-v))),
    ]:
        got = np.array([fast(v) for v in x])
        truth = np.array([float(exact(mpmath.mpf(float(v)))) for v in x])
        normal = np.abs(truth) >= np.finfo(float).tiny
        ulps = np.abs(got - truth)[normal] / np.spacing(np.abs(truth[normal]))
        assert ulps.max() <= 2.0
        assert ulps.mean() <= 0.5
        assert np.all(np.abs(got - truth)[~normal] <= 1e-300)


def test_tanh_and_sigmoid_special_values():
    for f in (_kernels._tanh, _kernels._sigmoid, _kernels.python_twin(_kernels._tanh_py)):
        assert math.isnan(f(math.nan))
    assert _kernels._tanh(math.inf) == 1.0 and _kernels._tanh(-math.inf) == -1.0
    assert math.copysign(1.0, _kernels._tanh(-0.0)) == -1.0
    assert _kernels._sigmoid(-math.inf) == 0.0 and _kernels._sigmoid(math.inf) == 1.0
    assert _kernels._sigmoid(0.0) == 0.5


def test_ring_dot_is_lag_ordered():
    weights = np.array([[0.0] * 4, [1.0, 10.0, 100.0, 1000.0]])  # w_0 unused, w_1..w_3
    buffer = np.array(
        [[0.0] * 3, [1.0, 2.0, 3.0]]
    )  # newest at 1: x_t = 2, x_{t-1} = 1, x_{t-2} = 3
    assert _kernels._ring_dot(weights, buffer, 1, 1) == 10 * 2 + 100 * 1 + 1000 * 3
    assert _kernels.python_twin(_kernels._ring_dot_py)(weights, buffer, 1, 1) == 3120.0
    assert _kernels._ring_dot(weights, buffer, 0, 1) == 0.0


def test_exceeds():
    assert not _kernels._exceeds(np.array([1.0, -2.0]), 2.0)
    assert _kernels._exceeds(np.array([1.0, math.nan]), 2.0)
    assert _kernels._exceeds(np.array([-math.inf]), 2.0)
    assert _kernels._exceeds(np.array([2.5]), 2.0)


# ---------------------------------------------------------------------------------------------
# Property: any small stack, any seed


@settings(max_examples=20, deadline=None)
@given(
    cls=st.sampled_from([RNN, LSTM, GRU]),
    n_in=st.integers(1, 3),
    hidden=st.integers(1, 5),
    layers=st.integers(1, 3),
    seed=st.integers(0, 2**32 - 1),
    autonomous=st.booleans(),
)
def test_property_parallel_serial_and_twin_agree(cls, n_in, hidden, layers, seed, autonomous):
    net = cls.random(n_in, hidden, num_layers=layers, rng=seed)
    family, _ = _kernel_args(net)
    source, serial, parallel = _kernels.KERNELS[family]
    drive = np.random.default_rng(seed).standard_normal((3, 12, n_in))
    got_serial = _call(serial, net, drive, autonomous, init_seed=seed)
    got_parallel = _call(parallel, net, drive, autonomous, init_seed=seed)
    twin = _call(_kernels.python_twin(source), net, drive, autonomous, init_seed=seed)
    for a, b, c in zip(got_serial, got_parallel, twin):
        np.testing.assert_array_equal(a, b)
        np.testing.assert_allclose(a, c, rtol=0, atol=1e-12)
