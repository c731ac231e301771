"""The 15–17-year-olds: what they do at a reference week, and education readiness by grade.

Seed 001 (Viborg, "15-17-årige med risiko for offentlig forsørgelse"): the age group's activity
(education, employment, public support, neither) and the share of pupils assessed not
education-ready (ikke uddannelsesparate) in 8th, 9th and 10th grade. The week status (residence,
age, education, work, public support) is the one restgruppen uses (``neet.week_status``).
"""

from __future__ import annotations

from dataclasses import replace

import pyarrow as pa

from ungeindsats.indicators.facts import AGE_AT_THURSDAY
from ungeindsats.indicators.memo import plan_for
from ungeindsats.indicators.model import IndicatorError, Query, Result, get_indicator, indicator
from ungeindsats.indicators.neet import (
    Dimension,
    ShareSql,
    checked_ages,
    hours_notes,
    reference_weeks,
    share_cells,
    week_status,
)
from ungeindsats.warehouse import Warehouse

YOUTH_AGES = (15, 17)
ACTIVITIES = (
    "Uddannelse",
    "Beskæftigelse",
    "Offentlig forsørgelse",
    "Hverken uddannelse eller beskæftigelse",
)
ACTIVITY = Dimension("activity", "q_activity", ACTIVITIES)
# The activity's position in ACTIVITIES, by precedence: education before work before support.
_ACTIVITY_ORD = (
    "CASE WHEN f.in_education THEN 1"
    " WHEN f.employment_code OR f.hours > 0 THEN 2"
    " WHEN f.public_support THEN 3 ELSE 4 END"
)


@indicator(
    "youth_15_17_activity",
    cadence="year",
    partition="activity",
    label="De 15-17-åriges aktivitet",
    unit="pct.",
    breakdowns=("sex", "origin", "district", "activity"),
    source="Seed 001 (Viborg: 15-17-årige med risiko for offentlig forsørgelse); domain.md §6",
    default_ages=YOUTH_AGES,
)
def youth_15_17_activity(warehouse: Warehouse, query: Query) -> Result:
    """Fordelingen (pct.) af de 15-17-årige med bopæl i kommunen i referenceugen (periodens
    sidste uge; alder og bopæl den uges torsdag) på aktivitet, i denne rækkefølge:
    "Uddannelse" (en statuskode i kategorien uddannelse, eller en påbegyndt uddannelse uden
    fuldførelse eller afbrud før ugen), ellers "Beskæftigelse" (en statuskode i kategorien
    beskæftigelse, eller arbejdstimer i referenceugens måned), ellers "Offentlig forsørgelse"
    (en statuskode for en ydelse), ellers "Hverken uddannelse eller beskæftigelse". Hver person
    tæller én gang; resultatet er altid opdelt på aktivitet."""
    ages = checked_ages("youth_15_17_activity", query, YOUTH_AGES)
    ref = reference_weeks(query.periods, ages)
    ctes, params, tables = week_status(warehouse, ref)
    # One row per person and period (one lag): counting rows counts persons.
    counted = f"count(CASE WHEN {_ACTIVITY_ORD} = q_activity.ord THEN 1 END)"
    spec = ShareSql(
        ctes=ctes,
        ctes_params=params,
        relation="status",
        numerator=counted,
        denominator="count(*)",
        persons=counted,
        dimensions=(ACTIVITY,),
    )
    notes = hours_notes(warehouse, ref)
    table = share_cells(warehouse, query, spec, tables)
    return Result(get_indicator("youth_15_17_activity"), query, table, "mikrodata", notes)


def _spans(query: Query) -> pa.Table:
    for period in query.periods:
        if period.kind == "week":
            raise IndicatorError(
                f"{period}: nøgletallene opgøres pr. måned, kvartal eller år, ikke pr. uge"
            )
    return pa.table(
        {
            "period": pa.array([p.label() for p in query.periods], pa.string()),
            "first_week": pa.array([p.first_week for p in query.periods], pa.int32()),
            "last_week": pa.array([p.last_week for p in query.periods], pa.int32()),
        }
    )


_READINESS_CTES = f"""WITH
latest AS (
    -- A person's latest assessment per grade in the period; on the same day "not ready" wins.
    SELECT q.period, a.person_id, a.grade, a.ready, w.week, w.thursday,
           ROW_NUMBER() OVER (
               PARTITION BY q.period, a.person_id, a.grade
               ORDER BY a.assessment_date DESC, a.ready
           ) AS pick
    FROM readiness_assessment AS a
    -- The assessment's week by its Monday (an equality, not a date range over every week).
    JOIN week AS w ON w.monday = a.assessment_date - CAST(isodow(a.assessment_date) - 1 AS INTEGER)
    JOIN q_span AS q ON w.week BETWEEN q.first_week AND q.last_week
),
located AS (
    SELECT w.period, w.person_id, w.grade, w.ready, CAST(r.municipality AS SMALLINT)
           AS municipality, r.district, CAST({AGE_AT_THURSDAY} AS SMALLINT) AS age,
           -- Overlapping residences (a data error) must not count an assessment twice.
           ROW_NUMBER() OVER (
               PARTITION BY w.period, w.person_id, w.grade ORDER BY r.first_week DESC
           ) AS pick
    FROM latest AS w
    JOIN residence AS r
      ON r.person_id = w.person_id AND r.first_week <= w.week
     AND (r.last_week IS NULL OR w.week <= r.last_week)
    LEFT JOIN person AS p ON p.person_id = w.person_id
    WHERE w.pick = 1
),
assessed AS (SELECT * FROM located WHERE pick = 1)"""


@indicator(
    "not_education_ready",
    cadence="year",
    label="Ikke uddannelsesparate efter klassetrin",
    unit="pct.",
    breakdowns=("grade", "sex", "origin", "district"),
    source="Uddannelsesparathedsvurderingen (UPV) i 8., 9. og 10. klasse; seed 001",
    default_ages=(0, 99),
)
def not_education_ready(warehouse: Warehouse, query: Query) -> Result:
    """Andel (pct.) af uddannelsesparathedsvurderingerne i perioden, der lyder på ikke
    uddannelsesparat, normalt opdelt på klassetrin (8., 9., 10.). En vurdering hører til
    perioden, hvis dens uge gør (ugens torsdag ligger i perioden); en person tæller én gang pr.
    klassetrin med sin seneste vurdering i perioden (samme dag: "ikke parat" vinder). Kommunen er
    bopælen i vurderingens uge; vurderinger af personer uden kendt bopæl den uge tæller ikke.
    Alderen er ikke afgrænset, medmindre der vælges en aldersgruppe (alder på ugens torsdag)."""
    where, where_params = "TRUE", list[object]()
    if query.ages is not None:
        where = "f.age BETWEEN ? AND ?"
        where_params = list(query.ages)
    # Inside memo.planned (the layer's grade/year asks a year at a time) the assessments are
    # placed once for all planned periods: a period's rows depend only on its own weeks.
    periods = plan_for(query.periods)
    spec = ShareSql(
        ctes=_READINESS_CTES,
        ctes_params=(),
        relation="assessed",
        numerator="CAST(sum(CASE WHEN f.ready THEN 0 ELSE 1 END) AS BIGINT)",
        denominator="count(*)",
        persons="count(DISTINCT CASE WHEN f.ready THEN NULL ELSE f.person_id END)",
        where=where,
        where_params=where_params,
        extra_breakdowns={"grade": ("CAST(f.grade AS VARCHAR)", "f.grade")},
        periods=[p.label() for p in query.periods] if periods != query.periods else (),
    )
    spans = _spans(replace(query, periods=periods))
    table = share_cells(warehouse, query, spec, {"q_span": spans})
    return Result(get_indicator("not_education_ready"), query, table, "mikrodata")
