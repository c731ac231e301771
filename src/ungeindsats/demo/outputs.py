"""From the simulation's spell log to the tables the demo writes.

Every table is built here in the warehouse's own layout (person as an integer, weeks as week
numbers, dates as dates), keyed by the *output id*: the persons who are 15-29 and living in
Denmark at some week of the output years, numbered in the simulation's order (the order of the
files).
``files.py`` turns these tables into the real input formats; the calibration can also read them
directly (``warehouse_tables``) to tune the model without a round trip through the importers.

What is derived from what (docs/demo.md has the full story):

* weekly status codes (DREAM) and ``status_spell``: the model's spells with a code, runs of the
  same code merged, cut to the output years;
* target groups: the benefit spells' visitation category or LAB target group;
* activation offers and sanctions: drawn per benefit spell (after the simulation: they do not
  feed back into it);
* education events: the education spells (start; completion or dropout when they end);
* readiness assessments: grades 8, 9 and 10 from the person's risk;
* employment hours: work and "other" spells of 15-24-year-olds, months with hours > 0;
* FOLK1A, Jobindsats and the framework variables: counted from residence, age and codes.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from ungeindsats.demo.ids import replacement_cpr_digits
from ungeindsats.demo.model import (
    CODES,
    EPOCH_DAY,
    INDICATORS,
    NATIVE,
    NONWESTERN,
    WESTERN,
    MunicipalityEffects,
    Persons,
    Simulation,
    days_of,
    logistic,
    week_of_days,
)
from ungeindsats.demo.parameters import KINDS, STATES, Parameters, S, yearly
from ungeindsats.periods import iso_week_number, week_monday, week_thursday

I64 = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]

BLOCK_ROWS = 50_000
"""Persons per block when building the weekly matrices (memory ≈ 2 × 420 bytes per person)."""

# code → (benefit, target group, category, label). Labels say they are the demo's own codes.
CODE_INFO: dict[int, tuple[str, str, str, str]] = {
    CODES["adag"]: ("a_dagpenge", "2.1", "public_support", "A-dagpenge"),
    CODES["kh_job"]: ("kontanthjaelp", "jobparat", "public_support", "Kontanthjælp, jobparat"),
    CODES["kh_act"]: (
        "kontanthjaelp",
        "aktivitetsparat",
        "public_support",
        "Kontanthjælp, aktivitetsparat",
    ),
    CODES["udh_open"]: (
        "uddannelseshjaelp",
        "aabenlyst_uddannelsesparat",
        "public_support",
        "Uddannelseshjælp, åbenlyst uddannelsesparat",
    ),
    CODES["udh_ready"]: (
        "uddannelseshjaelp",
        "uddannelsesparat",
        "public_support",
        "Uddannelseshjælp, uddannelsesparat",
    ),
    CODES["udh_act"]: (
        "uddannelseshjaelp",
        "aktivitetsparat",
        "public_support",
        "Uddannelseshjælp, aktivitetsparat",
    ),
    CODES["integ_job"]: (
        "integrationsydelse",
        "jobparat",
        "public_support",
        "Integrationsydelse, jobparat",
    ),
    CODES["integ_open"]: (
        "integrationsydelse",
        "aabenlyst_uddannelsesparat",
        "public_support",
        "Integrationsydelse, åbenlyst uddannelsesparat",
    ),
    CODES["integ_ready"]: (
        "integrationsydelse",
        "uddannelsesparat",
        "public_support",
        "Integrationsydelse, uddannelsesparat",
    ),
    CODES["integ_act"]: (
        "integrationsydelse",
        "aktivitetsparat",
        "public_support",
        "Integrationsydelse, aktivitetsparat",
    ),
    CODES["syg"]: ("sygedagpenge", "2.5", "public_support", "Sygedagpenge"),
    CODES["ress"]: ("ressourceforloeb", "2.11", "public_support", "Ressourceforløb"),
    CODES["jobafk"]: ("jobafklaring", "2.14", "public_support", "Jobafklaringsforløb"),
    CODES["flex"]: ("fleksjob", "2.7", "public_support", "Fleksjob"),
    CODES["ledy"]: ("ledighedsydelse", "2.7", "public_support", "Ledighedsydelse"),
    CODES["ftp"]: ("foertidspension", "2.6", "public_support", "Førtidspension"),
    CODES["education"]: ("", "", "education", "Under uddannelse"),
    CODES["work"]: ("", "", "employment", "Beskæftiget (lønindkomst)"),
}
CODE_LABEL_PREFIX = "Demo-kode, ikke en rigtig DREAM-kode: "

BENEFIT_CODES = np.array(sorted(c for c, i in CODE_INFO.items() if i[2] == "public_support"))

# Jobindsats tables (as in ingest/jobindsats_tables.csv) and the visitation category each code is
# shown under ('' for tables without that dimension).
JOBINDSATS: dict[int, tuple[str, str]] = {
    CODES["adag"]: ("Y01A02", ""),
    CODES["kh_job"]: ("Y36A02", "Jobparat"),
    CODES["kh_act"]: ("Y36A02", "Aktivitetsparat"),
    CODES["udh_open"]: ("Y38A02", "Åbenlyst uddannelsesparat"),
    CODES["udh_ready"]: ("Y38A02", "Uddannelsesparat"),
    CODES["udh_act"]: ("Y38A02", "Aktivitetsparat"),
    CODES["integ_job"]: ("Y35A02", "Jobparat"),
    CODES["integ_open"]: ("Y35A02", "Åbenlyst uddannelsesparat"),
    CODES["integ_ready"]: ("Y35A02", "Uddannelsesparat"),
    CODES["integ_act"]: ("Y35A02", "Aktivitetsparat"),
    CODES["syg"]: ("Y07A02", ""),
    CODES["ress"]: ("Y11A02", ""),
    CODES["jobafk"]: ("Y12A02", ""),
    CODES["flex"]: ("Y08A02", ""),
    CODES["ledy"]: ("Y09A02", ""),
    CODES["ftp"]: ("Y10A02", ""),
}
AGE_BANDS = ((16, 19), (20, 24), (25, 29))
"""Jobindsats' age bands written by the demo (the demo has no one over 29 in these tables)."""

EDUCATION_TYPES = {
    S["gym"]: "gymnasial",
    S["eud"]: "erhvervsuddannelse",
    S["prep"]: "forberedende (FGU)",
    S["higher"]: "videregående",
}
PARENTS_EDUCATION = ("grundskole", "gymnasial eller erhvervsfaglig", "videregående")
ORIGINS = ("dansk", "indvandrer", "efterkommer")


@dataclass
class Aggregates:
    """Counts gathered while the weekly matrices are built, block by block."""

    # Jobindsats: (benefit code index, municipality, age band, month) → fte weeks, persons.
    jobindsats_weeks: I64
    jobindsats_persons: I64
    # FOLK1A: (quarter, municipality, age 15-29, sex) → persons.
    population: I64
    # Framework composition on 1 January: (year, municipality, measure) → count.
    composition: I64


@dataclass
class Output:
    """The simulation seen from the output years, keyed by output id."""

    persons: Persons
    effects: MunicipalityEffects
    years: tuple[int, int]
    params: Parameters
    rng: np.random.Generator
    out_of: I64  # simulation person → output id (-1: not in the output)
    person_of: I64  # output id → simulation person
    spell_person: I64  # status runs (merged, cut to the window), sorted by output id and week
    spell_code: npt.NDArray[np.int16]
    spell_first: I64
    spell_last: I64
    model: dict[str, npt.NDArray[Any]]  # the model spells of output persons (all weeks)
    res_person: I64  # residences of output persons (municipality index), sorted
    res_muni: I64
    res_first: I64
    res_last: I64
    res_open: Bools
    res_key: I64  # person * 2**22 + first week, for searching
    cpr: npt.NDArray[np.uint8]  # (n, 10) digits
    weeks: tuple[int, int]  # the output window
    aggregates: Aggregates | None = None
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.person_of)


def prepare(sim: Simulation, params: Parameters, rng: np.random.Generator) -> Output:
    """Choose the output persons, number them and cut the spells to the output years."""
    first, last = sim.window
    persons = sim.persons
    res = sim.residences
    # In the output: living here (municipality >= 0) at some week of the window while 15-29.
    w15 = week_of_days(
        days_of(persons.birth_year + 15, persons.birth_md // 100, persons.birth_md % 100)
    )
    w30 = week_of_days(
        days_of(persons.birth_year + 30, persons.birth_md // 100, persons.birth_md % 100)
    )
    lo = np.maximum.reduce([res.first, w15[res.person], np.full(len(res.first), first)])
    hi = np.minimum.reduce([res.last, w30[res.person] - 1, np.full(len(res.first), last)])
    living = (res.muni >= 0) & (lo <= hi)
    # Output ids follow the simulation's order (cohorts, then immigrants), so the sorted spell
    # and residence logs stay sorted; the files are in that order.
    person_of = np.unique(res.person[living])
    out_of = np.full(len(persons), -1, np.int64)
    out_of[person_of] = np.arange(len(person_of))

    # Model spells of output persons, and their coded runs merged and cut to the window.
    spells = sim.spells
    mine = out_of[spells.person] >= 0
    model: dict[str, npt.NDArray[Any]] = {
        "person": out_of[spells.person[mine]],
        "state": spells.state[mine],
        "code": spells.code[mine],
        "first": spells.first[mine],
        "last": spells.last[mine],
        "done": spells.done[mine],
        "censored": spells.censored[mine],
    }
    coded = (model["code"] != 0) & (model["last"] >= first) & (model["first"] <= last)
    person = model["person"][coded]
    code = model["code"][coded]
    s_first = np.maximum(model["first"][coded], first)
    s_last = np.minimum(model["last"][coded], last)
    new_run = np.ones(len(person), dtype=bool)
    new_run[1:] = (
        (person[1:] != person[:-1]) | (code[1:] != code[:-1]) | (s_first[1:] != s_last[:-1] + 1)
    )
    starts = np.flatnonzero(new_run)
    ends = np.r_[starts[1:], len(person)] - 1

    r_mine = out_of[res.person] >= 0
    r_person = out_of[res.person[r_mine]]
    r_first = res.first[r_mine]
    output = Output(
        persons=sim.persons,
        effects=sim.effects,
        years=sim.years,
        params=params,
        rng=rng,
        out_of=out_of,
        person_of=person_of,
        spell_person=person[starts],
        spell_code=code[starts],
        spell_first=s_first[starts],
        spell_last=s_last[ends],
        model=model,
        res_person=r_person,
        res_muni=res.muni[r_mine],
        res_first=r_first,
        res_last=res.last[r_mine],
        res_open=res.open_end[r_mine],
        res_key=r_person * _SHIFT + r_first,
        cpr=replacement_cpr_digits(persons.birth_day[person_of], persons.male[person_of]),
        weeks=(first, last),
    )
    return output


# --- the weekly matrices: DREAM and the aggregates -------------------------------------------


def _fill_columns(
    rows: int, width: int, row: I64, first: I64, last: I64, value: I64
) -> npt.NDArray[np.int16]:
    """A (width × rows) int16 matrix, column j of the output being row j here: ``value`` from
    week ``first`` to ``last`` of each interval (intervals of one person never overlap), 0
    elsewhere. Built from differences and a running sum down the weeks."""
    diff = np.zeros((width + 1, rows), dtype=np.int16)
    diff[first, row] += value.astype(np.int16)
    diff[last + 1, row] -= value.astype(np.int16)
    # Row by row: numpy's cumsum down axis 0 is several times slower than these vector adds.
    for week in range(1, width):
        np.add(diff[week - 1], diff[week], out=diff[week])
    return diff[:width]


@dataclass(frozen=True)
class Block:
    """One block of output persons: their PNR digits and weekly codes (weeks × persons)."""

    first: int
    cpr: npt.NDArray[np.uint8]
    codes: npt.NDArray[np.int16]  # (weeks, persons), 0 = no code


_SHIFT = np.int64(1 << 22)  # week numbers stay below 2**22


def municipality_at(output: Output, person: I64, week: I64, lo: int = 0, hi: int = -1) -> I64:
    """The municipality index of output persons at the given weeks (-1: not living here).

    ``lo:hi`` may narrow the search to the residence rows of the persons asked about."""
    if hi < 0:
        hi = len(output.res_person)
    keys = output.res_key[lo:hi]
    wanted = np.asarray(person, np.int64) * _SHIFT + np.asarray(week, np.int64)
    at = np.maximum(np.searchsorted(keys, wanted, side="right") - 1, 0) + lo
    at = np.minimum(at, len(output.res_person) - 1)
    ok = (
        (output.res_person[at] == person)
        & (output.res_last[at] >= week)
        & (output.res_first[at] <= week)
    )
    return np.where(ok, output.res_muni[at], -1)


def blocks(output: Output, block_rows: int = BLOCK_ROWS) -> Iterator[Block]:
    """The DREAM matrix block by block; the aggregates are counted on the way."""
    params = output.params
    first, last = output.weeks
    width = last - first + 1
    munis = len(params.municipalities)
    thursdays = [week_thursday(w) for w in range(first, last + 1)]
    t_year = np.array([t.year for t in thursdays], np.int64)
    t_md = np.array([t.month * 100 + t.day for t in thursdays], np.int64)
    month_index = (t_year - t_year[0]) * 12 + np.array([t.month for t in thursdays]) - 1
    months = int(month_index[-1]) + 1
    new_month = np.ones(width, dtype=bool)
    new_month[1:] = month_index[1:] != month_index[:-1]
    month_start_col = np.maximum.accumulate(np.where(new_month, np.arange(width), 0))
    years = list(range(output.years[0], output.years[1] + 1))
    quarter_days = [date(y, 3 * q + 1, 1) for y in years for q in range(4)]
    quarter_weeks = [(d - date(1990, 1, 1)).days // 7 for d in quarter_days]
    code_index = np.full(1000, -1, np.int8)
    code_index[BENEFIT_CODES] = np.arange(len(BENEFIT_CODES))
    band_of_age = np.full(200, -1, np.int64)
    for b, (lo, hi) in enumerate(AGE_BANDS):
        band_of_age[lo : hi + 1] = b
    n_codes = len(BENEFIT_CODES)
    job_weeks = np.zeros(n_codes * munis * 3 * months, np.int64)
    job_persons = np.zeros_like(job_weeks)
    population = np.zeros(len(quarter_days) * munis * 15 * 2, np.int64)
    composition = np.zeros(len(years) * munis * len(COMPOSITION), np.int64)
    persons = output.persons

    for start in range(0, output.n, block_rows):
        stop = min(start + block_rows, output.n)
        rows = stop - start
        lo_s, hi_s = np.searchsorted(output.spell_person, [start, stop])
        codes = _fill_columns(
            rows,
            width,
            output.spell_person[lo_s:hi_s] - start,
            output.spell_first[lo_s:hi_s] - first,
            output.spell_last[lo_s:hi_s] - first,
            output.spell_code[lo_s:hi_s].astype(np.int64),
        )
        lo_r, hi_r = (int(x) for x in np.searchsorted(output.res_person, [start, stop]))
        r_first = np.maximum(output.res_first[lo_r:hi_r], first)
        r_last = np.minimum(output.res_last[lo_r:hi_r], last)
        ok = r_first <= r_last
        munis_by_week = _fill_columns(
            rows,
            width,
            output.res_person[lo_r:hi_r][ok] - start,
            r_first[ok] - first,
            r_last[ok] - first,
            output.res_muni[lo_r:hi_r][ok] + 1,
        )  # municipality index + 1; 0 = not living in Denmark that week
        # Jobindsats: fte weeks and persons per (code, municipality, age band, month), counted
        # on the benefit cells only.
        col, row = np.nonzero((codes >= BENEFIT_CODES[0]) & (codes <= BENEFIT_CODES[-1]))
        here = codes[col, row]
        code_i = code_index[here].astype(np.int64)
        who = output.person_of[row + start]
        age = t_year[col] - persons.birth_year[who] - (t_md[col] < persons.birth_md[who])
        band = band_of_age[np.clip(age, 0, 199)]
        muni = munis_by_week[col, row].astype(np.int64) - 1
        cell = (band >= 0) & (muni >= 0) & (code_i >= 0)
        key = ((code_i * munis + muni) * 3 + band) * months + month_index[col]
        job_weeks += np.bincount(key[cell], minlength=len(job_weeks))
        # A person counts once per code and month: at the first week of the month with it.
        first_in_month = cell.copy()
        inside = col > month_start_col[col]
        first_in_month[inside] &= codes[col[inside] - 1, row[inside]] != here[inside]
        later = np.flatnonzero(first_in_month & inside)  # a run starting inside the month
        for back in range(2, 5):
            earlier = col[later] - back
            valid = earlier >= month_start_col[col[later]]
            seen = np.zeros(len(later), dtype=bool)
            seen[valid] = codes[earlier[valid], row[later][valid]] == here[later][valid]
            first_in_month[later[seen]] = False
        job_persons += np.bincount(key[first_in_month], minlength=len(job_persons))
        # FOLK1A on the first day of each quarter; the framework composition on 1 January.
        block_who = output.person_of[start:stop]
        sex = np.where(persons.male[block_who], 0, 1)
        for q, (day, week) in enumerate(zip(quarter_days, quarter_weeks, strict=True)):
            column = week - first
            if 0 <= column < width:
                where = munis_by_week[column].astype(np.int64) - 1
            else:
                where = municipality_at(
                    output, np.arange(start, stop), np.full(rows, week), lo_r, hi_r
                )
            a = (
                day.year
                - persons.birth_year[block_who]
                - ((day.month * 100 + day.day) < persons.birth_md[block_who])
            )
            ok = (where >= 0) & (a >= 15) & (a <= 29)
            k = ((q * munis + where) * 15 + (a - 15)) * 2 + sex
            population += np.bincount(k[ok], minlength=len(population))
            if day.month == 1:
                _compose(composition, years.index(day.year), munis, block_who, where, ok, persons)
        yield Block(start, output.cpr[start:stop], codes)

    output.aggregates = Aggregates(job_weeks, job_persons, population, composition)


COMPOSITION = ("persons", "nonwestern", "parents_low", "indicator", "parents_high")
"""Counts among 15-29-year-olds on 1 January, per municipality, for the framework variables."""


def _compose(
    counts: I64, year: int, munis: int, who: I64, where: I64, ok: Bools, persons: Persons
) -> None:
    flags = (
        np.ones(len(who), bool),
        persons.region[who] == NONWESTERN,
        persons.parents[who] == 0,
        persons.indicators[who].any(axis=1),
        persons.parents[who] == 2,
    )
    for j, flag in enumerate(flags):
        key = (year * munis + where) * len(COMPOSITION) + j
        counts += np.bincount(key[ok & flag], minlength=len(counts))


# --- canonical tables (warehouse layout) ------------------------------------------------------


def labels(index: npt.NDArray[Any], names: list[str] | tuple[str, ...],
           mask: Bools | None = None) -> pa.DictionaryArray:
    """Text from a small vocabulary as an Arrow dictionary array (no per-row Python strings)."""
    indices = pa.array(np.asarray(index, np.int32), mask=mask)
    return pa.DictionaryArray.from_arrays(indices, pa.array(list(names)))


def person_table(output: Output) -> pa.Table:
    persons = output.persons
    who = output.person_of
    region = persons.region[who]
    origin = persons.origin[who]
    return pa.table(
        {
            "person_id": pa.array(np.arange(output.n, dtype=np.int64)),
            "birth_date": pa.array(persons.birth_day[who].astype("datetime64[D]")),
            "sex": labels(np.where(persons.male[who], 0, 1), ("M", "K")),
            "origin": labels(origin, ORIGINS),
            "origin_region": labels(
                np.where(region == WESTERN, 0, 1), ("vestlig", "ikke_vestlig"), mask=region == 0
            ),
            "parents_education": labels(persons.parents[who], PARENTS_EDUCATION),
            **{name: pa.array(persons.indicators[who, j]) for j, name in enumerate(INDICATORS)},
        }
    )


def residence_table(output: Output) -> pa.Table:
    here = output.res_muni >= 0
    codes = output.params.municipalities.codes
    last = output.res_last[here]
    return pa.table(
        {
            "person_id": pa.array(output.res_person[here]),
            "municipality": pa.array(codes[output.res_muni[here]].astype(np.int16)),
            "first_week": pa.array(output.res_first[here].astype(np.int32)),
            "last_week": pa.array(last.astype(np.int32), mask=output.res_open[here]),
        }
    )


def status_spell_table(output: Output) -> pa.Table:
    return pa.table(
        {
            "person_id": pa.array(output.spell_person),
            "code": pa.array(output.spell_code.astype(np.int32)),
            "first_week": pa.array(output.spell_first.astype(np.int32)),
            "last_week": pa.array(output.spell_last.astype(np.int32)),
        }
    )


def code_rows() -> list[tuple[int, str, str, str, str]]:
    """The code mapping file's rows: code, benefit, target group, category, label."""
    return [
        (code, info[0], info[1], info[2], CODE_LABEL_PREFIX + info[3])
        for code, info in sorted(CODE_INFO.items())
    ]


def target_group_table(output: Output) -> pa.Table:
    """Target-group spells from the benefit runs; neighbouring runs in the same group merge."""
    benefit = np.isin(output.spell_code, BENEFIT_CODES)
    person = output.spell_person[benefit]
    names = sorted({CODE_INFO[int(c)][1] for c in BENEFIT_CODES})
    group_of = np.zeros(1000, np.int32)
    for c in BENEFIT_CODES:
        group_of[c] = names.index(CODE_INFO[int(c)][1])
    group = group_of[output.spell_code[benefit]]
    first = output.spell_first[benefit]
    last = output.spell_last[benefit]
    new_run = np.ones(len(person), bool)
    new_run[1:] = (
        (person[1:] != person[:-1]) | (group[1:] != group[:-1]) | (first[1:] != last[:-1] + 1)
    )
    starts = np.flatnonzero(new_run)
    ends = np.r_[starts[1:], len(person)] - 1
    return pa.table(
        {
            "person_id": pa.array(person[starts]),
            "target_group": labels(group[starts], names),
            "first_week": pa.array(first[starts].astype(np.int32)),
            "last_week": pa.array(last[ends].astype(np.int32)),
        }
    )


def _benefit_model_spells(output: Output, states: tuple[str, ...]) -> dict[str, I64]:
    """Model spells in the given states, cut to the window."""
    m = output.model
    first, last = output.weeks
    mine = np.isin(m["state"], [S[s] for s in states]) & (m["last"] >= first) & (m["first"] <= last)
    return {
        "person": m["person"][mine],
        "state": m["state"][mine].astype(np.int64),
        "code": m["code"][mine].astype(np.int64),
        "first": np.maximum(m["first"][mine], first),
        "last": np.minimum(m["last"][mine], last),
    }


def activation_table(output: Output) -> pa.Table:
    spec = output.params.section("activation")
    rng = output.rng
    spells = _benefit_model_spells(output, tuple(spec["share"]))
    share = np.zeros(len(STATES))
    for name, value in spec["share"].items():
        share[S[name]] = value
    n = len(spells["person"])
    gets = rng.random(n) < share[spells["state"]]
    length = spells["last"] - spells["first"] + 1
    offset = np.floor(rng.random(n) * length * 0.6).astype(np.int64)
    duration = np.maximum(
        1, np.rint(spec["median_weeks"] * np.exp(0.6 * rng.standard_normal(n)))
    ).astype(np.int64)
    types = list(spec["types"])
    weights = np.array([spec["types"][t] for t in types], dtype=np.float64)
    kind = np.searchsorted(np.cumsum(weights), rng.random(n) * weights.sum(), side="right")
    first = spells["first"] + offset
    last = np.minimum(first + duration - 1, spells["last"])
    return pa.table(
        {
            "person_id": pa.array(spells["person"][gets]),
            "offer_type": labels(kind[gets], types),
            "first_week": pa.array(first[gets].astype(np.int32)),
            "last_week": pa.array(last[gets].astype(np.int32)),
        }
    )


def sanction_table(output: Output) -> pa.Table:
    spec = output.params.section("sanctions")
    rng = output.rng
    spells = _benefit_model_spells(output, tuple(spec["rate"]))
    rate = np.zeros(len(STATES))
    for name, value in spec["rate"].items():
        rate[S[name]] = value
    length = spells["last"] - spells["first"] + 1
    count = rng.poisson(rate[spells["state"]] * length / 52)
    which = np.repeat(np.arange(len(length)), count)
    week = spells["first"][which] + np.floor(rng.random(len(which)) * length[which]).astype(
        np.int64
    )
    day = _monday_days(week) + rng.integers(0, 5, len(which))
    names = sorted({CODE_INFO[int(c)][0] for c in BENEFIT_CODES})
    benefit_of = np.zeros(1000, np.int32)
    for c in BENEFIT_CODES:
        benefit_of[c] = names.index(CODE_INFO[int(c)][0])
    reasons = list(spec["reasons"])
    return pa.table(
        {
            "person_id": pa.array(spells["person"][which]),
            "sanction_date": pa.array(day.astype("datetime64[D]")),
            "benefit": labels(benefit_of[spells["code"][which]], names),
            "reason": labels(rng.integers(0, len(reasons), len(which)), reasons),
        }
    )


def _monday_days(weeks: I64) -> I64:
    return np.asarray(weeks, np.int64) * 7 + EPOCH_DAY


def education_table(output: Output) -> pa.Table:
    """Start of every education spell, and its completion or dropout when it ended."""
    m = output.model
    rng = output.rng
    mine = np.isin(m["state"], list(EDUCATION_TYPES))
    person, state = m["person"][mine], m["state"][mine]
    first, last = m["first"][mine], m["last"][mine]
    done, censored = m["done"][mine], m["censored"][mine]
    names = [EDUCATION_TYPES[k] for k in sorted(EDUCATION_TYPES)]
    type_index = np.zeros(len(STATES), np.int32)
    type_index[sorted(EDUCATION_TYPES)] = np.arange(len(names))
    ended = ~censored
    end_person = person[ended]
    start_days = _monday_days(first) + rng.integers(0, 5, len(first))
    end_days = _monday_days(last[ended]) + rng.integers(0, 5, int(ended.sum()))
    events = np.concatenate([np.zeros(len(first), np.int32), np.where(done[ended], 1, 2)])
    table = pa.table(
        {
            "person_id": pa.array(np.concatenate([person, end_person])),
            "event_date": pa.array(np.concatenate([start_days, end_days]).astype("datetime64[D]")),
            "event": labels(events, ("start", "completion", "dropout")),
            "education_type": labels(
                np.concatenate([type_index[state], type_index[state[ended]]]), names
            ),
        }
    )
    return table


def readiness_table(output: Output) -> pa.Table:
    """Assessments of 8th, 9th and 10th graders in January of the output years."""
    spec = output.params.section("school")["not_ready"]
    rng = output.rng
    persons = output.persons
    who = output.person_of
    native = persons.kind[who] == NATIVE
    first_year, last_year = output.years
    rows: list[tuple[I64, I64, I64, Bools]] = []
    for grade, offset in ((8, 15), (9, 16), (10, 17)):
        year = persons.birth_year[who] + offset
        take = native & (year >= first_year) & (year <= last_year)
        if grade == 10:
            take &= persons.tenth[who]
        ids = np.flatnonzero(take)
        z = persons.z[who[ids]]
        p = logistic(spec[f"grade{grade}"] + spec["slope"] * z)
        ready = rng.random(len(ids)) >= p
        day = days_of(year[ids], np.ones(len(ids), np.int64), np.full(len(ids), 15))
        rows.append((ids, day, np.full(len(ids), grade), ready))
    return pa.table(
        {
            "person_id": pa.array(np.concatenate([r[0] for r in rows]).astype(np.int64)),
            "assessment_date": pa.array(
                np.concatenate([r[1] for r in rows]).astype("datetime64[D]")
            ),
            "grade": pa.array(np.concatenate([r[2] for r in rows]).astype(np.int16)),
            "ready": pa.array(np.concatenate([r[3] for r in rows])),
        }
    )


EMPLOYMENT_CHUNK = 250_000
"""Persons per piece of the employment table (it is the largest table: about 20 million rows)."""


def employment_table(output: Output) -> pa.Table:
    """Hours a month for 15-24-year-olds outside education, as one table."""
    return pa.concat_tables(employment_tables(output))


def employment_tables(output: Output, chunk: int = EMPLOYMENT_CHUNK) -> Iterator[pa.Table]:
    """Hours a month for 15-24-year-olds outside education (work, and marginal work in "other"),
    in pieces of ``chunk`` persons.

    Each work or "other" spell gets monthly hours (full-time, part-time, marginal or none); a
    month's hours are the spell's hours times its share of the month's weeks, summed over the
    person's spells in the month, and only weeks before the 25th birthday count.
    """
    bounds = np.searchsorted(output.model["person"], np.arange(0, output.n + chunk, chunk))
    for lo, hi in itertools.pairwise(bounds.tolist()):
        yield _employment_piece(output, lo, hi)


def _employment_piece(output: Output, lo: int, hi: int) -> pa.Table:
    spec = output.params.section("employment")
    rng = output.rng
    m = {name: values[lo:hi] for name, values in output.model.items()}
    first, last = output.weeks
    mine = (
        np.isin(m["state"], (S["work"], S["other"])) & (m["last"] >= first) & (m["first"] <= last)
    )
    person, state = m["person"][mine], m["state"][mine]
    n = len(person)
    work = state == S["work"]
    part = rng.random(n) < spec["part_time_share"]
    marginal = rng.random(n) < spec["other_marginal_share"]
    mean = np.where(
        work, np.where(part, spec["part_time"][0], spec["full_time"][0]), spec["other_marginal"][0]
    )
    sd = np.where(
        work, np.where(part, spec["part_time"][1], spec["full_time"][1]), spec["other_marginal"][1]
    )
    hours = np.maximum(1.0, mean + sd * rng.standard_normal(n))
    hours[~work & ~marginal] = 0.0
    persons = output.persons
    who = output.person_of[person]
    md = persons.birth_md[who]
    w15 = week_of_days(days_of(persons.birth_year[who] + 15, md // 100, md % 100))
    w25 = week_of_days(days_of(persons.birth_year[who] + 25, md // 100, md % 100))
    a = np.maximum.reduce([m["first"][mine], w15, np.full(n, first)])
    b = np.minimum.reduce([m["last"][mine], w25 - 1, np.full(n, last)])
    keep = (hours > 0) & (a <= b)
    person, hours, a, b = person[keep], hours[keep], a[keep], b[keep]
    # Spell → (spell, month) pairs; the weeks of the spell in each month.
    thursdays = [week_thursday(w) for w in range(first, last + 1)]
    month_of = np.array([(t.year - thursdays[0].year) * 12 + t.month - 1 for t in thursdays])
    weeks_in_month = np.bincount(month_of)
    month_first = np.searchsorted(month_of, np.arange(len(weeks_in_month))) + first
    month_last = month_first + weeks_in_month - 1
    ma, mb = month_of[a - first], month_of[b - first]
    count = mb - ma + 1
    spell = np.repeat(np.arange(len(person)), count)
    month = ma[spell] + (np.arange(len(spell)) - np.repeat(np.cumsum(count) - count, count))
    overlap = np.minimum(b[spell], month_last[month]) - np.maximum(a[spell], month_first[month]) + 1
    share = hours[spell] * overlap / weeks_in_month[month]
    # Spells are in time order per person, so equal (person, month) keys are neighbours.
    key = person[spell] * 10_000 + month
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    total = np.add.reduceat(share, starts) if len(starts) else np.zeros(0)
    key = key[starts]
    month = key % 10_000
    return pa.table(
        {
            "person_id": pa.array(key // 10_000),
            "year": pa.array((thursdays[0].year + month // 12).astype(np.int16)),
            "month": pa.array((month % 12 + 1).astype(np.int16)),
            "hours": pa.array(np.round(total, 1)),
        }
    )


# --- aggregates (after ``blocks`` has run) -----------------------------------------------------


def population_rows(output: Output) -> list[tuple[int, int, int, str, int]]:
    """FOLK1A cells: (municipality code, sex 1/2, age, quarter label, persons); 0 = the country."""
    assert output.aggregates is not None
    munis = output.params.municipalities.codes
    years = range(output.years[0], output.years[1] + 1)
    counts = output.aggregates.population.reshape(len(years) * 4, len(munis), 15, 2)
    rows = []
    for q in range(counts.shape[0]):
        label = f"{years[0] + q // 4}K{q % 4 + 1}"
        country = counts[q].sum(axis=0)
        for m in range(-1, len(munis)):
            cells = country if m < 0 else counts[q, m]
            code = 0 if m < 0 else int(munis[m])
            for age in range(15):
                for sex in range(2):
                    rows.append((code, sex + 1, age + 15, label, int(cells[age, sex])))
    return rows


def population_table(output: Output) -> pa.Table:
    rows = population_rows(output)
    return pa.table(
        {
            "municipality": pa.array([r[0] for r in rows], pa.int16()),
            "year": pa.array([int(r[3][:4]) for r in rows], pa.int16()),
            "quarter": pa.array([int(r[3][5]) for r in rows], pa.int16()),
            "age": pa.array([r[2] for r in rows], pa.int16()),
            "sex": pa.array(["M" if r[1] == 1 else "K" for r in rows]),
            "persons": pa.array([r[4] for r in rows], pa.int32()),
        }
    )


@dataclass(frozen=True)
class JobindsatsCell:
    table: str
    municipality: int  # 0 = the country
    month: str  # 2019M02
    category: str  # visitation category label, '' when the table has none
    age_band: str  # "16-19 år"
    persons: int
    fte: float


def jobindsats_cells(output: Output) -> list[JobindsatsCell]:
    """Monthly persons and full-time persons per benefit table, municipality and age band."""
    assert output.aggregates is not None
    munis = output.params.municipalities.codes
    first, last = output.weeks
    thursdays = [week_thursday(w) for w in range(first, last + 1)]
    month_weeks = np.bincount([(t.year - thursdays[0].year) * 12 + t.month - 1 for t in thursdays])
    months = len(month_weeks)
    shape = (len(BENEFIT_CODES), len(munis), 3, months)
    weeks = output.aggregates.jobindsats_weeks.reshape(shape)
    persons = output.aggregates.jobindsats_persons.reshape(shape)
    year0 = thursdays[0].year
    cells: list[JobindsatsCell] = []
    # Codes that share a (table, category) cell are added up (kontanthjælp has one "jobparat").
    groups: dict[tuple[str, str], list[int]] = {}
    for i, code in enumerate(BENEFIT_CODES):
        groups.setdefault(JOBINDSATS[int(code)], []).append(i)
    for (table, category), idx in groups.items():
        w = weeks[idx].sum(axis=0)
        p = persons[idx].sum(axis=0)
        for m in range(-1, len(munis)):
            mw = w.sum(axis=0) if m < 0 else w[m]
            mp = p.sum(axis=0) if m < 0 else p[m]
            code = 0 if m < 0 else int(munis[m])
            for b, (lo, hi) in enumerate(AGE_BANDS):
                for month in range(months):
                    if not mp[b, month] and not mw[b, month]:
                        continue  # no one: the cell is left out, as for a small municipality
                    cells.append(
                        JobindsatsCell(
                            table,
                            code,
                            f"{year0 + month // 12}M{month % 12 + 1:02d}",
                            category,
                            f"{lo}-{hi} år",
                            int(mp[b, month]),
                            round(float(mw[b, month]) / float(month_weeks[month]), 1),
                        )
                    )
    return cells


FRAMEWORK_URBAN = {
    "capital": 1.0,
    "university": 0.92,
    "education": 0.72,
    "town": 0.66,
    "suburb": 0.9,
    "suburb_rich": 0.88,
    "rural": 0.38,
    "rural_poor": 0.34,
    "island": 0.3,
}
"""Urbanisation by municipality kind (share living in towns of 10,000 or more; approximate)."""


def framework_rows(output: Output) -> list[tuple[int, int, str, float]]:
    """(municipality code, year, variable, value): parameters and composition of 15-29s."""
    assert output.aggregates is not None
    params = output.params
    munis = params.municipalities
    years = list(range(output.years[0], output.years[1] + 1))
    cycle = yearly(params.section("trend")["cycle"], range(years[0], years[-1] + 1))
    counts = output.aggregates.composition.reshape(len(years), len(munis), len(COMPOSITION))
    rows: list[tuple[int, int, str, float]] = []
    for y, year in enumerate(years):
        scale_u = cycle[year] / cycle[2015] if 2015 in cycle else cycle[year]
        for m in range(-1, len(munis)):
            c = counts[y].sum(axis=0) if m < 0 else counts[y, m]
            persons = max(int(c[0]), 1)
            if m < 0:
                code = 0
                unemployment = float(np.average(munis.unemployment, weights=munis.population))
                urban = float(
                    np.average(
                        [FRAMEWORK_URBAN[KINDS[k]] for k in munis.kind], weights=munis.population
                    )
                )
            else:
                code = int(munis.codes[m])
                unemployment = float(munis.unemployment[m])
                urban = FRAMEWORK_URBAN[KINDS[int(munis.kind[m])]]
            rows += [
                (code, year, "ledighed_pct", round(unemployment * scale_u, 2)),
                (code, year, "urbaniseringsgrad", round(urban, 3)),
                (code, year, "befolkning_15_29", float(c[0])),
                (code, year, "andel_ikke_vestlig_15_29", round(c[1] / persons, 4)),
                (code, year, "andel_foraeldre_grundskole_15_29", round(c[2] / persons, 4)),
                (code, year, "andel_foraeldre_videregaaende_15_29", round(c[4] / persons, 4)),
                (code, year, "andel_social_indikator_15_29", round(c[3] / persons, 4)),
            ]
    return rows


def hidden_effects_rows(output: Output) -> list[tuple[int, str, float, float, float]]:
    fx = output.effects
    munis = output.params.municipalities
    return [
        (
            int(munis.codes[i]),
            munis.names[i],
            float(fx.effectiveness[i]),
            float(fx.education_effort[i]),
            float(fx.level[i]),
        )
        for i in range(len(munis))
    ]


def week_labels(first: int, last: int) -> list[str]:
    """``2019U07`` for every week first..last."""
    labels = []
    for w in range(first, last + 1):
        iso = week_monday(w).isocalendar()
        labels.append(f"{iso.year}U{iso.week:02d}")
    return labels


def dream_week_names(first: int, last: int) -> list[str]:
    """DREAM's ``y_YYWW`` column names for the weeks first..last."""
    names = []
    for w in range(first, last + 1):
        iso = week_monday(w).isocalendar()
        names.append(f"y_{iso.year % 100:02d}{iso.week:02d}")
    return names


def check_window(years: tuple[int, int]) -> None:
    first, last = years
    if not 1990 <= first <= last <= 2035:
        raise ValueError("årene skal ligge mellem 1990 og 2035, fx 2012:2019")
    iso_week_number(first, 1)


__all__ = [
    "Aggregates",
    "Block",
    "Output",
    "blocks",
    "prepare",
]
