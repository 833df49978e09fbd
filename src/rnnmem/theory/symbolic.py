"""SymPy derivations of the fractional coefficients and the ARFIMA(0, d, 0) autocorrelation.

Each function returns a :class:`Derivation`: the named expressions, and the identities between
them, each *proved* by SymPy (by simplification, a limit, or induction) rather than asserted.
``Derivation.text()`` and ``Derivation.latex()`` render them; ``Derivation.numeric(name)``
turns an expression into a function for comparison with :mod:`rnnmem.theory.fractional` and
:mod:`rnnmem.theory.arfima`.

SymPy is imported lazily, inside the functions.

References
----------
Hosking (1981), "Fractional differencing", Biometrika 68(1), 165-176.
Zhao et al. (2020), "Do RNN and LSTM have Long Memory?", ICML, Sections 2-3.
"""

from __future__ import annotations

import dataclasses

from rnnmem._results import Result

__all__ = [
    "Derivation",
    "Identity",
    "frac_diff_derivation",
    "frac_integ_derivation",
    "partial_sum_derivation",
    "arfima_acf_derivation",
    "all_derivations",
]


@dataclasses.dataclass(frozen=True)
class Identity:
    """One proved statement ``lhs = rhs``.

    Attributes
    ----------
    description : str
        What the identity says, in words.
    lhs, rhs : sympy.Expr
        Both sides.
    method : str
        How SymPy proved it (the transformation whose result is shown in ``residual``).
    residual : sympy.Expr
        What the proof reduced to: 0 for a difference, 1 for a ratio or a limit.
    holds : bool
        Whether the residual is the expected constant.
    """

    description: str
    lhs: object
    rhs: object
    method: str
    residual: object
    holds: bool


@dataclasses.dataclass(frozen=True)
class Derivation(Result):
    """Named SymPy expressions and the identities proved between them.

    Attributes
    ----------
    title : str
        What is derived.
    symbols : dict
        The SymPy symbols used, by name (with their assumptions).
    expressions : dict
        Named expressions, e.g. ``"gamma_form"``, ``"product_form"``.
    identities : tuple of Identity
        The proved statements.
    reference : str
        Where the result is stated in the literature.
    """

    title: str
    symbols: dict
    expressions: dict
    identities: tuple
    reference: str

    @property
    def proved(self) -> bool:
        """True when every identity was proved."""
        return all(identity.holds for identity in self.identities)

    def numeric(self, name: str):
        """A NumPy/SciPy function of the symbols (in the order of ``symbols``) for an expression."""
        import sympy as sp

        if name not in self.expressions:
            raise ValueError(
                f"`name` must be one of {sorted(self.expressions)}; got name={name!r}."
            )
        expression = self.expressions[name]
        if isinstance(expression, sp.Product):
            expression = expression.doit()
        return sp.lambdify(tuple(self.symbols.values()), expression, modules=["scipy", "numpy"])

    def text(self) -> str:
        """Plain-text rendering (SymPy's pretty printer, ASCII)."""
        import sympy as sp

        lines = [self.title, "=" * len(self.title), f"Reference: {self.reference}", ""]
        for name, expression in self.expressions.items():
            lines.append(f"{name}:")
            lines.append(_indent(sp.pretty(expression, use_unicode=False)))
        lines.append("")
        for identity in self.identities:
            mark = "proved" if identity.holds else "NOT PROVED"
            lines.append(f"[{mark}] {identity.description}")
            lines.append(_indent(sp.pretty(sp.Eq(identity.lhs, identity.rhs, evaluate=False),
                                           use_unicode=False)))
            lines.append(f"    by {identity.method}; reduces to {sp.sstr(identity.residual)}")
        return "\n".join(lines)

    def latex(self) -> str:
        """LaTeX rendering (an ``align*`` environment per block)."""
        import sympy as sp

        lines = [f"% {self.title} ({self.reference})", r"\begin{align*}"]
        rows = [
            rf"\text{{{_latex_text(name.replace('_', ' '))}}} &= {sp.latex(expression)}"
            for name, expression in self.expressions.items()
        ]
        for identity in self.identities:
            mark = "proved" if identity.holds else "not proved"
            note = _latex_text(f"{identity.description} ({mark}: {identity.method})")
            rows.append(rf"{sp.latex(identity.lhs)} &= {sp.latex(identity.rhs)} && \text{{{note}}}")
        lines.append(" \\\\\n".join(rows))
        lines.append(r"\end{align*}")
        return "\n".join(lines)

    def summary(self) -> str:
        return self.text()


def _latex_text(words: str) -> str:
    """Escape the characters that are special inside LaTeX's \\text{...}."""
    for char, escaped in (("\\", r"\textbackslash{}"), ("_", r"\_"), ("^", r"\^{}"),
                          ("&", r"\&"), ("%", r"\%"), ("#", r"\#")):
        words = words.replace(char, escaped)
    return words


def _indent(block: str) -> str:
    return "\n".join("    " + line for line in block.splitlines())


def _gamma_only(expression):
    """Rewrite rising factorials and factorials as Gamma ratios (valid for all arguments)."""
    import sympy as sp

    expression = expression.replace(
        sp.RisingFactorial, lambda a, n: sp.gamma(a + n) / sp.gamma(a)
    )
    return expression.replace(sp.factorial, lambda n: sp.gamma(n + 1))


def _prove_equal(description, lhs, rhs) -> Identity:
    import sympy as sp

    residual = sp.simplify(sp.gammasimp(_gamma_only(lhs) / _gamma_only(rhs)))
    return Identity(description, lhs, rhs, "gammasimp of the ratio", residual, residual == 1)


def _prove_difference_zero(description, lhs, rhs) -> Identity:
    import sympy as sp

    residual = sp.simplify(sp.gammasimp(_gamma_only(lhs) - _gamma_only(rhs)))
    return Identity(description, lhs, rhs, "gammasimp of the difference", residual, residual == 0)


def _prove_limit_one(description, ratio, variable, assumption) -> Identity:
    import sympy as sp

    residual = sp.limit(ratio, variable, sp.oo)
    return Identity(
        description,
        sp.Limit(ratio, variable, sp.oo),
        sp.Integer(1),
        f"sympy.limit (Gruntz) assuming {assumption}",
        residual,
        residual == 1,
    )


def _fractional_weights(kind: str) -> Derivation:
    import sympy as sp

    d = sp.Symbol("d")
    j = sp.Symbol("j", integer=True, positive=True)
    i = sp.Symbol("i", integer=True)
    # The order enters as -d for (1-B)^d and as d for (1-B)^{-d}: w_j(d) = psi_j(-d).
    order = -d if kind == "diff" else d
    letter = "w" if kind == "diff" else "psi"
    gamma_form = sp.gamma(j + order) / (sp.gamma(order) * sp.gamma(j + 1))
    product_form = sp.Product((i + order) / (i + 1), (i, 0, j - 1))
    ratio_form = (j - 1 + order) / j
    asymptotic = j ** (order - 1) / sp.gamma(order)

    identities = [
        _prove_equal(
            f"product form equals Gamma form of {letter}_j",
            product_form.doit(),
            gamma_form,
        ),
        _prove_equal(
            f"recursion {letter}_j / {letter}_(j-1) = (j - 1 {'- d' if kind == 'diff' else '+ d'}) / j",
            gamma_form / gamma_form.subs(j, j - 1),
            ratio_form,
        ),
        _prove_difference_zero(
            f"{letter}_0 = 1", gamma_form.subs(j, 0).rewrite(sp.gamma), sp.Integer(1)
        ),
        _prove_difference_zero(
            f"{letter}_1 = {'-d' if kind == 'diff' else 'd'}", gamma_form.subs(j, 1), order
        ),
        _prove_difference_zero(
            f"{letter}_2 = {'-d(1-d)/2' if kind == 'diff' else 'd(1+d)/2'}",
            gamma_form.subs(j, 2),
            order * (order + 1) / 2,
        ),
    ]
    # Limit of exact / asymptotic. Gruntz's algorithm needs a sign for the exponent: for w it
    # is proved with d > 0, for psi with d < 1 (written d = 1 - e, e > 0); together they
    # cover 0 < d < 1, which contains the models' range (0, 1/2).
    x = sp.Symbol("x", positive=True)
    if kind == "diff":
        dp = sp.Symbol("d", positive=True)
        ratio = sp.gamma(x - dp) / sp.gamma(x + 1) * x ** (dp + 1)
        assumption = "d > 0"
    else:
        e = sp.Symbol("e", positive=True)
        ratio = sp.gamma(x + 1 - e) / sp.gamma(x + 1) * x**e
        assumption = "d = 1 - e < 1"
    identities.append(
        _prove_limit_one(
            f"{letter}_j / (j^({'-d-1' if kind == 'diff' else 'd-1'}) / Gamma({'-d' if kind == 'diff' else 'd'})) -> 1",
            ratio,
            x,
            assumption,
        )
    )
    name = "(1-B)^d" if kind == "diff" else "(1-B)^(-d)"
    return Derivation(
        title=f"Coefficients {letter}_j(d) of {name}",
        symbols={"d": d, "j": j},
        expressions={
            "gamma_form": gamma_form,
            "product_form": product_form,
            "recursion_ratio": ratio_form,
            "asymptotic": asymptotic,
        },
        identities=tuple(identities),
        reference="Hosking (1981), eq. (2.1); Zhao et al. (2020), Section 3",
    )


def frac_diff_derivation() -> Derivation:
    """w_j(d) of (1-B)^d: Gamma and product forms, recursion, first terms, asymptotics.

    Examples
    --------
    >>> derivation = frac_diff_derivation()
    >>> derivation.proved
    True
    >>> float(derivation.numeric("gamma_form")(0.4, 3))
    -0.064
    """
    return _fractional_weights("diff")


def frac_integ_derivation() -> Derivation:
    """psi_j(d) of (1-B)^{-d}: Gamma and product forms, recursion, first terms, asymptotics."""
    return _fractional_weights("integ")


def partial_sum_derivation() -> Derivation:
    """Closed form of sum_{j=0}^{K} w_j(d), proved by induction on K.

    Base case: the closed form at K = 0 equals w_0 = 1. Step: the difference of the closed
    form at K and K - 1 equals w_K. Hence the closed form equals the partial sum for every K.
    """
    import sympy as sp

    d = sp.Symbol("d")
    K = sp.Symbol("K", integer=True, positive=True)
    j = sp.Symbol("j", integer=True, nonnegative=True)
    weight = sp.gamma(j - d) / (sp.gamma(-d) * sp.gamma(j + 1))
    closed = sp.gamma(K + 1 - d) / (sp.gamma(1 - d) * sp.gamma(K + 1))
    identities = (
        _prove_difference_zero("base case: closed form at K = 0 equals w_0 = 1",
                               closed.subs(K, 0), sp.Integer(1)),
        _prove_difference_zero(
            "induction step: S_K - S_(K-1) = w_K",
            closed - closed.subs(K, K - 1),
            weight.subs(j, K),
        ),
    )
    return Derivation(
        title="Partial sums of the fractional-difference weights",
        symbols={"d": d, "K": K},
        expressions={
            "partial_sum": sp.Sum(weight, (j, 0, K)),
            "closed_form": closed,
            "asymptotic": K ** (-d) / sp.gamma(1 - d),
        },
        identities=identities,
        reference="Zhao et al. (2020), Theorem 4 (stability of the truncated filter)",
    )


def arfima_acf_derivation() -> Derivation:
    """ARFIMA(0, d, 0): gamma(0), rho(k) in Gamma and product form, recursion, rho(1)."""
    import sympy as sp

    d = sp.Symbol("d")
    k = sp.Symbol("k", integer=True, positive=True)
    i = sp.Symbol("i", integer=True)
    gamma_form = sp.gamma(k + d) * sp.gamma(1 - d) / (sp.gamma(k - d + 1) * sp.gamma(d))
    product_form = sp.Product((i - 1 + d) / (i - d), (i, 1, k))
    identities = (
        _prove_equal("product form equals Gamma form of rho(k)", product_form.doit(), gamma_form),
        _prove_equal(
            "recursion rho(k) / rho(k-1) = (k - 1 + d) / (k - d)",
            gamma_form / gamma_form.subs(k, k - 1),
            (k - 1 + d) / (k - d),
        ),
        _prove_difference_zero("rho(1) = d / (1 - d)", gamma_form.subs(k, 1), d / (1 - d)),
    )
    return Derivation(
        title="Autocorrelation of ARFIMA(0, d, 0)",
        symbols={"d": d, "k": k},
        expressions={
            "variance": sp.gamma(1 - 2 * d) / sp.gamma(1 - d) ** 2,
            "gamma_form": gamma_form,
            "product_form": product_form,
            "asymptotic": sp.gamma(1 - d) / sp.gamma(d) * k ** (2 * d - 1),
        },
        identities=identities,
        reference="Hosking (1981), Theorem 1",
    )


def all_derivations() -> tuple[Derivation, ...]:
    """Every derivation of this module, in the order ``rnnmem derive`` prints them."""
    return (
        frac_diff_derivation(),
        frac_integ_derivation(),
        partial_sum_derivation(),
        arfima_acf_derivation(),
    )
