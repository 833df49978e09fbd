"""Claims on linear chains and the ergodicity theorems of Zhao et al. (2020), Section 2.

The worked example of the catalogue's pattern: one check function per claim, decorated with
:func:`~rnnmem.verify.claims.claim`, its premise in keyword parameters, its evidence a list of
measurements and a figure.
"""

from __future__ import annotations

import numpy as np

from rnnmem.verify.claims._registry import Evidence, at_most, claim, close_to, equals

ZHAO2020 = "Zhao et al. (2020)"


def _chain_with_radius(radius: float, size: int, rng: np.random.Generator):
    """A random non-normal linear chain whose transition matrix has spectral radius ``radius``.

    A random orthogonal similarity of an upper-triangular matrix keeps the eigenvalues (the
    diagonal, the largest in modulus being ``radius``) and makes W non-normal, so that
    ||W^k|| is not simply radius^k: the theorem is about the spectral radius, not the norm.
    """
    from rnnmem.networks import LinearChain

    eigenvalues = radius * np.concatenate(([1.0], rng.uniform(-0.9, 0.9, size - 1)))
    upper = np.diag(eigenvalues) + np.triu(rng.normal(0.0, 0.5, (size, size)), 1)
    q, _ = np.linalg.qr(rng.normal(size=(size, size)))
    return LinearChain(q @ upper @ q.T)


@claim(
    id="zhao2020.theorem2.linear-chain-spectral-radius",
    paper=ZHAO2020,
    place="Theorem 2",
    statement=(
        "A linear chain X_t = W X_{t-1} + (eps_t, 0) is geometrically ergodic (short memory) "
        "if and only if the spectral radius of W is below 1; its autocovariance then decays "
        "like rho(W)^k."
    ),
    method=(
        "Random non-normal transition matrices with a prescribed spectral radius: the "
        "condition report (Theorem 2) must say 'holds' exactly when the radius is below 1; "
        "the exact autocovariance Gamma(k) = W^k Gamma(0) must decay at the rate rho(W) "
        "(slope of log ||Gamma(k)|| over lags 200-400)."
    ),
    kind="exact",
    spectral_radius=0.9,
    size=4,
)
def linear_chain_theorem2(budget, rng, *, spectral_radius, size):
    from scipy.linalg import solve_discrete_lyapunov

    from rnnmem.theory import conditions

    network = _chain_with_radius(spectral_radius, size, rng)
    report = conditions(network)
    measurements = [
        equals("Theorem 2 condition (rho(W) < 1) reported by theory.conditions",
               report.holds, True),
        close_to("spectral radius of the generated W", network.spectral_radius,
                 spectral_radius, 1e-10),
    ]
    figure = None
    if report.holds:
        from rnnmem.figures._axes import figure_and_axes

        # Exact Gamma(k) = W^k Gamma(0): the per-lag norm ratio tends to rho(W) from any
        # starting Gamma(0), so the rate needs no simulation.
        w = network.weight
        lags = np.arange(0, 401)
        noise = np.zeros((size, size))
        noise[0, 0] = 1.0  # eps_t enters the observed coordinate only (ZH20 eq. 8)
        gamma0 = solve_discrete_lyapunov(w, noise)
        norms = np.empty(lags.size)
        current = gamma0.copy()
        for k in lags:
            norms[k] = np.linalg.norm(current, 2)
            current = w @ current
        slope = np.polyfit(lags[200:], np.log(norms[200:]), 1)[0]
        measurements.append(close_to("decay rate exp(slope) of ||Gamma(k)||, lags 200-400",
                                     float(np.exp(slope)), spectral_radius, 2e-3))
        fig, ax = figure_and_axes(None)
        ax.semilogy(lags, norms, label="||Gamma(k)|| (exact)")
        ax.semilogy(lags, norms[0] * spectral_radius ** lags, "--",
                    label=f"rho(W)^k, rho = {spectral_radius:g}")
        ax.set_xlabel("lag k (steps)")
        ax.set_ylabel("||Gamma(k)|| (spectral norm)")
        ax.set_title("Theorem 2: autocovariance of a linear chain")
        ax.legend()
        figure = fig
    return Evidence(measurements, figure,
                    notes="W is non-normal, so ||W^k|| differs from rho^k at small k; the "
                          "rate is read off the tail.")
