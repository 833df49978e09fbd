"""Claims of rnnmem.verify.claims.zhao2020_networks: they pass as registered (quick budget, the
catalogue's seed, read from the session's catalogue run) and fail, saying why, when their
premise is broken."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pytest

from rnnmem.verify.claims import claim_seed, get_claim, select_claims

NETWORK_IDS = [
    "zhao2020.corollary1.tanh-any-weights",
    "zhao2020.table1.relu-inside-simulated",
    "zhao2020.table1.relu-outside-simulated",
    "zhao2020.corollary2.lstm-forget-gate-below-one",
    "zhao2020.corollary2.saturated-forget-gate",
    "zhao2020.definition3.rnn-geometric-mrnnf-polynomial",
    "zhao2020.theorem4.mlstmf-impulse-response",
    "zhao2020.theorem4.mlstm-stability-bound",
]



def test_the_module_registers_these_claims_in_this_order():
    module = [c.id for c in select_claims()
              if c.check.__module__ == "rnnmem.verify.claims.zhao2020_networks"]
    assert module == NETWORK_IDS


@pytest.mark.parametrize("claim_id", NETWORK_IDS)
def test_claim_passes_quick_with_its_catalogue_seed(quick_report, claim_id):
    result = quick_report.result(claim_id)
    assert result.passed, result.why
    assert result.seed == claim_seed(0, claim_id)
    assert quick_report.figures[quick_report.results.index(result)] is not None
    if result.claim.kind == "statistical":
        assert "Error rate" in result.claim.method  # says how the rate was obtained


def test_measured_numbers_are_the_documented_ones(quick_report):
    values = {m.quantity: m.value
              for m in quick_report.result(
                  "zhao2020.theorem4.mlstmf-impulse-response").measurements}
    # THEORY.md §4: |z*| = 1.01171 for d = 0.4, K = 100; psi_k(d) reproduced to rounding.
    key = "|z*|, smallest root of sum_j w_j(d) z^j, d = 0.4, K = 100, vs THEORY.md"
    assert abs(values[key] - 1.0117082664665) < 1e-10
    assert values["max relative error of c_k/u_0 against psi_k(d) (mpmath), k = 0..100"] < 1e-13
    slopes = {m.quantity: m.value
              for m in quick_report.result(
                  "zhao2020.definition3.rnn-geometric-mrnnf-polynomial").measurements}
    assert abs(slopes["MRNNF: log-log slope of ||A_k||, lags 100-1000"] + 1.3) < 0.01


BROKEN = [
    ("zhao2020.corollary1.tanh-any-weights", {"activation": "relu", "weight_scales": (4.0,)},
     ("scale 4: sufficient condition (Theorem 1 (Table 1 conditions, operator norms)) holds "
      "is False, expected True")),
    ("zhao2020.table1.relu-inside-simulated", {"random_scale": 3.0},
     "random, 4 units, scale 3: Table 1 drift condition (operator norms) holds"),
    ("zhao2020.table1.relu-outside-simulated", {"explosive_weights": (0.5, 0.3, 0.5)},
     "explosive example: chains that diverged within 2000 steps (of 4) is 0, expected 4"),
    ("zhao2020.corollary2.lstm-forget-gate-below-one", {"forget_bias": 40.0},
     "analytic sup f of the forget gates is 1, expected < 1"),
    # f = sigmoid(40 + ...) rounds to 1: the cell never forgets within the horizon.
    ("zhao2020.corollary2.saturated-forget-gate", {"forget_bias": 40.0},
     ("saturated LSTM: upper end of the 95% CI of the forgetting rate (coupling) is 1, "
      "expected < 1")),
    ("zhao2020.definition3.rnn-geometric-mrnnf-polynomial", {"spectral_radius": 1.0},
     "RNN: decay rate of ||A_k||, lags 100-300 (geometric decay) is 1, expected < 1"),
    ("zhao2020.definition3.rnn-geometric-mrnnf-polynomial", {"filter_length": 500},
     ("MRNNF: decay law of ||A_k|| on the log scale, lags 100-1000 is exponential, "
      "expected power")),
    ("zhao2020.theorem4.mlstmf-impulse-response", {"filter_length": 25},
     "d = 0.4, K = 25, vs THEORY.md is 1.04723, expected 1.01171"),
    ("zhao2020.theorem4.mlstmf-impulse-response", {"d": 0.3},
     "d = 0.3, K = 100, vs THEORY.md is 1.01589, expected 1.01171"),
    # Gates fed back from h_(t-1) are no longer constant: the response is not psi_k(d).
    ("zhao2020.theorem4.mlstmf-impulse-response", {"recurrent_scale": 1.0},
     "max relative error of c_k/u_0 against psi_k(d) (mpmath), k = 0..100 is"),
    ("zhao2020.theorem4.mlstm-stability-bound", {"inside_d": (0.45, 1.2)},
     "largest sum_j (-w_j(d)) over the grid (at d = 1.2, K = 25) is 1.00363, expected < 1"),
    ("zhao2020.theorem4.mlstm-stability-bound", {"outside_d": 0.4},
     "d = 0.4: growth rate of the impulse response, lags 125-250 is 0.9549, expected > 1"),
]


@pytest.mark.parametrize("claim_id, overrides, reason", BROKEN,
                         ids=[f"{c.split('.')[-1]}-{next(iter(o))}" for c, o, _ in BROKEN])
def test_breaking_the_premise_fails_and_says_why(claim_id, overrides, reason):
    result = get_claim(claim_id).run("quick", claim_seed(0, claim_id), **overrides)
    if result.figure is not None:
        plt.close(result.figure)  # pyplot keeps every figure alive; nobody renders these
    assert not result.passed
    assert result.why.startswith("Failed: ")
    assert reason in result.why
    assert result.error == ""  # a failed requirement, not a crash
