"""Claims of Zhao et al. (2020) about exact theory: fractional weights, Definition 1 for
ARFIMA, the drift condition of Theorem 1, Theorem 2 (both directions) and Table 1.

One check function per claim, decorated with :func:`~rnnmem.verify.claims.claim`; its premise
is in keyword parameters (a test flips them and watches the claim fail), its evidence a list
of measurements and a figure. References for exact checks are independent of the code under
test: 40-digit mpmath, a second algorithm, or SymPy.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from rnnmem.verify.claims._registry import (
    Evidence,
    Measurement,
    at_least,
    at_most,
    claim,
    close_to,
    equals,
    greater_than,
    less_than,
)

ZHAO2020 = "Zhao et al. (2020)"

# Digits of the mpmath references: far beyond double precision, so the reference's own error
# (below 1e-35) never matters against tolerances of 1e-13.
_DIGITS = 40

# Relative accuracy rnnmem.theory promises for the fractional coefficients (module docstring of
# rnnmem.theory.fractional): the tolerance of the exact checks below derives from it.
_WEIGHT_ACCURACY = 1e-13


def _axes(width=5.5, height=3.8, n=1):
    from rnnmem.figures._axes import axes_grid

    figure, axes = axes_grid(None, n, width=width, height=height)
    return figure, axes


def _log_grid(top: int, per_decade: int = 20) -> np.ndarray:
    """Integers 1..top, log-spaced (about ``per_decade`` per decade), with every j <= 50."""
    grid = np.unique(np.round(np.logspace(0, math.log10(top), per_decade * int(
        math.ceil(math.log10(top))) + 1)).astype(np.int64))
    return np.union1d(np.arange(1, min(top, 50) + 1), grid)


# ---------------------------------------------------------------------------------------------
# Fractional weights


def _mp_weight(mp, d: float, j: int, law: str = "diff"):
    """w_j(d) = (-d)_j / j! (rising factorial), or psi_j(d) = (d)_j / j!, in mpmath."""
    order = -mp.mpf(d) if law == "diff" else mp.mpf(d)
    return mp.rf(order, j) / mp.factorial(j)


@claim(
    id="zhao2020.section3.frac-weights-recursion",
    paper=ZHAO2020,
    place="Section 3, the filter (1-B)^d of MRNN and MLSTM (THEORY.md 1.1)",
    statement=(
        "The coefficients of (1-B)^d are w_j = Gamma(j-d) / (Gamma(-d) Gamma(j+1)) = "
        "prod_{i<j} (i-d)/(i+1): w_0 = 1, w_j = w_{j-1} (j-1-d)/j, and for 0 < d < 1 every "
        "w_j with j >= 1 is negative."
    ),
    method=(
        "rnnmem.theory.frac_diff_weights(d, n) for each d in `ds`, j < n (n = 10^5 quick, "
        "10^6 full), against an independent reference: the rising factorial (-d)_j / j! in "
        "40-digit mpmath at every j <= 50 and about 20 log-spaced j per decade up to n-1. "
        "Then the recursion ratio w_j / w_(j-1) against (j-1-d)/j at every j, and the signs. "
        "Tolerances: 1e-13 relative (the accuracy rnnmem.theory states) and 2e-13 + 4 ulp for "
        "a ratio of two such numbers."
    ),
    kind="exact",
    ds=(0.4, 0.25, -0.3, 1.3),
    reference="rising-factorial",
)
def frac_weights_recursion(budget, rng, *, ds, reference):
    import mpmath

    from rnnmem.theory import frac_diff_weights

    if reference not in ("rising-factorial", "notation-trap"):
        raise ValueError("`reference` must be 'rising-factorial' or 'notation-trap' (the "
                         f"Gamma(j+d)/(Gamma(d) j!) form some texts give); got {reference!r}.")
    n = budget.pick(quick=10**5, full=10**6)
    grid = _log_grid(n - 1)
    worst_error, worst_ratio, positive = 0.0, 0.0, 0
    figure, (ax,) = _axes()
    with mpmath.workdps(_DIGITS):
        for d in ds:
            w = frac_diff_weights(d, n)
            # The notation trap: Gamma(j+d)/(Gamma(d) j!) is psi_j, not w_j (THEORY.md 1.1).
            law = "diff" if reference == "rising-factorial" else "integ"
            exact = np.array([float(_mp_weight(mpmath, d, int(j), law)) for j in grid])
            err = np.abs(w[grid] / exact - 1.0)
            worst_error = max(worst_error, float(err.max()))
            j = np.arange(1, n)
            ratio_err = np.abs(w[1:] / w[:-1] / ((j - 1 - d) / j) - 1.0)
            worst_ratio = max(worst_ratio, float(np.nanmax(ratio_err)))
            if 0 < d < 1:
                positive += int(np.count_nonzero(w[1:] >= 0))
            ax.loglog(grid, np.maximum(err, 1e-17), ".", ms=3, label=f"d = {d:g}")
    ax.axhline(_WEIGHT_ACCURACY, color="C3", ls="--", label="tolerance 1e-13")
    ax.set_xlabel("index j")
    ax.set_ylabel("|w_j / reference - 1|")
    ax.set_ylim(1e-18, 1e-11)  # room above the tolerance line for the legend
    ax.set_title("(1-B)^d coefficients against 40-digit mpmath")
    ax.legend(fontsize="small", ncol=3, loc="upper left")
    ulp = np.finfo(float).eps
    return Evidence(
        [at_most(f"max relative error of w_j against (-d)_j/j! (mpmath), j < {n}",
                 worst_error, _WEIGHT_ACCURACY),
         at_most("max relative error of w_j/w_(j-1) against (j-1-d)/j, every j",
                 worst_ratio, 2 * _WEIGHT_ACCURACY + 4 * ulp),
         equals("number of w_j >= 0 (j >= 1) for the d in (0, 1)", positive, 0)],
        figure,
        notes="Rounding errors below 1e-17 are drawn at 1e-17. The reference is computed "
              "from the rising factorial, not from the recursion under test.",
        key=0,
    )


@claim(
    id="zhao2020.section3.frac-weights-asymptotics",
    paper=ZHAO2020,
    place="Section 3 and Theorem 3 (the k^{-d-1} decay of the MRNNF filter; THEORY.md 1.1)",
    statement=(
        "w_j(d) ~ j^{-d-1} / Gamma(-d) as j -> infinity: the ratio of the exact coefficient "
        "to this power law tends to 1, with relative error of order 1/j."
    ),
    method=(
        "rnnmem.theory.frac_weights_asymptotic(d, j) against w_j = (-d)_j / j! in 40-digit "
        "mpmath at j = 10, 100, ..., 10^6 (10^8 full) for each d in `ds`. The relative error "
        "must fall below 1e-6 at j = 10^6, and j times it must approach d(d+1)/2, the "
        "coefficient of 1/j in Gamma(j-d)/Gamma(j+1) j^{d+1} = 1 + d(d+1)/(2j) + O(j^-2) "
        "(tolerance 1e-3 relative, far above the O(1/j) remainder at j = 10^6)."
    ),
    kind="exact",
    ds=(0.4, 0.1, -0.3),
    law="diff",
)
def frac_weights_asymptotics(budget, rng, *, ds, law):
    import mpmath

    from rnnmem.theory import frac_weights_asymptotic

    if law not in ("diff", "integ"):
        raise ValueError(f"`law` must be 'diff' or 'integ'; got {law!r}.")
    top = budget.pick(quick=6, full=8)
    js = 10 ** np.arange(1, top + 1)
    figure, (ax,) = _axes()
    measurements = []
    with mpmath.workdps(_DIGITS):
        for d in ds:
            # law="integ" compares w_j with psi's law j^{d-1}/Gamma(d): the notation trap.
            approx = frac_weights_asymptotic(d, js.astype(float), kind=law)
            exact = np.array([float(_mp_weight(mpmath, d, int(j))) for j in js])
            rel = np.abs(approx / exact - 1.0)
            at = int(np.searchsorted(js, 10**6))
            measurements.append(at_most(f"d = {d:g}: relative error at j = 10^6", rel[at], 1e-6))
            measurements.append(close_to(
                f"d = {d:g}: 10^6 x relative error at j = 10^6 (-> |d(d+1)|/2)",
                rel[at] * 1e6, abs(d * (d + 1)) / 2, 1e-3 * abs(d * (d + 1)) / 2))
            ax.loglog(js, rel, "o-", ms=4, label=f"d = {d:g}, measured")
            ax.loglog(js, abs(d * (d + 1)) / (2 * js), "--", color="0.5", lw=1)
    ax.plot([], [], "--", color="0.5", label="|d(d+1)| / (2j)")
    ax.set_xlabel("index j")
    ax.set_ylabel("|power law / w_j - 1|")
    ax.set_title("w_j against j^(-d-1)/Gamma(-d)")
    ax.legend(fontsize="small")
    return Evidence(measurements, figure,
                    notes="The reference w_j is 40-digit mpmath; the power law is "
                          "rnnmem's double-precision function.", key=0)


@claim(
    id="zhao2020.section3.frac-partial-sums",
    paper=ZHAO2020,
    place="Section 3 and Theorem 4 (stability of the truncated filter; THEORY.md 1.1)",
    statement=(
        "sum_{j=0}^{K} w_j(d) = Gamma(K+1-d) / (Gamma(1-d) Gamma(K+1)) = psi_K(1-d) "
        "~ K^{-d} / Gamma(1-d); for d > 0 the full sum is 0."
    ),
    method=(
        "For each d in `ds` and K on a log grid up to 10^5 (10^6 full): the exactly rounded "
        "sum (math.fsum) of rnnmem's w_0..w_K against the closed form in 40-digit mpmath; "
        "the difference must stay within the rounding bound 1e-13 sum|w_j| implied by the "
        "weights' accuracy. rnnmem.theory.frac_diff_partial_sum and psi_K(1-d) from "
        "frac_integ_weights against the same reference (1e-13 relative). For d > 0, "
        "S_K K^d Gamma(1-d) at the largest K against 1 (remainder d(1-d)/(2K), tolerance "
        "twice that)."
    ),
    kind="exact",
    ds=(0.4, -0.3),
    closed_form="gamma-ratio",
)
def frac_partial_sums(budget, rng, *, ds, closed_form):
    import mpmath

    from rnnmem.theory import frac_diff_partial_sum, frac_diff_weights, frac_integ_weights

    if closed_form not in ("gamma-ratio", "asymptotic"):
        raise ValueError(f"`closed_form` must be 'gamma-ratio' or 'asymptotic'; got "
                         f"{closed_form!r}.")
    top = budget.pick(quick=10**5, full=10**6)
    ks = _log_grid(top, per_decade=4)
    figure, (ax,) = _axes()
    worst_units, worst_lib, worst_psi = 0.0, 0.0, 0.0
    measurements = []
    with mpmath.workdps(_DIGITS):
        for d in ds:
            w = frac_diff_weights(d, top + 1)
            cumulative_abs = np.cumsum(np.abs(w))
            if closed_form == "gamma-ratio":
                ref = np.array([float(mpmath.rf(1 - mpmath.mpf(d), int(k)) / mpmath.factorial(k))
                                for k in ks])
            else:
                # Using the asymptotic law as if it were exact: a mistake the check must catch.
                ref = np.array([float(mpmath.mpf(int(k)) ** -d / mpmath.gamma(1 - d))
                                for k in ks])
            summed = np.array([math.fsum(w[: k + 1]) for k in ks])
            bound = _WEIGHT_ACCURACY * cumulative_abs[ks] + np.finfo(float).tiny
            worst_units = max(worst_units, float(np.max(np.abs(summed - ref) / bound)))
            lib = frac_diff_partial_sum(d, ks)
            worst_lib = max(worst_lib, float(np.max(np.abs(lib / ref - 1.0))))
            psi = np.array([frac_integ_weights(1 - d, int(k) + 1)[-1] for k in ks[:12]])
            worst_psi = max(worst_psi, float(np.max(np.abs(psi / ref[:12] - 1.0))))
            ax.loglog(ks, np.abs(summed), "o", ms=3, label=f"sum of w_j, d = {d:g}")
            ax.loglog(ks, np.abs(ref), "-", lw=1, label=f"closed form, d = {d:g}")
            if d > 0:
                k_max = float(ks[-1])
                limit = summed[-1] * k_max**d * math.gamma(1 - d)
                measurements.append(close_to(
                    f"d = {d:g}: S_K K^d Gamma(1-d) at K = {int(k_max)} (-> 1, full sum 0)",
                    limit, 1.0, d * (1 - d) / k_max))
    measurements[:0] = [
        at_most("max |fsum of w_j - closed form| in units of 1e-13 sum_j |w_j|",
                worst_units, 1.0),
        at_most("max relative error of frac_diff_partial_sum against mpmath",
                worst_lib, _WEIGHT_ACCURACY),
        at_most("max relative error of psi_K(1-d) (frac_integ_weights), K <= 12 grid points",
                worst_psi, _WEIGHT_ACCURACY),
    ]
    ax.set_xlabel("last index K")
    ax.set_ylabel("|S_K| = |sum_{j<=K} w_j|")
    ax.set_title("Partial sums of the (1-B)^d coefficients")
    ax.legend(fontsize="small")
    return Evidence(measurements, figure,
                    notes="For d < 0 the partial sums grow like K^{-d}; for d > 0 they fall to "
                          "0, so 1 - S_K < 1 is the stability margin of the truncated filter.",
                    key=0)


@functools.lru_cache(maxsize=1)
def _derivations():
    """all_derivations(), once per process: SymPy needs seconds for it, and the result (frozen
    dataclasses of immutable SymPy expressions) does not depend on any parameter."""
    from rnnmem.theory.symbolic import all_derivations

    return all_derivations()


@claim(
    id="zhao2020.section3.symbolic-derivations",
    paper=ZHAO2020,
    place="Section 3 and Definition 1 (THEORY.md 1.1-1.2)",
    statement=(
        "The closed forms are theorems: product form = Gamma form of w_j and psi_j, their "
        "recursions and first values, their power-law limits, the partial sum of w_j (by "
        "induction) and the ARFIMA(0, d, 0) autocorrelation."
    ),
    method=(
        "rnnmem.theory.symbolic.all_derivations(): SymPy reduces each identity (ratio to 1 by "
        "gammasimp, difference to 0, or a Gruntz limit to 1); every identity must reduce. The "
        "same prover must refuse a false identity (the notation trap Gamma(j+d)/(Gamma(d) j!) "
        "= prod (i-d)/(i+1)), so a prover that accepts everything fails the claim. The "
        "derived Gamma forms, lambdified, must equal rnnmem's numerical w_j and psi_j "
        "(j = 1..150, d = 0.4 and -0.3) to 1e-12."
    ),
    kind="exact",
    include_trap=False,
)
def symbolic_derivations(budget, rng, *, include_trap):
    import sympy as sp

    from rnnmem.theory import frac_diff_weights, frac_integ_weights
    from rnnmem.theory.symbolic import _prove_equal

    derivations = _derivations()
    identities = [i for der in derivations for i in der.identities]
    d, j, i = sp.Symbol("d"), sp.Symbol("j", integer=True, positive=True), sp.Symbol(
        "i", integer=True)
    trap = _prove_equal(
        "notation trap: Gamma(j+d)/(Gamma(d) Gamma(j+1)) = prod_{i<j} (i-d)/(i+1)",
        sp.gamma(j + d) / (sp.gamma(d) * sp.gamma(j + 1)),
        sp.Product((i - d) / (i + 1), (i, 0, j - 1)).doit())
    if include_trap:
        # Claiming the false identity as part of the theory must make the claim fail.
        identities.append(trap)
    proved = sum(bool(x.holds) for x in identities)
    worst = 0.0
    js = np.arange(1, 151)
    for der, reference in ((derivations[0], frac_diff_weights),
                           (derivations[1], frac_integ_weights)):
        gamma_form = der.numeric("gamma_form")
        for value in (0.4, -0.3):
            numeric = reference(value, 151)[1:]
            worst = max(worst, float(np.max(np.abs(gamma_form(value, js) / numeric - 1.0))))
    figure, (ax,) = _axes(width=6.5, height=0.32 * len(identities) + 1.2)
    labels = [x.description for x in identities]
    ax.barh(np.arange(len(labels)), [1] * len(labels),
            color=["C2" if x.holds else "C3" for x in identities])
    ax.set_yticks(np.arange(len(labels)))
    ax.set_yticklabels([label if len(label) <= 60 else label[:57] + "..." for label in labels],
                       fontsize=7)
    ax.invert_yaxis()
    ax.set_xticks([])
    ax.set_xlabel("green: proved by SymPy, red: not proved")
    ax.set_title("Symbolic derivations (rnnmem derive)")
    return Evidence(
        [equals("identities proved by SymPy (of all claimed)", f"{proved} of {len(identities)}",
                f"{len(identities)} of {len(identities)}"),
         equals("the false notation-trap identity is refused by the same prover",
                bool(trap.holds), False),
         at_most("max relative difference of lambdified Gamma forms and rnnmem's weights",
                 worst, 1e-12)],
        figure,
        notes="`rnnmem derive` prints every derivation with its residual.",
        key=0,
    )


# ---------------------------------------------------------------------------------------------
# Definition 1: ARFIMA long memory


def _rho_partial_sum_mp(mp, d: float, K: int):
    """sum_{k=0}^{K} rho(k) of ARFIMA(0, d, 0) by telescoping, in mpmath.

    With F(k) = Gamma(k+d)/Gamma(k-d), F(k+1) - F(k) = 2d Gamma(k+d)/Gamma(k+1-d), so
    sum_{k=0}^{K} rho(k) = Gamma(1-d)/Gamma(d) * (F(K+1) - F(0)) / (2d): a closed form derived
    independently of the product formula rnnmem uses for rho(k).
    """
    d = mp.mpf(d)
    f_top = mp.rf(K + 1 - d, 2 * d)  # Gamma(K+1+d)/Gamma(K+1-d)
    f_zero = mp.gamma(d) / mp.gamma(-d)
    return mp.gamma(1 - d) / mp.gamma(d) * (f_top - f_zero) / (2 * d)


@claim(
    id="zhao2020.definition1.arfima-long-memory-exact",
    paper=ZHAO2020,
    place="Definition 1 and Section 2 (ARFIMA as the long-memory example; THEORY.md 1, 1.2)",
    statement=(
        "ARFIMA(0, d, 0) with 0 < d < 1/2 has long memory in the sense of Definition 1: "
        "sum_k |rho(k)| diverges, its partial sums growing like K^{2d}."
    ),
    method=(
        "The exact autocorrelations rnnmem.theory.arfima_acf(K, d) for K up to 10^5 (quick) "
        "or 10^6 (full), summed, against the telescoped closed form "
        "Gamma(1-d)/Gamma(d) (Gamma(K+1+d)/Gamma(K+1-d) - Gamma(d)/Gamma(-d)) / (2d) in "
        "40-digit mpmath (relative 1e-10: the float cumulative sum's rounding). The growth "
        "exponent is the log-log slope of the closed form between K/10 and K: it must be "
        "positive (divergence) and equal 2d to 0.01 (the constant term shifts it by less than "
        "0.002 at K >= 10^4 for d = 0.3)."
    ),
    kind="exact",
    d=0.3,
)
def arfima_long_memory_exact(budget, rng, *, d):
    import mpmath

    from rnnmem.theory import arfima_acf

    top = budget.pick(quick=10**5, full=10**6)
    rho = arfima_acf(top, d=d)
    partial = np.cumsum(rho)
    ks = _log_grid(top, per_decade=5)
    with mpmath.workdps(_DIGITS):
        if d == 0:
            ref = np.ones(ks.size)  # rho(k) = 0 for k >= 1: the partial sums stay at 1
        else:
            ref = np.array([float(_rho_partial_sum_mp(mpmath, d, int(k))) for k in ks])
    rel = float(np.max(np.abs(partial[ks] / ref - 1.0)))
    slope = math.log(ref[-1] / ref[np.searchsorted(ks, top // 10)]) / math.log(10.0)
    figure, (ax,) = _axes()
    ax.loglog(ks, np.abs(partial[ks]), "o", ms=3, color="0.2", label="sum of exact rho(k)")
    ax.loglog(ks, np.abs(ref), "-", color="C0", lw=1, label="telescoped closed form")
    if 0 < d < 0.5:
        scale = math.gamma(1 - d) / (2 * d * math.gamma(d))
        ax.loglog(ks, scale * ks ** (2.0 * d), "--", color="C3",
                  label=f"Gamma(1-d)/(2d Gamma(d)) K^(2d), 2d = {2 * d:g}")
    ax.set_xlabel("K (lags)")
    ax.set_ylabel("sum_{k<=K} rho(k)")
    ax.set_title(f"ARFIMA(0, {d:g}, 0): partial sums of the autocorrelation")
    ax.legend(fontsize="small")
    return Evidence(
        [at_most("max relative difference of summed arfima_acf and the closed form", rel,
                 1e-10),
         greater_than(f"growth exponent of the partial sums, K = {top // 10}..{top}",
                      slope, 0.0),
         close_to("growth exponent against 2d", slope, 2 * d, 0.01)],
        figure, key=2,
        notes="rho(k) > 0 for 0 < d < 1/2, so the partial sums of rho(k) and of |rho(k)| "
              "coincide.")


@claim(
    id="zhao2020.definition1.arfima-long-memory-simulated",
    paper=ZHAO2020,
    place="Definition 1 (THEORY.md 1.3-1.4)",
    statement=(
        "Simulated ARFIMA(0, d, 0) paths with 0 < d < 1/2 show long memory: the memory "
        "parameter estimated from them is positive and consistent with d."
    ),
    method=(
        "R exact Davies-Harte paths of length n (quick: R = 32, n = 4096; full: R = 64, "
        "n = 16384), d estimated on each by the Whittle estimator. Long memory: the mean "
        "estimate must exceed 0 by 5 standard errors (SE from the spread over the R "
        "independent paths). Consistency: it must lie within 5 SE of d. Error rate: 2 P(t_(R-1) "
        "> 5 - b/SE) <= 1e-4 with b = 0.0012 (n = 4096) or 0.0006 (n = 16384), the Whittle "
        "bias measured once on 2000 and 600 paths; the positivity test fails with negligible "
        "probability (its z is about 100)."
    ),
    kind="statistical",
    error_rate=1e-4,
    d=0.3,
)
def arfima_long_memory_simulated(budget, rng, *, d):
    from rnnmem.simulate import arfima
    from rnnmem.verify import whittle

    n = budget.pick(quick=4096, full=16384)
    paths = budget.pick(quick=32, full=64)
    x = arfima(n, d=d, n_paths=paths, rng=rng)
    estimates = np.array([whittle(path).d for path in x])
    mean = float(estimates.mean())
    se = float(estimates.std(ddof=1) / math.sqrt(paths))
    figure, (ax,) = _axes()
    ax.hist(estimates, bins=12, color="C0", alpha=0.7, label=f"{paths} paths, n = {n}")
    ax.axvline(d, color="C3", lw=2, label=f"true d = {d:g}")
    ax.axvline(mean, color="0.2", ls="--", label=f"mean {mean:.4f} (SE {se:.2g})")
    ax.axvline(0.0, color="0.5", ls=":", label="d = 0 (short memory)")
    ax.set_xlabel("Whittle estimate of d")
    ax.set_ylabel("paths")
    ax.set_title(f"Simulated ARFIMA(0, {d:g}, 0): estimated memory")
    ax.legend(fontsize="small")
    return Evidence(
        [greater_than("mean Whittle estimate / SE (long memory: d > 0)", mean / se, 5.0),
         close_to("mean Whittle estimate of d", mean, d, 5 * se)],
        figure, key=1,
        notes=f"Per-path standard deviation {estimates.std(ddof=1):.4g} against the asymptotic "
              f"sqrt(6/(pi^2 n)) = {math.sqrt(6 / (math.pi**2 * n)):.4g}.")


# ---------------------------------------------------------------------------------------------
# Theorem 1: the drift condition


def _relu_rnn(hidden: int, a_target: float, rng: np.random.Generator):
    """A one-layer ReLU RNN with identity output whose Table 1 drift constant a is a_target.

    With the state norm ||(y, h)|| = ||y|| + ||h|| used by rnnmem.theory.conditions,
    a = max((||W_zh|| + 1) ||W_hh||, (||W_zh|| + 1) ||W_hy||); the recurrent weights are
    rescaled so that the first term is a_target and the second 0.8 a_target.
    """
    from rnnmem.networks import RNN

    net = RNN.random(1, hidden, activation="relu", rng=rng)
    head = np.linalg.norm(net.head_weight, 2) + 1.0
    w_hh = net.weight_hh[0] * a_target / (head * np.linalg.norm(net.weight_hh[0], 2))
    w_hy = net.weight_ih[0] * 0.8 * a_target / (head * np.linalg.norm(net.weight_ih[0], 2))
    return RNN(weight_ih=(w_hy,), weight_hh=(w_hh,), bias_ih=net.bias_ih,
               bias_hh=net.bias_hh, head_weight=net.head_weight, head_bias=net.head_bias,
               activation="relu", output="identity")


def _drift(net, n_states: int, draws: int, rng: np.random.Generator) -> dict:
    """The drift inequality of Theorem 1 on sampled states of ``net`` (V(x) = |y| + ||h||).

    States at scales 0.1 to 10^4 (the large ones probe the linear growth a V(x)); one
    noiseless step of the simulator gives M(x), ``draws`` noisy steps per state estimate
    E[V(X_1) | x].
    """
    from rnnmem.simulate import run
    from rnnmem.theory import conditions

    report = conditions(net)
    a, b = float(report.constants["a"]), float(report.constants["b"])
    scales = np.logspace(-1, 4, n_states)
    h0 = rng.standard_normal((n_states, net.hidden_size)) * scales[:, None]
    y0 = rng.standard_normal((n_states, 1)) * scales[:, None]
    v0 = np.abs(y0[:, 0]) + np.linalg.norm(h0, axis=1)
    step = run(net, 1, n_chains=n_states, init=h0, init_output=y0, noise_scale=0.0,
               record_states=True)
    v_map = np.abs(step.outputs[:, 0, 0]) + np.linalg.norm(step.states[:, 0], axis=1)
    noisy = run(net, 1, n_chains=n_states * draws, init=np.repeat(h0, draws, axis=0),
                init_output=np.repeat(y0, draws, axis=0), noise_scale=1.0, rng=rng,
                record_states=True)
    v1 = (np.abs(noisy.outputs[:, 0, 0]) + np.linalg.norm(noisy.states[:, 0], axis=1))
    v1 = v1.reshape(n_states, draws)
    mean, se = v1.mean(axis=1), v1.std(axis=1, ddof=1) / math.sqrt(draws)
    bound = a * v0 + b + math.sqrt(2.0 / math.pi)  # E|eps| = sqrt(2/pi) for N(0, 1) noise
    return {"report": report, "a": a, "b": b, "v0": v0, "mean": mean, "bound": bound,
            "excess_map": float(np.max((v_map - (a * v0 + b)) / (1.0 + v0))),
            "z": float(np.max((mean - bound) / se))}


@claim(
    id="zhao2020.theorem1.drift-condition",
    paper=ZHAO2020,
    place="Theorem 1 with Table 1 and Corollary 1 (THEORY.md 2.2-2.3)",
    statement=(
        "If the transition map satisfies ||M(x)|| <= a ||x|| + b with a < 1, the network "
        "chain is geometrically ergodic. For a one-layer ReLU RNN with identity output the "
        "constants follow from the weights (Table 1), for a tanh RNN a = 0 (bounded M); "
        "V(x) = ||x|| then drifts: E[V(X_(t+1)) | X_t = x] <= a V(x) + b + E||eps||."
    ),
    method=(
        "Two examples: a random 8-unit ReLU RNN rescaled so that its Table 1 constant is `a`, "
        "and a random 8-unit tanh RNN of weight scale `tanh_scale`; rnnmem.theory.conditions "
        "computes a and b (norm ||(y, h)|| = |y| + ||h||). States x = (y, h) are sampled at "
        "scales 0.1 to 10^4 (quick: 100 per example, full: 400). Pathwise: one noiseless "
        "step of rnnmem.simulate.run gives M(x), and ||M(x)|| <= a||x|| + b must hold to "
        "rounding. Drift: N one-step draws per state (quick 1000, full 2000) estimate "
        "E[V(X_1) | x]; its largest excess over a V(x) + b + sqrt(2/pi) (E|eps| for N(0, 1) "
        "noise) must stay below 5 standard errors. Error rate: at most (states) x P(Z > 5) = "
        "800 x 2.9e-7 = 2.3e-4, and far less since the bound holds with slack."
    ),
    kind="statistical",
    error_rate=2.3e-4,
    a=0.8,
    tanh_scale=3.0,
)
def theorem1_drift(budget, rng, *, a, tanh_scale):
    from rnnmem.networks import RNN

    n_states = budget.pick(quick=100, full=400)
    draws = budget.pick(quick=1000, full=2000)
    examples = [("ReLU RNN", _relu_rnn(8, a, rng)),
                ("tanh RNN", RNN.random(1, 8, scale=tanh_scale, activation="tanh", rng=rng))]
    figure, axes = _axes(width=4.8, height=3.8, n=2)
    measurements = []
    for (label, net), ax in zip(examples, axes, strict=True):
        out = _drift(net, n_states, draws, rng)
        measurements += [
            less_than(f"{label}: drift constant a (theory.conditions)", out["a"], 1.0),
            equals(f"{label}: Theorem 1 condition reported by theory.conditions",
                   out["report"].holds, True),
            at_most(f"{label}: max (||M(x)|| - a||x|| - b) / (1 + ||x||), noiseless step",
                    out["excess_map"], 1e-12),
            at_most(f"{label}: max standardized excess of E[V(X_1)|x] over a V(x) + b + "
                    "E|eps|", out["z"], 5.0)]
        order = np.argsort(out["v0"])
        ax.loglog(out["v0"], out["mean"], ".", ms=4, label="E[V(X_1) | x] (Monte Carlo)")
        ax.loglog(out["v0"][order], out["bound"][order], "-", color="C3",
                  label=f"a V(x) + b + E|eps|\na = {out['a']:.3g}, b = {out['b']:.3g}")
        ax.loglog(out["v0"][order], out["v0"][order], ":", color="0.5", label="V(x) (no drift)")
        ax.set_xlabel("V(x) = |y| + ||h||")
        ax.set_ylabel("expected V one step later")
        ax.set_title(f"Theorem 1: drift of a {label}")
        ax.legend(fontsize="small")
    return Evidence(measurements, figure, key=3,
                    notes=f"{n_states} states x {draws} noise draws per example; "
                          "V(x) = |y| + ||h||.")


# ---------------------------------------------------------------------------------------------
# Theorem 2: linear chains, both directions


def _chain_with_radius(radius: float, size: int, rng: np.random.Generator):
    """A random non-normal linear chain whose transition matrix has spectral radius ``radius``.

    A random orthogonal similarity of an upper-triangular matrix keeps the eigenvalues (the
    diagonal, the largest in modulus being ``radius``) and makes W non-normal, so that
    ||W^k|| is not simply radius^k: the theorem is about the spectral radius, not the norm.
    """
    from rnnmem.networks import LinearChain

    eigenvalues = radius * np.concatenate(([1.0], rng.uniform(-0.9, 0.9, size - 1)))
    upper = np.diag(eigenvalues) + np.triu(rng.normal(0.0, 0.5, (size, size)), 1)
    q, _ = np.linalg.qr(rng.normal(size=(size, size)))
    return LinearChain(q @ upper @ q.T)


@claim(
    id="zhao2020.theorem2.linear-chain-spectral-radius",
    paper=ZHAO2020,
    place="Theorem 2 (the 'if' direction)",
    statement=(
        "A linear chain X_t = W X_{t-1} + (eps_t, 0) is geometrically ergodic (short memory) "
        "if the spectral radius of W is below 1; its autocovariance then decays like "
        "rho(W)^k."
    ),
    method=(
        "Random non-normal transition matrices with a prescribed spectral radius: the "
        "condition report (Theorem 2) must say 'holds'; the exact autocovariance "
        "Gamma(k) = W^k Gamma(0), Gamma(0) from the discrete Lyapunov equation, must decay at "
        "the rate rho(W) (slope of log ||Gamma(k)|| over lags 200-400, tolerance 2e-3: the "
        "subdominant eigenvalues, at most 0.9 rho, leave less than 1e-9 there)."
    ),
    kind="exact",
    spectral_radius=0.9,
    size=4,
)
def linear_chain_theorem2(budget, rng, *, spectral_radius, size):
    from scipy.linalg import solve_discrete_lyapunov

    from rnnmem.theory import conditions

    network = _chain_with_radius(spectral_radius, size, rng)
    report = conditions(network)
    measurements = [
        equals("Theorem 2 condition (rho(W) < 1) reported by theory.conditions",
               report.holds, True),
        close_to("spectral radius of the generated W", network.spectral_radius,
                 spectral_radius, 1e-10),
    ]
    figure = None
    if report.holds:
        # Exact Gamma(k) = W^k Gamma(0): the per-lag norm ratio tends to rho(W) from any
        # starting Gamma(0), so the rate needs no simulation.
        w = network.weight
        lags = np.arange(0, 401)
        noise = np.zeros((size, size))
        noise[0, 0] = 1.0  # eps_t enters the observed coordinate only (ZH20 eq. 8)
        gamma0 = solve_discrete_lyapunov(w, noise)
        norms = np.empty(lags.size)
        current = gamma0.copy()
        for k in lags:
            norms[k] = np.linalg.norm(current, 2)
            current = w @ current
        slope = np.polyfit(lags[200:], np.log(norms[200:]), 1)[0]
        measurements.append(close_to("decay rate exp(slope) of ||Gamma(k)||, lags 200-400",
                                     float(np.exp(slope)), spectral_radius, 2e-3))
        figure, (ax,) = _axes()
        ax.semilogy(lags, norms, label="||Gamma(k)|| (exact)")
        ax.semilogy(lags, norms[0] * spectral_radius ** lags, "--",
                    label=f"rho(W)^k, rho = {spectral_radius:g}")
        ax.set_xlabel("lag k (steps)")
        ax.set_ylabel("||Gamma(k)|| (spectral norm)")
        ax.set_title("Theorem 2: autocovariance of a linear chain")
        ax.legend()
    return Evidence(measurements, figure,
                    notes="W is non-normal, so ||W^k|| differs from rho^k at small k; the "
                          "rate is read off the tail. Without the premise (rho >= 1) there is "
                          "no stationary autocovariance and only the condition is reported.")


@claim(
    id="zhao2020.theorem2.not-stationary-above-radius-one",
    paper=ZHAO2020,
    place="Theorem 2 (the 'only if' direction)",
    statement=(
        "A linear chain whose transition matrix has spectral radius >= 1 is not geometrically "
        "ergodic and not stationary: started anywhere, the variance of its output grows "
        "without bound."
    ),
    method=(
        "A random non-normal W with spectral radius `spectral_radius` (default 1.01). "
        "The condition report must say 'fails'. Exact: the covariance of X_t started at 0, "
        "P_t = W P_(t-1) W' + diag(1, 0..0), must keep growing: Var(y_T) / Var(y_(T/2)) >= "
        "1.5 at T = 1000 (a stationary chain gives 1 + O(rho^T)). Simulated: 256 chains of "
        "rnnmem.simulate.run from 0; their sample variance of y_T divided by the exact "
        "Var(y_T) must lie in the two-sided 1e-6 chi-square interval (the simulated chains "
        "follow the exploding law), and their sample variance must grow from T/2 to T by the "
        "same factor 1.5 (probability of missing it below 1e-12 at the default, by the F "
        "distribution). Error rate 1e-6."
    ),
    kind="statistical",
    error_rate=1e-6,
    spectral_radius=1.01,
    size=4,
)
def linear_chain_not_stationary(budget, rng, *, spectral_radius, size):
    from scipy import stats

    from rnnmem.simulate import run
    from rnnmem.theory import conditions

    network = _chain_with_radius(spectral_radius, size, rng)
    report = conditions(network)
    steps, chains = 1000, 256
    w = network.weight
    q = np.zeros((size, size))
    q[0, 0] = 1.0
    variance = np.empty(steps + 1)
    p = np.zeros((size, size))
    variance[0] = 0.0
    for t in range(1, steps + 1):
        p = w @ p @ w.T + q
        variance[t] = p[0, 0]
    growth = variance[steps] / variance[steps // 2]
    path = run(network, steps, n_chains=chains, rng=rng, on_divergence="report",
               divergence_bound=1e300)
    y = path.outputs[:, :, 0]
    # Known mean 0 (started at 0, zero-mean noise): sum of squares / n is chi^2_n / n scaled.
    sample = np.mean(y**2, axis=0)
    ratio = float(sample[-1] / variance[steps])
    low, high = stats.chi2.ppf([5e-7, 1 - 5e-7], chains) / chains
    sim_growth = float(sample[-1] / sample[steps // 2 - 1])
    figure, (ax,) = _axes()
    t = np.arange(1, steps + 1)
    ax.semilogy(t, variance[1:], color="C3", lw=2, label="exact Var(y_t) from X_0 = 0")
    ax.semilogy(t, sample, color="0.3", lw=1, label=f"sample variance over {chains} chains")
    ax.set_xlabel("step t")
    ax.set_ylabel("Var(y_t)")
    ax.set_title(f"Theorem 2: rho(W) = {network.spectral_radius:.4g}")
    ax.legend(fontsize="small")
    return Evidence(
        [equals("Theorem 2 condition (rho(W) < 1) reported by theory.conditions",
                report.holds, False),
         at_least("exact Var(y_T) / Var(y_(T/2)), T = 1000", growth, 1.5),
         Measurement("simulated / exact Var(y_T) (chi-square 1e-6 interval)",
                     f"in [{low:.4g}, {high:.4g}]", f"{ratio:.6g}",
                     bool(low <= ratio <= high), ratio),
         at_least("simulated Var(y_T) / Var(y_(T/2))", sim_growth, 1.5)],
        figure, key=1,
        notes="A stationary chain started at 0 has a bounded, converging variance; here it "
              "grows like rho^(2t).")


# ---------------------------------------------------------------------------------------------
# Table 1: ReLU RNNs inside and outside the conditions


def _scalar_relu_rnn(w_hh: float, w_hy: float, w_zh: float, b_h: float):
    from rnnmem.networks import RNN

    return RNN(weight_ih=(np.array([[w_hy]]),), weight_hh=(np.array([[w_hh]]),),
               bias_ih=(np.array([b_h]),), bias_hh=(np.array([0.0]),),
               head_weight=np.array([[w_zh]]), head_bias=np.array([0.0]),
               activation="relu", output="identity")


def _table1_max(w_hh, w_hy, w_zh) -> float:
    """ZH20 Table 1, row identity output / ReLU activation, scalar weights: all of
    |w_zh w_hh|, |w_zh w_hy|, |w_hh|, |w_hy| must be at most some a < 1."""
    return max(abs(w_zh * w_hh), abs(w_zh * w_hy), abs(w_hh), abs(w_hy))


@claim(
    id="zhao2020.table1.separate-bounds-not-sufficient",
    paper=ZHAO2020,
    place="Table 1, row 'identity output', as restated in THEORY.md 2.2 (reconstructed)",
    statement=(
        "Read as four separate bounds |w_zh w_hh|, |w_zh w_hy|, |w_hh|, |w_hy| <= a < 1, the "
        "Table 1 row for identity output (identity or ReLU activation) does not imply the "
        "drift bound: the scalar network (w_hh, w_hy, w_zh) = (0.9, 0.4, 0.9) meets all four "
        "with a = 0.9, yet with identity activation it is the linear chain of spectral radius "
        "|w_hh + w_zh w_hy| = 1.26, not stationary by Theorem 2, and with ReLU activation it "
        "diverges. The bounds have to hold jointly, as in rnnmem.theory.conditions."
    ),
    method=(
        "The one-step map of the identity-activation network, read off rnnmem.simulate.run "
        "(one noiseless step from the unit states), is a 2 x 2 matrix W; its spectral radius "
        "(numpy.linalg.eigvals) must be >= 1 and equal |w_hh + w_zh w_hy| (the other "
        "eigenvalue is 0) to 1e-12, and theory.conditions must report Theorem 2 failing for "
        "W and Theorem 1 failing for both networks. The ReLU network, bias 0.5, run without "
        "noise from h = y = 1, must leave the bound 1e10 within 200 steps (it grows like "
        "1.26^t on the active region). All deterministic."
    ),
    kind="exact",
    w_hh=0.9,
    w_hy=0.4,
    w_zh=0.9,
)
def table1_separate_bounds(budget, rng, *, w_hh, w_hy, w_zh):
    from rnnmem.networks import RNN, LinearChain
    from rnnmem.simulate import run
    from rnnmem.theory import conditions

    linear = RNN(weight_ih=(np.array([[w_hy]]),), weight_hh=(np.array([[w_hh]]),),
                 bias_ih=(np.zeros(1),), bias_hh=(np.zeros(1),),
                 head_weight=np.array([[w_zh]]), head_bias=np.zeros(1),
                 activation="identity", output="identity")
    # Columns of W: the images of the unit states (y, h) = (1, 0) and (0, 1).
    step = run(linear, 1, n_chains=2, init=np.array([[0.0], [1.0]]),
               init_output=np.array([[1.0], [0.0]]), noise_scale=0.0, record_states=True)
    w = np.column_stack([np.concatenate([step.outputs[k, 0], step.states[k, 0]])
                         for k in range(2)])
    chain = LinearChain(w)
    radius = chain.spectral_radius
    relu = _scalar_relu_rnn(w_hh, w_hy, w_zh, 0.5)
    path = run(relu, 200, init=np.ones(1), init_output=np.ones(1), noise_scale=0.0,
               on_divergence="report", record_states=True)
    diverged = bool(path.divergence_step[0] >= 0)
    figure, (ax,) = _axes()
    h = np.abs(path.states[0, :, 0])
    t = np.arange(1, h.size + 1)
    ax.semilogy(t, np.where(np.isfinite(h), h, np.nan), color="C3",
                label="ReLU network, no noise, h_0 = y_0 = 1")
    ax.semilogy(t, abs(w_hh + w_zh * w_hy) ** t, "--", color="0.4",
                label=f"|w_hh + w_zh w_hy|^t = {abs(w_hh + w_zh * w_hy):.3g}^t")
    ax.axhline(1e10, color="0.6", ls=":", label="divergence bound 1e10")
    ax.set_xlabel("step t")
    ax.set_ylabel("|h_t|")
    ax.set_title(f"Table 1 bounds met (a = {_table1_max(w_hh, w_hy, w_zh):.3g}), yet h_t diverges")
    ax.legend(fontsize="small")
    return Evidence(
        [less_than("Table 1 max(|w_zh w_hh|, |w_zh w_hy|, |w_hh|, |w_hy|)",
                   _table1_max(w_hh, w_hy, w_zh), 1.0),
         at_least("spectral radius of the identity-activation network's one-step map",
                  radius, 1.0),
         close_to("that radius against |w_hh + w_zh w_hy|", radius,
                  abs(w_hh + w_zh * w_hy), 1e-12),
         equals("Theorem 2 condition for that map (theory.conditions)",
                conditions(chain).holds, False),
         equals("Theorem 1 condition for the identity network (theory.conditions)",
                conditions(linear).holds, False),
         equals("Theorem 1 condition for the ReLU network (theory.conditions)",
                conditions(relu).holds, False),
         equals("noiseless ReLU network left the bound 1e10 within 200 steps", diverged, True)],
        figure, key=1,
        notes="ZH20's exact wording of Table 1 could not be confirmed (THEORY.md marks the "
              "theorems reconstructed); this claim checks the restatement and shows why "
              "rnnmem's condition sums the bounds instead of taking their maximum.")
