"""Who moves: migrants and international students between a country and the U.S., Japan, the
EU and Korea.

Measures (one row per country, partner and year; partner ``"USA"``, ``"JPN"``, ``"EU"`` or
``"KOR"``; the EU is the sum over the countries that were EU members in that year, without the
country itself):

- ``migrants_in_partner``: people born in the country (citizens of it where the birthplace is
  unknown) living in the partner at mid-year, persons (UN DESA International Migrant Stock
  2019: 1990, 1995, 2000, 2005, 2010, 2015, 2019);
- ``migrants_from_partner``: the reverse, people born in the partner living in the country;
- ``students_in_partner``: the country's international tertiary students enrolled in the
  partner, persons (OECD EDU_ENRL_MOBILE, 2013-2019);
- ``students_in_partner_share``: those students as a percentage of all the country's
  international tertiary students **in the data**: the sum over the 40 destinations that report
  to the OECD. China reports no such data, so students in China are in neither the numerator
  nor the denominator (:data:`STUDENTS_NOTE`); the share is of students abroad in reporting
  destinations, not of all students abroad.
- ``students_abroad_in_data``: that denominator (partner ``""``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd

from article2.measures._channels import TIDY_COLUMNS, Measure, empty, join_ids

__all__ = ["MEASURES", "PARTNERS", "STUDENTS_NOTE", "migrants", "students"]

PARTNERS: tuple[str, ...] = ("USA", "JPN", "EU", "KOR")

STUDENTS_NOTE = (
    "International students: OECD data for 40 reporting destinations (OECD members and partners); "
    "China is not among them, so students in China are missing and shares are of students "
    "abroad in the reporting destinations."
)

_UN = ("undesa_migrant_stock",)
_OECD = ("oecd_students",)
MEASURES: dict[str, Measure] = {
    m.name: m
    for m in (
        Measure("migrants_in_partner", "persons",
                "people born in the country (or citizens of it where birthplace is unknown) "
                "living in the partner at mid-year", _UN),
        Measure("migrants_from_partner", "persons",
                "people born in the partner (or citizens of it where birthplace is unknown) "
                "living in the country at mid-year", _UN),
        Measure("students_in_partner", "persons",
                "the country's international tertiary students enrolled in the partner", _OECD),
        Measure("students_in_partner_share", "%",
                "the country's international tertiary students in the partner as a percentage "
                "of all its international tertiary students in the 40 reporting destinations "
                "(China not among them)", _OECD),
        Measure("students_abroad_in_data", "persons",
                "the country's international tertiary students in the 40 reporting "
                "destinations (China not among them)", _OECD),
    )
}  # fmt: skip

Members = Callable[[int], Sequence[str]]


def _partner_rows(flows: pd.DataFrame, iso3: str, side: str, eu_members: Members) -> pd.DataFrame:
    """Sum ``flows`` (iso3_o, iso3_d, year, value, source_id) over each partner on ``side``
    (``"iso3_d"``: partner is the destination; ``"iso3_o"``: the origin)."""
    other = "iso3_o" if side == "iso3_d" else "iso3_d"
    mine = flows[(flows[other] == iso3) & (flows[side] != iso3)]
    singles = [p for p in PARTNERS if p != "EU"]
    direct = mine[mine[side].isin(singles)]
    direct = direct.assign(partner=direct[side])
    members = pd.DataFrame(
        [(y, m) for y in mine["year"].unique() for m in eu_members(int(y)) if m != iso3],
        columns=["year", side],
    ).astype({"year": mine["year"].dtype})
    eu = mine.merge(members, on=["year", side]).assign(partner="EU")
    both = pd.concat([x for x in (direct, eu) if not x.empty] or [direct], ignore_index=True)
    if both.empty:
        return pd.DataFrame(columns=["year", "value", "source_ids", "partner"])
    out = both.groupby(["partner", "year"], as_index=False, sort=False)["value"].sum()
    ids = (
        both[["partner", "year", "source_id"]]
        .drop_duplicates()
        .sort_values("source_id")
        .groupby(["partner", "year"], sort=False)["source_id"]
        .agg(";".join)
        .rename("source_ids")
    )
    return out.merge(ids, on=["partner", "year"])


def _tidy(frame: pd.DataFrame, iso3: str, measure: str) -> pd.DataFrame:
    out = frame.assign(iso3=iso3, measure=measure, unit=MEASURES[measure].unit)
    out["year"] = out["year"].astype("Int64")
    return out[list(TIDY_COLUMNS)]


def migrants(stock: pd.DataFrame, iso3: str, eu_members: Members) -> pd.DataFrame:
    """Migrants born in ``iso3`` living in each partner, and the reverse.

    Args:
        stock: ``dyad_year`` rows of ``migrant_stock`` (``iso3_o`` = country of birth,
            ``iso3_d`` = country of residence, ``year``, ``value``, ``source_id``).
        iso3: the country.
        eu_members: year -> ISO3 of the EU members that year.
    """
    if stock.empty:
        return empty()
    parts = [
        _tidy(_partner_rows(stock, iso3, "iso3_d", eu_members), iso3, "migrants_in_partner"),
        _tidy(_partner_rows(stock, iso3, "iso3_o", eu_members), iso3, "migrants_from_partner"),
    ]
    parts = [p for p in parts if not p.empty]
    if not parts:
        return empty()
    out = pd.concat(parts, ignore_index=True)
    return out.sort_values(["measure", "partner", "year"]).reset_index(drop=True)


def students(flows: pd.DataFrame, iso3: str, eu_members: Members) -> pd.DataFrame:
    """The country's international tertiary students in each partner and their share.

    Args:
        flows: ``dyad_year`` rows of ``intl_students`` with ``iso3_o`` = ``iso3`` (``iso3_d``
            the destination, ``year``, ``value``, ``source_id``).
        iso3: the country (the students' origin).
        eu_members: year -> ISO3 of the EU members that year.
    """
    mine = flows[flows["iso3_o"] == iso3]
    if mine.empty:
        return empty()
    level = _partner_rows(mine, iso3, "iso3_d", eu_members)
    abroad = mine[mine["iso3_d"] != iso3]
    total = abroad.groupby("year", as_index=False)["value"].sum()
    total = total.assign(
        partner="", source_ids=total["year"].map(lambda _: join_ids(abroad["source_id"].unique()))
    )
    share = level.merge(total[["year", "value"]].rename(columns={"value": "total"}), on="year")
    share = share.assign(value=100.0 * share["value"] / share["total"].where(share["total"] > 0))
    parts = [
        _tidy(level, iso3, "students_in_partner"),
        _tidy(share.drop(columns="total"), iso3, "students_in_partner_share"),
        _tidy(total, iso3, "students_abroad_in_data"),
    ]
    out = pd.concat([p for p in parts if not p.empty], ignore_index=True)
    return out.sort_values(["measure", "partner", "year"]).reset_index(drop=True)
