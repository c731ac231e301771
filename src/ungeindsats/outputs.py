"""Rendering an indicator result as text for people (table) and machines (CSV, JSON).

One function, many formats (style.md §3). Numbers in the table are in Danish notation
(1.467,5); CSV uses a semicolon and a decimal comma as Danish spreadsheets expect; JSON is plain.
"""

from __future__ import annotations

import csv
import io
import json

from ungeindsats.classifications import municipality
from ungeindsats.indicators import Result

FORMATS = ("table", "csv", "json")

COLUMN_LABELS = {
    "municipality": "Kommune",
    "period": "Periode",
    "youth_group": "Ungegruppe",
    "benefit": "Ydelse",
    "target_group": "Målgruppe",
    "age_band": "Alder",
    "sex": "Køn",
    "origin": "Herkomst",
    "district": "Distrikt",
    "duration_band": "Varighed",
    "offer_kind": "Tilbud",
    "status": "Status",
    "origin_group": "Kommer fra",
    "origin_benefit": "Forrige ydelse",
    "mix": "Indsats",
    "direction": "Retning",
    "grade": "Klassetrin",
    "activity": "Aktivitet",
    "group": "Gruppe",
    "indicator": "Indikator",
    "indicator_count": "Antal indikatorer",
    "persons": "Personer",
    "numerator": "Tæller",
    "denominator": "Nævner",
}
"""Danish column headings for people; CSV and JSON keep the identifiers."""


def danish_number(value: float | int | None, decimals: int = 1) -> str:
    """1467.5 → '1.467,5'; None → ''."""
    if value is None:
        return ""
    text = f"{value:,.{decimals}f}" if isinstance(value, float) else f"{value:,}"
    return text.replace(",", "§").replace(".", ",").replace("§", ".")


def _columns(result: Result) -> list[str]:
    return [c for c in result.table.column_names]


def render_result(result: Result, fmt: str) -> str:
    """The result in ``fmt`` (table, csv or json)."""
    if fmt not in FORMATS:
        raise ValueError(f"ukendt format '{fmt}'; vælg {', '.join(FORMATS)}")
    rows = result.rows()
    columns = _columns(result)
    if fmt == "json":
        return json.dumps(
            {
                "indicator": result.indicator.name,
                "label": result.indicator.label,
                "unit": result.indicator.unit,
                "source": result.source,
                "notes": list(result.notes),
                "rows": rows,
            },
            ensure_ascii=False,
            indent=2,
        )
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow(
                [danish_number(v, 4) if isinstance(v, float) else v for v in row.values()]
            )
        return buffer.getvalue()
    lines = [f"{result.indicator.label} ({result.indicator.unit}) – kilde: {result.source}"]
    header = [
        result.indicator.unit.capitalize() if c == "value" else COLUMN_LABELS.get(c, c)
        for c in columns
    ]
    body = []
    for row in rows:
        cells = [municipality(int(row["municipality"])).name]
        for column in columns[1:]:
            value = row[column]
            cells.append(danish_number(value) if isinstance(value, (int, float)) else str(value))
        body.append(cells)
    widths = [max(len(str(x)) for x in col) for col in zip(header, *body, strict=False)]
    for cells in [header, *body]:
        lines.append("  ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)))
    lines.extend(result.notes)
    return "\n".join(lines)
