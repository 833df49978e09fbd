"""The claim registry: what a claim must declare, how a run turns checks into results."""

from __future__ import annotations

import math

import numpy as np
import pytest

from rnnmem.verify.claims import (
    Budget,
    Claim,
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
    select_claims,
)


def _check(budget, rng, *, x=1.0):
    return Evidence([close_to("x", x, 1.0, 0.1)])


def _make(claim_id="test.registry.example", kind="exact", error_rate=None, check=_check,
          **parameters):
    return Claim(id=claim_id, paper="Test (2026)", place="Section 0", statement="x is 1.",
                 method="compare x with 1", kind=kind, error_rate=error_rate,
                 parameters=parameters or {"x": 1.0}, check=check)


# -- declaring claims -------------------------------------------------------------------------


def test_duplicate_id_is_refused(temporary_claims):
    temporary_claims(_make("test.registry.duplicate"))
    with pytest.raises(ValueError, match="already registered"):
        temporary_claims(_make("test.registry.duplicate"))


def test_decorator_registers_and_returns_the_function(temporary_claims):
    decorate = claim(id="test.registry.decorated", paper="P", place="Q", statement="S",
                     method="M", kind="exact", x=0.5)
    # Register through the fixture's cleanup: the decorator registers globally, so take the id
    # off again at the end of the test.
    function = decorate(_check)
    try:
        assert function is _check
        registered = get_claim("test.registry.decorated")
        assert registered.parameters == {"x": 0.5}
        assert not registered.run("quick", 0).passed  # x = 0.5 is not within 0.1 of 1
    finally:
        from rnnmem.verify.claims import _registry

        _registry._REGISTRY.pop("test.registry.decorated")


def test_bad_kind_is_refused():
    with pytest.raises(ValueError, match="kind"):
        _make(kind="numerical")


@pytest.mark.parametrize("rate", [None, 0.0, 1.0, 1.5])
def test_statistical_claim_needs_an_error_rate_in_0_1(rate):
    with pytest.raises(ValueError, match="error_rate"):
        _make(kind="statistical", error_rate=rate)


def test_exact_claim_must_not_state_an_error_rate():
    with pytest.raises(ValueError, match="error_rate.*must be None"):
        _make(kind="exact", error_rate=0.01)


def test_parameters_the_check_does_not_accept_are_refused():
    with pytest.raises(TypeError, match=r"does not accept the parameters \['y'\]"):
        _make(y=2.0)


def test_get_claim_names_the_unknown_id():
    with pytest.raises(KeyError, match="no claim with id 'nope'"):
        get_claim("nope")


# -- running claims ---------------------------------------------------------------------------


def test_unknown_override_raises():
    with pytest.raises(TypeError, match=r"has no parameter\(s\) \['z'\]"):
        _make().run("quick", 0, z=1)


def test_unknown_budget_raises():
    with pytest.raises(ValueError, match="budget"):
        _make().run("medium", 0)


def test_override_changes_the_outcome_and_why_names_the_requirement():
    passed = _make().run("quick", 0)
    failed = _make().run("quick", 0, x=2.0)
    assert passed.passed and "All 1 requirement(s) met" in passed.why
    assert not failed.passed
    assert failed.why == "Failed: x is 2, expected 1 +/- 0.1."
    assert failed.parameters == {"x": 2.0}


def test_a_raising_check_gives_a_failed_result_with_the_exception():
    def broken(budget, rng, *, x=1.0):
        raise ZeroDivisionError("premise divided by zero")

    result = _make(check=broken).run("quick", 0)
    assert not result.passed
    assert result.measurements == ()
    assert "ZeroDivisionError" in result.why and "premise divided by zero" in result.why
    assert "Traceback" in result.error
    assert result.key_measurement is None


def test_a_raising_check_closes_the_figures_it_opened():
    import matplotlib.pyplot as plt

    def draws_then_raises(budget, rng, *, x=1.0):
        plt.figure()
        raise RuntimeError("after drawing")

    before = set(plt.get_fignums())
    _make(check=draws_then_raises).run("quick", 0)
    assert set(plt.get_fignums()) == before


def test_a_check_not_returning_evidence_fails():
    result = _make(check=lambda budget, rng, *, x=1.0: 42).run("quick", 0)
    assert not result.passed and "must return Evidence" in result.why


def test_nan_measurement_fails():
    def nan_check(budget, rng, *, x=1.0):
        return Evidence([close_to("x", math.nan, 1.0, 0.1), at_most("y", 0.0, 1.0)])

    result = _make(check=nan_check).run("quick", 0)
    assert not result.passed
    assert "x is nan" in result.why


@pytest.mark.parametrize("measure", [
    lambda v: close_to("q", v, 0.0, 1.0), lambda v: at_most("q", v, 1.0),
    lambda v: at_least("q", v, -1.0), lambda v: in_range("q", v, -1.0, 1.0),
    lambda v: less_than("q", v, 1.0), lambda v: greater_than("q", v, -1.0),
])
def test_every_helper_fails_on_nan_and_passes_inside(measure):
    assert not measure(math.nan).passed
    assert measure(0.0).passed


def test_strict_helpers_are_strict():
    assert not less_than("rho", 1.0, 1.0).passed
    assert not greater_than("slope", 0.0, 0.0).passed
    assert at_most("rho", 1.0, 1.0).passed


def test_helpers_refuse_non_numbers():
    with pytest.raises(TypeError, match="must be a real number"):
        at_most("q", "0.5", 1.0)
    with pytest.raises(TypeError, match="must be a real number"):
        close_to("q", True, 1.0, 0.1)


def test_equals_accepts_a_set_of_options_and_numpy_bools():
    assert equals("verdict", "short", ("short", "anti-persistent")).passed
    assert not equals("verdict", "long", ("short", "anti-persistent")).passed
    assert equals("holds", np.bool_(True), True).passed


def test_evidence_needs_measurements_and_a_valid_key():
    with pytest.raises(TypeError, match="non-empty sequence of Measurement"):
        Evidence([])
    with pytest.raises(ValueError, match="`key` must index one of the 1 measurements"):
        Evidence([at_most("q", 0.0, 1.0)], key=3)


def test_key_measurement_is_the_first_failure_else_the_headline():
    def two(budget, rng, *, x=1.0):
        return Evidence([at_most("a", 0.0, 1.0), close_to("b", x, 1.0, 0.1)], key=0)

    assert _make(check=two).run("quick", 0).key_measurement.quantity == "a"
    assert _make(check=two).run("quick", 0, x=5.0).key_measurement.quantity == "b"


def test_budget_picks_its_size():
    assert Budget("quick").pick(quick=1, full=2) == 1
    assert Budget("full").pick(quick=1, full=2) == 2


def test_result_to_dict_is_json_ready():
    import json

    result = _make().run("quick", 3)
    out = json.loads(json.dumps(result.to_dict()))
    assert out["id"] == "test.registry.example" and out["seed"] == 3 and out["passed"]
    assert out["measurements"][0] == {"quantity": "x", "expected": "1 +/- 0.1",
                                      "measured": "1", "passed": True, "value": 1.0}


def test_measurement_is_plain_data():
    m = Measurement("q", "<= 1", "0.5", True, 0.5)
    assert m.to_dict()["value"] == 0.5


# -- selecting and seeding --------------------------------------------------------------------


def test_select_claims_patterns():
    ids = [c.id for c in all_claims()]
    assert [c.id for c in select_claims()] == ids
    theorem2 = [c.id for c in select_claims("zhao2020.theorem2.*")]
    assert theorem2 and all(i.startswith("zhao2020.theorem2.") for i in theorem2)
    # Plain text is a substring; a wildcard pattern must match the whole id.
    assert [c.id for c in select_claims("theorem2")] == theorem2
    assert select_claims("theorem2.*") == []
    assert select_claims("no-such-claim") == []
    assert [c.id for c in select_claims("zhao2020.section3.frac-weights-?ecursion")] == [
        "zhao2020.section3.frac-weights-recursion"]


@pytest.mark.parametrize("pattern", ["", 3])
def test_select_claims_refuses_empty_or_non_string(pattern):
    with pytest.raises(ValueError, match="`pattern` must be a non-empty string"):
        select_claims(pattern)


def test_claim_seed_depends_on_seed_and_id_only():
    a = claim_seed(0, "zhao2020.theorem2.linear-chain-spectral-radius")
    assert a == claim_seed(0, "zhao2020.theorem2.linear-chain-spectral-radius")
    assert a != claim_seed(1, "zhao2020.theorem2.linear-chain-spectral-radius")
    assert a != claim_seed(0, "zhao2020.theorem2.not-stationary-above-radius-one")
    assert 0 <= a < 2**63


def test_every_registered_claim_is_complete():
    for c in all_claims():
        assert c.id.count(".") >= 2, c.id
        assert c.statement and c.method and c.paper and c.place, c.id
        assert (c.error_rate is None) == (c.kind == "exact"), c.id


# -- known gaps ---------------------------------------------------------------------------------


def _gap(claim_id, x):
    return Claim(id=claim_id, paper="Test (2026)", place="Section 0", statement="x is 1.",
                 method="compare x with 1", kind="exact", error_rate=None,
                 parameters={"x": x}, check=_check, known_gap="the library cannot do it yet")


def test_a_known_gap_that_fails_is_reported_and_does_not_fail_the_catalogue(temporary_claims):
    from rnnmem.verify.claims import run_catalogue

    temporary_claims(_gap("test.registry.gap-fails", x=5.0))
    report = run_catalogue("test.registry.gap-*", budget="quick", seed=0)
    (result,) = report.results
    assert not result.passed and result.status == "KNOWN GAP" and result.ok
    assert report.passed
    assert "known gap: the library cannot do it yet" in report.summary()
    assert report.headline == "0 of 1 claims passed, 1 known gap"
    assert result.to_dict()["status"] == "KNOWN GAP"


def test_a_known_gap_that_passes_fails_the_catalogue(temporary_claims):
    from rnnmem.verify.claims import run_catalogue

    temporary_claims(_gap("test.registry.gap-closed", x=1.0))
    report = run_catalogue("test.registry.gap-*", budget="quick", seed=0)
    (result,) = report.results
    assert result.passed and result.status == "UNEXPECTED PASS" and not result.ok
    assert not report.passed
    assert report.headline == "0 of 1 claims passed, 1 failed"


def test_known_gap_must_be_text():
    with pytest.raises(TypeError, match="`known_gap` of claim 'test.registry.bad-gap' must"):
        Claim(id="test.registry.bad-gap", paper="P", place="Q", statement="S", method="M",
              kind="exact", error_rate=None, parameters={}, check=_check, known_gap=True)
