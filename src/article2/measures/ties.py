"""Political ties as dyad-year rows: ATOP alliance obligations and COW shared IGO
memberships."""

from __future__ import annotations

import pandas as pd

from article2.warehouse import Warehouse

__all__ = ["ATOP_INDICATORS", "dyad_rows"]

ATOP_INDICATORS: tuple[str, ...] = (
    "atop_defense", "atop_offense", "atop_neutral", "atop_nonagg", "atop_consul",
)  # fmt: skip


def dyad_rows(
    wh: Warehouse, iso3: str, indicators: tuple[str, ...], partners: tuple[str, ...]
) -> pd.DataFrame:
    """Rows with ``iso3`` as the second state and one of ``partners`` as the first: columns
    ``partner, year, indicator, value, source_id``."""
    im = ", ".join("?" * len(indicators))
    pm = ", ".join("?" * len(partners))
    return wh.sql(
        f"SELECT iso3_o AS partner, year, indicator, value, source_id FROM dyad_year "
        f"WHERE iso3_d = ? AND indicator IN ({im}) AND iso3_o IN ({pm})",
        [iso3, *indicators, *partners],
    )
