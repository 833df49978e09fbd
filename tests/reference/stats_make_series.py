"""Write ``stats_series.csv``: the test series fed to R's fracdiff::fdGPH by ``r_fdgph.R``.

Run from this folder: ``python stats_make_series.py``. Plain NumPy with fixed seeds, so the
file can be regenerated bit for bit. Columns (all of length 1000):

- ``white``: i.i.d. N(0, 1);
- ``ar1``: AR(1) with phi = 0.6, started from its stationary law;
- ``fracma``: (1 - B)^{-0.3} applied to N(0, 1) noise, truncated after 5000 weights
  (an approximately ARFIMA(0, 0.3, 0) series; only a test input, exactness does not matter);
- ``trend``: a random walk plus noise (strong low-frequency power).
"""

import numpy as np


def main():
    n = 1000
    rng = np.random.default_rng(20261125)
    white = rng.standard_normal(n)

    e = rng.standard_normal(n)
    ar1 = np.empty(n)
    ar1[0] = e[0] / np.sqrt(1 - 0.36)
    for t in range(1, n):
        ar1[t] = 0.6 * ar1[t - 1] + e[t]

    k = 5000
    psi = np.cumprod(np.r_[1.0, (np.arange(1, k) - 1 + 0.3) / np.arange(1, k)])
    eps = rng.standard_normal(n + k)
    fracma = np.convolve(eps, psi, mode="valid")[:n]

    trend = np.cumsum(rng.standard_normal(n)) * 0.2 + rng.standard_normal(n)

    data = np.column_stack([white, ar1, fracma, trend])
    np.savetxt(
        "stats_series.csv", data, delimiter=",", header="white,ar1,fracma,trend",
        comments="", fmt="%.17g",
    )


if __name__ == "__main__":
    main()
