"""The demo model's parameters: ``parameters.toml`` and ``municipalities.csv`` as NumPy arrays.

``parameters.toml`` says, for each block, which calibration target it serves; ``municipalities.csv``
holds approximate sizes and framework conditions of the 98 municipalities (a demo parameter file,
not official statistics). This module turns both into the arrays the simulation indexes.
"""

from __future__ import annotations

import csv
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt

from ungeindsats.classifications import municipality

STATES: tuple[str, ...] = (
    "out",
    "school",
    "gym",
    "eud",
    "prep",
    "higher",
    "work",
    "other",
    "adag",
    "syg",
    "sa_open",
    "sa_ready",
    "sa_act",
    "ress",
    "jobafk",
    "flex",
    "ledy",
    "ftp",
)
"""The model's states (docs/demo.md); a state's index is its number in the simulation."""

S = {name: i for i, name in enumerate(STATES)}
EDUCATION_STATES = ("school", "gym", "eud", "prep", "higher")
BENEFIT_STATES = STATES[S["adag"] :]
TEMPORARY_STATES = ("adag", "syg", "sa_open", "sa_ready", "sa_act", "ress", "jobafk")

EXIT_ROWS: tuple[str, ...] = (
    "school_done",
    "gym_done",
    "gym_drop",
    "eud_done",
    "eud_drop",
    "prep_done",
    "higher_done",
    "higher_drop",
    *STATES[S["work"] :],
)
"""Rows of the transition table: a spell's state, for educations split by completion."""

EXIT = {name: i for i, name in enumerate(EXIT_ROWS)}

KINDS = (
    "capital",
    "university",
    "education",
    "town",
    "suburb",
    "suburb_rich",
    "rural",
    "rural_poor",
    "island",
)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Municipalities:
    """The 98 municipalities in code order, with the demo's parameters for each."""

    codes: IntArray
    names: tuple[str, ...]
    region: IntArray  # region code (1081-1085)
    population: FloatArray
    kind: IntArray  # index into KINDS
    unemployment: FloatArray  # per cent
    nonwestern: FloatArray  # share 0-1
    loweducation: FloatArray  # share 0-1

    def __len__(self) -> int:
        return len(self.codes)

    def index(self, code: int) -> int:
        return int(np.flatnonzero(self.codes == code)[0])


@dataclass(frozen=True)
class Parameters:
    """Everything the simulation needs, read from the two data files."""

    raw: dict[str, Any]
    municipalities: Municipalities
    base: FloatArray  # (len(EXIT_ROWS), len(STATES)) transition weights
    load_z: FloatArray  # (len(STATES),) per destination
    load_indicators: FloatArray
    load_effectiveness: FloatArray
    load_level: FloatArray
    load_unemployment: FloatArray
    uninsured_to: FloatArray  # (len(STATES),) where A-dagpenge weight goes without insurance
    duration_median: FloatArray  # (len(STATES),)
    duration_sd: FloatArray
    duration_z: FloatArray
    duration_indicators: FloatArray
    duration_effect: FloatArray

    def section(self, name: str) -> dict[str, Any]:
        value = self.raw[name]
        assert isinstance(value, dict)
        return value


def _state_vector(table: dict[str, float], default: float = 0.0) -> FloatArray:
    vector = np.full(len(STATES), default, dtype=np.float64)
    for name, value in table.items():
        if name not in S:
            raise ValueError(f"parameters.toml: ukendt tilstand {name!r}")
        vector[S[name]] = float(value)
    return vector


def yearly(table: dict[str, float], years: range) -> dict[int, float]:
    """A year → value table with some years given: linear in between, constant outside."""
    known = sorted((int(year), float(value)) for year, value in table.items())
    xs = np.array([k for k, _ in known], dtype=np.float64)
    ys = np.array([v for _, v in known], dtype=np.float64)
    return {year: float(np.interp(year, xs, ys)) for year in years}


def _read_municipalities() -> Municipalities:
    source = resources.files("ungeindsats.demo").joinpath("municipalities.csv")
    with source.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(line for line in handle if not line.startswith("#")))
    rows.sort(key=lambda row: int(row["code"]))
    regions = []
    for row in rows:
        region = municipality(int(row["code"])).region_code  # an unknown code fails here
        regions.append(region or 0)
    return Municipalities(
        codes=np.array([int(r["code"]) for r in rows], dtype=np.int64),
        names=tuple(r["name"] for r in rows),
        region=np.array(regions, dtype=np.int64),
        population=np.array([float(r["population"]) for r in rows]),
        kind=np.array([KINDS.index(r["kind"]) for r in rows], dtype=np.int64),
        unemployment=np.array([float(r["unemployment"]) for r in rows]),
        nonwestern=np.array([float(r["nonwestern"]) / 100 for r in rows]),
        loweducation=np.array([float(r["loweducation"]) / 100 for r in rows]),
    )


def raw_parameters() -> dict[str, Any]:
    """``parameters.toml`` as a fresh dictionary (change it and pass it to ``parameters_from``)."""
    text = resources.files("ungeindsats.demo").joinpath("parameters.toml").read_text("utf-8")
    return tomllib.loads(text)


@cache
def load_parameters() -> Parameters:
    """The shipped parameters (read once)."""
    return parameters_from(raw_parameters())


def parameters_from(raw: dict[str, Any]) -> Parameters:
    """Parameters from a dictionary shaped like ``parameters.toml``."""
    transitions = raw["transitions"]
    base = np.zeros((len(EXIT_ROWS), len(STATES)), dtype=np.float64)
    for row, name in enumerate(EXIT_ROWS):
        base[row] = _state_vector(transitions[name])
    modifiers = raw["modifiers"]
    durations = raw["durations"]

    def duration(field: str, default: float) -> FloatArray:
        return _state_vector(
            {
                name: spec.get(field, default)
                for name, spec in durations.items()
                if isinstance(spec, dict) and name in S
            },
            default,
        )

    return Parameters(
        raw=raw,
        municipalities=_read_municipalities(),
        base=base,
        load_z=_state_vector(modifiers["z"]),
        load_indicators=_state_vector(modifiers["indicators"]),
        load_effectiveness=_state_vector(modifiers["effectiveness"]),
        load_level=_state_vector(modifiers["level"]),
        load_unemployment=_state_vector(modifiers["unemployment"]),
        uninsured_to=_state_vector(transitions["uninsured_to"]),
        duration_median=duration("median", 1.0),
        duration_sd=duration("sd", 0.0),
        duration_z=duration("z_load", 0.0),
        duration_indicators=duration("indicator_load", 0.0),
        duration_effect=duration("effect", 0.0),
    )
