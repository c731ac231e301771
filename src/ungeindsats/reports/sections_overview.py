"""Sections on the youth groups as a whole (seed 001, "Den lokale situation"): how many, their
trend, per 1,000 against the country, durations, 3 years or more, and migration."""

from __future__ import annotations

from ungeindsats.classifications import youth_groups
from ungeindsats.reports.figures import bars, curve
from ungeindsats.reports.model import Section
from ungeindsats.reports.plan import Context, SectionDef, Tables, say
from ungeindsats.reports.tables import Request, TableSpec

COUNTRY_NAME = "Hele landet"
GROUPS_1_3 = (("youth_group", ("1", "2", "3")),)
GROUPS_1_4 = (("youth_group", ("1", "2", "3", "4")),)
GROUP_4 = (("youth_group", ("4",)),)


def _group_descriptions() -> tuple[str, ...]:
    return tuple(
        f"Gruppe {g.number}: {g.label} ({g.age_min}–{g.age_max} år)."
        for g in youth_groups()
        if g.number in (1, 2, 3, 4)
    )


# --- the youth groups and their trend -------------------------------------------------------

TEMPORARY = "Midlertidige ydelser (gruppe 1-3)"


def _by_group(indicator: str) -> tuple[Request, ...]:
    """Groups 1-3 (their sum is shown as the temporary total, so it is declared known), group 4
    on its own (its sum with groups 1-3 is shown nowhere), and the temporary total."""
    return (
        Request(indicator, by=("youth_group",), filters=GROUPS_1_3, partition="youth_group"),
        Request(indicator, by=("youth_group",), filters=GROUP_4),
        Request(indicator, filters=GROUPS_1_3),
    )


def _group_table(key: str, title: str, indicator: str) -> TableSpec:
    first, *extra = _by_group(indicator)
    return TableSpec(
        key, title, first, "youth_group", "Ungegruppe", extra=tuple(extra), total_label=TEMPORARY
    )


GROUPS = SectionDef(
    "ungegrupper",
    (
        _group_table(
            "fte_grupper", "Antal unge på offentlig forsørgelse (fuldtidspersoner)", "fte"
        ),
        _group_table(
            "andel_grupper", "Andel af de 18-29-årige på offentlig forsørgelse", "population_share"
        ),
        TableSpec(
            "udvikling",
            "Udviklingen i antal unge fuldtidspersoner på midlertidige ydelser (gruppe 1-3)",
            Request("fte", "trend", filters=GROUPS_1_3, country=False),
            "period",
            "Måned",
        ),
    ),
    lambda ctx, t: _groups(ctx, t),
)


def _groups(ctx: Context, t: Tables) -> Section:
    fte, share, trend = t["fte_grupper"], t["andel_grupper"], t["udvikling"]
    text = (
        f"I {ctx.month_text} var {say(share, TEMPORARY)} af de 18-29-årige i {ctx.name} på "
        f"midlertidige ydelser (gruppe 1-3) = {say(fte, TEMPORARY)} fuldtidspersoner "
        f"(»kongenøgletallet«; hele landet: {say(share, TEMPORARY, COUNTRY_NAME)}). "
        f"{say(share, 'Permanente ydelser')} var på permanente ydelser (hele landet: "
        f"{say(share, 'Permanente ydelser', COUNTRY_NAME)})."
    )
    first, last = (trend.rows[0], trend.rows[-1]) if trend.rows else (None, None)
    paragraphs = [text]
    if first is not None and last is not None:
        paragraphs.append(
            f"Over de seneste tre år er antallet gået fra {trend.text(first.cells[0])} "
            f"fuldtidspersoner i {first.label} til {trend.text(last.cells[0])} i {last.label}."
        )
    return Section(
        "ungegrupper",
        "Unge på offentlig forsørgelse – hvem skal vi måle på?",
        (*paragraphs, *_group_descriptions()),
        (
            fte,
            bars(share),
            share,
            curve(trend, f"{trend.title} i {ctx.name}"),
            trend,
        ),
    )


# --- per 1,000 against the country ------------------------------------------------------------

PER_1000 = SectionDef(
    "pr_1000",
    (
        TableSpec(
            "pr_1000",
            "Antal på offentlig ydelse pr. 1.000 indbyggere (18-29 år)",
            _by_group("per_1000")[0],
            "youth_group",
            "Ungegruppe",
            extra=(_by_group("per_1000")[2],),
        ),
    ),
    lambda ctx, t: Section(
        "pr_1000",
        "Pr. 1.000 indbyggere sammenlignet med hele landet",
        (
            f"I {ctx.month_text} var {say(t['pr_1000'], 'I alt')} pr. 1.000 unge 18-29 år i "
            f"{ctx.name} på en midlertidig ydelse (gruppe 1-3) mod "
            f"{say(t['pr_1000'], 'I alt', COUNTRY_NAME)} i hele landet.",
        ),
        (
            bars(t["pr_1000"]),
            t["pr_1000"],
        ),
    ),
)


# --- durations and 3 years or more --------------------------------------------------------------

DURATIONS = SectionDef(
    "varighed",
    (
        TableSpec(
            "varighed",
            "Gennemsnitlig varighed på ydelsen (uger)",
            Request("average_duration", "previous_year", ("youth_group",), GROUPS_1_3),
            "youth_group",
            "Ungegruppe",
        ),
        TableSpec(
            "tre_aar",
            "På ydelsen i 3 år eller mere (andel af gruppen)",
            Request("long_term_share", by=("youth_group",), filters=GROUPS_1_3),
            "youth_group",
            "Ungegruppe",
        ),
    ),
    lambda ctx, t: _durations(ctx, t),
)


def _durations(ctx: Context, t: Tables) -> Section:
    duration, long = t["varighed"], t["tre_aar"]
    groups = ("Gruppe 1", "Gruppe 2", "Gruppe 3")
    here = "/".join(say(duration, g) for g in groups)
    there = "/".join(say(duration, g, COUNTRY_NAME) for g in groups)
    return Section(
        "varighed",
        "Varighed og unge på ydelse i 3 år eller mere",
        (
            f"Den gennemsnitlige varighed på ydelsen i {duration.period} var i gruppe 1/2/3 "
            f"{here} uger i {ctx.name} mod {there} uger i hele landet.",
            f"Af de unge i gruppe 3 i {ctx.month_text} havde {say(long, 'Gruppe 3')} været på "
            f"offentlig forsørgelse i 3 år eller mere (hele landet: "
            f"{say(long, 'Gruppe 3', COUNTRY_NAME)}).",
        ),
        (
            bars(duration),
            duration,
            bars(long),
            long,
        ),
    )


# --- migration ---------------------------------------------------------------------------------

MIGRATION = SectionDef(
    "flytning",
    (
        TableSpec(
            "flytning",
            "Nettotilflytning for 16-29-årige",
            Request("migration", "two_years_back", ("direction",), country=False),
            "direction",
            "Retning",
        ),
        TableSpec(
            "flytning_ydelse",
            "Til- og fraflyttere, der allerede var på ydelse (16-29 år)",
            Request("inflow_on_benefit", "previous_year", ("direction",), country=False),
            "direction",
            "Retning",
        ),
    ),
    lambda ctx, t: _migration(ctx, t),
)


def _migration(ctx: Context, t: Tables) -> Section:
    moves, on_benefit = t["flytning"], t["flytning_ydelse"]
    return Section(
        "flytning",
        "Til- og fraflytning",
        (
            f"I {moves.period} flyttede {say(moves, 'Tilflytning')} unge 16-29 år til "
            f"{ctx.name} og {say(moves, 'Fraflytning')} fra kommunen: en nettoflytning på "
            f"{say(moves, 'Nettoflytning')}.",
            f"I {on_benefit.period} flyttede {say(on_benefit, 'Tilflytning')} unge til, som "
            f"allerede var på ydelse, og {say(on_benefit, 'Fraflytning')} på ydelse flyttede fra.",
        ),
        (
            moves,
            bars(on_benefit),
            on_benefit,
        ),
    )
