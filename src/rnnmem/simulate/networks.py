"""Sample paths of recurrent networks seen as Markov chains (ZH20, Section 2).

:func:`run` simulates any network of :mod:`rnnmem.networks` in two modes:

- ``"autonomous"``: ZH20 eq. (7), x_t = y_{t-1} and y_t = z_t + eps_t, eps_t i.i.d.
  N(0, noise_scale^2); the recorded series is y_t.
- ``"driven"``: exogenous inputs x_t (i.i.d. N(0, noise_scale^2) by default, or the array
  given); the recorded series is the network output z_t.

:func:`couple` runs pairs of copies from different initial states with common noise, the
coupling used to check geometric ergodicity (THEORY.md, Section 2.3).

All random numbers are drawn here with NumPy before the Numba kernels of
:mod:`rnnmem.simulate._kernels` run, so paths depend only on the seed, never on the number
of threads.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from .._numba import PARALLEL_MIN_WORK
from .._results import Result
from .._rng import as_generator
from .._validation import as_bool, as_choice, as_integer, as_real, as_real_array
from ..networks import (
    ACTIVATIONS,
    GRU,
    LSTM,
    MLSTM,
    MLSTMF,
    MRNN,
    MRNNF,
    OUTPUTS,
    RNN,
    LinearChain,
    Network,
)
from . import _kernels

__all__ = ["Coupling", "DivergenceError", "Trajectory", "couple", "run"]

MODES = ("autonomous", "driven")
ON_DIVERGENCE = ("raise", "report")


class DivergenceError(ValueError):
    """A simulated chain became non-finite or left the divergence bound: not stationary."""


# ---------------------------------------------------------------------------------------------
# Results


@dataclasses.dataclass(frozen=True)
class Trajectory(Result):
    """Sample paths of a network's Markov chain, returned by :func:`run`.

    Attributes
    ----------
    outputs : ndarray, shape (n_chains, n_steps, output_size)
        y_t (autonomous mode) or z_t (driven mode), after the burn-in.
    inputs : ndarray, shape (n_chains, n_steps, input_size)
        The inputs x_t the network received (y_{t-1} in autonomous mode).
    noise : ndarray of shape (n_chains, n_steps, output_size), or None
        The innovations eps_t of autonomous mode; None in driven mode.
    states : ndarray of shape (n_chains, n_steps, state_size), or None
        The recorded state after each step (layout in the network's docstring); None unless
        ``record_states=True``.
    divergence_step : ndarray of int64, shape (n_chains,)
        Step (counted from 0, burn-in included) at which each chain diverged, -1 if it did
        not. Rows of a diverged chain from that step on are NaN.
    mode : str
        "autonomous" or "driven".
    network : Network
        The simulated network.
    burn_in : int
        Steps simulated and discarded before the recorded ones.
    noise_scale : float
        Standard deviation of the drawn noise or inputs.
    divergence_bound : float
        A chain diverges when a value is non-finite or exceeds this in absolute value.
    """

    outputs: np.ndarray
    inputs: np.ndarray
    noise: np.ndarray | None
    states: np.ndarray | None
    divergence_step: np.ndarray
    mode: str
    network: Network
    burn_in: int
    noise_scale: float
    divergence_bound: float

    @property
    def diverged(self) -> np.ndarray:
        """Boolean mask of the chains that diverged, shape (n_chains,)."""
        return self.divergence_step >= 0

    @property
    def stationary(self) -> bool:
        """True when no chain diverged (a necessary, not a sufficient, sign of stationarity)."""
        return not bool(np.any(self.diverged))

    @property
    def n_chains(self) -> int:
        return self.outputs.shape[0]

    @property
    def n_steps(self) -> int:
        return self.outputs.shape[1]

    def summary(self) -> str:
        """Readable text: network, mode, shapes and divergence."""
        title = f"Trajectory of {type(self.network).__name__} ({self.mode})"
        lines = [title, "-" * len(title)]
        lines.append(f"{'chains':>16}: {self.n_chains}")
        lines.append(f"{'steps':>16}: {self.n_steps} (after {self.burn_in} burn-in steps)")
        lines.append(f"{'outputs':>16}: array{self.outputs.shape}")
        lines.append(f"{'noise_scale':>16}: {self.noise_scale:.6g}")
        if self.states is not None:
            lines.append(f"{'states':>16}: array{self.states.shape}")
        n_div = int(np.sum(self.diverged))
        lines.append(f"{'diverged':>16}: {n_div} of {self.n_chains} chains")
        return "\n".join(lines)


@dataclasses.dataclass(frozen=True)
class Coupling(Result):
    """Distances between coupled copies of a chain, returned by :func:`couple`.

    Attributes
    ----------
    distances : ndarray, shape (n_pairs, n_steps)
        Euclidean distance between the two copies' (output, state) vectors after steps
        1..n_steps. Zero when the copies have met.
    initial_distances : ndarray, shape (n_pairs,)
        The same distance between the two starting points.
    mode : str
        "autonomous" or "driven".
    network : Network
    init_scale : float
        Standard deviation of the random starting states.
    noise_scale : float
    """

    distances: np.ndarray
    initial_distances: np.ndarray
    mode: str
    network: Network
    init_scale: float
    noise_scale: float

    @property
    def rate(self) -> float:
        """Estimated contraction rate: exp of the least-squares slope of the log of the
        geometric mean distance against the step, over the steps before any pair meets
        exactly (0.0 if a pair meets at the first step)."""
        positive = np.all(self.distances > 0.0, axis=0)
        stop = int(np.argmin(positive)) if not np.all(positive) else positive.size
        if stop == 0:
            return 0.0
        log_mean = np.mean(np.log(self.distances[:, :stop]), axis=0)
        steps = np.arange(1, stop + 1, dtype=np.float64)
        log_start = np.mean(np.log(np.maximum(self.initial_distances, np.finfo(float).tiny)))
        steps = np.concatenate(([0.0], steps))
        log_mean = np.concatenate(([log_start], log_mean))
        slope = np.polyfit(steps, log_mean, 1)[0]
        return float(np.exp(slope))

    def summary(self) -> str:
        title = f"Coupling of {type(self.network).__name__} ({self.mode})"
        lines = [title, "-" * len(title)]
        n_pairs, n_steps = self.distances.shape
        lines.append(f"{'pairs':>16}: {n_pairs}")
        lines.append(f"{'steps':>16}: {n_steps}")
        med0 = float(np.median(self.initial_distances))
        lines.append(f"{'median start':>16}: {med0:.6g}")
        for t in sorted({1, max(n_steps // 2, 1), n_steps}):
            med = float(np.median(self.distances[:, t - 1]))
            lines.append(f"{'median at ' + str(t):>16}: {med:.6g}")
        lines.append(f"{'rate':>16}: {self.rate:.6g}")
        return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Kernel arguments per architecture


def _t(matrix) -> np.ndarray:
    return np.ascontiguousarray(np.asarray(matrix).T)


def _stack_arrays(net):
    wih0_t = _t(net.weight_ih[0])
    rows, hidden = net.weight_hh[0].shape
    if net.num_layers > 1:
        wih_t = np.stack([_t(w) for w in net.weight_ih[1:]])
    else:
        wih_t = np.zeros((1, hidden, rows))
    whh_t = np.stack([_t(w) for w in net.weight_hh])
    return wih0_t, wih_t, whh_t


def _kernel_args(network):
    """(family, weight arguments) of the kernel simulating ``network``."""
    out_code = OUTPUTS.index(network.output) if hasattr(network, "output") else 0
    if isinstance(network, LinearChain):
        return "linear", (_t(network.weight),)
    if isinstance(network, (RNN, LSTM)):
        wih0_t, wih_t, whh_t = _stack_arrays(network)
        bias = np.stack([a + b for a, b in zip(network.bias_ih, network.bias_hh)])
        head = (np.ascontiguousarray(network.head_weight), np.array(network.head_bias))
        if isinstance(network, RNN):
            act = ACTIVATIONS.index(network.activation)
            return "rnn", (wih0_t, wih_t, whh_t, bias, *head, act, out_code)
        return "lstm", (wih0_t, wih_t, whh_t, bias, *head, out_code)
    if isinstance(network, GRU):
        wih0_t, wih_t, whh_t = _stack_arrays(network)
        return "gru", (
            wih0_t,
            wih_t,
            whh_t,
            np.stack(network.bias_ih),
            np.stack(network.bias_hh),
            np.ascontiguousarray(network.head_weight),
            np.array(network.head_bias),
            out_code,
        )
    if isinstance(network, MRNNF):
        dynamic = isinstance(network, MRNN)
        i, h, m = network.input_size, network.hidden_size, network.memory_size
        wd_t = _t(network.weight_d) if dynamic else np.zeros((2 * i + h + m, i))
        return "mrnn", (
            _t(network.weight_hx),
            _t(network.weight_hh),
            np.array(network.bias_h),
            _t(network.weight_mf),
            _t(network.weight_mm),
            np.array(network.bias_m),
            np.ascontiguousarray(network.head_weight),
            np.array(network.head_bias),
            wd_t,
            np.array(network.bias_d),
            network.filter_length,
            dynamic,
            out_code,
        )
    if isinstance(network, MLSTMF):
        dynamic = isinstance(network, MLSTM)
        h, i = network.hidden_size, network.input_size
        wd_t = _t(network.weight_d) if dynamic else np.zeros((2 * h + i, h))
        return "mlstm", (
            _t(network.weight_ih),
            _t(network.weight_hh),
            np.array(network.bias),
            np.ascontiguousarray(network.head_weight),
            np.array(network.head_bias),
            wd_t,
            np.array(network.bias_d),
            network.filter_length,
            dynamic,
            out_code,
        )
    raise TypeError(
        f"`network` has no simulator: rnnmem simulates LinearChain, RNN, LSTM, GRU, MRNNF, "
        f"MRNN, MLSTMF and MLSTM; got {type(network).__name__}."
    )


# ---------------------------------------------------------------------------------------------
# Argument checks


def _check_network(network) -> None:
    if not isinstance(network, Network):
        raise TypeError(
            "`network` must be a network of rnnmem.networks (LinearChain, RNN, LSTM, GRU, "
            f"MRNNF, MRNN, MLSTMF, MLSTM); got {type(network).__name__}."
        )


def _check_mode(network, mode) -> str:
    mode = as_choice(mode, "mode", MODES)
    if mode == "autonomous" and network.input_size != network.output_size:
        raise ValueError(
            "`mode` 'autonomous' feeds the output back as the input and needs input_size == "
            f"output_size; got input_size={network.input_size}, "
            f"output_size={network.output_size}. Use mode='driven' or a network whose head "
            "has input_size outputs."
        )
    return mode


def _per_chain(value, name: str, size: int, n_chains: int) -> np.ndarray:
    """An initial vector of length ``size`` shared by all chains, or one row per chain."""
    if value is None:
        return np.zeros((n_chains, size))
    arr = as_real_array(value, name, ndim=(1, 2))
    if arr.ndim == 1:
        if arr.shape != (size,):
            raise ValueError(
                f"`{name}` must have shape ({size},) or ({n_chains}, {size}); "
                f"got shape {arr.shape}."
            )
        return np.ascontiguousarray(np.broadcast_to(arr, (n_chains, size)))
    if arr.shape != (n_chains, size):
        raise ValueError(
            f"`{name}` must have shape ({size},) or ({n_chains}, {size}); got shape {arr.shape}."
        )
    return np.ascontiguousarray(arr)


def _given_inputs(inputs, n_chains: int, n_total: int, n_in: int) -> np.ndarray:
    arr = as_real_array(inputs, "inputs", ndim=(2, 3))
    if arr.ndim == 2:
        if n_chains != 1 or arr.shape != (n_total, n_in):
            raise ValueError(
                f"`inputs` must have shape ({n_total}, {n_in}) for one chain or "
                f"({n_chains}, {n_total}, {n_in}) (burn_in + n_steps steps, input_size "
                f"coordinates); got shape {arr.shape} with n_chains={n_chains}."
            )
        return np.ascontiguousarray(arr[None])
    if arr.shape != (n_chains, n_total, n_in):
        raise ValueError(
            f"`inputs` must have shape ({n_chains}, {n_total}, {n_in}) (n_chains, "
            f"burn_in + n_steps, input_size); got shape {arr.shape}."
        )
    return np.ascontiguousarray(arr)


def _worth_threads(n_chains: int, n_total: int) -> bool:
    """Default choice of the parallel build: several chains and enough work (rnnmem._numba)."""
    return n_chains > 1 and n_chains * n_total >= PARALLEL_MIN_WORK


def _divergence_message(network, status, bound, n_total, burn_in) -> str:
    bad = np.flatnonzero(status >= 0)
    first = int(bad[np.argmin(status[bad])])
    hint = ""
    if isinstance(network, LinearChain):
        hint = f" (its spectral radius is {network.spectral_radius:.6g}; stationarity needs < 1)"
    return (
        f"The simulation diverged: chain {first} became non-finite or exceeded "
        f"divergence_bound={bound:g} in absolute value at step {int(status[first])} "
        f"(counted from 0, {burn_in} burn-in steps included, of {n_total}); "
        f"{bad.size} of {status.size} chains diverged. The network's chain is probably not "
        f"stationary{hint}. Pass on_divergence='report' to get the paths up to the divergence."
    )


def _simulate(
    network, family_args, drive, autonomous, y0, state0, burn_in, bound, record, parallel
):
    family, weights = family_args
    n_chains, n_total, _ = drive.shape
    n_rec = n_total - burn_in
    outputs = np.empty((n_chains, n_rec, network.output_size))
    inputs = np.empty((n_chains, n_rec, network.input_size))
    states = np.empty((n_chains, n_rec if record else 0, network.state_size))
    status = np.full(n_chains, -1, dtype=np.int64)
    args = (drive, autonomous, y0, state0, *weights, burn_in, bound)
    args += (outputs, inputs, states, record, status)
    # Enough chains per thread: the blocked kernels, which advance several chains together
    # (same results bit for bit, several times faster), when the run is parallel or large.
    # A small serial run keeps the per-chain kernel: milliseconds either way, and the blocked
    # build's first compilation would cost seconds (rnnmem._numba.PARALLEL_MIN_WORK).
    blocked = family in _kernels.BLOCKED_KERNELS and (
        parallel or n_chains * n_total >= PARALLEL_MIN_WORK)
    block = _kernels.block_size(n_chains, parallel) if blocked else 0
    if block:
        _, serial, par = _kernels.BLOCKED_KERNELS[family]
        (par if parallel else serial)(*args, block)
    else:
        _, serial, par = _kernels.KERNELS[family]
        (par if parallel else serial)(*args)
    return outputs, inputs, states, status


# ---------------------------------------------------------------------------------------------
# Public functions


def run(
    network,
    n_steps,
    *,
    mode="autonomous",
    inputs=None,
    n_chains=1,
    burn_in=0,
    noise_scale=1.0,
    init=None,
    init_output=None,
    record_states=False,
    on_divergence="raise",
    divergence_bound=1e10,
    parallel=None,
    rng=None,
) -> Trajectory:
    """Simulate sample paths of a network's Markov chain.

    Parameters
    ----------
    network : Network
        Any network of :mod:`rnnmem.networks`.
    n_steps : int
        Recorded steps per chain, >= 1.
    mode : {"autonomous", "driven"}, default "autonomous"
        Autonomous: x_t = y_{t-1}, y_t = z_t + eps_t (ZH20 eq. 7; needs input_size ==
        output_size). Driven: exogenous x_t, the output z_t is recorded.
    inputs : array_like, optional
        Driven mode only: the inputs, shape (burn_in + n_steps, input_size) for one chain or
        (n_chains, burn_in + n_steps, input_size). Default: i.i.d. N(0, noise_scale^2).
    n_chains : int, default 1
        Independent chains, run in parallel threads.
    burn_in : int, default 0
        Steps simulated and discarded before recording (with fresh noise, or the first rows
        of ``inputs``).
    noise_scale : float, default 1.0
        Standard deviation of eps_t (autonomous) or of the default inputs (driven), >= 0.
    init : array_like, optional
        Initial state, shape (state_size,) or (n_chains, state_size); zeros by default.
        Filter histories of MRNN(F)/MLSTM(F) start at zero (the initial cell, if given, is
        the most recent entry of the MLSTM(F) cell history).
    init_output : array_like, optional
        Autonomous mode: y_0, shape (output_size,) or (n_chains, output_size); zeros by
        default.
    record_states : bool, default False
        Keep the state after every step in ``Trajectory.states``.
    on_divergence : {"raise", "report"}, default "raise"
        What to do when a chain becomes non-finite or exceeds ``divergence_bound``: raise
        :class:`DivergenceError` naming the step and the chain, or return the paths with
        ``Trajectory.divergence_step`` set and NaN after the divergence.
    divergence_bound : float, default 1e10
        Largest absolute value an output or state may take.
    parallel : bool, optional
        Use the multi-threaded kernel; default: when ``n_chains > 1`` and the run has at
        least 2^20 chain-steps (``n_chains * (burn_in + n_steps)``; smaller runs take
        milliseconds in one thread and would pay the parallel build's first compilation).
        Results are identical either way.
    rng : None, int or numpy.random.Generator
        Source of the noise (all of it drawn before the simulation starts).

    Returns
    -------
    Trajectory

    Raises
    ------
    DivergenceError
        If a chain diverges and ``on_divergence="raise"``.

    Notes
    -----
    The noise (or the default inputs) is drawn as one array of shape
    (n_chains, burn_in + n_steps, size) from ``rng``, so a given seed always gives the same
    paths, whatever the number of threads.

    References
    ----------
    Zhao et al. (2020), "Do RNN and LSTM have Long Memory?", ICML, eqs. (7)-(8).

    Examples
    --------
    >>> from rnnmem.networks import LinearChain
    >>> chain = LinearChain([[0.5]])
    >>> path = run(chain, 1000, n_chains=2, burn_in=100, rng=0)
    >>> path.outputs.shape
    (2, 1000, 1)
    """
    _check_network(network)
    n_steps = as_integer(n_steps, "n_steps", minimum=1)
    mode = _check_mode(network, mode)
    n_chains = as_integer(n_chains, "n_chains", minimum=1)
    burn_in = as_integer(burn_in, "burn_in", minimum=0)
    noise_scale = as_real(noise_scale, "noise_scale", low=0.0)
    record = as_bool(record_states, "record_states")
    on_divergence = as_choice(on_divergence, "on_divergence", ON_DIVERGENCE)
    bound = as_real(divergence_bound, "divergence_bound", low=0.0, low_inclusive=False)
    autonomous = mode == "autonomous"
    n_total = burn_in + n_steps
    parallel = (_worth_threads(n_chains, n_total) if parallel is None
                else as_bool(parallel, "parallel"))
    state0 = _per_chain(init, "init", network.state_size, n_chains)
    if init_output is not None and not autonomous:
        raise ValueError("`init_output` is y_0 of autonomous mode; got it with mode='driven'.")
    y0 = _per_chain(init_output, "init_output", network.output_size, n_chains)
    if inputs is not None:
        if autonomous:
            raise ValueError(
                "`inputs` are used only in driven mode (autonomous mode feeds back the "
                "output); got inputs with mode='autonomous'. Pass mode='driven'."
            )
        drive = _given_inputs(inputs, n_chains, n_total, network.input_size)
    else:
        gen = as_generator(rng)
        size = network.output_size if autonomous else network.input_size
        drive = noise_scale * gen.standard_normal((n_chains, n_total, size))

    outputs, used, states, status = _simulate(
        network,
        _kernel_args(network),
        drive,
        autonomous,
        y0,
        state0,
        burn_in,
        bound,
        record,
        parallel,
    )
    if on_divergence == "raise" and np.any(status >= 0):
        raise DivergenceError(_divergence_message(network, status, bound, n_total, burn_in))
    return Trajectory(
        outputs=outputs,
        inputs=used,
        noise=np.ascontiguousarray(drive[:, burn_in:]) if autonomous else None,
        states=states if record else None,
        divergence_step=status,
        mode=mode,
        network=network,
        burn_in=burn_in,
        noise_scale=noise_scale,
        divergence_bound=bound,
    )


def couple(
    network,
    n_steps,
    *,
    n_pairs,
    mode="autonomous",
    init_scale=1.0,
    noise_scale=1.0,
    divergence_bound=1e10,
    rng=None,
) -> Coupling:
    """Run pairs of copies of a chain from different starts with the same noise.

    For each pair both copies receive the same eps_t (autonomous) or the same inputs x_t
    (driven); their starting states (and y_0 in autonomous mode) are drawn independently,
    i.i.d. N(0, init_scale^2). The distance between the copies shrinks geometrically for a
    chain that contracts pathwise, and its log-slope estimates the rate (THEORY.md, 2.3).

    Parameters
    ----------
    network : Network
    n_steps : int
        Steps after the start, >= 1.
    n_pairs : int
        Number of independent pairs, >= 1.
    mode : {"autonomous", "driven"}, default "autonomous"
    init_scale : float, default 1.0
        Standard deviation of the starting states, > 0.
    noise_scale : float, default 1.0
    divergence_bound : float, default 1e10
    rng : None, int or numpy.random.Generator

    Returns
    -------
    Coupling

    Raises
    ------
    DivergenceError
        If a copy diverges (the chain is then not stationary).

    Examples
    --------
    >>> from rnnmem.networks import LinearChain
    >>> result = couple(LinearChain([[0.5]]), 20, n_pairs=4, rng=0)
    >>> round(result.rate, 6)
    0.5
    """
    _check_network(network)
    n_steps = as_integer(n_steps, "n_steps", minimum=1)
    n_pairs = as_integer(n_pairs, "n_pairs", minimum=1)
    mode = _check_mode(network, mode)
    init_scale = as_real(init_scale, "init_scale", low=0.0, low_inclusive=False)
    noise_scale = as_real(noise_scale, "noise_scale", low=0.0)
    bound = as_real(divergence_bound, "divergence_bound", low=0.0, low_inclusive=False)
    autonomous = mode == "autonomous"
    gen = as_generator(rng)
    n_out, n_state = network.output_size, network.state_size
    state0 = init_scale * gen.standard_normal((n_pairs, 2, n_state))
    if autonomous:
        y0 = init_scale * gen.standard_normal((n_pairs, 2, n_out))
    else:
        y0 = np.zeros((n_pairs, 2, n_out))
    size = n_out if autonomous else network.input_size
    noise = noise_scale * gen.standard_normal((n_pairs, n_steps, size))
    drive = np.repeat(noise, 2, axis=0)
    outputs, _, states, status = _simulate(
        network,
        _kernel_args(network),
        drive,
        autonomous,
        y0.reshape(2 * n_pairs, n_out),
        state0.reshape(2 * n_pairs, n_state),
        0,
        bound,
        True,
        _worth_threads(2 * n_pairs, n_steps),
    )
    if np.any(status >= 0):
        raise DivergenceError(_divergence_message(network, status, bound, n_steps, 0))
    full = np.concatenate([outputs, states], axis=2).reshape(n_pairs, 2, n_steps, -1)
    distances = np.sqrt(np.sum((full[:, 0] - full[:, 1]) ** 2, axis=2))
    start = np.concatenate([y0, state0], axis=2) if autonomous else state0
    initial = np.sqrt(np.sum((start[:, 0] - start[:, 1]) ** 2, axis=1))
    return Coupling(
        distances=distances,
        initial_distances=initial,
        mode=mode,
        network=network,
        init_scale=init_scale,
        noise_scale=noise_scale,
    )
