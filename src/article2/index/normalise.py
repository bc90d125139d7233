"""Normalisation of indicators before aggregation: pure numpy functions.

For a matrix ``X`` (countries × indicators, NaN = missing) and a direction per indicator
(``+1``: more is more; ``-1``: less is more), following the OECD/JRC *Handbook on Constructing
Composite Indicators* (2008, section 5):

- **winsorisation** (optional, before normalising): each column is clipped to its quantiles
  ``[q_lo, q_hi]`` over the comparison set (``[0, 1]`` leaves it unchanged).
- ``minmax``: ``100 · (x − worst) / (best − worst)`` with best and worst the observed
  column extremes (``best = max`` for direction +1, ``min`` for −1). In [0, 100].
- ``frontier`` (distance to the frontier): the same formula with fixed goalposts — ``best`` is
  the indicator's ``frontier`` and ``worst`` its ``floor`` when the config gives them; without
  a frontier the best observed value is the frontier; without a floor the floor is 0 for
  direction +1 on non-negative data (so the score is ``100 · x / frontier``, the distance to the
  leader) and the worst observed value otherwise. Clipped to [0, 100]. With both goalposts
  fixed a country's score depends only on its own value, so adding or removing other
  countries never changes it.
- ``zscore``: ``direction · (x − mean) / sd`` (population sd). Unbounded; a constant column
  gives 0.

A constant column (best = worst) normalises to 100 under ``minmax``/``frontier`` (no country
is behind) and to 0 under ``zscore``.
"""

from __future__ import annotations

import warnings
from typing import Literal, get_args

import numpy as np

__all__ = ["NORMALISATIONS", "Normalisation", "check_normalisation", "normalise", "winsorise"]

Normalisation = Literal["minmax", "frontier", "zscore"]
NORMALISATIONS: tuple[str, ...] = get_args(Normalisation)


def check_normalisation(method: str) -> str:
    """Return ``method`` or raise ValueError listing the allowed normalisations."""
    if method not in NORMALISATIONS:
        raise ValueError(
            f"unknown normalisation {method!r}; allowed: {', '.join(NORMALISATIONS)}"
        )
    return method


def winsorise(x: np.ndarray, lo: float = 0.0, hi: float = 1.0) -> np.ndarray:
    """Clip each column of ``x`` (n × k) to its ``lo`` and ``hi`` quantiles (NaN ignored).

    Returns a new array; ``lo=0, hi=1`` returns an unchanged copy.
    """
    if not 0.0 <= lo < hi <= 1.0:
        raise ValueError(f"winsorisation quantiles must satisfy 0 <= lo < hi <= 1, got {lo}, {hi}")
    x = np.array(x, dtype=float, copy=True)
    if lo == 0.0 and hi == 1.0:
        return x
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        qlo = np.nanquantile(x, lo, axis=0)
        qhi = np.nanquantile(x, hi, axis=0)
    return np.clip(x, qlo, qhi)


def _goalposts(x, directions, frontier, floor, fixed: bool):
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns stay NaN
        cmax, cmin = np.nanmax(x, axis=0), np.nanmin(x, axis=0)
    up = directions > 0
    best = np.where(up, cmax, cmin)
    worst = np.where(up, cmin, cmax)
    if fixed:
        f = np.asarray(frontier, dtype=float)
        fl = np.asarray(floor, dtype=float)
        best = np.where(np.isnan(f), best, f)
        zero_floor = up & (cmin >= 0)
        worst = np.where(np.isnan(fl), np.where(zero_floor, 0.0, worst), fl)
    return best, worst


def normalise(
    x: np.ndarray,
    directions: np.ndarray,
    method: Normalisation = "minmax",
    *,
    frontier: np.ndarray | None = None,
    floor: np.ndarray | None = None,
) -> np.ndarray:
    """Normalise the columns of ``x`` (n × k; NaN kept as NaN) — see the module docstring.

    Args:
        x: raw values, countries × indicators.
        directions: k values, +1 or −1.
        method: ``"minmax"``, ``"frontier"`` or ``"zscore"``.
        frontier, floor: k fixed goalposts for ``"frontier"`` (NaN where not fixed).

    Returns:
        A new n × k array: in [0, 100] for ``minmax`` and ``frontier``; z-scores otherwise.
    """
    check_normalisation(method)
    x = np.asarray(x, dtype=float)
    d = np.asarray(directions, dtype=float)
    if x.ndim != 2 or d.shape != (x.shape[1],):
        raise ValueError(f"x must be n × k and directions k long; got {x.shape}, {d.shape}")
    if not np.all(np.isin(d, (-1.0, 1.0))):
        raise ValueError("directions must be +1 or -1")
    k = x.shape[1]
    if method == "zscore":
        with np.errstate(all="ignore"):
            mean = np.nanmean(x, axis=0)
            sd = np.nanstd(x, axis=0)
            z = d * (x - mean) / np.where(sd > 0, sd, np.nan)
        return np.where(np.isnan(x), np.nan, np.where(sd > 0, z, 0.0))
    nan_k = np.full(k, np.nan)
    best, worst = _goalposts(
        x,
        d,
        nan_k if frontier is None else frontier,
        nan_k if floor is None else floor,
        fixed=method == "frontier",
    )
    span = best - worst
    with np.errstate(all="ignore"):
        s = 100.0 * (x - worst) / np.where(span != 0, span, np.nan)
    s = np.where(span != 0, s, 100.0)
    s = np.clip(s, 0.0, 100.0)
    return np.where(np.isnan(x), np.nan, s)
