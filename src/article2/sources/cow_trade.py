"""Correlates of War Dyadic Trade, version 4.0 (Barbieri & Keshk).

Official page: https://correlatesofwar.org/data-sets/bilateral-trade/ (codebook v4.0).
Format read here: CSV (optionally gzipped) with columns ``ccode1, ccode2, year, flow1, flow2,
smoothflow1, smoothflow2``; ``flow1`` = imports of state 1 from state 2, ``flow2`` = imports of
state 2 from state 1, current USD millions; ``-9`` (or NA) = missing. COW numeric state codes.

Warehouse rows (``dyad_year``; o = exporter, d = importer, value in current USD):
``trade_cow`` (importer-reported flow) and ``trade_cow_smooth`` (the producers' smoothed flow).
The snapshot's copy lists every pair in both orders, so each flow appears twice; repeats with
the same value are stored once and contradictions are quarantined.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from article2.provenance import Origin
from article2.sources import _base as b

__all__ = ["INDICATORS", "ORIGIN", "read"]

ORIGIN = Origin(
    source_id="cow_trade",
    dataset="cow_trade",
    title="Correlates of War Dyadic Trade, version 4.0",
    producer="Barbieri, Keshk & Pollins; Correlates of War Project",
    license="COW data: free to use with citation",
    sha256="",
    citation="Barbieri, K. and Keshk, O. (2016). Correlates of War Project Trade Data Set "
    "Codebook, Version 4.0.",
    url="https://correlatesofwar.org/data-sets/bilateral-trade/",
    vintage="4.0",
)

COLUMNS = ("ccode1", "ccode2", "year", "flow1", "flow2", "smoothflow1", "smoothflow2")

#: indicator -> (unit, description, directed)
INDICATORS = {
    "trade_cow": ("current USD", "Imports of d from o as reported by d (COW flow1/flow2)", True),
    "trade_cow_smooth": ("current USD", "COW smoothed flow from o to d (smoothflow1/2)", True),
}

USD_PER_MILLION = 1e6


def read(path: Path, origin: Origin) -> b.ReadResult:
    """Read the COW dyadic trade CSV into directed ``dyad_year`` observations."""
    sid = origin.source_id
    df = b.read_csv_text(path, sid, COLUMNS)
    q = b.Quarantine(sid)
    report: list[pd.DataFrame] = []
    year = b.to_number(df, "year", q, integer=True)
    flows = {
        c: b.to_number(df, c, q, missing=("-9",), nonnegative=True)
        for c in ("flow1", "flow2", "smoothflow1", "smoothflow2")
    }
    iso1 = b.map_country(df, "ccode1", "cow", q, years=year, report=report).iso3
    iso2 = b.map_country(df, "ccode2", "cow", q, years=year, report=report).iso3
    q.add(
        pd.concat(flows, axis=1).isna().all(axis=1),
        "flow1",
        "no data: every flow missing (-9 or NA)",
    )
    frame = pd.DataFrame({"iso1": iso1, "iso2": iso2, "year": year, "_row": df.index})
    for c, v in flows.items():
        frame[c] = v * USD_PER_MILLION
    b.flag_duplicates(df.drop(index=q.bad_index()), ["ccode1", "ccode2", "year"], q, "ccode1")
    frame = frame.drop(index=q.bad_index())
    # flow1: state 2 -> state 1 ; flow2: state 1 -> state 2
    a = b.melt_obs(
        frame.rename(columns={"iso2": "iso3_o", "iso1": "iso3_d"}),
        ["iso3_o", "iso3_d", "year"],
        {"flow1": "trade_cow", "smoothflow1": "trade_cow_smooth"},
    )
    c = b.melt_obs(
        frame.rename(columns={"iso1": "iso3_o", "iso2": "iso3_d"}),
        ["iso3_o", "iso3_d", "year"],
        {"flow2": "trade_cow", "smoothflow2": "trade_cow_smooth"},
    )
    obs = pd.concat([a, c], ignore_index=True)
    obs = b.resolve_observations(obs, ["iso3_o", "iso3_d", "year", "indicator"], q)
    obs["year"] = obs["year"].astype("int32")
    return b.finish({"dyad_year": obs}, len(df), q, report)
