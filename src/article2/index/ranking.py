"""Baseline scores plus Monte Carlo rank bands in one table: pure orchestration of
:mod:`~article2.index.compute` and :mod:`~article2.index.sensitivity`."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from article2.index.compute import Matrix, Result, _arrays, evaluate
from article2.index.config import Spec
from article2.index.sensitivity import Sensitivity, check_draws, monte_carlo

__all__ = ["Ranking", "rank_table"]


@dataclass(frozen=True)
class Ranking:
    """Scores, ranks and rank bands of one spec.

    Attributes:
        table: one row per country: iso3, score, rank, median_rank, rank_p05, rank_p95,
            most_influential, coverage, then the pillar/criterion scores.
        contributions: iso3, group, score, weight, contribution (see
            :mod:`article2.index.compute`).
        indicators: the indicator columns used: name, group, direction, weight, source_id,
            year.
        result: the baseline :class:`~article2.index.compute.Result`.
        sensitivity: the :class:`~article2.index.sensitivity.Sensitivity` (None when draws=0).
        notes: coverage and choices.
    """

    table: pd.DataFrame
    contributions: pd.DataFrame
    indicators: pd.DataFrame
    result: Result
    sensitivity: Sensitivity | None
    notes: tuple[str, ...]


def rank_table(m: Matrix, spec: Spec, *, draws: int = 1000, seed: int = 0) -> Ranking:
    """Evaluate ``m`` under ``spec`` and, with ``draws`` > 0, add rank bands (``draws`` at most
    :data:`article2.index.sensitivity.MAX_DRAWS`)."""
    check_draws(draws)
    res = evaluate(m, spec)
    table = res.table.copy()
    sens = None
    cols = ["median_rank", "rank_p05", "rank_p95"]
    for c in cols:
        table[c] = np.nan
    table["most_influential"] = ""
    ok = table["iso3"].isin(res.scored).to_numpy()
    if draws > 0 and ok.sum() > 1:
        d, fr, fl, w, g, v = _arrays(m, spec)
        sens = monte_carlo(
            m.values[ok], d, w, g, v,
            normalisations=spec.normalisations, aggregations=spec.aggregations,
            noise=spec.noise, draws=draws, seed=seed, winsor=spec.winsorise,
            frontier=fr, floor=fl, names=m.names, group_names=spec.group_names,
        )  # fmt: skip
        table.loc[ok, "median_rank"] = sens.median_rank
        table.loc[ok, "rank_p05"] = sens.rank_p05
        table.loc[ok, "rank_p95"] = sens.rank_p95
        table.loc[ok, "most_influential"] = list(sens.most_influential)
    front = ["iso3", "score", "rank", *cols, "most_influential", "coverage"]
    table = table[front + [c for c in table.columns if c not in front]]
    table = table.sort_values(["rank", "iso3"], na_position="last", ignore_index=True)
    by = {i.name: i for i in spec.indicators}
    indicators = pd.DataFrame(
        {
            "indicator": m.names,
            "group": [by[n].group for n in m.names],
            "direction": ["+" if by[n].direction > 0 else "-" for n in m.names],
            "weight": [by[n].weight for n in m.names],
            "source": [by[n].source for n in m.names],
            "year": m.years,
            "source_id": m.source_ids,
        }
    )
    return Ranking(table, res.contributions, indicators, res, sens, res.notes)
