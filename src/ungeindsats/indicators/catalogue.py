"""Importing this module registers every indicator (one module per family)."""

from ungeindsats.indicators import support  # noqa: F401
