"""The warehouse tables gravity estimation reads: the Advanced Guide's application datasets,
the Comtrade extract with its deep-trade-agreement ids, capitals, contiguity and GDP (each a
selection; :mod:`article2.models.data` assembles the panels)."""

from __future__ import annotations

import pandas as pd

from article2.measures import economy
from article2.warehouse import Warehouse

__all__ = [
    "agtpa",
    "agtpa_applications",
    "capitals",
    "comtrade_dta",
    "contiguity",
    "gdp_any",
    "geodist_areas",
    "geodist_pairs",
]


def agtpa(wh: Warehouse, application: str) -> pd.DataFrame:
    """Rows of one Advanced Guide application dataset (``gravity_agtpa``)."""
    return wh.sql(
        "SELECT exporter, importer, pair_id, year, trade, dist, cntg, lang, clny, rta, source_id "
        "FROM gravity_agtpa WHERE application = ? ORDER BY year, exporter, importer",
        [application],
    )


def agtpa_applications(wh: Warehouse) -> list[str]:
    """The application datasets the warehouse holds (sorted)."""
    return sorted(r[0] for r in wh.rows("SELECT DISTINCT application FROM gravity_agtpa"))


def comtrade_dta(wh: Warehouse, years) -> pd.DataFrame:
    """The Comtrade extract's international flows in ``years`` with each dyad-year's
    deep-trade-agreement id (0: none) and the ``rta`` dummy."""
    return wh.sql(
        "SELECT t.iso3_o AS exporter, t.iso3_d AS importer, t.year, t.value AS trade, "
        "coalesce(a.dta_id, 0) AS dta_id, CAST(coalesce(a.dta_id, 0) > 0 AS INTEGER) AS rta, "
        "t.source_id FROM dyad_year t LEFT JOIN dyad_agreement_dta a "
        "ON a.iso3_o = t.iso3_o AND a.iso3_d = t.iso3_d AND a.year = t.year "
        "WHERE t.indicator = 'trade_comtrade' AND t.iso3_o <> t.iso3_d "
        "AND list_contains(?, t.year) ORDER BY t.year, exporter, importer",
        [list(years)],
    )


def capitals(wh: Warehouse) -> pd.DataFrame:
    """COW capitals with their dates and coordinates."""
    return wh.sql(
        "SELECT iso3, capital, start_date, end_date, lat, lng, source_id FROM capitals"
    )


def contiguity(wh: Warehouse) -> pd.DataFrame:
    """COW direct contiguity with its dates."""
    return wh.sql(
        "SELECT iso3_a, iso3_b, conttype, start_date, end_date, source_id FROM contiguity"
    )


def geodist_pairs(wh: Warehouse) -> pd.DataFrame:
    """CEPII GeoDist pairs (distance, contiguity, common official language, colonial ties);
    empty for a warehouse built before GeoDist was read (it has no such table)."""
    has_table = wh.rows(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'geodist'"
    )[0][0]
    if not has_table:
        return pd.DataFrame()
    return wh.sql("SELECT iso3_o, iso3_d, dist, contig, comlang_off, colony, source_id FROM geodist")


def geodist_areas(wh: Warehouse) -> pd.DataFrame:
    """CEPII GeoDist country areas (km²), for internal distances."""
    return wh.sql("SELECT iso3, area, source_id FROM geodist_countries")


def gdp_any(wh: Warehouse, year: int) -> pd.DataFrame:
    """Positive GDP of every country in ``year``: columns iso3, value (the measures layer's one
    GDP, :func:`article2.measures.economy.gdp`: one value per country-year whatever the
    sources loaded)."""
    return economy.gdp(wh, year)[["iso3", "value"]].reset_index(drop=True)
