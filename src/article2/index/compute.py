"""From an input table and a spec to scores, ranks and contributions: pure functions.

:func:`matrix` turns the long input table of :mod:`article2.index.inputs` into the
country × indicator matrix of a :class:`~article2.index.config.Spec` (indicators without any
data in the comparison set are dropped, with a note); :func:`evaluate` winsorises, normalises,
weights and aggregates it (:mod:`~article2.index.normalise`, :mod:`~article2.index.aggregate`)
and explains each country's score by its pillars (criteria).

**Contributions.** Under the baseline arithmetic aggregation a country's composite is
``S_c = Σ_p v_p P_cp / Σ_p v_p`` (over its pillars). The contribution of pillar ``p`` is
``v_p (P_cp − mean_c' P_c'p) / Σ_p v_p``: how many points the pillar adds to (or takes from)
the country's score relative to the average candidate. With complete data they sum to
``S_c − mean(S)``; positive raises the country, negative lowers it.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from article2.index.aggregate import (
    Aggregation,
    composite,
    group_matrix,
    rank_desc,
    shift_for_geometric,
)
from article2.index.config import Spec
from article2.index.normalise import Normalisation, normalise, winsorise

__all__ = ["Matrix", "Result", "evaluate", "matrix", "prepared"]


@dataclass(frozen=True)
class Matrix:
    """The inputs of one spec as a matrix.

    Attributes:
        iso3: n country keys (rows).
        names: k indicator names (columns), those of the spec that have data.
        values: n × k raw values (NaN = missing).
        source_ids: k strings naming the raw files of each column.
        years: k strings, the year(s) of each column.
        coverage: n shares of the k indicators each country has.
        notes: indicators dropped and why.
    """

    iso3: tuple[str, ...]
    names: tuple[str, ...]
    values: np.ndarray
    source_ids: tuple[str, ...]
    years: tuple[str, ...]
    coverage: np.ndarray
    notes: tuple[str, ...]


def matrix(long: pd.DataFrame, spec: Spec, countries: list[str] | None = None) -> Matrix:
    """Pivot ``long`` (iso3, indicator, value, year, source_id; ``indicator`` = a spec
    source) into the spec's matrix over ``countries`` (default: every iso3 in ``long``)."""
    iso3 = sorted(set(long["iso3"])) if countries is None else list(countries)
    if len(iso3) < 2:
        raise ValueError(
            f"{spec.file}: comparison set: {len(iso3)} countries with data "
            f"({', '.join(iso3) or 'none'}); need at least two to compare (comparison.set, "
            "comparison.exclude, or the --region given)"
        )
    wide = long.pivot_table(index="iso3", columns="indicator", values="value", aggfunc="first")
    wide = wide.reindex(iso3)
    cols, names, sids, years, notes = [], [], [], [], []
    for ind in spec.indicators:
        col = wide[ind.source] if ind.source in wide else pd.Series(np.nan, index=wide.index)
        if col.notna().sum() == 0:
            notes.append(f"{ind.name}: no data for any country in the comparison set; left out")
            continue
        if ind.weight <= 0:
            notes.append(f"{ind.name}: weight 0; left out")
            continue
        if col.nunique(dropna=True) == 1:
            notes.append(
                f"{ind.name}: the same value ({col.dropna().iloc[0]:g}) for every country in the "
                "comparison set, so it cannot rank them; left out"
            )
            continue
        rows = long[long["indicator"] == ind.source]
        cols.append(col.to_numpy(float))
        names.append(ind.name)
        sids.append(";".join(sorted({s for v in rows["source_id"] for s in str(v).split(";")})))
        ys = sorted({int(y) for y in rows["year"].dropna()})
        years.append(str(ys[0]) if len(ys) == 1 else f"{ys[0]}-{ys[-1]}" if ys else "")
    if not cols:
        raise ValueError(
            f"{spec.file}: no indicator separates the {len(iso3)} countries of the comparison "
            f"set; nothing to compare ({'; '.join(notes)})"
        )
    values = np.column_stack(cols)
    coverage = (~np.isnan(values)).mean(axis=1)
    return Matrix(tuple(iso3), tuple(names), values, tuple(sids), tuple(years), coverage,
                  tuple(notes))  # fmt: skip


def _arrays(m: Matrix, spec: Spec):
    by = {i.name: i for i in spec.indicators}
    inds = [by[n] for n in m.names]
    d = np.array([i.direction for i in inds], float)
    fr = np.array([np.nan if i.frontier is None else i.frontier for i in inds], float)
    fl = np.array([np.nan if i.floor is None else i.floor for i in inds], float)
    w = np.array([i.weight for i in inds], float)
    names = spec.group_names
    g = group_matrix([i.group for i in inds], names)
    v = np.array([w_ for _, w_ in spec.groups], float)
    return d, fr, fl, w, g, v


def prepared(
    m: Matrix, spec: Spec, method: Normalisation, aggregation: Aggregation, rows=None
) -> np.ndarray:
    """Winsorised and normalised scores (n × k) for ``method``; z-scores shifted to ≥ 0 when
    the aggregation is geometric. ``rows`` (bool n) limits the comparison set."""
    d, fr, fl, *_ = _arrays(m, spec)
    x = m.values if rows is None else m.values[rows]
    x = winsorise(x, *spec.winsorise)
    s = normalise(x, d, method, frontier=fr, floor=fl)
    if method == "zscore" and aggregation == "geometric":
        s = shift_for_geometric(s)
    return s


@dataclass(frozen=True)
class Result:
    """Scores of one spec.

    Attributes:
        table: one row per country: iso3, score, rank (1 = highest; NaN when not scored),
            coverage, then one column per pillar/criterion score.
        contributions: long table iso3, group, score, weight, contribution (points above or
            below the average country; see the module docstring).
        scores: n_scored × k normalised indicator scores (rows: ``scored``).
        scored: ISO3 keys of the countries with enough data (coverage ≥ min_coverage).
        notes: what was left out and why.
    """

    table: pd.DataFrame
    contributions: pd.DataFrame
    scores: np.ndarray
    scored: tuple[str, ...]
    notes: tuple[str, ...]


def evaluate(m: Matrix, spec: Spec) -> Result:
    """Baseline scores, ranks and contributions of ``m`` under ``spec``."""
    d, fr, fl, w, g, v = _arrays(m, spec)
    ok = m.coverage >= spec.min_coverage
    notes = list(m.notes)
    dropped = [c for c, k in zip(m.iso3, ok, strict=True) if not k]
    if dropped:
        notes.append(
            f"not scored (fewer than {spec.min_coverage:.0%} of the indicators): {', '.join(dropped)}"
        )
    s = prepared(m, spec, spec.normalisation, spec.aggregation, ok)
    comp, pillars = composite(s, w, g, v, spec.aggregation)
    score = np.full(len(m.iso3), np.nan)
    score[ok] = comp
    rank = rank_desc(score)
    table = pd.DataFrame({"iso3": m.iso3, "score": score, "rank": rank, "coverage": m.coverage})
    gp = np.full((len(m.iso3), g.shape[1]), np.nan)
    gp[ok] = pillars
    for j, name in enumerate(spec.group_names):
        table[name] = gp[:, j]
    # contributions relative to the average scored country
    present = ~np.isnan(pillars)
    vsum = (present * v).sum(axis=1, keepdims=True)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a pillar nobody has stays NaN
        contrib = v * (pillars - np.nanmean(pillars, axis=0)) / vsum
    rows = []
    scored = [c for c, k in zip(m.iso3, ok, strict=True) if k]
    for i, c in enumerate(scored):
        for j, name in enumerate(spec.group_names):
            rows.append((c, name, pillars[i, j], v[j] / v.sum(), contrib[i, j]))
    contributions = pd.DataFrame(rows, columns=["iso3", "group", "score", "weight", "contribution"])
    return Result(table, contributions, s, tuple(scored), tuple(notes))
