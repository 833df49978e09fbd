"""Fixtures of the claim-catalogue tests: one quick run of the whole catalogue per session,
and claims registered only for the duration of a test."""

from __future__ import annotations

import matplotlib
import pytest

matplotlib.use("Agg")

import functools  # noqa: E402

from rnnmem.verify.claims import _registry, claim_seed, get_claim, run_catalogue  # noqa: E402


@pytest.fixture(scope="session")
def quick_report():
    """The whole catalogue under the quick budget with seed 0, as `rnnmem verify --quick` runs
    it; per-claim tests read their results from here instead of rerunning the checks."""
    return run_catalogue(budget="quick", seed=0)


@functools.cache
def _run_once(claim_id, overrides):
    import matplotlib.pyplot as plt

    result = get_claim(claim_id).run("quick", claim_seed(0, claim_id), **dict(overrides))
    if result.figure is not None:
        plt.close(result.figure)
    return result


@pytest.fixture(scope="session")
def run_claim():
    """``run_claim(claim_id, **overrides)``: one claim under the quick budget and the
    catalogue's seed, with its premise changed by ``overrides``; each distinct call runs once
    per session, since several tests read the same broken premise."""

    def run(claim_id, **overrides):
        return _run_once(claim_id, tuple(sorted(overrides.items())))

    return run


@pytest.fixture
def temporary_claims():
    """A ``register(claim)`` function whose claims are removed from the catalogue after the
    test, so that test-only claims never reach the session's catalogue run."""
    _registry.all_claims()  # load the real catalogue first, so ids stay in order
    added = []

    def register(new):
        _registry.register(new)
        added.append(new.id)
        return new

    yield register
    for claim_id in added:
        _registry._REGISTRY.pop(claim_id, None)
