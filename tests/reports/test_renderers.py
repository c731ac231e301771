"""The four formats, opened and read back: every one shows the model's tables and titles."""

from __future__ import annotations

import subprocess
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pptx import Presentation

from ungeindsats.reports import Chart, Report, ReportTable, Row, Section
from ungeindsats.reports.render_pptx import render_pptx, slide_title
from ungeindsats.reports.write import render_report


class _Outline(HTMLParser):
    """Collects what the structural checks need: section ids, table ids with their captions
    and cell texts, the number of inline SVGs, and the source lines."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: list[str] = []
        self.tables: dict[str, list[list[str]]] = {}
        self.captions: dict[str, str] = {}
        self.svgs = 0
        self.sources: list[str] = []
        self.lang = ""
        self._table: str | None = None
        self._row: list[str] | None = None
        self._text: list[str] | None = None
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang") or ""
        elif tag == "section":
            self.sections.append(a.get("id") or "")
        elif tag == "svg":
            self.svgs += 1
        elif tag == "table":
            self._table = (a.get("id") or "").removeprefix("tabel-")
            self.tables[self._table] = []
        elif tag == "tr" and self._table is not None:
            self._row = []
        elif tag in ("td", "th", "caption") and self._table is not None:
            self._text, self._in = [], tag
        elif tag == "p" and a.get("class") == "source":
            self._text, self._in = [], "source"

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        text = "".join(self._text or []).strip()
        if tag == "caption" and self._in == "caption" and self._table is not None:
            self.captions[self._table] = text
        elif tag in ("td", "th") and self._row is not None and self._in == tag:
            self._row.append(text)
        elif tag == "tr" and self._row is not None and self._table is not None:
            self.tables[self._table].append(self._row)
            self._row = None
        elif tag == "table":
            self._table = None
        elif tag == "p" and self._in == "source":
            self.sources.append(text)
        if tag in ("td", "th", "caption", "p"):
            self._text, self._in = None, None


def _expected_rows(table) -> list[list[str]]:  # type: ignore[no-untyped-def]
    header = [table.row_label, *table.columns]
    return [
        header,
        *([row.label, *(table.text(c, i) for i, c in enumerate(row.cells))] for row in table.rows),
    ]


def test_html_structure(report: Report, files: dict[str, Path]) -> None:
    outline = _Outline()
    outline.feed(files["html"].read_text(encoding="utf-8"))
    assert outline.lang == "da"
    assert outline.sections == [s.key for s in report.sections]
    assert outline.svgs == sum(len(s.charts) for s in report.sections)
    assert set(outline.tables) == {t.key for t in report.tables}
    for table in report.tables:
        assert outline.tables[table.key] == _expected_rows(table), table.key
        assert outline.captions[table.key].startswith(table.title)
    assert len([s for s in outline.sources if s.startswith("Kilde: ")]) == len(report.tables)
    assert all("Dannet 2019-05-08" in s for s in outline.sources if s.startswith("Kilde: "))


def _pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_pdf_pages_and_text(report: Report, files: dict[str, Path], tmp_path: Path) -> None:
    """Rendered to PNG pages with pdftoppm (one file a page) and read with pdftotext: the page
    footer counts the same pages, and every section title and table caption is there."""
    subprocess.run(
        ["pdftoppm", "-r", "30", "-png", str(files["pdf"]), str(tmp_path / "side")], check=True
    )
    pages = sorted(tmp_path.glob("side-*.png"))
    assert len(pages) >= 10
    assert all(p.stat().st_size > 1000 for p in pages)
    text = _pdf_text(files["pdf"])
    assert f"Side {len(pages)} / {len(pages)}" in text
    flat = " ".join(text.split())
    assert report.title in flat
    for section in report.sections:
        assert section.title in flat, section.title
    fte = next(t for t in report.tables if t.key == "fte_grupper")
    row = next(r for r in fte.rows if r.label == "Midlertidige ydelser (gruppe 1-3)")
    assert " ".join([row.label, *(fte.text(c) for c in row.cells)]) in flat
    assert "Dannet 2019-05-08" in flat


def test_xlsx_one_sheet_per_table(report: Report, files: dict[str, Path]) -> None:
    workbook = load_workbook(files["xlsx"])
    assert workbook.sheetnames == ["Indhold", *(t.key for t in report.tables)]
    for table in report.tables:
        sheet = workbook[table.key]
        assert sheet["A1"].value == table.title
        assert sheet["B4"].value == table.columns[0]
        for offset, row in enumerate(table.rows):
            assert sheet.cell(5 + offset, 1).value == row.label
            for col, cell in enumerate(row.cells, start=2):
                stored = sheet.cell(5 + offset, col).value
                if isinstance(cell, str):
                    assert stored == cell
                elif cell.suppressed:
                    assert stored == table.marker
                elif cell.value is not None:
                    assert stored == pytest.approx(cell.value)
        footer = [
            sheet.cell(r, 1).value or "" for r in range(6 + len(table.rows), 12 + len(table.rows))
        ]
        assert any(line.startswith("Kilde: ") for line in footer), table.key
        assert any(line == "Dannet 2019-05-08 af ungeindsats." for line in footer), table.key


def test_pptx_slide_titles(report: Report, files: dict[str, Path]) -> None:
    """A title slide, per section a slide with its text, then one slide per chart (titled with
    the charted table's title and period in capitals, as seed 001) and per table no chart
    shows."""
    deck = Presentation(str(files["pptx"]))
    titles = [slide.shapes.title.text for slide in deck.slides]
    expected = [report.title]
    for section in report.sections:
        expected.append(section.title.upper())
        charted = {id(c.table) for c in section.charts}
        for block in section.blocks:
            if isinstance(block, Chart):
                expected.append(slide_title(block.table.title, block.table.period))
            elif id(block) not in charted:
                expected.append(slide_title(block.title, block.period))
    collapsed = [
        t for i, t in enumerate(titles) if i == 0 or _unsplit(t) != _unsplit(titles[i - 1])
    ]
    assert [_unsplit(t) for t in collapsed] == expected
    assert "GENNEMSNITLIG VARIGHED PÅ YDELSEN (UGER), 2018" in titles
    assert "NETTOTILFLYTNING FOR 16-29-ÅRIGE, 2017" in titles
    pictures = sum(1 for s in deck.slides for shape in s.shapes if shape.shape_type == 13)
    assert pictures == sum(len(s.charts) for s in report.sections)
    # A table slide shows the model's cells as the other formats do.
    moves = next(t for t in report.tables if t.key == "flytning")
    slide = deck.slides[titles.index(slide_title(moves.title, moves.period))]
    grid = next(shape.table for shape in slide.shapes if shape.has_table)
    shown = [
        [grid.cell(r, c).text for c in range(len(grid.columns))] for r in range(len(grid.rows))
    ]
    assert shown == _expected_rows(moves)


def _unsplit(title: str) -> str:
    """'TITLE (2/3)' → 'TITLE': a long table runs over several slides."""
    head, _, tail = title.rpartition(" (")
    return head if head and tail.endswith(")") and "/" in tail else title


def test_long_text_tables_run_over_several_slides(tmp_path: Path) -> None:
    """Seven interventions with long texts: three a slide, so slides (1/3), (2/3), (3/3) with
    3 + 3 + 1 rows, every intervention once."""
    long = "Hvad går indsatsen ud på? " * 4
    rows = tuple(
        Row(f"{n}. Indsats {n}", (long, "Unge", "Godt i gang."), str(n)) for n in range(1, 8)
    )
    table = ReportTable("indsatser", "Resumé over status på indsatserne", "", "pr. 2017-04-30",
                        "Handleplanen – nr. og titel", ("Hvad", "Hvem", "Hvor langt"), rows,
                        "Styringsdatabasen", "<5")  # fmt: skip
    report = Report("Rapport", "Viborg", 791, "april 2017", "2017M04", date(2017, 5, 1), "<5", 5,
                    (Section("indsatser", "Bilag 1", ("Tekst.",), (table,)),))  # fmt: skip
    deck = Presentation(str(render_pptx(report, tmp_path / "d.pptx")))
    titles = [s.shapes.title.text for s in deck.slides]
    assert titles[2:] == [
        f"RESUMÉ OVER STATUS PÅ INDSATSERNE, PR. 2017-04-30 ({n}/3)" for n in (1, 2, 3)
    ]
    labels = [
        shape.table.cell(r, 0).text
        for slide in list(deck.slides)[2:]
        for shape in slide.shapes
        if shape.has_table
        for r in range(1, len(shape.table.rows))
    ]
    assert labels == [row.label for row in rows]


def test_a_failed_format_writes_nothing(report: Report, tmp_path: Path) -> None:
    """All or nothing: an unknown format is refused before anything is written, and a file
    from an earlier run is left as it was."""
    earlier = tmp_path / "unge-nogletal-791-2019M02.html"
    earlier.write_text("tidligere", encoding="utf-8")
    with pytest.raises(ValueError, match="docx"):
        render_report(report, ("html", "docx"), tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == [earlier.name]
    assert earlier.read_text(encoding="utf-8") == "tidligere"


def test_a_format_failing_midway_leaves_no_file(
    report: Report, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """HTML is made first; when the PDF then fails, the HTML is not left behind either."""
    from ungeindsats.reports import write

    def broken(report: Report, path: Path) -> Path:
        raise OSError("disken er fuld")

    monkeypatch.setitem(write.RENDERERS, "pdf", broken)
    with pytest.raises(OSError, match="disken er fuld"):
        render_report(report, ("html", "pdf"), tmp_path)
    assert list(tmp_path.iterdir()) == []
