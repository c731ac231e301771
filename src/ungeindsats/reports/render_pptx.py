"""The report as a seminar deck (seed 001): a title slide, then per section a slide with its
key sentences, and one chart or table per slide, titled in the seed's style (capitals).

A table that a chart already shows gets no slide of its own (the chart's numbers come from it,
and its source line is on the chart slide); the workbook and the PDF hold every table.
"""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

from pptx import Presentation
from pptx.util import Emu, Inches, Pt

from ungeindsats.reports.images import chart_png
from ungeindsats.reports.model import Chart, Report, ReportTable, Section

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
TITLE_ONLY, TITLE_AND_CONTENT, TITLE_SLIDE = 5, 1, 0


def slide_title(title: str, period: str) -> str:
    """Seed 001 writes slide titles in capitals, e.g.
    'GENNEMSNITLIG VARIGHED PÅ YDELSEN (UGER), 2018'."""
    return f"{title}, {period}".upper() if period else title.upper()


def _title(slide, text: str) -> None:  # type: ignore[no-untyped-def]
    shape = slide.shapes.title
    shape.text = text
    shape.left, shape.top, shape.width, shape.height = (
        Inches(0.5),
        Inches(0.3),
        WIDTH - Inches(1),
        Inches(1.0),
    )
    for paragraph in shape.text_frame.paragraphs:
        for run in paragraph.runs:
            run.font.size = Pt(24)
            run.font.bold = True


def _footer(slide, text: str) -> None:  # type: ignore[no-untyped-def]
    box = slide.shapes.add_textbox(
        Inches(0.5), HEIGHT - Inches(0.75), WIDTH - Inches(1), Inches(0.6)
    )
    box.text_frame.word_wrap = True
    box.text_frame.text = text
    for run in box.text_frame.paragraphs[0].runs:
        run.font.size = Pt(9)
        run.font.italic = True


def _section_slide(deck, section: Section) -> None:  # type: ignore[no-untyped-def]
    slide = deck.slides.add_slide(deck.slide_layouts[TITLE_AND_CONTENT])
    _title(slide, section.title.upper())
    body = slide.placeholders[1]
    body.left, body.top, body.width, body.height = (
        Inches(0.7),
        Inches(1.5),
        WIDTH - Inches(1.4),
        HEIGHT - Inches(2.2),
    )
    frame = body.text_frame
    frame.word_wrap = True
    for index, text in enumerate(section.paragraphs):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        paragraph.text = text
        for run in paragraph.runs:
            run.font.size = Pt(18 if len(section.paragraphs) < 4 else 14)


def _chart_slide(deck, chart: Chart, report: Report) -> None:  # type: ignore[no-untyped-def]
    slide = deck.slides.add_slide(deck.slide_layouts[TITLE_ONLY])
    _title(slide, slide_title(chart.table.title, chart.table.period))
    picture = slide.shapes.add_picture(io.BytesIO(chart_png(chart)), Inches(0.7), Inches(1.45))
    # Fit the picture in the space between title and footer, keeping its proportions.
    room_w, room_h = WIDTH - Inches(1.4), HEIGHT - Inches(2.35)
    factor = min(room_w / picture.width, room_h / picture.height)
    picture.width, picture.height = (
        Emu(int(picture.width * factor)),
        Emu(int(picture.height * factor)),
    )
    picture.left = Emu(int((WIDTH - picture.width) / 2))
    _footer(slide, _source_line(chart.table, report))


TEXT_ROWS_PER_SLIDE = 3
"""The interventions' status texts are long (cells over 60 characters): three a slide stay
readable."""
NUMBER_ROWS_PER_SLIDE = 12


def _table_slides(deck, table: ReportTable, report: Report) -> None:  # type: ignore[no-untyped-def]
    """One slide, or several with "(1/3)" in the title when the table is long."""
    text_table = any(isinstance(v, str) for row in table.rows for v in row.cells)
    long_text = any(isinstance(v, str) and len(v) > 60 for row in table.rows for v in row.cells)
    size = TEXT_ROWS_PER_SLIDE if long_text else NUMBER_ROWS_PER_SLIDE
    parts = [table.rows[i : i + size] for i in range(0, len(table.rows), size)] or [()]
    for number, rows in enumerate(parts, start=1):
        title = slide_title(table.title, table.period)
        if len(parts) > 1:
            title += f" ({number}/{len(parts)})"
        _table_slide(deck, replace(table, rows=tuple(rows)), report, title, text_table)


def _table_slide(  # type: ignore[no-untyped-def]
    deck, table: ReportTable, report: Report, title: str, text_table: bool
) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[TITLE_ONLY])
    _title(slide, title)
    rows, cols = len(table.rows) + 1, len(table.columns) + 1
    size = Pt(10 if text_table else 14)
    shape = slide.shapes.add_table(
        rows, cols, Inches(0.5), Inches(1.45), WIDTH - Inches(1), Inches(0.4) * rows
    )
    grid = shape.table
    headings = (table.row_label or "", *table.columns)
    for c, text in enumerate(headings):
        grid.cell(0, c).text = text
    for r, row in enumerate(table.rows, start=1):
        grid.cell(r, 0).text = row.label
        for c, value in enumerate(row.cells, start=1):
            grid.cell(r, c).text = table.text(value, c - 1)
    for r in range(rows):
        for c in range(cols):
            for paragraph in grid.cell(r, c).text_frame.paragraphs:
                for run in paragraph.runs:
                    run.font.size = size
    _footer(slide, _source_line(table, report))


def _source_line(table: ReportTable, report: Report) -> str:
    marker = f" {report.marker}: for få personer til at vise tallet." if table.marker else ""
    return f"Kilde: {table.source}. Dannet {report.made.isoformat()}.{marker}"


def render_pptx(report: Report, path: Path) -> Path:
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    first = deck.slides.add_slide(deck.slide_layouts[TITLE_SLIDE])
    first.shapes.title.text = report.title
    first.placeholders[1].text = f"{report.subtitle}\nDannet {report.made.isoformat()}"
    # The default template's placeholders are laid out for 4:3; widen them to the 16:9 slide.
    for shape, top in ((first.shapes.title, 2.0), (first.placeholders[1], 4.2)):
        shape.left, shape.top, shape.width = Inches(1), Inches(top), WIDTH - Inches(2)
    for section in report.sections:
        _section_slide(deck, section)
        charted = {id(c.table) for c in section.charts}
        for block in section.blocks:
            if isinstance(block, Chart):
                _chart_slide(deck, block, report)
            elif id(block) not in charted:
                _table_slides(deck, block, report)
    path.parent.mkdir(parents=True, exist_ok=True)
    deck.save(str(path))
    return path
