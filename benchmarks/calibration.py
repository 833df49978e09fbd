"""Calibration study of rnnmem.verify (issue 3): coverage, error rates and power.

Usage::

    python benchmarks/calibration.py                 # n = 4096, 2000 replications per case (slow)
    python benchmarks/calibration.py --reps 100      # a quick look

Every case simulates exact Gaussian paths with ``rnnmem.simulate.arfima`` (Davies-Harte)
from a fixed seed, so the table is reproducible. For each case it prints the measured
rate, its Monte Carlo standard error sqrt(p (1 - p) / reps) and the target of issue 3:

- 95% CI coverage of d for GPH (m = n^0.5, se = fracdiff's sd.as) and local Whittle
  (m = n^0.65, se from the expected information) within ±2 points, d in {0, 0.2, 0.4};
- long_memory_test: moved to benchmarks/calibration_size.py when the test became the
  ARFIMA(p, d, 0) sieve of issue 5 (its size and power are measured there, at the lengths
  memory_class simulates);
- fit_decay on acf(x, 36) with noise_floor = 2/sqrt(n), n_obs = n: "exponential" for AR(1)
  and "power" for ARFIMA(0, d, 0) at least 95% of the time.
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np

from rnnmem.simulate import arfima
from rnnmem.verify import acf, fit_decay, gph, local_whittle


def passes(rate, se, kind, target):
    if kind == "max":
        return rate <= target + 2 * se
    if kind == "min":
        return rate >= target - 2 * se
    return abs(rate - target) <= 0.02  # coverage: within ±2 points


def run(n, reps, seed):
    rng = np.random.default_rng(seed)
    rows = []

    for d in (0.0, 0.2, 0.4):
        paths = arfima(n, d=d, n_paths=reps, rng=rng)
        for name, fn in (("GPH m=n^0.5", lambda x: gph(x, bandwidth=0.5)),
                         ("LW m=n^0.65", lambda x: local_whittle(x, bandwidth=0.65))):
            hits = 0
            for x in paths:
                low, high = fn(x).conf_int(level=0.95)
                hits += low <= d <= high
            rows.append((f"coverage {name}, d={d:g}", "cover", hits / reps, "cover", 0.95))

    decay_cases = [(f"AR(1) phi={phi:g}", {"d": 0.0, "ar": [1, -phi]}, "exponential")
                   for phi in (0.3, 0.5, 0.7, 0.9)]
    decay_cases += [(f"ARFIMA(0,{d:g},0)", {"d": d}, "power") for d in (0.2, 0.3, 0.4)]
    for name, kw, want in decay_cases:
        rho = acf(arfima(n, n_paths=reps, rng=rng, **kw), 36)
        laws = [fit_decay(r, noise_floor=2 / math.sqrt(n), n_obs=n).law for r in rho]
        rows.append((f"fit_decay {name}", want, sum(law == want for law in laws) / reps, "min", 0.95))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=4096)
    parser.add_argument("--reps", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=20261125)
    args = parser.parse_args()
    start = time.perf_counter()
    rows = run(args.n, args.reps, args.seed)
    print(f"n = {args.n}, {args.reps} replications per case, seed {args.seed}")
    print(f"{'case':<50} {'counted':<16} {'rate':>7} {'MC se':>7}  target        ok")
    for name, counted, rate, kind, target in rows:
        se = math.sqrt(max(rate * (1 - rate), 1e-12) / args.reps)
        goal = {"max": f"<= {target:.2f}", "min": f">= {target:.2f}", "cover": "0.95 ± 0.02"}[kind]
        ok = "yes" if passes(rate, se, kind, target) else "NO"
        print(f"{name:<50} {counted:<16} {rate:7.3f} {se:7.3f}  {goal:<13} {ok}")
    print(f"elapsed {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
