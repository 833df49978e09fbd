"""The catalogue of numerically validated claims of the three papers (THEORY.md §2-§6).

Each :class:`Claim` names the paper and the place, states the claim in words, says how it is
checked and whether the check is exact or statistical (with its error rate), and runs with
``claim.run(budget, rng, **parameters)``. ``rnnmem verify`` runs the catalogue and writes a
report (:func:`run_catalogue`, :class:`CatalogueReport`).

>>> from rnnmem.verify.claims import select_claims
>>> ids = [c.id for c in select_claims("zhao2020.theorem2.*")]
>>> "zhao2020.theorem2.linear-chain-spectral-radius" in ids
True
"""

from rnnmem.verify.claims._registry import (
    BUDGETS,
    KINDS,
    Budget,
    Claim,
    ClaimResult,
    Evidence,
    Measurement,
    all_claims,
    at_least,
    at_most,
    claim,
    claim_seed,
    close_to,
    equals,
    get_claim,
    greater_than,
    in_range,
    less_than,
    register,
    select_claims,
)
from rnnmem.verify.claims.report import CatalogueReport, run_catalogue

__all__ = [
    "BUDGETS",
    "KINDS",
    "Budget",
    "Claim",
    "ClaimResult",
    "Evidence",
    "Measurement",
    "all_claims",
    "at_least",
    "at_most",
    "claim",
    "claim_seed",
    "close_to",
    "equals",
    "get_claim",
    "greater_than",
    "in_range",
    "less_than",
    "register",
    "select_claims",
    "CatalogueReport",
    "run_catalogue",
]
