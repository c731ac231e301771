"""Danish number formatting for the explanations (1.234.567 kr.; 15,9 %)."""

from __future__ import annotations

from ungeindsats.outputs import danish_number


def danish(value: float, decimals: int = 0) -> str:
    """1234567.8 → '1.234.568' (decimals=0) or '1.234.567,8' (decimals=1)."""
    return danish_number(float(value), decimals)


def kroner(value: float) -> str:
    """Whole kroner in Danish notation."""
    return danish(value, 0)


def percent(share: float, decimals: int = 1) -> str:
    """A share (0.159) as Danish per cent ('15,9 %')."""
    return f"{danish(share * 100, decimals)} %"


def millions(value: float, decimals: int = 1) -> str:
    """Kroner as Danish millions ('15,6 mio. kr.')."""
    return f"{danish(value / 1e6, decimals)} mio. kr."
