"""Reading a YAML file with line numbers, so every problem can name its place.

PyYAML's node tree knows where each key and item starts; ``load_with_lines`` keeps those lines
by path (``("indsatser", 2, "start")``), rejects duplicate keys (which PyYAML would silently
let the last one win) and turns syntax errors into Danish problems.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import yaml

from ungeindsats.ingest.errors import InputError, Problem

Path = tuple[str | int, ...]
_DATE_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class _Loader(yaml.SafeLoader):
    """SafeLoader that leaves dates as text, so a bad date (2017-02-30) is our Danish problem
    with its line rather than PyYAML's exception."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class PlanError(InputError):
    """A plan file that cannot be loaded; nothing was written to the steering database."""

    def render(self) -> str:
        lines = [str(p) for p in self.problems]
        return "\n".join(["Filen blev ikke indlæst; styringsdatabasen er uændret.", *lines])


def path_text(path: Path) -> str:
    """``indsatser[2].start`` (positions counted from 1, as a person counts)."""
    text = ""
    for part in path:
        text += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


@dataclass
class Reader:
    """Collects the problems of one file; each names the file, line and field."""

    file: str
    lines: dict[Path, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def line(self, path: Path) -> int | None:
        for end in range(len(path), -1, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return None

    def fail(self, path: Path, reason: str, value: object = None) -> None:
        where = f"felt '{path_text(path)}': " if path else ""
        shown = None if value is None else str(value)[:80]
        self.problems.append(Problem(self.file, where + reason, self.line(path), None, shown))

    def mapping(
        self, value: object, path: Path, allowed: Iterable[str], required: Iterable[str] = ()
    ) -> dict[str, Any]:
        """The value as a mapping; unknown and missing fields are problems."""
        if not isinstance(value, dict):
            self.fail(path, "skal være en samling af felter (navn: værdi)")
            return {}
        allowed = tuple(allowed)
        for key in value:
            if key not in allowed:
                self.fail(
                    (*path, str(key)),
                    f"ukendt felt '{key}'; mulige felter: {', '.join(allowed)}",
                )
        for key in required:
            if value.get(key) is None:
                self.fail((*path, key), "skal udfyldes")
        return {k: v for k, v in value.items() if k in allowed}

    def items(self, value: object, path: Path) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(path, "skal være en liste (linjer der begynder med '- ')")
            return []
        return value

    def text(self, value: object, path: Path) -> str | None:
        if value is None:
            return None
        if isinstance(value, bool | dict | list | date):
            self.fail(path, "skal være en tekst", value)
            return None
        return str(value).strip()

    def number(self, value: object, path: Path) -> float | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(path, "skal være et tal (decimaler med punktum, fx 15.9)", value)
            return None
        return float(value)

    def day(self, value: object, path: Path) -> date | None:
        if value is None:
            return None
        text = value.isoformat() if isinstance(value, date) else str(value).strip()
        if not _DATE_TEXT.fullmatch(text):
            self.fail(path, "forkert datoformat; skriv ÅÅÅÅ-MM-DD, fx 2017-02-28", value)
            return None
        try:
            return date.fromisoformat(text)
        except ValueError:
            self.fail(path, "datoen findes ikke", value)
            return None

    def choice(self, value: object, path: Path, choices: dict[str, str]) -> str | None:
        if value is None:
            return None
        if str(value) not in choices:
            self.fail(path, f"skal være en af: {', '.join(choices)}", value)
            return None
        return choices[str(value)]

    def raise_if_problems(self) -> None:
        if self.problems:
            raise PlanError(self.problems)


def _walk(node: yaml.Node, path: Path, reader: Reader) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            reader.lines[(*path, key)] = key_node.start_mark.line + 1
            if key in seen:
                reader.fail((*path, key), "feltet står to gange")
            seen.add(key)
            _walk(value_node, (*path, key), reader)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            reader.lines[(*path, index)] = item.start_mark.line + 1
            _walk(item, (*path, index), reader)


def load_with_lines(text: str, file: str) -> tuple[Any, Reader]:
    """The file's data and a reader that knows the line of every key and item."""
    reader = Reader(file)
    try:
        node = yaml.compose(text, Loader=_Loader)
        data = yaml.load(text, Loader=_Loader)  # _Loader is a SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = None if mark is None else mark.line + 1
        reason = getattr(exc, "problem", None) or "ugyldig YAML"
        raise PlanError([Problem(file, f"ugyldig YAML ({reason})", line)]) from None
    if node is not None:
        _walk(node, (), reader)
    return data, reader
