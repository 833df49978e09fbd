"""Exact ARFIMA generation against the truncated MA filter people use today.

Side by side in one run, for one path of n = 10^6 (default d = 0.4):

- rnnmem ``arfima(method="davies-harte")``: exact circulant embedding, O(n log n), timed both
  for the first path of a model (autocovariance and eigenvalues computed) and for further
  paths of the same model (eigenvalues cached, as in a Monte Carlo study);
- statsmodels ``arma_generate_sample(ar=[1], ma=psi_0..psi_1000)``: the usual approach, a
  truncated MA(infinity) filter with 1000 fractional weights (``scipy.signal.lfilter``);
- rnnmem ``arfima(method="truncated", truncation=1000)``: the same truncated filter via FFT.

Timing: the methods alternate within each repeat (so drift in machine load hits all alike);
the table shows the median and the ratio of medians. Accuracy: the sample variance (known
zero mean) averaged over the repeats, against the exact gamma(0), with its Monte Carlo
standard error. Run with nothing else on the machine:

    python benchmarks/arfima.py [--n 1000000] [--d 0.4] [--repeats 11]
"""

from __future__ import annotations

import argparse
import platform
import time
import warnings

import numpy as np
from statsmodels.tsa.arima_process import arma_generate_sample

from rnnmem.simulate import TruncationBiasWarning, arfima
from rnnmem.simulate import arfima_paths
from rnnmem.theory import arfima_acvf, frac_integ_weights

TRUNCATION = 1000


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--d", type=float, default=0.4)
    parser.add_argument("--repeats", type=int, default=11)
    args = parser.parse_args(argv)
    n, d = args.n, args.d
    weights = frac_integ_weights(d, TRUNCATION + 1)
    gamma0 = arfima_acvf(0, d=d)[0]
    rng = np.random.default_rng(12345)

    def cold_exact():
        # First path of a model: autocovariance and circulant eigenvalues computed afresh.
        arfima_paths._ROOT_CACHE.clear()
        return arfima(n, d=d, rng=rng)

    methods = {
        "rnnmem davies-harte (exact), first path of a model": cold_exact,
        "rnnmem davies-harte (exact), further paths": lambda: arfima(n, d=d, rng=rng),
        "statsmodels arma_generate_sample, 1000 MA weights": lambda: arma_generate_sample(
            [1.0], weights, n, burnin=TRUNCATION,
            distrvs=lambda size: rng.standard_normal(size)),
        "rnnmem truncated (1000 MA weights, FFT)": lambda: arfima(
            n, d=d, method="truncated", truncation=TRUNCATION, rng=rng),
    }
    times = {name: [] for name in methods}
    variances = {name: [] for name in methods}
    with warnings.catch_warnings():
        # The truncated filter's bias is what the table shows; its warning is expected.
        warnings.simplefilter("ignore", TruncationBiasWarning)
        for generate in methods.values():  # warm-up (first-call costs, FFT plans)
            generate()
        for _ in range(args.repeats):
            for name, generate in methods.items():
                start = time.perf_counter()
                x = generate()
                times[name].append(time.perf_counter() - start)
                variances[name].append(np.dot(x, x) / x.size)

    reference = np.median(times["statsmodels arma_generate_sample, 1000 MA weights"])
    print(f"ARFIMA(0, {d}, 0), one path of n = {n:,}; {args.repeats} repeats; "
          f"exact gamma(0) = {gamma0:.6f}")
    print(f"machine: {platform.processor() or platform.machine()}, numpy {np.__version__}\n")
    # Exact sd of one path's known-mean second moment over gamma(0) (Gaussian series):
    # Var(sum x^2 / n) = (2/n) [gamma(0)^2 + 2 sum_k (1 - k/n) gamma(k)^2]. Under long memory it
    # is large and the distribution is right-skewed, so the sample sd of a few repeats
    # understates it: the se column uses this exact value.
    gamma = arfima_acvf(n - 1, d=d)
    k = np.arange(1, n)
    sd_one = np.sqrt(2.0 / n * (gamma[0] ** 2 + 2.0 * np.sum((1 - k / n) * gamma[1:] ** 2)))
    sd_one /= gamma[0]
    header = f"{'method':<54} {'median s':>9} {'vs statsmodels':>15} {'var/gamma0':>11} {'(se)':>7}"
    print(header)
    print("-" * len(header))
    for name in methods:
        median = np.median(times[name])
        ratio = np.asarray(variances[name]) / gamma0
        se = sd_one / np.sqrt(ratio.size)  # exact for the exact methods, an upper bound otherwise
        print(f"{name:<54} {median:>9.3f} {reference / median:>14.2f}x "
              f"{ratio.mean():>11.4f} {se:>7.4f}")
    deficit = 1 - np.dot(weights, weights) / gamma0
    print(f"\nTheoretical variance deficit of the 1000-weight filter: {100 * deficit:.1f}%")
    print(f"sd of one exact path's var/gamma0 (exact formula): {sd_one:.4f}; se = sd/sqrt(repeats)")


if __name__ == "__main__":
    main()
