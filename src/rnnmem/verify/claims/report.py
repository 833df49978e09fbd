"""Running the claim catalogue and reporting on it (``rnnmem verify``).

:func:`run_catalogue` runs the selected claims, each with its own seed
(:func:`~rnnmem.verify.claims.claim_seed`), renders each figure to PNG at once and closes it,
and returns a :class:`CatalogueReport`. The report prints as a table (``summary()``) and
writes itself as Markdown (figures as PNG files beside it), as one self-contained HTML page
(figures embedded as base64 PNG, no external assets) and as JSON.

The reports are written to be read without the code: for every claim the paper and the
place, the statement, how it was checked, whether the check is exact or statistical (and its
error rate), the parameters, each measurement against its requirement, why the claim passed
or failed, the notes, the figure and the time.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime
import html
import io
import json
import os
import pathlib
import platform
import re
import time
from collections.abc import Callable

from rnnmem._results import Result
from rnnmem.verify.claims._registry import (
    Budget,
    ClaimResult,
    _close_new_figures,
    _open_figures,
    claim_seed,
    select_claims,
)

__all__ = ["CatalogueReport", "run_catalogue"]

#: Width of the printed table; 100 columns fits a terminal and the README.
TABLE_WIDTH = 100
_ID_WIDTH = 48
_KIND_WIDTH = 5
_EXPECTED_WIDTH = 20
_MEASURED_WIDTH = 14


@dataclasses.dataclass(frozen=True)
class CatalogueReport(Result):
    """The results of one catalogue run.

    Attributes
    ----------
    results : tuple of ClaimResult
        One per claim, in catalogue order. Their ``figure`` has been rendered and closed;
        the picture is kept in ``figures``.
    figures : tuple of (bytes or None)
        The PNG image of each claim's figure (``None`` for a claim without one).
    budget : str
        ``"quick"`` or ``"full"``.
    seed : int
        The run's seed; claim ``c`` ran with ``claim_seed(seed, c.id)``.
    pattern : str or None
        The ``--only`` selection, ``None`` for the whole catalogue.
    seconds : float
        Wall-clock time of the whole run.
    started : str
        UTC time the run started, ISO 8601.
    environment : dict
        Versions of rnnmem, Python, NumPy, SciPy and the platform.
    """

    results: tuple
    figures: tuple
    budget: str
    seed: int
    pattern: str | None
    seconds: float
    started: str
    environment: dict

    def __post_init__(self):
        if len(self.results) != len(self.figures):
            raise ValueError(
                f"`figures` must hold one entry (PNG bytes or None) per result "
                f"({len(self.results)}); got {len(self.figures)}."
            )

    @property
    def passed(self) -> bool:
        """True when every claim passed or failed only as its known gap says."""
        return all(r.ok for r in self.results)

    def result(self, claim_id: str):
        """The :class:`ClaimResult` of the claim with this id."""
        for result in self.results:
            if result.claim.id == claim_id:
                return result
        raise KeyError(f"no result for claim {claim_id!r} in this report; it holds "
                       f"{len(self.results)} claims (pattern {self.pattern!r}).")

    @property
    def headline(self) -> str:
        """"37 of 40 claims passed, 2 known gaps, 1 failed"."""
        statuses = [r.status for r in self.results]
        text = f"{statuses.count('PASS')} of {len(statuses)} claims passed"
        gaps = statuses.count("KNOWN GAP")
        if gaps:
            text += f", {gaps} known gap{'s' if gaps > 1 else ''}"
        if self.n_failed:
            text += f", {self.n_failed} failed"
        return text

    @property
    def n_failed(self) -> int:
        return sum(not r.ok for r in self.results)

    # -- text --------------------------------------------------------------------------------

    def table(self) -> str:
        """One row per claim: id, kind, expected and measured value of the key measurement
        (the first failed one, else the claim's headline), PASS or FAIL; at most 100 columns."""
        header = (f"{'claim':<{_ID_WIDTH}} {'kind':<{_KIND_WIDTH}} "
                  f"{'expected':<{_EXPECTED_WIDTH}} {'measured':<{_MEASURED_WIDTH}} pass")
        lines = [header, "-" * len(header)]
        for result in self.results:
            key = result.key_measurement
            expected = key.expected if key is not None else "(check raised)"
            measured = key.measured if key is not None else "error"
            kind = "exact" if result.claim.kind == "exact" else "stat"
            lines.append(
                f"{_fit(result.claim.id, _ID_WIDTH):<{_ID_WIDTH}} {kind:<{_KIND_WIDTH}} "
                f"{_fit(expected, _EXPECTED_WIDTH):<{_EXPECTED_WIDTH}} "
                f"{_fit(measured, _MEASURED_WIDTH):<{_MEASURED_WIDTH}} "
                f"{result.status}"
            )
        return "\n".join(lines)

    def summary(self) -> str:
        """The table, the totals and, for each failed claim, why it failed."""
        lines = [self.table(), "",
                 f"{self.headline} ({self.budget} budget, seed "
                 f"{self.seed}, {self.seconds:.1f} s)."]
        for result in self.results:
            if not result.passed:
                lines.append(_wrap(f"{result.status} {result.claim.id}: {result.why}",
                                   TABLE_WIDTH))
            if result.claim.known_gap:
                lines.append(_wrap(f"  known gap: {result.claim.known_gap}", TABLE_WIDTH))
        return "\n".join(lines)

    # -- machine-readable ---------------------------------------------------------------------

    def to_dict(self) -> dict:
        """Everything but the images, JSON-ready (figure file names as in the Markdown report)."""
        return {
            "budget": self.budget,
            "seed": self.seed,
            "pattern": self.pattern,
            "seconds": self.seconds,
            "started": self.started,
            "environment": dict(self.environment),
            "passed": self.passed,
            "n_claims": len(self.results),
            "n_failed": self.n_failed,
            "claims": [
                {**result.to_dict(), "claim_seed": claim_seed(self.seed, result.claim.id),
                 "figure": _figure_name(result) if png is not None else None}
                for result, png in zip(self.results, self.figures, strict=True)
            ],
        }

    def write_json(self, path) -> pathlib.Path:
        """Write :meth:`to_dict` as JSON; returns the path."""
        path = pathlib.Path(path)
        path.write_text(json.dumps(self.to_dict(), indent=2, default=_json_default) + "\n",
                        encoding="utf-8")
        return path

    # -- Markdown -----------------------------------------------------------------------------

    def write_markdown(self, path) -> pathlib.Path:
        """Write the report as Markdown; the figures go to ``figures/`` beside it as PNG.

        Every piece of text from the claims is escaped, so a statement containing ``|``,
        ``*`` or ``<tag>`` shows as written instead of breaking the tables or the page.
        """
        path = pathlib.Path(path)
        folder = path.parent / "figures"
        if any(png is not None for png in self.figures):
            folder.mkdir(parents=True, exist_ok=True)
        out = [f"# rnnmem verify: {self.headline}", ""]
        out += [_md(line) + "  " for line in self._run_lines()]
        out += ["", "| claim | kind | expected | measured | pass |", "|---|---|---|---|---|"]
        for result in self.results:
            key = result.key_measurement
            out.append(
                f"| [{_md(result.claim.id)}](#{_anchor(result.claim.id)}) | "
                f"{_md(result.claim.kind)} | {_md(key.expected if key else 'check raised')} | "
                f"{_md(key.measured if key else 'error')} | "
                f"{result.status if result.ok else '**' + result.status + '**'} |")
        for result, png in zip(self.results, self.figures, strict=True):
            out += ["", f'<a id="{_anchor(result.claim.id)}"></a>', "",
                    f"## {result.status}: {_md(result.claim.id)}", ""]
            for label, value in self._facts(result):
                out.append(f"- **{label}**: {_md(value)}")
            out += ["", f"**Statement.** {_md(result.claim.statement)}", "",
                    f"**Method.** {_md(result.claim.method)}", ""]
            if result.parameters:
                out += ["| parameter | value |", "|---|---|"]
                out += [f"| {_md(k)} | {_md(_param(v))} |" for k, v in result.parameters.items()]
                out.append("")
            if result.measurements:
                out += ["| measured quantity | expected | measured | pass |",
                        "|---|---|---|---|"]
                out += [f"| {_md(m.quantity)} | {_md(m.expected)} | {_md(m.measured)} | "
                        f"{'yes' if m.passed else '**no**'} |" for m in result.measurements]
                out.append("")
            out.append(f"**Why.** {_md(result.why)}")
            if result.notes:
                out += ["", f"**Notes.** {_md(result.notes)}"]
            if png is not None:
                name = _figure_name(result)
                (folder / name).write_bytes(png)
                out += ["", f"![Figure of {_md(result.claim.id)}](figures/{name})"]
            if result.error:
                out += ["", "```text", result.error.replace("```", "'''").rstrip(), "```"]
        path.write_text("\n".join(out) + "\n", encoding="utf-8")
        return path

    # -- HTML ---------------------------------------------------------------------------------

    def write_html(self, path) -> pathlib.Path:
        """Write the report as one self-contained HTML page (figures as base64 PNG, inline CSS,
        no scripts, no external assets); all text is HTML-escaped."""
        path = pathlib.Path(path)
        e = _html
        body = [f"<h1>rnnmem verify: {e(self.headline)}</h1>",
                "<p>" + "<br>".join(e(line) for line in self._run_lines()) + "</p>",
                "<table><thead><tr><th>claim</th><th>kind</th><th>expected</th>"
                "<th>measured</th><th>pass</th></tr></thead><tbody>"]
        for result in self.results:
            key = result.key_measurement
            status = result.status
            body.append(
                f'<tr class="{_css_class(result)}"><td><a href="#{_anchor(result.claim.id)}">'
                f"{e(result.claim.id)}</a></td><td>{e(result.claim.kind)}</td>"
                f"<td>{e(key.expected if key else 'check raised')}</td>"
                f"<td>{e(key.measured if key else 'error')}</td>"
                f"<td>{e(status)}</td></tr>")
        body.append("</tbody></table>")
        for result, png in zip(self.results, self.figures, strict=True):
            body.append(f'<section id="{_anchor(result.claim.id)}" '
                        f'class="{_css_class(result)}">')
            body.append(f"<h2>{e(result.status)}: {e(result.claim.id)}</h2>")
            body.append("<dl>" + "".join(f"<dt>{e(label)}</dt><dd>{e(value)}</dd>"
                                         for label, value in self._facts(result)) + "</dl>")
            body.append(f"<p><b>Statement.</b> {e(result.claim.statement)}</p>")
            body.append(f"<p><b>Method.</b> {e(result.claim.method)}</p>")
            if result.parameters:
                body.append("<table><thead><tr><th>parameter</th><th>value</th></tr></thead>"
                            "<tbody>" + "".join(f"<tr><td>{e(k)}</td><td>{e(_param(v))}</td></tr>"
                                                for k, v in result.parameters.items())
                            + "</tbody></table>")
            if result.measurements:
                rows = "".join(
                    f'<tr class="{"pass" if m.passed else "fail"}"><td>{e(m.quantity)}</td>'
                    f"<td>{e(m.expected)}</td><td>{e(m.measured)}</td>"
                    f"<td>{'yes' if m.passed else 'no'}</td></tr>" for m in result.measurements)
                body.append("<table><thead><tr><th>measured quantity</th><th>expected</th>"
                            f"<th>measured</th><th>pass</th></tr></thead><tbody>{rows}"
                            "</tbody></table>")
            body.append(f"<p><b>Why.</b> {e(result.why)}</p>")
            if result.notes:
                body.append(f"<p><b>Notes.</b> {e(result.notes)}</p>")
            if png is not None:
                data = base64.b64encode(png).decode("ascii")
                body.append(f'<figure><img alt="{e("Figure of " + result.claim.id)}" '
                            f'src="data:image/png;base64,{data}"></figure>')
            if result.error:
                body.append(f"<pre>{e(result.error)}</pre>")
            body.append("</section>")
        page = ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                f"<title>rnnmem verify report</title><style>{_CSS}</style></head><body>\n"
                + "\n".join(body) + "\n</body></html>\n")
        path.write_text(page, encoding="utf-8")
        return path

    def write(self, folder) -> dict:
        """Write report.md (with figures/), report.html and report.json into ``folder``
        (created if missing); returns {format: path}."""
        folder = pathlib.Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        return {"markdown": self.write_markdown(folder / "report.md"),
                "html": self.write_html(folder / "report.html"),
                "json": self.write_json(folder / "report.json")}

    # -- shared pieces ------------------------------------------------------------------------

    def _run_lines(self) -> list[str]:
        env = self.environment
        selection = "all claims" if self.pattern is None else f"claims matching {self.pattern!r}"
        return [
            f"Budget {self.budget}, seed {self.seed}, {selection}; started {self.started} "
            f"(UTC), {self.seconds:.1f} s in all.",
            "Exact claims check an identity or a bound to rounding; statistical claims use "
            "fixed seeds and fail, although true, with the error rate stated for each.",
            "rnnmem " + env.get("rnnmem", "?") + ", Python " + env.get("python", "?")
            + ", NumPy " + env.get("numpy", "?") + ", SciPy " + env.get("scipy", "?")
            + ", " + env.get("platform", "?") + ".",
        ]

    def _facts(self, result: ClaimResult) -> list[tuple[str, str]]:
        claim = result.claim
        if claim.kind == "exact":
            kind = "exact (an identity or bound checked to rounding; no randomness decides it)"
        else:
            kind = (f"statistical: fails with probability {claim.error_rate:.2g} per run "
                    "although the claim is true (as designed; see the method)")
        return [("paper", f"{claim.paper}, {claim.place}"),
                ("check", kind),
                ("result", result.status),
                *([("known gap", claim.known_gap)] if claim.known_gap else []),
                ("run", f"budget {result.budget}, seed {result.seed}, {result.seconds:.2f} s")]


def _css_class(result) -> str:
    return {"PASS": "pass", "KNOWN GAP": "gap"}.get(result.status, "fail")


# ---------------------------------------------------------------------------------------------
# Running


def run_catalogue(pattern=None, *, budget="quick", seed=0,
                  progress: Callable | None = None) -> CatalogueReport:
    """Run the claims whose id matches ``pattern`` and collect a :class:`CatalogueReport`.

    Parameters
    ----------
    pattern : str, optional
        As :func:`~rnnmem.verify.claims.select_claims`: shell wildcards match the whole id,
        plain text selects ids containing it; ``None`` runs everything.
    budget : {"quick", "full"}
    seed : int
        Non-negative; claim ``c`` runs with ``claim_seed(seed, c.id)``, so its numbers do
        not depend on which other claims are selected.
    progress : callable, optional
        ``progress(done, total, claim_id, result)``: called before each claim with
        ``result=None`` and after it with its :class:`ClaimResult`.

    Returns
    -------
    CatalogueReport

    Raises
    ------
    ValueError
        If ``pattern`` selects no claim, or ``seed`` is negative.
    """
    budget = budget if isinstance(budget, Budget) else Budget(budget)
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"`seed` must be an int; got {type(seed).__name__}.")
    if seed < 0:
        raise ValueError(f"`seed` must be a non-negative integer; got seed={seed}.")
    if progress is not None and not callable(progress):
        raise TypeError(f"`progress` must be callable; got {type(progress).__name__}.")
    claims = select_claims(pattern)
    if not claims:
        raise ValueError(
            f"`pattern` matches no claim; got pattern={pattern!r}. `rnnmem verify --list` "
            "shows the ids (wildcards match the whole id, plain text any part of it)."
        )
    started = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    start = time.perf_counter()
    results, figures = [], []
    for done, claim in enumerate(claims):
        if progress is not None:
            progress(done, len(claims), claim.id, None)
        before = _open_figures()
        result = claim.run(budget, claim_seed(seed, claim.id))
        figures.append(_render(result))
        # Figures a check opened besides the one it returned would stay alive in pyplot.
        _close_new_figures(before)
        # The report keeps the PNG; the Figure object is dropped so nothing holds it.
        result = dataclasses.replace(result, figure=None)
        results.append(result)
        if progress is not None:
            progress(done + 1, len(claims), claim.id, result)
    return CatalogueReport(
        results=tuple(results), figures=tuple(figures), budget=budget.name, seed=seed,
        pattern=pattern, seconds=time.perf_counter() - start,
        started=started.isoformat().replace("+00:00", ""), environment=_environment(),
    )


def _render(result: ClaimResult) -> bytes | None:
    """PNG bytes of the result's figure; the figure is closed afterwards (memory)."""
    figure = result.figure
    if figure is None:
        return None
    import matplotlib.pyplot as plt

    try:
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=100)
        return buffer.getvalue()
    finally:
        plt.close(figure)


def _json_default(value):
    """NumPy scalars and arrays a check put into its measurements or parameters (a NumPy
    bool is not a Python bool for ``json``); anything else as its repr."""
    import numpy as np

    if isinstance(value, (np.generic, np.ndarray)):
        return value.tolist()
    return repr(value)


def _environment() -> dict:
    import numpy
    import scipy

    from rnnmem import __version__

    return {"rnnmem": __version__, "python": platform.python_version(),
            "numpy": numpy.__version__, "scipy": scipy.__version__,
            "platform": f"{platform.system()} {platform.machine()}",
            "cpus": str(os.cpu_count())}


# ---------------------------------------------------------------------------------------------
# Text helpers


def _fit(text: str, width: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 3] + "..."


def _wrap(text: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width, subsequent_indent="  ")) or text


def _param(value) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def _figure_name(result: ClaimResult) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", result.claim.id) + ".png"


def _anchor(claim_id: str) -> str:
    return "claim-" + re.sub(r"[^A-Za-z0-9_-]", "-", claim_id)


# What can change the meaning of inline text in a paragraph or table cell (CommonMark and
# GitHub): emphasis, code, links (escaping the brackets suffices), tables, strikethrough, HTML.
# Texts are single lines never at the start of a line, so '#', '+', '-' need no escape.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~<>])")


def _md(text) -> str:
    """Escape text for Markdown: one line, Markdown punctuation backslash-escaped and HTML
    characters as entities (so ``<script>`` stays text in every renderer)."""
    text = " ".join(str(text).split())
    text = text.replace("&", "&amp;")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return text.replace("\\<", "&lt;").replace("\\>", "&gt;")


def _html(text) -> str:
    return html.escape(str(text), quote=True)


_CSS = """
body { font-family: system-ui, sans-serif; max-width: 60em; margin: 2em auto; padding: 0 1em;
       line-height: 1.45; color: #222; }
table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.92em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
tr.fail td, section.fail h2 { color: #a00; }
tr.gap td, section.gap h2 { color: #a60; }
tr.pass td:last-child { color: #060; }
section { border-top: 2px solid #ddd; margin-top: 2em; }
dl { display: grid; grid-template-columns: max-content auto; gap: 0.2em 1em; }
dt { font-weight: bold; }
dd { margin: 0; }
figure img { max-width: 100%; }
pre { background: #f7f7f7; padding: 0.6em; overflow-x: auto; font-size: 0.85em; }
"""

