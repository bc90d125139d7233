"""Indicator inputs of the presence index and the case-study selection, from the warehouse.

One read-only DuckDB connection and a handful of set-based queries per call build a long
table ``iso3, indicator, value, year, source_id`` for every country at once (no per-country
loop). Which raw file a number comes from travels in ``source_id``.

Missing data is explicit: a country-indicator pair without data has no row (NaN in the
matrix) and is never read as zero. The zeros that do appear are real zeros of a census
source: no ATOP alliance row between two states means no obligation (ATOP codes every
alliance), no membership in the agreement registry means no agreement, and an AidData recipient-year row of 0
means no Chinese commitment that year.

Years: the trade-based indicators (COW, to 2014) and IGOs (to 2014) use the index year
exactly; ATOP (to 2018) uses the latest year at or before it; agreements in force (the merged
registry of :mod:`article2.measures.agreements`, as the profile and the map count them) the
index year. For the
selection, growth is projected by Gapminder from the year after the latest World Bank GDP
year, size and governance take each country's latest observation, and trade-based criteria
use the trade year. Each row states its year.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from article2 import paths, warehouse
from article2.measures import agreements as agreements_m
from article2.measures import exposure as exposure_m
from article2.measures import finance as finance_m
from article2.measures import trade as trade_m
from article2.measures.members import members_of

__all__ = [
    "CORE_INDICATORS",
    "actor_members",
    "default_year",
    "presence_inputs",
    "selection_inputs",
]

TRADE = "trade_cow"
DESTA = "desta"
ATOP_ALL = ("atop_defense", "atop_offense", "atop_neutral", "atop_nonagg", "atop_consul")
#: the inputs whose common latest year is the default index year
CORE_INDICATORS: tuple[str, ...] = (TRADE, "igo_shared", "atop_defense")
FINANCE_WINDOW = finance_m.MEAN_WINDOW
GROWTH_HORIZONS = (10, 20)
GOVERNANCE = {"corruption_cpi": "gm_cpi", "democracy_eiu": "gm_democracy_eiu",
              "freedom_fh": "gm_freedom_fh"}  # fmt: skip
_COLUMNS = ["iso3", "indicator", "value", "year", "source_id"]


def _open(path: Path | None) -> duckdb.DuckDBPyConnection:
    return warehouse.connect(Path(path) if path else paths.warehouse_path())


def actor_members(actor: str, year: int, *, path=None) -> tuple[str, ...]:
    """ISO3 keys that make up ``actor`` in ``year``: :func:`article2.measures.members.members_of`."""
    return members_of(warehouse.open_warehouse(path), actor, year)


def _share(wh, actor: str, year: int, flow: str) -> pd.DataFrame:
    """iso3, value: ``actor``'s share of each country's ``flow`` (:mod:`article2.measures.trade`)."""
    t = trade_m.shares(wh, "cow", flow=flow, year=year)
    return t.loc[t["actor"] == actor, ["iso3", "share"]].rename(columns={"share": "value"})


def default_year(path: Path | None = None) -> int:
    """The latest year in which every core input (COW trade, shared IGOs, ATOP) has data."""
    with _open(path) as con:
        ends = [
            con.execute("SELECT max(year) FROM dyad_year WHERE indicator = ?", [i]).fetchall()[0][0]
            for i in CORE_INDICATORS
        ]
    if any(e is None for e in ends):
        raise ValueError(f"the warehouse lacks a core input: {dict(zip(CORE_INDICATORS, ends, strict=True))}")
    return int(min(ends))


def _sid(con, indicator: str) -> str:
    rows = con.execute(
        "SELECT DISTINCT source_id FROM indicators WHERE indicator = ? ORDER BY 1", [indicator]
    ).fetchall()
    return ";".join(r[0] for r in rows)


def _latest_at(con, sql_max: str, params: list, year: int) -> int | None:
    hi = con.execute(sql_max, params).fetchall()[0][0]
    return None if hi is None else int(min(hi, year))


def _frame(rows: pd.DataFrame, indicator: str, year, sid: str) -> pd.DataFrame:
    out = rows[["iso3", "value"]].copy()
    out["indicator"] = indicator
    out["year"] = year if not isinstance(year, pd.Series) else year.to_numpy()
    out["source_id"] = sid
    out["value"] = out["value"].astype(float)
    return out[_COLUMNS]


def _alliances(con, year: int, partners: Sequence[str], indicators: Sequence[str]) -> pd.DataFrame:
    """Per country: number of ``partners`` with an obligation of any of ``indicators``
    (either direction) in ``year``; countries in the ATOP year without one get 0."""
    con.register("_partners", pd.DataFrame({"iso3": list(partners)}))
    ph = ", ".join("?" for _ in indicators)
    return con.execute(
        f"""
        WITH r AS (SELECT iso3_o, iso3_d FROM dyad_year
                   WHERE indicator IN ({ph}) AND year = ? AND value > 0),
        pairs AS (SELECT iso3_d AS iso3, iso3_o AS p FROM r
                  UNION SELECT iso3_o AS iso3, iso3_d AS p FROM r),
        universe AS (SELECT DISTINCT iso3_o AS iso3 FROM dyad_year
                     WHERE indicator = 'atop_defense' AND year = ?
                     UNION SELECT DISTINCT iso3_d FROM dyad_year
                     WHERE indicator = 'atop_defense' AND year = ?)
        SELECT u.iso3, count(DISTINCT pairs.p) FILTER (WHERE pairs.p IN (SELECT iso3 FROM _partners))
               AS value
        FROM universe u LEFT JOIN pairs ON pairs.iso3 = u.iso3
        GROUP BY u.iso3
        """,
        [*indicators, year, year, year],
    ).df()


def _agreements(wh, year: int, partners: Sequence[str]) -> pd.DataFrame:
    """Per country of the agreement registry: agreements in force on 31 December of ``year``
    shared with any of ``partners``: :func:`article2.measures.agreements.in_force_counts`, the
    rule and registry the profile and the map count."""
    return agreements_m.in_force_counts(wh, partners, year)


_SID_AGREEMENTS = ";".join(agreements_m.AGREEMENTS_IN_FORCE.source_ids)


def presence_inputs(actor: str, year: int, *, path: Path | None = None) -> pd.DataFrame:
    """Long table of the presence-index inputs (names of
    :data:`article2.index.config.INDEX_SOURCES`) of every country for ``actor`` in ``year``.

    Countries: every country with COW trade data in ``year``, except the actor's members.
    """
    wh = warehouse.open_warehouse(path)
    members = members_of(wh, actor, year)
    out = []
    with _open(path) as con:
        flows = trade_m.flows(wh, "cow", year=year)
        if flows.empty:
            raise ValueError(f"no COW trade data in {year}: the index needs it (COW ends 2014)")
        sid = ";".join(trade_m.source_ids(wh, "cow"))
        out.append(_frame(_share(wh, actor, year, "exports"), "trade_share_exports", year, sid))
        out.append(_frame(_share(wh, actor, year, "imports"), "trade_share_imports", year, sid))
        universe = set(flows["iso3"])
        if actor == "CHN":
            fin = finance_m.mean5_pct_gdp(wh, year)
            sid_f = ";".join(finance_m.CN_OF_MEAN5_PCT_GDP.source_ids)
            out.append(_frame(fin, "official_finance_pct_gdp", year, sid_f))
        ya = _latest_at(con, "SELECT max(year) FROM dyad_year WHERE indicator = ?",
                        ["atop_defense"], year)  # fmt: skip
        if ya is not None:
            n = len(members)
            sid_a = _sid(con, "atop_defense")
            for name, inds in (("alliance_defense", ("atop_defense",)), ("alliance_any", ATOP_ALL)):
                al = _alliances(con, ya, members, inds)
                al["value"] = al["value"] / n
                out.append(_frame(al, name, ya, sid_a))
        yi = _latest_at(con, "SELECT max(year) FROM dyad_year WHERE indicator = ?",
                        ["igo_shared"], year)  # fmt: skip
        if yi is not None:
            con.register("_partners", pd.DataFrame({"iso3": list(members)}))
            igo = con.execute(
                "SELECT iso3_d AS iso3, avg(value) AS value FROM dyad_year WHERE indicator = "
                "'igo_shared' AND year = ? AND iso3_o IN (SELECT iso3 FROM _partners) GROUP BY 1",
                [yi],
            ).df()
            out.append(_frame(igo, "igo_shared", yi, _sid(con, "igo_shared")))
        out.append(_frame(_agreements(wh, year, members), "agreements_in_force", year,
                          _SID_AGREEMENTS))  # fmt: skip
    frame = pd.concat(out, ignore_index=True)
    frame = frame[frame["iso3"].isin(universe) & ~frame["iso3"].isin(members)]
    return frame.dropna(subset=["value"]).reset_index(drop=True)


def selection_inputs(
    candidates: Sequence[str], trade_year: int, *, path: Path | None = None
) -> pd.DataFrame:
    """Long table of the selection inputs (names of
    :data:`article2.index.config.SELECTION_SOURCES`) for ``candidates``."""
    cand = pd.DataFrame({"iso3": list(candidates)})
    out = []
    with _open(path) as con:
        con.register("_cand", cand)
        # projected growth of GDP = Gapminder GDP per capita (PPP) x population
        gdp_end = con.execute(
            "SELECT max(year) FROM country_year WHERE indicator = 'gdp_usd'"
        ).fetchall()[0][0]
        p0 = int(gdp_end) + 1
        g = con.execute(
            """
            SELECT a.iso3, a.year, a.value * b.value AS gdp
            FROM country_year a JOIN country_year b ON b.iso3 = a.iso3 AND b.year = a.year
                 AND b.indicator = 'gm_pop'
            WHERE a.indicator = 'gm_gdp_pcap' AND a.year IN (?, ?, ?)
              AND a.iso3 IN (SELECT iso3 FROM _cand)
            """,
            [p0, p0 + GROWTH_HORIZONS[0], p0 + GROWTH_HORIZONS[1]],
        ).df()
        wide = g.pivot_table(index="iso3", columns="year", values="gdp")
        sid_g = f"{_sid(con, 'gm_gdp_pcap')};{_sid(con, 'gm_pop')}"
        for h in GROWTH_HORIZONS:
            if p0 in wide and p0 + h in wide:
                cagr = (wide[p0 + h] / wide[p0]) ** (1.0 / h) - 1.0
                out.append(_frame(cagr.rename("value").reset_index(), f"gdp_growth_{h}y",
                                  p0 + h, sid_g))  # fmt: skip
        # size: log10 GDP, latest year per country
        size = con.execute(
            """
            SELECT iso3, arg_max(value, year) AS gdp, max(year) AS year FROM country_year
            WHERE indicator = 'gdp_usd' AND value > 0 AND iso3 IN (SELECT iso3 FROM _cand)
            GROUP BY 1
            """
        ).df()
        size["value"] = np.log10(size["gdp"])
        out.append(_frame(size, "gdp_log", size["year"], _sid(con, "gdp_usd")))
        # exposure to China and the presence balance, in the trade year
        wh = warehouse.open_warehouse(path)
        sid_t = ";".join(trade_m.source_ids(wh, "cow"))
        for name in ("china_share_imports", "exports_to_china_pct_gdp"):
            e = exposure_m.exposure(wh, name, trade_year)
            out.append(_frame(e, name, trade_year, e["source_id"].iloc[0] if len(e) else sid_t))
        s_c = _share(wh, "CHN", trade_year, "trade").set_index("iso3")["value"]
        s_uj = _share(wh, "USA+JPN", trade_year, "trade").set_index("iso3")["value"]
        with np.errstate(all="ignore"):
            beta = s_uj / (s_uj + s_c.reindex(s_uj.index))
        contest = (1.0 - np.abs(2.0 * beta - 1.0)).rename("value").reset_index()
        out.append(_frame(contest, "presence_contest", trade_year, sid_t))
        # alliances and agreements: latest year of each source
        ya = con.execute(
            "SELECT max(year) FROM dyad_year WHERE indicator = 'atop_defense'"
        ).fetchall()[0][0]
        al = _alliances(con, int(ya), ["USA", "JPN"], ("atop_defense",))
        out.append(_frame(al, "alliance_usa_jpn", int(ya), _sid(con, "atop_defense")))
        yd = con.execute(
            "SELECT max(year(force)) FROM memberships WHERE catalogue = ?", [DESTA]
        ).fetchall()[0][0]
        out.append(_frame(_agreements(wh, int(yd), ["USA", "JPN"]), "agreements_usa_jpn",
                          int(yd), _SID_AGREEMENTS))  # fmt: skip
        out.append(_frame(_agreements(wh, int(yd), ["CHN"]), "agreements_chn", int(yd),
                          _SID_AGREEMENTS))  # fmt: skip
        # governance: latest observation per country (projections excluded: <= last observed)
        for name, ind in GOVERNANCE.items():
            gv = con.execute(
                """
                SELECT iso3, arg_max(value, year) AS value, max(year) AS year FROM country_year
                WHERE indicator = ? AND iso3 IN (SELECT iso3 FROM _cand) GROUP BY 1
                """,
                [ind],
            ).df()
            out.append(_frame(gv, name, gv["year"], _sid(con, ind)))
    frame = pd.concat(out, ignore_index=True)
    frame = frame[frame["iso3"].isin(set(candidates))]
    return frame.dropna(subset=["value"]).reset_index(drop=True)
