"""Product-level dependence on the loaded BACI data: thin orchestration over
:mod:`article2.indicators.products` (the numbers are in its SQL).

This module opens the Parquet store with DuckDB, defines the views the indicator SQL reads
(``trade``, ``allies``, ``china``, ``coverage``), runs it and adds names (ISO3 of importers and
suppliers, product descriptions, HS chapters and sections) for people to read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import pandas as pd

from article2 import countries, hs
from article2.indicators.products import GeoDepThresholds, indicator_query, summary_sql
from article2.sources import baci

__all__ = [
    "DEFAULT_ALLIES",
    "ChokepointRule",
    "DependencyReport",
    "country_report",
    "cross_country",
    "indicator_table",
    "require_loaded",
]

#: the default allied set: ISO3 codes or group names (EU members by year, from countries.py)
DEFAULT_ALLIES: tuple[str, ...] = ("USA", "JPN", "EU", "KOR", "AUS", "CAN", "GBR", "IND")
_GROUP_NAMES = ("EU", "G7", "OECD", "QUAD", "ASEAN", "APEC", "G20", "DAC", "INDO_PACIFIC")


@dataclass(frozen=True)
class ChokepointRule:
    """When a product counts as a chokepoint for an importer (project choices, not published
    values; change them per call).

    Attributes:
        china_share_min: China supplies at least this share of the importer's imports of the
            product, or is its top supplier (0.25).
        allied_share_max: allies supply less than this share of world exports (0.3).
        require_geodep: the product must also be a GeoDep dependence (True).
    """

    china_share_min: float = 0.25
    allied_share_max: float = 0.3
    require_geodep: bool = True


@dataclass(frozen=True)
class DependencyReport:
    """One importer's product-level dependence in one year.

    Attributes:
        country: ISO3 of the importer; year: the year.
        summary: one-row table (products, dependent, dependent_value, dependent_china_top,
            chokepoints, chokepoint_value; values in thousands of USD).
        chokepoints: the chokepoint products (rows of :func:`indicator_table`), by import value.
        dependent: every GeoDep-dependent product, by import value.
        origin: the origin record of the loaded data (``synthetic`` says if it is generated).
    """

    country: str
    year: int
    summary: pd.DataFrame
    chokepoints: pd.DataFrame
    dependent: pd.DataFrame
    origin: dict

    @property
    def synthetic(self) -> bool:
        return bool(self.origin.get("synthetic"))


def require_loaded() -> baci.LoadedBaci:
    """The loaded data, or :class:`~article2.sources.baci.NoProductDataError` saying how to
    load some."""
    loaded = baci.current()
    if loaded is None:
        raise baci.NoProductDataError(
            "no product-level data loaded; load a folder of CEPII BACI files with "
            "`article2 load-baci PATH` (or generate synthetic test files with "
            "`article2 generate-baci --years 2020-2022 --out DIR` and load those)"
        )
    return loaded


def _known_iso3() -> frozenset[str]:
    return frozenset(countries.country_table()["iso3"])


def _ally_codes(allies: Sequence[str], years: Sequence[int], codes: pd.DataFrame) -> pd.DataFrame:
    by_iso = dict(zip(codes["iso3"], codes["code"], strict=False))
    rows = []
    for name in allies:
        key = name.strip().upper()
        if key == "CHN":
            raise ValueError("China cannot be in the allied set (allied supply excludes China)")
        for year in years:
            members = countries.group_members(key, year) if key in _GROUP_NAMES else (key,)
            for iso in members:
                if iso in by_iso and iso != "CHN":
                    rows.append((year, by_iso[iso]))
        if key not in _GROUP_NAMES and key not in by_iso and key not in _known_iso3():
            raise ValueError(
                f"unknown ally {name!r}: give ISO3 codes or a group ({', '.join(_GROUP_NAMES)})"
            )
    return pd.DataFrame(sorted(set(rows)), columns=["t", "i"]).astype({"t": "int32", "i": "int16"})


def _connect(loaded: baci.LoadedBaci, scan: Sequence[int], allies: Sequence[str]):
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    files = ", ".join(_quote(f"{loaded.path}/year={y}/*.parquet") for y in scan)
    con.execute(
        f"CREATE VIEW trade AS SELECT t, i, j, k, v "
        f"FROM read_parquet([{files}], hive_partitioning = false)"
    )
    codes = pd.read_parquet(loaded.countries)
    con.register("codes", codes)
    con.register("allies", _ally_codes(allies, scan, codes))
    china = codes.loc[codes["iso3"] == "CHN", ["code"]].rename(columns={"code": "i"})
    con.register("china", china.astype({"i": "int16"}))
    con.register("coverage", pd.DataFrame({"t": list(loaded.years)}))
    return con


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _year(loaded: baci.LoadedBaci, year: int | None) -> int:
    if year is None:
        return max(loaded.years)
    if year not in loaded.years:
        span = f"{min(loaded.years)}-{max(loaded.years)}"
        raise ValueError(f"year {year} is not loaded (loaded: {span})")
    return year


_NAMED = """
SELECT f.t AS year, ci.iso3 AS importer, f.k AS product, p.description,
       h.chapter, h.chapter_name, h.section, h.section_name,
       f.imports, f.exports, f.n_suppliers, f.import_hhi,
       cs.iso3 AS top_supplier, f.top_share, f.china_share, f.export_hhi, f.world_exports,
       f.allied_share, f.import_export_ratio, f.criteria_met, f.years_met, f.years_known,
       f.geodep,
       coalesce(cs.iso3 = 'CHN', false) AS china_top,
       coalesce(f.geodep, false) >= $require_geodep
         AND (cs.iso3 = 'CHN' OR f.china_share >= $china_min)
         AND f.allied_share < $allied_max AS chokepoint
FROM ({inner}) f
LEFT JOIN codes ci ON ci.code = f.j
LEFT JOIN codes cs ON cs.code = f.top_supplier
LEFT JOIN products p ON p.code = f.k
LEFT JOIN chapters h ON h.chapter = substr(f.k, 1, 2)
"""


def indicator_table(
    *,
    year: int | None = None,
    country: str | None = None,
    allies: Sequence[str] = DEFAULT_ALLIES,
    thresholds: GeoDepThresholds = GeoDepThresholds(),  # noqa: B008
    rule: ChokepointRule = ChokepointRule(),  # noqa: B008
) -> pd.DataFrame:
    """Every indicator for each importer (or ``country``, ISO3) and product in ``year``
    (default: the latest loaded), with names, GeoDep flag, chokepoint flag, and the
    ``source_id`` and ``synthetic`` flag of the loaded data on every row."""
    loaded = require_loaded()
    y = _year(loaded, year)
    scan = [t for t in loaded.years if y - thresholds.window < t <= y]
    con = _connect(loaded, scan, allies)
    try:
        importer = None
        if country is not None:
            codes = con.execute("SELECT code FROM codes WHERE iso3 = ?", [country.upper()])
            found = codes.fetchall()
            if not found:
                raise ValueError(f"{country!r} is not in the loaded data's country-code file")
            importer = int(found[0][0])
        con.register("products", pd.read_parquet(loaded.products))
        con.register("chapters", hs.chapters())
        sql, params = indicator_query(first=y, last=y, importer=importer, thresholds=thresholds)
        params |= {
            "require_geodep": rule.require_geodep,
            "china_min": rule.china_share_min,
            "allied_max": rule.allied_share_max,
        }
        table = con.execute(
            _NAMED.format(inner=sql) + " ORDER BY importer, imports DESC", params
        ).df()
    finally:
        con.close()
    # provenance travels with every row; synthetic data can never pass for real
    return table.assign(source_id=loaded.origin["source_id"], synthetic=loaded.synthetic)


def country_report(
    country: str,
    *,
    year: int | None = None,
    allies: Sequence[str] = DEFAULT_ALLIES,
    thresholds: GeoDepThresholds = GeoDepThresholds(),  # noqa: B008
    rule: ChokepointRule = ChokepointRule(),  # noqa: B008
) -> DependencyReport:
    """One importer's dependent products, chokepoints and their counts and values."""
    loaded = require_loaded()
    y = _year(loaded, year)
    table = indicator_table(
        year=y, country=country, allies=allies, thresholds=thresholds, rule=rule
    )
    summary = _summarise(table)
    return DependencyReport(
        country=country.upper(),
        year=y,
        summary=summary,
        chokepoints=table[table["chokepoint"]].reset_index(drop=True),
        dependent=table[table["geodep"].fillna(False).astype(bool)].reset_index(drop=True),
        origin=loaded.origin,
    )


def _summarise(table: pd.DataFrame) -> pd.DataFrame:
    con = duckdb.connect()
    try:
        con.register("ind", table.rename(columns={"year": "t", "importer": "j"}))
        out = con.execute(summary_sql("ind") + " ORDER BY j").df()
    finally:
        con.close()
    return out.rename(columns={"t": "year", "j": "importer"})


def cross_country(
    *,
    year: int | None = None,
    allies: Sequence[str] = DEFAULT_ALLIES,
    thresholds: GeoDepThresholds = GeoDepThresholds(),  # noqa: B008
    rule: ChokepointRule = ChokepointRule(),  # noqa: B008
) -> pd.DataFrame:
    """The per-importer summary for every importer in ``year``, most dependent first."""
    table = indicator_table(year=year, allies=allies, thresholds=thresholds, rule=rule)
    return _summarise(table).sort_values(
        ["dependent_value", "importer"], ascending=[False, True], ignore_index=True
    )
