"""The NEET group (restgruppen, 15-24) and the 15-17-year-olds (seed 001)."""

from __future__ import annotations

from ungeindsats.reports.figures import bars
from ungeindsats.reports.model import Section
from ungeindsats.reports.plan import Context, SectionDef, Tables, say
from ungeindsats.reports.sections_overview import COUNTRY_NAME
from ungeindsats.reports.tables import Request, TableSpec

NEET = SectionDef(
    "restgruppen",
    (
        TableSpec(
            "restgruppe_andel",
            "Andel i restgruppen (15-24 år)",
            Request("neet_share", "two_years_back"),
            "",
            "",
        ),
        TableSpec(
            "restgruppe_fast",
            "Andel i restgruppen, som også var det de to foregående år",
            Request("neet_persistence", "two_years_back"),
            "",
            "",
        ),
        TableSpec(
            "restgruppe_indikatorer",
            "Restgruppen efter antal indikatorer for kriminalitet, misbrug, psykisk sygdom og "
            "sociale foranstaltninger",
            Request("neet_indicator_count", "two_years_back", ("group", "indicator_count")),
            "indicator_count",
            "Antal indikatorer",
            (("group", "Restgruppen"),),
        ),
    ),
    lambda ctx, t: _neet(ctx, t),
)


def _neet(ctx: Context, t: Tables) -> Section:
    share, persistent, count = (
        t["restgruppe_andel"],
        t["restgruppe_fast"],
        t["restgruppe_indikatorer"],
    )
    return Section(
        "restgruppen",
        "Restgruppen: unge uden uddannelse eller beskæftigelse (NEET)",
        (
            f"I {share.period} var {say(share, 'I alt')} af de 15-24-årige i {ctx.name} i "
            f"restgruppen (hele landet: {say(share, 'I alt', COUNTRY_NAME)}).",
            f"{say(persistent, 'I alt')} af restgruppen i {persistent.period} havde også været i "
            f"restgruppen de to foregående år (hele landet: "
            f"{say(persistent, 'I alt', COUNTRY_NAME)}).",
        ),
        (
            share,
            persistent,
            bars(count, "Restgruppen efter antal indikatorer"),
            count,
        ),
    )


YOUNG = SectionDef(
    "15_17",
    (
        TableSpec(
            "15_17_aktivitet",
            "De 15-17-åriges aktivitet",
            Request("youth_15_17_activity", by=("activity",)),
            "activity",
            "Aktivitet",
        ),
        TableSpec(
            "ikke_parate",
            "Ikke uddannelsesparate efter klassetrin",
            Request("not_education_ready", "previous_year", ("grade",)),
            "grade",
            "Klassetrin",
        ),
    ),
    lambda ctx, t: _young(ctx, t),
)


def _young(ctx: Context, t: Tables) -> Section:
    activity, ready = t["15_17_aktivitet"], t["ikke_parate"]
    neither = "Hverken uddannelse eller beskæftigelse"
    return Section(
        "15_17",
        "15-17-årige med risiko for offentlig forsørgelse",
        (
            f"I {ctx.month_text} var {say(activity, 'Uddannelse')} af de 15-17-årige i "
            f"{ctx.name} i uddannelse, og {say(activity, neither)} var hverken i uddannelse "
            f"eller beskæftigelse (hele landet: {say(activity, neither, COUNTRY_NAME)}).",
            f"Ved uddannelsesparathedsvurderingerne i {ready.period} blev "
            f"{say(ready, '8. klasse')} af 8. klasserne, {say(ready, '9. klasse')} af 9. "
            f"klasserne og {say(ready, '10. klasse')} af 10. klasserne vurderet ikke "
            "uddannelsesparate.",
        ),
        (
            bars(activity),
            activity,
            bars(ready),
            ready,
        ),
    )
