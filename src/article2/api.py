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
    "CASE_COUNTRIES",
    "BuildReport",
    "brief",
    "brief_countries",
    "brief_figures",
    "build",
    "countries",
    "quarantine",
    "sources",
    "unmapped",
    "write_brief",
    "write_case_briefs",
    "write_outputs",
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
    written += write_case_briefs(folder / "briefs")
    return written


# --- country briefs (article2.briefs) ---------------------------------------------------

#: the report's case-study countries: the main job writes their briefs
CASE_COUNTRIES: tuple[str, ...] = ("MMR", "VNM", "IND", "KOR")


def brief(iso3: str, *, year: int | None = None):
    """Every number of a country brief (:class:`article2.briefs.BriefData`), from the warehouse."""
    from article2 import briefs

    return briefs.brief_data(iso3, year, path=warehouse.paths.warehouse_path())


def brief_countries() -> list[str]:
    """ISO3 keys of every country a brief can be written for (any observation in the warehouse)."""
    from article2 import briefs

    return briefs.brief_countries(warehouse.paths.warehouse_path())


def brief_figures(data) -> pd.DataFrame:
    """The figures of a brief as a table: key, label, value, unit, year, source_id, method."""
    rows = [
        {"key": f.key, "label": f.label, "value": f.value, "unit": f.unit, "year": f.year,
         "source_id": f.source_id, "indicator": f.indicator, "method": f.method}
        for f in data.figures.values()
    ]
    return pd.DataFrame(rows)


def write_brief(data, folder: Path, fmt: str = "html") -> Path:
    """Write a brief (``fmt``: ``"html"``, ``"md"`` or ``"pdf"``) into ``folder``."""
    from article2 import briefs

    return briefs.write(data, Path(folder), fmt)


def write_case_briefs(folder: Path) -> list[Path]:
    """HTML and (when Chromium is installed) PDF briefs of :data:`CASE_COUNTRIES`."""
    from article2.briefs.render import chromium

    formats = ["html", "pdf"] if chromium() else ["html"]
    known = set(brief_countries())
    written = []
    for iso3 in CASE_COUNTRIES:
        if iso3 not in known:
            continue
        data = brief(iso3)
        written += [write_brief(data, folder, f) for f in formats]
    return written
