"""Reading a business case from a YAML file (``ungeindsats economics business-case FIL.yaml``).

Keys (Danish, without æøå so they are easy to type)::

    titel: Mentorordning for aktivitetsparate
    engangsinvestering: 100000          # kr., år 1
    aarlig_udgift: 50000                # kr. pr. år
    aar_med_udgift: 3                   # valgfri; ellers hele horisonten
    effekt_fuldtidspersoner: 2          # fuldtidspersoner ude af forsørgelse i et helt år
    fastholdelse: [1.0, 1.0, 0.5]       # valgfri; andel af effekten år 1, 2, ... (den sidste
                                        # gælder for de følgende år)
    enhedspriser: {kommune: 60000, stat: 20000}   # kr. pr. fuldtidsperson pr. år
    horisont: 10                        # valgfri, år
    diskonteringsrente: 0.035           # valgfri
    realiseret: [1.5, 2.2]              # valgfri opfølgning: realiserede fuldtidspersoner pr. år

A file with a mistake is refused with the file, the key and the reason (in Danish).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ungeindsats.economics.business_case import (
    DEFAULT_DISCOUNT_RATE,
    DEFAULT_HORIZON,
    BusinessCase,
)
from ungeindsats.ingest.errors import InputError, Problem

KEYS = {
    "titel",
    "engangsinvestering",
    "aarlig_udgift",
    "aar_med_udgift",
    "effekt_fuldtidspersoner",
    "fastholdelse",
    "enhedspriser",
    "horisont",
    "diskonteringsrente",
    "realiseret",
}
REQUIRED = ("titel", "effekt_fuldtidspersoner", "enhedspriser")


def _number(name: str, value: Any, problems: list[Problem], file: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        problems.append(Problem(file, "skal være et tal", column=name, value=str(value)))
        return 0.0
    return float(value)


def _numbers(name: str, value: Any, problems: list[Problem], file: str) -> tuple[float, ...]:
    if not isinstance(value, list):
        problems.append(Problem(file, "skal være en liste af tal", column=name, value=str(value)))
        return ()
    return tuple(_number(name, v, problems, file) for v in value)


def read_business_case(path: Path) -> BusinessCase:
    """The business case in ``path``; InputError naming the file and key when it is wrong."""
    file = path.name
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise InputError([Problem(file, "er ikke gyldig YAML", line=line)]) from None
    if not isinstance(data, dict):
        raise InputError([Problem(file, "skal være en YAML-ordbog med nøgler som 'titel'")])
    problems = [
        Problem(file, f"ukendt nøgle; mulige: {', '.join(sorted(KEYS))}", column=str(k))
        for k in data
        if k not in KEYS
    ]
    problems += [Problem(file, "mangler", column=k) for k in REQUIRED if k not in data]
    if problems:
        raise InputError(problems)
    units = data["enhedspriser"]
    unit_costs: dict[str, float] = {}
    if not isinstance(units, dict):
        problems.append(
            Problem(file, "skal være fx {kommune: 60000, stat: 20000}", column="enhedspriser")
        )
    else:
        unit_costs = {
            str(k): _number(f"enhedspriser.{k}", v, problems, file) for k, v in units.items()
        }

    def number(key: str, default: float) -> float:
        return _number(key, data.get(key, default), problems, file)

    one_off = number("engangsinvestering", 0)
    yearly = number("aarlig_udgift", 0)
    effect = number("effekt_fuldtidspersoner", 0)
    horizon = number("horisont", DEFAULT_HORIZON)
    rate = number("diskonteringsrente", DEFAULT_DISCOUNT_RATE)
    running = None if data.get("aar_med_udgift") is None else number("aar_med_udgift", 0)
    retention = _numbers("fastholdelse", data.get("fastholdelse", [1.0]), problems, file)
    realised = _numbers("realiseret", data.get("realiseret", []), problems, file)
    if problems:
        raise InputError(problems)
    try:
        return BusinessCase(
            title=str(data["titel"]),
            one_off=one_off,
            yearly=yearly,
            effect_fte=effect,
            unit_costs=unit_costs,
            retention=retention,
            running_years=None if running is None else int(running),
            horizon=int(horizon),
            discount_rate=rate,
            realised_fte=realised,
        )
    except ValueError as exc:
        raise InputError([Problem(file, str(exc))]) from None
