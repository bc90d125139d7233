"""What every channel measure states about itself, and the tidy-table helpers the channel
modules (:mod:`.us_aid`, :mod:`.people`, :mod:`.us_trade`) share.

A tidy channel table has one row per (iso3, partner, year, measure) with the columns of
:data:`TIDY_COLUMNS`: ``partner`` is the other side of the channel (``"USA"``, ``"JPN"``,
``"EU"``, ``"KOR"``, or ``""`` when there is none), ``unit`` the measure's unit and
``source_ids`` the raw files (``;``-separated) the value comes from.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

__all__ = ["TIDY_COLUMNS", "Measure", "empty", "join_ids", "latest"]

TIDY_COLUMNS = ("iso3", "partner", "year", "measure", "value", "unit", "source_ids")


@dataclass(frozen=True)
class Measure:
    """A channel measure: its name, unit, definition in words and the datasets it reads."""

    name: str
    unit: str
    definition: str
    datasets: tuple[str, ...]


def empty() -> pd.DataFrame:
    """A tidy table with no rows."""
    return pd.DataFrame({c: pd.Series(dtype="float64" if c == "value" else object)
                         for c in TIDY_COLUMNS}).astype({"year": "Int64"})  # fmt: skip


def join_ids(ids: Iterable[str]) -> str:
    """Source ids, sorted and unique, ``;``-separated."""
    return ";".join(sorted({i for s in ids if isinstance(s, str) for i in s.split(";") if i}))


def latest(table: pd.DataFrame) -> pd.DataFrame:
    """The latest year with a value of every (partner, measure) of a tidy table."""
    if table.empty:
        return table
    have = table[table["value"].notna()]
    idx = have.groupby(["iso3", "partner", "measure"], sort=False)["year"].idxmax()
    return have.loc[idx].reset_index(drop=True)
