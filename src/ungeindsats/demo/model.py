"""The demo's simulation: persons, their spells in education, work and benefits, and their moves.

A semi-Markov model, run week by week and vectorised over all persons at once. When a person
enters a state, the length of the spell is drawn (lognormal, depending on the state, the person's
risk and social indicators and the municipality's hidden effectiveness), so the hazard of leaving
depends on the time in the state; when the spell ends, the next state is drawn from transition
weights modified by age, eligibility, person attributes, the municipality's framework conditions
and hidden effects, and the calendar year. Moves between municipalities and emigration are a
second stream of events with age-dependent rates. Each week only the persons with an event that
week are touched (event buckets), so the loop costs time per event, not per person-week.

Every person enters at 15 (natives, and immigrants who came as children) or on arrival (young
immigrants), starting from the 15th birthday of the oldest cohort: so the stock at the first
output year is the model's own equilibrium, not a guess (the "burn-in"). Spells are logged as
(person, state, code, first week, last week); everything else is derived from the log.
"""

from __future__ import annotations

import itertools
import math
import multiprocessing
import os
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from multiprocessing.sharedctypes import Synchronized
from typing import Any

import numpy as np
import numpy.typing as npt

from ungeindsats.demo.parameters import (
    EXIT,
    KINDS,
    STATES,
    TEMPORARY_STATES,
    Parameters,
    S,
    yearly,
)
from ungeindsats.periods import iso_week_number, week_thursday, weeks_in_iso_year

AnyArray = npt.NDArray[Any]
I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]

NEVER = np.iinfo(np.int32).max
EPOCH_DAY = int(np.datetime64("1990-01-01", "D").astype(np.int64))
"""Week number 0 starts on this day (days since 1970-01-01)."""

# Social assistance families (which benefit a sa_* state is).
UDH, KH, INTEG = 0, 1, 2

# Immigrant types (0: born here or arrived as a child).
NATIVE, STUDENT, WORKER, FAMILY, REFUGEE = 0, 1, 2, 3, 4
IMMIGRANT_TYPES = ("students", "workers", "family", "refugees")

# Origin (herkomst) and origin region.
DANSK, INDVANDRER, EFTERKOMMER = 0, 1, 2
NO_REGION, WESTERN, NONWESTERN = 0, 1, 2

INDICATORS = ("crime", "mental_illness", "social_measure", "abuse")

CODES: dict[str, int] = {
    "adag": 901,
    "kh_job": 911,
    "kh_act": 912,
    "udh_open": 921,
    "udh_ready": 922,
    "udh_act": 923,
    "integ_job": 931,
    "integ_open": 932,
    "integ_ready": 933,
    "integ_act": 934,
    "syg": 941,
    "ress": 951,
    "jobafk": 952,
    "flex": 961,
    "ledy": 962,
    "ftp": 963,
    "education": 971,
    "work": 981,
}
"""The demo's own weekly status codes (not Danmarks Statistik's DREAM codes)."""


def _code_table() -> npt.NDArray[np.int16]:
    """Code by (family, state); 0 is "no code" (other, out)."""
    table = np.zeros((3, len(STATES)), dtype=np.int16)
    for family in (UDH, KH, INTEG):
        for name in ("school", "gym", "eud", "prep", "higher"):
            table[family, S[name]] = CODES["education"]
        table[family, S["work"]] = CODES["work"]
        for name in ("adag", "syg", "ress", "jobafk", "flex", "ledy", "ftp"):
            table[family, S[name]] = CODES[name]
    table[UDH, S["sa_open"]] = CODES["udh_open"]
    table[UDH, S["sa_ready"]] = CODES["udh_ready"]
    table[UDH, S["sa_act"]] = CODES["udh_act"]
    table[KH, S["sa_open"]] = CODES["kh_job"]
    table[KH, S["sa_ready"]] = CODES["kh_job"]  # kontanthjælp has no "uddannelsesparat"
    table[KH, S["sa_act"]] = CODES["kh_act"]
    table[INTEG, S["sa_open"]] = CODES["integ_job"]
    table[INTEG, S["sa_ready"]] = CODES["integ_ready"]
    table[INTEG, S["sa_act"]] = CODES["integ_act"]
    return table


CODE_TABLE = _code_table()


def logistic(x: F64) -> F64:
    return np.asarray(1.0 / (1.0 + np.exp(-x)), dtype=np.float64)


def days_of(years: I64, months: I64, days: I64) -> I64:
    """Days since 1970-01-01 of the given dates (vectorised)."""
    first = (np.asarray(years) - 1970).astype("datetime64[Y]").astype("datetime64[M]")
    day = (first + (np.asarray(months) - 1)).astype("datetime64[D]") + (np.asarray(days) - 1)
    return np.asarray(day.astype(np.int64), dtype=np.int64)


def week_of_days(days: I64) -> I64:
    """Week numbers (weeks since 1990U01) of days since 1970-01-01."""
    return np.asarray((np.asarray(days, dtype=np.int64) - EPOCH_DAY) // 7, dtype=np.int64)


# --- persons -----------------------------------------------------------------------------------


@dataclass
class Persons:
    """Fixed attributes of everyone the simulation may meet."""

    birth_day: I64  # days since 1970-01-01
    birth_year: I64
    birth_md: I64  # month * 100 + day
    male: Bools
    origin: npt.NDArray[np.int8]
    region: npt.NDArray[np.int8]
    parents: npt.NDArray[np.int8]  # 0 primary school, 1 upper secondary/vocational, 2 higher
    z: F64
    indicators: Bools  # (n, 4) in INDICATORS order
    kind: npt.NDArray[np.int8]  # NATIVE, STUDENT, ...
    entry_week: I64
    entry_muni: I64  # municipality index
    tenth: Bools  # took 10th grade (natives)

    def __len__(self) -> int:
        return len(self.birth_day)


def _birth_dates(rng: np.random.Generator, years: I64) -> tuple[I64, I64]:
    """Random birthdays in the given years (never 29 February): days and month*100+day."""
    doy = rng.integers(0, 365, len(years))
    # Month and day of a non-leap year's day-of-year.
    month_starts = np.cumsum([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30])
    month = np.searchsorted(month_starts, doy, side="right")
    day = doy - month_starts[month - 1] + 1
    return days_of(years, month, day), month * 100 + day


def _choice(rng: np.random.Generator, weights: F64, n: int) -> I64:
    cum = np.cumsum(weights)
    return np.asarray(np.searchsorted(cum, rng.random(n) * cum[-1], side="right"), np.int64)


def make_persons(
    params: Parameters,
    scale: float,
    years: tuple[int, int],
    rng: np.random.Generator,
    effects: MunicipalityEffects,
) -> Persons:
    """Natives (cohorts entering at 15) and young immigrants (entering on arrival)."""
    first, last = years
    pop = params.section("population")
    imm = params.section("immigration")
    risk = params.section("risk")
    munis = params.municipalities
    kinds = munis.kind
    child = np.array([pop["child_weight"][k] for k in KINDS])[kinds] * effects.child_weight
    base_weight = munis.population * child

    # Natives: every birth cohort that is 15-29 at some week of the output years.
    births = {int(k): float(v) for k, v in pop["births"].items()}
    cohorts = range(first - 30, last - 15 + 1)
    missing = [year for year in cohorts if year not in births]
    if missing:
        raise ValueError(f"parameters.toml mangler fødselstal for {missing[0]}-{missing[-1]}")
    counts = [round(births[y] * pop["cohort_factor"] * scale) for y in cohorts]
    by = np.repeat(np.array(list(cohorts), dtype=np.int64), counts)
    n = len(by)
    lo, hi = pop["descendant_share"]
    share = lo + (hi - lo) * (by - cohorts[0]) / max(1, cohorts[-1] - cohorts[0])
    u = rng.random(n)
    origin = np.where(u < share, EFTERKOMMER, DANSK).astype(np.int8)
    origin[(u >= share) & (u < share + pop["child_immigrant_share"])] = INDVANDRER
    nonwest_p = np.where(
        origin == EFTERKOMMER, pop["nonwestern_descendants"], pop["nonwestern_child_immigrants"]
    )
    region = np.where(rng.random(n) < nonwest_p, NONWESTERN, WESTERN).astype(np.int8)
    region[origin == DANSK] = NO_REGION
    muni = np.empty(n, dtype=np.int64)
    for group, weights in (
        (region == NO_REGION, base_weight * (1 - munis.nonwestern)),
        (region == NONWESTERN, base_weight * munis.nonwestern),
        (region == WESTERN, base_weight),
    ):
        muni[group] = _choice(rng, weights, int(group.sum()))
    kind = np.zeros(n, dtype=np.int8)
    natives = (by, origin, region, muni, kind)

    # Young immigrants by arrival year and type (aged 16-29 on arrival).
    parts = [natives]
    arrival_parts: list[I64] = []
    arrival_years = range(first - 15, last + 1)
    profile_students = np.array([params.section("migration")["attraction"][k][1] for k in KINDS])
    profile_workers = np.array([params.section("migration")["attraction"][k][2] for k in KINDS])
    for number, name in enumerate(IMMIGRANT_TYPES, start=STUDENT):
        per_year = yearly(imm[name], arrival_years)
        mean, sd = imm["age"][name]
        for year in arrival_years:
            count = round(per_year[year] * scale)
            if count == 0:
                continue
            age = np.clip(rng.normal(mean, sd, count), 16.0, 29.99)
            arrive = days_of(
                np.full(count, year, np.int64), np.ones(count, np.int64), np.ones(count, np.int64)
            ) + rng.integers(0, 365, count)
            born_year = np.floor(
                year
                + (arrive - days_of(np.array([year]), np.array([1]), np.array([1]))[0]) / 365.25
                - age
            ).astype(np.int64)
            keep = born_year >= first - 30
            if not keep.any():
                continue
            born_year, arrive = born_year[keep], arrive[keep]
            k = len(born_year)
            reg = np.where(rng.random(k) < imm["western"][name], WESTERN, NONWESTERN)
            if number == STUDENT:
                weights = munis.population * profile_students[kinds]
            elif number == WORKER:
                weights = munis.population * profile_workers[kinds]
            elif number == FAMILY:
                weights = munis.population * munis.nonwestern
            else:
                weights = munis.population.copy()
            parts.append(
                (
                    born_year,
                    np.full(k, INDVANDRER, np.int8),
                    reg.astype(np.int8),
                    _choice(rng, weights, k),
                    np.full(k, number, np.int8),
                )
            )
            arrival_parts.append(arrive)

    by = np.concatenate([p[0] for p in parts])
    origin = np.concatenate([p[1] for p in parts])
    region = np.concatenate([p[2] for p in parts])
    muni = np.concatenate([p[3] for p in parts])
    kind = np.concatenate([p[4] for p in parts])
    n = len(by)
    birth_day, birth_md = _birth_dates(rng, by)
    n_native = len(natives[0])
    entry_day = np.empty(n, np.int64)
    # Natives enter on their 15th birthday.
    entry_day[:n_native] = days_of(
        by[:n_native] + 15, birth_md[:n_native] // 100, birth_md[:n_native] % 100
    )
    if arrival_parts:
        arrive = np.concatenate(arrival_parts)
        # The arrival day, but never before the 16th birthday drawn for the person.
        md = birth_md[n_native:]
        sixteen = days_of(by[n_native:] + 16, md // 100, md % 100)
        entry_day[n_native:] = np.maximum(arrive, sixteen)
    male = rng.random(n) < pop["male_share"]

    # Parents' education and the latent risk z.
    low_share = munis.loweducation[muni]
    p_low = low_share + np.where(region == NONWESTERN, risk["nonwestern_low_extra"], 0)
    p_low = np.clip(p_low, 0.02, 0.9)
    p_high = np.maximum(0.05, risk["high_intercept"] - risk["high_slope"] * low_share)
    by_type = {
        STUDENT: (0.1, 0.3),
        WORKER: (0.3, 0.3),
        FAMILY: (0.55, 0.15),
        REFUGEE: (0.65, 0.1),
    }
    for number, (low, high) in by_type.items():
        mine = kind == number
        p_low[mine], p_high[mine] = low, high
    u = rng.random(n)
    parents = np.where(u < p_low, 0, np.where(u < p_low + p_high, 2, 1)).astype(np.int8)
    u_excess = effects.unemployment_excess[muni]
    z = (
        rng.normal(0.0, risk["sd"], n)
        + np.where(parents == 0, risk["parents_low"], 0.0)
        + np.where(parents == 2, risk["parents_high"], 0.0)
        + np.where(region == NONWESTERN, risk["nonwestern"], 0.0)
        + np.where(male, risk["male"], 0.0)
        + np.where(kind == REFUGEE, risk["refugee"], 0.0)
        + np.where(kind == STUDENT, risk["student_immigrant"], 0.0)
        + risk["unemployment"] * u_excess
    )
    ind_params = params.section("indicators")
    indicators = np.empty((n, len(INDICATORS)), dtype=bool)
    for j, name in enumerate(INDICATORS):
        spec = ind_params[name]
        p = logistic(spec["intercept"] + spec["slope"] * z + spec["male"] * male)
        indicators[:, j] = rng.random(n) < p
    school = params.section("school")
    tenth_p = logistic(school["tenth_grade"]["intercept"] + school["tenth_grade"]["slope"] * z)
    tenth = (rng.random(n) < tenth_p) & (kind == NATIVE)
    return Persons(
        birth_day=birth_day,
        birth_year=by,
        birth_md=birth_md,
        male=male,
        origin=origin,
        region=region,
        parents=parents,
        z=z,
        indicators=indicators,
        kind=kind,
        entry_week=week_of_days(entry_day),
        entry_muni=muni,
        tenth=tenth,
    )


# --- municipality effects ----------------------------------------------------------------------


@dataclass(frozen=True)
class MunicipalityEffects:
    """The hidden municipality effects and the framework terms the hazards use."""

    effectiveness: F64
    education_effort: F64
    level: F64
    attraction: F64
    child_weight: F64
    unemployment_excess: F64  # points above the population-weighted national level


def municipality_effects(params: Parameters, rng: np.random.Generator) -> MunicipalityEffects:
    """Draw the hidden effects (overrides in parameters.toml stay fixed)."""
    munis = params.municipalities
    spec = params.section("municipalities")
    n = len(munis)
    effectiveness = rng.normal(0, spec["effectiveness_sd"], n)
    effort = rng.normal(0, spec["education_effort_sd"], n)
    level = rng.normal(0, spec["level_sd"], n)
    attraction = np.ones(n)
    child = np.ones(n)
    for code, values in spec.get("override", {}).items():
        i = munis.index(int(code))
        effectiveness[i] = values.get("effectiveness", effectiveness[i])
        effort[i] = values.get("education_effort", effort[i])
        level[i] = values.get("level", level[i])
        attraction[i] = values.get("attraction", 1.0)
        child[i] = values.get("child_weight", 1.0)
    national = float(np.average(munis.unemployment, weights=munis.population))
    return MunicipalityEffects(
        effectiveness, effort, level, attraction, child, munis.unemployment - national
    )


# --- the simulation ----------------------------------------------------------------------------


@dataclass
class SpellLog:
    """Spells as parallel arrays, appended week by week and joined at the end."""

    person: list[I64] = field(default_factory=list)
    state: list[npt.NDArray[np.int8]] = field(default_factory=list)
    code: list[npt.NDArray[np.int16]] = field(default_factory=list)
    first: list[I64] = field(default_factory=list)
    last: list[I64] = field(default_factory=list)
    done: list[Bools] = field(default_factory=list)
    censored: list[Bools] = field(default_factory=list)


@dataclass(frozen=True)
class Spells:
    """Every spell the output needs, sorted by person and first week."""

    person: I64
    state: npt.NDArray[np.int8]
    code: npt.NDArray[np.int16]
    first: I64
    last: I64
    done: Bools  # an education completed (for educations); plan for censored ones
    censored: Bools  # still running at the end of the simulation

    def __len__(self) -> int:
        return len(self.person)


@dataclass(frozen=True)
class Residences:
    """Residence spells (municipality index; -1 = abroad after emigrating), sorted."""

    person: I64
    muni: I64
    first: I64
    last: I64
    open_end: Bools


@dataclass(frozen=True)
class Simulation:
    """The result: persons, spells, residences, effects and the weeks simulated."""

    persons: Persons
    spells: Spells
    residences: Residences
    effects: MunicipalityEffects
    first_week: int  # of the simulation (burn-in included)
    last_week: int
    window: tuple[int, int]  # first and last week of the output years
    years: tuple[int, int]


class _Buckets:
    """Persons to look at in a given week (lazy: stale entries are filtered by the caller).

    Events far ahead are kept per page of ``PAGE`` weeks and sorted into weeks only when their
    page comes up, which keeps the Python work per scheduling call small."""

    PAGE = 32

    def __init__(self, first: int, last: int) -> None:
        self.first = first
        self.last = last
        self.pages: list[list[tuple[I64, I64]]] = [
            [] for _ in range((last - first) // self.PAGE + 2)
        ]
        self.weeks: dict[int, list[I64]] = {}
        self.open_page = -1

    def _spread(self, persons: I64, weeks: I64) -> None:
        order = np.argsort(weeks, kind="stable")
        weeks, persons = weeks[order], persons[order]
        cuts = np.flatnonzero(weeks[1:] != weeks[:-1]) + 1
        bounds = [0, *cuts.tolist(), len(weeks)]
        for a, b in itertools.pairwise(bounds):
            self.weeks.setdefault(int(weeks[a]), []).append(persons[a:b])

    def add(self, persons: I64, weeks: I64) -> None:
        keep = weeks <= self.last
        if not keep.all():
            persons, weeks = persons[keep], weeks[keep]
        if not len(persons):
            return
        page = (weeks - self.first) // self.PAGE
        now = page <= self.open_page
        if now.any():
            self._spread(persons[now], weeks[now])
            persons, weeks, page = persons[~now], weeks[~now], page[~now]
            if not len(persons):
                return
        order = np.argsort(page, kind="stable")
        page, persons, weeks = page[order], persons[order], weeks[order]
        cuts = np.flatnonzero(page[1:] != page[:-1]) + 1
        bounds = [0, *cuts.tolist(), len(page)]
        for a, b in itertools.pairwise(bounds):
            self.pages[int(page[a])].append((persons[a:b], weeks[a:b]))

    def take(self, week: int) -> I64:
        page = (week - self.first) // self.PAGE
        if page > self.open_page:
            self.open_page = page
            parts = self.pages[page]
            self.pages[page] = []
            if parts:
                self._spread(
                    np.concatenate([p for p, _ in parts]), np.concatenate([w for _, w in parts])
                )
        found = self.weeks.pop(week, [])
        if not found:
            return np.empty(0, np.int64)
        return found[0] if len(found) == 1 else np.concatenate(found)


class _Simulator:
    def __init__(
        self,
        params: Parameters,
        persons: Persons,
        effects: MunicipalityEffects,
        years: tuple[int, int],
        rng: np.random.Generator,
    ) -> None:
        self.p = params
        self.persons = persons
        self.fx = effects
        self.rng = rng
        self.years = years
        first_entry = int(persons.entry_week.min())
        self.first_week = first_entry
        self.last_week = iso_week_number(years[1], weeks_in_iso_year(years[1]))
        self.window = (iso_week_number(years[0], 1), self.last_week)
        self.keep_from = self.window[0]
        self.education_states = np.array([S["gym"], S["eud"], S["prep"], S["higher"]])
        n = len(persons)
        self.state = np.zeros(n, np.int8)
        self.code = np.zeros(n, np.int16)
        self.start = np.zeros(n, np.int64)
        self.end = np.full(n, NEVER, np.int64)
        self.done = np.zeros(n, bool)
        self.muni = np.full(n, -1, np.int64)
        self.res_start = np.zeros(n, np.int64)
        self.next_move = np.full(n, NEVER, np.int64)
        self.youth_done = persons.kind == STUDENT
        self.voc_done = np.zeros(n, bool)
        self.insured = np.zeros(n, bool)
        self.nind = persons.indicators.sum(axis=1).astype(np.float64)
        self.log = SpellLog()
        self.res_log: dict[str, list[I64]] = {"person": [], "muni": [], "first": [], "last": []}
        self.state_events = _Buckets(self.first_week, self.last_week)
        self.move_events = _Buckets(self.first_week, self.last_week)
        self._prepare()

    # -- preparation --

    def _prepare(self) -> None:
        p = self.p
        first_year = week_thursday(self.first_week).year
        sim_years = range(first_year, self.years[1] + 2)
        trend = p.section("trend")
        cycle = yearly(trend["cycle"], sim_years)
        policy = yearly(trend["policy"], sim_years)
        self.year0 = first_year
        thursdays = [week_thursday(w) for w in range(self.first_week, self.last_week + 1)]
        self.t_year = np.array([t.year for t in thursdays], np.int64)
        self.t_md = np.array([t.month * 100 + t.day for t in thursdays], np.int64)
        count = self.years[1] + 3 - first_year
        self.jan1 = days_of(
            np.arange(first_year, first_year + count),
            np.ones(count, np.int64),
            np.ones(count, np.int64),
        )
        md = self.persons.birth_md
        self.birth_doy = (
            days_of(np.full(len(md), 2001), md // 100, md % 100)
            - days_of(np.array([2001]), np.array([1]), np.array([1]))[0]
        )
        vectors = []
        for year in sim_years:
            vector = np.ones(len(STATES))
            for name in TEMPORARY_STATES:
                vector[S[name]] *= policy[year]
            for name in ("adag", "sa_open"):
                vector[S[name]] *= cycle[year]
            vectors.append(vector)
        self.trend = np.array(vectors)
        elasticity = float(trend["duration_elasticity"])
        self.duration_trend = np.zeros((len(sim_years), len(STATES)))
        for i, year in enumerate(sim_years):
            for name in TEMPORARY_STATES:
                self.duration_trend[i, S[name]] = elasticity * math.log(policy[year])
        self.cycle = np.array([cycle[y] for y in sim_years])
        migration = p.section("migration")
        move = np.array(migration["move"], dtype=np.float64)
        self.move_by_age = np.concatenate([np.zeros(15), move, np.full(100, move[-1])])
        emigrate = migration["emigrate"]
        persons = self.persons
        group = np.where(persons.region == NONWESTERN, 2, np.where(persons.region == WESTERN, 1, 0))
        group[persons.kind == REFUGEE] = 3
        self.emigrate_by_group = np.array(
            [emigrate["dansk"], emigrate["western"], emigrate["nonwestern"], emigrate["refugee"]]
        )
        self.emigration_group = group
        # Destination choice by age band: attraction × population × same-region factor.
        munis = p.municipalities
        attraction = np.array([migration["attraction"][k] for k in KINDS])  # (kinds, 3)
        same = munis.region[:, None] == munis.region[None, :]
        self.destinations = []
        for band in range(3):
            weight = munis.population * attraction[munis.kind, band] * self.fx.attraction
            matrix = weight[None, :] * np.where(same, migration["same_region"], 1.0)
            np.fill_diagonal(matrix, 0.0)
            cum = np.cumsum(matrix, axis=1)
            self.destinations.append(cum / cum[:, -1:])
        education = p.section("education")
        self.edu = {name: education[name] for name in ("gym", "eud", "prep", "higher")}
        self.integration_weeks = int(p.section("immigration")["integration_years"] * 52)
        arrival = np.where(persons.kind != NATIVE, persons.entry_week, -NEVER)
        self.integ_until = np.where(
            (persons.kind == REFUGEE) | (persons.kind == FAMILY),
            arrival + self.integration_weeks,
            -NEVER,
        )
        self.entry_order = np.argsort(persons.entry_week, kind="stable")
        self.entry_weeks = persons.entry_week[self.entry_order]
        self.unemployment_excess = self.fx.unemployment_excess
        # Log-multipliers of a spell's length by (new state, previous state).
        self.after = np.zeros((len(STATES), len(STATES)))
        for name, table in p.section("durations").get("after", {}).items():
            for before, factor in table.items():
                self.after[S[name], S[before]] = math.log(factor)
        family = p.section("modifiers")["family"]
        self.family_factor = np.ones((3, len(STATES)))
        for number, name in (
            (UDH, "uddannelseshjaelp"),
            (KH, "kontanthjaelp"),
            (INTEG, "integrationsydelse"),
        ):
            for state, factor in family.get(name, {}).items():
                self.family_factor[number, S[state]] = factor
        self.loads = np.vstack(
            [p.load_z, p.load_indicators, p.load_effectiveness, p.load_level, p.load_unemployment]
        )

    # -- helpers --

    def _age(self, who: I64, week: int) -> I64:
        i = week - self.first_week
        return np.asarray(
            self.t_year[i]
            - self.persons.birth_year[who]
            - (self.t_md[i] < self.persons.birth_md[who]),
            dtype=np.int64,
        )

    def _year_index(self, week: int) -> int:
        return int(self.t_year[week - self.first_week]) - self.year0

    def _birthday_week(self, who: I64, year: int) -> I64:
        """The week of each person's birthday in ``year``."""
        persons = self.persons
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        day = self.jan1[year - self.year0] + self.birth_doy[who]
        if leap:
            day = day + (persons.birth_md[who] > 228)
        return np.asarray((day - EPOCH_DAY) // 7, dtype=np.int64)

    def _family(self, who: I64, week: int, age: I64) -> I64:
        family = np.where(self.voc_done[who] | (age >= 30), KH, UDH)
        family[self.integ_until[who] > week] = INTEG
        return np.asarray(family, dtype=np.int64)

    def _log_end(self, who: I64, week: int, censored: bool = False) -> None:
        """Log the spells of ``who`` as ending the week before ``week``."""
        last = np.full(len(who), week - 1, np.int64)
        # Education spells are kept whenever they ended: their completions matter later.
        keep = (last >= self.keep_from) | np.isin(self.state[who], self.education_states)
        keep &= last >= self.start[who]
        if not keep.any():
            return
        who = who[keep]
        log = self.log
        log.person.append(who)
        log.state.append(self.state[who].copy())
        log.code.append(self.code[who].copy())
        log.first.append(self.start[who].copy())
        log.last.append(last[keep])
        log.done.append(self.done[who].copy())
        log.censored.append(np.full(len(who), censored))

    def _log_residence(self, who: I64, week: int) -> None:
        last = np.full(len(who), week - 1, np.int64)
        keep = (last >= self.keep_from) & (last >= self.res_start[who])
        who = who[keep]
        self.res_log["person"].append(who)
        self.res_log["muni"].append(self.muni[who].copy())
        self.res_log["first"].append(self.res_start[who].copy())
        self.res_log["last"].append(last[keep])

    # -- entering a state --

    def _enter(
        self, who: I64, states: I64, week: int, age: I64, previous: I64 | None = None
    ) -> None:
        """Start new spells: code, planned completion and length; schedule their end.
        ``previous``: the states the persons leave (their length may depend on it)."""
        rng = self.rng
        n = len(who)
        family = self._family(who, week, age)
        sa = (states >= S["sa_open"]) & (states <= S["sa_act"])
        redirect = sa & (family == KH) & (states == S["sa_ready"])
        states = np.where(redirect, S["sa_open"], states)
        code = CODE_TABLE[family, states]
        integ_open = (family == INTEG) & (states == S["sa_open"]) & (age < 25)
        code[integ_open] = CODES["integ_open"]
        muni = self.muni[who]
        z = self.persons.z[who]
        weeks = np.ones(n, np.float64)
        done = np.zeros(n, bool)
        for name, spec in self.edu.items():
            mine = states == S[name]
            if not mine.any():
                continue
            m = int(mine.sum())
            p_done = logistic(
                spec["intercept"]
                - spec["slope"] * z[mine]
                + spec["effort"] * self.fx.education_effort[muni[mine]]
            )
            finished = rng.random(m) < p_done
            lo, hi = spec["dropout"]
            length = np.where(
                finished,
                spec["weeks"] * (1 + 0.05 * rng.standard_normal(m)),
                rng.uniform(lo, hi, m),
            )
            weeks[mine] = length
            done[mine] = finished
        other = ~np.isin(states, (S["gym"], S["eud"], S["prep"], S["higher"]))
        if other.any():
            st = states[other]
            p = self.p
            mu = (
                np.log(p.duration_median[st])
                + p.duration_z[st] * z[other]
                + p.duration_indicators[st] * self.nind[who[other]]
                - p.duration_effect[st] * self.fx.effectiveness[muni[other]]
            )
            integ = sa[other] & (family[other] == INTEG)
            mu = mu + np.where(integ, math.log(self.integ_factor), 0.0)
            # The policy trend also shortens temporary benefit spells.
            mu = mu + self.duration_trend[self._year_index(week)][st]
            if previous is not None:
                mu = mu + self.after[st, previous[other]]
            weeks[other] = np.exp(mu + p.duration_sd[st] * rng.standard_normal(int(other.sum())))
        length = np.clip(np.rint(weeks), 1, 100_000).astype(np.int64)
        self.state[who] = states
        self.code[who] = code
        self.start[who] = week
        self.done[who] = done
        self.end[who] = week + length
        self.state_events.add(who, week + length)

    @property
    def integ_factor(self) -> float:
        return float(self.p.section("durations")["integration_factor"])

    # -- events --

    def _entries(self, week: int) -> None:
        lo = np.searchsorted(self.entry_weeks, week, side="left")
        hi = np.searchsorted(self.entry_weeks, week, side="right")
        if hi == lo:
            return
        who = self.entry_order[lo:hi]
        persons = self.persons
        self.muni[who] = persons.entry_muni[who]
        self.res_start[who] = week
        age = self._age(who, week)
        kind = persons.kind[who]
        states = np.full(len(who), S["other"], np.int64)
        native = kind == NATIVE
        states[kind == STUDENT] = S["higher"]
        states[kind == WORKER] = S["work"]
        refugee = kind == REFUGEE
        u = self.rng.random(len(who))
        arrival = self.p.section("immigration")["refugee_states"]
        states[refugee] = np.where(
            u[refugee] < arrival[0],
            S["sa_open"],
            np.where(u[refugee] < arrival[0] + arrival[1], S["sa_ready"], S["sa_act"]),
        )
        states[refugee & (age < 18)] = S["prep"]
        worker = kind == WORKER
        self.youth_done[who[worker]] = self.rng.random(int(worker.sum())) < 0.7
        self.voc_done[who[worker]] = self.rng.random(int(worker.sum())) < 0.5
        if (~native).any():
            self._enter(who[~native], states[~native], week, age[~native])
        if native.any():
            self._enter_school(who[native], week)
        self._schedule_move(who, week)

    def _enter_school(self, who: I64, week: int) -> None:
        """Grundskole until mid-August of the year of the 16th (17th with 10th grade) birthday."""
        persons = self.persons
        year = persons.birth_year[who] + 16 + persons.tenth[who]
        end = week_of_days(days_of(year, np.full(len(who), 8), np.full(len(who), 12)))
        end = np.maximum(end, week + 1)
        self.state[who] = S["school"]
        self.code[who] = CODES["education"]
        self.start[who] = week
        self.done[who] = True
        self.end[who] = end
        self.state_events.add(who, end)

    def _schedule_move(self, who: I64, week: int) -> None:
        """Next move or emigration: geometric waiting time at the current age's yearly rates,
        redrawn at the next birthday (piecewise-constant hazard by age)."""
        if not len(who):
            return
        age = self._age(who, week)
        yearly_rate = (
            self.move_by_age[np.minimum(age, 114)]
            + self.emigrate_by_group[self.emigration_group[who]]
        )
        weekly = 1.0 - (1.0 - np.minimum(yearly_rate, 0.95)) ** (1 / 52)
        wait = self.rng.geometric(weekly)
        year = int(self.t_year[week - self.first_week])
        birthday = self._birthday_week(who, year)
        birthday = np.where(birthday > week, birthday, self._birthday_week(who, year + 1))
        when = np.minimum(week + wait, birthday)
        self.next_move[who] = when
        self.move_events.add(who, when)

    def _moves(self, week: int) -> None:
        who = self.move_events.take(week)
        if not len(who):
            return
        who = who[(self.next_move[who] == week) & (self.muni[who] >= 0)]
        if not len(who):
            return
        age = self._age(who, week)
        move = self.move_by_age[np.minimum(age, 114)]
        emigrate = self.emigrate_by_group[self.emigration_group[who]]
        # The event is a move only with the probability of its hazard over the week: the rest
        # are redraws at a birthday (no move).
        birthday = self._birthday_week(who, int(self.t_year[week - self.first_week]))
        redraw = birthday == week
        u = self.rng.random(len(who))
        weekly = 1.0 - (1.0 - np.minimum(move + emigrate, 0.95)) ** (1 / 52)
        # A birthday redraw still moves with the weekly hazard, so the rate is right on average.
        happens = ~redraw | (u < weekly)
        u2 = self.rng.random(len(who))
        leaving = happens & (u2 < emigrate / (move + emigrate))
        moving = happens & ~leaving
        if leaving.any():
            gone = who[leaving]
            self._log_residence(gone, week)
            self._log_end(gone, week)
            self.state_events_cancel(gone)
            self.state[gone] = S["out"]
            self.code[gone] = 0
            self.start[gone] = week
            self.muni[gone] = -1
            self.res_start[gone] = week
            self.next_move[gone] = NEVER
        if moving.any():
            movers = who[moving]
            band = np.where(age[moving] <= 18, 0, np.where(age[moving] <= 23, 1, 2))
            origin = self.muni[movers]
            dest = np.empty(len(movers), np.int64)
            u3 = self.rng.random(len(movers))
            for b in range(3):
                mine = band == b
                if mine.any():
                    cum = self.destinations[b][origin[mine]]
                    dest[mine] = (cum < u3[mine, None]).sum(axis=1)
            dest = np.minimum(dest, len(self.p.municipalities) - 1)
            self._log_residence(movers, week)
            self.muni[movers] = dest
            self.res_start[movers] = week
        self._schedule_move(who[~leaving], week)

    def state_events_cancel(self, who: I64) -> None:
        self.end[who] = NEVER

    def _transitions(self, week: int) -> None:
        who = self.state_events.take(week)
        if not len(who):
            return
        who = who[(self.end[who] == week) & (self.muni[who] >= 0)]
        if not len(who):
            return
        persons = self.persons
        state = self.state[who]
        done = self.done[who]
        rows = np.full(len(who), -1, np.int64)
        rows[state == S["school"]] = EXIT["school_done"]
        for name in ("gym", "eud", "higher"):
            mine = state == S[name]
            rows[mine & done] = EXIT[f"{name}_done"]
            rows[mine & ~done] = EXIT[f"{name}_drop"]
        rows[state == S["prep"]] = EXIT["prep_done"]
        later = state >= S["work"]
        rows[later] = EXIT["work"] + (state[later] - S["work"])
        # What the ending spell leaves behind: completed educations and insurance.
        rng = self.rng
        insured_after = self.p.section("education")["insured_after"]
        finished = {name: who[(state == S[name]) & done] for name in ("gym", "eud", "higher")}
        self.youth_done[finished["gym"]] = True
        self.youth_done[finished["eud"]] = True
        self.voc_done[finished["eud"]] = True
        self.voc_done[finished["higher"]] = True
        for name in ("eud", "higher"):
            got = finished[name]
            self.insured[got[rng.random(len(got)) < insured_after[name]]] = True
        long_job = who[(state == S["work"]) & (week - self.start[who] >= insured_after["weeks"])]
        self.insured[long_job[rng.random(len(long_job)) < insured_after["work"]]] = True
        self._log_end(who, week)

        age = self._age(who, week)
        weights = self.p.base[rows]
        benefits = slice(S["adag"], len(STATES))
        weights[age < 18, benefits] = 0.0
        insured = self.insured[who]
        adag = np.where(insured, 0.0, weights[:, S["adag"]])
        weights[~insured, S["adag"]] = 0.0
        weights += adag[:, None] * self.p.uninsured_to[None, :]
        youth = self.youth_done[who]
        weights[~youth, S["higher"]] = 0.0
        weights[youth, S["gym"]] = 0.0
        weights[youth, S["prep"]] = 0.0
        weights[self.voc_done[who], S["eud"]] = 0.0
        weights[age >= 25, S["gym"]] = 0.0
        weights[age >= 25, S["prep"]] = 0.0
        weights[:, S["school"]] = 0.0
        muni = self.muni[who]
        year = self._year_index(week)
        support = state >= S["other"]
        terms = np.column_stack(
            [
                persons.z[who],
                self.nind[who],
                np.where(support, self.fx.effectiveness[muni], 0.0),
                self.fx.level[muni],
                self.unemployment_excess[muni] * self.cycle[year],
            ]
        )
        weights *= np.exp(terms @ self.loads) * self.trend[year][None, :]
        weights *= self.family_factor[self._family(who, week, age)]
        education = self.p.section("education")
        young = np.exp(-education["youth_age_decline"] * np.maximum(0, age - 18))
        for name in ("gym", "eud", "prep"):
            weights[:, S[name]] *= young
        weights[:, S["higher"]] *= np.exp(
            -education["higher_age_decline"] * np.maximum(0, age - 24)
        )
        cum = np.cumsum(weights, axis=1)
        total = cum[:, -1]
        u = rng.random(len(who)) * total
        dest = (cum < u[:, None]).sum(axis=1)
        dest = np.where(total > 0, np.minimum(dest, len(STATES) - 1), S["other"])
        self._enter(who, dest.astype(np.int64), week, age, state.astype(np.int64))

    # -- the run --

    def run(self, progress: Callable[[int, int], None] | None) -> None:
        total = self.last_week - self.first_week + 1
        for i, week in enumerate(range(self.first_week, self.last_week + 1)):
            self._entries(week)
            self._moves(week)
            self._transitions(week)
            if progress is not None and i % 26 == 0:
                progress(i, total)
        # Close what is still open at the end.
        entered = np.flatnonzero(self.persons.entry_week <= self.last_week)
        self._log_end(entered, self.last_week + 1, censored=True)
        self._log_residence(entered, self.last_week + 1)

    def result(self) -> dict[str, AnyArray]:
        """The logs as arrays (persons as this simulator's indices, not yet sorted)."""
        log, res = self.log, self.res_log
        r_last = np.concatenate(res["last"])
        return {
            "person": np.concatenate(log.person),
            "state": np.concatenate(log.state),
            "code": np.concatenate(log.code),
            "first": np.concatenate(log.first),
            "last": np.concatenate(log.last),
            "done": np.concatenate(log.done),
            "censored": np.concatenate(log.censored),
            "r_person": np.concatenate(res["person"]),
            "r_muni": np.concatenate(res["muni"]),
            "r_first": np.concatenate(res["first"]),
            "r_last": r_last,
            "r_open": r_last == self.last_week,
        }


PARTS = 2
"""The persons are simulated in this many independent parts (in parallel where the machine
allows); the number is fixed so that the result does not depend on the machine."""


def _take(persons: Persons, index: I64) -> Persons:
    return Persons(**{name: getattr(persons, name)[index] for name in Persons.__dataclass_fields__})


def _run_part(
    params: Parameters,
    persons: Persons,
    effects: MunicipalityEffects,
    years: tuple[int, int],
    seed: list[int],
    progress: Callable[[int, int], None] | None,
) -> tuple[dict[str, AnyArray], int, int]:
    simulator = _Simulator(params, persons, effects, years, np.random.default_rng(seed))
    simulator.run(progress)
    return simulator.result(), simulator.first_week, simulator.last_week


def _child(
    conn: Connection,
    job: tuple[Parameters, Persons, MunicipalityEffects, tuple[int, int], list[int]],
    counter: Synchronized[int],
) -> None:
    def progress(done: int, total: int) -> None:
        counter.value = done

    try:
        conn.send((True, _run_part(*job, progress)))
    except Exception:
        conn.send((False, traceback.format_exc()))  # the parent raises it with the cause
    finally:
        conn.close()


def _run_parts(
    jobs: list[tuple[Parameters, Persons, MunicipalityEffects, tuple[int, int], list[int]]],
    progress: Callable[[int, int], None] | None,
    total: int,
) -> list[tuple[dict[str, AnyArray], int, int]]:
    """Run the parts in child processes when there is more than one CPU, else one by one;
    ``total`` is the number of weeks each part runs (for ``progress``).

    The children are spawned, not forked: the caller may hold threads (DuckDB's, BLAS's) whose
    locks a forked child would inherit half-taken."""
    if (os.cpu_count() or 1) < 2:
        return [_run_part(*job, progress) for job in jobs]
    context = multiprocessing.get_context("spawn")
    running = []
    for job in jobs:
        receiver, sender = context.Pipe(duplex=False)
        counter = context.Value("i", 0)
        process = context.Process(target=_child, args=(sender, job, counter), daemon=True)
        process.start()
        sender.close()
        running.append((process, receiver, counter))
    results: list[tuple[dict[str, AnyArray], int, int] | None] = [None] * len(jobs)
    try:
        while any(r is None for r in results):
            for i, (process, receiver, _) in enumerate(running):
                if results[i] is None and receiver.poll(0.1):
                    results[i] = _received(i, process, receiver)
            if progress is not None:
                progress(min(counter.value for _, _, counter in running), total)
    finally:
        for (process, receiver, _), result in zip(running, results, strict=True):
            if result is None:  # another part failed: this one's work is of no use
                process.terminate()
            process.join()
            receiver.close()
    return [r for r in results if r is not None]


def _received(
    part: int, process: BaseProcess, receiver: Connection
) -> tuple[dict[str, AnyArray], int, int]:
    """A part's result, or an error that says why the part has none."""
    try:
        ok, answer = receiver.recv()
    except EOFError:
        process.join()
        code = process.exitcode
        cause = f"signal {-code}" if code is not None and code < 0 else f"exitkode {code}"
        raise RuntimeError(
            f"demo-simuleringen fejlede: delproces {part} stoppede uden resultat ({cause}; "
            "signal 9 er ofte for lidt hukommelse)"
        ) from None
    if not ok:
        raise RuntimeError(f"demo-simuleringen fejlede i delproces {part}:\n{answer}")
    result: tuple[dict[str, AnyArray], int, int] = answer
    return result


def simulate(
    params: Parameters,
    *,
    scale: float,
    seed: int,
    years: tuple[int, int],
    progress: Callable[[int, int], None] | None = None,
) -> Simulation:
    """Run the model: deterministic for (parameters, scale, seed, years)."""
    rng = np.random.default_rng(seed)
    effects = municipality_effects(params, rng)
    persons = make_persons(params, scale, years, rng, effects)
    parts = [np.arange(i, len(persons), PARTS) for i in range(PARTS)]
    jobs = [
        (params, _take(persons, index), effects, years, [seed, 7, i])
        for i, index in enumerate(parts)
    ]
    weeks = iso_week_number(years[1], weeks_in_iso_year(years[1])) - int(persons.entry_week.min())
    results = _run_parts(jobs, progress, weeks + 1)
    logs = [result for result, _, _ in results]
    first_week = min(first for _, first, _ in results)
    last_week = results[0][2]

    def joined(name: str) -> AnyArray:
        return np.concatenate([log[name] for log in logs])

    person = np.concatenate([parts[i][log["person"]] for i, log in enumerate(logs)])
    order = np.argsort(person, kind="stable")  # a person's spells are logged in time order
    spells = Spells(
        person=person[order],
        state=joined("state")[order],
        code=joined("code")[order],
        first=joined("first")[order],
        last=joined("last")[order],
        done=joined("done")[order],
        censored=joined("censored")[order],
    )
    r_person = np.concatenate([parts[i][log["r_person"]] for i, log in enumerate(logs)])
    order = np.argsort(r_person, kind="stable")
    residences = Residences(
        person=r_person[order],
        muni=joined("r_muni")[order],
        first=joined("r_first")[order],
        last=joined("r_last")[order],
        open_end=joined("r_open")[order],
    )
    window = (iso_week_number(years[0], 1), last_week)
    return Simulation(persons, spells, residences, effects, first_week, last_week, window, years)


__all__ = ["CODES", "PARTS", "Persons", "Simulation", "Spells", "simulate"]
