"""Economy: GDP (the denominator of every "% of GDP" measure, World Bank WDI, current USD) and
a country's macro series."""

from __future__ import annotations

import pandas as pd

from article2.measures import Measure
from article2.warehouse import Warehouse

__all__ = ["GDP", "GDP_SOURCE", "gapminder_gdp", "gdp", "latest", "series"]

GDP_SOURCE = "wb_gdp/gdp.csv"
GDP = Measure(
    name="gdp_usd",
    label="GDP",
    unit="current USD",
    definition="Gross domestic product, current USD (World Bank WDI NY.GDP.MKTP.CD); only "
    "positive values are used as a denominator.",
    source_ids=(GDP_SOURCE,),
)


def gdp(wh: Warehouse, year: int | None = None) -> pd.DataFrame:
    """Columns ``iso3, year, value, source_id``: positive GDP of every country (in ``year``)."""
    table = wh.cached(("gdp",), lambda: wh.sql(
        "SELECT iso3, year, value, source_id FROM country_year WHERE indicator = 'gdp_usd' "
        "AND source_id = ? AND value > 0 ORDER BY iso3, year", [GDP_SOURCE]
    ).astype({"year": int}))  # fmt: skip
    if year is None:
        return table
    return table[table["year"] == int(year)].reset_index(drop=True)


def series(
    wh: Warehouse, iso3: str, indicators: tuple[str, ...], *, keep_missing: bool = False
) -> pd.DataFrame:
    """One country's values of country-year ``indicators``: columns ``year, indicator, value,
    source_id`` (rows with a value unless ``keep_missing``, by indicator and year)."""
    marks = ", ".join("?" * len(indicators))
    missing = "" if keep_missing else " AND value IS NOT NULL"
    return wh.sql(
        f"SELECT year, indicator, value, source_id FROM country_year WHERE iso3 = ? "
        f"AND indicator IN ({marks}){missing} ORDER BY indicator, year",
        [iso3, *indicators],
    )


def gapminder_gdp(wh: Warehouse, years, candidates) -> pd.DataFrame:
    """Gapminder GDP (GDP per capita PPP x population) of ``candidates`` in ``years``: columns
    ``iso3, year, gdp`` (projections included)."""
    ys = [int(y) for y in years]
    marks = ", ".join("?" * len(ys))
    return wh.sql(
        f"""
        SELECT a.iso3, a.year, a.value * b.value AS gdp
        FROM country_year a JOIN country_year b ON b.iso3 = a.iso3 AND b.year = a.year
             AND b.indicator = 'gm_pop'
        WHERE a.indicator = 'gm_gdp_pcap' AND a.year IN ({marks})
          AND a.iso3 IN (SELECT iso3 FROM _cand)
        """,
        ys,
        tables={"_cand": pd.DataFrame({"iso3": list(candidates)})},
    )


def latest(wh: Warehouse, indicator: str, candidates, *, positive: bool = False) -> pd.DataFrame:
    """Each candidate's latest observation of country-year ``indicator`` (only positive values
    if ``positive``): columns ``iso3, value, year``."""
    cond = " AND value > 0" if positive else ""
    return wh.sql(
        f"""
        SELECT iso3, arg_max(value, year) AS value, max(year) AS year FROM country_year
        WHERE indicator = ?{cond} AND iso3 IN (SELECT iso3 FROM _cand) GROUP BY 1
        """,
        [indicator],
        tables={"_cand": pd.DataFrame({"iso3": list(candidates)})},
    )
