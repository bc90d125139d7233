"""Who finances: official finance to a country by actor, side by side, each in its own terms.

The actors' figures measure different things and are never added or ranked as one quantity:

- ``USA`` — ``us_aid_obligations`` / ``us_aid_disbursements``: **all** U.S. foreign assistance,
  military included, by U.S. fiscal year (ForeignAssistance.gov; see :mod:`.us_aid`), current
  USD.
- ``CHN`` — ``cn_official_finance``: Chinese official finance commitments (ODA-like + OOF-like +
  vague official finance) by commitment year, constant 2021 USD (AidData GCDF 3.0), with its
  parts ``cn_of_oda``, ``cn_of_oof``, ``cn_of_vague``. Recipient-years without a record are
  absent, not zero.
- ``JPN`` and ``EU`` — ``dac_oda``: official development assistance, *net* disbursements
  (DAC2A measure 206, "ODA: Total Net": gross disbursements less repayments), by calendar
  year, current USD (OECD DAC2A, once fetched with ``article2 fetch oecd_dac2a``);
  the EU is the sum of the bilateral ODA of the countries that were EU members in that year
  (the EU institutions' own ODA is a DAC aggregate code and is not included).

Every row carries its unit and source; :data:`DEFINITIONS` says in words what each actor's
figure is.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd

from article2.measures import us_aid, vintages
from article2.measures._channels import TIDY_COLUMNS, Measure, empty, join_ids
from article2.measures.finance import chinese
from article2.warehouse import Warehouse

__all__ = [
    "CN_INDICATORS",
    "CN_SOURCE",
    "DAC_INDICATOR",
    "DEFINITIONS",
    "MEASURES",
    "dac_oda",
    "dac_rows",
    "official_finance",
]

CN_INDICATORS = ("cn_of_oda", "cn_of_oof", "cn_of_vague")
#: AidData's recipient-years come in two files with the same figures in two code systems (COW
#: and Gleditsch-Ward); the COW file is the one read, as in the profile's finance section
CN_SOURCE = "aiddata_gcdf/cow_gcdf.csv"
DAC_INDICATOR = "oda_dac_usd"

DEFINITIONS = {
    "USA": us_aid.DEFINITION_NOTE,
    "CHN": "Chinese official finance: commitments (ODA-like, OOF-like and vague official "
    "finance) by commitment year, constant 2021 USD (AidData GCDF 3.0); no record is not zero.",
    "JPN": "Japanese ODA: net disbursements by calendar year, current USD (OECD DAC2A, "
    "measure 206).",
    "EU": "EU members' bilateral ODA: net disbursements by calendar year, current USD (OECD "
    "DAC2A, measure 206); the EU institutions' own ODA is not included.",
}

MEASURES: dict[str, Measure] = {
    m.name: m
    for m in (
        us_aid.MEASURES["us_aid_obligations"],
        us_aid.MEASURES["us_aid_disbursements"],
        Measure("cn_official_finance", "constant 2021 USD",
                "Chinese official finance commitments to the country in the year: ODA-like, "
                "OOF-like and vague official finance together (AidData GCDF 3.0)",
                ("aiddata_gcdf",)),
        Measure("cn_of_oda", "constant 2021 USD", "Chinese ODA-like commitments",
                ("aiddata_gcdf",)),
        Measure("cn_of_oof", "constant 2021 USD", "Chinese OOF-like commitments",
                ("aiddata_gcdf",)),
        Measure("cn_of_vague", "constant 2021 USD",
                "Chinese vague official finance commitments", ("aiddata_gcdf",)),
        Measure("dac_oda", "current USD",
                "official development assistance, net disbursements (DAC2A measure 206), "
                "from the partner "
                "(the EU: its members' bilateral ODA) to the country in the calendar year",
                ("oecd_dac2a",)),
    )
}  # fmt: skip

Members = Callable[[int], Sequence[str]]


def official_finance(
    us: pd.DataFrame, cn: pd.DataFrame, dac: pd.DataFrame, iso3: str, eu_members: Members
) -> pd.DataFrame:
    """Official finance to ``iso3`` per actor and year, as a tidy table (partner = the actor).

    Args:
        us: the tidy table of :func:`article2.measures.us_aid.us_assistance` for ``iso3``.
        cn: ``country_year`` rows of ``cn_of_oda``, ``cn_of_oof``, ``cn_of_vague`` for
            ``iso3`` (``iso3, year, indicator, value, source_id``); the rows of
            :data:`CN_SOURCE` and of a fetched AidData vintage are used, one per kind and year
            (:func:`article2.measures.finance.chinese`; the other snapshot file repeats the
            same figures).
        dac: ``dyad_year`` rows of ``oda_dac_usd`` with ``iso3_d`` = ``iso3`` (``iso3_o`` the
            donor, ``year``, ``value``, ``source_id``); empty when DAC2A was not fetched.
        iso3: the recipient.
        eu_members: year -> ISO3 of the EU members that year.
    """
    parts = []
    if not us.empty:
        parts.append(us[us["measure"].isin(["us_aid_obligations", "us_aid_disbursements"])])
    # the snapshot's COW file or a fetched AidData vintage, one value per kind and year
    cn = chinese(cn[(cn["iso3"] == iso3) & cn["indicator"].isin(list(CN_INDICATORS))])
    if not cn.empty:
        per = cn.assign(measure=cn["indicator"], source_ids=cn["source_id"])
        total = cn.groupby("year", as_index=False)["value"].sum()
        total = total.assign(measure="cn_official_finance", source_ids=join_ids(cn["source_id"]))
        both = pd.concat([per, total], ignore_index=True)
        parts.append(
            both.assign(iso3=iso3, partner="CHN", unit="constant 2021 USD")[list(TIDY_COLUMNS)]
        )
    parts.append(dac_oda(dac, iso3, eu_members))
    parts = [p for p in parts if not p.empty]
    if not parts:
        return empty()
    out = pd.concat(parts, ignore_index=True)
    out["year"] = out["year"].astype("Int64")
    return out.sort_values(["partner", "measure", "year"]).reset_index(drop=True)


def dac_rows(wh: Warehouse, iso3: str) -> pd.DataFrame:
    """The ``dyad_year`` rows of :data:`DAC_INDICATOR` with ``iso3`` as recipient: columns
    ``iso3_o, iso3_d, year, value, source_id`` (empty when DAC2A was not fetched)."""
    return wh.sql(
        "SELECT iso3_o, iso3_d, year, value, source_id FROM dyad_year "
        "WHERE indicator = ? AND iso3_d = ?",
        [DAC_INDICATOR, iso3],
    )


def dac_oda(dac: pd.DataFrame, iso3: str, eu_members: Members) -> pd.DataFrame:
    """Net ODA to ``iso3`` from Japan and from the EU's members (summed over the countries that
    were members in each year), by year, as a tidy table (measure ``dac_oda``, pure).

    Args:
        dac: ``dyad_year`` rows of ``oda_dac_usd`` (:func:`dac_rows`); when several vintages
            hold a donor-year, the rule of :mod:`article2.measures.vintages` keeps one.
        iso3: the recipient.
        eu_members: year -> ISO3 of the EU members that year.
    """
    dac = dac[(dac["iso3_d"] == iso3)]
    if dac.empty:
        return empty()
    dac = vintages.choose(dac, ("iso3_o", "iso3_d"))
    jpn = dac[dac["iso3_o"] == "JPN"]
    members = pd.DataFrame(
        [(y, m) for y in dac["year"].unique() for m in eu_members(int(y)) if m != iso3],
        columns=["year", "iso3_o"],
    ).astype({"year": dac["year"].dtype})
    eu = dac.merge(members, on=["year", "iso3_o"])
    parts = []
    for partner, rows in (("JPN", jpn), ("EU", eu)):
        if rows.empty:
            continue
        g = rows.groupby("year", as_index=False)["value"].sum()
        parts.append(
            g.assign(iso3=iso3, partner=partner, measure="dac_oda", unit="current USD",
                     source_ids=join_ids(rows["source_id"]))[list(TIDY_COLUMNS)]
        )  # fmt: skip
    if not parts:
        return empty()
    out = pd.concat(parts, ignore_index=True)
    out["year"] = out["year"].astype("Int64")
    return out
