"""Exact results: fractional coefficients, ARFIMA closed forms, symbolic derivations.

No randomness anywhere in this subpackage. SymPy is imported only by
:mod:`rnnmem.theory.symbolic`.
"""

from .arfima import (
    arfima_acf,
    arfima_acvf,
    arfima_ma_weights,
    arfima_pacf,
    arfima_spectral_density,
)
from .coefficients import LinearCoefficients, linear_coefficients, truncated_filter_response
from .conditions import ConditionReport, conditions
from .curse_approximation import DEFAULT_BETAS, Approximation, approximation_error
from .curse_kernels import LinearRNN, white_noise_loss
from .curse_targets import (
    TargetKernel,
    airy_kernel,
    damped_cosine_kernel,
    delayed_bump_kernel,
    exp_over_linear_kernel,
    exponential_kernel,
    power_law_kernel,
    target_catalogue,
)
from .fractional import (
    frac_diff_partial_sum,
    frac_diff_weights,
    frac_integ_weights,
    frac_weights_asymptotic,
)
from .separation_empirical import EmpiricalStartEndRank, empirical_start_end_rank
from .separation_rac import MERSENNE_PRIME, RecurrentArithmeticCircuit, start_end_matrix, start_end_memory
from .separation_rank import (
    FloatRankWarning,
    SeparationBounds,
    StartEndRank,
    circuit_rank,
    multiset_coefficient,
    rank_mod_p,
    separation_rank_bounds,
    start_end_rank,
)

__all__ = [
    "frac_diff_weights",
    "frac_integ_weights",
    "frac_weights_asymptotic",
    "frac_diff_partial_sum",
    "arfima_acvf",
    "arfima_acf",
    "arfima_pacf",
    "arfima_spectral_density",
    "arfima_ma_weights",
    "conditions",
    "ConditionReport",
    "linear_coefficients",
    "LinearCoefficients",
    "truncated_filter_response",
    # Curse of memory (Li, Han, E, Li 2021)
    "LinearRNN",
    "white_noise_loss",
    "TargetKernel",
    "exponential_kernel",
    "exp_over_linear_kernel",
    "damped_cosine_kernel",
    "power_law_kernel",
    "delayed_bump_kernel",
    "airy_kernel",
    "target_catalogue",
    "approximation_error",
    "Approximation",
    "DEFAULT_BETAS",
    # Start-End separation rank (Levine et al.)
    "MERSENNE_PRIME",
    "RecurrentArithmeticCircuit",
    "start_end_matrix",
    "start_end_memory",
    "start_end_rank",
    "circuit_rank",
    "rank_mod_p",
    "separation_rank_bounds",
    "multiset_coefficient",
    "SeparationBounds",
    "StartEndRank",
    "FloatRankWarning",
    "empirical_start_end_rank",
    "EmpiricalStartEndRank",
]
