"""Building a presence profile: check the request, read each channel
(:mod:`article2.profiles.queries`), compute alignment, and return the frozen
:class:`~article2.profiles.model.Profile`."""

from __future__ import annotations

import types
from pathlib import Path
from typing import cast

from article2 import warehouse
from article2.indicators import alignment as al
from article2.measures import trade as trade_m
from article2.measures.answers import build_answers
from article2.measures.channels import build_channels
from article2.profiles.model import (
    _TRADE_SOURCES,
    TRADE_INDICATORS,
    Profile,
    TradeSource,
    YearOutOfCoverageError,
)
from article2.profiles.queries import (
    _check_target,
    _coverage_text,
    _economy,
    _exposure,
    _finance,
    _meta,
    _ties,
    _trade,
)

__all__ = ["build_profile", "shared_trade_source"]


def _checked(trade_source: str | None, path) -> warehouse.Warehouse:
    """Check ``trade_source`` and return the warehouse handle (raising when none is built)."""
    if trade_source is not None and trade_source not in _TRADE_SOURCES:
        raise ValueError(
            f"unknown trade_source {trade_source!r}; allowed: {', '.join(_TRADE_SOURCES)}"
        )
    return warehouse.open_warehouse(path)


def build_profile(
    iso3: str,
    *,
    year: int | None = None,
    trade_source: TradeSource | None = None,
    path: Path | warehouse.Warehouse | None = None,
    channels: bool = True,
    answers: bool = True,
) -> Profile:
    """Compute the presence profile of ``iso3`` (see the module docstring); ``channels``:
    also the new channels (:func:`article2.measures.channels.build_channels`); ``trade_source``
    None takes the annual trade source with the newest year for the country
    (:func:`article2.measures.trade.newest_source`: IMF IMTS once fetched, else COW); ``answers``: also
    the direct answers (:func:`article2.measures.answers.build_answers`).

    Raises:
        ValueError: ``trade_source`` not one of the allowed values.
        UnknownCountryError: ``iso3`` is not a key of the warehouse's country table.
        YearOutOfCoverageError: ``year`` is outside every channel's coverage.
        WarehouseMissingError: no warehouse has been built.
    """
    wh = _checked(trade_source, path)
    meta = _meta(wh)
    code = _check_target(iso3, meta)
    if trade_source is None:
        trade_source = cast(TradeSource, trade_m.newest_source(wh, code))
    indicator, label = TRADE_INDICATORS[trade_source]
    if year is not None:
        year = int(year)
        lows = [v[0] for v in meta.cov.values() if v[0] is not None]
        highs = [v[1] for v in meta.cov.values() if v[1] is not None]
        if not (min(lows) <= year <= max(highs)):
            raise YearOutOfCoverageError(
                f"year {year} is outside the warehouse's coverage ({min(lows)}–{max(highs)}): "
                + _coverage_text(meta, indicator)
            )
    notes: list[str] = [f"trade source: {label}"]
    te, econ, n_e, gdp = _economy(wh, meta, code, year)
    tt, trade, shares, intens, n_t = _trade(wh, meta, code, trade_source, year)
    tf, fin, n_f = _finance(wh, meta, code, year, gdp)
    ty, ties, n_y = _ties(wh, meta, code, year)
    new_channels = build_channels(code, path=wh) if channels else None
    direct = (build_answers(wh, code, year=year, trade_source=trade_source, trade_year=tt)
              if answers else None)  # fmt: skip
    notes += n_t + n_f + n_y + n_e
    alignment = tuple(
        al.align(ch, tt, shares[ch], intens[ch]) for ch in ("exports", "imports") if tt is not None
    )
    exposure = _exposure(wh, meta, code, trade_source, tt, tf)
    years = types.MappingProxyType(
        {
            "trade": tt,
            "finance": tf,
            "alliances": ty["ties"],
            "igo": ty["igo"],
            "agreements": ty["agreements"],
            "economy": te,
        }
    )
    return Profile(
        iso3=code,
        name=meta.names[code],
        trade_source=trade_source,
        trade_source_label=label,
        requested_year=year,
        years=years,
        figures=tuple(econ + trade + fin + ties),
        alignment=alignment,
        exposure=exposure,
        notes=tuple(notes),
        channels=new_channels,
        answers=direct,
    )


def shared_trade_source(
    iso3s, *, path: Path | warehouse.Warehouse | None = None
) -> TradeSource:
    """One trade source for several countries' profiles, so that their figures compare: the
    source with the newest year (:func:`article2.measures.trade.newest_source`) when it is the
    same for every country, else COW (the annual source every country has)."""
    wh = warehouse.open_warehouse(path)
    found = {trade_m.newest_source(wh, str(c).strip().upper()) for c in iso3s}
    return cast(TradeSource, found.pop() if len(found) == 1 else "cow")
