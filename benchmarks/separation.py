"""Exact Start-End separation ranks of recurrent arithmetic circuits (Levine et al. 2017).

Two measurements:

1. The time of one exact rank at T = 12, M = R = 2, depth 3 (target: under 10 s): the RAC
   evaluated on all 2^12 one-hot sequences modulo 2^31 - 1, then Gaussian elimination over
   Z/pZ. Reported as the median of ``--repeats`` runs after a warm-up (Numba compilation and
   its on-disk cache are not counted).
2. The exact-rank table for every even T <= 12, M, R <= 4 and depth <= 3 (target: under a
   minute in total), with the theory bounds of depth 2 and a flag where a rank leaves them.

The weights are generic residues drawn from a fixed seed, so the table is reproducible.
Run with nothing else on the machine:

    python benchmarks/separation.py [--repeats 5] [--quick]

``--quick`` stops the table at T <= 8 and M, R <= 3 (a check that the script works).
"""

from __future__ import annotations

import argparse
import platform
import time

import numpy as np

from rnnmem.theory.separation_rank import separation_rank_bounds, start_end_rank

SEED = 2017


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="small table, one repeat")
    args = parser.parse_args(argv)
    max_t, max_size = (8, 3) if args.quick else (12, 4)
    repeats = 1 if args.quick else args.repeats

    print(f"machine: {platform.processor() or platform.machine()}, numpy {np.__version__}")
    start_end_rank(3, 4, 2, 2, rng=SEED)  # warm-up: Numba compilation or cache load
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = start_end_rank(3, 12, 2, 2, rng=SEED)
        times.append(time.perf_counter() - start)
    print(f"exact rank, T = 12, M = R = 2, depth 3: rank {result.rank}; "
          f"median {np.median(times):.3f} s over {repeats} run(s) (target < 10 s)\n")

    lengths = list(range(2, max_t + 1, 2))
    header = f"{'depth':>5} {'M':>2} {'R':>2} | " + " ".join(f"T={T:<5}" for T in lengths)
    print("exact Start-End ranks (mod 2^31 - 1); depth 2 shown as rank[lower,upper] when the")
    print("rank is not the upper bound; '!' marks a rank outside the proven bounds, 'v' a rank")
    print("below that of the next shallower circuit")
    print(header)
    print("-" * len(header))
    total = 0.0
    outside = 0
    lowered = 0
    previous = {}
    for depth in (1, 2, 3):
        for M in range(1, max_size + 1):
            for R in range(1, max_size + 1):
                cells = []
                for T in lengths:
                    start = time.perf_counter()
                    rank = start_end_rank(depth, T, M, R, rng=SEED).rank
                    total += time.perf_counter() - start
                    bounds = separation_rank_bounds(depth, T, M, R)
                    cell = str(rank)
                    if rank < previous.get((M, R, T), 0):
                        cell += "v"
                        lowered += 1
                    previous[(M, R, T)] = rank
                    if not bounds.lower <= rank <= bounds.upper:
                        cell += "!"
                        outside += 1
                    elif depth == 2 and rank != bounds.upper:
                        cell += f"[{bounds.lower},{bounds.upper}]"
                    cells.append(f"{cell:<7}")
                print(f"{depth:>5} {M:>2} {R:>2} | " + " ".join(cells), flush=True)
    print(f"\ntable: {len(lengths) * 3 * max_size**2} exact ranks in {total:.1f} s "
          f"(target < 60 s for T <= 12, M, R <= 4); ranks outside the bounds: {outside}; "
          f"ranks lowered by depth: {lowered}")


if __name__ == "__main__":
    main()
