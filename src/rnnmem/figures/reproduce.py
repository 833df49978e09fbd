"""RMSE across seeds of the ZH20 forecasting reproduction (``rnnmem reproduce zhao2020``)."""

from __future__ import annotations

import numpy as np

from ._axes import axes_grid

_MODEL_ORDER = ("RNN", "MRNNF", "MRNN", "LSTM", "MLSTMF", "MLSTM")  # Table 2's row order


def plot_rmse_boxplots(results, *, published=None, datasets=None, axes=None):
    """One panel per data set: a box of test RMSEs across seeds for each model.

    Parameters
    ----------
    results : iterable of mapping
        Run records as written by ``rnnmem reproduce`` (``rnnmem.nn.reproduce.load_runs``):
        each with ``model``, ``dataset`` and ``rmse``.
    published : mapping, optional
        ``{dataset: {model: (mean, sd)}}`` drawn as a diamond with a +- sd bar beside each
        box (e.g. ``rnnmem.nn.published.PUBLISHED_RMSE``).
    datasets : sequence of str, optional
        Panels to draw, in order (default: every data set in ``results``).
    axes : sequence of matplotlib axes, optional
        One per data set.

    Returns
    -------
    matplotlib.figure.Figure

    Notes
    -----
    DJI RMSEs are multiplied by 100, as in Table 2 of Zhao et al. (2020). Each box label
    carries the number of seeds behind it.
    """
    records = [r for r in results]
    if not records:
        raise ValueError("`results` must hold at least one run record; got none.")
    for r in records:
        if not all(k in r for k in ("model", "dataset", "rmse")):
            raise ValueError("`results` must be run records with keys 'model', 'dataset' and "
                             f"'rmse'; got a record with keys {sorted(r)}.")
    found = list(dict.fromkeys(r["dataset"] for r in records))
    names = found if datasets is None else list(datasets)
    missing = [d for d in names if d not in found]
    if missing:
        raise ValueError(f"`datasets` must name data sets present in `results` ({found}); "
                         f"got {missing[0]!r}.")
    figure, panels = axes_grid(axes, len(names), width=4.2, height=3.4)
    for ax, dataset in zip(panels, names, strict=True):
        scale = 100.0 if dataset == "dji" else 1.0
        present = {r["model"] for r in records if r["dataset"] == dataset}
        models = [m for m in _MODEL_ORDER if m in present] + sorted(present - set(_MODEL_ORDER))
        data = [scale * np.array([r["rmse"] for r in records
                                  if r["dataset"] == dataset and r["model"] == m])
                for m in models]
        positions = np.arange(1, len(models) + 1)
        ax.boxplot(data, positions=positions, widths=0.5, showmeans=True)
        ax.set_xticks(positions, [f"{m}\n(n={len(v)})" for m, v in zip(models, data)],
                      fontsize="small")
        if published is not None and dataset in published:
            shown = [(p, published[dataset][m]) for p, m in zip(positions, models)
                     if m in published[dataset]]
            if shown:
                x = np.array([p for p, _ in shown]) + 0.33
                mean = scale * np.array([v[0] for _, v in shown])
                sd = scale * np.array([v[1] for _, v in shown])
                ax.errorbar(x, mean, yerr=sd, fmt="D", color="C3", ms=4, capsize=2,
                            label="paper mean +- sd")
                ax.legend(fontsize="small")
        ax.set_ylabel("test RMSE" + (" (x100)" if scale != 1.0 else ""))
        ax.set_title(dataset)
    return figure
