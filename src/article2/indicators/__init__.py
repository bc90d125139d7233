"""Indicators: pure computations on tables (no I/O).

- :mod:`article2.indicators.presence` — shares, intensity, bandwidth, asymmetry, HHI, changes.
- :mod:`article2.indicators.alignment` — U.S.–Japan overlap, complementarity, alliance-vs-China
  balance and its trend.
- :mod:`article2.indicators.coercion` — country-level exposure to China and percentiles.
- :mod:`article2.indicators.products` — product-level dependence (HHI, GeoDep, allied
  substitutability) as SQL.
"""

__all__: list[str] = []
