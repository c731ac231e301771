"""Rendering an indicator result as text for people (table) and machines (CSV, JSON).

One function, many formats (style.md §3). Numbers in the table are in Danish notation
(1.467,5); CSV uses a semicolon and a decimal comma as Danish spreadsheets expect; JSON is plain.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from typing import TYPE_CHECKING, Any

from ungeindsats.classifications import municipality
from ungeindsats.published import PublishedTable

if TYPE_CHECKING:
    from ungeindsats.keyfigures import Cell

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


_THOUSANDS = re.compile(r"-?\d{1,3}(?:\.\d{3})+")


def parse_danish_number(text: str) -> float:
    """A number as Danes write it, the inverse of ``danish_number``: '1.467,5' → 1467.5,
    '1.234' → 1234 (a point between groups of three digits separates thousands), '12,5' and
    '12.5' → 12.5; spaces are ignored. Raises ValueError for anything else, also 'nan' and
    'inf'."""
    text = text.strip().replace("\u00a0", "").replace(" ", "")
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    elif _THOUSANDS.fullmatch(text):
        text = text.replace(".", "")
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(text)
    return number


def cell_text(cell: Cell, marker: str, decimals: int = 1, empty: str = "–") -> str:
    """A published cell for people: the disclosure marker where it is suppressed, ``empty``
    where there is no cell (nobody), else the Danish number."""
    if cell.suppressed:
        return marker
    if cell.value is None:
        return empty
    return danish_number(float(cell.value), decimals)


def render_published(table: PublishedTable, fmt: str) -> str:
    """A published table in ``fmt``: table (Danish, aligned), csv (semicolon, decimal comma) or
    json. Suppressed cells show the disclosure marker (JSON: null plus the marker)."""
    if fmt not in FORMATS:
        raise ValueError(f"ukendt format '{fmt}'; vælg {', '.join(FORMATS)}")
    if fmt == "json":
        return json.dumps(
            {
                "title": table.title,
                "unit": table.unit,
                "source": table.source,
                "notes": list(table.notes),
                "suppressed_marker": table.marker,
                "rows": list(table.rows),
            },
            ensure_ascii=False,
            indent=2,
        )
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
        writer.writerow(table.columns)
        for row in table.rows:
            writer.writerow(
                [_text(row[c], table.marker, 4) if c == "value" else row[c] for c in table.columns]
            )
        return buffer.getvalue()
    lines = [f"{table.title} ({table.unit}) – kilde: {table.source}"]
    header = [
        table.unit.capitalize() if c == "value" else COLUMN_LABELS.get(c, c) for c in table.columns
    ]
    body = []
    for row in table.rows:
        cells = []
        for column in table.columns:
            if column == "municipality":
                cells.append(municipality(int(row[column])).name)
            elif column == "value":
                cells.append(_text(row[column], table.marker, 1))
            else:
                cells.append(str(row[column]))
        body.append(cells)
    widths = [max(len(str(x)) for x in col) for col in zip(header, *body, strict=False)]
    for cells in [header, *body]:
        lines.append("  ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)))
    if table.suppressed:
        lines.append(
            f"{table.marker}: vises ikke, fordi tallet hviler på for få personer "
            "(eller ville kunne regnes ud af de andre)."
        )
    lines.extend(table.notes)
    return "\n".join(lines)


def _text(value: Any, marker: str, decimals: int) -> str:
    if value is None:
        return marker
    return danish_number(float(value), decimals)
