"""Every indicator is documented: docs/indicators.md is the registry rendered."""

from pathlib import Path

from ungeindsats.indicators import all_indicators
from ungeindsats.indicators.docs import render_markdown

DOC = Path(__file__).parents[2] / "docs" / "indicators.md"


def test_docs_match_the_registry() -> None:
    assert DOC.read_text(encoding="utf-8") == render_markdown(), (
        "docs/indicators.md is stale: run "
        ".venv/bin/python -m ungeindsats.indicators.docs > docs/indicators.md"
    )


def test_every_indicator_has_a_danish_definition_and_source() -> None:
    names = {i.name for i in all_indicators()}
    required = {
        "fte",
        "persons",
        "population_share",
        "per_1000",
        "average_duration",
        "time_on_support",
        "long_term_share",
        "inflow_origin",
        "status_after_exit",
        "offers",
        "company_based_share",
        "intervention_mix",
        "neet_share",
        "neet_persistence",
        "neet_characteristics",
        "youth_15_17_activity",
        "not_education_ready",
        "migration",
        "inflow_on_benefit",
        "sanctions",
    }
    assert required <= names
    for item in all_indicators():
        assert len(item.definition) > 40, item.name
        assert item.source and item.label and item.unit, item.name
