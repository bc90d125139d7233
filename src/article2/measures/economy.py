"""Economy: GDP (the denominator of every "% of GDP" measure, current USD), population and a
country's macro series.

GDP and population have several sources once the official services are fetched: the snapshot's
World Bank files (``wb_gdp``, ``wb_population``), the fetched WDI (``wdi``) and, for GDP, the
fetched IMF WEO (``imf_weo``, history years only). :func:`gdp` and :func:`population` are the
one choice among them, by the rule of :mod:`article2.measures.vintages`: the newest year wins;
within a year the fetched official vintage wins over the snapshot file (WDI before WEO, since
the snapshot's GDP is WDI's series). Every row carries the source it comes from.
"""

from __future__ import annotations

import pandas as pd

from article2.measures import Measure, vintages
from article2.warehouse import Warehouse

__all__ = [
    "GDP",
    "GDP_CANDIDATES",
    "GDP_SOURCE",
    "POPULATION_CANDIDATES",
    "gapminder_gdp",
    "gdp",
    "gdp_source_ids",
    "latest",
    "panel",
    "population",
    "series",
    "weo_history",
]

GDP_SOURCE = "wb_gdp/gdp.csv"
#: GDP's candidate sources: indicator -> source name, in order of preference within a year
GDP_CANDIDATES: dict[str, str] = {"wdi_gdp_usd": "wdi", "gdp_usd": "wb_gdp",
                                  "weo_gdp_usd": "imf_weo"}  # fmt: skip
POPULATION_CANDIDATES: dict[str, str] = {"wdi_population": "wdi", "population": "wb_population"}
#: the chosen series, by the name the profile and briefs use
_CHOSEN = {"gdp_usd": GDP_CANDIDATES, "population": POPULATION_CANDIDATES}
GDP = Measure(
    name="gdp_usd",
    label="GDP",
    unit="current USD",
    definition="Gross domestic product, current USD (World Bank WDI NY.GDP.MKTP.CD; once "
    "fetched, the newest WDI vintage, and IMF WEO NGDPD for history years WDI lacks); only "
    "positive values are used as a denominator.",
    source_ids=(GDP_SOURCE,),
)


def weo_history(rows: pd.DataFrame) -> pd.DataFrame:
    """Drop IMF WEO projections (pure): WEO rows (``source_id`` of a fetched ``imf_weo``
    vintage) for years from the vintage's year on are staff projections or estimates, not
    history (a release of year Y projects Y and later); a vintage not starting with its year
    (named by hand, e.g. ``latest``) cannot tell history from projections, so its rows are all
    dropped; other rows are kept."""
    src = [vintages.origin(s) for s in rows["source_id"]]
    keep = [
        s != "imf_weo" or (v[:4].isdigit() and int(y) < int(v[:4]))
        for (s, v), y in zip(src, rows["year"], strict=True)
    ]
    return rows[keep].reset_index(drop=True)


def _chosen(wh: Warehouse, name: str) -> pd.DataFrame:
    candidates = _CHOSEN[name]

    def compute() -> pd.DataFrame:
        marks = ", ".join("?" * len(candidates))
        rows = wh.sql(
            f"SELECT iso3, year, value, source_id FROM country_year WHERE indicator IN ({marks}) "
            "AND value > 0",
            list(candidates),
        ).astype({"year": int})
        rows = weo_history(rows)
        return vintages.choose(rows, ("iso3",), tuple(candidates.values()))

    return wh.cached(("chosen", name), compute)


def gdp(wh: Warehouse, year: int | None = None) -> pd.DataFrame:
    """Columns ``iso3, year, value, source_id``: positive GDP of every country (in ``year``),
    one value per country-year from the preferred source (module docstring)."""
    table = _chosen(wh, "gdp_usd")
    if year is None:
        return table
    return table[table["year"] == int(year)].reset_index(drop=True)


def population(wh: Warehouse, year: int | None = None) -> pd.DataFrame:
    """Columns ``iso3, year, value, source_id``: population of every country (in ``year``), one
    value per country-year from the preferred source (module docstring)."""
    table = _chosen(wh, "population")
    if year is None:
        return table
    return table[table["year"] == int(year)].reset_index(drop=True)


def gdp_source_ids(wh: Warehouse, year: int | None = None) -> tuple[str, ...]:
    """The raw files the GDP of ``year`` (None: every year) comes from."""
    return tuple(sorted(set(gdp(wh, year)["source_id"]))) or (GDP_SOURCE,)


def series(
    wh: Warehouse, iso3: str, indicators: tuple[str, ...], *, keep_missing: bool = False
) -> pd.DataFrame:
    """One country's values of country-year ``indicators``: columns ``year, indicator, value,
    source_id`` (rows with a value unless ``keep_missing``, by indicator and year). ``gdp_usd``
    and ``population`` are the chosen series of :func:`gdp` and :func:`population`."""
    own = [i for i in indicators if i not in _CHOSEN]
    parts = []
    if own:
        marks = ", ".join("?" * len(own))
        missing = "" if keep_missing else " AND value IS NOT NULL"
        parts.append(wh.sql(
            f"SELECT year, indicator, value, source_id FROM country_year WHERE iso3 = ? "
            f"AND indicator IN ({marks}){missing}",
            [iso3, *own],
        ))  # fmt: skip
    for name in (i for i in indicators if i in _CHOSEN):
        t = _chosen(wh, name)
        t = t[t["iso3"] == iso3]
        parts.append(t.assign(indicator=name)[["year", "indicator", "value", "source_id"]])
    parts = [p for p in parts if not p.empty]
    if not parts:
        return pd.DataFrame(columns=["year", "indicator", "value", "source_id"])
    out = pd.concat(parts, ignore_index=True).astype({"year": int})
    return out.sort_values(["indicator", "year"], kind="stable").reset_index(drop=True)


def panel(wh: Warehouse, indicators: tuple[str, ...]) -> pd.DataFrame:
    """Every country's values of country-year ``indicators`` (none of the chosen series of
    :func:`gdp` and :func:`population`): columns ``iso3, year, indicator, value, source_id``,
    rows with a value, by country, indicator and year; the rows of :func:`series` for all
    countries in one query."""
    if any(i in _CHOSEN for i in indicators):
        raise ValueError(f"panel: {sorted(_CHOSEN)} are chosen series; use gdp() or population()")
    marks = ", ".join("?" * len(indicators))
    out = wh.sql(
        f"SELECT iso3, year, indicator, value, source_id FROM country_year "
        f"WHERE indicator IN ({marks}) AND value IS NOT NULL",
        list(indicators),
    ).astype({"year": int})
    return out.sort_values(["iso3", "indicator", "year"], kind="stable").reset_index(drop=True)


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
    if ``positive``): columns ``iso3, value, year``. ``gdp_usd`` and ``population`` are the
    chosen series (:func:`gdp`, :func:`population`: positive values, the newest year wins)."""
    if indicator in _CHOSEN:
        best = vintages.newest(_chosen(wh, indicator))
        best = best[best["iso3"].isin(list(candidates))]
        return best[["iso3", "value", "year"]].reset_index(drop=True)
    cond = " AND value > 0" if positive else ""
    return wh.sql(
        f"""
        SELECT iso3, arg_max(value, year) AS value, max(year) AS year FROM country_year
        WHERE indicator = ?{cond} AND iso3 IN (SELECT iso3 FROM _cand) GROUP BY 1
        """,
        [indicator],
        tables={"_cand": pd.DataFrame({"iso3": list(candidates)})},
    )
