"""Product-level dependence on the loaded BACI data: thin orchestration over
:mod:`article2.indicators.products_stream` (the numbers are computed there).

This module streams each year's sorted Parquet file of the store into the indicators (with the
allied exporters of that year and China's code), then adds names with DuckDB (ISO3 of importers
and suppliers, product descriptions, HS chapters and sections) for people to read, or writes
the full indicator set to Parquet, one file per year.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import threading
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from article2 import config, countries, hs, paths
from article2.indicators import products_stream as stream
from article2.indicators.products import GeoDepThresholds, summary_sql
from article2.sources import baci

__all__ = [
    "DEFAULT_ALLIES",
    "ChokepointRule",
    "DependencyReport",
    "SyntheticDataError",
    "country_report",
    "cross_country",
    "indicator_table",
    "require_loaded",
    "write_indicators",
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


class SyntheticDataError(baci.NoProductDataError):
    """Only SYNTHETIC product-level data is loaded and the caller did not accept it (briefs and
    the dashboard never do: generated numbers must not pass for real trade flows)."""


def require_loaded(*, allow_synthetic: bool = False) -> baci.LoadedBaci:
    """The loaded data, or :class:`~article2.sources.baci.NoProductDataError` saying how to
    load some; :class:`SyntheticDataError` (a NoProductDataError) when the loaded data is
    SYNTHETIC and ``allow_synthetic`` is False."""
    loaded = baci.current()
    if loaded is None:
        raise baci.NoProductDataError(
            "no product-level data loaded; load a folder of CEPII BACI files with "
            "`article2 load-baci PATH` (or generate synthetic test files with "
            "`article2 generate-baci --years 2020-2022 --out DIR` and load those)"
        )
    if loaded.synthetic and not allow_synthetic:
        raise SyntheticDataError(
            f"the loaded product-level data ({loaded.origin['source_id']}) is SYNTHETIC, "
            "generated for tests and benchmarks, not real trade flows; it is not used here. "
            "Load a CEPII BACI release with `article2 load-baci PATH` (or pass "
            "allow_synthetic=True to look at the generated data knowingly)"
        )
    if loaded.origin.get("layout") != baci.LAYOUT:
        raise baci.NoProductDataError(
            f"the loaded product-level data ({loaded.origin['source_id']}) was stored in an "
            "older layout; load it again with `article2 load-baci "
            f"{loaded.origin.get('loaded_from', 'PATH')}`"
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


def _connect(codes: pd.DataFrame):
    """A DuckDB connection with the loaded data's country codes as ``codes``."""
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    con.execute("SET preserve_insertion_order = false")
    con.register("codes", codes)
    return con


def _year_parts(loaded: baci.LoadedBaci, t: int):
    """Year t's flows from the store, in its sorted order, one function per Parquet row group
    loading it (in whichever thread calls it: each thread opens the file once)."""
    local = threading.local()
    columns = ["i", "j", "p", "v"]

    def part(file: Path, group: int):
        readers = local.__dict__.setdefault("readers", {})
        if file not in readers:
            readers[file] = pq.ParquetFile(file, memory_map=True)
        # one thread per part: the parts already keep every core busy
        return readers[file].read_row_group(group, columns=columns, use_threads=False)

    return [
        functools.partial(part, file, group)
        for file in sorted(Path(loaded.path, f"year={t}").glob("*.parquet"))
        for group in range(pq.read_metadata(file).num_row_groups)
    ]


def _threads() -> int | None:
    """``$ARTICLE2_THREADS`` (a positive whole number), or None: every core."""
    return config.value("threads")


def _run_years(
    loaded: baci.LoadedBaci,
    codes: pd.DataFrame,
    *,
    years: Sequence[int],
    allies: Sequence[str],
    **options,
) -> None:
    """:func:`~article2.indicators.products_stream.run_years` over the loaded store (country
    codes ``codes``): each year's Parquet file read once, in its sorted order."""
    ally_table = _ally_codes(allies, years, codes)
    china = codes.loc[codes["iso3"] == "CHN", "code"]
    stream.run_years(
        years=years,
        parts=lambda t: _year_parts(loaded, t),
        china=int(china.iloc[0]) if len(china) else None,
        allies={int(t): g["i"].tolist() for t, g in ally_table.groupby("t")},
        coverage=loaded.years,
        threads=_threads(),
        **options,
    )


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
    allow_synthetic: bool = False,
) -> pd.DataFrame:
    """Every indicator for each importer (or ``country``, ISO3) and product in ``year``
    (default: the latest loaded), with names, GeoDep flag, chokepoint flag, and the
    ``source_id`` and ``synthetic`` flag of the loaded data on every row. SYNTHETIC data is
    refused (:class:`SyntheticDataError`) unless ``allow_synthetic``; the same holds for
    every function here."""
    loaded = require_loaded(allow_synthetic=allow_synthetic)
    y = _year(loaded, year)
    scan = [t for t in loaded.years if y - thresholds.window < t <= y]
    codes = pd.read_parquet(loaded.countries)
    con = _connect(codes)
    try:
        importer = None
        if country is not None:
            found = con.execute(
                "SELECT code FROM codes WHERE iso3 = ?", [country.upper()]
            ).fetchall()
            if not found:
                raise ValueError(f"{country!r} is not in the loaded data's country-code file")
            importer = int(found[0][0])
        con.register("products", pd.read_parquet(loaded.products))
        con.register("chapters", hs.chapters())
        out = []
        _run_years(
            loaded,
            codes,
            years=scan,
            allies=allies,
            first=y,
            last=y,
            importer=importer,
            thresholds=thresholds,
            sink=lambda _t, table: out.append(table),
        )
        con.register("_out", out[0])
        params = {
            "require_geodep": rule.require_geodep,
            "china_min": rule.china_share_min,
            "allied_max": rule.allied_share_max,
        }
        table = con.execute(
            _NAMED.format(inner="SELECT * FROM _out") + " ORDER BY importer, imports DESC", params
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
    allow_synthetic: bool = False,
) -> DependencyReport:
    """One importer's dependent products, chokepoints and their counts and values."""
    loaded = require_loaded(allow_synthetic=allow_synthetic)
    y = _year(loaded, year)
    table = indicator_table(
        year=y,
        country=country,
        allies=allies,
        thresholds=thresholds,
        rule=rule,
        allow_synthetic=allow_synthetic,
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
    allow_synthetic: bool = False,
) -> pd.DataFrame:
    """The per-importer summary for every importer in ``year``, most dependent first."""
    table = indicator_table(
        year=year,
        allies=allies,
        thresholds=thresholds,
        rule=rule,
        allow_synthetic=allow_synthetic,
    )
    return _summarise(table).sort_values(
        ["dependent_value", "importer"], ascending=[False, True], ignore_index=True
    )


#: Parquet options of the indicator files, per column (measured in benchmarks/bench_products.py:
#: ~25% less CPU than the defaults for 5% larger files): dictionaries where values repeat;
#: no compression for the values that barely compress (imports and exports compress ~20%
#: at three times the cost); min/max statistics for codes, counts and flags, not for shares
#: whose one row group per year spans 0-1 anyway
_WRITE_OPTIONS = {
    "use_dictionary": ["k", "source_id", "n_suppliers", "top_supplier"],
    "compression": {
        name: "none"
        if name in ("imports", "exports", "import_hhi", "top_share", "import_export_ratio")
        else "snappy"
        for name in [*stream.COLUMNS, "source_id", "synthetic"]
    },
    "write_statistics": ["t", "j", "k", "n_suppliers", "top_supplier", "criteria_met",
                         "years_met", "years_known", "geodep", "source_id", "synthetic"],
}  # fmt: skip


def write_indicators(
    out,
    *,
    first: int | None = None,
    last: int | None = None,
    allies: Sequence[str] = DEFAULT_ALLIES,
    thresholds: GeoDepThresholds = GeoDepThresholds(),  # noqa: B008
    allow_synthetic: bool = False,
) -> dict:
    """Write the full indicator set (every importer, product and year in ``first..last``,
    default: every loaded year) as Parquet partitioned by year (``out/year=YYYY/data_0.parquet``,
    the columns of :mod:`article2.indicators.products` plus ``source_id`` and ``synthetic``) and
    ``out/origin.json``; returns that origin record (with ``rows`` written). ``out`` is
    replaced as a whole once every year is written: a failure leaves it as it was."""
    loaded = require_loaded(allow_synthetic=allow_synthetic)
    first = min(loaded.years) if first is None else _year(loaded, first)
    last = max(loaded.years) if last is None else _year(loaded, last)
    if first > last:
        raise ValueError(f"first year {first} is after last year {last}")
    scan = [t for t in loaded.years if first - thresholds.window < t <= last]
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".writing-{out.name}-{os.getpid()}")  # out is replaced when complete
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    provenance = {"source_id": loaded.origin["source_id"], "synthetic": loaded.synthetic}
    rows = 0

    def write(t: int, table: pa.Table) -> None:
        (tmp / f"year={t}").mkdir()
        n = len(table)
        source = pa.DictionaryArray.from_arrays(
            pa.array(np.zeros(n, np.int32)), pa.array([provenance["source_id"]])
        )
        table = table.append_column("source_id", source)
        table = table.append_column("synthetic", pa.repeat(provenance["synthetic"], n))
        pq.write_table(table, tmp / f"year={t}" / "data_0.parquet", **_WRITE_OPTIONS)

    # each year is written on a thread of its own while the next one is computed
    writes: list[Future] = []
    try:
        with ThreadPoolExecutor(1) as writer:

            def sink(t: int, table: pa.Table) -> None:
                nonlocal rows
                if writes:  # one year waits at most: errors surface, memory stays bounded
                    writes[-1].result()
                rows += len(table)
                writes.append(writer.submit(write, t, table))

            _run_years(
                loaded,
                pd.read_parquet(loaded.countries),
                years=scan,
                allies=allies,
                first=first,
                last=last,
                importer=None,
                thresholds=thresholds,
                sink=sink,
            )
        for done in writes:
            done.result()  # raises the first write's error, if any
        origin = loaded.origin | {
            "derived": "product-level indicators (article2.indicators.products_stream)",
            "years": [t for t in loaded.years if first <= t <= last],
            "allies": list(allies),
            "rows": rows,
        }
        (tmp / "origin.json").write_text(json.dumps(origin, indent=2), encoding="utf-8")
        paths.replace_folder(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return origin
