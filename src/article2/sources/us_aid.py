"""U.S. foreign assistance by country (ForeignAssistance.gov), U.S. fiscal years.

Producer: U.S. Agency for International Development and U.S. Department of State,
https://foreignassistance.gov/data (public domain). Format read here: CSV (gzipped in the
snapshot) with ``Country Code, Country Name, Region ID, Region Name, Income Group Acronym,
Income Group Name, Transaction Type ID, Transaction Type Name, Fiscal Year, current_amount,
constant_amount``; one row per recipient, transaction type and fiscal year.

- ``Country Code`` is ISO3 for countries, a ForeignAssistance.gov code for regions and the
  world (``EAQ`` East Asia and Oceania Region, ``WLD`` World, …: code system ``fa_gov`` of
  :mod:`article2.countries`), and the text ``NULL`` for former states, which are then
  identified by ``Country Name`` (``Vietnam (former South)``, ``Soviet Union (former)``, …).
- ``Transaction Type ID``: 1 appropriated and planned, 2 obligations, 3 disbursements,
  18 President's budget requests.
- ``Fiscal Year``: the U.S. fiscal year (1 October to 30 September, named after the year it
  ends in). ``1976tq`` is the transition quarter (July-September 1976) between two fiscal-year
  conventions: it is not a year and is quarantined with that reason. The last year (2024) is
  partial.
- Amounts are USD, ``current_amount`` in current dollars and ``constant_amount`` in constant
  dollars of the site's base year (in this file: fiscal 2022, where both are equal). Negative
  amounts are de-obligations and refunds and are kept.

These are **all** U.S. foreign assistance, military included, not the OECD's official
development assistance. Warehouse rows: ``country_year`` (year = fiscal year) with indicators
``us_aid_<type>_<current|constant>``; regional and worldwide lines go to ``aggregate_year``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from article2.provenance import Origin
from article2.sources import _base as b

__all__ = ["INDICATORS", "ORIGIN", "TRANSACTION_TYPES", "read"]

ORIGIN = Origin(
    source_id="us_aid",
    dataset="us_aid",
    title="U.S. Foreign Assistance by Country",
    producer="U.S. Agency for International Development and U.S. Department of State "
    "(ForeignAssistance.gov)",
    license="Public domain (U.S. Government work, 17 U.S.C. 105)",
    sha256="",
    citation="ForeignAssistance.gov, U.S. Foreign Assistance by Country. "
    "https://foreignassistance.gov/data",
    url="https://foreignassistance.gov/data",
)

COLUMNS = (
    "Country Code",
    "Country Name",
    "Transaction Type ID",
    "Fiscal Year",
    "current_amount",
    "constant_amount",
)

#: Transaction Type ID -> (indicator stem, label)
TRANSACTION_TYPES = {
    "2": ("obligations", "obligations"),
    "3": ("disbursements", "disbursements"),
    "1": ("appropriated", "appropriated and planned amounts"),
    "18": ("requests", "President's budget requests"),
}
_PRICES = {
    "current_amount": ("current", "current USD, U.S. fiscal year"),
    "constant_amount": (
        "constant",
        "constant USD (ForeignAssistance.gov base year), U.S. fiscal year",
    ),
}
INDICATORS = {
    f"us_aid_{stem}_{price}": (
        unit,
        f"U.S. foreign assistance (all, military included; not ODA), {label}",
        False,
    )
    for stem, label in TRANSACTION_TYPES.values()
    for price, unit in _PRICES.values()
}

#: the name-coded former states' placeholder code
NULL_CODE = "NULL"
TRANSITION_QUARTER = "1976TQ"


def read(path: Path, origin: Origin) -> b.ReadResult:
    sid = origin.source_id
    df = b.read_csv_text(path, sid, COLUMNS)
    q = b.Quarantine(sid)
    report: list[pd.DataFrame] = []
    fy_text = df["Fiscal Year"].str.strip().str.upper()
    q.add(
        fy_text == TRANSITION_QUARTER,
        "Fiscal Year",
        "transition quarter (July-September 1976), not a fiscal year",
        df["Fiscal Year"],
    )
    year = b.to_number(df, "Fiscal Year", q, missing=("1976tq", "1976TQ"), integer=True)
    q.add(year.isna() & (fy_text != TRANSITION_QUARTER), "Fiscal Year", "no fiscal year")
    ttype = df["Transaction Type ID"].str.strip()
    q.add(
        ~ttype.isin(list(TRANSACTION_TYPES)),
        "Transaction Type ID",
        f"unknown transaction type (allowed: {', '.join(TRANSACTION_TYPES)})",
        df["Transaction Type ID"],
    )
    values = {c: b.to_number(df, c, q) for c in _PRICES}
    q.add(
        pd.concat(values, axis=1).isna().all(axis=1),
        "current_amount",
        "no data: both amounts missing",
    )
    code = df["Country Code"].str.strip()
    by_name = code.str.upper() == NULL_CODE
    coded = b.map_country(
        df[~by_name], "Country Code", "fa_gov", q, years=year[~by_name],
        quarantine_aggregates=False, report=report,
    )  # fmt: skip
    named = b.map_country(
        df[by_name], "Country Name", "name", q, years=year[by_name], report=report
    )
    iso3 = pd.concat([coded.iso3, named.iso3]).reindex(df.index)
    status = pd.concat([coded.status, named.status]).reindex(df.index)
    key = code.where(~by_name, df["Country Name"].str.strip())
    frame = pd.DataFrame(
        {
            "iso3": iso3,
            "code": code,
            "name": df["Country Name"].str.strip(),
            "key": key,
            "ttype": ttype,
            "year": year,
            "_row": df.index,
            **values,
        }
    )
    frame = frame.drop(index=q.bad_index())
    b.flag_duplicates(frame, ["key", "ttype", "year"], q, "Country Code")
    frame = frame.drop(index=q.bad_index(), errors="ignore")
    parts_c, parts_a = [], []
    for t, (stem, _) in TRANSACTION_TYPES.items():
        sub = frame[frame["ttype"] == t]
        cols = {c: f"us_aid_{stem}_{_PRICES[c][0]}" for c in _PRICES}
        is_agg = (status.reindex(sub.index) == "aggregate").to_numpy()
        parts_c.append(b.melt_obs(sub[~is_agg], ["iso3", "year"], cols))
        parts_a.append(b.melt_obs(sub[is_agg], ["code", "name", "year"], cols))
    obs = pd.concat(parts_c, ignore_index=True)
    obs = b.resolve_observations(obs, ["iso3", "year", "indicator"], q)
    obs["year"] = obs["year"].astype("int32")
    agg = pd.concat(parts_a, ignore_index=True)
    agg["year"] = agg["year"].astype("int32")
    return b.finish({"country_year": obs, "aggregate_year": agg}, len(df), q, report)
