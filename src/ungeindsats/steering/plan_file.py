"""The action plan as a YAML file: ``ungeindsats steering import`` / ``export``.

A file has two lists, ``indsatser`` (interventions with their ``statusevalueringer``) and
``mål`` (goals with their hand-entered ``målinger``); docs/steering.md shows the format. The
whole file is checked before anything is written, every problem names the file, line and field,
and the rows are then saved in the caller's one transaction: all or nothing. Loading is
idempotent: rows are matched on their natural keys and unchanged rows are left alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from ungeindsats.classifications import resolve_municipality
from ungeindsats.indicators import IndicatorError, get_indicator
from ungeindsats.ingest.errors import Problem, UserError
from ungeindsats.steering import plan
from ungeindsats.steering.models import TRAFFIC_LIGHTS, User
from ungeindsats.steering.plan import EvaluationData, GoalData, InterventionData
from ungeindsats.steering.yaml_reader import PlanError, Reader, load_with_lines

INTERVENTION_FIELDS = (
    "nummer", "titel", "spor", "formål", "målgruppe", "ejer", "ejer_bruger",
    "start", "slut", "status", "budget", "business_case", "statusevalueringer",
)  # fmt: skip
EVALUATION_FIELDS = (
    "dato", "forfatter", "hvad", "målgruppe", "hvor_langt", "resultater", "trafiklys",
)  # fmt: skip
GOAL_FIELDS = (
    "nøgle", "titel", "type", "indsats", "enhed", "retning", "udgangspunkt", "måltal",
    "indikator", "målinger", "note",
)  # fmt: skip
POINT_FIELDS = ("værdi", "dato")
INDICATOR_FIELDS = ("navn", "kommune", "alder", "filtre")
MEASUREMENT_FIELDS = ("dato", "værdi", "af", "note")
KINDS = {"befolkning": "population", "indsats": "performance"}
DIRECTION_WORDS = {"ned": "down", "op": "up"}
LIGHTS = {light: light for light in TRAFFIC_LIGHTS}


@dataclass(frozen=True)
class ManualMeasurement:
    day: date
    value: float
    by: str | None
    note: str


@dataclass
class PlanContents:
    """A checked plan file, ready to save."""

    interventions: list[InterventionData] = field(default_factory=list)
    evaluations: list[tuple[str, EvaluationData]] = field(default_factory=list)
    goals: list[GoalData] = field(default_factory=list)
    measurements: list[tuple[str, ManualMeasurement]] = field(default_factory=list)


@dataclass(frozen=True)
class ImportSummary:
    changed: int
    unchanged: int

    def __str__(self) -> str:
        return f"Handleplanen er indlæst: {self.changed} ændret eller ny, {self.unchanged} uændret."


def _intervention(
    r: Reader, raw: object, path: tuple[str | int, ...], session: Session, contents: PlanContents
) -> None:
    m = r.mapping(raw, path, INTERVENTION_FIELDS, ("nummer", "titel", "spor"))
    number = r.text(m.get("nummer"), (*path, "nummer"))
    track = m.get("spor")
    if track is not None and track not in (1, 2):
        r.fail((*path, "spor"), "skal være 1 (quick wins) eller 2 (længerevarende)", track)
    owner_user_id = None
    username = r.text(m.get("ejer_bruger"), (*path, "ejer_bruger"))
    if username:
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            r.fail((*path, "ejer_bruger"), "ukendt bruger", username)
        else:
            owner_user_id = user.id
    start = r.day(m.get("start"), (*path, "start"))
    end = r.day(m.get("slut"), (*path, "slut"))
    if start and end and end < start:
        r.fail((*path, "slut"), "slutdatoen ligger før startdatoen", end)
    budget = r.number(m.get("budget"), (*path, "budget"))
    texts = {
        key: r.text(m.get(key), (*path, key)) or ""
        for key in ("titel", "formål", "målgruppe", "ejer", "status")
    }
    for index, item in enumerate(
        r.items(m.get("statusevalueringer"), (*path, "statusevalueringer"))
    ):
        evaluation = _evaluation(r, item, (*path, "statusevalueringer", index))
        if number and evaluation:
            contents.evaluations.append((number, evaluation))
    if number and isinstance(track, int):
        contents.interventions.append(
            InterventionData(
                number=number,
                title=texts["titel"],
                track=track,
                purpose=texts["formål"],
                target_group=texts["målgruppe"],
                owner=texts["ejer"],
                owner_user_id=owner_user_id,
                start_date=start,
                end_date=end,
                status=texts["status"],
                budget=budget,
                business_case_id=r.text(m.get("business_case"), (*path, "business_case")),
            )
        )


def _evaluation(r: Reader, raw: object, path: tuple[str | int, ...]) -> EvaluationData | None:
    m = r.mapping(raw, path, EVALUATION_FIELDS, ("dato", "forfatter", "trafiklys"))
    day = r.day(m.get("dato"), (*path, "dato"))
    author = r.text(m.get("forfatter"), (*path, "forfatter"))
    light = r.choice(m.get("trafiklys"), (*path, "trafiklys"), LIGHTS)
    texts = {
        k: r.text(m.get(k), (*path, k)) or ""
        for k in ("hvad", "målgruppe", "hvor_langt", "resultater")
    }
    if day is None or not author or light is None:
        return None
    return EvaluationData(
        date=day,
        author=author,
        traffic_light=light,
        description=texts["hvad"],
        target_group=texts["målgruppe"],
        progress=texts["hvor_langt"],
        results=texts["resultater"],
    )


def _indicator(
    r: Reader, raw: object, path: tuple[str | int, ...]
) -> tuple[str, dict[str, Any]] | None:
    m = r.mapping(raw, path, INDICATOR_FIELDS, ("navn", "kommune"))
    name = r.text(m.get("navn"), (*path, "navn"))
    if not name:
        return None
    try:
        indicator = get_indicator(name)
    except IndicatorError:
        r.fail((*path, "navn"), "ukendt nøgletal; se listen med 'ungeindsats indicators'", name)
        return None
    municipality = resolve_municipality(str(m.get("kommune", "")))
    if municipality is None:
        r.fail((*path, "kommune"), "ukendt kommune (skriv fx 791 eller Viborg)", m.get("kommune"))
    query: dict[str, Any] = {"municipality": municipality, "ages": None, "filters": {}}
    ages = m.get("alder")
    if ages is not None:
        low, _, high = str(ages).partition("-")
        if not (low.strip().isdigit() and high.strip().isdigit() and int(low) <= int(high)):
            r.fail((*path, "alder"), "skriv aldersgruppen som fx 18-29", ages)
        else:
            query["ages"] = [int(low), int(high)]
    filters = m.get("filtre") or {}
    if not isinstance(filters, dict):
        r.fail((*path, "filtre"), "skal være opdeling: [værdier], fx target_group: [jobparat]")
        filters = {}
    for breakdown, values in filters.items():
        if breakdown not in indicator.breakdowns:
            r.fail(
                (*path, "filtre", str(breakdown)),
                f"{name} kan ikke opdeles på '{breakdown}'; "
                f"mulige: {', '.join(indicator.breakdowns)}",
            )
            continue
        listed = values if isinstance(values, list) else [values]
        query["filters"][str(breakdown)] = [str(v) for v in listed]
    return name, query


def _point(r: Reader, raw: object, path: tuple[str | int, ...]) -> tuple[float | None, date | None]:
    m = r.mapping(raw, path, POINT_FIELDS, POINT_FIELDS)
    return r.number(m.get("værdi"), (*path, "værdi")), r.day(m.get("dato"), (*path, "dato"))


def _goal(
    r: Reader, raw: object, path: tuple[str | int, ...], contents: PlanContents, numbers: set[str]
) -> None:
    required = ("nøgle", "titel", "type", "retning", "udgangspunkt")
    m = r.mapping(raw, path, GOAL_FIELDS, required)
    key = r.text(m.get("nøgle"), (*path, "nøgle"))
    kind = r.choice(m.get("type"), (*path, "type"), KINDS)
    direction = r.choice(m.get("retning"), (*path, "retning"), DIRECTION_WORDS)
    baseline_value, baseline_date = (None, None)
    if m.get("udgangspunkt") is not None:
        baseline_value, baseline_date = _point(r, m["udgangspunkt"], (*path, "udgangspunkt"))
    target_value, target_date = (None, None)
    if m.get("måltal") is not None:
        target_value, target_date = _point(r, m["måltal"], (*path, "måltal"))
    number = r.text(m.get("indsats"), (*path, "indsats"))
    if number and number not in numbers:
        r.fail((*path, "indsats"), "ukendt indsats (ikke i filen eller databasen)", number)
    linked = None
    if m.get("indikator") is not None:
        linked = _indicator(r, m["indikator"], (*path, "indikator"))
    for index, item in enumerate(r.items(m.get("målinger"), (*path, "målinger"))):
        where = (*path, "målinger", index)
        mm = r.mapping(item, where, MEASUREMENT_FIELDS, ("dato", "værdi"))
        day, value = (
            r.day(mm.get("dato"), (*where, "dato")),
            r.number(mm.get("værdi"), (*where, "værdi")),
        )
        by = r.text(mm.get("af"), (*where, "af"))
        note = r.text(mm.get("note"), (*where, "note")) or ""
        if key and day and value is not None:
            contents.measurements.append((key, ManualMeasurement(day, value, by, note)))
    if key and kind and direction and baseline_value is not None and baseline_date:
        contents.goals.append(
            GoalData(
                key=key,
                title=r.text(m.get("titel"), (*path, "titel")) or "",
                kind=kind,
                direction=direction,
                baseline_value=baseline_value,
                baseline_date=baseline_date,
                target_value=target_value,
                target_date=target_date,
                unit=r.text(m.get("enhed"), (*path, "enhed")) or "",
                intervention_number=number or None,
                indicator=linked[0] if linked else None,
                indicator_query=linked[1] if linked else None,
                note=r.text(m.get("note"), (*path, "note")) or "",
            )
        )


def _duplicates(r: Reader, values: list[str], list_name: str, field_name: str, what: str) -> None:
    seen: dict[str, int] = {}
    for index, value in enumerate(values):
        if value in seen:
            r.fail(
                (list_name, index, field_name),
                f"{what} '{value}' står to gange (også {list_name}[{seen[value] + 1}])",
                value,
            )
        seen.setdefault(value, index)


def read_plan(text: str, file: str, session: Session) -> PlanContents:
    """Check a plan file completely; raise ``PlanError`` listing every problem."""
    data, r = load_with_lines(text, file)
    contents = PlanContents()
    top = r.mapping(data if data is not None else {}, (), ("indsatser", "mål"))
    raw_interventions = r.items(top.get("indsatser"), ("indsatser",))
    for index, raw in enumerate(raw_interventions):
        _intervention(r, raw, ("indsatser", index), session, contents)
    numbers = [str(raw.get("nummer")) for raw in raw_interventions if isinstance(raw, dict)]
    _duplicates(r, numbers, "indsatser", "nummer", "indsatsnummeret")
    known = set(numbers) | {i.number for i in plan.list_interventions(session)}
    raw_goals = r.items(top.get("mål"), ("mål",))
    for index, raw in enumerate(raw_goals):
        _goal(r, raw, ("mål", index), contents, known)
    keys = [str(raw.get("nøgle")) for raw in raw_goals if isinstance(raw, dict)]
    _duplicates(r, keys, "mål", "nøgle", "målets nøgle")
    r.raise_if_problems()
    return contents


def import_plan(session: Session, path: Path, *, who: str) -> ImportSummary:
    """Load a plan file into the steering database (in the caller's transaction)."""
    if not path.is_file():
        raise UserError(f"Filen {path} findes ikke.")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise PlanError([Problem(path.name, "filen er ikke gemt som UTF-8")]) from None
    contents = read_plan(text, path.name, session)
    results = [plan.save_intervention(session, item, who=who) for item in contents.interventions]
    results += [plan.save_evaluation(session, n, e, who=who) for n, e in contents.evaluations]
    results += [plan.save_goal(session, goal, who=who) for goal in contents.goals]
    for key, m in contents.measurements:
        results.append(
            plan.record_measurement(session, key, m.day, m.value, who=m.by or who, note=m.note)
        )
    changed = sum(results)
    return ImportSummary(changed, len(results) - changed)


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v not in (None, "", [], {})}


def export_plan(session: Session) -> str:
    """The plan as a YAML file in the import format (measurements entered by hand only; the
    engine's are recomputed from the indicators)."""
    kinds = {v: k for k, v in KINDS.items()}
    directions = {v: k for k, v in DIRECTION_WORDS.items()}
    users = {u.id: u.username for u in session.scalars(select(User))}
    interventions = []
    for i in plan.list_interventions(session):
        evaluations = [
            _clean(
                {
                    "dato": e.date,
                    "forfatter": e.author,
                    "hvad": e.description,
                    "målgruppe": e.target_group,
                    "hvor_langt": e.progress,
                    "resultater": e.results,
                    "trafiklys": e.traffic_light,
                }
            )
            for e in i.evaluations
        ]
        interventions.append(
            _clean(
                {
                    "nummer": i.number,
                    "titel": i.title,
                    "spor": i.track,
                    "formål": i.purpose,
                    "målgruppe": i.target_group,
                    "ejer": i.owner,
                    "ejer_bruger": users.get(i.owner_user_id) if i.owner_user_id else None,
                    "start": i.start_date,
                    "slut": i.end_date,
                    "status": i.status,
                    "budget": i.budget,
                    "business_case": i.business_case_id,
                    "statusevalueringer": evaluations,
                }
            )
        )
    goals = []
    for g in plan.list_goals(session):
        indicator = None
        if g.indicator:
            q = g.indicator_query or {}
            ages = q.get("ages")
            indicator = _clean({
                "navn": g.indicator, "kommune": q.get("municipality"),
                "alder": f"{ages[0]}-{ages[1]}" if ages else None, "filtre": q.get("filters"),
            })  # fmt: skip
        manual = [
            _clean({"dato": m.date, "værdi": m.value, "af": m.entered_by, "note": m.note})
            for m in g.measurements
            if m.source == "manual"
        ]
        target = None
        if g.target_value is not None:
            target = {"værdi": g.target_value, "dato": g.target_date}
        goals.append(
            _clean(
                {
                    "nøgle": g.key,
                    "titel": g.title,
                    "type": kinds[g.kind],
                    "indsats": g.intervention.number if g.intervention else None,
                    "enhed": g.unit,
                    "retning": directions[g.direction],
                    "udgangspunkt": {"værdi": g.baseline_value, "dato": g.baseline_date},
                    "måltal": target,
                    "indikator": indicator,
                    "målinger": manual,
                    "note": g.note,
                }
            )
        )
    document = {"indsatser": interventions, "mål": goals}
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100)
