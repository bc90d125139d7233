"""Presence and dependence of a target country on an actor: pure functions.

Notation (METHODS.md, "Presence and dependence"): target ``B``, actor ``A`` (a country or a
bloc ``G`` of countries), channel ``d`` (exports of B, imports of B, ...), year ``t``,
``x_{od}`` the flow from ``o`` to ``d``.

- **share** (dependence of B on A in channel d)::

      s_{A,B} = Σ_{a∈G} flow(a, B) / Σ_k flow(k, B)

  For a bloc the flows of its members are summed over the *same* denominator, so that
  ``s_{USA+JPN} = s_USA + s_JPN``.
- **intensity** (over- or under-weight relative to the actor's size; Brown 1949, Kojima 1964)::

      I_{A,B} = s_{A,B} / w_A,   w_A = (A's extra-bloc flow in the matching direction)
                                       / (world total − intra-bloc flows of A)

  For B's imports, ``w_A`` is A's share of world exports; for B's exports, A's share of world
  imports. For a single country intra-bloc flows are zero. ``I > 1`` means A weighs more in B
  than in the world.
- **bandwidth** (thickness of the tie regardless of B's size)::

      b = (log(1 + x) − min_{od} log(1 + x_{od})) / (max_{od} log(1 + x_{od}) − min_{od} log(1 + x_{od}))

  over all dyads of the year in the same source, in [0, 1].
- **asymmetry**: ``s_{A in B} − s_{B in A}``, e.g. for B's imports from A,
  ``x_{AB}/M_B − x_{AB}/X_A`` (A's share in B's imports minus B's share in A's exports).
- **HHI** of B's partners: ``Σ_j s_j²`` in ``[1/n, 1]`` for ``n`` partners with positive flows.
- **change over L years**: the difference between the value in ``t`` and in the base year, the
  latest year ``≤ t − L`` with data (sources observed every 4 years use the nearest earlier
  year; the base year is returned).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = [
    "Change",
    "actor_flows",
    "asymmetry",
    "bandwidth",
    "change",
    "hhi",
    "intensity",
    "partner_shares",
]


def _check_columns(frame: pd.DataFrame, needed: Sequence[str], what: str) -> None:
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise ValueError(f"{what}: missing columns {missing}; has {list(frame.columns)}")


def partner_shares(flows: pd.DataFrame) -> pd.DataFrame:
    """Each partner's share of the target's total per year.

    Args:
        flows: columns ``partner``, ``year``, ``value`` (one channel of one target; missing
            values must already be dropped; zeros are kept).

    Returns:
        A new frame with columns ``partner, year, value, total, share`` sorted by year and
        partner; ``share = value / total`` (NaN when the year's total is 0). Shares of all
        partners in a year with a positive total sum to 1.
    """
    _check_columns(flows, ("partner", "year", "value"), "partner_shares")
    out = (
        flows[["partner", "year", "value"]].sort_values(["year", "partner"]).reset_index(drop=True)
    )
    total = out.groupby("year")["value"].transform("sum")
    out["total"] = total
    with np.errstate(invalid="ignore", divide="ignore"):
        out["share"] = np.where(total > 0, out["value"] / total.where(total > 0), np.nan)
    return out


def actor_flows(flows: pd.DataFrame, members: pd.DataFrame) -> pd.DataFrame:
    """Flows between the target and each actor, summed over the actor's members, per year.

    Args:
        flows: columns ``partner, year, value`` (all partners of the target in one channel).
        members: columns ``actor, year, iso3`` — who belongs to each actor in each year (a
            single country is an actor with one member). Years absent from ``members`` are
            not computed.

    Returns:
        Columns ``actor, year, value, total, share, n_partners``: ``value`` is the sum over the
        actor's members that trade with the target (0 when none does), ``total`` the target's
        total over all partners, ``share = value / total``; rows only for years where the
        target has data.
    """
    _check_columns(flows, ("partner", "year", "value"), "actor_flows")
    _check_columns(members, ("actor", "year", "iso3"), "actor_flows members")
    totals = flows.groupby("year", as_index=False).agg(
        total=("value", "sum"), n_partners=("partner", "nunique")
    )
    joined = members.merge(flows, left_on=["year", "iso3"], right_on=["year", "partner"])
    summed = joined.groupby(["actor", "year"], as_index=False)["value"].sum()
    grid = members[["actor", "year"]].drop_duplicates().merge(totals, on="year")
    out = grid.merge(summed, on=["actor", "year"], how="left")
    out["value"] = out["value"].fillna(0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["share"] = np.where(out["total"] > 0, out["value"] / out["total"], np.nan)
    return out[["actor", "year", "value", "total", "share", "n_partners"]].sort_values(
        ["actor", "year"], ignore_index=True
    )


def intensity(share: float, actor_world_flow: float, world_total: float) -> float:
    """Trade intensity ``share / (actor_world_flow / world_total)``; NaN when undefined."""
    if not (world_total and actor_world_flow) or np.isnan(share):
        return float("nan")
    return float(share / (actor_world_flow / world_total))


def bandwidth(value: float, log_min: float, log_max: float) -> float:
    """Min–max scaled ``log(1 + value)`` given the year's min and max of ``log(1 + x)``."""
    if np.isnan(value) or not log_max > log_min:
        return float("nan")
    return float((np.log1p(value) - log_min) / (log_max - log_min))


def asymmetry(share_a_in_b: float, flow: float, actor_total: float) -> float:
    """``share_a_in_b − flow / actor_total`` (A's weight in B minus B's weight in A)."""
    if not actor_total or np.isnan(share_a_in_b):
        return float("nan")
    return float(share_a_in_b - flow / actor_total)


def hhi(values: Sequence[float] | np.ndarray | pd.Series) -> float:
    """Herfindahl–Hirschman index ``Σ (v_j / Σ v)²`` of non-negative flows; NaN if Σ v = 0."""
    v = np.asarray(values, dtype=float)
    v = v[~np.isnan(v)]
    if (v < 0).any():
        raise ValueError("hhi: flows must be non-negative")
    total = v.sum()
    if total <= 0:
        return float("nan")
    s = v / total
    return float(np.sum(s * s))


@dataclass(frozen=True)
class Change:
    """A change between a base year and year ``t``.

    Attributes:
        lag: the horizon asked for (years).
        base_year: the year compared with (latest year ``≤ t − lag`` with data), or None.
        delta: ``value(t) − value(base_year)`` (None when no base year).
        growth: ``value(t) / value(base_year) − 1`` (None when no base or the base is 0).
    """

    lag: int
    base_year: int | None
    delta: float | None
    growth: float | None


def change(series: Mapping[int, float], year: int, lag: int) -> Change:
    """Change of ``series`` (year -> value) from the latest year ``≤ year − lag`` to ``year``."""
    if year not in series or series[year] is None or np.isnan(series[year]):
        return Change(lag, None, None, None)
    earlier = [
        y for y, v in series.items() if y <= year - lag and v is not None and not np.isnan(v)
    ]
    if not earlier:
        return Change(lag, None, None, None)
    base = max(earlier)
    v0, v1 = float(series[base]), float(series[year])
    return Change(lag, base, v1 - v0, (v1 / v0 - 1.0) if v0 else None)
