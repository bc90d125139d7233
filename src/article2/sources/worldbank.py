"""World Bank World Development Indicators: GDP and population.

Producer: World Bank (https://databank.worldbank.org/source/world-development-indicators),
series NY.GDP.MKTP.CD (GDP, current USD) and SP.POP.TOTL (population, total); the snapshot's
copies come from the datahub core datasets. Format read here: CSV with ``Country Name,
Country Code, Year, Value``; codes are ISO3 for economies and World Bank codes for aggregates
(WLD, EAS, HIC, ...), which are loaded into ``aggregate_year``, apart from countries.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from article2.provenance import Origin
from article2.sources import _base as b

__all__ = ["INDICATORS", "ORIGIN", "read"]

ORIGIN = Origin(
    source_id="worldbank",
    dataset="wb",
    title="World Development Indicators",
    producer="World Bank",
    license="CC BY 4.0",
    sha256="",
    citation="World Bank (2024). World Development Indicators.",
    url="https://datacatalog.worldbank.org/search/dataset/0037712",
)

#: file stem -> (indicator, unit, description)
SERIES = {
    "gdp": ("gdp_usd", "current USD", "GDP, current USD (WDI NY.GDP.MKTP.CD)"),
    "population": ("population", "persons", "Population, total (WDI SP.POP.TOTL)"),
}
INDICATORS = {ind: (unit, desc, False) for ind, unit, desc in SERIES.values()}


def read(path: Path, origin: Origin) -> b.ReadResult:
    sid = origin.source_id
    stem = path.name.split(".")[0]
    if stem not in SERIES:
        raise ValueError(f"{sid}: no World Bank series for {stem!r}; known: {', '.join(SERIES)}")
    indicator = SERIES[stem][0]
    df = b.read_csv_text(path, sid, ("Country Name", "Country Code", "Year", "Value"))
    q = b.Quarantine(sid)
    report: list[pd.DataFrame] = []
    year = b.to_number(df, "Year", q, integer=True)
    value = b.to_number(df, "Value", q, nonnegative=True)
    q.add(value.isna() & ~df.index.isin(q.bad_index()), "Value", "no data: value missing")
    m = b.map_country(
        df, "Country Code", "wb", q, years=year, quarantine_aggregates=False, report=report
    )
    frame = pd.DataFrame(
        {
            "iso3": m.iso3,
            "code": df["Country Code"].str.strip(),
            "name": df["Country Name"],
            "year": year,
            "value": value,
            "indicator": indicator,
            "_row": df.index,
        }
    )
    frame = frame.drop(index=q.bad_index())
    is_agg = (m.status == "aggregate").reindex(frame.index)
    countries = frame[~is_agg]
    b.flag_duplicates(countries, ["iso3", "year"], q, "Country Code")
    aggregates = frame[is_agg]
    b.flag_duplicates(aggregates, ["code", "year"], q, "Country Code")
    countries = countries[["iso3", "year", "indicator", "value", "_row"]].assign(
        year=lambda x: x["year"].astype("int32")
    )
    aggregates = aggregates[["code", "name", "year", "indicator", "value", "_row"]].assign(
        year=lambda x: x["year"].astype("int32")
    )
    return b.finish({"country_year": countries, "aggregate_year": aggregates}, len(df), q, report)
