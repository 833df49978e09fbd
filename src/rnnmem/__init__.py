"""rnnmem: does this recurrent network (or this series) have long memory?

Subpackages
-----------
theory
    Exact results: fractional coefficients, ARFIMA closed forms, SymPy derivations.
simulate
    Sample paths: exact ARFIMA generators and Markov-chain simulators of networks.
verify
    Statistics on sample paths and the memory-class verdicts built from them.
datasets
    The real series used by Zhao et al. (2020) and the Nile minima.

``import rnnmem`` is light: subpackages load on first use, and torch, sympy and matplotlib
are imported only by the functions that need them.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0.dev0"

_SUBPACKAGES = ("theory", "simulate", "verify", "datasets", "figures", "nn", "networks")

__all__ = ["__version__", "RnnmemWarning", *_SUBPACKAGES]


class RnnmemWarning(UserWarning):
    """Base class of rnnmem's warnings.

    Silence one kind with ``warnings.filterwarnings("ignore", category=...)`` using the
    specific subclass named in the message, or all of them with this class.
    """


def __getattr__(name):
    if name in _SUBPACKAGES:
        module = importlib.import_module(f"rnnmem.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'rnnmem' has no attribute {name!r}")
