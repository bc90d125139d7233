"""Indicator inputs of the presence index and the case-study selection, from the warehouse.

Set-based selections from the measures layer (one :class:`~article2.warehouse.Warehouse`
handle) build a long table ``iso3, indicator, value, year, source_id`` for every country at once (no per-country
loop). Which raw file a number comes from travels in ``source_id``.

Missing data is explicit: a country-indicator pair without data has no row (NaN in the
matrix) and is never read as zero. The zeros that do appear are real zeros of a census
source: no ATOP alliance row between two states means no obligation (ATOP codes every
alliance), no membership in the agreement registry means no agreement, and an AidData recipient-year row of 0
means no Chinese commitment that year.

Years: the trade-based indicators (COW, to 2014) and IGOs (to 2014) use the index year
exactly; ATOP (to 2018) uses the latest year at or before it; agreements in force (the merged
registry of :mod:`article2.measures.agreements`, as the profile and the map count them) the
index year. The channels' inputs (:mod:`article2.measures.channel_presence`) exist only for the
actors their data cover: U.S. assistance (fiscal year = index year) and U.S. goods trade (IMF
DOTS) for the United States alone; the share of the country's emigrants in the actor (UN DESA,
latest year at or before the index year) for every actor; the share of its students abroad in
the actor (OECD, latest year at or before) for actors whose every member reports (not China,
not the EU). For the
selection, growth is projected by Gapminder from the year after the latest World Bank GDP
year, size and governance take each country's latest observation, and trade-based criteria
use the trade year. Each row states its year.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from article2 import warehouse
from article2.measures import agreements as agreements_m
from article2.measures import channel_presence as presence_m
from article2.measures import economy, identity
from article2.measures import exposure as exposure_m
from article2.measures import finance as finance_m
from article2.measures import ties as ties_m
from article2.measures import trade as trade_m
from article2.measures.members import members_of

__all__ = [
    "CHANNEL_INPUTS",
    "CORE_INDICATORS",
    "channel_inputs",
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


def actor_members(actor: str, year: int, *, path=None) -> tuple[str, ...]:
    """ISO3 keys that make up ``actor`` in ``year``: :func:`article2.measures.members.members_of`."""
    return members_of(warehouse.open_warehouse(path), actor, year)


def _share(wh, actor: str, year: int, flow: str) -> pd.DataFrame:
    """iso3, value: ``actor``'s share of each country's ``flow`` (:mod:`article2.measures.trade`)."""
    t = trade_m.shares(wh, "cow", flow=flow, year=year)
    return t.loc[t["actor"] == actor, ["iso3", "share"]].rename(columns={"share": "value"})


def default_year(path: Path | None = None) -> int:
    """The latest year in which every core input (COW trade, shared IGOs, ATOP) has data."""
    wh = warehouse.open_warehouse(path)
    ends = [identity.coverage(wh, "dyad_year", i)[1] for i in CORE_INDICATORS]
    if any(e is None for e in ends):
        raise ValueError(f"the warehouse lacks a core input: {dict(zip(CORE_INDICATORS, ends, strict=True))}")
    return int(min(ends))


def _sid(wh, indicator: str) -> str:
    return ";".join(identity.indicator_sources(wh).get(indicator, ()))


def _latest_at(wh, indicator: str, year: int) -> int | None:
    hi = identity.coverage(wh, "dyad_year", indicator)[1]
    return None if hi is None else int(min(hi, year))


def _frame(rows: pd.DataFrame, indicator: str, year, sid: str) -> pd.DataFrame:
    out = rows[["iso3", "value"]].copy()
    out["indicator"] = indicator
    out["year"] = year if not isinstance(year, pd.Series) else year.to_numpy()
    out["source_id"] = sid
    out["value"] = out["value"].astype(float)
    return out[_COLUMNS]


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
    ya = _latest_at(wh, "atop_defense", year)
    if ya is not None:
        n = len(members)
        sid_a = _sid(wh, "atop_defense")
        for name, inds in (("alliance_defense", ("atop_defense",)), ("alliance_any", ATOP_ALL)):
            al = ties_m.alliance_counts(wh, ya, members, inds)
            al["value"] = al["value"] / n
            out.append(_frame(al, name, ya, sid_a))
    yi = _latest_at(wh, "igo_shared", year)
    if yi is not None:
        igo = ties_m.igo_mean(wh, yi, members)
        out.append(_frame(igo, "igo_shared", yi, _sid(wh, "igo_shared")))
    out.append(_frame(_agreements(wh, year, members), "agreements_in_force", year,
                      _SID_AGREEMENTS))  # fmt: skip
    out += channel_inputs(wh, actor, year)
    frame = pd.concat(out, ignore_index=True)
    frame = frame[frame["iso3"].isin(universe) & ~frame["iso3"].isin(members)]
    return frame.dropna(subset=["value"]).reset_index(drop=True)


#: index input -> the channel presence measure it takes (:mod:`article2.measures.channel_presence`)
CHANNEL_INPUTS: dict[str, str] = {
    "us_aid_pct_gdp": "us_aid_obligations_pct_gdp",
    "us_goods_trade_pct_gdp": "us_goods_trade_pct_gdp",
    "migrants_share": "migrants_in_actor_share",
    "students_share": "students_in_actor_share",
}


def channel_inputs(wh, actor: str, year: int) -> list[pd.DataFrame]:
    """The channels' presence inputs of ``actor`` in ``year``: only those whose data cover the
    actor (:func:`article2.measures.channel_presence.coverage`); an input the data cannot hold
    for the actor has no rows, so the matrix leaves it out instead of scoring zeros."""
    left_out = presence_m.coverage(wh, actor, year)
    out = []
    for name, measure in CHANNEL_INPUTS.items():
        if measure in left_out:
            continue
        if measure == "us_aid_obligations_pct_gdp":
            t = presence_m.us_aid_pct_gdp(wh, year)
        elif measure == "us_goods_trade_pct_gdp":
            t = presence_m.us_goods_trade_pct_gdp(wh, year)
        elif measure == "migrants_in_actor_share":
            t = presence_m.migrants_share(wh, actor, year)
        else:
            t = presence_m.students_share(wh, actor, year)
        if not t.empty:
            f = _frame(t, name, t["year"], "")
            f["source_id"] = t["source_id"].to_numpy()
            out.append(f)
    return out


def selection_inputs(
    candidates: Sequence[str], trade_year: int, *, path: Path | None = None
) -> pd.DataFrame:
    """Long table of the selection inputs (names of
    :data:`article2.index.config.SELECTION_SOURCES`) for ``candidates``."""
    wh = warehouse.open_warehouse(path)
    cand = list(candidates)
    out = []
    # projected growth of GDP = Gapminder GDP per capita (PPP) x population
    gdp_end = identity.coverage(wh, "country_year", "gdp_usd")[1]
    p0 = int(gdp_end) + 1
    g = economy.gapminder_gdp(wh, (p0, p0 + GROWTH_HORIZONS[0], p0 + GROWTH_HORIZONS[1]),
                              cand)  # fmt: skip
    wide = g.pivot_table(index="iso3", columns="year", values="gdp")
    sid_g = f"{_sid(wh, 'gm_gdp_pcap')};{_sid(wh, 'gm_pop')}"
    for h in GROWTH_HORIZONS:
        if p0 in wide and p0 + h in wide:
            cagr = (wide[p0 + h] / wide[p0]) ** (1.0 / h) - 1.0
            out.append(_frame(cagr.rename("value").reset_index(), f"gdp_growth_{h}y",
                              p0 + h, sid_g))  # fmt: skip
    # size: log10 GDP, latest year per country
    size = economy.latest(wh, "gdp_usd", cand, positive=True)
    size["value"] = np.log10(size["value"])
    out.append(_frame(size, "gdp_log", size["year"], _sid(wh, "gdp_usd")))
    # exposure to China and the presence balance, in the trade year
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
    ya = identity.coverage(wh, "dyad_year", "atop_defense")[1]
    yd = agreements_m.catalogue_years(wh, DESTA)[1]
    if ya is None or yd is None:
        raise ValueError("the warehouse holds no ATOP alliances or DESTA agreements")
    al = ties_m.alliance_counts(wh, int(ya), ["USA", "JPN"], ("atop_defense",))
    out.append(_frame(al, "alliance_usa_jpn", int(ya), _sid(wh, "atop_defense")))
    out.append(_frame(_agreements(wh, int(yd), ["USA", "JPN"]), "agreements_usa_jpn",
                      int(yd), _SID_AGREEMENTS))  # fmt: skip
    out.append(_frame(_agreements(wh, int(yd), ["CHN"]), "agreements_chn", int(yd),
                      _SID_AGREEMENTS))  # fmt: skip
    # governance: latest observation per country (projections excluded: <= last observed)
    for name, ind in GOVERNANCE.items():
        gv = economy.latest(wh, ind, cand)
        out.append(_frame(gv, name, gv["year"], _sid(wh, ind)))
    frame = pd.concat(out, ignore_index=True)
    frame = frame[frame["iso3"].isin(set(candidates))]
    return frame.dropna(subset=["value"]).reset_index(drop=True)
