"""Calibration study of rnnmem.verify (issue 3): coverage, error rates and power.

Usage::

    python benchmarks/calibration.py                 # n = 4096, 2000 replications per case (slow)
    python benchmarks/calibration.py --reps 100      # a quick look

Every case simulates exact Gaussian paths with ``rnnmem.simulate.arfima`` (Davies-Harte)
from a fixed seed, so the table is reproducible. For each case it prints the measured
rate, its Monte Carlo standard error sqrt(p (1 - p) / reps) and the target of issue 3:

- 95% CI coverage of d for GPH (m = n^0.5, se = fracdiff's sd.as) and local Whittle
  (m = n^0.65, se from the expected information) within ±2 points, d in {0, 0.2, 0.4};
- long_memory_test false-"long" rate <= alpha + 2 MC standard errors for short-memory
  series and level shifts; power ("long") for ARFIMA; "anti-persistent" for d = -0.2;
- fit_decay on acf(x, 36) with noise_floor = 2/sqrt(n), n_obs = n: "exponential" for AR(1)
  and "power" for ARFIMA(0, d, 0) at least 95% of the time.

Level shifts: i.i.d. N(0, 1) noise plus a step of 1.5 at a uniform point of the middle
half (one shift), or three steps of ±1.5 (random signs) at three uniform points of the
middle half (three shifts).
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np

from rnnmem.simulate import arfima
from rnnmem.verify import acf, fit_decay, gph, local_whittle, long_memory_test

ALPHA = 0.05


def shifted_noise(n, shifts, reps, rng):
    out = rng.standard_normal((reps, n))
    for row in out:
        points = rng.integers(n // 4, 3 * n // 4, size=shifts)
        signs = np.ones(shifts) if shifts == 1 else rng.choice([-1.0, 1.0], size=shifts)
        for point, sign in zip(points, signs):
            row[point:] += 1.5 * sign
    return out


def lmt_cases():
    """(name, simulator(n, reps, rng), verdict counted, kind of target, target)."""
    def arf(**kw):
        return lambda n, reps, rng: arfima(n, n_paths=reps, rng=rng, **kw)

    return [
        ("white noise", arf(d=0.0), "long", "max", ALPHA),
        ("AR(1) phi=0.5", arf(d=0.0, ar=[1, -0.5]), "long", "max", ALPHA),
        ("AR(1) phi=0.9", arf(d=0.0, ar=[1, -0.9]), "long", "max", ALPHA),
        ("AR(1) phi=0.95", arf(d=0.0, ar=[1, -0.95]), "long", "max", ALPHA),
        ("AR(2) roots 0.9, 0.5", arf(d=0.0, ar=[1, -1.4, 0.45]), "long", "max", ALPHA),
        ("one level shift", lambda n, reps, rng: shifted_noise(n, 1, reps, rng), "long", "max", ALPHA),
        ("three level shifts", lambda n, reps, rng: shifted_noise(n, 3, reps, rng), "long", "max", ALPHA),
        ("ARFIMA(0,0.2,0)", arf(d=0.2), "long", "min", 0.95),
        ("ARFIMA(0,0.4,0)", arf(d=0.4), "long", "min", 0.99),
        ("ARFIMA(1,0.2,0) phi=0.5", arf(d=0.2, ar=[1, -0.5]), "long", "min", 0.90),
        ("ARFIMA(0,-0.2,0)", arf(d=-0.2), "anti-persistent", "min", 0.95),
    ]


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

    for name, simulate, counted, kind, target in lmt_cases():
        paths = simulate(n, reps, rng)
        verdicts = [long_memory_test(x, alpha=ALPHA).verdict for x in paths]
        rate = sum(v == counted for v in verdicts) / reps
        rows.append((f"long_memory_test {name}", counted, rate, kind, target))

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
