"""Shared fixtures: the reference values computed at 50 digits (see tests/reference/)."""

import json
import pathlib
import sys

import pytest

REFERENCE = pathlib.Path(__file__).parent / "reference"


@pytest.fixture(scope="session")
def theory_reference():
    """Values written by tests/reference/make_theory_reference.py (mpmath, 50 digits)."""
    with open(REFERENCE / "theory_reference.json") as handle:
        return json.load(handle)

@pytest.fixture(autouse=True)
def _close_pyplot_figures():
    """Close every pyplot figure a test leaves open.

    pyplot keeps figures alive until closed, and after 20 open figures matplotlib warns with a
    RuntimeWarning, which this suite turns into an error: one test that forgets to close its
    figures would otherwise fail whichever test happens to draw next.
    """
    yield
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close("all")


# tests/reference holds the scripts that made the reference values (mpmath, R, simulation);
# --doctest-modules must not import them.
collect_ignore = ["reference"]
