"""Alignment and complementarity of U.S. and Japanese presence, and the alliance's weight
against China's: pure functions.

For one channel (B's exports, B's imports, ...) and year ``t``, with ``s_U``, ``s_J``, ``s_C``
the shares of the United States, Japan and China in B's total and ``s_{UJ} = s_U + s_J`` the
share of the alliance (members' flows summed over the same denominator), and ``I_U``, ``I_J``
the intensities (share relative to the actor's share of world trade, see
:mod:`article2.indicators.presence`):

- **overlap** ``O = min(s_U, s_J)``: the part of B's channel in which both are present to the
  same extent (0 when either is absent).
- **complementarity** ``K = |s_U − s_J| / (s_U + s_J)`` in [0, 1]: 0 when both weigh the same,
  1 when only one of them is present; ``lead`` names the stronger one.
- **pattern**: an actor is *strong* in B when its intensity is at least ``strong`` (default 1:
  it weighs at least as much in B as in world trade). ``both strong`` (overlap), ``USA strong,
  JPN weak`` / ``JPN strong, USA weak`` (complementary: the report's "complementary skills"),
  or ``both weak``.
- **balance** ``β = s_{UJ} / (s_{UJ} + s_C)`` in [0, 1]: the alliance's combined weight against
  China's; 0.5 is parity, above 0.5 the alliance outweighs China.
- **trend**: ``β(t) − β(base)`` for the latest base year ``≤ t − 5`` and ``≤ t − 10``
  (:func:`article2.indicators.presence.change`).

Documented with the same formulas in ``docs/methods/alignment.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from article2.indicators.presence import Change, change

__all__ = ["Alignment", "align", "balance", "complementarity", "overlap", "pattern"]


def _nan(x: float | None) -> bool:
    return x is None or bool(np.isnan(x))


def overlap(s_u: float, s_j: float) -> float:
    """``min(s_U, s_J)``; NaN if either is missing."""
    return float("nan") if _nan(s_u) or _nan(s_j) else float(min(s_u, s_j))


def complementarity(s_u: float, s_j: float) -> float:
    """``|s_U − s_J| / (s_U + s_J)`` in [0, 1]; NaN if missing or both are 0."""
    if _nan(s_u) or _nan(s_j) or s_u + s_j <= 0:
        return float("nan")
    return float(abs(s_u - s_j) / (s_u + s_j))


def balance(s_uj: float, s_c: float) -> float:
    """``s_UJ / (s_UJ + s_C)`` in [0, 1]; NaN if missing or both are 0."""
    if _nan(s_uj) or _nan(s_c) or s_uj + s_c <= 0:
        return float("nan")
    return float(s_uj / (s_uj + s_c))


def pattern(i_u: float, i_j: float, strong: float = 1.0) -> str:
    """Classify by intensity: both strong / USA strong, JPN weak / JPN strong, USA weak / both
    weak ("unknown" when an intensity is missing)."""
    if _nan(i_u) or _nan(i_j):
        return "unknown"
    u, j = i_u >= strong, i_j >= strong
    if u and j:
        return "both strong"
    if u:
        return "USA strong, JPN weak"
    if j:
        return "JPN strong, USA weak"
    return "both weak"


@dataclass(frozen=True)
class Alignment:
    """Alignment of U.S. and Japanese presence in one channel and year.

    Attributes:
        channel: e.g. ``"exports"`` (of the target) or ``"imports"``.
        year: the year ``t``.
        share_usa, share_jpn, share_chn, share_alliance: shares in the target's total.
        overlap, complementarity, balance: see the module docstring.
        lead: ``"USA"``, ``"JPN"`` or ``"equal"`` (larger share), ``""`` when unknown.
        pattern: classification by intensity against the ``strong`` threshold.
        balance_change_5y, balance_change_10y: trend of the balance.
    """

    channel: str
    year: int
    share_usa: float
    share_jpn: float
    share_chn: float
    share_alliance: float
    overlap: float
    complementarity: float
    lead: str
    pattern: str
    balance: float
    balance_change_5y: Change
    balance_change_10y: Change


def align(
    channel: str,
    year: int,
    shares: Mapping[str, Mapping[int, float]],
    intensities: Mapping[str, float],
    *,
    strong: float = 1.0,
) -> Alignment:
    """Alignment measures for one channel.

    Args:
        channel: channel name (copied to the result).
        year: the year ``t``.
        shares: actor (``"USA"``, ``"JPN"``, ``"CHN"``, ``"USA+JPN"``) -> year -> share; the
            alliance's series must come from summed member flows.
        intensities: actor -> intensity in ``year`` (``"USA"``, ``"JPN"``).
        strong: intensity threshold for "strong" presence.
    """
    for actor in ("USA", "JPN", "CHN", "USA+JPN"):
        if actor not in shares:
            raise ValueError(f"align: no shares for {actor!r}; has {sorted(shares)}")
    nan = float("nan")
    s_u = shares["USA"].get(year, nan)
    s_j = shares["JPN"].get(year, nan)
    s_c = shares["CHN"].get(year, nan)
    s_uj = shares["USA+JPN"].get(year, nan)
    bal = {y: balance(v, shares["CHN"].get(y, nan)) for y, v in shares["USA+JPN"].items()}
    lead = ""
    if not (_nan(s_u) or _nan(s_j)):
        lead = "USA" if s_u > s_j else "JPN" if s_j > s_u else "equal"
    return Alignment(
        channel=channel,
        year=year,
        share_usa=s_u,
        share_jpn=s_j,
        share_chn=s_c,
        share_alliance=s_uj,
        overlap=overlap(s_u, s_j),
        complementarity=complementarity(s_u, s_j),
        lead=lead,
        pattern=pattern(intensities.get("USA", nan), intensities.get("JPN", nan), strong),
        balance=bal.get(year, nan),
        balance_change_5y=change(bal, year, 5),
        balance_change_10y=change(bal, year, 10),
    )
