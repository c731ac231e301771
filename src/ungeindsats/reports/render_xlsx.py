"""The report's tables as a workbook: a contents sheet, then one sheet per table.

Each sheet states the table's title, period, unit, source, the date it was made and the
disclosure rule; numbers are stored as numbers (with a Danish-looking number format), and a
suppressed cell holds the marker as text, so nothing hidden can be recovered from the file.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ungeindsats.reports.model import DECIMALS, Report, ReportTable

HEADER_FILL = PatternFill("solid", fgColor="EEF3F7")
BOLD = Font(bold=True)


def _number_format(unit: str) -> str:
    decimals = DECIMALS.get(unit, 1)
    return "#,##0" if decimals == 0 else "#,##0." + "0" * decimals


def _sheet_name(key: str, used: set[str]) -> str:
    """Excel: at most 31 characters, none of []:*?/\\, unique in the workbook."""
    name = "".join("_" if c in "[]:*?/\\" else c for c in key)[:31]
    base, n = name, 2
    while name.lower() in used:
        name = f"{base[:28]}_{n}"
        n += 1
    used.add(name.lower())
    return name


def _write_table(sheet, table: ReportTable, report: Report) -> None:  # type: ignore[no-untyped-def]
    sheet["A1"] = table.title
    sheet["A1"].font = Font(bold=True, size=13)
    sheet["A2"] = f"{report.municipality}, {table.period}" + (
        f" ({table.unit})" if table.unit else ""
    )
    header_row = 4
    for col, text in enumerate((table.row_label or "", *table.columns), start=1):
        cell = sheet.cell(header_row, col, text)
        cell.font, cell.fill = BOLD, HEADER_FILL
    for r, row in enumerate(table.rows, start=header_row + 1):
        sheet.cell(r, 1, row.label).font = BOLD
        for c, value in enumerate(row.cells, start=2):
            if isinstance(value, str):
                cell = sheet.cell(r, c, value)
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            elif value.suppressed:
                sheet.cell(r, c, table.marker).alignment = Alignment(horizontal="right")
            elif value.value is not None:
                cell = sheet.cell(r, c, float(value.value))
                cell.number_format = _number_format(table.unit_of(c - 2))
    footer = header_row + len(table.rows) + 2
    lines = [
        f"Kilde: {table.source}.",
        f"Dannet {report.made.isoformat()} af ungeindsats.",
        report.disclosure_note,
        *table.notes,
    ]
    for offset, line in enumerate(lines):
        sheet.cell(footer + offset, 1, line).font = Font(italic=True, size=9)
    widths = [max(12, min(60, len(table.row_label or "") + 2))]
    widths[0] = max(widths[0], *(min(60, len(row.label) + 2) for row in table.rows))
    text_table = any(isinstance(v, str) for row in table.rows for v in row.cells)
    widths.extend([45 if text_table else 14] * len(table.columns))
    for col, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(col)].width = width


def render_xlsx(report: Report, path: Path) -> Path:
    workbook = Workbook()
    contents = workbook.active
    contents.title = "Indhold"
    contents["A1"] = report.title
    contents["A1"].font = Font(bold=True, size=14)
    contents["A2"] = f"{report.subtitle}. Dannet {report.made.isoformat()}."
    contents["A3"] = report.disclosure_note
    contents.cell(5, 1, "Ark").font = BOLD
    contents.cell(5, 2, "Tabel").font = BOLD
    contents.cell(5, 3, "Afsnit").font = BOLD
    used = {"indhold"}
    line = 6
    for section in report.sections:
        if not section.tables:
            contents.cell(line, 2, f"{section.title}: ikke tilgængeligt")
            contents.cell(line, 3, section.title)
            line += 1
        for table in section.tables:
            name = _sheet_name(table.key, used)
            _write_table(workbook.create_sheet(name), table, report)
            contents.cell(line, 1, name)
            contents.cell(line, 2, f"{table.title}, {table.period}")
            contents.cell(line, 3, section.title)
            line += 1
    contents.column_dimensions["A"].width = 24
    contents.column_dimensions["B"].width = 80
    contents.column_dimensions["C"].width = 50
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path
