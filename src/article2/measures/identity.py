"""Country identity and provenance as the warehouse holds them: names and codes, which
countries have data, and the provenance rows of source files."""

from __future__ import annotations

import pandas as pd

from article2.warehouse import Warehouse

__all__ = [
    "build_table",
    "countries",
    "countries_with_data",
    "coverage",
    "indicator_sources",
    "names",
    "quarantine_summary",
    "sources",
]


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


def sources(
    wh: Warehouse, ids: list[str] | tuple[str, ...] | None = None, columns: tuple[str, ...] = (
        "source_id", "title", "producer", "license", "vintage", "url")
) -> pd.DataFrame:
    """Provenance rows (``columns`` of the ``sources`` table, by source_id) of ``ids`` (None:
    every source file)."""
    table = wh.cached(("sources",), lambda: wh.sql("SELECT * FROM sources ORDER BY source_id"))
    if ids is not None:
        table = table[table["source_id"].isin(list(ids))]
    return table[list(columns)].reset_index(drop=True)


def build_table(wh: Warehouse, name: str, source_id: str | None = None) -> pd.DataFrame:
    """A table the build writes about itself: ``sources`` (provenance of every raw file),
    ``unmapped`` (codes that are not countries) or ``quarantine`` (rejected rows; of one
    ``source_id`` if given), in a stable order."""
    order = {"sources": "source_id", "unmapped": "source_id, status, rows DESC",
             "quarantine": "source_id, row"}  # fmt: skip
    if name not in order:
        raise ValueError(f"unknown build table {name!r}; allowed: {', '.join(order)}")
    where, params = ("WHERE source_id = ?", [source_id]) if source_id else ("", [])
    return wh.sql(f"SELECT * FROM {name} {where} ORDER BY {order[name]}", params)


def quarantine_summary(wh: Warehouse) -> pd.DataFrame:
    """Rejected rows per source and reason."""
    return wh.sql(
        "SELECT source_id, reason, count(DISTINCT row) AS rows FROM quarantine "
        "GROUP BY ALL ORDER BY source_id, rows DESC"
    )


def names(wh: Warehouse) -> dict[str, str]:
    """iso3 -> name of every key of the identity table."""
    return wh.cached(("names",), lambda: dict(wh.rows("SELECT iso3, name FROM countries")))


def indicator_sources(wh: Warehouse) -> dict[str, tuple[str, ...]]:
    """Warehouse indicator -> the raw files it comes from (sorted)."""
    def compute() -> dict[str, tuple[str, ...]]:
        out: dict[str, tuple[str, ...]] = {}
        for ind, sid in wh.rows("SELECT DISTINCT indicator, source_id FROM indicators "
                                "ORDER BY 1, 2"):  # fmt: skip
            out[ind] = (*out.get(ind, ()), sid)
        return out

    return wh.cached(("indicator_sources",), compute)


def coverage(wh: Warehouse, table: str, indicator: str, source_id: str | None = None) -> tuple:
    """First and last year of ``indicator`` in ``table`` (``dyad_year`` or ``country_year``),
    of one ``source_id`` if given."""
    if table not in ("dyad_year", "country_year"):
        raise ValueError(f"unknown table {table!r}; allowed: dyad_year, country_year")
    where, params = "indicator = ?", [indicator]
    if source_id:
        where += " AND source_id = ?"
        params.append(source_id)
    return wh.cached(("coverage", table, indicator, source_id), lambda: tuple(wh.rows(
        f"SELECT min(year), max(year) FROM {table} WHERE {where}", params)[0]))  # fmt: skip
