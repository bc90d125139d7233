"""The profile's direct answers as tables (``article2 profile``): top five partners per channel
(latest year), the scalar answers (GDP rank, population growth, governance scores) and the
agreements signed but never in force. Labels and units come from the measure catalogue."""

from __future__ import annotations

import pandas as pd

from article2.cli._app import console, number, print_table
from article2.measures.catalogue import MEASURES
from article2.profiles import Profile

__all__ = ["print_answers"]


def print_answers(p: Profile, wide: bool = False) -> None:
    """Print the answers of ``p`` (nothing when they were not computed), each value in the one
    format of its unit (:func:`article2.cli._app.number`), each table within the console's
    width (``wide``: every column)."""
    a = p.answers
    if a is None:
        return
    rows = []
    for name, top in a.top.items():
        m = MEASURES[name]
        if top.empty:
            rows.append([m.label, "–", "no data", "", "", "", "", ""])
            continue
        y = int(top["year"].max())
        last = top[top["year"] == y].sort_values("rank")
        cells = [f"{r.partner} {number(r.value, m.unit)} ({number(r.share, '%')})"
                 for r in last.itertuples(index=False)]  # fmt: skip
        cells += [""] * (5 - len(cells))
        rows.append([m.label, str(y), *cells, "; ".join(sorted(set(last["source_id"])))])
    print_table(f"Top 5 partners of {p.name} per channel (latest year with data)",
                ["channel", "year", "1", "2", "3", "4", "5", "source"], rows,
                wide_only=["source"], wide=wide)  # fmt: skip
    console.print(
        "share: % of the country's total with every partner country in the data that year; "
        "values: " + "; ".join(f"{MEASURES[n].label}: {MEASURES[n].unit}" for n in a.top),
        highlight=False, markup=False,
    )  # fmt: skip
    rows = []
    for r in a.facts.itertuples(index=False):
        m = MEASURES[r.measure]
        detail = (f"of {int(r.n)} countries with GDP" if not pd.isna(r.n)
                  else f"since {int(r.base_year)}" if not pd.isna(r.base_year) else "")
        rows.append([m.label, str(r.year), number(r.value, m.unit), m.unit, detail, r.source_id])
    print_table(f"{p.name}: size, population growth, governance",
                ["answer", "year", "value", "unit", "detail", "source"], rows,
                right={"value"}, wide_only=["source"], wide=wide)  # fmt: skip
    nv = a.never_in_force
    rows = [["–", "none in the registry", "", "", ""]] if nv.empty else []
    for r in nv.itertuples(index=False):
        signed = "–" if pd.isna(r.signature) else f"{r.signature:%Y-%m-%d}"
        rows.append([r.agreement_id, r.title, signed, r.evidence, r.citation])
    print_table(f"Trade agreements {p.name} signed that never entered into force for it",
                ["agreement", "title", "signed", "evidence", "source"], rows,
                wide_only=["source"], wide=wide)  # fmt: skip
    for n in a.notes:
        console.print(f"note: {n}", highlight=False, markup=False)
