"""Country briefs for users: the brief of a country, its figures as a table, writing briefs."""

from __future__ import annotations

from pathlib import Path
from typing import cast

import pandas as pd

from article2 import api, warehouse
from article2.briefs.assemble import BriefData, brief_countries, brief_data
from article2.briefs.render import BriefFormat, chromium, write

__all__ = ["brief", "brief_figures", "write_brief", "write_case_briefs"]


def brief(iso3: str, *, year: int | None = None, path=None) -> BriefData:
    """Every number of a country brief (:class:`BriefData`), from the warehouse (``path``: a
    file or a :class:`~article2.warehouse.Warehouse`; default the user's)."""
    return brief_data(iso3, year, path=warehouse.open_warehouse(path))


def brief_figures(data: BriefData) -> pd.DataFrame:
    """The figures of a brief as a table: key, label, value, unit, year, source_id, method."""
    rows = [
        {
            "key": f.key,
            "label": f.label,
            "value": f.value,
            "unit": f.unit,
            "year": f.year,
            "source_id": f.source_id,
            "indicator": f.indicator,
            "method": f.method,
        }
        for f in data.figures.values()
    ]
    return pd.DataFrame(rows)


def write_brief(data: BriefData, folder: Path, fmt: str = "html") -> Path:
    """Write a brief (``fmt``: ``"html"``, ``"md"`` or ``"pdf"``) into ``folder``."""
    # write refuses any other format with a message that lists the allowed ones
    return write(data, Path(folder), cast(BriefFormat, fmt))


def write_case_briefs(folder: Path, path=None) -> list[Path]:
    """HTML and (when Chromium is installed) PDF briefs of :data:`article2.api.CASE_COUNTRIES`."""
    formats = ["html", "pdf"] if chromium() else ["html"]
    wh = warehouse.open_warehouse(path)
    known = set(brief_countries(wh))
    written = []
    for iso3 in api.CASE_COUNTRIES:
        if iso3 not in known:
            continue
        data = brief(iso3, path=wh)
        written += [write_brief(data, folder, f) for f in formats]
    return written
