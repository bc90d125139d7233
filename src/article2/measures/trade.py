"""Bilateral trade per trade source: flows, each actor's share of a country's trade, and world
totals (for intensities).

Sources (:data:`TRADE_SOURCES`): ``cow`` COW Dyadic Trade 4.0 (importer-reported, annual to
2014), ``comtrade`` UN Comtrade via penppml (exporter-reported, every 4 years 1964-2016),
``imf`` IMF IMTS when fetched (importer-reported, CIF). A dyad row ``(o, d, value)`` is the flow
from ``o`` to ``d``: the imports of a country ``B`` are the rows with ``d = B``, its exports the
rows with ``o = B`` (mirror data where the source is importer-reported).

Share (METHODS.md): ``s(A, B, t) = Σ_{m ∈ members(A, t)} flow(m, B, t) / Σ_k flow(k, B, t)``,
per flow (``imports``, ``exports``) or for ``trade`` (imports and exports added). A country is
not its own partner: when the actor has no member other than the target in the year (the USA's
share with the USA; the EU before 1958), the share is missing, not zero. An EU member's share
with the EU is its trade with the other members.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from article2.measures import Measure, vintages
from article2.measures.members import ACTORS, members
from article2.warehouse import Warehouse

__all__ = [
    "FLOWS",
    "TRADE_SHARE",
    "TRADE_SOURCES",
    "actor_flows_panel",
    "dyads",
    "flows",
    "latest_year",
    "newest_source",
    "pick_source",
    "share",
    "shares",
    "source_ids",
    "world_totals",
    "years",
]

#: trade source -> (warehouse indicator, label)
TRADE_SOURCES: dict[str, tuple[str, str]] = {
    "cow": ("trade_cow", "COW Dyadic Trade 4.0 (importer-reported, annual)"),
    "comtrade": ("trade_comtrade", "UN Comtrade via penppml (exporter-reported, every 4 years)"),
    "imf": ("trade_imf_imports", "IMF IMTS, fetched (importer-reported, CIF, annual)"),
}
FLOWS: tuple[str, ...] = ("imports", "exports", "trade")
#: the annual trade sources a profile chooses among by default (UN Comtrade via penppml, every
#: 4 years, is a sample for gravity estimation and is used only when asked for)
ANNUAL_SOURCES: tuple[str, ...] = ("imf", "cow")

TRADE_SHARE = Measure(
    name="trade_share",
    label="Share of a country's trade with an actor",
    unit="share (0-1)",
    definition="Flows between the country and the actor's members in the year over the "
    "country's flows with all partners (imports, exports, or both added for 'trade'); missing "
    "when the actor has no member other than the country.",
    source_ids=("cow_trade/cow_dyadic_trade_4.0.csv.gz", "comtrade_penppml/trade.csv.gz"),
)


def _indicator(source: str) -> str:
    if source not in TRADE_SOURCES:
        raise ValueError(f"unknown trade source {source!r}; allowed: {', '.join(TRADE_SOURCES)}")
    return TRADE_SOURCES[source][0]


def source_ids(wh: Warehouse, source: str = "cow") -> tuple[str, ...]:
    """The raw files of a trade source in this warehouse."""
    ind = _indicator(source)
    return wh.cached(("trade_sids", ind), lambda: tuple(r[0] for r in wh.rows(
        "SELECT DISTINCT source_id FROM indicators WHERE indicator = ? ORDER BY 1", [ind])))


def years(wh: Warehouse, source: str = "cow") -> tuple[int, ...]:
    """Years with any flow of the source."""
    ind = _indicator(source)
    return wh.cached(("trade_years", ind), lambda: tuple(int(r[0]) for r in wh.rows(
        "SELECT DISTINCT year FROM dyad_year WHERE indicator = ? ORDER BY 1", [ind])))


def flows(
    wh: Warehouse, source: str = "cow", *, iso3: str | None = None, year: int | None = None,
    first: int | None = None, last: int | None = None,
) -> pd.DataFrame:
    """Columns ``iso3, flow, partner, year, value``: each country's imports from and exports to
    every partner (rows with a value), for one country and/or one year or a range of years."""
    ind = _indicator(source)
    conds = ["indicator = ?", "value IS NOT NULL"]
    params: list[str | int] = [ind]
    if year is not None:
        conds.append("year = ?")
        params.append(int(year))
    if first is not None:
        conds.append("year >= ?")
        params.append(int(first))
    if last is not None:
        conds.append("year <= ?")
        params.append(int(last))
    where = " AND ".join(conds)
    imp = where + (" AND iso3_d = ?" if iso3 else "")
    exp = where + (" AND iso3_o = ?" if iso3 else "")
    p = params + ([iso3] if iso3 else [])
    out = wh.sql(
        f"SELECT iso3_d AS iso3, 'imports' AS flow, iso3_o AS partner, year, value "
        f"FROM dyad_year WHERE {imp} UNION ALL "
        f"SELECT iso3_o AS iso3, 'exports' AS flow, iso3_d AS partner, year, value "
        f"FROM dyad_year WHERE {exp}",
        [*p, *p],
    )
    out["year"] = out["year"].astype(int)
    return out


def latest_year(wh: Warehouse, iso3: str, source: str = "cow") -> int | None:
    """The latest year in which ``iso3`` has a positive flow (either direction) in the source."""
    ind = _indicator(source)
    rows = wh.rows(
        "SELECT max(year) FROM dyad_year WHERE indicator = ? AND (iso3_d = ? OR iso3_o = ?) "
        "AND value > 0", [ind, iso3, iso3])  # fmt: skip
    return None if rows[0][0] is None else int(rows[0][0])


def actor_flows_panel(flows: pd.DataFrame, members: pd.DataFrame) -> pd.DataFrame:
    """Flows between each target and each actor, summed over the actor's members, per year
    (pure).

    Args:
        flows: columns ``iso3`` (the target), ``partner``, ``year``, ``value`` — all partners of
            each target in one channel (or several stacked); missing values are skipped.
        members: columns ``actor, year, iso3``.

    Returns:
        Columns ``iso3, actor, year, value, total, share, n_partners`` (``share = value /
        total``, NaN when the total is 0; ``value`` 0 when no member trades with the target),
        sorted by target, actor and year; one row per target-year with flows and actor with
        members that year.
    """
    for frame, needed, what in ((flows, ("iso3", "partner", "year", "value"), "flows"),
                                (members, ("actor", "year", "iso3"), "members")):  # fmt: skip
        missing = [c for c in needed if c not in frame.columns]
        if missing:
            raise ValueError(f"actor_flows_panel {what}: missing columns {missing}; "
                             f"has {list(frame.columns)}")  # fmt: skip
    totals = flows.groupby(["iso3", "year"], as_index=False).agg(
        total=("value", "sum"), n_partners=("partner", "nunique")
    )
    mem = members[["actor", "year", "iso3"]].rename(columns={"iso3": "member"})
    joined = mem.merge(flows, left_on=["year", "member"], right_on=["year", "partner"])
    summed = joined.groupby(["iso3", "actor", "year"], as_index=False)["value"].sum()
    grid = mem[["actor", "year"]].drop_duplicates().merge(totals, on="year")
    out = grid.merge(summed, on=["iso3", "actor", "year"], how="left")
    out["value"] = out["value"].fillna(0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["share"] = np.where(out["total"] > 0, out["value"] / out["total"], np.nan)
    return out[["iso3", "actor", "year", "value", "total", "share", "n_partners"]].sort_values(
        ["iso3", "actor", "year"], ignore_index=True
    )


def _compute_shares(wh, source, flow, iso3, year, first, last) -> pd.DataFrame:
    f = flows(wh, source, iso3=iso3, year=year, first=first, last=last)
    if flow != "trade":
        f = f[f["flow"] == flow]
    cols = ["iso3", "actor", "year", "flow", "value", "total", "share", "source_id"]
    if f.empty:
        return pd.DataFrame(columns=cols)
    ys = sorted(f["year"].unique())
    mem = members(wh, ys)
    panel = actor_flows_panel(f[["iso3", "partner", "year", "value"]], mem)
    # every target-year with flows gets a row per actor (missing when the actor has no members)
    targets = f.groupby(["iso3", "year"], as_index=False)["value"].sum()
    targets = targets.rename(columns={"value": "total"})
    grid = targets.merge(pd.DataFrame({"actor": list(ACTORS)}), how="cross")
    out = grid.merge(panel[["iso3", "actor", "year", "value", "share"]],
                     on=["iso3", "actor", "year"], how="left")  # fmt: skip
    # a country is not its own partner: no member other than the target -> missing
    others = mem.merge(out[["iso3", "year"]].drop_duplicates(), on="year", suffixes=("_m", ""))
    others = others[others["iso3_m"] != others["iso3"]]
    has = others[["actor", "year", "iso3"]].drop_duplicates().assign(_has=True)
    out = out.merge(has, on=["actor", "year", "iso3"], how="left")
    alone = out["_has"].isna()
    out.loc[alone, ["value", "share"]] = np.nan
    out["flow"] = flow
    out["source_id"] = ";".join(source_ids(wh, source))
    order = {a: i for i, a in enumerate(ACTORS)}
    out = out.sort_values(["iso3", "year", "actor"],
                          key=lambda s: s.map(order) if s.name == "actor" else s)  # fmt: skip
    return out[cols].reset_index(drop=True)


def shares(
    wh: Warehouse, source: str = "cow", *, flow: str = "imports", iso3: str | None = None,
    year: int | None = None, first: int | None = None, last: int | None = None,
) -> pd.DataFrame:
    """Every actor's share of the trade of one country and/or in one year (or years
    ``first..last``): columns ``iso3, actor, year, flow, value, total, share, source_id`` (the
    module docstring gives the definition; ``value`` and ``total`` in the source's unit)."""
    if flow not in FLOWS:
        raise ValueError(f"unknown flow {flow!r}; allowed: {', '.join(FLOWS)}")
    key = ("shares", source, flow, iso3, year, first, last)
    return wh.cached(key, lambda: _compute_shares(wh, source, flow, iso3, year, first, last))


def share(
    wh: Warehouse, actor: str, year: int, *, flow: str = "trade", source: str = "cow"
) -> pd.DataFrame:
    """One actor's share of every country's trade in ``year``: columns ``iso3, year, value,
    source_id`` (value = share, 0-1; rows only where it is defined)."""
    if actor not in ACTORS:
        raise ValueError(f"unknown actor {actor!r}; allowed: {', '.join(ACTORS)}")
    t = shares(wh, source, flow=flow, year=year)
    t = t[(t["actor"] == actor) & t["share"].notna()]
    return t[["iso3", "year", "share", "source_id"]].rename(columns={"share": "value"}).reset_index(
        drop=True
    )


def world_totals(wh: Warehouse, source: str, year: int) -> dict:
    """World totals of a trade source in ``year`` (``total``, ``log_min``, ``log_max`` of
    ``ln(1 + flow)``) and each actor's extra-bloc exports, imports and intra-bloc flows
    (``actors``: frame indexed by actor), the denominators of trade intensity."""
    ind = _indicator(source)

    def compute() -> dict:
        mem = members(wh, [year])[["actor", "iso3"]]
        total, lo, hi = wh.rows(
            "SELECT sum(value), min(ln(1 + value)), max(ln(1 + value)) FROM dyad_year "
            "WHERE indicator = ? AND year = ?", [ind, year])[0]  # fmt: skip
        actors = wh.sql(
            """
            WITH f AS (SELECT iso3_o, iso3_d, value FROM dyad_year
                       WHERE indicator = ? AND year = ?),
            tagged AS (
              SELECT a.actor, f.value,
                     mo.iso3 IS NOT NULL AS o_in, md.iso3 IS NOT NULL AS d_in
              FROM f CROSS JOIN (SELECT DISTINCT actor FROM _members) a
              LEFT JOIN _members mo ON mo.actor = a.actor AND mo.iso3 = f.iso3_o
              LEFT JOIN _members md ON md.actor = a.actor AND md.iso3 = f.iso3_d)
            SELECT actor,
              coalesce(sum(value) FILTER (WHERE o_in AND NOT d_in), 0) AS ext_exports,
              coalesce(sum(value) FILTER (WHERE d_in AND NOT o_in), 0) AS ext_imports,
              coalesce(sum(value) FILTER (WHERE o_in AND d_in), 0) AS intra
            FROM tagged GROUP BY actor
            """,
            [ind, year],
            tables={"_members": mem},
        )
        return {"total": total or 0.0, "log_min": lo, "log_max": hi,
                "actors": actors.set_index("actor")}  # fmt: skip

    return wh.cached(("world", ind, int(year)), compute)


def dyads(wh: Warehouse, source: str, year: int) -> pd.DataFrame:
    """Every dyad's flow of a trade source in ``year``: columns ``iso3_o, iso3_d, value,
    source_id``."""
    return wh.sql(
        "SELECT iso3_o, iso3_d, value, source_id FROM dyad_year WHERE indicator = ? AND year = ?",
        [_indicator(source), int(year)],
    )


def pick_source(latest: dict[str, tuple[int | None, str]], fallback: str = "cow") -> str:
    """The trade source whose latest year is newest (pure): ``latest`` maps a source to its
    latest year for the country and one of its source ids; the rule of
    :mod:`article2.measures.vintages` decides (the newest year wins; within a year the fetched
    source wins over the snapshot file, then the order of ``latest``). ``fallback`` when no
    source has a year."""
    rows = pd.DataFrame(
        [("", y, 1.0, sid, name) for name, (y, sid) in latest.items() if y is not None],
        columns=["iso3", "year", "value", "source_id", "trade_source"],
    )
    if rows.empty:
        return fallback
    order = tuple(vintages.origin(sid)[0] for _, (_, sid) in latest.items())
    best = vintages.newest(rows, ("iso3",), order)
    return str(best["trade_source"].iloc[0])


def newest_source(wh: Warehouse, iso3: str) -> str:
    """The annual trade source (:data:`ANNUAL_SOURCES`) with the newest year for ``iso3``: IMF
    IMTS once fetched and newer than COW, else COW (:func:`pick_source`)."""
    latest = {}
    for s in ANNUAL_SOURCES:
        ids = source_ids(wh, s)
        if ids:
            latest[s] = (latest_year(wh, iso3, s), ids[0])
    return pick_source(latest)
