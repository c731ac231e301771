"""The report as one self-contained HTML page (charts inlined as SVG; no JavaScript)."""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, select_autoescape

from ungeindsats.reports.images import chart_svg
from ungeindsats.reports.model import Chart, Report


def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("ungeindsats.reports", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _inline_svg(chart: Chart) -> str:
    svg = chart_svg(chart)
    # An inline <svg> must not carry an XML declaration.
    return svg[svg.index("<svg") :] if "<svg" in svg else svg


def render_html(report: Report) -> str:
    template = _environment().get_template("report.html.j2")
    return template.render(report=report, made=report.made.isoformat(), svg=_inline_svg)
