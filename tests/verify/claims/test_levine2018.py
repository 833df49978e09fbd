"""Claims of rnnmem.verify.claims.levine2018 (Start-End separation rank): they pass as
registered (quick budget, the catalogue's seed, read from the session's catalogue run) and
fail, saying why, when their premise is broken on purpose; and the references the checks use
(row reduction, rational circuit, degree bound) against independent ones."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from rnnmem.theory.separation_rac import (
    MERSENNE_PRIME,
    RecurrentArithmeticCircuit,
    start_end_matrix,
)
from rnnmem.verify.claims import claim_seed, select_claims
from rnnmem.verify.claims.levine2018 import (
    _multisets,
    _output_degree,
    _rational_matrix,
    _rational_rank,
    _row_reduction_rank,
    _sympy_rank,
)

LEVINE2018_IDS = [
    "levine2018.shallow.rank-min-r-m-half",
    "levine2018.theorem1.depth2-rank-grows-with-t",
    "levine2018.depth.never-lowers-rank",
    "levine2018.degenerate.identity-hidden-multiset",
    "levine2018.method.exact-rank-mod-p",
]




def test_the_module_registers_these_claims_in_this_order():
    module = [c.id for c in select_claims()
              if c.check.__module__ == "rnnmem.verify.claims.levine2018"]
    assert module == LEVINE2018_IDS


@pytest.mark.parametrize("claim_id", LEVINE2018_IDS)
def test_claim_passes_quick_with_the_catalogue_seed(quick_report, claim_id):
    result = quick_report.result(claim_id)
    assert result.passed, result.why
    assert result.seed == claim_seed(0, claim_id)
    assert quick_report.figures[quick_report.results.index(result)] is not None
    assert result.claim.kind == "exact"
    if claim_id.endswith("exact-rank-mod-p"):
        # the method's check says it is not a claim of the paper
        assert "not a claim of the paper" in result.claim.place
    else:
        assert "arXiv:1710.09431" in result.claim.place


def test_the_depth_two_values_of_theory_md(quick_report):
    result = quick_report.result("levine2018.theorem1.depth2-rank-grows-with-t")
    assert result.measurements[0].measured == "4, 8, 10, 12, 14"
    # every rank was re-ranked by the two references
    assert all(m.passed and m.value > 0 for m in result.measurements[-2:])


BROKEN = [
    # two layers: the rank grows with T
    ("levine2018.shallow.rank-min-r-m-half", {"depth": 2},
     "M = 2, R = 2: ranks for T = 2, 4, 6, 8 is 2, 4, 8, 10, expected 2, 2, 2, 2"),
    # one layer: constant rank, below the depth-2 lower bound
    ("levine2018.theorem1.depth2-rank-grows-with-t", {"depth": 1},
     "M = R = 2: ranks for T = 4, 6, 8, 10, 12 is 2, 2, 2, 2, 2, expected 4, 8, 10, 12, 14"),
    # upper layers that see nothing output 0
    ("levine2018.depth.never-lowers-rank", {"deep_input_rank": 0},
     ("smallest rank change when a layer is added (at M = 2, R = 3, T = 4, depth 1 -> 2) "
     "is -3, expected >= 0")),
    # rank-one inputs to the upper layers: still not lower than depth 1, but not full rank
    ("levine2018.depth.never-lowers-rank", {"deep_input_rank": 1},
     "depth 3, M = R = 2: ranks for T = 2..12 is"),
    # generic W^H: the rank exceeds the multiset coefficient
    ("levine2018.degenerate.identity-hidden-multiset", {"identity_hidden": False},
     "M = 2, R = 2: ranks for T = 2, 4, 6, 8 is 2, 4, 8, 10, expected 2, 3, 4, 5"),
    # float64 ranks as the method: they disagree with the rational rank
    ("levine2018.method.exact-rank-mod-p", {"arithmetic": "float64"},
     "circuits whose rank by the method (float64) equals the rank over Q is"),
]


@pytest.mark.parametrize("claim_id, overrides, reason", BROKEN,
                         ids=[f"{c.split('.')[-1]}-{next(iter(o.values()))}" for c, o, _ in BROKEN])
def test_breaking_the_premise_fails_and_says_why(claim_id, overrides, reason, run_claim):
    result = run_claim(claim_id, **overrides)
    assert not result.passed
    assert result.error == ""
    assert reason in result.why, result.why


def test_rank_one_upper_layers_do_not_lower_the_rank(run_claim):
    # the claim's other requirement still holds with degenerate (rank-one) upper layers
    result = run_claim("levine2018.depth.never-lowers-rank", deep_input_rank=1)
    assert result.measurements[0].passed and result.measurements[0].value >= 0


def test_bad_parameters_are_reported(run_claim):
    result = run_claim("levine2018.method.exact-rank-mod-p", arithmetic="float32")
    assert not result.passed and "`arithmetic` must be 'modular' or 'float64'" in result.why


def test_row_reduction_rank_against_sympy():
    rng = np.random.default_rng(41)
    for n, m, r in [(9, 9, 9), (12, 7, 4), (16, 20, 11), (8, 8, 0), (30, 30, 29)]:
        left = rng.integers(0, MERSENNE_PRIME, (n, r)).astype(object)
        right = rng.integers(0, MERSENNE_PRIME, (r, m)).astype(object)
        matrix = (left.dot(right) % MERSENNE_PRIME).astype(np.int64) if r else \
            np.zeros((n, m), dtype=np.int64)
        assert _row_reduction_rank(matrix) == _sympy_rank(matrix) == r
    # arithmetic modulo p: p is zero, negative entries are reduced
    assert _row_reduction_rank([[MERSENNE_PRIME, 0], [0, 3]]) == 1
    assert _row_reduction_rank([[1, -1], [-1, 1]]) == 1


@pytest.mark.parametrize("depth", [1, 2, 3])
def test_rational_circuit_against_rnnmem_modulo_p(depth):
    # the check's second implementation of the circuit and rnnmem's kernel agree mod p
    rng = np.random.default_rng(42 + depth)
    weights = (rng.integers(-4, 5, (depth, 2, 2)), rng.integers(-4, 5, (2, 3)),
               rng.integers(-4, 5, (depth - 1, 2, 2)), rng.integers(-4, 5, 2))
    exact = _rational_matrix(*weights, 4)
    modular = start_end_matrix(RecurrentArithmeticCircuit(*weights), 4)
    np.testing.assert_array_equal((exact % MERSENNE_PRIME).astype(np.int64), modular)
    assert _rational_rank(exact) == _row_reduction_rank(modular)


def test_output_degree_against_sympy_polynomials():
    # the degree behind the Schwartz-Zippel bound, from the circuit written with symbols
    import sympy

    for depth, T in [(1, 3), (2, 3), (3, 2)]:
        R = 2

        def matrix(name, rows, cols):
            return sympy.Matrix(rows, cols, lambda i, j: sympy.Symbol(f"{name}{i}{j}"))

        hidden = [matrix(f"h{l}_", R, R) for l in range(depth)]
        deep = [matrix(f"d{l}_", R, R) for l in range(depth - 1)]
        first, out = matrix("f", R, 1), matrix("o", 1, R)  # one template: x^t = e_1
        states = [None] * depth
        for t in range(T):
            below = first
            for l in range(depth):
                drive = below if l == 0 else deep[l - 1] * below
                recur = sympy.ones(R, 1) if t == 0 else hidden[l] * states[l]
                states[l] = recur.multiply_elementwise(drive)
                below = states[l]
        y = sympy.expand((out * states[-1])[0])
        assert sympy.Poly(y).total_degree() == _output_degree(T, depth), (depth, T)


def test_multisets_against_the_closed_form():
    for n, k in itertools.product(range(1, 5), range(7)):
        assert _multisets(n, k) == math.comb(n + k - 1, k)
