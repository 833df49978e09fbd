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
from .fractional import (
    frac_diff_partial_sum,
    frac_diff_weights,
    frac_integ_weights,
    frac_weights_asymptotic,
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
]
