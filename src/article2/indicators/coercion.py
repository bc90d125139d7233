"""Country-level exposure to economic coercion by China.

The measures are defined once, in :mod:`article2.measures.exposure`; this module re-exports its
pure functions for computations that take the per-country sums directly.
"""

from __future__ import annotations

from article2.measures.exposure import MEASURES, exposure_measures, percentile

__all__ = ["MEASURES", "exposure_measures", "percentile"]
