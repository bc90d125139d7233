"""The online sources: which module fetches and reads each, and what is in the data home.

Raw files live in ``raw/<source>/<vintage>/<file>`` with an ``<file>.origin.json`` sidecar
(written by :mod:`article2.sources.download`). The vintage *in use* for a source is the one
fetched most recently (by the sidecars' ``fetched_at``); ``article2 build`` loads the files of
that vintage, and :func:`status` says what was fetched when and what is stale.
"""

from __future__ import annotations

import datetime as dt
import importlib
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pandas as pd

from article2.provenance import Origin
from article2.sources import download as dl

__all__ = ["FETCHERS", "FetchedFile", "discover", "module", "status", "vintages"]

#: source name -> module (in the issue's priority order); each has fetch() and read()
FETCHERS: dict[str, str] = {
    "imf_imts": "article2.sources.imf_imts",
    "wdi": "article2.sources.wdi_api",
    "imf_weo": "article2.sources.imf_weo",
    "oecd_dac2a": "article2.sources.oecd_dac2a",
    "imf_dip": "article2.sources.imf_dip",
    "baci": "article2.sources.baci_download",
    "comtrade": "article2.sources.comtrade_api",
    "aiddata": "article2.sources.aiddata_projects",
    "desta": "article2.sources.desta",
}


def module(source: str) -> ModuleType:
    """The module that fetches and reads ``source``."""
    if source not in FETCHERS:
        raise ValueError(f"unknown source {source!r}; allowed: {', '.join(FETCHERS)}")
    return importlib.import_module(FETCHERS[source])


@dataclass(frozen=True)
class FetchedFile:
    """One fetched raw file: its origin (from the sidecar) and where it is."""

    source: str
    vintage: str
    path: Path
    origin: Origin
    fetched_at: str


def vintages(raw: Path, source: str) -> list[tuple[str, str, list[FetchedFile]]]:
    """(vintage, fetched_at, files) for every complete vintage of ``source``, oldest first."""
    root = raw / source
    out: list[tuple[str, str, list[FetchedFile]]] = []
    if not root.is_dir():
        return out
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        files = []
        for sidecar in sorted(folder.rglob(f"*{dl.SIDECAR_SUFFIX}")):
            origin, extra = dl.read_sidecar(sidecar)
            data = sidecar.with_name(sidecar.name[: -len(dl.SIDECAR_SUFFIX)])
            files.append(
                FetchedFile(source, folder.name, data, origin, str(extra.get("fetched_at", "")))
            )
        if files:
            out.append((folder.name, max(f.fetched_at for f in files), files))
    return sorted(out, key=lambda v: (v[1], v[0]))


def discover(raw: Path) -> list[FetchedFile]:
    """Files of the vintage in use (the latest fetched) of every source, in FETCHERS order."""
    out: list[FetchedFile] = []
    for source in FETCHERS:
        found = vintages(raw, source)
        if found:
            out.extend(found[-1][2])
    return out


def status(
    raw: Path,
    built: pd.DataFrame | None = None,
    *,
    stale_days: float = 180.0,
    now: dt.datetime | None = None,
) -> pd.DataFrame:
    """Per source: the vintage in use, when it was fetched, the vintage in the warehouse, staleness.

    ``built`` is the warehouse's ``sources`` table (or None when there is no warehouse).
    ``stale`` is one of ``"not fetched"``, ``"older than N days"``, ``"not in warehouse"``
    (fetched but the warehouse was built before it: run ``article2 build``) or ``""``.
    """
    now = now or dt.datetime.now(dt.UTC)
    rows = []
    for source in FETCHERS:
        found = vintages(raw, source)
        vintage, fetched_at, n_files = ("", "", 0)
        if found:
            vintage, fetched_at, files = found[-1]
            n_files = len(files)
        in_wh = ""
        if built is not None and len(built):
            mine = built[built["source_id"].str.startswith(f"raw/{source}/")]
            if len(mine):
                in_wh = ", ".join(sorted(mine["vintage"].unique()))
        if not found:
            stale = "not fetched"
        elif in_wh != vintage:
            stale = "not in warehouse"
        else:
            age = now - dt.datetime.fromisoformat(fetched_at)
            stale = f"older than {stale_days:g} days" if age.days > stale_days else ""
        rows.append(
            {
                "source": source,
                "vintage": vintage,
                "fetched_at": fetched_at,
                "files": n_files,
                "vintages_kept": len(found),
                "warehouse_vintage": in_wh,
                "stale": stale,
            }
        )
    return pd.DataFrame(rows)
