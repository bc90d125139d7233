"""Presence shares for many target countries at once: pure functions.

:func:`actor_flows_panel` is :func:`article2.indicators.presence.actor_flows` (the definition the
country profile uses) computed for every target of a table in one pass, so that a world map of
an actor's share shows, for each country, exactly the share its profile reports. A property
test checks that both agree target by target.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["actor_flows_panel"]


def _check_columns(frame: pd.DataFrame, needed: tuple[str, ...], what: str) -> None:
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise ValueError(f"{what}: missing columns {missing}; has {list(frame.columns)}")


def actor_flows_panel(flows: pd.DataFrame, members: pd.DataFrame) -> pd.DataFrame:
    """Flows between each target and each actor, summed over the actor's members, per year.

    Args:
        flows: columns ``iso3`` (the target), ``partner``, ``year``, ``value`` — all partners of
            each target in one channel (or several channels stacked, e.g. imports and exports
            for "trade"); missing values are skipped as in :func:`~article2.indicators.
            presence.actor_flows`.
        members: columns ``actor, year, iso3`` — who belongs to each actor in each year.

    Returns:
        Columns ``iso3, actor, year, value, total, share, n_partners`` with, for every target,
        the rows :func:`~article2.indicators.presence.actor_flows` returns for that target's
        flows (``share = value / total``, NaN when the target's total is 0; ``value`` 0 when
        no member trades with the target), sorted by target, actor and year.
    """
    _check_columns(flows, ("iso3", "partner", "year", "value"), "actor_flows_panel")
    _check_columns(members, ("actor", "year", "iso3"), "actor_flows_panel members")
    totals = flows.groupby(["iso3", "year"], as_index=False).agg(
        total=("value", "sum"), n_partners=("partner", "nunique")
    )
    mem = members[["actor", "year", "iso3"]].rename(columns={"iso3": "member"})
    joined = mem.merge(flows, left_on=["year", "member"], right_on=["year", "partner"])
    summed = joined.groupby(["iso3", "actor", "year"], as_index=False)["value"].sum()
    grid = mem[["actor", "year"]].drop_duplicates().merge(totals, on="year")
    out = grid.merge(summed, on=["iso3", "actor", "year"], how="left")
    out["value"] = out["value"].fillna(0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["share"] = np.where(out["total"] > 0, out["value"] / out["total"], np.nan)
    return out[["iso3", "actor", "year", "value", "total", "share", "n_partners"]].sort_values(
        ["iso3", "actor", "year"], ignore_index=True
    )
