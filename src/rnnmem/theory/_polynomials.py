"""Validation of ARMA lag polynomials (statsmodels' convention, leading coefficient 1)."""

from __future__ import annotations

import numpy as np

from rnnmem._validation import as_real_array

__all__ = ["lag_polynomial", "smallest_root_modulus"]


def smallest_root_modulus(poly: np.ndarray) -> float:
    """Smallest modulus of the roots of 1 + c_1 z + ... + c_p z^p (inf for a constant)."""
    trimmed = np.trim_zeros(poly, "b")
    if trimmed.size <= 1:
        return np.inf
    return float(np.min(np.abs(np.roots(trimmed[::-1]))))


def lag_polynomial(coefs, name: str) -> np.ndarray:
    """Validate an AR or MA lag polynomial and return it as a float64 array with leading 1.

    ``()`` or ``None`` means the constant polynomial 1. Otherwise the first coefficient must
    be 1 (statsmodels' convention: ``ar=[1, -0.5]`` is X_t = 0.5 X_{t-1} + ...,
    ``ma=[1, 0.3]`` is eps_t + 0.3 eps_{t-1}). The roots must lie strictly outside the unit
    circle: stationarity for ``ar``, invertibility for ``ma``.
    """
    if coefs is None or (not isinstance(coefs, np.ndarray) and len(coefs) == 0):
        return np.ones(1)
    poly = as_real_array(coefs, name, ndim=1, min_size=1)
    if poly[0] != 1.0:
        sign = "-" if name == "ar" else ""
        raise ValueError(
            f"`{name}` must be a lag polynomial with leading coefficient 1 (statsmodels' "
            f"convention, e.g. {name}=[1, {sign}0.5]); got {name}={poly.tolist()}."
        )
    modulus = smallest_root_modulus(poly)
    if modulus <= 1.0:
        what = "stationary" if name == "ar" else "invertible"
        raise ValueError(
            f"`{name}` must have all roots outside the unit circle for a {what} process; "
            f"got {name}={poly.tolist()} with a root of modulus {modulus:.6g}."
        )
    return np.trim_zeros(poly, "b")
