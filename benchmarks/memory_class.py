"""Time of rnnmem.verify.memory_class on an LSTM (hidden 64, "quick" budget), by stage.

Usage::

    python benchmarks/memory_class.py            # the issue's case: LSTM, hidden size 64
    python benchmarks/memory_class.py --quick    # hidden size 8: a smoke run

Issue 5's targets on the 2-core machine: under 10 s for the first call in a fresh process
(Numba kernels loaded from the on-disk cache, or compiled if the cache is empty) and under
3 s once warm. The script times the first call and the best of ``--repeat`` warm calls,
and splits each into the stages of memory_class (conditions, ergodicity with its Lyapunov
exponent and forget-gate profile, the Definition 1 simulation, the Definition 1 statistics,
the Definition 3 coefficients), measured by wrapping the functions memory_class calls.
"""

from __future__ import annotations

import argparse
import collections
import importlib
import time

from rnnmem.networks import LSTM

# The module, not the function of the same name that rnnmem.verify may export.
mc_module = importlib.import_module("rnnmem.verify.memory_report")

STAGES = {
    "conditions": "theory.conditions (exact)",
    "ergodicity": "ergodicity (Lyapunov, coupling/ensemble, forget gates)",
    "run": "Definition 1 simulation (run)",
    "_decay_of_paths": "Definition 1 statistics (ACF, d, test)",
    "_definition3": "Definition 3 coefficients (Jacobian)",
}


def instrument(spent):
    """Wrap the stage functions in memory_class's namespace with timers."""
    for name in STAGES:
        original = getattr(mc_module, name)

        def timed(*args, _original=original, _name=name, **kwargs):
            start = time.perf_counter()
            try:
                return _original(*args, **kwargs)
            finally:
                spent[_name] += time.perf_counter() - start

        setattr(mc_module, name, timed)


def timed_call(network, spent, seed):
    spent.clear()
    start = time.perf_counter()
    report = mc_module.memory_class(network, budget="quick", rng=seed)
    return time.perf_counter() - start, dict(spent), report


def show(label, total, spent):
    print(f"{label}: {total:.2f} s")
    for name, text in STAGES.items():
        print(f"    {text:<58} {spent.get(name, 0.0):6.2f} s")
    rest = total - sum(spent.values())
    print(f"    {'other (validation, report)':<58} {rest:6.2f} s")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="hidden size 8 (smoke run)")
    parser.add_argument("--hidden", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    hidden = args.hidden or (8 if args.quick else 64)
    network = LSTM.random(1, hidden, rng=0)
    spent = collections.defaultdict(float)
    instrument(spent)
    first, first_spent, report = timed_call(network, spent, 0)
    best, best_spent = float("inf"), {}
    for k in range(args.repeat):
        total, stages, report = timed_call(network, spent, k + 1)
        if total < best:
            best, best_spent = total, stages
    print(f"memory_class(LSTM(1, {hidden}), budget='quick')")
    show("first call in this process (includes loading/compiling kernels)", first, first_spent)
    show(f"warm (best of {args.repeat})", best, best_spent)
    print(f"verdicts: Definition 1 {report.definition1}, Definition 3 {report.definition3}; "
          f"{report.n_steps} steps, {report.coefficients.norms.size} coefficient lags, "
          f"ergodicity by {report.ergodicity.method}")


if __name__ == "__main__":
    main()
