"""How a brief prints a number: one function per unit, used by findings, tables and tests."""

from __future__ import annotations

import math

__all__ = ["fmt", "fmt_value"]


def fmt_value(value: float, unit: str) -> str:
    """Format ``value`` for print according to its ``unit``.

    >>> fmt_value(0.30827, "share"), fmt_value(2.33e11, "current USD")
    ('30.8%', '$233.0 bn')
    >>> fmt_value(91679578, "persons"), fmt_value(87.4, "percentile")
    ('91.7 million', '87th')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if unit == "share":
        return f"{value * 100:.1f}%"
    if unit == "% of GDP":
        return f"{value:.2f}%" if abs(value) < 1 else f"{value:.1f}%"
    if unit == "share_diff":
        return f"{value * 100:+.1f} pp"
    if unit == "index":
        return f"{value:.2f}"
    if unit == "percentile":
        n = int(round(value))
        suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
        return f"{n}{suffix}"
    if unit == "count":
        return f"{int(round(value)):,}"
    if unit == "0/1":
        return "yes" if value >= 0.5 else "no"
    if unit in ("current USD", "constant 2021 USD"):
        a = abs(value)
        for div, word in ((1e12, "tn"), (1e9, "bn"), (1e6, "m")):
            if a >= div:
                return f"${value / div:,.1f} {word}"
        return f"${value:,.0f}"
    if unit == "persons":
        if abs(value) >= 1e6:
            return f"{value / 1e6:,.1f} million"
        return f"{value:,.0f}"
    if unit.startswith("PPP"):
        return f"${value:,.0f}"
    return f"{value:,.2f}"


def fmt(figure) -> str:
    """Format a :class:`~article2.briefs.assemble.Figure`."""
    return fmt_value(figure.value, figure.unit)
