"""Which value wins when several sources have one: the rule, written once.

A figure can come from a file of the snapshot (``wb_gdp/gdp.csv``) and from a vintage fetched
from the official service (``raw/wdi/2025-12-16/NY.GDP.MKTP.CD.p001.json``, see
:mod:`article2.sources.fetched`). The rule every measure with several sources follows:

1. **the newest year wins**: a country's latest figure is from the newest year any candidate
   source has (:func:`newest`);
2. **within a year, one value**: the fetched official vintage wins over the snapshot file; among
   fetched sources (or among snapshot files) the one listed first in the measure's order wins;
   among vintages of one source the newest wins (:func:`choose`). A year is never counted twice.

Every chosen row keeps its ``source_id``, and :func:`label` turns it into the words a reader
sees (source and vintage). All functions here are pure: they take and return tables.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

__all__ = ["FETCHED_PREFIX", "choose", "is_fetched", "label", "newest", "origin"]

#: source ids of fetched files start with this (``raw/<source>/<vintage>/<file>``)
FETCHED_PREFIX = "raw/"


def is_fetched(source_id: str) -> bool:
    """Whether ``source_id`` is a file fetched from an official service (not the snapshot's)."""
    return str(source_id).startswith(FETCHED_PREFIX)


def origin(source_id: str) -> tuple[str, str]:
    """``(source, vintage)`` of a source id: ``raw/wdi/2025-12-16/x.json`` -> ``("wdi",
    "2025-12-16")``; a snapshot file ``wb_gdp/gdp.csv`` -> ``("wb_gdp", "")`` (the snapshot's
    files carry no vintage of their own)."""
    parts = str(source_id).split("/")
    if is_fetched(source_id) and len(parts) >= 4:
        return parts[1], parts[2]
    return parts[0], ""


def label(source_id: str) -> str:
    """How a figure's source is written for readers: ``wdi, vintage 2025-12-16`` for a fetched
    file, ``wb_gdp/gdp.csv (snapshot)`` for a snapshot file."""
    source, vintage = origin(source_id)
    return f"{source}, vintage {vintage}" if vintage else f"{source_id} (snapshot)"


def _rank(rows: pd.DataFrame, order: Sequence[str]) -> pd.DataFrame:
    position = {s: i for i, s in enumerate(order)}
    parsed = [origin(s) for s in rows["source_id"]]
    return rows.assign(
        _fetched=[0 if is_fetched(s) else 1 for s in rows["source_id"]],
        _order=[position.get(src, len(position)) for src, _ in parsed],
        _vintage=[v for _, v in parsed],
    )


def choose(
    rows: pd.DataFrame, keys: Sequence[str] = ("iso3",), order: Sequence[str] = ()
) -> pd.DataFrame:
    """One row per ``keys`` and ``year``: the value of the preferred source (rule 2 above).

    Args:
        rows: at least ``keys``, ``year``, ``value``, ``source_id``; rows without a value are
            not candidates.
        keys: the columns that name what is measured (``iso3``, or ``iso3_o, iso3_d``).
        order: source names (:func:`origin`'s first element) in order of preference among
            fetched sources and among snapshot files; sources not listed come last.

    Returns:
        The chosen rows with the input's columns, sorted by ``keys`` and ``year``.
    """
    need = [*keys, "year", "value", "source_id"]
    missing = [c for c in need if c not in rows.columns]
    if missing:
        raise ValueError(f"choose: missing columns {missing}; has {list(rows.columns)}")
    have = rows[rows["value"].notna()]
    if have.empty:
        return rows.iloc[0:0].reset_index(drop=True)
    ranked = _rank(have, order)
    ranked = ranked.sort_values(
        [*keys, "year", "_fetched", "_order", "_vintage"],
        ascending=[True] * (len(keys) + 3) + [False],
        kind="stable",
    )
    best = ranked.drop_duplicates([*keys, "year"], keep="first")
    return best[list(rows.columns)].reset_index(drop=True)


def newest(
    rows: pd.DataFrame, keys: Sequence[str] = ("iso3",), order: Sequence[str] = ()
) -> pd.DataFrame:
    """The latest figure of every ``keys``: the newest year any candidate has, with the value
    :func:`choose` picks in it (rule 1 and 2 above); columns as the input's."""
    chosen = choose(rows, keys, order)
    if chosen.empty:
        return chosen
    idx = chosen.groupby(list(keys), sort=True)["year"].idxmax()
    return chosen.loc[idx].reset_index(drop=True)
