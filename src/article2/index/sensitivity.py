"""Monte Carlo sensitivity of composite ranks: pure, seeded, vectorised over draws.

Each draw ``d`` (COINr's approach; Saisana, Saltelli & Tarantola 2005, *J. R. Statist. Soc.
A* 168(2)):

- every indicator weight and every pillar weight is multiplied by ``1 + U(−a, a)`` and
  renormalised (within its pillar, and across pillars);
- the normalisation is drawn uniformly from the allowed ones, and so is the aggregation rule.

All draws are evaluated at once: the scores of each (normalisation, aggregation) pair are
computed once, and the draws that use the pair are aggregated in one batched ``einsum``
(:func:`article2.index.aggregate.composite`); ranks are taken per draw.

Per country: the median rank, the 5th and 95th percentile ranks, and **which choice moves
its rank most** — the first-order share of the variance of its rank explained by each
factor: for a weight, the squared correlation between the weight's noise and the rank (a
linear first-order index); for the normalisation and the aggregation, the correlation ratio
``η² = Var(E[rank | choice]) / Var(rank)``. Ranks that never move have no influential factor
(``"none"``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from article2.index.aggregate import (
    Aggregation,
    check_aggregation,
    composite,
    rank_desc,
    shift_for_geometric,
)
from article2.index.normalise import Normalisation, check_normalisation, normalise, winsorise

__all__ = ["MAX_DRAWS", "Sensitivity", "check_draws", "monte_carlo"]

#: most Monte Carlo draws one run may ask for. All draws are held at once: for 200 countries
#: and 7 indicators, 10,000 draws took 3.9 s and peaked at 290 MB on the reference machine
#: (1,000 draws: 0.4 s, 160 MB; 50,000: 14 s, 840 MB); rank bands are stable well before.
MAX_DRAWS = 10_000


def check_draws(draws: int, *, minimum: int = 0) -> int:
    """``draws`` if it is an integer in ``minimum``..:data:`MAX_DRAWS`; a ValueError otherwise."""
    if isinstance(draws, bool) or not isinstance(draws, int | np.integer):
        raise ValueError(f"draws must be an integer, got {draws!r}")
    if not minimum <= draws <= MAX_DRAWS:
        raise ValueError(f"draws must be {minimum} to {MAX_DRAWS:,}, got {draws:,}")
    return int(draws)


@dataclass(frozen=True)
class Sensitivity:
    """Result of :func:`monte_carlo` for n countries and D draws.

    Attributes:
        draws, seed, noise: the run's settings.
        ranks: D × n ranks (1 = highest).
        median_rank, rank_p05, rank_p95: n values.
        influence: n × f table (columns: factors) of first-order variance shares in [0, 1].
        most_influential: n factor names (``"none"`` when the rank never moves).
        normalisation, aggregation: the D choices drawn.
    """

    draws: int
    seed: int
    noise: float
    ranks: np.ndarray
    median_rank: np.ndarray
    rank_p05: np.ndarray
    rank_p95: np.ndarray
    influence: pd.DataFrame
    most_influential: tuple[str, ...]
    normalisation: tuple[str, ...]
    aggregation: tuple[str, ...]


def _unit_rows(w: np.ndarray, groups: np.ndarray | None = None) -> np.ndarray:
    """Renormalise weights to sum 1 (within each group when ``groups`` is k × p one-hot)."""
    if groups is None:
        return w / w.sum(axis=1, keepdims=True)
    tot = (w @ groups) @ groups.T
    return np.where(tot > 0, w / np.where(tot > 0, tot, 1.0), 0.0)


def monte_carlo(
    values: np.ndarray,
    directions: np.ndarray,
    weights: np.ndarray,
    groups: np.ndarray,
    group_weights: np.ndarray,
    *,
    normalisations: tuple[Normalisation, ...] = ("minmax",),
    aggregations: tuple[Aggregation, ...] = ("arithmetic",),
    noise: float = 0.25,
    draws: int = 1000,
    seed: int = 0,
    winsor: tuple[float, float] = (0.0, 1.0),
    frontier: np.ndarray | None = None,
    floor: np.ndarray | None = None,
    names: tuple[str, ...] | None = None,
    group_names: tuple[str, ...] | None = None,
) -> Sensitivity:
    """Rank uncertainty of a composite (see the module docstring).

    Args:
        values: n × k raw indicator values of the scored countries (NaN = missing).
        directions, weights: k values; groups: k × p one-hot; group_weights: p values.
        normalisations, aggregations: the choices drawn from (uniformly).
        noise: ``a`` in ``w · (1 + U(−a, a))``; 0 keeps the weights fixed.
        draws, seed: number of draws and the seed of ``np.random.default_rng``.
        winsor, frontier, floor: as in :mod:`article2.index.normalise`.
        names, group_names: factor labels (default ``w0…``, ``g0…``).
    """
    for n_ in normalisations:
        check_normalisation(n_)
    for a_ in aggregations:
        check_aggregation(a_)
    check_draws(draws, minimum=1)
    if not 0.0 <= noise < 1.0:
        raise ValueError(f"noise must be in [0, 1), got {noise}")
    x = winsorise(np.asarray(values, float), *winsor)
    d = np.asarray(directions, float)
    w = np.asarray(weights, float)
    v = np.asarray(group_weights, float)
    n, k = x.shape
    p = v.size
    rng = np.random.default_rng(seed)
    uw = rng.uniform(-noise, noise, size=(draws, k))
    uv = rng.uniform(-noise, noise, size=(draws, p))
    mi = rng.integers(len(normalisations), size=draws)
    ai = rng.integers(len(aggregations), size=draws)
    wd = _unit_rows(w * (1.0 + uw), groups)
    vd = _unit_rows(v * (1.0 + uv))
    comp = np.empty((draws, n))
    for i, method in enumerate(normalisations):
        s = normalise(x, d, method, frontier=frontier, floor=floor)
        for j, agg in enumerate(aggregations):
            sel = (mi == i) & (ai == j)
            if not sel.any():
                continue
            sj = shift_for_geometric(s) if (agg == "geometric" and method == "zscore") else s
            comp[sel], _ = composite(sj, wd[sel], groups, vd[sel], agg)
    ranks = rank_desc(comp)
    med = np.median(ranks, axis=0)
    p05, p95 = np.percentile(ranks, [5, 95], axis=0)
    names = names or tuple(f"w{i}" for i in range(k))
    group_names = group_names or tuple(f"g{i}" for i in range(p))
    factors = [f"weight {x_}" for x_ in names] + [f"weight {g_}" for g_ in group_names]
    infl = np.zeros((n, len(factors) + 2))
    rc = ranks - ranks.mean(axis=0)
    rss = (rc**2).sum(axis=0)
    moving = rss > 0
    u = np.concatenate([uw, uv], axis=1)
    uc = u - u.mean(axis=0)
    uss = (uc**2).sum(axis=0)
    with np.errstate(all="ignore"):
        corr = (uc.T @ rc) / np.sqrt(np.outer(uss, rss))
    infl[:, : len(factors)] = np.nan_to_num(corr.T**2)
    for col, (idx, count) in enumerate(((mi, len(normalisations)), (ai, len(aggregations)))):
        onehot = np.eye(count)[idx]  # D × c
        nper = onehot.sum(axis=0)
        means = (onehot.T @ rc) / np.where(nper > 0, nper, 1.0)[:, None]  # c × n
        between = (nper[:, None] * means**2).sum(axis=0)
        with np.errstate(all="ignore"):
            infl[:, len(factors) + col] = np.where(moving, between / np.where(moving, rss, 1.0), 0.0)
    factors += ["normalisation", "aggregation"]
    influence = pd.DataFrame(np.clip(infl, 0.0, 1.0), columns=factors)
    top = np.array(factors, dtype=object)[infl.argmax(axis=1)]
    most = tuple(str(t) if m else "none" for t, m in zip(top, moving, strict=True))
    return Sensitivity(
        draws=draws,
        seed=seed,
        noise=noise,
        ranks=ranks,
        median_rank=med,
        rank_p05=p05,
        rank_p95=p95,
        influence=influence,
        most_influential=most,
        normalisation=tuple(normalisations[i] for i in mi),
        aggregation=tuple(aggregations[j] for j in ai),
    )
