"""Weighting and aggregation of normalised indicators into pillars and a composite: pure numpy.

Two levels (OECD/JRC Handbook, section 6): indicators ``i`` in pillar ``p`` with weights
``w_i``, pillars with weights ``v_p``. With ``s_ci`` the normalised score of country ``c`` and
``m_ci`` = 1 when it is observed:

- **arithmetic**: ``P_cp = Σ_{i∈p} w_i m_ci s_ci / Σ_{i∈p} w_i m_ci`` and
  ``S_c = Σ_p v_p P_cp / Σ_p v_p`` over the pillars the country has;
- **geometric**: the same weighted means taken of ``log(1 + s)`` and transformed back with
  ``exp(·) − 1``, i.e. ``Π (1 + s_i)^{w_i/Σw} − 1``. The ``+1`` keeps a score of 0 on one
  indicator from zeroing the composite while still penalising imbalance (imperfect
  substitutability between indicators). Scores must be ≥ 0 (z-scores are shifted first, see
  :func:`shift_for_geometric`).

**Missing data** is never read as zero: a pillar is the weighted mean over the indicators the
country has (weights renormalised); a pillar with none is missing and the composite is taken
over the pillars present. Both weighted means stay within the range of their inputs, so a
composite of [0, 100] scores is in [0, 100].

Every function also accepts a batch of weights (``D`` draws × k) and then returns ``D × n``,
which is how :mod:`article2.index.sensitivity` evaluates 1,000 weightings at once.
"""

from __future__ import annotations

from typing import Literal, get_args

import numpy as np

__all__ = [
    "AGGREGATIONS",
    "Aggregation",
    "check_aggregation",
    "composite",
    "group_matrix",
    "rank_desc",
    "shift_for_geometric",
]

Aggregation = Literal["arithmetic", "geometric"]
AGGREGATIONS: tuple[str, ...] = get_args(Aggregation)


def check_aggregation(method: str) -> str:
    """Return ``method`` or raise ValueError listing the allowed aggregations."""
    if method not in AGGREGATIONS:
        raise ValueError(f"unknown aggregation {method!r}; allowed: {', '.join(AGGREGATIONS)}")
    return method


def group_matrix(groups: list[str] | tuple[str, ...], names: list[str] | tuple[str, ...]):
    """One-hot k × p matrix: ``G[i, p] = 1`` when indicator ``i`` belongs to pillar ``names[p]``."""
    g = np.zeros((len(groups), len(names)))
    for i, name in enumerate(groups):
        g[i, list(names).index(name)] = 1.0
    return g


def shift_for_geometric(s: np.ndarray) -> np.ndarray:
    """Shift scores so that their minimum is 0 (for z-scores before geometric aggregation)."""
    lo = np.nanmin(s) if np.isfinite(s).any() else 0.0
    return s - min(lo, 0.0)


def _weighted_mean(values: np.ndarray, mask: np.ndarray, w: np.ndarray, g: np.ndarray):
    """Batched ``Σ_i w_di g_ip m_ci v_ci / Σ_i w_di g_ip m_ci`` -> (D, n, p)."""
    num = np.einsum("ck,dk,kp->dcp", values, w, g, optimize=True)
    den = np.einsum("ck,dk,kp->dcp", mask, w, g, optimize=True)
    with np.errstate(all="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def composite(
    scores: np.ndarray,
    indicator_weights: np.ndarray,
    groups: np.ndarray,
    group_weights: np.ndarray,
    method: Aggregation = "arithmetic",
) -> tuple[np.ndarray, np.ndarray]:
    """Pillar scores and composite.

    Args:
        scores: n × k normalised scores (NaN = missing; ≥ 0 for geometric).
        indicator_weights: k weights, or D × k for a batch.
        groups: k × p one-hot pillar matrix (:func:`group_matrix`).
        group_weights: p weights, or D × p.
        method: ``"arithmetic"`` or ``"geometric"``.

    Returns:
        ``(composite, pillars)``: n and n × p arrays (or D × n and D × n × p for a batch);
        NaN where a country has no indicator at all.
    """
    check_aggregation(method)
    s = np.asarray(scores, dtype=float)
    w = np.asarray(indicator_weights, dtype=float)
    v = np.asarray(group_weights, dtype=float)
    batch = w.ndim == 2 or v.ndim == 2
    w2 = np.atleast_2d(w)
    v2 = np.atleast_2d(v)
    if (w2 < 0).any() or (v2 < 0).any():
        raise ValueError("weights must be non-negative")
    mask = ~np.isnan(s)
    if method == "geometric":
        if (s[mask] < 0).any():
            raise ValueError("geometric aggregation needs scores >= 0 (shift z-scores first)")
        vals = np.log1p(np.where(mask, s, 0.0))
    else:
        vals = np.where(mask, s, 0.0)
    pillars = _weighted_mean(vals, mask.astype(float), w2, groups)  # (D, n, p)
    pmask = ~np.isnan(pillars)
    num = np.einsum("dcp,dp->dc", np.where(pmask, pillars, 0.0), v2)
    den = np.einsum("dcp,dp->dc", pmask.astype(float), v2)
    with np.errstate(all="ignore"):
        comp = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
    if method == "geometric":
        comp, pillars = np.expm1(comp), np.expm1(pillars)
    if not batch:
        return comp[0], pillars[0]
    return comp, pillars


def rank_desc(values: np.ndarray) -> np.ndarray:
    """Ranks along the last axis, 1 = highest, ties share the lowest rank ("min"); NaN stays
    NaN. Works on n or D × n arrays."""
    v = np.asarray(values, dtype=float)
    v2 = np.atleast_2d(v)
    filled = np.where(np.isnan(v2), -np.inf, v2)
    order = np.argsort(-filled, axis=1, kind="stable")
    sorted_vals = np.take_along_axis(filled, order, axis=1)
    # rank "min": position of the first element equal to this one
    n = v2.shape[1]
    pos = np.arange(1, n + 1, dtype=float)[None, :].repeat(v2.shape[0], axis=0)
    same = np.concatenate(
        [np.zeros((v2.shape[0], 1), bool), sorted_vals[:, 1:] == sorted_vals[:, :-1]], axis=1
    )
    ranks_sorted = np.where(same, np.nan, pos)
    ranks_sorted = np.fmax.accumulate(np.nan_to_num(ranks_sorted, nan=0.0), axis=1)
    out = np.empty_like(ranks_sorted)
    np.put_along_axis(out, order, ranks_sorted, axis=1)
    out = np.where(np.isnan(v2), np.nan, out)
    return out[0] if v.ndim == 1 else out
