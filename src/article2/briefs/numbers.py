"""How a brief prints a number: one function per unit, used by findings, tables and tests."""

from __future__ import annotations

import math
import re

__all__ = ["fmt", "fmt_column", "fmt_value"]

#: a printed number that rounds to zero but kept its minus sign ("-0.0", "-$0", "-0.00%")
_NEGATIVE_ZERO = re.compile(r"^([−-])(\$?)(0(?:\.0+)?)(?![\d.])")


def fmt_value(value: float, unit: str) -> str:
    """:func:`_fmt_value` without a minus sign on a number printed as zero (``-0.0`` never
    appears).

    >>> fmt_value(-0.0004, "share"), fmt_value(-0.004, "index")
    ('0.0%', '0.00')
    """
    text = _fmt_value(value, unit)
    return _NEGATIVE_ZERO.sub(r"\2\3", text)


def _fmt_value(value: float, unit: str) -> str:
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
        text = f"{value * 100:+.1f} pp"
        return text[1:] if re.fullmatch(r"[+-]0\.0 pp", text) else text
    if unit == "%":
        return f"{value:,.1f}%"
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
    if unit in ("current USD", "constant 2021 USD") or unit.startswith("constant USD"):
        a, sign = abs(value), "-" if value < 0 else ""
        for div, word in ((1e12, "tn"), (1e9, "bn"), (1e6, "m")):
            if a >= div:
                return f"{sign}${a / div:,.1f} {word}"
        return f"{sign}${a:,.0f}"
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


def _money(unit: str) -> bool:
    return unit in ("current USD", "constant 2021 USD") or unit.startswith("constant USD")


def fmt_column(values: list[float | None], unit: str, missing: str = "—") -> list[str]:
    """Format the numbers of one table column alike: money in one scale (the one its largest
    value takes: ``$0.87 bn`` beside ``$5.20 bn``, never ``$870.0 m``; two decimals when a value
    is below one unit of the scale), persons in full; other units as :func:`fmt_value`.
    ``None`` or NaN prints as ``missing``.

    >>> fmt_column([870e6, 5.2e9, None], "current USD")
    ['$0.87 bn', '$5.20 bn', '—']
    >>> fmt_column([1.2e9, 5.2e9], "current USD")
    ['$1.2 bn', '$5.2 bn']
    """
    present = [abs(v) for v in values if v is not None and not math.isnan(v)]
    out = []
    for v in values:
        if v is None or math.isnan(v):
            out.append(missing)
        elif _money(unit) and present:
            top = max(present)
            div, word = next(((d, w) for d, w in ((1e12, "tn"), (1e9, "bn"), (1e6, "m"))
                              if top >= d), (1.0, ""))  # fmt: skip
            sign = "-" if v < 0 else ""
            # two decimals where a value of the column is below one unit of the scale
            places = 2 if word and min(present) < div else 1
            text = (f"{sign}${abs(v) / div:,.{places}f} {word}" if word
                    else f"{sign}${abs(v):,.0f}")  # fmt: skip
            out.append(_NEGATIVE_ZERO.sub(r"\2\3", text))
        elif unit == "persons":
            out.append(fmt_value(v, "count"))
        else:
            out.append(fmt_value(v, unit))
    return out
