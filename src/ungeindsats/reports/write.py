"""``write_report``: the standard report for a municipality and month, written in the asked
formats. The CLI (``ungeindsats report``), the main job and the dashboard's downloads call it."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ungeindsats.periods import Period, parse_period
from ungeindsats.reports.model import Report
from ungeindsats.reports.render_html import render_html
from ungeindsats.reports.render_pdf import render_pdf
from ungeindsats.reports.render_pptx import render_pptx
from ungeindsats.reports.render_xlsx import render_xlsx
from ungeindsats.reports.standard import build_report
from ungeindsats.settings import Settings
from ungeindsats.warehouse import Warehouse

FORMATS = ("html", "pdf", "xlsx", "pptx")
MEDIA_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}


@dataclass(frozen=True)
class ReportFile:
    """One rendered format in memory, for a download: file name, media type and content."""

    name: str
    media_type: str
    content: bytes


def _html(report: Report, path: Path) -> Path:
    path.write_text(render_html(report), encoding="utf-8")
    return path


RENDERERS: dict[str, Callable[[Report, Path], Path]] = {
    "html": _html,
    "pdf": render_pdf,
    "xlsx": render_xlsx,
    "pptx": render_pptx,
}


def parse_formats(text: str | Sequence[str]) -> tuple[str, ...]:
    """'html,pdf' → ('html', 'pdf'); a Danish error for an unknown format."""
    items = text.split(",") if isinstance(text, str) else list(text)
    formats = tuple(dict.fromkeys(f.strip().lower() for f in items if f.strip()))
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise ValueError(
            f"ukendt rapportformat {', '.join(unknown) or '(intet)'}; vælg blandt "
            f"{', '.join(FORMATS)}"
        )
    return formats


def report_file_name(kommune: int, period: str) -> str:
    return f"unge-nogletal-{kommune:03d}-{period}"


def render_report(report: Report, formats: Sequence[str], out_dir: Path) -> list[Path]:
    """Render ``report`` in each format into ``out_dir``. All or nothing: the files are made in
    a scratch folder beside ``out_dir`` and moved in only when every format has succeeded."""
    formats = parse_formats(formats)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = report_file_name(report.municipality_code, report.period_code)
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=".rapport-") as scratch:
        made = [RENDERERS[f](report, Path(scratch) / f"{stem}.{f}") for f in formats]
        written = []
        for path in made:
            target = out_dir / path.name
            shutil.move(path, target)
            written.append(target)
    return written


def write_report(
    warehouse: Warehouse,
    settings: Settings,
    kommune: int,
    period: str | Period,
    formats: Sequence[str] | str = FORMATS,
    out_dir: Path = Path("out"),
) -> list[Path]:
    """Build the standard report for ``kommune`` in ``period`` (a month such as 2019M02) and
    write it in ``formats`` to ``out_dir``; returns the files written."""
    from ungeindsats.indicators.facts import ensure_facts

    month = parse_period(period) if isinstance(period, str) else period
    chosen = parse_formats(formats)
    ensure_facts(warehouse)  # a no-op unless an import came after the facts were built
    report = build_report(warehouse, settings, kommune, month)
    return render_report(report, chosen, out_dir)


def report_file(
    warehouse: Warehouse, settings: Settings, kommune: int, period: str | Period, fmt: str
) -> ReportFile:
    """The standard report in one format, in memory (the dashboard's download)."""
    formats = parse_formats(fmt)
    if len(formats) != 1:
        raise ValueError(f"vælg ét rapportformat til en download, ikke {', '.join(formats)}")
    chosen = formats[0]
    with tempfile.TemporaryDirectory(prefix="ungeindsats-rapport-") as scratch:
        (path,) = write_report(warehouse, settings, kommune, period, (chosen,), Path(scratch))
        return ReportFile(path.name, MEDIA_TYPES[chosen], path.read_bytes())
