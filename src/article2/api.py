"""The Python API: what the CLI, the web app and notebooks call.

>>> import article2.api as a2            # doctest: +SKIP
>>> a2.build()                           # doctest: +SKIP
>>> a2.sources().head()                  # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from article2 import countries as _countries
from article2 import warehouse
from article2.warehouse import BuildReport, build

__all__ = [
    "BuildReport",
    "build",
    "countries",
    "quarantine",
    "sources",
    "unmapped",
    "write_outputs",
    "load_baci",
    "generate_baci",
    "product_indicators",
    "dependencies",
    "dependency_table",
]


def sources() -> pd.DataFrame:
    """The provenance table: one row per raw file with origin, licence, SHA-256 and row counts."""
    return warehouse.query("SELECT * FROM sources ORDER BY source_id")


def unmapped() -> pd.DataFrame:
    """Codes in the sources that are not countries (unmapped or aggregates), with row counts."""
    return warehouse.query("SELECT * FROM unmapped ORDER BY source_id, status, rows DESC")


def quarantine(source_id: str | None = None) -> pd.DataFrame:
    """Rows rejected by the build, with row number, field, value and reason."""
    if source_id:
        return warehouse.query(
            "SELECT * FROM quarantine WHERE source_id = ? ORDER BY row", [source_id]
        )
    return warehouse.query("SELECT * FROM quarantine ORDER BY source_id, row")


def countries(query: str | None = None) -> pd.DataFrame:
    """The identity table, optionally filtered by a search text (name or any code)."""
    return _countries.search(query) if query else _countries.country_table()


def write_outputs(folder: Path) -> list[Path]:
    """Write the main job's outputs into ``folder`` and return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in {
        "sources.csv": sources(),
        "unmapped.csv": unmapped(),
        "quarantine_summary.csv": warehouse.query(
            "SELECT source_id, reason, count(DISTINCT row) AS rows FROM quarantine "
            "GROUP BY ALL ORDER BY source_id, rows DESC"
        ),
    }.items():
        path = folder / name
        frame.to_csv(path, index=False)
        written.append(path)
    return written


# ---------------------------------------------------------------- product-level dependence


def load_baci(folder: Path):
    """Validate a folder of CEPII BACI files (real or generated) and load it as the current
    product-level data (Parquet partitioned by year; atomic). Returns the load's record."""
    from article2.sources import baci

    return baci.load(Path(folder))


def generate_baci(out: Path, *, years, seed: int = 0, rows_per_year: int = 10_000_000):
    """Write SYNTHETIC BACI-shaped files (not real data) for tests and benchmarks."""
    from article2.synthetic import baci as synthetic_baci

    return synthetic_baci.generate(Path(out), years=years, seed=seed, rows_per_year=rows_per_year)


def product_indicators(*, year: int | None = None, country: str | None = None, **options):
    """Every product-level indicator per importer (or ``country``) and HS6 product in ``year``;
    options: ``allies``, ``thresholds``, ``rule`` (see :mod:`article2.dependence`)."""
    from article2 import dependence

    return dependence.indicator_table(year=year, country=country, **options)


def dependencies(country: str, *, year: int | None = None, **options):
    """A country's GeoDep-dependent products and chokepoints with counts and values."""
    from article2 import dependence

    return dependence.country_report(country, year=year, **options)


def dependency_table(*, year: int | None = None, **options) -> pd.DataFrame:
    """Cross-country table: dependent products, values and chokepoints per importer."""
    from article2 import dependence

    return dependence.cross_country(year=year, **options)
