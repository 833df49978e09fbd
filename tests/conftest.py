"""Shared fixtures: the reference values computed at 50 digits (see tests/reference/)."""

import json
import pathlib

import pytest

REFERENCE = pathlib.Path(__file__).parent / "reference"


@pytest.fixture(scope="session")
def theory_reference():
    """Values written by tests/reference/make_theory_reference.py (mpmath, 50 digits)."""
    with open(REFERENCE / "theory_reference.json") as handle:
        return json.load(handle)

# tests/reference holds the scripts that made the reference values (mpmath, R, simulation);
# --doctest-modules must not import them.
collect_ignore = ["reference"]
