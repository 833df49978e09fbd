"""What the authors' whole-series MinMax scaling changes: RMSE with the scaler fitted on the
training part (the protocol) and on the whole series (the authors' code), same seeds.

Usage: python experiments/scaler_leak.py   (writes experiments/scaler_leak.json)
"""

import json

import numpy as np

from rnnmem.nn.forecast import forecast

SEEDS = range(5)
rows = []
for dataset in ("traffic", "dji", "arfima"):
    for model in ("RNN", "LSTM"):
        for scaler in ("train", "all"):
            rmse = [forecast(model, dataset, seed=s, scaler=scaler).rmse for s in SEEDS]
            rows.append({"dataset": dataset, "model": model, "scaler": scaler, "rmse": rmse})
            scale = 100.0 if dataset == "dji" else 1.0
            print(f"{dataset:<8} {model:<5} scaler fitted on {scaler:<5}: mean RMSE "
                  f"{scale * np.mean(rmse):.4f} (sd {scale * np.std(rmse, ddof=1):.4f})",
                  flush=True)
with open("experiments/scaler_leak.json", "w") as handle:
    json.dump(rows, handle, indent=1)
