"""Speed of rnnmem.verify.acvf against statsmodels' acovf(fft=True), side by side.

Usage::

    python benchmarks/acvf.py                       # n = 10^7, lags 0..10^4 (the issue's case)
    python benchmarks/acvf.py --n 100000 --repeat 1  # a quick check

Both compute the biased (divide-by-n), demeaned sample autocovariance of the same
N(0, 1) series; the script checks they agree, times each (median of ``--repeat`` runs, the two alternating) and
prints the ratio statsmodels / rnnmem (above 1 means rnnmem is faster).

Why rnnmem can be faster: it zero-pads only to a fast length >= n + nlags (enough for
lags up to nlags) instead of ~2n, and uses scipy.fft's real transforms.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from statsmodels.tsa.stattools import acovf

from rnnmem.verify import acvf


def median_times(functions, repeat):
    """Median time of each function; the functions alternate within each repeat."""
    times = [[] for _ in functions]
    outputs = [None] * len(functions)
    for _ in range(repeat):
        for i, fn in enumerate(functions):
            start = time.perf_counter()
            outputs[i] = fn()
            times[i].append(time.perf_counter() - start)
    return [float(np.median(t)) for t in times], outputs


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10**7)
    parser.add_argument("--nlags", type=int, default=10**4)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    x = np.random.default_rng(0).standard_normal(args.n)
    (t_ours, t_sm), (ours, theirs) = median_times(
        [lambda: acvf(x, args.nlags), lambda: acovf(x, nlag=args.nlags, fft=True)], args.repeat
    )
    err = float(np.max(np.abs(ours - theirs)) / theirs[0])
    print(f"acvf of n = {args.n:,} up to lag {args.nlags:,} (median of {args.repeat}, alternating)")
    print(f"{'implementation':<34} {'seconds':>9}")
    print(f"{'rnnmem.verify.acvf':<34} {t_ours:9.3f}")
    print(f"{'statsmodels acovf(fft=True)':<34} {t_sm:9.3f}")
    print(f"ratio statsmodels / rnnmem: {t_sm / t_ours:.2f}")
    print(f"max |difference| / gamma(0): {err:.1e}")


if __name__ == "__main__":
    main()
