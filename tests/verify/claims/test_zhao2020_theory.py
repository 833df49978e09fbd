"""Claims of rnnmem.verify.claims.zhao2020_theory: they pass as registered (quick budget, seed
0, read from the session's catalogue run) and fail, saying why, when their premise is broken."""

from __future__ import annotations

import pytest

from rnnmem.verify.claims import claim_seed, get_claim, select_claims

THEORY_IDS = [
    "zhao2020.section3.frac-weights-recursion",
    "zhao2020.section3.frac-weights-asymptotics",
    "zhao2020.section3.frac-partial-sums",
    "zhao2020.section3.symbolic-derivations",
    "zhao2020.definition1.arfima-long-memory-exact",
    "zhao2020.definition1.arfima-long-memory-simulated",
    "zhao2020.theorem1.drift-condition",
    "zhao2020.theorem2.linear-chain-spectral-radius",
    "zhao2020.theorem2.not-stationary-above-radius-one",
    "zhao2020.table1.separate-bounds-not-sufficient",
]



def test_the_module_registers_these_claims_in_this_order():
    module = [c.id for c in select_claims()
              if c.check.__module__ == "rnnmem.verify.claims.zhao2020_theory"]
    assert module == THEORY_IDS


def test_every_registered_claim_passes_quick_with_seed_0(quick_report):
    # Known gaps (documented open problems of the library) must fail as they say; every
    # other claim must pass. This is what `rnnmem verify --quick` exits 0 on.
    failed = [f"{r.claim.id}: {r.status}: {r.why}" for r in quick_report.results if not r.ok]
    assert failed == []
    assert quick_report.passed


@pytest.mark.parametrize("claim_id", THEORY_IDS)
def test_theory_claim_passes_with_a_figure_and_states_its_kind(quick_report, claim_id):
    result = quick_report.result(claim_id)
    assert result.passed, result.why
    assert quick_report.figures[quick_report.results.index(result)] is not None
    assert result.measurements
    claim = result.claim
    if claim.kind == "statistical":
        # The method text says how the error rate was obtained.
        assert "rror rate" in claim.method


BROKEN = [
    ("zhao2020.section3.frac-weights-recursion", {"reference": "notation-trap"},
     "max relative error of w_j against (-d)_j/j!"),
    ("zhao2020.section3.frac-weights-asymptotics", {"law": "integ"},
     "relative error at j = 10^6 is"),
    ("zhao2020.section3.frac-partial-sums", {"closed_form": "asymptotic"},
     "fsum of w_j - closed form"),
    ("zhao2020.section3.symbolic-derivations", {"include_trap": True},
     "identities proved by SymPy (of all claimed) is 17 of 18"),
    ("zhao2020.definition1.arfima-long-memory-exact", {"d": 0.0},
     "growth exponent of the partial sums, K = 10000..100000 is 0, expected > 0"),
    ("zhao2020.definition1.arfima-long-memory-exact", {"d": -0.2},
     "growth exponent of the partial sums"),
    ("zhao2020.definition1.arfima-long-memory-simulated", {"d": 0.0},
     "mean Whittle estimate / SE (long memory: d > 0)"),
    ("zhao2020.theorem1.drift-condition", {"a": 1.2},
     "ReLU RNN: drift constant a (theory.conditions) is 1.2, expected < 1"),
    ("zhao2020.theorem2.linear-chain-spectral-radius", {"spectral_radius": 1.01},
     "Theorem 2 condition (rho(W) < 1) reported by theory.conditions is False, expected True"),
    ("zhao2020.theorem2.not-stationary-above-radius-one", {"spectral_radius": 0.9},
     "exact Var(y_T) / Var(y_(T/2)), T = 1000 is 1, expected >= 1.5"),
    ("zhao2020.table1.separate-bounds-not-sufficient", {"w_hy": 0.05},
     "spectral radius of the identity-activation network's one-step map is 0.945"),
]


@pytest.mark.parametrize("claim_id, overrides, reason", BROKEN,
                         ids=[f"{c.split('.')[-1]}-{list(o.values())[0]}" for c, o, _ in BROKEN])
def test_breaking_the_premise_fails_and_says_why(claim_id, overrides, reason):
    result = get_claim(claim_id).run("quick", claim_seed(0, claim_id), **overrides)
    assert not result.passed
    assert result.why.startswith("Failed: ")
    assert reason in result.why
    assert result.error == ""  # a failed requirement, not a crash


def test_unit_root_is_also_not_stationary():
    # Theorem 2: rho(W) >= 1, so rho = 1 exactly belongs to the 'only if' direction too.
    claim_id = "zhao2020.theorem2.not-stationary-above-radius-one"
    result = get_claim(claim_id).run("quick", claim_seed(0, claim_id), spectral_radius=1.0)
    assert result.passed, result.why


def test_radius_below_one_fails_the_only_if_claim_at_every_requirement():
    claim_id = "zhao2020.theorem2.not-stationary-above-radius-one"
    result = get_claim(claim_id).run("quick", claim_seed(0, claim_id), spectral_radius=0.5)
    missed = [m.quantity for m in result.measurements if not m.passed]
    assert "Theorem 2 condition (rho(W) < 1) reported by theory.conditions" in missed
    assert "exact Var(y_T) / Var(y_(T/2)), T = 1000" in missed
    assert "simulated Var(y_T) / Var(y_(T/2))" in missed


@pytest.mark.parametrize("claim_id, overrides, match", [
    ("zhao2020.section3.frac-weights-recursion", {"reference": "gamma"}, "`reference` must be"),
    ("zhao2020.section3.frac-weights-asymptotics", {"law": "psi"}, "`law` must be"),
    ("zhao2020.section3.frac-partial-sums", {"closed_form": "x"}, "`closed_form` must be"),
])
def test_bad_parameter_values_fail_with_a_clear_reason(claim_id, overrides, match):
    result = get_claim(claim_id).run("quick", 0, **overrides)
    assert not result.passed and "ValueError" in result.why and match in result.why


def test_measured_numbers_are_the_documented_ones(quick_report):
    values = {m.quantity: m.value
              for m in quick_report.result(
                  "zhao2020.definition1.arfima-long-memory-exact").measurements}
    assert abs(values["growth exponent against 2d"] - 0.6) < 0.01
    asym = {m.quantity: m.value
              for m in quick_report.result(
                  "zhao2020.section3.frac-weights-asymptotics").measurements}
    # 10^6 x relative error -> d(d+1)/2 = 0.28 for d = 0.4.
    assert abs(asym["d = 0.4: 10^6 x relative error at j = 10^6 (-> |d(d+1)|/2)"] - 0.28) < 3e-4
