"""The canonical tables (kanoniske tabeller): one declarative spec per warehouse table.

Municipalities deliver data from case systems (Momentum, KMD, Opera …) and research environments
as one CSV or Parquet file per table. Each table is described here once: its columns, their
value types, whether they are required, and a Danish description. The generic importer in
``ungeindsats.ingest.canonical`` reads any of them from its spec, and the same specs are rendered
as ``docs/canonical-formats.md``, so the documentation cannot drift from the code.

A value type parses one cell's text (already stripped, never empty) into the value stored in the
warehouse, or raises ``ValueProblem`` with a Danish reason. The importer calls it once per
*distinct* value in a column, so parsing stays cheap on files with millions of rows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Literal

import pyarrow as pa

from ungeindsats.periods import PeriodError, iso_week_number, week_number

CPR_LIKE = re.compile(r"(?<!\d)[0-36-9]\d[01]\d{3}-?\d{4}(?!\d)")
"""Text that looks like a CPR number (DDMMYY-SSSS, also replacement numbers with day + 60)."""


class ValueProblem(ValueError):
    """A cell that cannot be read; the message is Danish. ``hide_value``: never show the cell."""

    def __init__(self, reason: str, *, hide_value: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.hide_value = hide_value


# --- value types -------------------------------------------------------------------------------


class ValueType:
    """How one column's text becomes a warehouse value (parsed once per distinct value)."""

    arrow_type: pa.DataType = pa.string()
    vectorised = False
    """True for types whose values are checked with Arrow kernels instead of ``parse``."""

    def parse(self, text: str) -> object:
        return text

    def parse_all(self, texts: list[str]) -> tuple[pa.Array, dict[int, ValueProblem]]:
        """Distinct non-empty texts → values of ``arrow_type`` (null where unreadable) and the
        problems by position; a type with a faster way than ``parse`` one by one overrides it."""
        values: list[object] = []
        problems: dict[int, ValueProblem] = {}
        for number, text in enumerate(texts):
            try:
                values.append(self.parse(text))
            except ValueProblem as exc:
                values.append(None)
                problems[number] = exc
        return pa.array(values, type=self.arrow_type), problems

    def describe(self) -> str:
        """The accepted form, in Danish Markdown, for docs/canonical-formats.md."""
        raise NotImplementedError


@dataclass(frozen=True)
class Text(ValueType):
    """Free text. Text that looks like a CPR number is refused: case workers' notes contain them,
    and a CPR number must never reach the warehouse (checked with an Arrow regex, not ``parse``)."""

    vectorised = True

    def describe(self) -> str:
        return "tekst (må ikke indeholde CPR-numre)"


def identifier_key(text: str) -> str:
    """Comparison key for a choice: case, æ/ø/å, spaces and hyphens do not matter."""
    folded = text.strip().casefold()
    for letter, spelled in (("æ", "ae"), ("ø", "oe"), ("å", "aa")):
        folded = folded.replace(letter, spelled)
    return re.sub(r"[\s\-_]+", "_", folded)


@dataclass(frozen=True)
class Choice(ValueType):
    """One of a fixed list of values; ``aliases`` are other spellings users write (Danish words)."""

    values: tuple[str, ...] | Callable[[], tuple[str, ...]]
    aliases: Mapping[str, str] = field(default_factory=dict)

    def allowed(self) -> tuple[str, ...]:
        return self.values() if callable(self.values) else self.values

    @cached_property
    def _lookup(self) -> dict[str, str]:
        table = {identifier_key(alias): value for alias, value in self.aliases.items()}
        table.update({identifier_key(value): value for value in self.allowed()})
        return table

    def parse(self, text: str) -> object:
        found = self._lookup.get(identifier_key(text))
        if found is None:
            raise ValueProblem(f"skal være en af: {', '.join(self.allowed())}")
        return found

    def describe(self) -> str:
        text = "en af " + ", ".join(f"`{v}`" for v in self.allowed())
        if self.aliases:
            text += " (også " + ", ".join(f"`{a}`" for a in self.aliases) + ")"
        return text


_BOOLEANS = {"1": True, "ja": True, "true": True, "0": False, "nej": False, "false": False}


@dataclass(frozen=True)
class Boolean(ValueType):
    arrow_type = pa.bool_()

    def parse(self, text: str) -> object:
        try:
            return _BOOLEANS[text.casefold()]
        except KeyError:
            raise ValueProblem("skal være ja/nej, 1/0 eller true/false") from None

    def describe(self) -> str:
        return "`ja`/`nej` (også `1`/`0`, `true`/`false`)"


_INTEGER = re.compile(r"[+-]?\d{1,9}")


@dataclass(frozen=True)
class Integer(ValueType):
    minimum: int | None = None
    maximum: int | None = None
    allowed: tuple[int, ...] = ()
    arrow_type = pa.int64()

    def parse(self, text: str) -> object:
        if not _INTEGER.fullmatch(text):
            raise ValueProblem("skal være et heltal")
        value = int(text)
        if self.allowed and value not in self.allowed:
            raise ValueProblem(f"skal være en af {', '.join(map(str, self.allowed))}")
        if self.minimum is not None and value < self.minimum:
            raise ValueProblem(f"må ikke være under {self.minimum}")
        if self.maximum is not None and value > self.maximum:
            raise ValueProblem(f"må ikke være over {self.maximum}")
        return value

    def describe(self) -> str:
        if self.allowed:
            return "heltal, en af " + ", ".join(f"`{v}`" for v in self.allowed)
        if self.minimum is not None and self.maximum is not None:
            return f"heltal fra {self.minimum} til {self.maximum}"
        if self.minimum is not None:
            return f"heltal, mindst {self.minimum}"
        return "heltal"


_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")


@dataclass(frozen=True)
class Number(ValueType):
    """A decimal number; a decimal comma is accepted (Danish spreadsheets write one)."""

    minimum: float | None = None
    arrow_type = pa.float64()

    def parse(self, text: str) -> object:
        if not _NUMBER.fullmatch(text):
            raise ValueProblem("skal være et tal (fx 12,5 eller 12.5, uden tusindtalsskilletegn)")
        value = float(text.replace(",", "."))
        if self.minimum is not None and value < self.minimum:
            raise ValueProblem(f"må ikke være under {self.minimum:g}")
        return value

    def describe(self) -> str:
        text = "tal (decimaltegn `,` eller `.`)"
        return text + (f", mindst {self.minimum:g}" if self.minimum is not None else "")


FIRST_YEAR, LAST_YEAR = 1900, 2099
"""Dates, weeks and months outside these years are typing errors (e.g. 0219 for 2019)."""

_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DANISH_DATE = re.compile(r"(\d{1,2})([-.])(\d{1,2})\2(\d{4})")
DATE_FORMS = "`ÅÅÅÅ-MM-DD` (fx `2019-02-14`), `DD-MM-ÅÅÅÅ` eller `DD.MM.ÅÅÅÅ`"


def parse_date(text: str) -> date | None:
    """A date in one of the accepted forms; None if the text is not written as a date at all."""
    if match := _ISO_DATE.fullmatch(text):
        year, month, day = (int(g) for g in match.groups())
    elif match := _DANISH_DATE.fullmatch(text):
        day, month, year = int(match.group(1)), int(match.group(3)), int(match.group(4))
    else:
        return None
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueProblem(f"året skal ligge mellem {FIRST_YEAR} og {LAST_YEAR}")
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueProblem("datoen findes ikke") from None


@dataclass(frozen=True)
class Date(ValueType):
    arrow_type = pa.date32()

    def parse(self, text: str) -> object:
        found = parse_date(text)
        if found is None:
            raise ValueProblem("skal være en dato: ÅÅÅÅ-MM-DD, DD-MM-ÅÅÅÅ eller DD.MM.ÅÅÅÅ")
        return found

    def describe(self) -> str:
        return "dato: " + DATE_FORMS


_WEEK = re.compile(r"(\d{4})U(\d{1,2})", re.IGNORECASE)


@dataclass(frozen=True)
class Week(ValueType):
    """An ISO week, stored as a week number (weeks since 1990U01); a date means its week."""

    arrow_type = pa.int32()

    def parse(self, text: str) -> object:
        if match := _WEEK.fullmatch(text):
            year, week = int(match.group(1)), int(match.group(2))
            if not FIRST_YEAR <= year <= LAST_YEAR:
                raise ValueProblem(f"året skal ligge mellem {FIRST_YEAR} og {LAST_YEAR}")
            try:
                return iso_week_number(year, week)
            except PeriodError as exc:
                raise ValueProblem(str(exc)) from None
        day = parse_date(text)
        if day is None:
            raise ValueProblem("skal være en uge (fx 2019U07) eller en dato (fx 2019-02-14)")
        return week_number(day)

    def describe(self) -> str:
        return "ISO-uge `ÅÅÅÅUuu` (fx `2019U07`) eller en dato i ugen"


_MONTH = re.compile(r"(\d{4})M(\d{2})", re.IGNORECASE)


@dataclass(frozen=True)
class Month(ValueType):
    """A calendar month written ``2019M02``, stored as the two columns year and month."""

    arrow_type = pa.struct([("year", pa.int16()), ("month", pa.int16())])

    def parse(self, text: str) -> object:
        match = _MONTH.fullmatch(text)
        if not match:
            raise ValueProblem("skal være en måned skrevet som fx 2019M02")
        year, month = int(match.group(1)), int(match.group(2))
        if not 1 <= month <= 12:
            raise ValueProblem("måneden skal være 01-12")
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise ValueProblem(f"året skal ligge mellem {FIRST_YEAR} og {LAST_YEAR}")
        return {"year": year, "month": month}

    def describe(self) -> str:
        return "måned `ÅÅÅÅMmm` (fx `2019M02`)"


@dataclass(frozen=True)
class Municipality(ValueType):
    """A municipality as its 3-digit code or its name (classification file municipalities.csv)."""

    allow_country: bool = False
    arrow_type = pa.int16()

    def parse(self, text: str) -> object:
        # Imported here: the classification loader is only needed when a file has this column.
        from ungeindsats.classifications.municipalities import resolve_municipality

        code = resolve_municipality(text)
        if code is None:
            raise ValueProblem(
                "ukendt kommune; skriv kommunekoden (fx 791) eller navnet (fx Viborg)"
            )
        if code == 0 and not self.allow_country:
            raise ValueProblem("skal være en kommune, ikke hele landet")
        return code

    def describe(self) -> str:
        text = "kommunekode (fx `791`) eller kommunenavn (fx `Viborg`)"
        return text + (", `0`/`Hele landet` for landet" if self.allow_country else "")


# --- columns and tables ------------------------------------------------------------------------

FromCpr = Literal["birth_date", "sex"]


@dataclass(frozen=True)
class Column:
    """A column of a canonical file.

    ``required``: the column must be in the header and every row must have a value; an optional
    column may be left out or left empty (stored as NULL). ``from_cpr``: an empty value is taken
    from the CPR number, and a given value must agree with it. ``references``: a (table, column)
    in the warehouse that every value must already exist in. ``targets``: the warehouse columns
    it fills (more than one for a struct-valued type such as Month); by default its own name.
    """

    name: str
    type: ValueType
    description: str
    required: bool = True
    from_cpr: FromCpr | None = None
    references: tuple[str, str] | None = None
    targets: tuple[str, ...] = ()
    example: str = ""
    """A value for the example in the documentation (the examples are imported by a test)."""

    @property
    def warehouse_columns(self) -> tuple[str, ...]:
        return self.targets or (self.name,)


@dataclass(frozen=True)
class TableSpec:
    """A canonical table: its file columns and how a re-delivery replaces earlier rows.

    ``replace_key`` (warehouse columns): rows already in the warehouse whose key occurs in the new
    file are deleted before the file's rows are inserted. ``unique_key``: the key may occur only
    once in a file. ``person_key``: the file identifies persons by ``cpr`` or ``pnr``.
    """

    name: str
    table: str
    title: str
    description: str
    columns: tuple[Column, ...]
    replace_key: tuple[str, ...] = ("person_id",)
    unique_key: bool = False
    person_key: bool = True
    weeks: tuple[str, str] | None = None

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def file_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


PERSON_KEYS = ("cpr", "pnr")
CPR_DESCRIPTION = (
    "CPR-nummer (`DDMMÅÅ-SSSS` eller `DDMMÅÅSSSS`). Erstattes ved indlæsningen af et "
    "pseudonym; selve nummeret gemmes aldrig."
)
PNR_DESCRIPTION = (
    "En allerede pseudonymiseret personnøgle (fx Danmarks Statistiks `PNR`). Brug den samme "
    "slags nøgle i alle filer, ellers kan personerne ikke kobles."
)

SEX = Choice(("M", "K"), {"mand": "M", "kvinde": "K"})
OFFER_TYPES = (
    "virksomhedspraktik",
    "loentilskud",
    "vejledning_opkvalificering",
    "mentor",
    "nytteindsats",
    "uddannelse",
    "andet",
)
VISITATION_CATEGORIES = (
    "jobparat",
    "aktivitetsparat",
    "uddannelsesparat",
    "aabenlyst_uddannelsesparat",
)
"""Visitation categories (visitationskategorier) as the youth-group rules name them."""


def _target_groups() -> tuple[str, ...]:
    """Visitation categories, then the LAB 2016 and LBI 2020 numbers from target_groups.csv."""
    from ungeindsats.classifications.target_groups import SCHEMES, target_groups

    codes = tuple(g.code for scheme in SCHEMES for g in target_groups(scheme))
    return VISITATION_CATEGORIES + codes


def _benefits() -> tuple[str, ...]:
    from ungeindsats.classifications.benefits import benefits

    return tuple(b.name for b in benefits())


def _weeks(
    first: str, last: str, examples: tuple[str, str], *, open_end: bool = False
) -> tuple[Column, Column]:
    return (
        Column("first_week", Week(), first, example=examples[0]),
        Column("last_week", Week(), last, required=not open_end, example=examples[1]),
    )


_TABLES = (
    TableSpec(
        "person",
        "person",
        "Personer",
        "Én række pr. person med baggrundsoplysninger. Alle kolonner undtagen personnøglen er "
        "valgfrie; med et CPR-nummer udledes fødselsdato og køn af nummeret.",
        (
            Column(
                "birth_date",
                Date(),
                "Fødselsdato. Udledes af CPR-nummeret, hvis den mangler; skal stemme med det.",
                required=False,
                from_cpr="birth_date",
                example="1990-01-01",
            ),
            Column(
                "sex",
                SEX,
                "Køn: `M` (mand) eller `K` (kvinde). Udledes af CPR-nummeret, hvis det mangler; "
                "skal stemme med det.",
                required=False,
                from_cpr="sex",
            ),
            Column(
                "origin",
                Choice(("dansk", "indvandrer", "efterkommer")),
                "Herkomst (Danmarks Statistiks definition).",
                required=False,
                example="efterkommer",
            ),
            Column(
                "origin_region",
                Choice(("vestlig", "ikke_vestlig")),
                "Oprindelsesland for indvandrere og efterkommere: vestligt eller ikke-vestligt.",
                required=False,
                example="ikke_vestlig",
            ),
            Column(
                "parents_education",
                Text(),
                "Forældrenes højeste fuldførte uddannelse, som kildesystemet skriver den.",
                required=False,
                example="erhvervsfaglig",
            ),
            Column("crime", Boolean(), "Dømt for kriminalitet.", required=False, example="nej"),
            Column(
                "mental_illness",
                Boolean(),
                "Psykisk sygdom (diagnose).",
                required=False,
                example="nej",
            ),
            Column(
                "social_measure",
                Boolean(),
                "Foranstaltning efter serviceloven (fx anbringelse).",
                required=False,
                example="ja",
            ),
            Column(
                "abuse",
                Boolean(),
                "Misbrug (behandling for stof- eller alkoholmisbrug).",
                required=False,
            ),
        ),
        unique_key=True,
    ),
    TableSpec(
        "residence",
        "residence",
        "Bopæl",
        "Bopælsperioder: hvilken kommune (og evt. hvilket distrikt) personen boede i hvornår.",
        (
            Column("municipality", Municipality(), "Bopælskommunen.", example="791"),
            Column(
                "district",
                Text(),
                "Distrikt, skoledistrikt eller bydel, som kommunen selv inddeler sig.",
                required=False,
                example="Overlund",
            ),
            *_weeks(
                "Første uge på adressen.",
                "Sidste uge på adressen; tom, hvis personen stadig bor der.",
                ("2015U32", ""),
                open_end=True,
            ),
        ),
        weeks=("first_week", "last_week"),
    ),
    TableSpec(
        "spells",
        "status_spell",
        "Statusforløb",
        "Forløb med en ugentlig statuskode (DREAM-koder eller kommunens egne koder): samme kode "
        "fra første til sidste uge.",
        (
            Column(
                "code",
                Integer(minimum=0),
                "Statuskoden. Den skal findes i lagerets kodetabel, dvs. være indlæst fra en "
                "DREAM-fil eller en kodefil (`code,benefit,target_group,category`) før forløbene.",
                references=("status_code", "code"),
                example="130",
            ),
            *_weeks("Første uge med koden.", "Sidste uge med koden.", ("2019U07", "2019U20")),
        ),
        weeks=("first_week", "last_week"),
    ),
    TableSpec(
        "target-groups",
        "target_group_spell",
        "Målgruppeforløb",
        "Forløb i en målgruppe eller visitationskategori.",
        (
            Column(
                "target_group",
                Choice(_target_groups),
                "Visitationskategorien eller målgruppens nummer (LAB 2016: `2.1` …; LBI 2020: "
                "`1` …).",
                example="uddannelsesparat",
            ),
            *_weeks("Første uge i målgruppen.", "Sidste uge i målgruppen.", ("2019U07", "2019U30")),
        ),
        weeks=("first_week", "last_week"),
    ),
    TableSpec(
        "activation",
        "activation_spell",
        "Aktiveringsforløb",
        "Tilbud efter beskæftigelseslovgivningen (aktive tilbud).",
        (
            Column(
                "offer_type",
                Choice(
                    OFFER_TYPES, {"vejledning og opkvalificering": "vejledning_opkvalificering"}
                ),
                "Tilbudstypen.",
                example="virksomhedspraktik",
            ),
            *_weeks(
                "Første uge i tilbuddet.", "Sidste uge i tilbuddet.", ("2019-03-04", "2019U22")
            ),
        ),
        weeks=("first_week", "last_week"),
    ),
    TableSpec(
        "education",
        "education_event",
        "Uddannelseshændelser",
        "Start, fuldførelse og afbrud af uddannelser.",
        (
            Column("event_date", Date(), "Datoen for hændelsen.", example="15.08.2019"),
            Column(
                "event",
                Choice(
                    ("start", "completion", "dropout"),
                    {"påbegyndt": "start", "fuldført": "completion", "afbrudt": "dropout"},
                ),
                "Hændelsen: `start`, `completion` (fuldført) eller `dropout` (afbrudt).",
                example="start",
            ),
            Column(
                "education_type",
                Text(),
                "Uddannelsestypen, som kildesystemet skriver den, fx `erhvervsuddannelse`, "
                "`gymnasial`, `FGU`.",
                example="erhvervsuddannelse",
            ),
            Column(
                "institution",
                Text(),
                "Uddannelsesinstitutionen.",
                required=False,
                example="Mercantec",
            ),
        ),
    ),
    TableSpec(
        "readiness",
        "readiness_assessment",
        "Uddannelsesparathedsvurderinger",
        "Uddannelsesparathedsvurderinger (UPV) i 8., 9. og 10. klasse.",
        (
            Column("assessment_date", Date(), "Datoen for vurderingen.", example="2006-01-20"),
            Column("grade", Integer(allowed=(8, 9, 10)), "Klassetrinnet.", example="9"),
            Column("ready", Boolean(), "Vurderet uddannelsesparat?", example="ja"),
        ),
    ),
    TableSpec(
        "employment",
        "employment_month",
        "Beskæftigelse pr. måned",
        "Lønnede timer pr. person og måned (fx fra eIndkomst). Højst én række pr. person og "
        "måned: læg timer fra flere arbejdsgivere sammen først.",
        (
            Column("month", Month(), "Måneden.", targets=("year", "month"), example="2019M02"),
            Column("hours", Number(minimum=0), "Lønnede timer i måneden.", example="37,5"),
        ),
        replace_key=("person_id", "year", "month"),
        unique_key=True,
    ),
    TableSpec(
        "sanction",
        "sanction",
        "Sanktioner",
        "Sanktioner i ydelsen.",
        (
            Column("sanction_date", Date(), "Datoen for sanktionen.", example="2019-05-06"),
            Column(
                "benefit",
                Choice(_benefits),
                "Ydelsen, der blev sanktioneret i.",
                required=False,
                example="uddannelseshjaelp",
            ),
            Column(
                "reason",
                Text(),
                "Årsagen, som kildesystemet skriver den.",
                required=False,
                example="udeblevet fra samtale",
            ),
        ),
    ),
    TableSpec(
        "framework",
        "framework",
        "Rammevilkår",
        "Rammevilkår pr. kommune og år, fx andelen af unge med ikke-vestlig baggrund. Ingen "
        "personnøgle.",
        (
            Column("municipality", Municipality(allow_country=True), "Kommunen.", example="791"),
            Column(
                "year",
                Integer(minimum=FIRST_YEAR, maximum=LAST_YEAR),
                "Året.",
                example="2019",
            ),
            Column(
                "variable",
                Text(),
                "Rammevilkårets navn.",
                example="andel_ikke_vestlige",
            ),
            Column("value", Number(), "Værdien.", example="0,071"),
        ),
        replace_key=("municipality", "year", "variable"),
        unique_key=True,
        person_key=False,
    ),
)

CANONICAL_TABLES: Mapping[str, TableSpec] = {spec.name: spec for spec in _TABLES}
"""The canonical tables by their command-line name, in documentation order."""
