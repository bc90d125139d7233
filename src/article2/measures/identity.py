"""Country identity and provenance as the warehouse holds them: names and codes, which
countries have data, and the provenance rows of source files."""

from __future__ import annotations

import pandas as pd

from article2.warehouse import Warehouse

__all__ = ["countries", "countries_with_data", "sources"]


def countries(wh: Warehouse) -> pd.DataFrame:
    """The ``countries`` table: iso3, name, kind, un_region, un_subregion, un_code."""
    return wh.cached(("countries",), lambda: wh.sql(
        "SELECT iso3, name, kind, un_region, un_subregion, un_code FROM countries ORDER BY iso3"
    ))  # fmt: skip


def countries_with_data(wh: Warehouse, trade_indicator: str = "trade_cow") -> list[str]:
    """Every country (kind 'country' or 'historical') with at least one country-year value or
    reported imports in ``trade_indicator``."""
    return wh.cached(("with_data", trade_indicator), lambda: wh.sql(
        """SELECT c.iso3 FROM countries c
           WHERE c.kind IN ('country', 'historical') AND (
               EXISTS (SELECT 1 FROM country_year y WHERE y.iso3 = c.iso3)
               OR EXISTS (SELECT 1 FROM dyad_year d WHERE d.iso3_d = c.iso3 AND d.indicator = ?))
           ORDER BY c.iso3""", [trade_indicator])["iso3"].tolist())  # fmt: skip


def sources(wh: Warehouse, ids: list[str] | tuple[str, ...] | None = None) -> pd.DataFrame:
    """Provenance rows (source_id, title, producer, license, vintage, url) of ``ids`` (None:
    every source file)."""
    table = wh.cached(("sources",), lambda: wh.sql(
        "SELECT source_id, title, producer, license, vintage, url FROM sources ORDER BY source_id"
    ))  # fmt: skip
    if ids is None:
        return table
    return table[table["source_id"].isin(list(ids))].reset_index(drop=True)
