"""``ungeindsats report``: the standard report for a municipality and month, written to files.

Parses the options, makes one library call (``ungeindsats.reports.write.write_report``) and
prints the files written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def report_command(
    kommune: Annotated[
        str, typer.Option("--kommune", help="Kommunen rapporten laves for, fx 791 eller Viborg.")
    ] = "791",
    period: Annotated[
        str, typer.Option("--period", help="Måneden rapporten laves for, fx 2019M02.")
    ] = "2019M02",
    formats: Annotated[
        str,
        typer.Option("--format", help="Formater, kommasepareret: html, pdf, xlsx og/eller pptx."),
    ] = "html,pdf,xlsx,pptx",
    out_dir: Annotated[
        Path, typer.Option("--out", help="Mappen filerne skrives i (oprettes om nødvendigt).")
    ] = Path("out"),
) -> None:
    """Lav rapporten »Unge på offentlig forsørgelse – nøgletal og indsatser«."""
    from ungeindsats.cli import _codes, _guard, out, settings
    from ungeindsats.reports.write import parse_formats, write_report
    from ungeindsats.warehouse import open_warehouse

    code = _codes(kommune)[0]
    chosen = _guard(lambda: parse_formats(formats))
    config = settings()
    if not config.warehouse_file.exists():
        _guard(lambda: _no_warehouse(config.warehouse_file))

    def run() -> list[Path]:
        with open_warehouse(config.warehouse_file) as warehouse:
            return write_report(warehouse, config, code, period, chosen, out_dir)

    for path in _guard(run):
        out.print(f"Skrevet: {path}", highlight=False, soft_wrap=True)


def _no_warehouse(path: Path) -> None:
    raise ValueError(f"der er intet lager i {path}; indlæs data først (fx 'ungeindsats run')")
