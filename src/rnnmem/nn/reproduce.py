"""Many forecasting runs, resumable, in parallel: the engine of ``rnnmem reproduce zhao2020``.

Every (model, data set, seed) is one independent task (:func:`rnnmem.nn.forecast.forecast`).
Its result is written to ``OUT/runs/<dataset>_<model>_seed<seed>.json`` as soon as it
arrives, atomically (a temporary file in the same folder, then ``os.replace``), so an
interrupted study leaves only complete files behind and is resumed by running the same
command again: tasks whose file exists and is complete are skipped.

Tasks run in the calling process (``jobs=1``), in a pool of spawned processes (each with one
torch thread), or on a Dask cluster (``scheduler="tcp://host:port"``; ``pip install
"rnnmem[dask]"``). Results travel back to this process, which alone writes the files, so
Dask workers need no shared file system.

This module imports neither torch nor Dask at import time.
"""

from __future__ import annotations

import csv
import json
import math
import os
import pathlib
import sys
import time

import numpy as np

from rnnmem._validation import as_choice, as_integer

from .published import DATASETS, MODELS, PUBLISHED_RMSE

__all__ = [
    "MODELS",
    "DATASETS",
    "PROTOCOL",
    "run_path",
    "load_runs",
    "reproduce",
    "summary_rows",
    "summary_table",
    "validate_names",
    "write_summary",
]

PROTOCOL = {"max_steps": 1000, "patience": 100, "min_delta": 1e-5, "lr": 0.01,
            "dtype": "float32", "stop_on": "validation"}
_REQUIRED = ("model", "dataset", "seed", "rmse", "best_step", "n_updates", "seconds")


def validate_names(values, name: str, allowed) -> tuple:
    """Check a list of model or data set names; return it as a tuple without repeats."""
    if isinstance(values, str):
        values = [values]
    values = list(values)
    if not values:
        raise ValueError(f"`{name}` must name at least one of {list(allowed)}; got none.")
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise ValueError(f"`{name}` must be among {list(allowed)}; got {unknown[0]!r}.")
    return tuple(dict.fromkeys(values))


def run_path(out, model: str, dataset: str, seed: int) -> pathlib.Path:
    """Where the result of one run is written."""
    return pathlib.Path(out) / "runs" / f"{dataset}_{model}_seed{seed:03d}.json"


def _read_complete(path: pathlib.Path):
    """The record in ``path`` if it is a complete result, else None."""
    try:
        with open(path) as handle:
            record = json.load(handle)
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("complete") is not True:
        return None
    if any(key not in record for key in _REQUIRED):
        return None
    rmse = record["rmse"]
    return record if isinstance(rmse, (int, float)) and math.isfinite(rmse) else None


def _write_atomic(path: pathlib.Path, record: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(temporary, "w") as handle:
        json.dump(record, handle, indent=1)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)  # atomic on POSIX and Windows: never a half-written file


def run_task(task: dict) -> dict:
    """Train one (model, data set, seed) and return its JSON record (runs in a worker).

    A top-level function so that spawned processes and Dask workers can unpickle it.
    """
    import torch

    from .forecast import forecast

    torch.set_num_threads(1)
    result = forecast(task["model"], task["dataset"], seed=task["seed"], **task["protocol"])
    record = result.to_dict()
    record["complete"] = True
    record["host"] = os.uname().nodename if hasattr(os, "uname") else ""
    return record


def _init_worker() -> None:
    import torch

    torch.set_num_threads(1)


class _Progress:
    """Plain-text progress on stderr: one line per finished run, with the time left."""

    def __init__(self, total: int, skipped: int, stream):
        self.total, self.done, self.stream = total, 0, stream
        self.started = time.perf_counter()
        if stream is not None:
            print(f"rnnmem reproduce: {total} runs to do, {skipped} already done", file=stream,
                  flush=True)

    def update(self, record: dict) -> None:
        self.done += 1
        if self.stream is None:
            return
        elapsed = time.perf_counter() - self.started
        left = elapsed / self.done * (self.total - self.done)
        width = 20
        filled = int(width * self.done / max(self.total, 1))
        bar = "#" * filled + "." * (width - filled)
        print(f"[{bar}] {self.done}/{self.total} {record['model']} {record['dataset']} "
              f"seed {record['seed']}: RMSE {record['rmse']:.5g} ({record['seconds']:.1f} s);"
              f" elapsed {elapsed:.0f} s, about {left:.0f} s left", file=self.stream,
              flush=True)


def _distributed():
    """The ``distributed`` package, or an ImportError that says how to install it."""
    try:
        import distributed
    except ImportError as error:
        raise ImportError(
            "`scheduler` needs Dask's distributed scheduler; install it with "
            "`pip install \"rnnmem[dask]\"` (or run without --scheduler to use local "
            "processes)."
        ) from error
    return distributed


def _execute(tasks, jobs, scheduler, client_factory):
    """Yield the records of ``tasks`` as they finish."""
    if scheduler is not None:
        distributed = _distributed()
        client = (client_factory or distributed.Client)(scheduler)
        try:
            futures = client.map(run_task, tasks, pure=False)
            for future in distributed.as_completed(futures):
                yield future.result()
        finally:
            client.close()
        return
    if jobs == 1:
        for task in tasks:
            yield run_task(task)
        return
    import concurrent.futures
    import multiprocessing

    # spawn, not fork: torch (and its thread pools) is not fork-safe.
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(max_workers=jobs, mp_context=context,
                                                initializer=_init_worker) as pool:
        futures = [pool.submit(run_task, task) for task in tasks]
        for future in concurrent.futures.as_completed(futures):
            yield future.result()


def _check_settings(record: dict, protocol: dict, path) -> None:
    """Refuse to count a finished run made under other protocol settings."""
    settings = record.get("settings", {})
    for key, wanted in protocol.items():
        if key in settings and settings[key] != wanted:
            raise ValueError(
                f"`out` must hold runs of the requested protocol ({key}={wanted!r}); got "
                f"{key}={settings[key]!r} in {path}. Use another output folder for other "
                "settings.")


def reproduce(models=MODELS, datasets=DATASETS, seeds=10, *, out="zhao2020-runs", jobs=None,
              scheduler=None, max_steps=None, patience=None, stop_on=None, progress=True,
              client_factory=None) -> list[dict]:
    """Train every (model, data set, seed) that has no complete result in ``out`` yet.

    Parameters
    ----------
    models : sequence of str
        Among :data:`MODELS`.
    datasets : sequence of str
        Among :data:`DATASETS`.
    seeds : int
        Seeds 0, 1, ..., ``seeds`` - 1 for every model and data set (>= 1).
    out : path
        Output folder; per-run JSON files go to ``out/runs``, then :func:`write_summary`
        writes ``results.csv`` and ``table.md`` (call it, or use the command line).
    jobs : int, optional
        Local worker processes (default: the number of CPUs); 1 runs in this process.
    scheduler : str, optional
        Address of a Dask scheduler; the tasks then run on its workers.
    max_steps, patience : int, optional
        Override the protocol (1000 and 100); for quick trials only, the results are then
        not the ZH20 protocol (the settings are recorded in every file).
    stop_on : {"validation", "training"}, optional
        Loss watched by the patience rule (default "validation"; "training" is the rule of
        the authors' released code, see :func:`rnnmem.nn.forecast.forecast`).
    progress : bool or file, default True
        Progress lines to ``sys.stderr`` (True), to a file, or none (False or None).
    client_factory : callable, optional
        ``address -> client`` with Dask's ``map`` and ``close`` (e.g. a client of an
        in-process cluster); default ``distributed.Client``.

    Returns
    -------
    list of dict
        The records of the runs made now (the skipped ones are on disk).
    """
    models = validate_names(models, "models", MODELS)
    datasets = validate_names(datasets, "datasets", DATASETS)
    seeds = as_integer(seeds, "seeds", minimum=1)
    if jobs is None:
        jobs = os.cpu_count() or 1
    jobs = as_integer(jobs, "jobs", minimum=1)
    if scheduler is not None and not isinstance(scheduler, str):
        raise TypeError(f"`scheduler` must be an address string such as "
                        f"'tcp://127.0.0.1:8786'; got {type(scheduler).__name__}.")
    if scheduler is None:
        from . import require_torch

        require_torch()  # fail before any work, with the install hint
    protocol = dict(PROTOCOL)
    if max_steps is not None:
        protocol["max_steps"] = as_integer(max_steps, "max_steps", minimum=0)
    if patience is not None:
        protocol["patience"] = as_integer(patience, "patience", minimum=1)
    if stop_on is not None:
        protocol["stop_on"] = as_choice(stop_on, "stop_on", ("validation", "training"))
    out = pathlib.Path(out)
    (out / "runs").mkdir(parents=True, exist_ok=True)

    # Seeds outermost, so an interrupted study has balanced seed counts across the cells.
    tasks, skipped = [], 0
    for seed in range(seeds):
        for dataset in datasets:
            for model in models:
                path = run_path(out, model, dataset, seed)
                record = _read_complete(path)
                if record is not None:
                    _check_settings(record, protocol, path)
                    skipped += 1
                    continue
                tasks.append({"model": model, "dataset": dataset, "seed": seed,
                              "protocol": protocol})
    stream = sys.stderr if progress is True else (progress or None)
    bar = _Progress(len(tasks), skipped, stream)
    records = []
    for record in _execute(tasks, jobs, scheduler, client_factory):
        _write_atomic(run_path(out, record["model"], record["dataset"], record["seed"]),
                      record)
        records.append(record)
        bar.update(record)
    return records


def load_runs(out) -> list[dict]:
    """Every complete run record in ``out/runs`` (incomplete files are ignored)."""
    folder = pathlib.Path(out) / "runs"
    records = [_read_complete(path) for path in sorted(folder.glob("*.json"))]
    return [r for r in records if r is not None]


def load_results(out) -> list[dict]:
    """Run records of a ``rnnmem reproduce`` folder: the per-run files in ``out/runs`` or,
    when there are none (a folder shipped without them), the rows of ``out/results.csv``
    (model, dataset, seed, rmse, mae, validation_rmse, best_step, n_updates, stopped_early,
    seconds; no loss curves)."""
    folder = pathlib.Path(out)
    if not folder.is_dir():
        raise FileNotFoundError(f"`out` must be a folder written by `rnnmem reproduce`; "
                                f"got out={str(out)!r}, which is not a folder.")
    records = load_runs(folder)
    table = folder / "results.csv"
    if records or not table.exists():
        if not records:
            raise FileNotFoundError(
                f"`out` must hold run results (runs/*.json or results.csv); {str(out)!r} "
                "has neither. Run `rnnmem reproduce zhao2020 --out DIR` first.")
        return records
    numbers = {"seed": int, "rmse": float, "mae": float, "validation_rmse": float,
               "best_step": int, "n_updates": int, "seconds": float}
    with open(table, newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [{key: numbers[key](value) if key in numbers else
             (value == "True") if key == "stopped_early" else value
             for key, value in row.items()} for row in rows]


def summary_rows(records) -> list[dict]:
    """Mean, sd (ddof 1), min and count of the test RMSE per (data set, model).

    Rows are in the order of :data:`DATASETS` and :data:`MODELS`, with the published Table 2
    mean and sd of Zhao et al. (2020) (same scale as the series; DJI not multiplied by 100).
    """
    rows = []
    for dataset in DATASETS:
        for model in MODELS:
            rmse = np.array([r["rmse"] for r in records
                             if r["model"] == model and r["dataset"] == dataset])
            if rmse.size == 0:
                continue
            paper_mean, paper_sd = PUBLISHED_RMSE[dataset][model]
            rows.append({
                "dataset": dataset, "model": model, "n": int(rmse.size),
                "mean": float(rmse.mean()),
                "sd": float(rmse.std(ddof=1)) if rmse.size > 1 else float("nan"),
                "min": float(rmse.min()), "paper_mean": paper_mean, "paper_sd": paper_sd,
                "mean_seconds": float(np.mean([r["seconds"] for r in records
                                               if r["model"] == model
                                               and r["dataset"] == dataset])),
            })
    return rows


def _baselines(datasets) -> dict:
    """{dataset: {"oracle": rmse or None, "AR(1)": rmse}} from :mod:`rnnmem.nn.baselines`."""
    from rnnmem import datasets as data

    from .baselines import ar1_rmse, oracle_rmse

    out = {}
    for name in datasets:
        loaded = data.load(name)
        split = tuple(loaded.split[k] for k in ("train", "validation", "test"))
        out[name] = {"oracle": oracle_rmse(loaded.values, split) if name == "arfima" else None,
                     "AR(1)": ar1_rmse(loaded.values, split)}
    return out


def summary_table(records) -> str:
    """Markdown table of mean (sd), min and runs per model and data set, beside Table 2.

    DJI values are multiplied by 100, as in the paper. For every data set the fitted AR(1)
    and, for ARFIMA, the exact one-step predictor of the generating model are added.
    """
    rows = summary_rows(records)
    present = [d for d in DATASETS if any(r["dataset"] == d for r in rows)]
    base = _baselines(present)
    lines = [("| data set | model | runs | RMSE mean (sd) | min | paper mean (sd) | "
              "mean - paper |"),
             "|---|---|---|---|---|---|---|"]
    for dataset in present:
        scale = 100.0 if dataset == "dji" else 1.0
        label = "DJI (x100)" if dataset == "dji" else dataset
        for row in (r for r in rows if r["dataset"] == dataset):
            sd = "n/a" if math.isnan(row["sd"]) else f"{scale * row['sd']:.4g}"
            lines.append(
                f"| {label} | {row['model']} | {row['n']} | {scale * row['mean']:.4f} ({sd}) | "
                f"{scale * row['min']:.4f} | {scale * row['paper_mean']:.4f} "
                f"({scale * row['paper_sd']:.4g}) | "
                f"{scale * (row['mean'] - row['paper_mean']):+.4f} |")
        for name, value in base[dataset].items():
            if value is not None:
                lines.append(f"| {label} | {name} | - | {scale * value:.4f} | - | - | - |")
    return "\n".join(lines)


def write_summary(out) -> tuple[pathlib.Path, pathlib.Path]:
    """Write ``out/results.csv`` (one row per complete run) and ``out/table.md``."""
    out = pathlib.Path(out)
    records = load_runs(out)
    columns = ["model", "dataset", "seed", "rmse", "mae", "validation_rmse", "best_step",
               "n_updates", "stopped_early", "seconds"]
    csv_path, table_path = out / "results.csv", out / "table.md"
    temporary = csv_path.with_name(f".{csv_path.name}.{os.getpid()}.tmp")
    with open(temporary, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        for record in sorted(records, key=lambda r: (r["dataset"], r["model"], r["seed"])):
            writer.writerow(record)
    os.replace(temporary, csv_path)
    text = summary_table(records) if records else "(no complete runs yet)"
    table_path.write_text(text + "\n")
    return csv_path, table_path
