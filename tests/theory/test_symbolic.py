"""SymPy derivations: every identity proved, and the expressions agree with the numeric code."""

import numpy as np
import pytest

from rnnmem.theory import arfima_acf, arfima_acvf, frac_diff_partial_sum, frac_diff_weights
from rnnmem.theory import frac_integ_weights, frac_weights_asymptotic
from rnnmem.theory import symbolic


@pytest.fixture(scope="module")
def derivations():
    return {d.title: d for d in symbolic.all_derivations()}


def test_every_identity_is_proved(derivations):
    assert len(derivations) == 4
    for derivation in derivations.values():
        assert derivation.identities
        for identity in derivation.identities:
            assert identity.holds, (derivation.title, identity.description, identity.residual)


def test_fractional_expressions_agree_with_numeric_functions():
    j = np.arange(1, 40)
    for d in (0.3, -0.3, 0.45, 1.7):
        diff = symbolic.frac_diff_derivation()
        integ = symbolic.frac_integ_derivation()
        for name in ("gamma_form", "product_form"):
            np.testing.assert_allclose(diff.numeric(name)(d, j), frac_diff_weights(d, 40)[1:],
                                       rtol=1e-12)
            np.testing.assert_allclose(integ.numeric(name)(d, j), frac_integ_weights(d, 40)[1:],
                                       rtol=1e-12)
        np.testing.assert_allclose(diff.numeric("asymptotic")(d, j.astype(float)),
                                   frac_weights_asymptotic(d, j, kind="diff"), rtol=1e-12)
        ratio = diff.numeric("recursion_ratio")(d, j)
        w = frac_diff_weights(d, 40)
        np.testing.assert_allclose(w[1:] / w[:-1], ratio, rtol=1e-12)


def test_partial_sum_expression_agrees():
    derivation = symbolic.partial_sum_derivation()
    K = np.arange(0, 30)
    for d in (0.3, -0.4, 1.25):
        np.testing.assert_allclose(derivation.numeric("closed_form")(d, K),
                                   frac_diff_partial_sum(d, K), rtol=1e-12)


def test_arfima_expressions_agree():
    derivation = symbolic.arfima_acf_derivation()
    k = np.arange(1, 60)
    for d in (0.3, -0.3, 0.1):
        for name in ("gamma_form", "product_form"):
            np.testing.assert_allclose(derivation.numeric(name)(d, k), arfima_acf(59, d=d)[1:],
                                       rtol=1e-12)
        variance = derivation.numeric("variance")(d, 0)
        assert variance == pytest.approx(arfima_acvf(0, d=d)[0], rel=1e-13)


def test_renderings(derivations):
    derivation = symbolic.frac_diff_derivation()
    text = derivation.text()
    assert "[proved] recursion w_j / w_(j-1) = (j - 1 - d) / j" in text
    assert "NOT PROVED" not in text
    latex = derivation.latex()
    assert latex.count(r"\begin{align*}") == 1 and r"\end{align*}" in latex
    assert r"\Gamma" in latex and r"w\_j" in latex
    assert str(derivation) == text


def test_an_unproved_identity_is_reported_as_such():
    import sympy as sp

    d = sp.Symbol("d")
    wrong = symbolic._prove_difference_zero("rho(1) = d", d / (1 - d), d)
    assert not wrong.holds
    derivation = symbolic.Derivation("t", {"d": d}, {"e": d}, (wrong,), "none")
    assert not derivation.proved
    assert "[NOT PROVED] rho(1) = d" in derivation.text()


def test_numeric_rejects_unknown_name():
    with pytest.raises(ValueError, match=r"`name` must be one of \['asymptotic'"):
        symbolic.frac_diff_derivation().numeric("nope")
