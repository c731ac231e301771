"""A panel's table as a file: CSV (semicolon, decimal comma, as Danish spreadsheets expect) and
XLSX. The file holds exactly the published cells the page shows; a suppressed cell is the
disclosure marker, never the number."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font

from ungeindsats.outputs import cell_text
from ungeindsats.web.panels import Panel

MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def panel_csv(panel: Panel) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([panel.row_label or "Række", *panel.columns])
    for label, cells in panel.rows:
        writer.writerow([label, *(cell_text(c, panel.marker, 4, empty="") for c in cells)])
    # A byte-order mark so that Excel opens æ, ø and å right.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def panel_xlsx(panel: Panel) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Tal"
    sheet.append([panel.title])
    sheet["A1"].font = Font(bold=True)
    sheet.append([f"Enhed: {panel.unit}", f"Periode: {panel.period}"])
    sheet.append([])
    sheet.append([panel.row_label or "Række", *panel.columns])
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    for label, cells in panel.rows:
        sheet.append(
            [
                label,
                *(panel.marker if c.suppressed else c.value for c in cells),
            ]
        )
    sheet.append([])
    sheet.append([f"Kilde: {panel.source}"])
    for note in panel.notes:
        sheet.append([note])
    sheet.append(
        [
            f"{panel.marker}: vises ikke, fordi tallet hviler på for få personer "
            "(eller ville kunne regnes ud af de andre)."
        ]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def panel_file(panel: Panel, fmt: str) -> bytes:
    return panel_csv(panel) if fmt == "csv" else panel_xlsx(panel)
