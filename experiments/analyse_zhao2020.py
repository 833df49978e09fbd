"""Summaries behind REPRODUCTION.md, from the per-run files in experiments/zhao2020/runs, or,
where those are not present (they are not committed: 36 MB with their loss curves), from
the one-row-per-run experiments/zhao2020/results.csv, which holds every number used here.

Usage: python experiments/analyse_zhao2020.py [OUT]   (default experiments/zhao2020)

Writes OUT/rmse_boxplots.png and prints the table of `rnnmem reproduce` (mean, sd, min beside Table 2), then per data set and
model: the median RMSE, the share of runs that ended near the series' own standard deviation
("stalled": more than 20% above the fitted AR(1), i.e. early stopping ended the run in
the flat start of training), the mean
over the other runs, the median stopping step, and Welch t and Mann-Whitney tests of each
memory model against its baseline (MRNNF and MRNN against RNN, MLSTMF and MLSTM against LSTM).
"""

import csv
import pathlib
import sys

import numpy as np
from scipy import stats

from rnnmem import datasets
from rnnmem.nn.baselines import ar1_rmse
from rnnmem.nn.reproduce import DATASETS, MODELS, load_runs, summary_table

out = sys.argv[1] if len(sys.argv) > 1 else "experiments/zhao2020"
records = load_runs(out)
if not records and (pathlib.Path(out) / "results.csv").exists():
    with open(pathlib.Path(out) / "results.csv", newline="") as handle:
        records = [{**row, "seed": int(row["seed"]), "rmse": float(row["rmse"]),
                    "best_step": int(row["best_step"]), "seconds": float(row["seconds"])}
                   for row in csv.DictReader(handle)]
print(summary_table(records))
print()
for dataset in DATASETS:
    data = datasets.load(dataset)
    split = tuple(data.split[k] for k in ("train", "validation", "test"))
    # A run 20% worse than the AR(1) fitted on the training part has learnt next to nothing:
    # early stopping ended it in the flat start of training.
    threshold = 1.2 * ar1_rmse(data.values, split)
    scale = 100.0 if dataset == "dji" else 1.0
    print(f"{dataset}: stalled = RMSE > {scale * threshold:.4g}"
          + (" (x100)" if scale != 1 else ""))
    print(f"  {'model':<7} {'runs':>4} {'median':>9} {'stalled':>8} {'mean of rest':>13} "
          f"{'median kept step':>16}")
    by_model = {}
    for model in MODELS:
        runs = [r for r in records if r["dataset"] == dataset and r["model"] == model]
        if not runs:
            continue
        rmse = np.array([r["rmse"] for r in runs])
        by_model[model] = rmse
        stalled = rmse > threshold
        rest = rmse[~stalled]
        print(f"  {model:<7} {rmse.size:>4} {scale * np.median(rmse):>9.4f} "
              f"{stalled.sum():>4}/{rmse.size:<3} "
              f"{(scale * rest.mean()) if rest.size else float('nan'):>13.4f} "
              f"{np.median([r['best_step'] for r in runs]):>16.0f}")
    for model in ("MRNNF", "MLSTMF"):
        d = [r["d"][0] for r in records if r["dataset"] == dataset and r["model"] == model
             and r["d"]]
        if d:
            print(f"  {model}: learnt d (kept parameters) mean {np.mean(d):.3f}, range "
                  f"[{np.min(d):.3f}, {np.max(d):.3f}] (0.25 at initialisation)")
    for model, base in (("MRNNF", "RNN"), ("MRNN", "RNN"), ("MLSTMF", "LSTM"),
                        ("MLSTM", "LSTM")):
        if model in by_model and base in by_model and min(by_model[model].size,
                                                          by_model[base].size) > 2:
            a, b = by_model[model], by_model[base]
            welch = stats.ttest_ind(a, b, equal_var=False)
            mw = stats.mannwhitneyu(a, b, alternative="two-sided")
            print(f"  {model} - {base}: mean difference {scale * (a.mean() - b.mean()):+.4f}, "
                  f"Welch p = {welch.pvalue:.3g}, Mann-Whitney p = {mw.pvalue:.3g}")
    print()
seconds = np.array([r["seconds"] for r in records])
print(f"{len(records)} runs, {seconds.sum():.0f} s in all, {seconds.mean():.2f} s per run "
      f"(median {np.median(seconds):.2f} s)")
cells = {(r["dataset"], r["model"]) for r in records}
per_seed = sum(np.mean([r["seconds"] for r in records if (r["dataset"], r["model"]) == c])
               for c in cells)
print(f"one seed of all {len(cells)} cells: {per_seed:.0f} s; 100 seeds: "
      f"{100 * per_seed / 3600:.2f} h on one worker")

# The figure: RMSE boxes across seeds, the paper's mean +- sd beside each box.
import matplotlib  # noqa: E402

matplotlib.use("Agg")
from rnnmem.figures import plot_rmse_boxplots  # noqa: E402
from rnnmem.nn.published import PUBLISHED_RMSE  # noqa: E402

figure = plot_rmse_boxplots(records, published=PUBLISHED_RMSE)
figure.set_size_inches(18, 4)
figure.savefig(f"{out}/rmse_boxplots.png", dpi=110)
print(f"figure: {out}/rmse_boxplots.png")
