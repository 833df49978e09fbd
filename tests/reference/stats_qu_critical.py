"""Null distribution of Qu's (2011) W statistic, by simulation of its limit.

Regenerates the table ``_QU_QUANTILES`` in ``src/rnnmem/verify/memory_test.py`` and
``stats_qu_critical.csv`` here. Run from this folder: ``python stats_qu_critical.py``
(about two minutes on one core).

Under the null, the local Whittle first-order conditions make the normalised terms
r_j = I_j lambda_j^{2 d_hat} / G_hat - 1 the residuals of i.i.d. unit-variance noise
regressed on (1, nu_j), nu_j = log lambda_j - mean(log lambda). So W has the limit law of
    max_{j >= floor(eps m)} |sum_{i <= j} nu_i r_i| / sqrt(sum nu_i^2)
as m -> infinity with Gaussian noise. We simulate that with m = 5000 and 400 000 draws.
Check: the 10%, 5%, 2.5% and 1% quantiles must match Qu's Table 1
(eps = 0.02: 1.118, 1.252, 1.374, 1.517; eps = 0.05: 1.022, 1.155, 1.277, 1.426).
"""

import numpy as np


def main():
    M, DRAWS, CHUNK = 5000, 400_000, 2_000
    LEVELS = [0.5, 0.3, 0.2, 0.1, 0.05, 0.025, 0.01, 0.005, 0.002, 0.001, 0.0005]

    rng = np.random.default_rng(2011)
    log_j = np.log(np.arange(1, M + 1))
    nu = log_j - log_j.mean()
    design = np.column_stack([np.ones(M), nu])
    projector = np.linalg.solve(design.T @ design, design.T)  # (2, M)
    norm = np.sqrt(nu @ nu)
    stats = {0.02: [], 0.05: []}
    for _ in range(DRAWS // CHUNK):
        e = rng.standard_normal((CHUNK, M))
        resid = e - (e @ projector.T) @ design.T
        partial = np.abs(np.cumsum(resid * nu, axis=1)) / norm
        for eps in stats:
            start = max(int(np.floor(eps * M)), 1)
            stats[eps].append(partial[:, start - 1 :].max(axis=1))
    rows = []
    for eps, chunks in stats.items():
        w = np.concatenate(chunks)
        q = np.quantile(w, [1 - lvl for lvl in LEVELS])
        rows.append([eps, *q])
        print(eps, " ".join(f"{lvl}:{v:.4f}" for lvl, v in zip(LEVELS, q)))
    np.savetxt("stats_qu_critical.csv", np.array(rows), delimiter=",", fmt="%.4f",
               header="trim," + ",".join(str(lvl) for lvl in LEVELS), comments="")


if __name__ == "__main__":
    main()
