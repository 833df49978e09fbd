"""Error rates of memory_class's Definition 1 verdict, where the test's "long" is unconfirmed.

Usage::

    python benchmarks/calibration_verdict.py              # n = 2^16, 200 series, 40 networks
    python benchmarks/calibration_verdict.py --reps 20 --seeds 5   # a smoke run

``memory_class`` keeps the spectral test's "long" only when local Whittle at m = n^0.5 and
the ACF's power law confirm it; when the low-band estimate is not significant, it says
"short" if its (1 - alpha) interval lies within the test's margin (±0.1), else
"inconclusive". Two error rates follow, measured here:

- false "short" under long memory at the margin (ARFIMA with d = 0.1 and 0.15): the new
  rule is an equivalence test at level alpha / 2 per side (asymptotically), and the test's
  own band rule adds up to another alpha / 2, so at most about alpha = 0.05 for d >= 0.1;
- false "long" under short memory (white noise, AR(1), and the issue's zoo networks whose
  fixed seed drew an unconfirmed "long"): at most alpha = 0.05, as before.

Every case reports the share of each verdict with its binomial standard error. Network cases
replicate ``memory_class(network, rng=seed)`` over seeds 1..``seeds`` (fresh inputs, same
weights); series cases use exact Davies-Harte paths from one fixed seed.
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np

from rnnmem.networks import MRNNF, RNN, LinearChain
from rnnmem.simulate import arfima
from rnnmem.verify.memory_report import memory_class

VERDICTS = ("long", "short", "anti-persistent", "inconclusive")

SERIES = {
    "ARFIMA(0, 0.1, 0)": dict(d=0.1),
    "ARFIMA(0, 0.15, 0)": dict(d=0.15),
    "ARFIMA(1, 0.1, 0), phi 0.5": dict(d=0.1, ar=[1, -0.5]),
    "white noise": dict(d=0.0),
    "AR(1) 0.5": dict(d=0.0, ar=[1, -0.5]),
}

NETWORKS = {
    "tanh RNN scale 0.5": lambda: RNN.random(1, 8, scale=0.5, rng=0),
    "tanh RNN scale 2": lambda: RNN.random(1, 8, scale=2.0, rng=2),
    "linear chain rho 0.95": lambda: LinearChain.random(1, 2, scale=0.95, rng=0),
    "linear MRNNF d 0.3 K 2000": lambda: MRNNF.random(1, 2, d=0.3, filter_length=2000,
                                                       scale=0.3, rng=3),
}


def _row(name, verdicts, seconds):
    reps = len(verdicts)
    cells = []
    for verdict in VERDICTS:
        p = sum(v == verdict for v in verdicts) / reps
        cells.append(f"{p:.3f} ({math.sqrt(p * (1 - p) / reps):.3f})")
    print(f"| {name} | {reps} | " + " | ".join(cells) + f" | {seconds:.0f} |", flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2**16)
    parser.add_argument("--reps", type=int, default=200)
    parser.add_argument("--seeds", type=int, default=40)
    args = parser.parse_args(argv)
    print(f"Definition 1 verdicts of memory_class, n = {args.n} (series), quick budget "
          "(networks); shares with binomial se\n")
    print("| case | reps | P(long) | P(short) | P(anti-persistent) | P(inconclusive) | s |")
    print("|---|---|---|---|---|---|---|")
    for i, (name, model) in enumerate(SERIES.items()):
        start = time.perf_counter()
        rng = np.random.default_rng(20261125 + i)
        verdicts = [memory_class(arfima(args.n, rng=rng, **model)).definition1
                    for _ in range(args.reps)]
        _row(name, verdicts, time.perf_counter() - start)
    for name, make in NETWORKS.items():
        start = time.perf_counter()
        network = make()
        verdicts = [memory_class(network, rng=seed).definition1
                    for seed in range(1, args.seeds + 1)]
        _row(name, verdicts, time.perf_counter() - start)


if __name__ == "__main__":
    main()
