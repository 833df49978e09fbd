"""Import every claim module once, in the order the report lists them.

Each module registers its claims with :func:`rnnmem.verify.claims.claim` at import time.
"""

from rnnmem.verify.claims import (  # noqa: F401
    zhao2020_theory,
    zhao2020_networks,
    zhao2020_zoo,
    li2021,
    levine2018,
)
