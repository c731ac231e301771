"""Reports: one report model rendered to HTML, PDF (Typst), XLSX and PPTX (docs/reports.md)."""

from __future__ import annotations

from ungeindsats.reports.model import Chart, Report, ReportTable, Row, Section
from ungeindsats.reports.standard import STANDARD_SECTIONS, TITLE, build_report

__all__ = [
    "STANDARD_SECTIONS",
    "TITLE",
    "Chart",
    "Report",
    "ReportTable",
    "Row",
    "Section",
    "build_report",
]
