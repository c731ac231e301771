"""The report as PDF with Typst (the ``typst`` package; no system dependency).

Python turns the report into plain JSON — every number already formatted the Danish way, every
chart an SVG from vl-convert — and ``templates/report.typ`` lays it out; nothing in the template
computes.
"""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path
from typing import Any

import typst

from ungeindsats.reports.images import chart_svg
from ungeindsats.reports.model import Chart, Report, ReportTable


def _table(table: ReportTable, report: Report) -> dict[str, Any]:
    text_table = any(isinstance(v, str) for row in table.rows for v in row.cells)
    notes = " ".join(table.notes)
    return {
        "kind": "table",
        "caption": table.caption,
        "text": text_table,
        # Small tables stay whole on a page; long ones (the interventions) may break.
        "breakable": text_table or len(table.rows) > 15,
        "columns": len(table.columns) + 1,
        "header": [table.row_label or "", *table.columns],
        "rows": [
            [row.label, *(table.text(v, i) for i, v in enumerate(row.cells))] for row in table.rows
        ],
        "source": f"Kilde: {table.source}. Dannet {report.made.isoformat()}. {notes}".strip(),
    }


def _chart(chart: Chart) -> dict[str, Any]:
    return {"kind": "chart", "title": chart.title, "svg": chart_svg(chart)}


def report_data(report: Report) -> dict[str, Any]:
    """The report as the JSON the Typst template reads."""
    return {
        "title": report.title,
        "subtitle": report.subtitle,
        "made": report.made.isoformat(),
        "note": report.disclosure_note,
        "sections": [
            {
                "title": section.title,
                "available": section.available,
                "paragraphs": list(section.paragraphs),
                "blocks": [
                    _chart(b) if isinstance(b, Chart) else _table(b, report) for b in section.blocks
                ],
            }
            for section in report.sections
        ],
    }


def render_pdf(report: Report, path: Path) -> Path:
    template = files("ungeindsats.reports").joinpath("templates/report.typ").read_bytes()
    pdf = typst.compile(
        template,
        format="pdf",
        sys_inputs={"report": json.dumps(report_data(report), ensure_ascii=False)},
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pdf)
    return path
