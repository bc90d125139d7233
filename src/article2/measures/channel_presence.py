"""The new channels as presence of an actor in every country, for the composite index: U.S.
assistance and U.S. goods trade as % of the country's GDP, and the share of the country's
emigrants and of its international tertiary students who are in the actor.

Each function returns ``iso3, year, value, source_id`` for every country with a value, and
applies the same definition as the per-country channel measures of the profile
(:mod:`article2.measures.us_aid`, :mod:`~article2.measures.us_trade`,
:mod:`~article2.measures.people`); ``tests/test_channel_presence.py`` checks that they agree.

**Which actors the data cover** (:func:`coverage`): a measure exists for an actor only when the
data could hold every one of its members; otherwise there is no value at all, never a zero.

- U.S. assistance (ForeignAssistance.gov) and U.S. goods trade (IMF DOTS, the U.S. file) are
  the United States' alone: actor ``USA`` only (for ``USA+JPN`` Japan's half is not in the
  snapshot, so the sum would be read as Japan giving and trading nothing).
- Migrant stock (UN DESA) covers every destination: every actor.
- International students (OECD) cover 40 reporting destinations: an actor is covered in a year
  when each of its members is a reporting destination that year. China reports none; five EU
  members (Bulgaria, Croatia, Cyprus, Malta, Romania) report none, so the EU is not covered
  either.

Missing is missing: a country without a U.S. assistance or DOTS row in the year has no value
(the files do not tell "none" from "not reported"); a country whose emigrants or students
abroad sum to zero in the data has no share.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from article2.measures import Measure, economy
from article2.measures import us_trade as us_trade_m
from article2.measures._channels import join_ids
from article2.measures.members import members_of
from article2.warehouse import Warehouse

__all__ = [
    "MEASURES",
    "coverage",
    "migrants_share",
    "reporting_destinations",
    "students_share",
    "us_aid_pct_gdp",
    "us_goods_trade_pct_gdp",
]

_MIG = "undesa_migrant_stock/UN_MigrantStockByOriginAndDestination_2019_clean.csv.gz"
_STU = "oecd_students/OECD_Intl_Student_Enrollment_2013_2019.csv.gz"

MEASURES: dict[str, Measure] = {
    m.name: m
    for m in (
        Measure("us_aid_obligations_pct_gdp", "U.S. assistance obligations, % of GDP",
                "% of GDP",
                "U.S. foreign assistance obligated to the country in the U.S. fiscal year "
                "(current USD, all assistance, military included) as a percentage of its GDP "
                "(World Bank, current USD) in the calendar year in which the fiscal year ends; "
                "United States only.", ("us_aid/us_foreign_aid_country.csv.gz",
                                        economy.GDP_SOURCE)),
        Measure("us_goods_trade_pct_gdp", "U.S. goods trade, % of GDP", "% of GDP",
                "U.S. goods exports to the country (FOB) plus imports from it (CIF), as the "
                "United States reports them (IMF DOTS), as a percentage of the country's GDP "
                "(World Bank, current USD) in the same year; United States only.",
                ("imf_dots_us/dots_us.csv.gz", economy.GDP_SOURCE)),
        Measure("migrants_in_actor_share", "Emigrants living in the actor, % of all",
                "% of emigrants",
                "People born in the country living in the actor's members at mid-year, as a "
                "percentage of all people born in it living in any other country (UN DESA "
                "2019; 1990, 1995, 2000, 2005, 2010, 2015, 2019).", (_MIG,)),
        Measure("students_in_actor_share", "Tertiary students abroad in the actor, % of all",
                "% of students abroad in the data",
                "The country's international tertiary students enrolled in the actor's members "
                "as a percentage of all its international tertiary students in the 40 reporting "
                "destinations (OECD, 2013-2019); only for actors whose every member reports.",
                (_STU,)),
    )
}  # fmt: skip


def _pct(num: pd.Series, den: pd.Series) -> pd.Series:
    with np.errstate(all="ignore"):
        return 100.0 * num / den.where(den > 0)


def us_aid_pct_gdp(wh: Warehouse, year: int) -> pd.DataFrame:
    """U.S. obligations in fiscal ``year`` as % of GDP of every recipient with both: the
    definition of ``us_aid_obligations_pct_gdp`` in :mod:`article2.measures.us_aid`."""
    from article2.measures import us_aid

    aid = wh.sql(
        "SELECT iso3, year, indicator, value, source_id FROM country_year "
        "WHERE indicator = 'us_aid_obligations_current' AND year = ?", [int(year)])
    gdp = economy.gdp(wh, int(year))
    t = us_aid.us_assistance(aid, gdp)
    if t.empty:
        return pd.DataFrame(columns=["iso3", "year", "value", "source_id"])
    t = t[(t["measure"] == "us_aid_obligations_pct_gdp") & t["value"].notna()]
    return pd.DataFrame({"iso3": t["iso3"], "year": t["year"].astype(int),
                         "value": t["value"].astype(float),
                         "source_id": t["source_ids"]}).reset_index(drop=True)  # fmt: skip


def us_goods_trade_pct_gdp(wh: Warehouse, year: int) -> pd.DataFrame:
    """U.S. goods exports to plus imports from every partner in ``year`` as % of its GDP: the
    definition of ``us_goods_trade_pct_gdp`` in :mod:`article2.measures.us_trade` (NaN, hence no
    row, when either direction is missing)."""
    dots = wh.sql(
        "SELECT iso3_o, iso3_d, indicator, value, source_id FROM dyad_year "
        "WHERE indicator IN (?, ?) AND year = ?",
        [us_trade_m.EXPORTS, us_trade_m.IMPORTS, int(year)])
    ex = dots[(dots["indicator"] == us_trade_m.EXPORTS) & (dots["iso3_o"] == "USA")]
    im = dots[(dots["indicator"] == us_trade_m.IMPORTS) & (dots["iso3_d"] == "USA")]
    ex = ex.groupby("iso3_d").agg(x=("value", "sum"), sx=("source_id", join_ids))
    im = im.groupby("iso3_o").agg(m=("value", "sum"), sm=("source_id", join_ids))
    both = ex.join(im, how="inner")
    gdp = economy.gdp(wh, int(year)).set_index("iso3")
    both = both.join(gdp[["value", "source_id"]].rename(columns={"value": "gdp",
                                                                 "source_id": "sg"}),
                     how="inner")  # fmt: skip
    value = _pct(both["x"] + both["m"], both["gdp"])
    sids = [join_ids([a, b, c]) for a, b, c in zip(both["sx"], both["sm"], both["sg"],
                                                   strict=True)]  # fmt: skip
    out = pd.DataFrame({"iso3": both.index, "year": int(year), "value": value.to_numpy(),
                        "source_id": sids})  # fmt: skip
    return out.dropna(subset=["value"]).sort_values("iso3").reset_index(drop=True)


def _share_in(flows: pd.DataFrame, members: Sequence[str]) -> pd.DataFrame:
    """``flows`` (iso3_o origin, iso3_d destination, year, value, source_id): each origin's
    flows to ``members`` (other than itself) as % of its flows to every other country."""
    f = flows[(flows["iso3_o"] != flows["iso3_d"]) & flows["value"].notna()]
    total = f.groupby("iso3_o")["value"].sum()
    inside = f[f["iso3_d"].isin(list(members))].groupby("iso3_o")["value"].sum()
    value = _pct(inside.reindex(total.index).fillna(0.0), total)
    sid = join_ids(f["source_id"].unique())
    out = pd.DataFrame({"iso3": total.index, "value": value.to_numpy(), "source_id": sid})
    return out.dropna(subset=["value"]).reset_index(drop=True)


def _latest_year(wh: Warehouse, indicator: str, year: int) -> int | None:
    r = wh.rows("SELECT max(year) FROM dyad_year WHERE indicator = ? AND year <= ?",
                [indicator, int(year)])  # fmt: skip
    return None if r[0][0] is None else int(r[0][0])


def _dyads(wh: Warehouse, indicator: str, year: int) -> pd.DataFrame:
    return wh.sql("SELECT iso3_o, iso3_d, year, value, source_id FROM dyad_year "
                  "WHERE indicator = ? AND year = ?", [indicator, int(year)])  # fmt: skip


def migrants_share(wh: Warehouse, actor: str, year: int) -> pd.DataFrame:
    """Share of each country's emigrants living in ``actor`` (its members in the data year), in
    the latest UN DESA year at or before ``year`` (the ``year`` column says which); the origin
    itself is never counted."""
    y = _latest_year(wh, "migrant_stock", year)
    if y is None:
        return pd.DataFrame(columns=["iso3", "year", "value", "source_id"])
    out = _share_in(_dyads(wh, "migrant_stock", y), members_of(wh, actor, y))
    return out.assign(year=y)[["iso3", "year", "value", "source_id"]]


def reporting_destinations(wh: Warehouse, year: int) -> frozenset[str]:
    """The destinations with any international-student row in ``year``."""
    return frozenset(r[0] for r in wh.rows(
        "SELECT DISTINCT iso3_d FROM dyad_year WHERE indicator = 'intl_students' AND year = ?",
        [int(year)]))  # fmt: skip


def students_share(wh: Warehouse, actor: str, year: int) -> pd.DataFrame:
    """Share of each country's international students abroad (in the data) enrolled in
    ``actor`` (its members in the data year), in the latest OECD year at or before ``year``;
    empty when a member is not a reporting destination that year (:func:`coverage`)."""
    y = _latest_year(wh, "intl_students", year)
    empty = pd.DataFrame(columns=["iso3", "year", "value", "source_id"])
    if y is None:
        return empty
    members = members_of(wh, actor, y)
    if not set(members) <= reporting_destinations(wh, y):
        return empty
    out = _share_in(_dyads(wh, "intl_students", y), members)
    return out.assign(year=y)[["iso3", "year", "value", "source_id"]]


def coverage(wh: Warehouse, actor: str, year: int) -> dict[str, str]:
    """Measure -> why it has no value for ``actor`` in ``year`` (only the measures left out)."""
    out: dict[str, str] = {}
    if actor != "USA":
        why = "the United States' own data: no value for another actor"
        out["us_aid_obligations_pct_gdp"] = why
        out["us_goods_trade_pct_gdp"] = why
    y = _latest_year(wh, "intl_students", year)
    if y is None:
        out["students_in_actor_share"] = f"no OECD student data at or before {year}"
    else:
        missing = sorted(set(members_of(wh, actor, y)) - reporting_destinations(wh, y))
        if missing:
            out["students_in_actor_share"] = (
                f"not reporting destinations of the OECD data in {y}: {', '.join(missing)}")
    if _latest_year(wh, "migrant_stock", year) is None:
        out["migrants_in_actor_share"] = f"no UN DESA migrant stock at or before {year}"
    return out
