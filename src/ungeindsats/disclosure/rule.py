"""The disclosure rule (diskretioneringsregel) and the reasons a cell is suppressed."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Reason(StrEnum):
    """Why a cell is not published."""

    PRIMARY = "primær"  # rests on too few persons
    SECONDARY = "sekundær"  # suppressed so a primary cell cannot be recovered by subtraction
    DERIVED = "afledt"  # shares the pattern of a linked cell (a percentage of a suppressed count)


@dataclass(frozen=True)
class DisclosureRule:
    """No published cell may rest on fewer than ``min_persons`` distinct persons.

    ``marker`` is what a suppressed cell shows; empty means ``f"<{min_persons}"`` ("<5").
    A cell with 0 persons is publishable: an empty cell reveals nothing about any person,
    and Danmarks Statistik publishes zeros. A cell whose persons are unknown (None, e.g. an
    aggregate a source has already published) is not primary-sensitive; it is still
    suppressed as a complement or through a link when needed.
    """

    min_persons: int = 5
    marker: str = ""

    def __post_init__(self) -> None:
        if self.min_persons < 1:
            raise ValueError(
                f"diskretioneringsgrænsen skal være mindst 1 person, ikke {self.min_persons}"
            )
        if not self.marker:
            object.__setattr__(self, "marker", f"<{self.min_persons}")

    def is_sensitive(self, persons: int | None) -> bool:
        """True when a cell resting on ``persons`` distinct persons may not be published."""
        return persons is not None and 0 < persons < self.min_persons
