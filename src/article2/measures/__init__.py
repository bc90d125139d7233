"""The measures layer: every number shown on more than one surface, defined once.

Each measure has a :class:`Measure` record (name, label, unit, definition in words, source ids)
and a function that takes the :class:`~article2.warehouse.Warehouse` handle and returns a tidy
table (``iso3, year, value, source_id`` and, where it applies, more columns). Profiles, briefs,
the dashboard, the index and the command line select and format from these functions; they hold
no SQL of their own.

Modules, one per concept: :mod:`~article2.measures.members` (who makes up each actor, by year),
:mod:`~article2.measures.trade` (trade flows, shares and world totals per trade source),
:mod:`~article2.measures.finance` (official finance: Chinese commitments in a year, summed over a
window, averaged over five years, each as % of GDP), :mod:`~article2.measures.exposure`
(coercion exposure to China, with percentiles), :mod:`~article2.measures.economy` (GDP). The channels of who finances and who moves:
:mod:`~article2.measures.official_finance` (official finance by actor, side by side, each in its
own terms), :mod:`~article2.measures.us_aid` (U.S. foreign assistance),
:mod:`~article2.measures.people` (migrants and students), :mod:`~article2.measures.us_trade`
(U.S. goods trade, IMF DOTS).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Measure"]


@dataclass(frozen=True)
class Measure:
    """What a measure is.

    Attributes:
        name: the key every surface uses.
        label: short human label.
        unit: unit of ``value``.
        definition: the definition in words (numerator, denominator, years, caveats).
        source_ids: the raw files (``sources.source_id``) the values come from.
    """

    name: str
    label: str
    unit: str
    definition: str
    source_ids: tuple[str, ...]
