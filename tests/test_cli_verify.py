"""`rnnmem verify`: exit codes, selection, listing, files written."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from rnnmem.cli import main
from rnnmem.verify.claims import Claim, Evidence, at_most

ONE = "zhao2020.theorem2.linear-chain-spectral-radius"


def _failing(budget, rng):
    return Evidence([at_most("the failing quantity", 2.0, 1.0)])


@pytest.fixture
def failing_claim():
    from rnnmem.verify.claims import _registry

    _registry.all_claims()
    new = Claim(id="test.cli.always-fails", paper="Test", place="nowhere",
                statement="fails", method="at_most(2, 1)", kind="exact", error_rate=None,
                parameters={}, check=_failing)
    _registry.register(new)
    yield new
    _registry._REGISTRY.pop(new.id, None)


def test_passing_selection_exits_0_and_prints_the_table(capsys):
    assert main(["verify", "--only", ONE]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines()[0].split() == ["claim", "kind", "expected", "measured", "pass"]
    assert ONE in out and "PASS" in out and "1 of 1 claims passed (quick budget, seed 0" in out
    # Progress goes to stderr, never into the table.
    assert f"[1/1] PASS {ONE}" in err


def test_a_failing_claim_exits_1_and_says_why(capsys, failing_claim):
    assert main(["verify", "--only", "test.cli.*"]) == 1
    out, _ = capsys.readouterr()
    assert "FAIL test.cli.always-fails: Failed: the failing quantity is 2, expected <= 1." in out


def test_pattern_matching_nothing_exits_2(capsys):
    assert main(["verify", "--only", "no.such.claim.*"]) == 2
    _, err = capsys.readouterr()
    assert "`--only` matches no claim; got --only 'no.such.claim.*'" in err


def test_negative_seed_exits_2(capsys):
    assert main(["verify", "--only", ONE, "--seed", "-3"]) == 2
    assert "--seed` must be a non-negative integer" in capsys.readouterr()[1]


def test_quick_and_full_together_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["verify", "--quick", "--full"])
    assert exit_info.value.code == 2
    assert "not allowed with argument" in capsys.readouterr()[1]


def test_list_prints_ids_without_running(capsys):
    assert main(["verify", "--list", "--only", "theorem2"]) == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert len(lines) == 2 and all("theorem2" in line for line in lines)
    assert "exact" in lines[0] and "stat (1e-06)" in lines[1]
    assert err == ""


def test_out_writes_the_three_reports(tmp_path, capsys):
    out_dir = tmp_path / "report"
    assert main(["verify", "--only", ONE, "--out", str(out_dir), "--seed", "7"]) == 0
    assert "Report written to" in capsys.readouterr()[0]
    assert (out_dir / "report.md").read_text().startswith("# rnnmem verify: 1 of 1")
    assert "data:image/png;base64," in (out_dir / "report.html").read_text()
    data = json.loads((out_dir / "report.json").read_text())
    assert data["seed"] == 7 and data["pattern"] == ONE and data["passed"]
    assert (out_dir / "figures" / f"{ONE}.png").exists()


def test_without_out_nothing_is_written(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["verify", "--only", ONE]) == 0
    assert list(tmp_path.iterdir()) == []


def test_console_entry_point_in_a_fresh_process(tmp_path):
    # The installed command, as CI runs it: exit status, table on stdout, bar on stderr.
    done = subprocess.run([sys.executable, "-m", "rnnmem.cli", "verify", "--only", ONE],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "PASS" in done.stdout and "[1/1]" in done.stderr


def test_unwritable_out_exits_2(tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    assert main(["verify", "--only", ONE, "--out", str(blocker)]) == 2
    assert "`--out` must be a folder that can be written" in capsys.readouterr()[1]
