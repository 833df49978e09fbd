"""Loading the packaged data sets (the files and their provenance live in ``data/``)."""

from __future__ import annotations

import csv
import dataclasses
import hashlib
from importlib import resources

import numpy as np

from rnnmem._results import Result
from rnnmem._validation import as_choice

__all__ = ["Dataset", "load", "names"]

_ZHAO2020 = (
    "J. Zhao, F. Huang, J. Lv, Y. Duan, Z. Qin, G. Li, G. Tian, \"Do RNN and LSTM have Long "
    "Memory?\", ICML 2020, PMLR 119:11365-11375. Data files from the authors' repository "
    "huawei-noah/noah-research, folder mRNN-mLSTM, commit aa0f80c8 (BSD 3-Clause, "
    "Copyright (C) 2020 Huawei Technologies Co., Ltd.); see PROVENANCE_huang2020.md."
)
_ZHAO_SPLIT_NOTE = (
    "ZH20 train/validation/test sizes count one-step (input, target) pairs; a series of n "
    "values has n - 1 of them."
)

# name -> (file, value column, extra columns, description, source, citation, split, sha256)
_CATALOGUE = {
    "arfima": dict(
        file="arfima.csv",
        column="x",
        extra=(),
        description=(
            "Simulated ARFIMA(2, 0.4, 1): (1 - 0.7B + 0.4B^2)(1 - B)^0.4 Y_t = (1 - 0.2B) eps_t, "
            "eps_t i.i.d. N(0, 1); 4001 values."
        ),
        source="Zhao et al. (2020), time-series experiment 'ARFIMA'.",
        citation=_ZHAO2020,
        split={"train": 2000, "validation": 1200, "test": 800},
        sha256="8646e614ab4defedf5c9d239a20013c5dfd7bba512d786bbe6f7e9d208e08735",
    ),
    "dji": dict(
        file="DJI.csv",
        column="x",
        extra=(),
        description=(
            "Dow Jones Industrial Average daily series 2000-2019 (Yahoo Finance); 5029 values. "
            "Inferred, not documented by the authors: a demeaned absolute daily log10 return."
        ),
        source="Zhao et al. (2020), time-series experiment 'DJI'.",
        citation=_ZHAO2020,
        split={"train": 2500, "validation": 1500, "test": 1028},
        sha256="011fea06b5daf1ad322d0997b1a51d32dc3bd720450dd965c659b05969b66881",
    ),
    "traffic": dict(
        file="traffic.csv",
        column="x",
        extra=("day", "temp"),
        description=(
            "Daily zero-mean residual series of the UCI 'Metro Interstate Traffic Volume' data "
            "(I-94 westbound, MN DoT ATR station 301); 1860 values. Extra columns: day index "
            "and temperature (apparently Kelvin). The derivation is undocumented."
        ),
        source="Zhao et al. (2020), time-series experiment 'traffic'; UCI (CC BY 4.0).",
        citation=_ZHAO2020,
        split={"train": 1200, "validation": 200, "test": 459},
        sha256="3b145a40bf2152028557079f8270ed538dce79b86b827a959090a65428cdcdac",
    ),
    "tree": dict(
        file="tree7.csv",
        column="x",
        extra=(),
        description=(
            "Tree-ring widths of a pine from Indian Garden, Nevada (Great Basin); 4351 values."
        ),
        source=(
            "Zhao et al. (2020), time-series experiment 'tree'; originally Hyndman's Time "
            "Series Data Library (R package tsdl)."
        ),
        citation=_ZHAO2020,
        split={"train": 2500, "validation": 1000, "test": 850},
        sha256="44d55af6320aa692e9e97b9c49f235eaabf377012e4ff72b61cd05a38c252df7",
    ),
    "nile": dict(
        file="nile_min.csv",
        column="nile",
        extra=("year",),
        description=(
            "Annual minimum water level of the Nile at the Roda gauge, years 622-1284 (n = 663): "
            "the classic long-memory series of Hurst, Mandelbrot and Beran."
        ),
        source=(
            "Toussoun (1925), public-domain historical records; copy from jrblevin/pyelw "
            "data/nile.csv (BSD-3-Clause, Copyright (c) 2025 Jason R. Blevins), identical to "
            "R package longmemo's NileMin; see PROVENANCE_nile_min.md."
        ),
        citation=(
            "O. Toussoun (1925), Memoire sur l'histoire du Nil, Memoires de l'Institut "
            "d'Egypte 18; J. Beran (1994), Statistics for Long-Memory Processes, Chapman & Hall."
        ),
        split=None,
        sha256="40bb224b143926ff18ae04d0fee31a113334c5f26df0c29c74e9f290ebd2ea18",
    ),
}


@dataclasses.dataclass(frozen=True)
class Dataset(Result):
    """A packaged series with its provenance.

    Attributes
    ----------
    name : str
        Key given to :func:`load`.
    values : numpy.ndarray
        The series, float64, shape (n,).
    description, source, citation : str
        What the series is, where it comes from and how to cite it.
    split : dict or None
        Zhao et al. (2020) train/validation/test sizes (counts of one-step input-target
        pairs, n - 1 in all), or None where the paper has none.
    columns : dict
        Extra columns of the file (e.g. ``year`` for the Nile), float64 arrays.
    sha256 : str
        Checksum of the packaged file (verified on load).
    """

    name: str
    values: np.ndarray
    description: str
    source: str
    citation: str
    split: dict | None
    columns: dict
    sha256: str

    _title = "Dataset"

    def summary(self) -> str:
        lines = [
            f"Dataset {self.name!r}: n = {self.values.size}",
            f"  {self.description}",
            f"  source: {self.source}",
            f"  cite: {self.citation}",
        ]
        if self.split is not None:
            sizes = ", ".join(f"{k} {v}" for k, v in self.split.items())
            lines.append(f"  ZH20 split: {sizes} ({_ZHAO_SPLIT_NOTE})")
        if self.columns:
            lines.append(f"  extra columns: {', '.join(self.columns)}")
        return "\n".join(lines)


def names() -> tuple[str, ...]:
    """Names accepted by :func:`load`."""
    return tuple(_CATALOGUE)


def load(name: str) -> Dataset:
    """Load a packaged series.

    Parameters
    ----------
    name : {"arfima", "dji", "traffic", "tree", "nile"}
        ``"arfima"``, ``"dji"``, ``"traffic"``, ``"tree"``: the four series of Zhao et al.
        (2020); ``"nile"``: the Nile minima 622-1284.

    Returns
    -------
    Dataset
        Values plus metadata (description, source, citation, ZH20 split sizes).
    """
    name = as_choice(name, "name", tuple(_CATALOGUE))
    entry = _CATALOGUE[name]
    raw = resources.files("rnnmem.datasets").joinpath("data", entry["file"]).read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if digest != entry["sha256"]:
        raise RuntimeError(
            f"the packaged file {entry['file']} is corrupted (sha256 {digest}, expected "
            f"{entry['sha256']}); reinstall rnnmem."
        )
    rows = list(csv.DictReader(raw.decode("utf-8").splitlines()))
    values = np.array([float(row[entry["column"]]) for row in rows])
    columns = {key: np.array([float(row[key]) for row in rows]) for key in entry["extra"]}
    return Dataset(
        name=name,
        values=values,
        description=entry["description"],
        source=entry["source"],
        citation=entry["citation"],
        split=None if entry["split"] is None else dict(entry["split"]),
        columns=columns,
        sha256=digest,
    )
