"""Figures: decay curves and paper-style plots (matplotlib only; nothing here computes statistics).

Every function draws into ``ax`` (or ``axes``) when given, creates a new figure otherwise, and
returns the :class:`matplotlib.figure.Figure`. matplotlib is imported inside the functions, so
``import rnnmem.figures`` stays light.
"""

from .coupling import plot_coupling
from .curse import plot_approximation_error, plot_escape_times
from .decay import plot_acf_decay, plot_coefficients
from .estimates import plot_d_estimates
from .report import plot_memory_report
from .reproduce import plot_rmse_boxplots
from .separation import plot_rank_against_length
from .series import plot_acfs
from .weights import plot_weights

__all__ = [
    "plot_acf_decay",
    "plot_acfs",
    "plot_approximation_error",
    "plot_coefficients",
    "plot_coupling",
    "plot_d_estimates",
    "plot_escape_times",
    "plot_memory_report",
    "plot_rank_against_length",
    "plot_rmse_boxplots",
    "plot_weights",
]
