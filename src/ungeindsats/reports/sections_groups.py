"""One section per youth group 1-3 (seed 001, "Gruppe 1/2/3"): benefits, time on support, where
they come from, where they are 6 months after, and the offers they get; then the intervention
mix of all of them (seed 001, "Hvor mange får hvilke indsatser?": none, one kind, combined).

The five requests are shared by the three sections (each asks for groups 1-3 at once and keeps
its own group's rows), so the report runs each indicator once, not three times.
"""

from __future__ import annotations

from ungeindsats.classifications import youth_groups
from ungeindsats.reports.figures import bars
from ungeindsats.reports.model import ReportTable, Section
from ungeindsats.reports.plan import Context, SectionDef, Tables, say
from ungeindsats.reports.sections_overview import COUNTRY_NAME, GROUPS_1_3
from ungeindsats.reports.tables import Request, TableSpec

BENEFITS = Request(
    "fte", by=("youth_group", "benefit"), filters=GROUPS_1_3, country=False, partition="benefit"
)
"""The benefits of a group add up to the group's fte, which the report shows."""
DURATIONS = Request(
    "time_on_support", by=("youth_group", "duration_band"), filters=GROUPS_1_3, country=False
)
ORIGINS = Request(
    "inflow_origin",
    "previous_year",
    ("youth_group", "origin_group"),
    GROUPS_1_3,
    country=False,
)
EXITS = Request("status_after_exit", "previous_year", ("youth_group", "status"), GROUPS_1_3)
OFFERS = Request("offers", by=("youth_group", "offer_kind"), filters=GROUPS_1_3)

IN_WORK = "uddannelse eller arbejde"


def _specs(group: str) -> tuple[TableSpec, ...]:
    where = (("youth_group", group),)
    name = f"Gruppe {group}"
    return (
        TableSpec(f"g{group}_ydelser", f"Fuldtidspersoner i {name.lower()} efter ydelse",
                  BENEFITS, "benefit", "Ydelse", where),
        TableSpec(f"g{group}_varighed",
                  f"{name}: nuværende ydelsesmodtagere efter varighed på offentlig forsørgelse",
                  DURATIONS, "duration_band", "Varighed", where),
        TableSpec(f"g{group}_kommer_fra",
                  f"{name}: hvad kommer de fra? (tidligere målgruppe afsluttet under 30 dage før)",
                  ORIGINS, "origin_group", "Kommer fra", where),
        TableSpec(f"g{group}_status", f"{name}: status 6 måneder efter afgang",
                  EXITS, "status", "Status", where),
        TableSpec(f"g{group}_tilbud", f"Hvilke tilbud får {name.lower()}?",
                  OFFERS, "offer_kind", "Tilbud", where),
    )  # fmt: skip


def _largest(table: ReportTable, month: str) -> str:
    """The sentence naming the benefit with the largest published value."""
    shown = [
        (row.cells[0].value, row)
        for row in table.rows
        if not isinstance(row.cells[0], str) and row.cells[0].value is not None
    ]
    if not shown:
        return f"I {month} har ingen af gruppens ydelser tal, der kan vises."
    _, row = max(shown, key=lambda pair: float(pair[0] or 0))
    return (
        f"Den største ydelse i gruppen i {month} var {row.label} med "
        f"{table.text(row.cells[0])} fuldtidspersoner."
    )


def _compose(group: str, ctx: Context, t: Tables) -> Section:
    benefits, durations, origins, exits, offers = (
        t[f"g{group}_{part}"] for part in ("ydelser", "varighed", "kommer_fra", "status", "tilbud")
    )
    label = next(g.label for g in youth_groups() if str(g.number) == group)
    paragraphs = (
        f"{label}. {_largest(benefits, ctx.month_text)}",
        f"Af dem, der forlod gruppe {group} i {exits.period}, var {say(exits, IN_WORK)} i "
        f"uddannelse eller arbejde 6 måneder efter (hele landet: "
        f"{say(exits, IN_WORK, COUNTRY_NAME)}), og {say(exits, 'offentlig forsørgelse')} "
        "var på offentlig forsørgelse.",
        f"{say(offers, 'Uddannelsestilbud')} af gruppens modtagere var i uddannelsestilbud, "
        f"{say(offers, 'Jobrettede tilbud')} i jobtilbud og {say(offers, 'Støttetilbud')} i "
        "støttetilbud.",
    )
    return Section(
        f"gruppe_{group}",
        f"Gruppe {group}",
        paragraphs,
        (
            bars(benefits),
            benefits,
            bars(durations),
            durations,
            bars(origins),
            origins,
            bars(exits),
            exits,
            bars(offers),
            offers,
        ),
    )


def _section(group: str) -> SectionDef:
    return SectionDef(f"gruppe_{group}", _specs(group), lambda ctx, t: _compose(group, ctx, t))


GROUP_SECTIONS = tuple(_section(g) for g in ("1", "2", "3"))


MIX = SectionDef(
    "indsatsmix",
    (
        TableSpec(
            "indsatsmix",
            "Hvor mange får hvilke indsatser? (modtagere 18-29 år)",
            Request("intervention_mix", by=("mix",)),
            "mix",
            "Indsats",
        ),
    ),
    lambda ctx, t: _mix(ctx, t),
)


def _mix(ctx: Context, t: Tables) -> Section:
    mix = t["indsatsmix"]
    none, one, both = "Ingen indsats", "Én slags indsats", "Kombineret indsats"
    country = ", ".join(say(mix, row, COUNTRY_NAME) for row in (none, one, both))
    return Section(
        "indsatsmix",
        "Indsatser: ingen, én eller kombinerede",
        (
            f"I {ctx.month_text} havde {say(mix, none)} af de unge på offentlig forsørgelse i "
            f"{ctx.name} ingen indsats, {say(mix, one)} én slags og {say(mix, both)} "
            f"kombinerede indsatser (hele landet: {country}).",
        ),
        (bars(mix), mix),
    )
