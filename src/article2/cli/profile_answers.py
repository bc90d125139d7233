"""The profile's direct answers as tables (``article2 profile``): top five partners per channel
(latest year), the scalar answers (GDP rank, population growth, governance scores) and the
agreements signed but never in force. Labels and units come from the measure catalogue."""

from __future__ import annotations

import math

import pandas as pd
from rich.table import Table

from article2.cli._app import console
from article2.measures.catalogue import MEASURES
from article2.profiles import Profile

__all__ = ["print_answers"]


def _fmt(v, unit: str) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    v = float(v)
    if unit.startswith("%"):
        return f"{v:+.2f}%"
    if unit.startswith("rank"):
        return f"{v:.0f}"
    if unit in ("persons", "current USD"):
        a = abs(v)
        for div, suffix in ((1e12, "tn"), (1e9, "bn"), (1e6, "m"), (1e3, "k")):
            if a >= div:
                return f"{v / div:,.1f}{suffix}"
        return f"{v:,.0f}"
    return f"{v:g}"


def print_answers(p: Profile) -> None:
    """Print the answers of ``p`` (nothing when they were not computed)."""
    a = p.answers
    if a is None:
        return
    t = Table(title=f"Top 5 partners of {p.name} per channel (latest year with data)")
    for col in ("channel", "year", "1", "2", "3", "4", "5", "source"):
        t.add_column(col)
    for name, rows in a.top.items():
        m = MEASURES[name]
        if rows.empty:
            t.add_row(m.label, "–", "no data", "", "", "", "", "")
            continue
        y = int(rows["year"].max())
        last = rows[rows["year"] == y].sort_values("rank")
        cells = [f"{r.partner} {_fmt(r.value, m.unit)} ({r.share:.1f}%)"
                 for r in last.itertuples(index=False)]  # fmt: skip
        cells += [""] * (5 - len(cells))
        t.add_row(m.label, str(y), *cells, "; ".join(sorted(set(last["source_id"]))))
    console.print(t)
    console.print(
        "share: % of the country's total with every partner country in the data that year; "
        "values: " + "; ".join(f"{MEASURES[n].label}: {MEASURES[n].unit}" for n in a.top),
        highlight=False, markup=False,
    )  # fmt: skip
    t = Table(title=f"{p.name}: size, population growth, governance")
    for col in ("answer", "year", "value", "unit", "detail", "source"):
        t.add_column(col, justify="right" if col == "value" else "left")
    for r in a.facts.itertuples(index=False):
        m = MEASURES[r.measure]
        detail = (f"of {int(r.n)} countries with GDP" if not pd.isna(r.n)
                  else f"since {int(r.base_year)}" if not pd.isna(r.base_year) else "")
        t.add_row(m.label, str(r.year), _fmt(r.value, m.unit), m.unit, detail, r.source_id)
    console.print(t)
    nv = a.never_in_force
    t = Table(title=f"Trade agreements {p.name} signed that never entered into force for it")
    for col in ("agreement", "title", "signed", "evidence", "source"):
        t.add_column(col)
    if nv.empty:
        t.add_row("–", "none in the registry", "", "", "")
    for r in nv.itertuples(index=False):
        signed = "–" if pd.isna(r.signature) else f"{r.signature:%Y-%m-%d}"
        t.add_row(r.agreement_id, r.title, signed, r.evidence, r.citation)
    console.print(t)
    for n in a.notes:
        console.print(f"note: {n}", highlight=False, markup=False)
