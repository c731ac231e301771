"""Problems in input files, said in Danish with file, line, column and value."""

from __future__ import annotations

from dataclasses import dataclass

MAX_LISTED = 20
"""How many problems an error message lists before it says how many more there are."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong in an input file. ``value`` is never a CPR number (callers mask it)."""

    file: str
    reason: str
    line: int | None = None
    column: str | None = None
    value: str | None = None

    def __str__(self) -> str:
        place = [self.file]
        if self.line is not None:
            place.append(f"linje {self.line}")
        if self.column is not None:
            place.append(f"kolonne '{self.column}'")
        where = ", ".join(place)
        shown = f" (værdi '{self.value}')" if self.value is not None else ""
        return f"{where}{shown}: {self.reason}"


class UserError(Exception):
    """An error the user can act on; its message is in Danish and holds no personal data."""


class InputError(UserError):
    """An input file that cannot be imported; nothing was written to the warehouse."""

    def __init__(self, problems: list[Problem], *, total: int | None = None) -> None:
        self.problems = problems
        self.total = total if total is not None else len(problems)
        super().__init__(self.render())

    def render(self) -> str:
        lines = [str(p) for p in self.problems[:MAX_LISTED]]
        more = self.total - min(len(self.problems), MAX_LISTED)
        if more > 0:
            lines.append(f"... og {more} fejl mere (brug --rejects FIL for at få dem alle)")
        head = "Filen blev ikke indlæst; lageret er uændret."
        return "\n".join([head, *lines])


def fail(file: str, reason: str, **where: str | int | None) -> InputError:
    """Shorthand for a one-problem InputError."""
    return InputError([Problem(file, reason, **where)])  # type: ignore[arg-type]
