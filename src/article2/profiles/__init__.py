"""Presence profile of one target country: queries the warehouse, computes with the pure
functions of :mod:`article2.indicators`, and returns a frozen :class:`Profile`.

Actors: the United States, Japan, China, the EU as a bloc (members as of each year, from
:func:`article2.countries.group_members`) and the alliance ``USA+JPN``. A bloc's flows are the
sum of its members' flows with the target over the target's total (so the alliance's share is
the sum of the two shares); when the target is itself an EU member, its flows with the other
members are the EU's flows (intra-EU flows of the bloc are excluded from the bloc's world
trade used for the intensity).

Channels and their default year (the latest year with data for the channel, stated in the
result's ``years``):

- ``trade``: exports of the target to the actor and imports from it, from one trade source
  (``cow``: COW Dyadic Trade 4.0, importer-reported, annual to 2014; ``comtrade``: UN Comtrade
  via penppml, exporter-reported, every 4 years 1964–2016; ``imf``: IMF IMTS once fetched,
  importer-reported, annual). Default source: the annual source with the newest year for the
  target (IMF IMTS once fetched and newer, else COW; :func:`shared_trade_source` for several
  countries). Level, share, intensity, bandwidth, asymmetry, 5- and 10-year changes. Default
  year: latest year with trade data for the target in that source.
- ``finance``: Chinese official finance (AidData GCDF 3.0, ``aiddata_gcdf/cow_gcdf.csv``),
  ODA-like, OOF-like and vague kept apart, level and % of GDP; "no record" when AidData lists
  none for the recipient-year; Japan and the EU's members: net ODA (OECD DAC2A, once fetched),
  each at its newest year; otherwise "no data in this snapshot". Default year: the source's
  latest year.
- ``ties``: ATOP alliance obligations by type (either direction), IGOs shared (COW IGO), trade
  agreements in force at 31 December (the agreement registry the map reads: curated records
  and DESTA-only agreements, :func:`article2.measures.agreements.agreements_in_force`).
- ``economy``: GDP and population (World Bank WDI; once fetched, the newest WDI vintage and
  WEO history years, by :mod:`article2.measures.vintages`), each at its newest year, GDP per
  capita (the newest year with both), and Gapminder GDP per
  capita with its projected growth (Gapminder projections, from the year after the latest
  World Bank GDP year, over 10 years).
"""

from __future__ import annotations

from article2.profiles.build import build_profile, shared_trade_source
from article2.profiles.model import (
    ACTORS,
    Exposure,
    Figure,
    Profile,
    TradeSource,
    UnknownCountryError,
    YearOutOfCoverageError,
    compare_frame,
)

__all__ = [
    "ACTORS",
    "Exposure",
    "Figure",
    "Profile",
    "TradeSource",
    "UnknownCountryError",
    "YearOutOfCoverageError",
    "build_profile",
    "compare_frame",
    "shared_trade_source",
]
