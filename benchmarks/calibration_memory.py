"""Calibration of memory_class's verdicts (issue 5), on random networks with known class.

Usage::

    python benchmarks/calibration_memory.py             # 200 short-memory nets, 50 cells
    python benchmarks/calibration_memory.py --quick     # 20 and 5: a smoke run

Targets of issue 5:

- over random short-memory networks (RNN/LSTM/GRU, mixed sizes, weight scales and forget
  biases; rnnmem.verify._mc_zoo.random_short_memory_network) the Definition 1 verdict says
  "long" at most 5% of the time;
- over MLSTMF cells with d in [0.2, 0.45] and K >= 1000 (random_mlstmf_cell) the
  Definition 3 verdict and the Definition 1 verdict on the cell state say "long" at least
  90% of the time each; the output's rate is reported too.

Every rate is printed with its binomial 95% interval (Wilson). Budget "quick", seed fixed.
"""

from __future__ import annotations

import argparse
import collections
import math
import time

import numpy as np

from rnnmem.verify._mc_zoo import random_mlstmf_cell, random_short_memory_network
from rnnmem.verify.memory_report import memory_class


def wilson(k, n, z=1.96):
    if n == 0:
        return (math.nan, math.nan)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (max(centre - half, 0.0), min(centre + half, 1.0))


def rate_line(label, k, n):
    lo, hi = wilson(k, n)
    return f"{label:<46} {k:4d}/{n:<4d} = {k / n:6.1%}  (95% CI {lo:.1%}-{hi:.1%})"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--n-short", type=int, default=None)
    parser.add_argument("--n-cells", type=int, default=None)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--verbose", action="store_true", help="one line per network")
    args = parser.parse_args()
    n_short = args.n_short or (20 if args.quick else 200)
    n_cells = args.n_cells or (5 if args.quick else 50)
    gen = np.random.default_rng(args.seed)
    start = time.perf_counter()

    d1 = collections.Counter()
    d3 = collections.Counter()
    raw = collections.Counter()  # long_memory_test alone, before memory_class's checks
    long_cases = []
    times = []
    for k in range(n_short):
        net, text = random_short_memory_network(gen)
        tic = time.perf_counter()
        report = memory_class(net, rng=int(gen.integers(2**31)))
        times.append(time.perf_counter() - tic)
        d1[report.definition1] += 1
        d3[report.definition3] += 1
        raw[report.output_decay.test.verdict] += 1
        if report.definition1 == "long" or report.output_decay.test.verdict == "long":
            long_cases.append(f"{text}: Definition 1 {report.definition1}, test "
                              f"{report.output_decay.test.verdict} "
                              f"(d = {report.output_decay.test.d:.3f})")
        if args.verbose:
            print(f"  {k:3d} {text:<40} D1 {report.definition1:<15} test "
                  f"{report.output_decay.test.verdict:<15} d {report.output_decay.test.d:+.3f} "
                  f"p {report.output_decay.test.ar_order:2d} D3 {report.definition3} "
                  f"({times[-1]:.1f} s)", flush=True)
    short_elapsed = time.perf_counter() - start
    cell_d1 = collections.Counter()
    cell_raw = collections.Counter()
    out_d1 = collections.Counter()
    cell_d3 = collections.Counter()
    estimates = []
    for k in range(n_cells):
        net, text = random_mlstmf_cell(gen)
        tic = time.perf_counter()
        report = memory_class(net, rng=int(gen.integers(2**31)))
        cell_d1[report.definition1_cell] += 1
        cell_raw[report.cell_decay.test.verdict] += 1
        out_d1[report.definition1] += 1
        cell_d3[report.definition3] += 1
        estimates.append((float(net.d[0]), report.cell_decay.test.d))
        if args.verbose:
            print(f"  {k:3d} {text:<40} cell {report.definition1_cell:<13} (d {report.cell_decay.test.d:.3f}) "
                  f"output {report.definition1:<15} D3 {report.definition3} "
                  f"({time.perf_counter() - tic:.1f} s)", flush=True)
    elapsed = time.perf_counter() - start

    print(f"memory_class calibration, budget 'quick', seed {args.seed} ({elapsed:.0f} s: "
          f"{short_elapsed:.0f} s for the short-memory networks, median "
          f"{np.median(times):.1f} s each)")
    print(f"Short-memory networks (n = {n_short}):")
    print("  " + rate_line('Definition 1 says "long" (target <= 5%)', d1["long"], n_short))
    print("  " + rate_line('long_memory_test alone says "long"', raw["long"], n_short))
    print(f"  long_memory_test verdicts: {dict(raw)}")
    print(f"  Definition 1 verdicts: {dict(d1)}")
    print(f"  Definition 3 verdicts: {dict(d3)}")
    if long_cases:
        print(f"  \"long\" cases: {long_cases}")
    print(f"MLSTMF cells, d in [0.2, 0.45], K >= 1000 (n = {n_cells}):")
    print("  " + rate_line('Definition 3 says "long" (target >= 90%)', cell_d3["long"], n_cells))
    print("  " + rate_line('Definition 1 on the cell says "long" (>= 90%)', cell_d1["long"],
                           n_cells))
    print("  " + rate_line('long_memory_test alone on the cell says "long"', cell_raw["long"],
                           n_cells))
    print("  " + rate_line('Definition 1 on the output says "long"', out_d1["long"], n_cells))
    print(f"  Definition 1 verdicts on the cell: {dict(cell_d1)}; on the output: {dict(out_d1)}")
    err = np.array([e - d for d, e in estimates])
    print(f"  cell d estimate - d: mean {err.mean():+.3f}, sd {err.std(ddof=1) if err.size > 1 else 0:.3f}")


if __name__ == "__main__":
    main()
