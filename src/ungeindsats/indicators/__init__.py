"""The indicator registry: every key figure defined once (docs/indicators.md)."""

from ungeindsats.indicators.model import (
    COUNTRY,
    Indicator,
    IndicatorError,
    Query,
    Result,
    all_indicators,
    get_indicator,
)

__all__ = [
    "COUNTRY",
    "Indicator",
    "IndicatorError",
    "Query",
    "Result",
    "all_indicators",
    "get_indicator",
]
