"""Packaged data sets: values, checksums, metadata."""

import numpy as np
import pytest

from rnnmem import datasets


def test_names():
    assert datasets.names() == ("arfima", "dji", "traffic", "tree", "nile")


@pytest.mark.parametrize(
    "name, n, first, split_total",
    [
        ("arfima", 4001, 0.0322814772226875, 4000),
        ("dji", 5029, 0.002032188, 5028),
        ("traffic", 1860, 744.3529593, 1859),
        ("tree", 4351, 0.682, 4350),
        ("nile", 663, 1157.0, None),
    ],
)
def test_values_and_metadata(name, n, first, split_total):
    data = datasets.load(name)
    assert data.values.shape == (n,) and data.values.dtype == np.float64
    assert data.values[0] == first
    assert np.all(np.isfinite(data.values))
    assert data.citation and data.source and data.description
    if split_total is None:
        assert data.split is None
    else:
        # ZH20 split sizes count one-step (input, target) pairs: n - 1 of them.
        assert sum(data.split.values()) == split_total == n - 1
    assert name in data.summary().lower() or data.name in data.summary()


def test_nile_matches_provenance():
    nile = datasets.load("nile")
    assert nile.values.sum() == 761207
    np.testing.assert_array_equal(nile.values[:6], [1157, 1088, 1169, 1169, 984, 1322])
    np.testing.assert_array_equal(nile.columns["year"][[0, -1]], [622, 1284])


def test_traffic_extra_columns():
    traffic = datasets.load("traffic")
    assert set(traffic.columns) == {"day", "temp"}
    assert traffic.columns["temp"].shape == (1860,)


def test_bad_name():
    with pytest.raises(ValueError, match=r"`name` must be one of \['arfima'"):
        datasets.load("sunspots")
    with pytest.raises(TypeError, match=r"`name` must be one of"):
        datasets.load(3)


def test_corrupted_file_is_detected(monkeypatch):
    from rnnmem.datasets import _load

    entry = dict(_load._CATALOGUE["nile"], sha256="0" * 64)
    monkeypatch.setitem(_load._CATALOGUE, "nile", entry)
    with pytest.raises(RuntimeError, match=r"nile_min.csv is corrupted"):
        datasets.load("nile")
