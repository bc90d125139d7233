"""Economy: GDP (the denominator of every "% of GDP" measure, World Bank WDI, current USD) and
a country's macro series."""

from __future__ import annotations

import pandas as pd

from article2.measures import Measure
from article2.warehouse import Warehouse

__all__ = ["GDP", "GDP_SOURCE", "gdp", "series"]

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
