"""The catalogue runner and its reports (table, Markdown, HTML, JSON)."""

from __future__ import annotations

import base64
import json
import re

import pytest

from rnnmem.verify.claims import (
    CatalogueReport,
    Claim,
    Evidence,
    all_claims,
    at_most,
    claim_seed,
    run_catalogue,
)

HOSTILE = "<script>alert('x')</script> | *bold* _under_ [link](http://x) & `tick`"


def _drawing_check(budget, rng, *, value=0.5):
    from rnnmem.figures._axes import figure_and_axes

    figure, ax = figure_and_axes(None)
    ax.plot([0, 1], [0, value])
    ax.set_title(HOSTILE)
    return Evidence([at_most(f"value {HOSTILE}", value, 1.0)], figure, notes=HOSTILE)


def _claim(claim_id, **parameters):
    return Claim(id=claim_id, paper="Test <b>paper</b>", place="Table | 1",
                 statement=HOSTILE, method=HOSTILE, kind="exact", error_rate=None,
                 parameters=parameters or {"value": 0.5}, check=_drawing_check)


@pytest.fixture
def hostile_report(temporary_claims):
    temporary_claims(_claim("test.report.hostile-pass"))
    temporary_claims(_claim("test.report.hostile-fail", value=2.0))
    return run_catalogue("test.report.*", budget="quick", seed=5)


# -- the runner -------------------------------------------------------------------------------


def test_each_claim_runs_with_its_own_seed(hostile_report):
    assert [r.seed for r in hostile_report.results] == [
        claim_seed(5, "test.report.hostile-pass"), claim_seed(5, "test.report.hostile-fail")]
    assert [r.passed for r in hostile_report.results] == [True, False]
    assert not hostile_report.passed and hostile_report.n_failed == 1


def test_figures_are_rendered_to_png_and_closed(temporary_claims):
    import matplotlib.pyplot as plt

    temporary_claims(_claim("test.report.rendered"))
    before = set(plt.get_fignums())  # other tests may leave figures open; compare
    report = run_catalogue("test.report.rendered")
    assert report.figures[0].startswith(b"\x89PNG")
    assert report.results[0].figure is None
    assert set(plt.get_fignums()) == before


def test_stray_figures_of_a_check_are_closed(temporary_claims):
    import matplotlib.pyplot as plt

    def leaves_a_figure(budget, rng, *, value=0.5):
        plt.figure()  # opened and forgotten by the check
        return Evidence([at_most("value", value, 1.0)])

    temporary_claims(Claim(id="test.report.stray", paper="P", place="Q", statement="S",
                           method="M", kind="exact", error_rate=None, parameters={},
                           check=leaves_a_figure))
    before = set(plt.get_fignums())
    run_catalogue("test.report.stray")
    assert set(plt.get_fignums()) == before


def test_progress_is_called_before_and_after_each_claim(temporary_claims):
    temporary_claims(_claim("test.report.progress-a"))
    temporary_claims(_claim("test.report.progress-b"))
    calls = []
    run_catalogue("test.report.progress-*", progress=lambda *a: calls.append(
        (a[0], a[1], a[2], a[3] is None)))
    a, b = "test.report.progress-a", "test.report.progress-b"
    assert calls == [(0, 2, a, True), (1, 2, a, False), (1, 2, b, True), (2, 2, b, False)]


def test_a_pattern_matching_nothing_is_an_error():
    with pytest.raises(ValueError, match="`pattern` matches no claim; got pattern='nothing-x'"):
        run_catalogue("nothing-x")


@pytest.mark.parametrize("seed, error, match", [(-1, ValueError, "non-negative"),
                                                (1.5, TypeError, "must be an int")])
def test_bad_seed_is_an_error(seed, error, match):
    with pytest.raises(error, match=match):
        run_catalogue("zhao2020.theorem2.linear-chain-spectral-radius", seed=seed)


def test_bad_progress_is_an_error():
    with pytest.raises(TypeError, match="`progress` must be callable"):
        run_catalogue("zhao2020.theorem2.linear-chain-spectral-radius", progress=3)


def test_report_checks_figures_length():
    with pytest.raises(ValueError, match="one entry .* per result"):
        CatalogueReport(results=(), figures=(None,), budget="quick", seed=0, pattern=None,
                        seconds=0.0, started="", environment={})


# -- the text ---------------------------------------------------------------------------------


def test_table_fits_100_columns_and_lists_every_claim(quick_report):
    table = quick_report.summary()
    assert max(len(line) for line in table.splitlines()) <= 100
    for result in quick_report.results:
        shown = result.claim.id if len(result.claim.id) <= 48 else result.claim.id[:45]
        assert shown in table
    statuses = [r.status for r in quick_report.results]
    n, gaps = len(statuses), statuses.count("KNOWN GAP")
    gap_text = {0: "", 1: ", 1 known gap"}.get(gaps, f", {gaps} known gaps")
    assert quick_report.headline == f"{n - gaps} of {n} claims passed{gap_text}"
    assert f"{quick_report.headline} (quick budget, seed 0" in table


def test_summary_says_why_a_claim_failed(hostile_report):
    text = hostile_report.summary()
    assert "FAIL" in text and "1 of 2 claims passed" in text
    assert "FAIL test.report.hostile-fail: Failed: value" in text


# -- Markdown, HTML, JSON ---------------------------------------------------------------------


def test_markdown_escapes_text_and_links_figures(hostile_report, tmp_path):
    path = hostile_report.write_markdown(tmp_path / "report.md")
    text = path.read_text()
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "<b>" not in text
    assert r"\| \*bold\* \_under\_ \[link\](http://x) &amp; \`tick\`" in text
    for name in ("test.report.hostile-pass.png", "test.report.hostile-fail.png"):
        assert f"(figures/{name})" in text
        assert (tmp_path / "figures" / name).read_bytes().startswith(b"\x89PNG")
    # The measurement rows keep their 4 columns despite the '|' in the texts.
    rows = [line for line in text.splitlines() if line.startswith("| value &lt;script")]
    assert len(rows) == 2
    for line in rows:
        assert len(re.findall(r"(?<!\\)\|", line)) == 5


def test_html_is_escaped_and_self_contained(hostile_report, tmp_path):
    text = hostile_report.write_html(tmp_path / "report.html").read_text()
    assert "<script" not in text
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in text
    assert "Test &lt;b&gt;paper&lt;/b&gt;" in text
    # No external assets: every src is a data URI, no stylesheet links.
    assert re.findall(r'src="(?!data:image/png;base64,)', text) == []
    assert "<link" not in text and 'href="http' not in text and "@import" not in text
    images = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', text)
    assert len(images) == 2
    assert all(base64.b64decode(data).startswith(b"\x89PNG") for data in images)


def test_json_round_trip(hostile_report, tmp_path):
    data = json.loads(hostile_report.write_json(tmp_path / "report.json").read_text())
    assert data["n_claims"] == 2 and data["n_failed"] == 1 and not data["passed"]
    first = data["claims"][0]
    assert first["id"] == "test.report.hostile-pass" and first["statement"] == HOSTILE
    assert first["claim_seed"] == claim_seed(5, first["id"])
    assert first["figure"] == "test.report.hostile-pass.png"


def test_quick_report_files_cover_every_claim(quick_report, tmp_path):
    written = quick_report.write(tmp_path / "out")
    markdown = written["markdown"].read_text()
    page = written["html"].read_text()
    data = json.loads(written["json"].read_text())
    assert [c["id"] for c in data["claims"]] == [c.id for c in all_claims()]
    for result in quick_report.results:
        claim = result.claim
        assert f'id="claim-{claim.id.replace(".", "-")}"' in page
        assert f": {claim.id.replace('_', chr(92) + '_')}" in markdown
        # What a reader needs without the code: place, method, kind, each measurement.
        assert claim.place.split(" ")[0] in page
        for m in result.measurements:
            assert m.measured in page
        assert ("exact (an identity" in page) or claim.kind != "exact"
    n_figures = sum(png is not None for png in quick_report.figures)
    assert page.count("data:image/png;base64,") == n_figures


def test_readme_excerpt_matches_the_table_for_the_theory_claims(quick_report):
    # The README quotes a real `rnnmem verify` table; the rows of this module's claims must
    # stay what the command prints (seed 0: each claim's seed depends on its id only).
    import pathlib

    readme = (pathlib.Path(__file__).resolve().parents[3] / "README.md").read_text()
    block = readme.split("### The catalogue of validated claims")[1].split("```text")[1]
    block = block.split("```")[0]
    table = {line.split()[0]: line for line in quick_report.table().splitlines()[2:]}
    quoted = [line for line in block.splitlines()
              if line.startswith(("zhao2020.theorem1", "zhao2020.theorem2", "zhao2020.table1.sep"))]
    assert len(quoted) == 4
    for line in quoted:
        assert table[line.split()[0]] == line


def test_result_looks_a_claim_up_by_id(hostile_report):
    assert hostile_report.result("test.report.hostile-fail").claim.id == "test.report.hostile-fail"
    with pytest.raises(KeyError, match="no result for claim 'test.report.nowhere'"):
        hostile_report.result("test.report.nowhere")
