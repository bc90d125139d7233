"""Official finance per actor. The snapshot holds Chinese official finance only (AidData's
Global Chinese Development Finance 3.0, commitments aggregated by recipient and year,
``aiddata_gcdf/cow_gcdf.csv``; ODA-like, OOF-like and vague, constant 2021 USD); the other
actors have no official-finance data here. Once ``article2 fetch aiddata`` has loaded the
project-level release (``raw/aiddata/<vintage>/...``, aggregated the same way), a recipient-year
in both takes the fetched value (the rule of :mod:`article2.measures.vintages`, :func:`chinese`).

Each definition is its own measure, with its own name:

- :data:`CN_OF` ``cn_of`` — commitments in the year (ODA-like + OOF-like + vague);
- :data:`CN_OF_PCT_GDP` ``cn_of_pct_gdp`` — commitments in the year as % of GDP that year;
- :data:`CN_OF_CUM_PCT_GDP` ``cn_of_cum_pct_gdp`` — commitments summed over the AidData window
  up to the year (2000..year) as % of GDP in the year;
- :data:`CN_OF_MEAN5_PCT_GDP` ``cn_of_mean5_pct_gdp`` — mean yearly commitment over the five
  years ending in the year (years with a record) as % of GDP in the year.

A recipient-year absent from AidData has no record, which is not zero: such countries have no
value. The ratios divide constant-2021 dollars by current dollars (World Bank GDP): an
approximation, closest for years near 2021.
"""

from __future__ import annotations

import pandas as pd

from article2.measures import Measure, vintages
from article2.measures.economy import GDP_SOURCE, gdp
from article2.warehouse import Warehouse

__all__ = [
    "AIDDATA_SOURCE",
    "CN_OF",
    "CN_OF_CUM_PCT_GDP",
    "CN_OF_MEAN5_PCT_GDP",
    "CN_OF_PCT_GDP",
    "KINDS",
    "MEAN_WINDOW",
    "by_kind",
    "chinese",
    "commitments",
    "coverage",
    "cumulative_pct_gdp",
    "mean5_pct_gdp",
    "pct_gdp",
    "source_ids",
]

AIDDATA_SOURCE = "aiddata_gcdf/cow_gcdf.csv"
#: the fetched project-level release (:mod:`article2.sources.aiddata_projects`)
AIDDATA_FETCHED = "aiddata"
#: warehouse indicator -> kind of flow
KINDS: dict[str, str] = {"cn_of_oda": "ODA-like", "cn_of_oof": "OOF-like", "cn_of_vague": "vague"}
MEAN_WINDOW = 5
_PCT = "% of GDP (constant-2021 USD commitments / current-USD GDP)"

CN_OF = Measure(
    "cn_of", "Chinese official finance commitments", "constant 2021 USD",
    "ODA-like + OOF-like + vague commitments to the recipient in the year (AidData GCDF 3.0); "
    "no value when AidData has no record for the recipient-year.",
    (AIDDATA_SOURCE,),
)  # fmt: skip
CN_OF_PCT_GDP = Measure(
    "cn_of_pct_gdp", "Chinese official finance in the year, % of GDP", _PCT,
    "100 x Chinese official finance commitments in the year (cn_of) / GDP in the same year.",
    (AIDDATA_SOURCE, GDP_SOURCE),
)  # fmt: skip
CN_OF_CUM_PCT_GDP = Measure(
    "cn_of_cum_pct_gdp", "Chinese official finance since 2000 (cumulative), % of GDP", _PCT,
    "100 x Chinese official finance commitments summed over the AidData years up to the year "
    "(2000..year) / GDP in the year.",
    (AIDDATA_SOURCE, GDP_SOURCE),
)  # fmt: skip
CN_OF_MEAN5_PCT_GDP = Measure(
    "cn_of_mean5_pct_gdp", "Chinese official finance, 5-year mean, % of GDP", _PCT,
    f"100 x mean yearly commitment over the {MEAN_WINDOW} years ending in the year (years with "
    "an AidData record) / GDP in the year.",
    (AIDDATA_SOURCE, GDP_SOURCE),
)  # fmt: skip


def by_kind(wh: Warehouse) -> pd.DataFrame:
    """Columns ``iso3, year, indicator, value, source_id``: every AidData recipient-year row
    of the three kinds."""
    return wh.cached(("cn_of_rows",), lambda: chinese(wh.sql(
        "SELECT iso3, year, indicator, value, source_id FROM country_year "
        "WHERE indicator IN ('cn_of_oda', 'cn_of_oof', 'cn_of_vague') "
        "AND value IS NOT NULL ORDER BY iso3, year, indicator", []
    ).astype({"year": int})))  # fmt: skip


def chinese(rows: pd.DataFrame) -> pd.DataFrame:
    """The AidData rows a measure uses (pure): of ``rows`` (``iso3, year, indicator, value,
    source_id``), those of :data:`AIDDATA_SOURCE` (the Gleditsch-Ward file repeats the same
    figures) and of a fetched :data:`AIDDATA_FETCHED` vintage, one per recipient, kind and year
    (:func:`article2.measures.vintages.choose`: the fetched vintage wins within a year)."""
    src = [vintages.origin(s)[0] for s in rows["source_id"]]
    keep = (rows["source_id"] == AIDDATA_SOURCE) | (
        pd.Series([s == AIDDATA_FETCHED for s in src], index=rows.index)
        & rows["source_id"].map(vintages.is_fetched).astype(bool)
    )
    out = vintages.choose(rows[keep], ("iso3", "indicator"), (AIDDATA_FETCHED,))
    return out.sort_values(["iso3", "year", "indicator"], ignore_index=True)


def source_ids(wh: Warehouse) -> tuple[str, ...]:
    """The AidData files the measures read (:data:`AIDDATA_SOURCE` when none is loaded)."""
    return tuple(sorted(set(by_kind(wh)["source_id"]))) or (AIDDATA_SOURCE,)


def coverage(wh: Warehouse) -> tuple[int | None, int | None]:
    """First and last AidData year."""
    rows = by_kind(wh)
    if rows.empty:
        return None, None
    return int(rows["year"].min()), int(rows["year"].max())


def commitments(wh: Warehouse, year: int | None = None) -> pd.DataFrame:
    """``cn_of``: columns ``iso3, year, value, source_id`` (recipient-years with a record)."""
    def compute() -> pd.DataFrame:
        r = by_kind(wh)
        return r.groupby(["iso3", "year"], as_index=False).agg(
            value=("value", "sum"),
            source_id=("source_id", lambda s: ";".join(sorted(set(s)))))

    table = wh.cached(("cn_of",), compute)
    return table if year is None else table[table["year"] == int(year)].reset_index(drop=True)


def _with_gdp(wh: Warehouse, num: pd.DataFrame, year: int | None) -> pd.DataFrame:
    """``100 · num / GDP`` by iso3 (and year: ``num``'s years when ``year`` is None)."""
    g = gdp(wh, year)[["iso3", "year", "value", "source_id"]].rename(
        columns={"value": "gdp", "source_id": "gdp_source_id"})
    if year is None:
        out = num[["iso3", "year", "value"]].merge(g, on=["iso3", "year"])
    else:
        out = num[["iso3", "value"]].merge(g, on="iso3")
    out["value"] = 100.0 * out["value"] / out["gdp"]
    out["year"] = out["year"].astype(int)
    out["source_id"] = ";".join(source_ids(wh)) + ";" + out["gdp_source_id"].astype(str)
    return out[["iso3", "year", "value", "source_id"]].sort_values(["iso3", "year"],
                                                                   ignore_index=True)


def pct_gdp(wh: Warehouse, year: int | None = None) -> pd.DataFrame:
    """``cn_of_pct_gdp`` of every recipient with a record and GDP in ``year`` (None: every
    year)."""
    return wh.cached(("cn_of_pct_gdp", year),
                     lambda: _with_gdp(wh, commitments(wh, year), year))  # fmt: skip


def cumulative_pct_gdp(wh: Warehouse, year: int) -> pd.DataFrame:
    """``cn_of_cum_pct_gdp`` of every recipient with a record in 2000..``year`` and GDP in
    ``year``."""
    def compute() -> pd.DataFrame:
        c = commitments(wh)
        num = c[c["year"] <= int(year)].groupby("iso3", as_index=False)["value"].sum()
        return _with_gdp(wh, num, year)

    return wh.cached(("cn_of_cum_pct_gdp", int(year)), compute)


def mean5_pct_gdp(wh: Warehouse, year: int) -> pd.DataFrame:
    """``cn_of_mean5_pct_gdp`` of every recipient with a record in the five years ending in
    ``year`` and GDP in ``year``."""
    def compute() -> pd.DataFrame:
        c = commitments(wh)
        window = c[(c["year"] > int(year) - MEAN_WINDOW) & (c["year"] <= int(year))]
        num = window.groupby("iso3", as_index=False)["value"].mean()
        return _with_gdp(wh, num, year)

    return wh.cached(("cn_of_mean5_pct_gdp", int(year)), compute)
