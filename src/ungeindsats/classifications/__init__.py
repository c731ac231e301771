"""Classifications as data files: municipalities, benefits, target and youth groups, refunds, rates.

Each classification is a CSV file in this package (UTF-8, `#` comment lines with the source at the
top) read by its own module; see `_csvfile` for the file convention.
"""

from __future__ import annotations

from ungeindsats.classifications.benefit_rates import BenefitRate, benefit_rate, benefit_rates
from ungeindsats.classifications.benefits import Benefit, benefit, benefits
from ungeindsats.classifications.municipalities import (
    COUNTRY_CODE,
    Municipality,
    format_code,
    municipalities,
    municipality,
    resolve_municipality,
)
from ungeindsats.classifications.refund_ladder import (
    RefundStep,
    refund_ladder,
    refund_step_for_week,
)
from ungeindsats.classifications.target_groups import (
    SCHEMES,
    TargetGroup,
    target_group,
    target_groups,
)
from ungeindsats.classifications.youth_groups import (
    YouthGroup,
    YouthGroupMapping,
    YouthGroupRule,
    youth_groups,
)

__all__ = [
    "COUNTRY_CODE",
    "SCHEMES",
    "Benefit",
    "BenefitRate",
    "Municipality",
    "RefundStep",
    "TargetGroup",
    "YouthGroup",
    "YouthGroupMapping",
    "YouthGroupRule",
    "benefit",
    "benefit_rate",
    "benefit_rates",
    "benefits",
    "format_code",
    "municipalities",
    "municipality",
    "refund_ladder",
    "refund_step_for_week",
    "resolve_municipality",
    "target_group",
    "target_groups",
    "youth_groups",
]
