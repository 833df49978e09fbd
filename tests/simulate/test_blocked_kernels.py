"""Blocked kernels (several chains per thread task) against the per-chain kernels, bit for bit.

The blocked kernels claim the very same arithmetic as the per-chain kernels for every chain,
whatever the block size, the remainder block, the thread count, and the chains of a block
that diverge; every comparison here is therefore exact equality (NaN rows included).
"""

import numba
import numpy as np
import pytest

from rnnmem.networks import GRU, LSTM, RNN, LinearChain
from rnnmem.simulate import _kernels
from rnnmem.simulate.networks import _kernel_args, run

NETWORKS = {
    "linear": lambda: LinearChain.random(2, 3, scale=0.8, rng=0),
    "rnn-tanh": lambda: RNN.random(2, 5, num_layers=2, rng=0),
    "rnn-relu": lambda: RNN.random(2, 6, rng=0, scale=0.7, activation="relu", output="tanh"),
    "rnn-sigmoid": lambda: RNN.random(2, 3, rng=0, activation="sigmoid", output="sigmoid"),
    "rnn-identity": lambda: RNN.random(2, 4, rng=0, scale=0.5, activation="identity"),
    "lstm": lambda: LSTM.random(2, 5, num_layers=2, rng=0),
    "lstm-3": lambda: LSTM.random(2, 3, num_layers=3, rng=1, output="sigmoid"),
    "gru": lambda: GRU.random(2, 6, num_layers=2, rng=0, output="tanh"),
}

# (n_chains, block): one chain; a remainder of 1; remainders of 5 and 3 with several blocks;
# a block larger than the run; an exact multiple; single-chain blocks.
SHAPES = [(1, 16), (5, 2), (37, 8), (19, 16), (20, 64), (24, 8), (4, 1)]


def _call(kernel, net, drive, autonomous, *extra, n_burn=3, record=True, init_seed=1):
    _family, weights = _kernel_args(net)
    n_chains, n_total, _ = drive.shape
    gen = np.random.default_rng(init_seed)
    y0 = 0.3 * gen.standard_normal((n_chains, net.output_size))
    state0 = 0.3 * gen.standard_normal((n_chains, net.state_size))
    outputs = np.empty((n_chains, n_total - n_burn, net.output_size))
    inputs = np.empty((n_chains, n_total - n_burn, net.input_size))
    states = np.empty((n_chains, n_total - n_burn if record else 0, net.state_size))
    status = np.full(n_chains, -1, dtype=np.int64)
    args = (drive, autonomous, y0, state0, *weights, n_burn, 1e10, outputs, inputs, states)
    kernel(*args, record, status, *extra)
    return outputs, inputs, states, status


def _assert_identical(got, expected):
    for a, b in zip(got, expected):
        assert a.shape == b.shape
        assert np.array_equal(a, b, equal_nan=True)


def _drive(net, n_chains, n_total, autonomous, seed=7):
    size = net.output_size if autonomous else net.input_size
    return np.random.default_rng(seed).standard_normal((n_chains, n_total, size))


@pytest.mark.parametrize("autonomous", [True, False], ids=["autonomous", "driven"])
@pytest.mark.parametrize(("n_chains", "block"), SHAPES)
@pytest.mark.parametrize("name", list(NETWORKS))
def test_blocked_equals_per_chain_bit_for_bit(name, n_chains, block, autonomous):
    net = NETWORKS[name]()
    family, _ = _kernel_args(net)
    _, per_chain, _ = _kernels.KERNELS[family]
    _, serial, parallel = _kernels.BLOCKED_KERNELS[family]
    drive = _drive(net, n_chains, 30, autonomous)
    expected = _call(per_chain, net, drive, autonomous)
    _assert_identical(_call(serial, net, drive, autonomous, block), expected)
    _assert_identical(_call(parallel, net, drive, autonomous, block), expected)


@pytest.mark.parametrize("name", ["linear", "rnn-tanh", "lstm", "gru"])
def test_python_twins_of_blocked_kernels_give_the_same_bits(name):
    """The interpreted twin of a blocked kernel equals its builds and the per-chain twin."""
    net = NETWORKS[name]()
    family, _ = _kernel_args(net)
    source, serial, _ = _kernels.BLOCKED_KERNELS[family]
    chain_source, _, _ = _kernels.KERNELS[family]
    drive = _drive(net, 5, 12, True)
    drive[3, 6, 0] = np.nan  # one chain of the second block stops halfway
    twin = _call(_kernels.python_twin(source), net, drive, True, 2)
    _assert_identical(twin, _call(serial, net, drive, True, 2))
    _assert_identical(twin, _call(_kernels.python_twin(chain_source), net, drive, True))
    assert twin[3][3] == 6


# ---------------------------------------------------------------------------------------------
# Divergence inside a block


# ReLU is left out: max(0, NaN) is 0, so a NaN input need not stop a ReLU chain.
@pytest.mark.parametrize("name", [n for n in NETWORKS if n != "rnn-relu"])
def test_chains_diverging_inside_a_block_stop_alone(name):
    """Chains that diverge at different steps of one block get the status and NaN rows of the
    per-chain kernel, and the other chains of the block are untouched by them."""
    net = NETWORKS[name]()
    family, _ = _kernel_args(net)
    _, per_chain, _ = _kernels.KERNELS[family]
    _, serial, parallel = _kernels.BLOCKED_KERNELS[family]
    n_chains, n_total, n_burn, block = 11, 40, 10, 8
    drive = _drive(net, n_chains, n_total, False)
    # Chain -> step of a NaN input: during the burn-in, at its last step, right after it,
    # later, at the last step, and two chains of the same block at the same step; chain 9 is
    # in the second block. Chain 2 gets huge and infinite inputs, which bounded activations
    # absorb: whatever happens to it, it must happen as in the per-chain kernel.
    bad_steps = {0: 2, 1: 9, 3: 10, 4: 25, 6: 25, 7: n_total - 1, 9: 17}
    for chain, step in bad_steps.items():
        drive[chain, step, 0] = np.nan
    drive[2, [5, 20, 30], 0] = [1e300, np.inf, -np.inf]
    expected = _call(per_chain, net, drive, False, n_burn=n_burn)
    status = expected[3]
    assert all(status[c] == step for c, step in bad_steps.items())
    for kernel in (serial, parallel):
        got = _call(kernel, net, drive, False, block, n_burn=n_burn)
        _assert_identical(got, expected)
        for c, step in bad_steps.items():
            first_nan = max(step - n_burn, 0)
            assert np.all(np.isnan(got[0][c, first_nan:]))
            assert np.all(np.isnan(got[2][c, first_nan:]))
            assert np.all(np.isfinite(got[0][c, :first_nan]))
        fine = [c for c in range(n_chains) if c not in bad_steps and c != 2]
        assert np.all(got[3][fine] == -1) and np.all(np.isfinite(got[0][fine]))


def test_a_whole_block_diverging_stops_early_and_others_continue():
    net = NETWORKS["rnn-tanh"]()
    _, per_chain, _ = _kernels.KERNELS["rnn"]
    _, serial, parallel = _kernels.BLOCKED_KERNELS["rnn"]
    drive = _drive(net, 12, 30, False)
    drive[np.arange(8), 5 + np.arange(8), 0] = np.nan  # chain c of the first block: step 5 + c
    expected = _call(per_chain, net, drive, False)
    assert list(expected[3]) == list(range(5, 13)) + [-1] * 4
    for kernel in (serial, parallel):
        _assert_identical(_call(kernel, net, drive, False, 8), expected)


def test_explosive_linear_chains_diverge_at_their_own_steps():
    """Divergence from the dynamics, not from the inputs: an explosive linear chain started
    at scales 1e-8..1e2 leaves the bound at a different step for each chain (or not at all
    within the run for the two smallest starts)."""
    net = LinearChain([[1.6, 0.0], [1.0, 0.5]])
    n_chains = 11
    drive = 1e-9 * np.random.default_rng(0).standard_normal((n_chains, 80, 1))
    _, per_chain, _ = _kernels.KERNELS["linear"]
    _, serial, parallel = _kernels.BLOCKED_KERNELS["linear"]
    y0 = np.logspace(-8, 2, n_chains)[:, None]

    def call(kernel, *extra):
        outputs, inputs = np.empty((n_chains, 80, 1)), np.empty((n_chains, 80, 1))
        states, status = np.empty((n_chains, 80, 1)), np.full(n_chains, -1, dtype=np.int64)
        args = (drive, True, y0, np.zeros((n_chains, 1)), *_kernel_args(net)[1], 0, 1e10)
        kernel(*args, outputs, inputs, states, True, status, *extra)
        return outputs, inputs, states, status

    expected = call(per_chain)
    steps = expected[3][expected[3] >= 0]
    assert steps.size == 9 and len(set(steps)) == 9  # the two smallest starts stay in bounds
    for kernel in (serial, parallel):
        for block in (1, 4, 8, 16):
            _assert_identical(call(kernel, block), expected)


# ---------------------------------------------------------------------------------------------
# Through run(): the choice of kernel and the thread count change nothing


@pytest.mark.parametrize("cls", [RNN, LSTM, GRU])
def test_run_with_many_chains_equals_chain_by_chain(cls):
    """run() takes the blocked kernels for 40 chains and the per-chain kernel for one."""
    net = cls.random(2, 4, num_layers=2, rng=5)
    assert _kernels.block_size(40, False) > 0 and _kernels.block_size(1, False) == 0
    inputs = np.random.default_rng(2).standard_normal((40, 60, 2))
    for parallel in (False, True):
        many = run(
            net,
            50,
            mode="driven",
            inputs=inputs,
            n_chains=40,
            burn_in=10,
            record_states=True,
            parallel=parallel,
        )
        for c in (0, 17, 39):
            one = run(net, 50, mode="driven", inputs=inputs[c], burn_in=10, record_states=True)
            assert np.array_equal(many.outputs[c], one.outputs[0])
            assert np.array_equal(many.states[c], one.states[0])


def test_thread_count_does_not_change_blocked_paths():
    """With 1 thread the 64 chains form one block, with more threads several."""
    net = LSTM.random(1, 6, rng=0)
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        assert _kernels.block_size(64, True) == 64
        one = run(net, 200, n_chains=64, rng=9, parallel=True).outputs
        numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
        many = run(net, 200, n_chains=64, rng=9, parallel=True).outputs
    finally:
        numba.set_num_threads(before)
    serial = run(net, 200, n_chains=64, rng=9, parallel=False).outputs
    assert np.array_equal(one, many) and np.array_equal(one, serial)


@pytest.mark.parametrize(
    ("n_chains", "parallel", "threads", "expected"),
    [
        (1, False, 1, 0),
        (15, False, 1, 0),
        (16, False, 1, 16),
        (17, False, 1, 24),
        (256, False, 1, 64),
        (256, True, 2, 64),
        (40, True, 2, 24),
        (30, True, 2, 0),
    ],
)
def test_block_size_policy(n_chains, parallel, threads, expected, monkeypatch):
    monkeypatch.setattr(_kernels.numba, "get_num_threads", lambda: threads)
    assert _kernels.block_size(n_chains, parallel) == expected


def test_tanh_power_of_two_is_exact():
    """_tanh builds 2^k as float(1 << k) (k <= 58), the values of the table it replaced."""
    assert all(float(1 << k) == 2.0**k for k in range(59))


def test_threads_by_default_only_for_runs_worth_them():
    # PARALLEL_MIN_WORK = 2^20 chain-steps (rnnmem._numba): below it the serial build runs,
    # with the same numbers (test_parallel_equals_serial_bit_for_bit, and above).
    from rnnmem._numba import PARALLEL_MIN_WORK
    from rnnmem.simulate.networks import _worth_threads

    assert PARALLEL_MIN_WORK == 2**20
    assert not _worth_threads(1, 10**7)
    assert not _worth_threads(64, 1000)
    assert _worth_threads(256, 5000) and _worth_threads(2, 2**19)
    assert not _worth_threads(2, 2**19 - 1)
