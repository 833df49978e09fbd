"""Statistics on sample paths and the verdicts built from them.

Autocovariance
    :func:`acvf`, :func:`acf`, :func:`bartlett_bands`.
Spectral estimators of the memory parameter d (THEORY.md §1.4)
    :func:`periodogram`, :func:`gph`, :func:`local_whittle`, :func:`exact_local_whittle`,
    :func:`whittle`; time domain: :func:`dfa`.
Decay laws
    :func:`fit_decay` decides between exponential and power-law decay of a sample ACF or
    of a coefficient sequence (Zhao et al. 2020, Definitions 1 and 3).
Verdict
    :func:`long_memory_test`: a calibrated test of H0: d <= 0 guarded against spurious
    long memory (Qu 2011, :func:`qu_test`).
Networks (Zhao et al. 2020)
    :func:`ergodicity` (coupling, ensemble, Lyapunov exponent, forget-gate profile),
    :func:`autocovariance_decay`, :func:`coefficients` (Definition 3: exact, Jacobian or
    Stein), and :func:`memory_class`, the report with a verdict per definition.
Curse of memory (Li et al. 2021)
    :func:`plateau_experiment`.
"""

from rnnmem.verify.autocovariance import acf, acvf, bartlett_bands
from rnnmem.verify.decay import DecayFit, fit_decay
from rnnmem.verify.dfa import DFAResult, dfa
from rnnmem.verify.estimators import (
    GPHEstimate,
    WhittleEstimate,
    exact_local_whittle,
    gph,
    local_whittle,
    whittle,
)
from rnnmem.verify.memory_test import MemoryTest, QuTest, long_memory_test, qu_test
from rnnmem.verify.periodogram import Periodogram, periodogram
from rnnmem.verify.definition3 import CoefficientEstimate, LogLawFit, coefficients, log_law
from rnnmem.verify.mixing import (
    ErgodicityResult,
    ForgetGateProfile,
    ergodicity,
    forget_gate_profile,
    lyapunov_exponent,
)
from rnnmem.verify.memory_report import MemoryReport, memory_class
from rnnmem.verify.network_decay import AutocovarianceDecay, autocovariance_decay, series_decay
from rnnmem.verify.plateau import PlateauExperiment, PlateauWarning, plateau_experiment, plateau_loss

__all__ = [
    "ergodicity",
    "ErgodicityResult",
    "ForgetGateProfile",
    "forget_gate_profile",
    "lyapunov_exponent",
    "autocovariance_decay",
    "AutocovarianceDecay",
    "series_decay",
    "coefficients",
    "CoefficientEstimate",
    "LogLawFit",
    "log_law",
    "memory_class",
    "MemoryReport",
    "plateau_experiment",
    "PlateauExperiment",
    "PlateauWarning",
    "plateau_loss",
    "DFAResult",
    "DecayFit",
    "GPHEstimate",
    "MemoryTest",
    "Periodogram",
    "QuTest",
    "WhittleEstimate",
    "acf",
    "acvf",
    "bartlett_bands",
    "dfa",
    "exact_local_whittle",
    "fit_decay",
    "gph",
    "local_whittle",
    "long_memory_test",
    "periodogram",
    "qu_test",
    "whittle",
]
