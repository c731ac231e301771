"""Any indicator series as an index to a base period (basisperiode = 100).

Not an indicator of its own but a transformation of any indicator's result: per municipality and
breakdown cell, value ÷ the cell's value in the base period × 100 (seed 002 shows the young on
public support with July 2015 = 100, for Viborg and its peers). The persons behind each cell are
kept for disclosure control; a share's numerator and denominator are dropped, since the index is
not their ratio. The CLI is to offer it as ``ungeindsats indicator NAME ... --index-base 2015M07``.
"""

from __future__ import annotations

from dataclasses import replace

import pyarrow as pa

from ungeindsats.classifications import municipality
from ungeindsats.indicators.model import IndicatorError, Result
from ungeindsats.periods import PeriodError, parse_period

_NOT_KEYS = ("period", "value", "persons", "numerator", "denominator")


def _place(code: int) -> str:
    try:
        return municipality(code).name
    except KeyError:
        return f"kommune {code}"


def index_series(result: Result, base_period: str) -> Result:
    """The result as an index with ``base_period`` = 100 in every municipality and cell.

    Raises IndicatorError (Danish) when the base period is not among the result's periods, or a
    cell has no value, or the value 0, in the base period (an index cannot be formed).
    """
    try:
        base_label = parse_period(base_period).label()
    except PeriodError as exc:
        raise IndicatorError(f"basisperioden kan ikke læses: {exc}") from exc
    table = result.table
    if base_label not in set(table["period"].to_pylist()):
        raise IndicatorError(
            f"basisperioden {base_label} er ikke blandt resultatets perioder; "
            "medtag den i perioderne for at danne et indeks"
        )
    keys = [c for c in table.column_names if c not in _NOT_KEYS]
    rows = table.to_pylist()
    base: dict[tuple[object, ...], float | None] = {
        tuple(r[k] for k in keys): r["value"] for r in rows if r["period"] == base_label
    }
    values: list[float | None] = []
    for row in rows:
        key = tuple(row[k] for k in keys)
        base_value = base.get(key)
        if not base_value:
            cell = ", ".join(
                f"{k} = {v}" for k, v in zip(keys, key, strict=True) if k != "municipality"
            )
            where = _place(int(row["municipality"])) + (f", {cell}" if cell else "")
            state = "intet tal" if base_value is None else "værdien 0"
            raise IndicatorError(
                f"kan ikke danne indeks for {where}: basisperioden {base_label} har {state}"
            )
        values.append(None if row["value"] is None else row["value"] / base_value * 100.0)
    columns = [c for c in table.column_names if c not in ("value", "numerator", "denominator")]
    out = table.select(columns)
    out = out.add_column(out.column_names.index("persons"), "value", pa.array(values, pa.float64()))
    indicator = replace(result.indicator, unit=f"indeks ({base_label} = 100)")
    note = f"Indeks: {base_label} = 100 for hver kommune og celle."
    return Result(indicator, result.query, out, result.source, (*result.notes, note))
