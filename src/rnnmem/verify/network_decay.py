"""Autocovariance decay of a network's output over stationary runs (Definition 1 evidence).

THEORY.md §2.3: a geometrically ergodic chain has exponentially decaying autocovariances of
y_t and y_t^2 (a straight line on a semi-log plot, convergent cumulative sums, d estimates
near 0). :func:`autocovariance_decay` simulates the chain past its mixing time, then reports
the sample ACFs, their decay-law fits (:func:`rnnmem.verify.decay.fit_decay`), spectral
estimates of d and the calibrated verdict of
:func:`rnnmem.verify.memory_test.long_memory_test`.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from rnnmem._results import Result
from rnnmem._rng import as_generator
from rnnmem._validation import as_integer, as_real
from rnnmem.simulate import run
from rnnmem.simulate.networks import _check_mode, _check_network

from ._common import as_series
from .autocovariance import acf
from .decay import DecayFit, fit_decay
from .estimators import WhittleEstimate, gph, local_whittle
from .memory_test import MemoryTest, long_memory_test

__all__ = ["AutocovarianceDecay", "autocovariance_decay", "series_decay"]


@dataclasses.dataclass(frozen=True)
class AutocovarianceDecay(Result):
    """Autocorrelation decay and memory estimates of a (simulated) series.

    Attributes
    ----------
    acf : ndarray, shape (max_lag + 1,)
        Sample ACF of y_t, averaged over the chains.
    acf_squared : ndarray, shape (max_lag + 1,)
        Sample ACF of y_t^2, averaged over the chains.
    acf_sum : float
        sum_{k=1}^{max_lag} |acf[k]|: bounded in max_lag under short memory.
    decay, decay_squared : DecayFit
        :func:`fit_decay` of the two ACFs (noise floor 2 / sqrt(n_chains * n_steps),
        mean-correction bias for series of length n_steps).
    d_gph, d_gph_se : float
        GPH estimate of d (bandwidth n^0.5) averaged over chains, and its standard error
        (spread across chains when there are several, else the estimator's own).
    d_local_whittle, d_local_whittle_se : float
        The same for local Whittle (bandwidth n^0.65).
    low_band : WhittleEstimate
        Local Whittle on the first chain at the small bandwidth m = n^0.5 (below the
        spectral knee of short-memory components): the cross-check of ``test``.
    test : MemoryTest
        :func:`long_memory_test` on the first chain: the Definition 1 verdict, a test with a
        stated error rate (alpha = 0.05), not a threshold.
    n_steps, n_chains, burn_in : int
    mode : str
        "autonomous", "driven" or "series" (for a given series).
    """

    acf: np.ndarray
    acf_squared: np.ndarray
    acf_sum: float
    decay: DecayFit
    decay_squared: DecayFit
    d_gph: float
    d_gph_se: float
    d_local_whittle: float
    d_local_whittle_se: float
    low_band: WhittleEstimate
    test: MemoryTest
    n_steps: int
    n_chains: int
    burn_in: int
    mode: str

    _title = "Autocovariance decay"

    def summary(self) -> str:
        return "\n".join([
            (f"Autocovariance decay ({self.mode}; {self.n_chains} x {self.n_steps} steps "
             f"after {self.burn_in} burn-in)"),
            f"  ACF of y   : {self.decay.law}: {self.decay.reason}",
            f"  ACF of y^2 : {self.decay_squared.law}: {self.decay_squared.reason}",
            f"  sum |acf|  : {self.acf_sum:.4g}",
            f"  d (GPH)    : {self.d_gph:.4f} (se {self.d_gph_se:.4f})",
            f"  d (LW)     : {self.d_local_whittle:.4f} (se {self.d_local_whittle_se:.4f})",
            f"  d (LW, m={self.low_band.m}): {self.low_band.d:.4f} (se {self.low_band.se:.4f})",
            f"  test       : {self.test.verdict}: {self.test.reason}",
        ])


def _pooled(values, own_se):
    values = np.asarray(values)
    if values.size > 1:
        return float(values.mean()), float(values.std(ddof=1) / math.sqrt(values.size))
    return float(values[0]), float(own_se)


def _decay_of_paths(paths, max_lag, burn_in, mode, alpha) -> AutocovarianceDecay:
    n_chains, n = paths.shape
    max_lag = min(max_lag, n - 2)
    floor = 2.0 / math.sqrt(n_chains * n)
    rho = acf(paths, max_lag).mean(axis=0)
    rho2 = acf(paths**2, max_lag).mean(axis=0)
    decay = fit_decay(rho, noise_floor=floor, n_obs=n)
    decay2 = fit_decay(rho2, noise_floor=floor, n_obs=n)
    g = [gph(row) for row in paths]
    lw = [local_whittle(row) for row in paths]
    d_g, se_g = _pooled([e.d for e in g], g[0].se)
    d_lw, se_lw = _pooled([e.d for e in lw], lw[0].se)
    test = long_memory_test(paths[0], alpha=alpha)
    return AutocovarianceDecay(
        acf=rho, acf_squared=rho2, acf_sum=float(np.sum(np.abs(rho[1:]))), decay=decay,
        decay_squared=decay2, d_gph=d_g, d_gph_se=se_g, d_local_whittle=d_lw,
        d_local_whittle_se=se_lw, low_band=local_whittle(paths[0], bandwidth=0.5), test=test, n_steps=n, n_chains=n_chains, burn_in=burn_in,
        mode=mode,
    )


def series_decay(x, *, max_lag=100, alpha=0.05) -> AutocovarianceDecay:
    """The evidence of :func:`autocovariance_decay` for given series.

    Parameters
    ----------
    x : array_like, shape (n,) or (paths, n)
        Finite, non-constant series, n >= 128 (the minimum of the long-memory test).
    max_lag : int, default 100
        Largest ACF lag (capped at n - 2), >= 3.
    alpha : float, default 0.05
        Level of the long-memory test.

    Returns
    -------
    AutocovarianceDecay
        With ``mode="series"`` and ``burn_in=0``.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.random.default_rng(0).standard_normal(2**16)
    >>> series_decay(x).test.verdict
    'short'
    """
    arr = as_series(x, "x", ndim=(1, 2), min_size=128)
    max_lag = as_integer(max_lag, "max_lag", minimum=3)
    alpha = as_real(alpha, "alpha", low=0.0, high=0.5, low_inclusive=False,
                    high_inclusive=False)
    paths = arr[None] if arr.ndim == 1 else arr
    return _decay_of_paths(paths, max_lag, 0, "series", alpha)


def autocovariance_decay(network, *, n_steps=2**14, n_chains=4, max_lag=100,
                         mode="autonomous", burn_in=None, noise_scale=1.0, alpha=0.05,
                         rng=None) -> AutocovarianceDecay:
    """Simulate a network's chain at stationarity and measure how its ACF decays.

    Parameters
    ----------
    network : Network
        Any network of :mod:`rnnmem.networks`; the first output coordinate is studied.
    n_steps : int, default 2**14
        Recorded steps per chain, >= 128.
    n_chains : int, default 4
        Independent chains, >= 1.
    max_lag : int, default 100
        Largest ACF lag, >= 3.
    mode : {"autonomous", "driven"}, default "autonomous"
        Autonomous: y_t of ZH20 eq. (7). Driven: z_t fed i.i.d. N(0, noise_scale^2) inputs.
    burn_in : int, optional
        Steps discarded first. Default: 20 half-lives of the chain as measured by
        :func:`rnnmem.verify.mixing.ergodicity` (at least 200, at most 10^5), so that
        the recorded part starts within 2^-20 of stationarity in the measured sense.
    noise_scale : float, default 1.0
    alpha : float, default 0.05
        Level of the long-memory test.
    rng : None, int or numpy.random.Generator

    Returns
    -------
    AutocovarianceDecay

    Raises
    ------
    rnnmem.simulate.DivergenceError
        If a chain diverges (the network's chain is not stationary).
    ValueError, TypeError
        Bad arguments.

    References
    ----------
    Zhao et al. (2020), Definition 1 and Theorems 1-2; THEORY.md §2.3.

    Examples
    --------
    >>> from rnnmem.networks import LinearChain
    >>> result = autocovariance_decay(LinearChain([[0.5]]), n_steps=4096, n_chains=2,
    ...                               max_lag=20, burn_in=100, rng=0)
    >>> result.decay.law, round(result.decay.rate, 1)
    ('exponential', 0.5)
    """
    _check_network(network)
    n_steps = as_integer(n_steps, "n_steps", minimum=128)
    n_chains = as_integer(n_chains, "n_chains", minimum=1)
    max_lag = as_integer(max_lag, "max_lag", minimum=3)
    mode = _check_mode(network, mode)
    noise_scale = as_real(noise_scale, "noise_scale", low=0.0)
    alpha = as_real(alpha, "alpha", low=0.0, high=0.5, low_inclusive=False,
                    high_inclusive=False)
    gen = as_generator(rng)
    if burn_in is None:
        from .mixing import ergodicity

        half = ergodicity(network, mode=mode, noise_scale=noise_scale, rng=gen).half_life
        burn_in = burn_in_from_half_life(half)
    else:
        burn_in = as_integer(burn_in, "burn_in", minimum=0)
    path = run(network, n_steps, mode=mode, n_chains=n_chains, burn_in=burn_in,
               noise_scale=noise_scale, rng=gen)
    paths = path.outputs[:, :, 0]
    return _decay_of_paths(paths, max_lag, burn_in, mode, alpha)


def burn_in_from_half_life(half_life: float) -> int:
    """20 half-lives, clipped to [200, 10^5] (10^5 also for an unmeasured half-life)."""
    if not math.isfinite(half_life):
        return 100_000
    return int(min(max(math.ceil(20.0 * half_life), 200), 100_000))
