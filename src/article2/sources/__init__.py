"""Source readers: one module per provider.

Each module has an ``ORIGIN`` (the provider's official origin record), documents the format it
reads, and exposes ``read(path, origin) -> ReadResult`` that turns one raw file into rows of the
warehouse's canonical tables, quarantining bad rows with their row number, field and reason.
``READERS`` maps a snapshot dataset name (the ``dataset`` of a manifest entry) to its module.
"""

from __future__ import annotations

from types import ModuleType

from article2.sources import (
    agtpa,
    aiddata,
    cepii_geodist,
    comtrade_penppml,
    cow_trade,
    gapminder,
    imf_dots,
    oecd_students,
    peace_science,
    trade_agreements,
    undesa_migrants,
    us_aid,
    worldbank,
)

__all__ = ["READERS", "reader_for"]

READERS: dict[str, ModuleType] = {
    "agtpa": agtpa,
    "aiddata_gcdf": aiddata,
    "cepii_geodist": cepii_geodist,
    "comtrade_penppml": comtrade_penppml,
    "cow_trade": cow_trade,
    "gapminder": gapminder,
    "imf_dots_us": imf_dots,
    "oecd_students": oecd_students,
    "peace_science": peace_science,
    "trade_agreements": trade_agreements,
    "undesa_migrant_stock": undesa_migrants,
    "us_aid": us_aid,
    "wb_gdp": worldbank,
    "wb_population": worldbank,
}


def reader_for(dataset: str) -> ModuleType | None:
    """The reader module for a manifest dataset, or None when there is none."""
    return READERS.get(dataset)
