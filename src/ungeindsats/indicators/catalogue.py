"""Importing this module registers every indicator (one module per family)."""

from ungeindsats.indicators import (  # noqa: F401
    flows,
    migration,
    neet,
    offers,
    support,
    youth_15_17,
)
