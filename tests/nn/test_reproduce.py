"""rnnmem reproduce zhao2020: per-run files, resume, parallel and Dask execution, the table."""

import json
import statistics
import sys

import pytest

torch = pytest.importorskip("torch")

from rnnmem.cli import main  # noqa: E402
from rnnmem.nn import reproduce as rp  # noqa: E402
from rnnmem.nn.published import PUBLISHED_RMSE  # noqa: E402

QUICK = {"max_steps": 1, "patience": 1}


def test_runs_are_written_and_resumed(tmp_path, capsys):
    done = rp.reproduce(["RNN", "MRNNF"], ["tree"], 2, out=tmp_path, jobs=1, **QUICK)
    assert len(done) == 4
    files = sorted(p.name for p in (tmp_path / "runs").iterdir())
    assert files == ["tree_MRNNF_seed000.json", "tree_MRNNF_seed001.json",
                     "tree_RNN_seed000.json", "tree_RNN_seed001.json"]  # no temporary files
    progress = capsys.readouterr().err
    assert "4 runs to do, 0 already done" in progress and "4/4 MRNNF tree seed 1" in progress
    record = json.loads((tmp_path / "runs" / "tree_RNN_seed001.json").read_text())
    assert record["complete"] is True and record["settings"]["max_steps"] == 1

    # A second call redoes nothing; a damaged file (an interrupted writer) is redone.
    assert rp.reproduce(["RNN", "MRNNF"], ["tree"], 2, out=tmp_path, jobs=1, **QUICK) == []
    damaged = tmp_path / "runs" / "tree_RNN_seed001.json"
    damaged.write_text(damaged.read_text()[:50])
    redone = rp.reproduce(["RNN", "MRNNF"], ["tree"], 2, out=tmp_path, jobs=1, progress=None,
                          **QUICK)
    assert [(r["model"], r["seed"]) for r in redone] == [("RNN", 1)]
    assert redone[0]["rmse"] == record["rmse"]  # deterministic per (model, dataset, seed)

    # Finished runs of other settings are not counted as runs of this protocol.
    with pytest.raises(ValueError, match=r"`out` must hold runs of the requested protocol "
                       r"\(max_steps=2\); got max_steps=1 in .*tree_RNN_seed000.json"):
        rp.reproduce(["RNN"], ["tree"], 1, out=tmp_path, jobs=1, max_steps=2, patience=1)

    csv_path, table_path = rp.write_summary(tmp_path)
    assert len(csv_path.read_text().strip().splitlines()) == 5
    table = table_path.read_text()
    assert "| tree | MRNNF | 2 |" in table and "| tree | AR(1) |" in table


def test_summary_rows_against_statistics_module():
    records = [{"model": "RNN", "dataset": "arfima", "seed": s, "rmse": v, "seconds": 1.0}
               for s, v in enumerate([1.2, 1.05, 1.4])]
    records.append({"model": "MRNN", "dataset": "dji", "seed": 0, "rmse": 0.0025,
                    "seconds": 2.0})
    rows = rp.summary_rows(records)
    assert [(r["dataset"], r["model"], r["n"]) for r in rows] == [("arfima", "RNN", 3),
                                                                  ("dji", "MRNN", 1)]
    values = [1.2, 1.05, 1.4]
    assert rows[0]["mean"] == pytest.approx(statistics.mean(values), rel=1e-12)
    assert rows[0]["sd"] == pytest.approx(statistics.stdev(values), rel=1e-12)
    assert rows[0]["min"] == 1.05
    assert (rows[0]["paper_mean"], rows[0]["paper_sd"]) == PUBLISHED_RMSE["arfima"]["RNN"]
    table = rp.summary_table(records)
    assert "| arfima | RNN | 3 | 1.2167 (0.1756) | 1.0500 | 1.1620 (0.198) | +0.0547 |" in table
    assert "| DJI (x100) | MRNN | 1 | 0.2500 (n/a) |" in table  # DJI shown x100 as in Table 2
    assert "| arfima | oracle | - | 1.0158 |" in table


def test_process_pool(tmp_path):
    done = rp.reproduce(["LSTM"], ["traffic"], 2, out=tmp_path, jobs=2, progress=None,
                        **QUICK)
    assert sorted(r["seed"] for r in done) == [0, 1]
    serial = rp.reproduce(["LSTM"], ["traffic"], 2, out=tmp_path / "serial", jobs=1,
                          progress=None, **QUICK)
    by_seed = {r["seed"]: r["rmse"] for r in serial}
    assert all(r["rmse"] == by_seed[r["seed"]] for r in done)


def test_dask_scheduler(tmp_path):
    from distributed import LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                      dashboard_address=None) as cluster:
        done = rp.reproduce(["RNN"], ["tree"], 2, out=tmp_path, scheduler=cluster.scheduler_address,
                            progress=None, **QUICK)
    assert sorted(r["seed"] for r in done) == [0, 1]
    assert len(rp.load_runs(tmp_path)) == 2


def test_missing_dask_says_how_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(ImportError, match=r"pip install \"rnnmem\[dask\]\""):
        rp.reproduce(["RNN"], ["tree"], 1, out=tmp_path, scheduler="tcp://127.0.0.1:1",
                     progress=None, **QUICK)


def test_bad_input(tmp_path):
    with pytest.raises(ValueError, match=r"`models` must be among .*; got 'GRU'"):
        rp.reproduce(["RNN", "GRU"], ["tree"], 1, out=tmp_path)
    with pytest.raises(ValueError, match=r"`datasets` must be among .*; got 'nile'"):
        rp.reproduce(["RNN"], ["nile"], 1, out=tmp_path)
    with pytest.raises(ValueError, match=r"`datasets` must name at least one"):
        rp.reproduce(["RNN"], [], 1, out=tmp_path)
    with pytest.raises(ValueError, match=r"`seeds` must be >= 1; got seeds=0"):
        rp.reproduce(["RNN"], ["tree"], 0, out=tmp_path)
    with pytest.raises(ValueError, match=r"`jobs` must be >= 1; got jobs=0"):
        rp.reproduce(["RNN"], ["tree"], 1, out=tmp_path, jobs=0)
    with pytest.raises(ValueError, match=r"`stop_on` must be one of .*got stop_on='test'"):
        rp.reproduce(["RNN"], ["tree"], 1, out=tmp_path, stop_on="test")
    with pytest.raises(TypeError, match=r"`scheduler` must be an address string"):
        rp.reproduce(["RNN"], ["tree"], 1, out=tmp_path, scheduler=8786)


def test_command_line(tmp_path, capsys):
    out = str(tmp_path / "study")
    args = ["reproduce", "zhao2020", "--models", "RNN", "--datasets", "arfima", "--seeds", "1",
            "--jobs", "1", "--max-steps", "1", "--patience", "1", "--out", out, "--quiet"]
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert "| arfima | RNN | 1 |" in printed and "| arfima | AR(1) | - | 1.1017 |" in printed
    assert main(args[:-3] + ["--stop-on", "training", "--out", out + "-training",
                             "--quiet"]) == 0
    record = json.loads((tmp_path / "study-training" / "runs" / "arfima_RNN_seed000.json")
                        .read_text())
    assert record["settings"]["stop_on"] == "training"
    assert main(["reproduce", "zhao2021", "--out", out]) == 2
    assert "`study` must be one of ['zhao2020']; got study='zhao2021'" in capsys.readouterr().err
    assert main(["reproduce", "zhao2020", "--models", "GRU", "--out", out]) == 2
    assert "`models` must be among" in capsys.readouterr().err
    assert main(["reproduce", "zhao2020", "--seeds", "0", "--out", out]) == 2
    assert "`seeds` must be >= 1; got seeds=0" in capsys.readouterr().err


def test_rmse_boxplots(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    from rnnmem.figures import plot_rmse_boxplots

    records = [{"model": m, "dataset": d, "rmse": v}
               for d, base in (("arfima", 1.1), ("dji", 0.0026))
               for m in ("LSTM", "RNN") for v in (base, 1.1 * base, 1.2 * base)]
    figure = plot_rmse_boxplots(records, published=PUBLISHED_RMSE)
    axes = figure.axes
    assert [ax.get_title() for ax in axes] == ["arfima", "dji"]
    assert [t.get_text() for t in axes[0].get_xticklabels()] == ["RNN\n(n=3)", "LSTM\n(n=3)"]
    assert axes[1].get_ylabel() == "test RMSE (x100)"
    # Box medians: 1.1 * base (x100 for DJI); the paper's means are drawn beside the boxes.
    medians = [line.get_ydata()[0] for line in axes[1].lines if line.get_label() == "_nolegend_"
               and len(line.get_xdata()) == 2 and line.get_color() == "C1"]
    assert medians == pytest.approx([0.286, 0.286])
    legend = axes[0].get_legend()
    assert legend is not None and legend.get_texts()[0].get_text() == "paper mean +- sd"
    _, ax = plt.subplots()
    assert plot_rmse_boxplots(records, datasets=["dji"], axes=ax) is ax.figure
    plt.close("all")
    with pytest.raises(ValueError, match=r"`results` must hold at least one run record"):
        plot_rmse_boxplots([])
    with pytest.raises(ValueError, match=r"`datasets` must name data sets present.*got 'tree'"):
        plot_rmse_boxplots(records, datasets=["tree"])
    with pytest.raises(ValueError, match=r"keys 'model', 'dataset' and 'rmse'"):
        plot_rmse_boxplots([{"model": "RNN"}])


def test_without_torch_the_command_says_what_to_install(tmp_path, monkeypatch, capsys):
    import rnnmem.nn

    def missing():
        raise ImportError("rnnmem.nn needs PyTorch for this; install it with "
                          "`pip install \"rnnmem[torch]\"`")

    monkeypatch.setattr(rnnmem.nn, "require_torch", missing)
    assert main(["reproduce", "zhao2020", "--out", str(tmp_path), "--quiet"]) == 2
    assert 'pip install "rnnmem[torch]"' in capsys.readouterr().err
    assert not (tmp_path / "runs").exists() or not any((tmp_path / "runs").iterdir())
    with pytest.raises(AttributeError, match=r"has no attribute 'MGRU'"):
        rnnmem.nn.MGRU  # noqa: B018
