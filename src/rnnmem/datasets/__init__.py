"""Real series used by the long-memory literature, shipped with their provenance.

>>> from rnnmem import datasets
>>> nile = datasets.load("nile")
>>> nile.values.shape
(663,)
>>> datasets.names()
('arfima', 'dji', 'traffic', 'tree', 'nile')
"""

from ._load import Dataset, load, names

__all__ = ["Dataset", "load", "names"]
