"""The claim catalogue's building blocks: what a claim is, what a check returns, the registry.

A :class:`Claim` is one statement of a paper that a computer can check, with everything a
reader needs to judge the check: where the statement is made, what is computed, whether the
check is exact (an identity checked to rounding) or statistical (and then with which error
rate), and the parameters it uses. Its check function turns a budget, a random generator and
those parameters into :class:`Evidence` (a list of :class:`Measurement` and an optional
figure); :meth:`Claim.run` wraps that into a :class:`ClaimResult`.

Parameters are keyword arguments of the check, so a test can break a claim's premise on
purpose (``claim.run("quick", 0, spectral_radius=1.01)``) and watch it fail, with the failed
measurement saying why.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import inspect
import math
import sys
import time
import traceback
import zlib
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from rnnmem._results import Result
from rnnmem._rng import as_generator
from rnnmem._validation import as_choice

__all__ = [
    "BUDGETS",
    "KINDS",
    "Budget",
    "Measurement",
    "Evidence",
    "Claim",
    "ClaimResult",
    "claim",
    "register",
    "get_claim",
    "select_claims",
    "all_claims",
    "close_to",
    "at_most",
    "at_least",
    "in_range",
    "equals",
    "less_than",
    "greater_than",
    "claim_seed",
]

BUDGETS = ("quick", "full")
KINDS = ("exact", "statistical")


@dataclasses.dataclass(frozen=True)
class Budget:
    """How much computing a check may spend: ``"quick"`` (CI, minutes) or ``"full"``.

    ``budget.pick(quick=..., full=...)`` returns the value for this budget, so a check states
    its two sizes side by side.
    """

    name: str

    def __post_init__(self):
        as_choice(self.name, "budget", BUDGETS)

    @property
    def quick(self) -> bool:
        return self.name == "quick"

    def pick(self, *, quick, full):
        """``quick`` under the quick budget, ``full`` under the full one."""
        return quick if self.quick else full


def _show(value) -> str:
    """Numbers as a reader wants them in a table: 6 significant digits, ints as ints."""
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        value = float(value)
        if math.isnan(value):
            return "nan"
        return f"{value:.6g}"
    return str(value)


@dataclasses.dataclass(frozen=True)
class Measurement:
    """One measured quantity of a check against what the claim expects.

    Attributes
    ----------
    quantity : str
        What was measured, in words a reader without the code understands
        (``"max relative error of w_j against 50-digit mpmath, j <= 1e6"``).
    expected : str
        The requirement, as text (``"<= 1e-12"``, ``"0.4 +/- 0.05"``, ``"short"``).
    measured : str
        The measured value, as text.
    passed : bool
        Whether the measured value meets the requirement.
    value : float or None
        The measured number when there is one (for machine-readable reports).
    """

    quantity: str
    expected: str
    measured: str
    passed: bool
    value: float | None = None

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


def _measured_number(value) -> float | None:
    if isinstance(value, (bool, np.bool_)):
        return None
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value)
    return None


def _checked_number(value, quantity: str) -> float:
    """A measured number; NaN or inf is a failed measurement, never a silent pass."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(
        value, (int, float, np.integer, np.floating)
    ):
        raise TypeError(
            f"measured value of {quantity!r} must be a real number; got {type(value).__name__} "
            f"({value!r})."
        )
    return float(value)


def close_to(quantity: str, measured, expected: float, tol: float) -> Measurement:
    """``|measured - expected| <= tol``; a NaN measurement fails."""
    x = _checked_number(measured, quantity)
    passed = math.isfinite(x) and abs(x - expected) <= tol
    return Measurement(quantity, f"{_show(expected)} +/- {_show(tol)}", _show(x), passed, x)


def at_most(quantity: str, measured, bound: float) -> Measurement:
    """``measured <= bound``; a NaN measurement fails."""
    x = _checked_number(measured, quantity)
    passed = not math.isnan(x) and x <= bound
    return Measurement(quantity, f"<= {_show(bound)}", _show(x), passed, x)


def at_least(quantity: str, measured, bound: float) -> Measurement:
    """``measured >= bound``; a NaN measurement fails."""
    x = _checked_number(measured, quantity)
    passed = not math.isnan(x) and x >= bound
    return Measurement(quantity, f">= {_show(bound)}", _show(x), passed, x)


def less_than(quantity: str, measured, bound: float) -> Measurement:
    """``measured < bound`` (strict, for premises such as rho(W) < 1); a NaN measurement fails."""
    x = _checked_number(measured, quantity)
    passed = not math.isnan(x) and x < bound
    return Measurement(quantity, f"< {_show(bound)}", _show(x), passed, x)


def greater_than(quantity: str, measured, bound: float) -> Measurement:
    """``measured > bound`` (strict); a NaN measurement fails."""
    x = _checked_number(measured, quantity)
    passed = not math.isnan(x) and x > bound
    return Measurement(quantity, f"> {_show(bound)}", _show(x), passed, x)


def in_range(quantity: str, measured, low: float, high: float) -> Measurement:
    """``low <= measured <= high``; a NaN measurement fails."""
    x = _checked_number(measured, quantity)
    passed = not math.isnan(x) and low <= x <= high
    return Measurement(quantity, f"in [{_show(low)}, {_show(high)}]", _show(x), passed, x)


def equals(quantity: str, measured, expected) -> Measurement:
    """``measured == expected`` for labels, verdicts, integers; ``expected`` may be a set of
    acceptable values (a tuple, list, set or frozenset)."""
    if isinstance(expected, (tuple, list, set, frozenset)):
        options = list(expected)
        passed = measured in options
        expected_text = " or ".join(_show(v) for v in options)
    else:
        passed = measured == expected
        expected_text = _show(expected)
    return Measurement(quantity, expected_text, _show(measured), bool(passed),
                       _measured_number(measured))


@dataclasses.dataclass(frozen=True)
class Evidence:
    """What a check function returns.

    Attributes
    ----------
    measurements : sequence of Measurement
        At least one; the claim passes when all pass.
    figure : matplotlib.figure.Figure or None
        The picture of the evidence (the report embeds it).
    notes : str
        Anything a reader needs to interpret the numbers (one or two sentences).
    key : int, default -1
        Index of the headline measurement, the one the one-line summary table shows when
        every measurement passes (a failed one is shown instead when there is one).
    """

    measurements: tuple
    figure: Any = None
    notes: str = ""
    key: int = -1

    def __post_init__(self):
        measurements = tuple(self.measurements)
        if not measurements or not all(isinstance(m, Measurement) for m in measurements):
            raise TypeError(
                "`measurements` must be a non-empty sequence of Measurement; "
                f"got {self.measurements!r}."
            )
        if isinstance(self.key, bool) or not isinstance(self.key, (int, np.integer)) \
                or not -len(measurements) <= self.key < len(measurements):
            raise ValueError(
                f"`key` must index one of the {len(measurements)} measurements; "
                f"got key={self.key!r}."
            )
        object.__setattr__(self, "measurements", measurements)


@dataclasses.dataclass(frozen=True)
class ClaimResult(Result):
    """The outcome of running one claim's check.

    Attributes
    ----------
    claim : Claim
        The claim that was checked.
    passed : bool
        True when every measurement met its requirement and the check ran to the end.
    measurements : tuple of Measurement
        Empty when the check raised.
    parameters : dict
        The parameters actually used (the claim's defaults with any overrides applied).
    budget : str
        ``"quick"`` or ``"full"``.
    seed : int or None
        The seed the generator was made from, when the run was given an int seed.
    seconds : float
        Wall-clock time of the check.
    why : str
        One sentence saying why the claim passed or, when it failed, which requirement was
        missed (or the error the check raised).
    notes : str
        The check's notes for the reader.
    figure : matplotlib.figure.Figure or None
        The evidence drawn.
    error : str
        The traceback when the check raised, else ``""``.
    key : int
        Index of the headline measurement (see :class:`Evidence`).
    """

    claim: "Claim"
    passed: bool
    measurements: tuple
    parameters: dict
    budget: str
    seed: int | None
    seconds: float
    why: str
    notes: str = ""
    figure: Any = dataclasses.field(default=None, compare=False, repr=False)
    error: str = ""
    key: int = -1

    @property
    def status(self) -> str:
        """"PASS", "FAIL", "KNOWN GAP" (failed, as the claim's ``known_gap`` says it does
        today) or "UNEXPECTED PASS" (passed although marked as a known gap)."""
        if self.claim.known_gap:
            return "UNEXPECTED PASS" if self.passed else "KNOWN GAP"
        return "PASS" if self.passed else "FAIL"

    @property
    def ok(self) -> bool:
        """False when this result should fail a catalogue run: FAIL or UNEXPECTED PASS."""
        return self.status in ("PASS", "KNOWN GAP")

    @property
    def key_measurement(self) -> Measurement | None:
        """The measurement a one-line table shows: the first failed one, else the headline
        one (``None`` when the check raised before measuring anything)."""
        if not self.measurements:
            return None
        for m in self.measurements:
            if not m.passed:
                return m
        return self.measurements[self.key]

    def summary(self) -> str:
        status = "PASS" if self.passed else "FAIL"
        lines = [f"{status}  {self.claim.id}  ({self.claim.paper}, {self.claim.place})",
                 f"  {self.claim.statement}",
                 f"  kind: {self.claim.kind_text}; budget {self.budget}; "
                 f"{self.seconds:.2f} s"]
        for m in self.measurements:
            mark = "ok " if m.passed else "MISS"
            lines.append(f"  [{mark}] {m.quantity}: {m.measured} (expected {m.expected})")
        lines.append(f"  {self.why}")
        return "\n".join(lines)

    def to_dict(self) -> dict:
        """Everything but the figure, JSON-ready."""
        return {
            "id": self.claim.id,
            "paper": self.claim.paper,
            "place": self.claim.place,
            "statement": self.claim.statement,
            "method": self.claim.method,
            "kind": self.claim.kind,
            "error_rate": self.claim.error_rate,
            "passed": self.passed,
            "status": self.status,
            "known_gap": self.claim.known_gap,
            "measurements": [m.to_dict() for m in self.measurements],
            "parameters": {k: _jsonable(v) for k, v in self.parameters.items()},
            "budget": self.budget,
            "seed": self.seed,
            "seconds": self.seconds,
            "why": self.why,
            "notes": self.notes,
            "error": self.error,
        }


def _jsonable(value):
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (np.integer, np.floating, np.bool_)):
        return value.item()
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (int, float, str, bool)) or value is None:
        return value
    return repr(value)


@dataclasses.dataclass(frozen=True)
class Claim:
    """One checkable statement of a paper.

    Attributes
    ----------
    id : str
        Dotted identifier, ``paper.place.short-name`` (``"zhao2020.corollary1.tanh-any-weights"``).
    paper : str
        Short citation (``"Zhao et al. (2020)"``).
    place : str
        Where in the paper (``"Corollary 1"``, ``"Table 1, row 2"``, ``"Section 3.2"``).
    statement : str
        The claim in words.
    method : str
        How the check tests it: what is computed, against what, with which sizes.
    kind : {"exact", "statistical"}
        Exact: an identity or bound checked to rounding. Statistical: a Monte Carlo or
        estimation check whose pass/fail is random over seeds.
    error_rate : float or None
        For statistical claims, the probability that the check fails although the claim is
        true (per run, over seeds), as designed; ``None`` for exact claims.
    parameters : mapping
        Default keyword arguments of the check; overriding them breaks or varies the premise.
    check : callable
        ``check(budget: Budget, rng: numpy.random.Generator, **parameters) -> Evidence``.
    known_gap : str
        Empty, or the reason why rnnmem cannot yet deliver what the claim expects (an open
        problem of the library, not of the paper). Such a claim still runs with its full
        expectation; a failure is reported as "KNOWN GAP" and does not fail the catalogue,
        but a pass is reported as "UNEXPECTED PASS" and does (the gap has closed: remove the
        marker), as pytest's strict xfail.
    """

    id: str
    paper: str
    place: str
    statement: str
    method: str
    kind: str
    error_rate: float | None
    parameters: Mapping[str, Any]
    check: Callable[..., Evidence] = dataclasses.field(compare=False, repr=False)
    known_gap: str = ""

    def __post_init__(self):
        as_choice(self.kind, "kind", KINDS)
        if not isinstance(self.known_gap, str):
            raise TypeError(f"`known_gap` of claim {self.id!r} must be a string; "
                            f"got {type(self.known_gap).__name__}.")
        if self.kind == "statistical":
            if self.error_rate is None or not 0 < self.error_rate < 1:
                raise ValueError(
                    f"`error_rate` of statistical claim {self.id!r} must lie in (0, 1); "
                    f"got error_rate={self.error_rate!r}."
                )
        elif self.error_rate is not None:
            raise ValueError(
                f"`error_rate` of exact claim {self.id!r} must be None; "
                f"got error_rate={self.error_rate!r}."
            )
        accepted = inspect.signature(self.check).parameters
        takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in accepted.values())
        missing = [name for name in self.parameters if name not in accepted and not takes_any]
        if missing:
            raise TypeError(
                f"check of claim {self.id!r} does not accept the parameters {missing}."
            )
        object.__setattr__(self, "parameters", dict(self.parameters))

    @property
    def kind_text(self) -> str:
        if self.kind == "exact":
            return "exact"
        return f"statistical, error rate {self.error_rate:.2g}"

    def run(self, budget="quick", rng=None, **overrides) -> ClaimResult:
        """Run the check and return a :class:`ClaimResult`.

        Parameters
        ----------
        budget : {"quick", "full"} or Budget
        rng : None, int or numpy.random.Generator
        **overrides
            Replace default parameters (names must be among ``self.parameters``), for
            instance to break the premise on purpose.

        Notes
        -----
        An exception raised by the check does not propagate: the result fails, ``why``
        names the exception and ``error`` holds the traceback, so one broken check cannot
        stop a catalogue run. Argument errors of ``run`` itself (unknown budget, unknown
        parameter) do raise.
        """
        budget = budget if isinstance(budget, Budget) else Budget(budget)
        unknown = sorted(set(overrides) - set(self.parameters))
        if unknown:
            raise TypeError(
                f"claim {self.id!r} has no parameter(s) {unknown}; its parameters are "
                f"{sorted(self.parameters)}."
            )
        seed = int(rng) if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool) \
            else None
        generator = as_generator(rng)
        parameters = {**self.parameters, **overrides}
        open_figures = _open_figures()
        start = time.perf_counter()
        try:
            evidence = self.check(budget, generator, **parameters)
            if not isinstance(evidence, Evidence):
                raise TypeError(
                    f"check of claim {self.id!r} must return Evidence; "
                    f"got {type(evidence).__name__}."
                )
        except Exception as exc:  # noqa: BLE001 - reported in the result, see Notes
            _close_new_figures(open_figures)
            return ClaimResult(
                claim=self, passed=False, measurements=(), parameters=parameters,
                budget=budget.name, seed=seed, seconds=time.perf_counter() - start,
                why=f"the check raised {type(exc).__name__}: {exc}",
                error=traceback.format_exc(),
            )
        seconds = time.perf_counter() - start
        failed = [m for m in evidence.measurements if not m.passed]
        if failed:
            why = "; ".join(
                f"{m.quantity} is {m.measured}, expected {m.expected}" for m in failed
            )
            why = f"Failed: {why}."
        else:
            why = f"All {len(evidence.measurements)} requirement(s) met."
        return ClaimResult(
            claim=self, passed=not failed, measurements=evidence.measurements,
            parameters=parameters, budget=budget.name, seed=seed, seconds=seconds,
            why=why, notes=evidence.notes, figure=evidence.figure, key=int(evidence.key),
        )


def _open_figures() -> set | None:
    # Only when pyplot is already loaded: a check that never draws must not pay its import.
    pyplot = sys.modules.get("matplotlib.pyplot")
    return None if pyplot is None else set(pyplot.get_fignums())


def _close_new_figures(before: set | None) -> None:
    """Close the figures a failed check opened: nobody will render them, and pyplot keeps
    every open figure alive (a long catalogue run would grow without bound)."""
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is None:
        return
    for number in set(pyplot.get_fignums()) - (before or set()):
        pyplot.close(number)


def claim_seed(seed: int, claim_id: str) -> int:
    """The seed a catalogue run gives one claim: a function of the run's seed and the id only.

    So a claim gets the same random numbers whether the whole catalogue runs or only a
    selection (``--only``), and a reader can rerun it alone with ``claim.run(budget, seed)``.
    """
    entropy = [int(seed), zlib.crc32(claim_id.encode("utf-8"))]
    return int(np.random.SeedSequence(entropy).generate_state(1, dtype=np.uint64)[0] >> 1)


_REGISTRY: dict[str, Claim] = {}


def register(new: Claim) -> Claim:
    """Add a claim to the catalogue; ids are unique."""
    if not isinstance(new, Claim):
        raise TypeError(f"`claim` must be a Claim; got {type(new).__name__}.")
    if new.id in _REGISTRY:
        raise ValueError(f"a claim with id {new.id!r} is already registered.")
    _REGISTRY[new.id] = new
    return new


def claim(*, id: str, paper: str, place: str, statement: str, method: str, kind: str,
          error_rate: float | None = None, known_gap: str = "", **parameters):
    """Decorator: register the decorated check function as a :class:`Claim`.

    Keyword arguments beyond those of :class:`Claim` are the claim's default parameters.
    The decorated function is returned unchanged, so it stays callable in tests.
    """

    def decorate(check):
        register(Claim(id=id, paper=paper, place=place, statement=statement, method=method,
                       kind=kind, error_rate=error_rate, parameters=parameters, check=check,
                       known_gap=known_gap))
        return check

    return decorate


def _load_catalogue() -> None:
    # Importing the claim modules registers their claims; done on first use so that
    # `import rnnmem.verify.claims` stays cheap.
    from rnnmem.verify.claims import _catalogue  # noqa: F401


def all_claims() -> list[Claim]:
    """Every registered claim, in registration order."""
    _load_catalogue()
    return list(_REGISTRY.values())


def get_claim(claim_id: str) -> Claim:
    """The claim with this id."""
    _load_catalogue()
    try:
        return _REGISTRY[claim_id]
    except KeyError:
        raise KeyError(
            f"no claim with id {claim_id!r}; `rnnmem verify --list` shows the "
            f"{len(_REGISTRY)} ids."
        ) from None


def select_claims(pattern: str | None = None) -> list[Claim]:
    """Claims whose id matches ``pattern``.

    A pattern with shell wildcards (``*``, ``?``, ``[``) is matched against the whole id
    (``"zhao2020.*"``); plain text selects the ids containing it (``"corollary1"``).
    ``None`` selects everything.
    """
    claims = all_claims()
    if pattern is None:
        return claims
    if not isinstance(pattern, str) or not pattern:
        raise ValueError(f"`pattern` must be a non-empty string; got pattern={pattern!r}.")
    if any(ch in pattern for ch in "*?["):
        return [c for c in claims if fnmatch.fnmatchcase(c.id, pattern)]
    return [c for c in claims if pattern in c.id]
