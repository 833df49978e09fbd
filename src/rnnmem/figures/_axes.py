"""Creating or reusing axes: the one place figures get their Figure from."""

from __future__ import annotations


def axes_grid(axes, n_panels: int, *, width: float = 4.5, height: float = 3.4):
    """Return (figure, list of n_panels axes): ``axes`` if given, else a new 1 x n row."""
    import matplotlib.pyplot as plt

    if axes is None:
        figure, created = plt.subplots(1, n_panels, figsize=(width * n_panels, height),
                                       squeeze=False, layout="constrained")
        return figure, list(created[0])
    if not hasattr(axes, "__len__"):
        axes = [axes]
    axes = list(axes)
    if len(axes) != n_panels:
        raise ValueError(f"`axes` must hold {n_panels} axes; got {len(axes)}.")
    return axes[0].figure, axes


def figure_and_axes(ax, *, width: float = 5.5, height: float = 3.8):
    """Return (figure, ax): ``ax`` if given, else a new single-panel figure."""
    figure, axes = axes_grid(None if ax is None else [ax], 1, width=width, height=height)
    return figure, axes[0]
