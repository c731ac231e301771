"""Business case for an intervention (business case for en indsats; domain.md §8, seed 003).

An investment (one-off in year 1, plus a yearly cost for the years the intervention runs) moves
``effect_fte`` full-time persons off public support in a full year; ``retention`` is the share of
that effect still there in year 1, 2, … (its last value holds for later years). Each avoided
full-time person saves each payer (kommune, stat) its unit cost a year. The municipality's yearly
net result is its saving minus the investment; year k is discounted to year 1 by (1 + r)^(k−1)
(year 1 is the decision year, undiscounted). Break-even is the first year the cumulative discounted
net result is at least 0. The follow-up puts realised full-time persons beside the expected.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

DEFAULT_HORIZON = 10
DEFAULT_DISCOUNT_RATE = 0.035
INVESTOR = "kommune"
ON_TRACK, BELOW, CLOSE = "på sporet", "under forventet", "overvej at lukke"


@dataclass(frozen=True)
class BusinessCase:
    """The assumptions of a business case (kr. and full-time persons)."""

    title: str
    one_off: float
    yearly: float
    effect_fte: float
    unit_costs: Mapping[str, float]
    retention: tuple[float, ...] = (1.0,)
    running_years: int | None = None
    horizon: int = DEFAULT_HORIZON
    discount_rate: float = DEFAULT_DISCOUNT_RATE
    realised_fte: tuple[float, ...] = field(default=())

    def __post_init__(self) -> None:
        if self.horizon < 1:
            raise ValueError("horisonten skal være mindst 1 år")
        if not self.retention or any(not 0 <= r <= 1 for r in self.retention):
            raise ValueError("fastholdelse skal være andele mellem 0 og 1")
        if INVESTOR not in self.unit_costs:
            raise ValueError("der mangler en enhedspris for kommunen")
        if self.discount_rate <= -1:
            raise ValueError("diskonteringsrenten skal være større end -100 %")

    def retained(self, year: int) -> float:
        """The share of the effect left in ``year`` (1 = the first)."""
        return self.retention[min(year, len(self.retention)) - 1]

    def cost(self, year: int) -> float:
        running = self.running_years if self.running_years is not None else self.horizon
        return (self.one_off if year == 1 else 0.0) + (self.yearly if year <= running else 0.0)


@dataclass(frozen=True)
class CaseYear:
    """One year of the business case."""

    year: int
    effect_fte: float
    savings: Mapping[str, float]
    cost: float
    net: float
    discount_factor: float
    discounted_net: float
    cumulative: float


@dataclass(frozen=True)
class CaseResult:
    """The yearly and cumulative result, the net present value and the break-even year."""

    case: BusinessCase
    years: tuple[CaseYear, ...]
    net_present_value: float
    break_even_year: int | None


def evaluate(case: BusinessCase) -> CaseResult:
    """The business case year by year over its horizon."""
    years = []
    cumulative = 0.0
    break_even = None
    for k in range(1, case.horizon + 1):
        effect = case.effect_fte * case.retained(k)
        savings = {payer: effect * cost for payer, cost in case.unit_costs.items()}
        net = savings[INVESTOR] - case.cost(k)
        factor = 1 / (1 + case.discount_rate) ** (k - 1)
        cumulative += net * factor
        if break_even is None and cumulative >= 0:
            break_even = k
        years.append(
            CaseYear(k, effect, savings, case.cost(k), net, factor, net * factor, cumulative)
        )
    return CaseResult(case, tuple(years), cumulative, break_even)


@dataclass(frozen=True)
class Sensitivity:
    """Net present value and break-even year for each effect share (rows) × discount rate."""

    effect_shares: tuple[float, ...]
    discount_rates: tuple[float, ...]
    values: tuple[tuple[CaseResult, ...], ...]


def sensitivity(
    case: BusinessCase,
    effect_shares: Sequence[float] = (0.5, 0.75, 1.0, 1.25),
    discount_rates: Sequence[float] | None = None,
) -> Sensitivity:
    """The case with the effect scaled and the discount rate varied (default 0 %, the case's
    rate and twice it)."""
    rates = tuple(discount_rates or (0.0, case.discount_rate, 2 * case.discount_rate))
    values = tuple(
        tuple(
            evaluate(replace(case, effect_fte=case.effect_fte * share, discount_rate=rate))
            for rate in rates
        )
        for share in effect_shares
    )
    return Sensitivity(tuple(effect_shares), rates, values)


@dataclass(frozen=True)
class FollowUpYear:
    """Realised against expected full-time persons in one year, and the verdict."""

    year: int
    expected_fte: float
    realised_fte: float
    ratio: float | None
    verdict: str


def follow_up(
    case: BusinessCase,
    realised: Sequence[float] | None = None,
    *,
    close_below: float = 0.5,
    on_track_from: float = 0.9,
) -> tuple[FollowUpYear, ...]:
    """Each year with a realised effect: the ratio to the expected and a verdict — on track from
    ``on_track_from`` (90 %), below expectation, or consider closing under ``close_below`` (50 %)
    (seed 003: what does not work is closed)."""
    result = []
    for k, actual in enumerate(realised if realised is not None else case.realised_fte, start=1):
        expected = case.effect_fte * case.retained(k)
        ratio = actual / expected if expected else None
        if ratio is None or ratio >= on_track_from:
            verdict = ON_TRACK
        elif ratio >= close_below:
            verdict = BELOW
        else:
            verdict = CLOSE
        result.append(FollowUpYear(k, expected, actual, ratio, verdict))
    return tuple(result)
