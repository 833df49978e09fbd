"""The command line, run as a user would (a subprocess on the installed console script)."""

import subprocess
import sys

import pytest

from rnnmem.cli import main


def run(*args):
    return subprocess.run([sys.executable, "-m", "rnnmem.cli", *args], capture_output=True,
                          text=True, timeout=300)


def test_derive_text():
    out = run("derive")
    assert out.returncode == 0, out.stderr
    assert "[proved] product form equals Gamma form of w_j" in out.stdout
    assert "induction step: S_K - S_(K-1) = w_K" in out.stdout
    assert "All identities proved by SymPy." in out.stdout


def test_derive_latex(capsys):
    assert main(["derive", "--latex"]) == 0
    printed = capsys.readouterr().out
    assert printed.count(r"\begin{align*}") == 4
    assert r"\Gamma\left(" in printed


def test_demo(capsys):
    assert main(["demo", "--n", "2048", "--d", "0.3", "--seed", "1"]) == 0
    printed = capsys.readouterr().out
    assert "local Whittle" in printed and "GPH" in printed
    assert "true d = 0.3" in printed


def test_demo_bad_input(capsys):
    assert main(["demo", "--d", "0.7"]) == 2
    assert "`d` must lie in (-0.5, 0.5)" in capsys.readouterr().err


def test_unknown_command():
    with pytest.raises(SystemExit):
        main(["frobnicate"])


def test_figures_command(tmp_path, capsys):
    assert main(["figures", "--out", str(tmp_path / "figs")]) == 0
    written = sorted(p.name for p in (tmp_path / "figs").iterdir())
    assert written == sorted(f"{name}.{suffix}" for name in (
        "zhao2020_acfs", "fractional_weights", "curse_approximation", "separation_rank")
        for suffix in ("png", "svg"))
    assert all((tmp_path / "figs" / name).stat().st_size > 1000 for name in written)


def _write_results_csv(folder):
    # A `rnnmem reproduce` folder shipped without its per-run files: results.csv only.
    folder.mkdir()
    lines = ["model,dataset,seed,rmse,mae,validation_rmse,best_step,n_updates,stopped_early,"
             "seconds"]
    for model, base in (("RNN", 1.2), ("MRNNF", 1.1)):
        for seed in range(3):
            lines.append(f"{model},arfima,{seed},{base + 0.01 * seed},0.8,1.0,10,20,True,1.5")
    (folder / "results.csv").write_text("\n".join(lines) + "\n")


def test_figures_command_draws_rmse_boxplots_of_reproduce_output(tmp_path, capsys):
    from rnnmem.nn.reproduce import load_results

    _write_results_csv(tmp_path / "runs")
    records = load_results(tmp_path / "runs")
    assert [r["rmse"] for r in records[:3]] == [1.2, 1.21, 1.22]
    assert records[0]["seed"] == 0 and records[0]["stopped_early"] is True
    assert main(["figures", "--out", str(tmp_path / "figs"), "--runs",
                 str(tmp_path / "runs")]) == 0
    written = {p.name for p in (tmp_path / "figs").iterdir()}
    assert {"zhao2020_rmse_boxplots.png", "zhao2020_rmse_boxplots.svg"} <= written


def test_figures_command_refuses_a_folder_without_runs(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    assert main(["figures", "--out", str(tmp_path / "figs"), "--runs",
                 str(tmp_path / "empty")]) == 2
    assert "must hold run results (runs/*.json or results.csv)" in capsys.readouterr().err
    assert not (tmp_path / "figs").exists()  # refused before anything was written


def test_readme_shows_the_real_demo_output(capsys):
    # The README's tour quotes `rnnmem demo` verbatim; keep it true.
    import pathlib

    readme = (pathlib.Path(__file__).parents[1] / "README.md").read_text()
    assert main(["demo"]) == 0
    printed = capsys.readouterr().out.rstrip("\n")
    assert printed in readme
