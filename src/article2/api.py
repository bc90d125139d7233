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
from article2.profiles import Profile, TradeSource, build_profile, compare_frame
from article2.warehouse import BuildReport, build

__all__ = [
    "BuildReport",
    "build",
    "countries",
    "quarantine",
    "sources",
    "unmapped",
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
    return written


def fetch(source: str, *, vintage: str | None = None, **options) -> list[Path]:
    """Download the current data of one official source into the data home.

    ``source`` is one of :data:`article2.sources.fetched.FETCHERS`; ``vintage`` names the
    folder (and, where the source offers it, pins the release). Returns the files written.
    The next :func:`build` loads them.
    """
    from article2.sources import fetched

    return fetched.module(source).fetch(vintage=vintage, **options)


def fetch_status() -> pd.DataFrame:
    """Per online source: vintage in use, when it was fetched, vintage in the warehouse, staleness."""
    from article2 import config, paths
    from article2.errors import WarehouseMissingError
    from article2.sources import fetched

    try:
        built = warehouse.query("SELECT source_id, vintage FROM sources")
    except WarehouseMissingError:
        built = None
    return fetched.status(paths.raw_dir(), built, stale_days=float(config.get("stale_days") or 180))


__all__ += ["fetch", "fetch_status"]
# --------------------------------------------------------------------- presence profiles


def profile(
    iso3: str, *, year: int | None = None, trade_source: TradeSource = "cow"
) -> Profile:
    """Presence profile of one country: trade, official finance, ties and economy for the
    USA, JPN, CHN, the EU and USA+JPN, with U.S.–Japan alignment and coercion exposure.

    ``year`` None takes the latest year with data for each channel (stated in
    ``Profile.years``); ``trade_source`` is ``"cow"`` (importer-reported, annual to 2014) or
    ``"comtrade"`` (exporter-reported, every 4 years to 2016).

    >>> import article2                                  # doctest: +SKIP
    >>> article2.profile("VNM", year=2014).to_frame()    # doctest: +SKIP
    """
    return build_profile(iso3, year=year, trade_source=trade_source)


def compare(
    iso3s: list[str] | tuple[str, ...],
    *,
    year: int | None = None,
    trade_source: TradeSource = "cow",
) -> pd.DataFrame:
    """Several countries' profiles side by side: one row per measure, a column per country."""
    return compare_frame(
        [build_profile(c, year=year, trade_source=trade_source) for c in iso3s]
    )


__all__ += ["Profile", "compare", "profile"]
