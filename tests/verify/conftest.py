"""Fixtures for the tests of rnnmem.verify."""

from __future__ import annotations

import csv
import importlib.resources
import pathlib

import numpy as np
import pytest

REFERENCE = pathlib.Path(__file__).resolve().parents[1] / "reference"


@pytest.fixture(scope="session")
def nile() -> np.ndarray:
    """Nile minima, years 622-1284 (n = 663), from the package data."""
    path = importlib.resources.files("rnnmem.datasets") / "data" / "nile_min.csv"
    with path.open() as handle:
        values = [float(row["nile"]) for row in csv.DictReader(handle)]
    return np.array(values)


@pytest.fixture(scope="session")
def own_series() -> dict[str, np.ndarray]:
    """The series of tests/reference/stats_series.csv (made by stats_make_series.py)."""
    data = np.genfromtxt(REFERENCE / "stats_series.csv", delimiter=",", names=True)
    return {name: np.asarray(data[name]) for name in data.dtype.names}


@pytest.fixture(scope="session")
def fdgph_reference() -> list[dict]:
    """R fracdiff::fdGPH output (tests/reference/r_fdgph.csv, made by r_fdgph.R)."""
    with open(REFERENCE / "r_fdgph.csv") as handle:
        return list(csv.DictReader(handle))
