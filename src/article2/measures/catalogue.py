"""Every measure by name, and one entry point that returns any of them for every country:
:func:`table` (what the Python API's :func:`article2.api.measure` and ``article2 measure``
return)."""

from __future__ import annotations

import pandas as pd

from article2.measures import Measure
from article2.measures import agreements as agreements_m
from article2.measures import answers as answers_m
from article2.measures import channel_presence as presence_m
from article2.measures import exposure as exposure_m
from article2.measures import finance as finance_m
from article2.measures import trade as trade_m
from article2.measures.members import ACTORS, MEMBERSHIP, members_of
from article2.warehouse import Warehouse

__all__ = ["MEASURES", "table"]

MEASURES: dict[str, Measure] = {
    MEMBERSHIP.name: MEMBERSHIP,
    trade_m.TRADE_SHARE.name: trade_m.TRADE_SHARE,
    **{m.name: m for m in (finance_m.CN_OF, finance_m.CN_OF_PCT_GDP, finance_m.CN_OF_CUM_PCT_GDP,
                           finance_m.CN_OF_MEAN5_PCT_GDP)},
    **exposure_m.EXPOSURE,
    agreements_m.AGREEMENTS_IN_FORCE.name: agreements_m.AGREEMENTS_IN_FORCE,
    **answers_m.MEASURES,
    **presence_m.MEASURES,
}  # fmt: skip


def table(
    wh: Warehouse, name: str, year: int, *, actor: str | None = None, flow: str = "trade",
    source: str = "cow",
) -> pd.DataFrame:
    """Measure ``name`` of every country with a value in ``year``: columns ``iso3, year, value,
    source_id`` (exposure measures add ``percentile`` and ``n``). ``trade_share`` and
    ``agreements_in_force`` need ``actor`` (one of :data:`article2.measures.members.ACTORS`) and takes ``flow`` (imports,
    exports, trade) and ``source`` (cow, comtrade, imf)."""
    if name not in MEASURES or name == MEMBERSHIP.name:
        allowed = [m for m in MEASURES if m != MEMBERSHIP.name]
        raise ValueError(f"unknown measure {name!r}; allowed: {', '.join(allowed)}")
    year = int(year)
    if name == "trade_share":
        if actor not in ACTORS:
            raise ValueError(f"trade_share needs an actor; allowed: {', '.join(ACTORS)}")
        return trade_m.share(wh, actor, year, flow=flow, source=source)
    if name == "agreements_in_force":
        if actor not in ACTORS:
            raise ValueError(f"agreements_in_force needs an actor; allowed: {', '.join(ACTORS)}")
        t = agreements_m.in_force_counts(wh, members_of(wh, actor, year), year)
        return t.assign(source_id=";".join(agreements_m.AGREEMENTS_IN_FORCE.source_ids))
    if name in presence_m.MEASURES:
        return _presence(wh, name, year, actor)
    if name in answers_m.MEASURES:
        return answers_m.table(wh, name, year, source=source)
    if name in exposure_m.MEASURES:
        return exposure_m.exposure(wh, name, year, source=source)
    fn = {
        "cn_of": finance_m.commitments,
        "cn_of_pct_gdp": finance_m.pct_gdp,
        "cn_of_cum_pct_gdp": finance_m.cumulative_pct_gdp,
        "cn_of_mean5_pct_gdp": finance_m.mean5_pct_gdp,
    }[name]
    return fn(wh, year).reset_index(drop=True)


def _presence(wh: Warehouse, name: str, year: int, actor: str | None) -> pd.DataFrame:
    """A channel's presence measure (:mod:`article2.measures.channel_presence`): U.S.-only
    measures need no actor (or ``USA``); the shares need one; an actor the data do not cover
    is an error naming why."""
    if name in ("us_aid_obligations_pct_gdp", "us_goods_trade_pct_gdp"):
        if actor not in (None, "USA"):
            raise ValueError(f"{name} is the United States' own data; actor must be USA")
        fn = presence_m.us_aid_pct_gdp if name.startswith("us_aid") else \
            presence_m.us_goods_trade_pct_gdp
        return fn(wh, year)
    if actor not in ACTORS:
        raise ValueError(f"{name} needs an actor; allowed: {', '.join(ACTORS)}")
    why = presence_m.coverage(wh, actor, year).get(name)
    if why:
        raise ValueError(f"{name} has no value for {actor} in {year}: {why}")
    fn2 = presence_m.migrants_share if name.startswith("migrants") else presence_m.students_share
    return fn2(wh, actor, year)
