"""Charts to SVG (HTML, PDF) and PNG (PPTX, which cannot hold SVG) with vl-convert.

The specs are the dashboard's (``ungeindsats.charts``), rendered with the Vega-Lite version they
are written for; Danish number notation comes from d3's da-DK locale (1.467; 14,2). Each chart
is converted once per report and format, however many renderers draw it.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any, Final

import vl_convert as vlc

from ungeindsats.charts import VEGA_LITE_VERSION
from ungeindsats.reports.model import Chart

LOCALE: Final = "da-DK"


@lru_cache(maxsize=256)
def _svg(spec_json: str) -> str:
    spec = json.loads(spec_json)
    return str(vlc.vegalite_to_svg(spec, vl_version=VEGA_LITE_VERSION, format_locale=LOCALE))


@lru_cache(maxsize=256)
def _png(spec_json: str, scale: float) -> bytes:
    # From the SVG already drawn: rasterising is several times faster than running Vega again.
    return bytes(vlc.svg_to_png(_svg(spec_json), scale=scale))


def _key(spec: dict[str, Any]) -> str:
    return json.dumps(spec, sort_keys=True, ensure_ascii=False)


def chart_svg(chart: Chart) -> str:
    """The chart as an SVG document (text)."""
    return _svg(_key(chart.spec))


def chart_png(chart: Chart, scale: float = 2.0) -> bytes:
    """The chart as PNG bytes (``scale`` 2 gives sharp slides)."""
    return _png(_key(chart.spec), scale)
