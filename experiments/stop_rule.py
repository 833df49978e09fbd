"""The authors' stopping rule against the issue's: patience on the training loss (their
released code) or on the validation loss (the protocol here), same seeds, same everything
else. The validation-rule runs are read from experiments/zhao2020/runs.

Usage: python experiments/stop_rule.py   (writes experiments/stop_rule.json)
"""

import json

import numpy as np

from rnnmem.nn.forecast import forecast
from rnnmem.nn.reproduce import load_runs

SEEDS = range(5)
runs = load_runs("experiments/zhao2020")
rows = []
for dataset in ("traffic", "dji", "arfima", "tree"):
    for model in ("RNN", "LSTM", "MRNNF"):
        validation = {r["seed"]: r for r in runs
                      if r["dataset"] == dataset and r["model"] == model}
        results = [forecast(model, dataset, seed=s, stop_on="training") for s in SEEDS]
        training = [r.rmse for r in results]
        steps = [r.n_updates for r in results]
        paired = [validation[s]["rmse"] for s in SEEDS]
        rows.append({"dataset": dataset, "model": model, "seeds": list(SEEDS),
                     "rmse_training_rule": training, "updates_training_rule": steps,
                     "rmse_validation_rule": paired,
                     "updates_validation_rule": [validation[s]["n_updates"] for s in SEEDS]})
        scale = 100.0 if dataset == "dji" else 1.0
        print(f"{dataset:<8} {model:<6} validation rule: {scale * np.mean(paired):.4f} "
              f"({np.mean(rows[-1]['updates_validation_rule']):.0f} updates); training rule: "
              f"{scale * np.mean(training):.4f} ({np.mean(steps):.0f} updates)", flush=True)
with open("experiments/stop_rule.json", "w") as handle:
    json.dump(rows, handle, indent=1)
