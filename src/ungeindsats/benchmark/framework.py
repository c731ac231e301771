"""Framework variables (rammevilkår): what a municipality's result is fairly expected from.

Three sources, looked up in this order by a variable's name:

1. Computed from the warehouse (``COMPUTED``): the age mix and size of the young population from
   FOLK1A, and the origin, parents' education and social indicators of the 15-29-year-olds
   living in the municipality in the year's first week, from the person register.
2. A user-supplied file (``read_variables_file``): ``municipality;variable;value`` with an
   optional ``year`` column (one row per municipality and variable; without a year the value
   holds for every year).
3. The warehouse's ``framework`` table (canonical import ``ungeindsats import framework``), e.g.
   the local unemployment rate and the degree of urbanisation.

docs/benchmark.md lists every variable with its definition and source.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ungeindsats.benchmark.model import F64, BenchmarkError, place
from ungeindsats.ingest.errors import Problem, fail
from ungeindsats.periods import Period
from ungeindsats.warehouse import Warehouse

Values = dict[int, float]
"""Municipality code → value for one year."""


@dataclass(frozen=True)
class Variable:
    """A framework variable computed from the warehouse: by ``compute`` (from FOLK1A), or as
    the share of the young residents (``share``: a condition and when it is known)."""

    name: str
    label: str  # Danish
    source: str
    compute: Callable[[Warehouse, int], Values] | None = None
    share: tuple[str, str] | None = None


def _folk1a(warehouse: Warehouse, year: int, expression: str) -> Values:
    rows = warehouse.con.execute(
        f"SELECT municipality, {expression} FROM population WHERE year = ? AND municipality <> 0 "
        "AND age BETWEEN 15 AND 29 GROUP BY municipality",
        [year],
    ).fetchall()
    return {int(m): float(v) for m, v in rows if v is not None}


def _age_mix(warehouse: Warehouse, year: int) -> Values:
    return _folk1a(
        warehouse,
        year,
        "100.0 * coalesce(sum(persons) FILTER (WHERE age >= 25), 0) / nullif(sum(persons), 0)",
    )


def _size(warehouse: Warehouse, year: int) -> Values:
    # Averaged over the year's quarters; the log, since size matters in proportion.
    return _folk1a(warehouse, year, "ln(nullif(sum(persons), 0) / count(DISTINCT quarter))")


def resident_shares(
    warehouse: Warehouse, year: int, variables: Sequence[Variable]
) -> dict[str, Values]:
    """For each variable, the per cent of the 15-29-year-olds resident in the year's first week
    that meet its condition, among those for whom it is known; one scan for all of them."""
    week = Period("year", year, 0).first_week
    shares = [v.share for v in variables if v.share is not None]
    if not shares:
        return {}
    columns = ", ".join(
        f"100.0 * count(*) FILTER (WHERE ({known}) AND ({condition})) "
        f"/ nullif(count(*) FILTER (WHERE {known}), 0)"
        for condition, known in shares
    )
    rows = warehouse.con.execute(
        f"""
        SELECT r.municipality, {columns}
        FROM residence AS r JOIN person AS p ON p.person_id = r.person_id
        WHERE r.first_week <= ? AND (r.last_week IS NULL OR r.last_week >= ?)
          AND p.birth_date > make_date(?, 1, 1) - INTERVAL 30 YEAR
          AND p.birth_date <= make_date(?, 1, 1) - INTERVAL 15 YEAR
        GROUP BY r.municipality
        """,
        [week, week, year, year],
    ).fetchall()
    names = [v.name for v in variables if v.share is not None]
    return {
        name: {int(r[0]): float(r[i + 1]) for r in rows if r[i + 1] is not None}
        for i, name in enumerate(names)
    }


_SOCIAL = " OR ".join(
    f"coalesce(p.{c}, FALSE)" for c in ("crime", "mental_illness", "social_measure", "abuse")
)
_SOCIAL_KNOWN = (
    "(p.crime IS NOT NULL OR p.mental_illness IS NOT NULL OR p.social_measure IS NOT NULL "
    "OR p.abuse IS NOT NULL)"
)
_REGISTER = "personregistret (person og bopæl) for de 15-29-årige med bopæl i årets første uge"
_FOLK1A = "FOLK1A (befolkning), gennemsnit af årets kvartaler"
_PARENTS_KNOWN = "p.parents_education IS NOT NULL"

COMPUTED: dict[str, Variable] = {
    v.name: v
    for v in (
        Variable(
            "alder_25_29", "Andel 25-29-årige blandt de 15-29-årige (pct.)", _FOLK1A, _age_mix
        ),
        Variable("befolkning_log", "Antal 15-29-årige (naturlig logaritme)", _FOLK1A, _size),
        Variable(
            "ikke_vestlig",
            "Andel med ikke-vestlig oprindelse (pct.)",
            _REGISTER,
            share=("p.origin_region = 'ikke_vestlig'", "p.origin IS NOT NULL"),
        ),
        Variable(
            "foraeldre_grundskole",
            "Andel hvis forældre højst har grundskole (pct.)",
            _REGISTER,
            share=("p.parents_education = 'grundskole'", _PARENTS_KNOWN),
        ),
        Variable(
            "foraeldre_videregaaende",
            "Andel hvis forældre har en videregående uddannelse (pct.)",
            _REGISTER,
            share=("p.parents_education = 'videregående'", _PARENTS_KNOWN),
        ),
        Variable(
            "social_indikator",
            "Andel med mindst én social indikator (kriminalitet, psykisk sygdom, social "
            "foranstaltning, misbrug) (pct.)",
            _REGISTER,
            share=(_SOCIAL, _SOCIAL_KNOWN),
        ),
    )
}

FRAMEWORK_TABLE_DEFAULTS = ("ledighed_pct", "urbaniseringsgrad")
"""Variables of the ``framework`` table in the default model, when the table holds them."""

DEFAULT_VARIABLES = (
    *FRAMEWORK_TABLE_DEFAULTS,
    "ikke_vestlig",
    "foraeldre_grundskole",
    "foraeldre_videregaaende",
    "social_indikator",
    "alder_25_29",
)
"""The default model (docs/benchmark.md gives the reasons)."""


@dataclass(frozen=True)
class VariablesFile:
    """A user's framework variables: (variable, year or None) → values."""

    path: Path
    values: dict[tuple[str, int | None], Values]

    def lookup(self, name: str, year: int) -> Values | None:
        return self.values.get((name, year), self.values.get((name, None)))


def read_variables_file(path: Path) -> VariablesFile:
    """Read ``municipality;variable;value`` (optional ``year``; ``;`` or ``,``; decimal comma
    or point). Raises InputError naming the file, line and column."""
    name = path.name
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise fail(name, f"filen kan ikke læses: {exc}") from exc
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    if not lines:
        raise fail(name, "filen er tom")
    delimiter = ";" if ";" in lines[0] else ","
    reader = csv.DictReader(lines, delimiter=delimiter)
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in ("municipality", "variable", "value") if c not in header]
    if missing:
        raise fail(name, f"kolonnen mangler: {', '.join(missing)}", line=1)
    reader.fieldnames = header
    values: dict[tuple[str, int | None], Values] = {}
    problems: list[Problem] = []
    for number, row in enumerate(reader, start=2):
        cells = {k: (v or "").strip() for k, v in row.items() if k}
        try:
            code = int(cells["municipality"])
        except ValueError:
            problems.append(Problem(name, "ikke en kommunekode", number, "municipality"))
            continue
        year: int | None = None
        if cells.get("year"):
            if not cells["year"].isdigit():
                problems.append(Problem(name, "ikke et årstal", number, "year", cells["year"]))
                continue
            year = int(cells["year"])
        try:
            value = float(cells["value"].replace(",", "."))
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            problems.append(Problem(name, "ikke et tal", number, "value", cells["value"][:20]))
            continue
        variable = cells["variable"]
        if not variable:
            problems.append(Problem(name, "variablens navn mangler", number, "variable"))
            continue
        slot = values.setdefault((variable, year), {})
        if code in slot:
            problems.append(Problem(name, "kommune og variabel står to gange", number))
        slot[code] = value
    if problems:
        from ungeindsats.ingest.errors import InputError

        raise InputError(problems)
    return VariablesFile(path, values)


@dataclass(frozen=True)
class FrameworkData:
    """The design matrix for one year: codes × variables, with where each came from."""

    year: int
    codes: tuple[int, ...]
    names: tuple[str, ...]
    matrix: F64
    sources: tuple[str, ...]
    notes: tuple[str, ...]


def _framework_table(warehouse: Warehouse, name: str, year: int) -> Values:
    rows = warehouse.con.execute(
        "SELECT municipality, value FROM framework WHERE variable = ? AND year = ?", [name, year]
    ).fetchall()
    return {int(m): float(v) for m, v in rows}


def framework_data(
    warehouse: Warehouse,
    year: int,
    codes: Sequence[int],
    names: Sequence[str] | None = None,
    extra: VariablesFile | None = None,
) -> FrameworkData:
    """The variables ``names`` (default ``DEFAULT_VARIABLES``, leaving out with a note those the
    data do not have) for every code in ``year``. A variable asked for by name must exist and
    cover every municipality; otherwise a Danish error names the variable and the municipality."""
    asked = names is not None
    wanted = list(names or DEFAULT_VARIABLES)
    shares = resident_shares(warehouse, year, [COMPUTED[n] for n in wanted if n in COMPUTED])
    columns, used, sources, notes = [], [], [], []
    for name in wanted:
        if name in COMPUTED:
            compute = COMPUTED[name].compute
            values = compute(warehouse, year) if compute else shares[name]
            source = COMPUTED[name].source
        elif extra is not None and extra.lookup(name, year) is not None:
            values, source = extra.lookup(name, year) or {}, f"brugerens fil {extra.path.name}"
        else:
            values, source = _framework_table(warehouse, name, year), "rammevilkårstabellen"
        if not values:
            if asked:
                raise BenchmarkError(
                    f"rammevilkåret {name} findes ikke for {year}: det er hverken beregnet "
                    "(se docs/benchmark.md), i en brugerfil eller indlæst med "
                    "'ungeindsats import framework'"
                )
            notes.append(f"Rammevilkåret {name} er udeladt: ingen data for {year}.")
            continue
        absent = [place(c) for c in codes if c not in values]
        if absent:
            raise BenchmarkError(
                f"rammevilkåret {name} mangler for {', '.join(absent[:10])}"
                + (f" og {len(absent) - 10} kommuner mere" if len(absent) > 10 else "")
                + f" i {year}"
            )
        columns.append([values[c] for c in codes])
        used.append(name)
        sources.append(source)
    matrix = np.array(columns, np.float64).T.reshape(len(codes), len(used))
    return FrameworkData(year, tuple(codes), tuple(used), matrix, tuple(sources), tuple(notes))
