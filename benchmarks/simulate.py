"""Network simulation speed: rnnmem's Numba kernels against torch.nn and a NumPy loop.

Side by side in one run, for RNN (tanh) and LSTM networks with one input, hidden sizes 8, 32
and 128, float64 throughout:

- a single chain (rnnmem's serial kernel; torch batch 1; NumPy loop on vectors), T = 10^6;
- 256 chains (rnnmem's parallel blocked kernel, blocks of up to 64 chains advanced together in
  each thread task; torch batch 256; NumPy loop on (256, H) matrices), T = 10^5.

All three compute the same driven recursion on the same pre-drawn N(0, 1) inputs: rnnmem's
``run(mode="driven")`` (which also evaluates its 1-output head and stores outputs and
inputs), ``torch.nn.RNN/LSTM`` under ``torch.no_grad()`` fed in chunks of steps with the
hidden state carried over (a whole sequence would not fit in memory: torch returns every
hidden state), and a plain NumPy loop (one matrix product per step and layer; its sigmoid is
0.5 (1 + tanh(v / 2))). rnnmem and torch run one block of pre-drawn inputs (T / 20 steps for
rnnmem, at most 2e6 / (chains H) for torch) repeatedly: rnnmem restarts from a zero state at
each block, torch carries its state over. rnnmem's cost per call (validation, allocation,
starting the threads) is thus included, once per block.

Timing: each method runs once untimed (compilation, allocation), then its chunk of steps
repeatedly for at least ``--min-time`` seconds and 10 chunks; the table reports the median
over chunks of chain-steps per second (the machine is a shared VM: a total over a
sub-second run moved with single slow chunks). "GFLOP/s" counts
the multiply-adds of the matrix products only, 2 G H (I + H) per chain-step (G = 1 for the
RNN, 4 for the LSTM), next to the float64 GEMM rate measured on this machine with NumPy's
BLAS (same number of threads). torch and the NumPy loop run in a separate process (see
``baseline``), one method at a time. Run with nothing else on the machine:

    python benchmarks/simulate.py            # full sizes (several minutes)
    python benchmarks/simulate.py --quick    # tiny sizes, checks that everything works
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import time
from concurrent.futures import ProcessPoolExecutor

import numba
import numpy as np

from rnnmem.networks import LSTM, RNN
from rnnmem.simulate.networks import run

HIDDEN_SIZES = (8, 32, 128)
N_CHAINS = 256


def gemm_peak(n: int, repeats: int) -> float:
    """Best float64 GEMM rate (GFLOP/s) of NumPy's BLAS on n x n matrices."""
    gen = np.random.default_rng(0)
    a, b = gen.standard_normal((n, n)), gen.standard_normal((n, n))
    a @ b
    best = np.inf
    for _ in range(repeats):
        start = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - start)
    return 2.0 * n**3 / best / 1e9


def flops_per_step(cls, hidden: int, n_in: int = 1) -> float:
    gates = 4 if cls is LSTM else 1
    return 2.0 * gates * hidden * (n_in + hidden)


MIN_CHUNKS = 10


def timed(step_fn, chunk: int, min_time: float) -> tuple[int, float]:
    """Time ``step_fn(chunk)`` repeatedly: (steps timed, median steps per second).

    At least ``min_time`` seconds and ``MIN_CHUNKS`` chunks. The median over chunks, not the
    total, is reported: on this shared 2-core virtual machine single chunks are sometimes
    slowed 1.5-2x by things outside the process (measured), and one such chunk in a
    sub-second total moved a ratio by as much.
    """
    rates, done, elapsed = [], 0, 0.0
    while elapsed < min_time or len(rates) < MIN_CHUNKS:
        start = time.perf_counter()
        step_fn(chunk)
        seconds = time.perf_counter() - start
        rates.append(chunk / seconds)
        elapsed += seconds
        done += chunk
    return done, float(np.median(rates))


def bench_rnnmem(net, inputs, min_time):
    n_chains, total, _ = inputs.shape
    chunk = max(total // 20, 1)
    block = np.ascontiguousarray(inputs[:, :chunk])  # made outside the timing
    run(net, 2, mode="driven", inputs=block[:, :2].copy(), n_chains=n_chains)  # compile

    def step(n):
        run(net, n, mode="driven", inputs=block, n_chains=n_chains)

    return timed(step, chunk, min_time)


def bench_torch(torch, net, inputs, min_time):
    n_chains, total, n_in = inputs.shape
    common = {
        "input_size": n_in,
        "hidden_size": net.hidden_size,
        "batch_first": True,
        "dtype": torch.float64,
    }
    if isinstance(net, LSTM):
        module = torch.nn.LSTM(**common)
    else:
        module = torch.nn.RNN(nonlinearity="tanh", **common)
    with torch.no_grad():
        for name, value in (
            ("weight_ih_l0", net.weight_ih[0]),
            ("weight_hh_l0", net.weight_hh[0]),
            ("bias_ih_l0", net.bias_ih[0]),
            ("bias_hh_l0", net.bias_hh[0]),
        ):
            getattr(module, name).copy_(torch.from_numpy(np.array(value)))
    # Chunks of steps: torch stores every hidden state, (chains, chunk, H) doubles.
    chunk = max(min(total, 2_000_000 // (n_chains * net.hidden_size)), 1)
    block = torch.from_numpy(np.ascontiguousarray(inputs[:, :chunk]))
    state = {"h": None}

    def step(n):
        given = block if n == chunk else block[:, :n].contiguous()
        with torch.no_grad():
            _, state["h"] = module(given, state["h"])

    step(min(chunk, 2))
    state["h"] = None
    return timed(step, chunk, min_time)


def bench_numpy(net, inputs, min_time):
    n_chains, total, _ = inputs.shape
    hidden = net.hidden_size
    w_ih, w_hh = net.weight_ih[0].T.copy(), net.weight_hh[0].T.copy()
    bias = net.bias_ih[0] + net.bias_hh[0]
    lstm = isinstance(net, LSTM)
    h = np.zeros((n_chains, hidden))
    c = np.zeros((n_chains, hidden))

    def sigmoid(v):
        return 0.5 * (1.0 + np.tanh(0.5 * v))

    def step(n):
        nonlocal h, c
        for t in range(n):
            a = inputs[:, t] @ w_ih + h @ w_hh + bias
            if lstm:
                i, f = sigmoid(a[:, :hidden]), sigmoid(a[:, hidden : 2 * hidden])
                g, o = np.tanh(a[:, 2 * hidden : 3 * hidden]), sigmoid(a[:, 3 * hidden :])
                c = f * c + i * g
                h = o * np.tanh(c)
            else:
                h = np.tanh(a)

    step(2)
    return timed(step, max(total // 50, 1), min_time)


def case_inputs(cls, hidden, n_chains, total):
    """The N(0, 1) inputs of one case, the same in every process (seeded by the case)."""
    seed = [0 if cls is RNN else 1, hidden, n_chains]
    return np.random.default_rng(seed).standard_normal((n_chains, total, 1))


def baseline(method, cls_name, hidden, n_chains, total, min_time, threads):
    """Run one baseline (torch or NumPy) in the baseline process; return (steps, seconds).

    Baselines run in their own process: after a Numba parallel region, Numba's worker
    threads keep spinning for a while, and torch's and OpenBLAS's threads in the same process
    then contend with them (measured here: torch.nn.RNN at H = 32, batch 256, fell from 3.1
    to 0.09 million chain-steps per second).
    """
    cls = RNN if cls_name == "RNN" else LSTM
    net = cls.random(1, hidden, rng=1)
    inputs = case_inputs(cls, hidden, n_chains, total)
    if method == "torch.nn":
        import torch

        torch.set_num_threads(threads)
        return bench_torch(torch, net, inputs, min_time)
    return bench_numpy(net, inputs, min_time)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="tiny sizes (T = 2000 / 200, 0.05 s per method): a smoke test",
    )
    parser.add_argument(
        "--min-time",
        type=float,
        default=None,
        help="seconds of timed work per method and size (default 3; 0.05 quick)",
    )
    parser.add_argument("--no-torch", action="store_true", help="skip the torch columns")
    args = parser.parse_args(argv)
    quick = args.quick
    t_single, t_multi = (2_000, 200) if quick else (1_000_000, 100_000)
    min_time = args.min_time if args.min_time is not None else (0.05 if quick else 3.0)
    threads = numba.get_num_threads()

    torch = None
    if not args.no_torch:
        try:
            import torch
        except ImportError:
            print("torch is not installed: its columns are skipped.")
        else:
            torch.set_num_threads(threads)
    # One long-lived process for the baselines, never touched by Numba's threads (see
    # `baseline`); the methods still run one after the other, never at the same time.
    pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))

    peak = gemm_peak(512 if quick else 2048, 3 if quick else 5)
    print(
        f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} logical CPUs;"
        f" Numba {numba.__version__} with {threads} threads; NumPy {np.__version__}"
        + (f"; torch {torch.__version__} with {torch.get_num_threads()} threads" if torch else "")
    )
    print(f"float64 GEMM peak (NumPy BLAS, {threads} threads): {peak:.1f} GFLOP/s")
    print(
        f"Chunks of T / 20 (rnnmem), T / 50 (NumPy) or as many steps as torch's memory allows, "
        f"T = {t_single} (1 chain) and {t_multi} ({N_CHAINS} chains); at least {min_time:g} s "
        f"and {MIN_CHUNKS} chunks per method; rates are medians over chunks."
    )
    print()
    header = (
        f"{'model':<5} {'H':>4} {'chains':>6}  {'method':<14} {'steps timed':>11} "
        f"{'Msteps/s':>10} {'vs torch':>9} {'GFLOP/s':>8} {'% peak':>7}"
    )
    print(header)
    print("-" * len(header))
    for cls in (RNN, LSTM):
        for hidden in HIDDEN_SIZES:
            net = cls.random(1, hidden, rng=1)
            for n_chains, total in ((1, t_single), (N_CHAINS, t_multi)):
                inputs = case_inputs(cls, hidden, n_chains, total)
                results = {"rnnmem": bench_rnnmem(net, inputs, min_time)}
                methods = (["torch.nn"] if torch is not None else []) + ["numpy loop"]
                for method in methods:
                    job = (method, cls.__name__, hidden, n_chains, total, min_time, threads)
                    results[method] = pool.submit(baseline, *job).result()
                rates = {k: n_chains * rate for k, (_, rate) in results.items()}
                for method, (steps, _) in results.items():
                    rate = rates[method]
                    versus = (
                        f"{rate / rates['torch.nn']:8.2f}x" if "torch.nn" in rates else f"{'-':>9}"
                    )
                    gflops = rate * flops_per_step(cls, hidden) / 1e9
                    print(
                        f"{cls.__name__:<5} {hidden:>4} {n_chains:>6}  {method:<14} "
                        f"{steps:>11} {rate / 1e6:>10.3f} {versus} {gflops:>8.2f} "
                        f"{100 * gflops / peak:>6.1f}%"
                    )
            print()
    pool.shutdown()


if __name__ == "__main__":
    main()
