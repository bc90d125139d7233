"""The country page's channel blocks, shaped for the template from a profile: the latest year
and source per channel (:func:`article2.profiles.coverage.channel_coverage`), who finances, who
moves and recent U.S. goods trade (the tables of ``profile.channels``,
:mod:`article2.measures.channels`).

Presentation only: every value and year is the profile's; nothing is recomputed here. Tables
become rows of ``{"year": ..., column: value}`` with column labels for people.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from article2.profiles.coverage import channel_coverage
from article2.profiles.model import Profile

__all__ = ["ACTOR_NAMES", "channel_blocks"]

ACTOR_NAMES = {"USA": "United States", "JPN": "Japan", "CHN": "China", "EU": "EU members",
               "KOR": "South Korea"}  # fmt: skip

#: (measure, partner) -> (column label, kind of number) of the "who finances" table
_FINANCE_COLUMNS: tuple[tuple[str, str, str, str], ...] = (
    ("us_aid_obligations", "USA", "U.S. assistance obligated (USD m)", "usd"),
    ("us_aid_disbursements", "USA", "U.S. assistance disbursed (USD m)", "usd"),
    ("cn_official_finance", "CHN", "Chinese official finance committed (USD m, 2021 prices)",
     "usd"),
    ("dac_oda", "JPN", "Japanese ODA disbursed (USD m)", "usd"),
    ("dac_oda", "EU", "EU members' ODA disbursed (USD m)", "usd"),
)
_US_AID_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("us_aid_obligations", "Obligated (USD m)", "usd"),
    ("us_aid_disbursements", "Disbursed (USD m)", "usd"),
    ("us_aid_obligations_constant", "Obligated (USD m, constant)", "usd"),
    ("us_aid_obligations_pct_gdp", "Obligated, % of GDP", "pct"),
)
_TRADE_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("us_exports_to", "U.S. exports to it (USD m)", "usd"),
    ("us_imports_from", "U.S. imports from it (USD m)", "usd"),
    ("us_goods_trade", "Total (USD m)", "usd"),
    ("us_goods_trade_pct_gdp", "Total, % of its GDP", "pct"),
    ("us_goods_trade_growth_1y", "Total, change on a year (%)", "pct"),
)
_PARTNERS = ("USA", "JPN", "EU", "KOR")


def _wide(table: pd.DataFrame, columns: tuple[tuple[str, str, str], ...], *,
          partner: str | None = None, last: int | None = None) -> dict[str, Any]:
    """Rows year × the ``columns`` (measure, label, kind) of ``table``, newest first."""
    t = table if partner is None else table[table["partner"] == partner]
    t = t[t["measure"].isin([m for m, _, _ in columns])].dropna(subset=["value", "year"])
    if t.empty:
        return {"columns": [], "rows": []}
    wide = t.pivot_table(index="year", columns="measure", values="value", aggfunc="first")
    wide = wide.sort_index(ascending=False)
    if last is not None:
        wide = wide.head(last)
    cols = [(m, label, kind) for m, label, kind in columns if m in wide.columns]
    rows = [{"year": int(y), **{m: (None if pd.isna(r[m]) else float(r[m])) for m, _, _ in cols}}
            for y, r in wide.iterrows()]  # fmt: skip
    return {"columns": [{"key": m, "label": label, "kind": kind} for m, label, kind in cols],
            "rows": rows}


def _finance(table: pd.DataFrame, last: int) -> dict[str, Any]:
    t = table.dropna(subset=["value", "year"])
    cols, series = [], {}
    for measure, partner, label, kind in _FINANCE_COLUMNS:
        hit = t[(t["measure"] == measure) & (t["partner"] == partner)]
        if hit.empty:
            continue
        key = f"{partner}:{measure}"
        cols.append({"key": key, "label": label, "kind": kind})
        series[key] = hit.groupby("year")["value"].first()
    if not cols:
        return {"columns": [], "rows": []}
    frame = pd.DataFrame(series).sort_index(ascending=False).head(last)
    rows = [{"year": int(y), **{k: (None if pd.isna(v) else float(v)) for k, v in r.items()}}
            for y, r in frame.iterrows()]  # fmt: skip
    return {"columns": cols, "rows": rows}


def _people(table: pd.DataFrame, measures: tuple[str, ...]) -> dict[str, Any]:
    """Rows year × partner of each measure in ``measures`` (partners as columns)."""
    t = table[table["measure"].isin(measures) & table["partner"].isin(_PARTNERS)]
    t = t.dropna(subset=["value", "year"])
    if t.empty:
        return {"columns": [], "rows": []}
    wide = t.pivot_table(index="year", columns=["measure", "partner"], values="value",
                         aggfunc="first").sort_index(ascending=False)  # fmt: skip
    cols = [(m, p) for m in measures for p in _PARTNERS if (m, p) in wide.columns]
    rows = [{"year": int(y), **{f"{m}:{p}": (None if pd.isna(r[(m, p)]) else float(r[(m, p)]))
                                for m, p in cols}}
            for y, r in wide.iterrows()]  # fmt: skip
    return {"columns": [{"key": f"{m}:{p}", "partner": ACTOR_NAMES[p], "measure": m}
                        for m, p in cols], "rows": rows}  # fmt: skip


def channel_blocks(profile: Profile) -> dict[str, Any]:
    """What the country page shows of ``profile``'s channels (see the module docstring)."""
    coverage = [
        {"channel": c.channel, "year": c.year, "source": c.source, "note": c.note,
         "source_ids": list(c.source_ids)}
        for c in channel_coverage(profile)
    ]  # fmt: skip
    ch = profile.channels
    if ch is None:
        return {"coverage": coverage, "channels": None}
    latest = {k: {"year": c.year, "partial": dict(c.partial), "caveats": c.caveats}
              for k, c in ch.latest.items()}  # fmt: skip
    students = ch.tables["students"]
    abroad = students[(students["measure"] == "students_abroad_in_data")].dropna(
        subset=["value"])
    return {
        "coverage": coverage,
        "channels": {
            "latest": latest,
            "notes": list(ch.notes),
            "definitions": [{"actor": ACTOR_NAMES.get(a, a), "text": t}
                            for a, t in ch.definitions.items()],
            "finance": _finance(ch.tables["finance"], 12),
            "us_aid": _wide(ch.tables["us_aid"], _US_AID_COLUMNS, partner="USA", last=12),
            "us_trade": _wide(ch.tables["us_trade"], _TRADE_COLUMNS, partner="USA", last=12),
            "migrants": _people(ch.tables["migrants"],
                                ("migrants_in_partner", "migrants_from_partner")),
            "students": _people(students, ("students_in_partner", "students_in_partner_share")),
            "students_abroad": {int(r.year): float(r.value) for r in abroad.itertuples()},
            "has_dac": bool((ch.tables["finance"]["measure"] == "dac_oda").any()),
        },
    }
