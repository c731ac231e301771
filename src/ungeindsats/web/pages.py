"""Which panels each indicator page shows: a declaration, no computation.

A panel is one indicator for the municipality in focus (and the country where the two compare),
in one period, drawn by one chart from ``ungeindsats.charts`` beside its table. ``panels.py``
builds them. Periods follow seed 001: a month for stocks, the year before for flows and
durations (a whole year of exits), two years back for the NEET group and migration (registers
come later).
"""

from __future__ import annotations

from dataclasses import dataclass, field

CURVE_MONTHS = 36
"""The overview's curve: three years of months up to the chosen month."""

NEET_YEARS = 5
"""The NEET page's curve: this many years up to two years before the chosen month."""

YOUTH_GROUPS = ("1", "2", "3", "4")
TEMPORARY = ("1", "2", "3")
"""Youth groups on temporary benefits (midlertidige ydelser); group 4 is permanent."""


@dataclass(frozen=True)
class PanelSpec:
    """One chart with its table.

    ``when``: ``month`` (the chosen month), ``curve`` (``CURVE_MONTHS`` months up to it),
    ``previous_year``, ``two_years_back``, ``neet_years`` (``NEET_YEARS`` years to two back).
    ``rows`` is the field whose values are the table's rows and the chart's categories (or
    ``period``); ``series`` the field whose values are its columns and the chart's colours
    (``municipality`` or a breakdown).
    """

    key: str
    title: str
    indicator: str
    when: str
    rows: str
    series: str = "municipality"
    by: tuple[str, ...] = ()
    filters: tuple[tuple[str, tuple[str, ...]], ...] = ()
    country: bool = True
    chart: str = "comparison_bars"
    partition: str | None = None
    """A breakdown whose cells add up to a total shown elsewhere (e.g. a group's benefits add
    up to the group on the overview): disclosure control then treats that sum as known."""


@dataclass(frozen=True)
class PageSpec:
    """An indicator page: a title, an introduction and its panels, published together."""

    key: str
    title: str
    intro: str
    panels: tuple[PanelSpec, ...] = field(default=())


def _group_page(group: str) -> PageSpec:
    only = (("youth_group", (group,)),)
    permanent = group == "4"
    panels = [
        PanelSpec(
            "andel",
            "Andel af de 18-29-årige over tre år",
            "population_share",
            "curve",
            "period",
            by=("youth_group",),
            filters=only,
            chart="monthly_curve",
        ),
        PanelSpec(
            "ydelser",
            "Fuldtidspersoner efter ydelse",
            "fte",
            "month",
            "benefit",
            by=("benefit",),
            filters=only,
            country=False,
            partition="benefit",
        ),
        PanelSpec(
            "varighed",
            "Sammenhængende tid på offentlig forsørgelse (personer)",
            "time_on_support",
            "month",
            "duration_band",
            by=("duration_band",),
            filters=only,
            country=False,
        ),
        PanelSpec(
            "gennemsnit",
            "Gennemsnitlig varighed på ydelsen (uger), året før",
            "average_duration",
            "previous_year",
            "youth_group",
            by=("youth_group",),
            filters=only,
        ),
        PanelSpec(
            "kommer-fra",
            "Hvor kommer de fra (andel af tilgangene), året før",
            "inflow_origin",
            "previous_year",
            "origin_group",
            by=("youth_group", "origin_group"),
            filters=only,
        ),
    ]
    if not permanent:
        panels.append(
            PanelSpec(
                "gaar-hen",
                "Status 6 måneder efter afgang (andel), året før",
                "status_after_exit",
                "previous_year",
                "status",
                by=("youth_group", "status"),
                filters=only,
            )
        )
    panels += [
        PanelSpec(
            "tilbud",
            "Andel i tilbud efter tilbudsart, året før",
            "offers",
            "previous_year",
            "offer_kind",
            by=("youth_group", "offer_kind"),
            filters=only,
        ),
        PanelSpec(
            "indsatsmix",
            "Indsatsmix (andel af modtagerne), året før",
            "intervention_mix",
            "previous_year",
            "mix",
            by=("youth_group", "mix"),
            filters=only,
        ),
    ]
    title = "Permanente ydelser (gruppe 4)" if permanent else f"Ungegruppe {group}"
    return PageSpec(f"gruppe-{group}", title, "", tuple(panels))


OVERVIEW = PageSpec(
    "overblik",
    "Overblik: kongenøgletallet",
    "Fuldtidspersoner på midlertidige ydelser blandt de 18-29-årige (ungegruppe 1-3), "
    "kurven over tre år, grupperne og antallet pr. 1.000 indbyggere mod hele landet.",
    (
        PanelSpec(
            "kurve",
            "Fuldtidspersoner på midlertidige ydelser (gruppe 1-3), 18-29 år",
            "fte",
            "curve",
            "period",
            series="youth_group",
            by=("youth_group",),
            filters=(("youth_group", TEMPORARY),),
            country=False,
            chart="stacked_curve",
        ),
        PanelSpec(
            "pr-1000",
            "Midlertidige ydelser (gruppe 1-3) pr. 1.000 indbyggere 18-29 år",
            "per_1000",
            "curve",
            "period",
            filters=(("youth_group", TEMPORARY),),
            chart="monthly_curve",
        ),
    ),
)

NEET = PageSpec(
    "restgruppen",
    "Restgruppen (NEET) og de 15-17-årige",
    "Unge 15-24 år uden uddannelse eller arbejde (restgruppen, målt i sidste uge af november) "
    "og de 15-17-åriges aktivitet og uddannelsesparathed.",
    (
        PanelSpec(
            "andel",
            "Andel i restgruppen, 15-24 år",
            "neet_share",
            "neet_years",
            "period",
            chart="monthly_curve",
        ),
        PanelSpec(
            "vedvarende",
            "Andel i restgruppen, der også var det for 1 og 2 år siden",
            "neet_persistence",
            "two_years_back",
            "period",
        ),
        PanelSpec(
            "indikatorer",
            "Restgruppen efter antal sociale indikatorer (andel)",
            "neet_indicator_count",
            "two_years_back",
            "indicator_count",
            series="group",
            by=("group", "indicator_count"),
            country=False,
        ),
        PanelSpec(
            "karakteristika",
            "Sociale karakteristika: restgruppen og alle unge (andel)",
            "neet_characteristics",
            "two_years_back",
            "indicator",
            series="group",
            by=("group", "indicator"),
            country=False,
        ),
        PanelSpec(
            "aktivitet",
            "De 15-17-åriges aktivitet (andel)",
            "youth_15_17_activity",
            "month",
            "activity",
            by=("activity",),
        ),
        PanelSpec(
            "parathed",
            "Ikke uddannelsesparate efter klassetrin (andel), året før",
            "not_education_ready",
            "previous_year",
            "grade",
            by=("grade",),
        ),
    ),
)

PAGES: dict[str, PageSpec] = {
    page.key: page for page in (OVERVIEW, *(_group_page(g) for g in YOUTH_GROUPS), NEET)
}
"""Every indicator page by its address (``/side/<key>``)."""

ANALYSIS_PAGES = ("benchmark", "oekonomi")
"""Pages built from the benchmark and economics models (``analysis_pages.py``)."""

ALL_PAGES = (*PAGES, *ANALYSIS_PAGES)
