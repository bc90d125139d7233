"""The new channels of a country's profile: who finances (U.S. assistance; official finance by
actor side by side: U.S., China, Japan, EU), recent U.S. trade and who moves (migrants,
students), from the warehouse through :mod:`article2.measures`.

:func:`build_channels` runs one query per channel on the warehouse handle and hands the rows to
the pure measures of :mod:`article2.measures.us_aid`, :mod:`~article2.measures.us_trade` and
:mod:`~article2.measures.people`. The result, :class:`Channels`, holds one tidy table per
channel (columns of :data:`article2.measures._channels.TIDY_COLUMNS`) and, per channel, the
latest year with data and the sources it comes from.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from article2 import countries, warehouse
from article2.measures import economy, people, us_aid, us_trade
from article2.measures import official_finance as finance
from article2.measures._channels import latest

__all__ = ["CHANNELS", "Channels", "ChannelYear", "build_channels"]

#: channel -> (label, its table, the measure whose latest year dates the channel)
CHANNELS: dict[str, tuple[str, str, str]] = {
    "us_aid": ("U.S. foreign assistance (ForeignAssistance.gov)", "us_aid", "us_aid_obligations"),
    "cn_finance": ("Chinese official finance (AidData GCDF 3.0)", "finance", "cn_official_finance"),
    "dac_oda": ("ODA of Japan and EU members (OECD DAC2A, fetched)", "finance", "dac_oda"),
    "us_trade": ("U.S. goods trade (IMF DOTS, U.S. reports)", "us_trade", "us_goods_trade"),
    "migrants": ("Migrant stock (UN DESA 2019)", "migrants", "migrants_in_partner"),
    "students": ("International tertiary students (OECD)", "students", "students_in_partner"),
}


@dataclass(frozen=True)
class ChannelYear:
    """The latest complete year with data of one channel for the country, its sources, what the
    snapshot's manifest says about them (``caveats``) and the years left out as not yet fully
    reported (``partial``: year -> reason)."""

    channel: str
    label: str
    year: int | None
    source_ids: tuple[str, ...]
    caveats: str = ""
    partial: Mapping[int, str] = dataclasses.field(default_factory=dict)


@dataclass(frozen=True)
class Channels:
    """U.S. assistance, U.S. goods trade, migrants and students for one country.

    Attributes:
        iso3: the country.
        tables: channel -> tidy table (iso3, partner, year, measure, value, unit, source_ids).
        latest: channel -> :class:`ChannelYear`.
        notes: what the figures are and are not (U.S. assistance is not ODA; China is no
            destination in the students data).
        definitions: actor -> what its official-finance figure is (table ``finance``).
    """

    iso3: str
    tables: Mapping[str, pd.DataFrame]
    latest: Mapping[str, ChannelYear]
    notes: tuple[str, ...]
    definitions: Mapping[str, str] = dataclasses.field(default_factory=dict)

    def value(self, channel: str, measure: str, year: int, partner: str = "USA") -> float | None:
        """One value (None when absent)."""
        t = self.tables[channel]
        hit = t[(t["measure"] == measure) & (t["year"] == year) & (t["partner"] == partner)]
        return None if hit.empty or pd.isna(hit["value"].iloc[0]) else float(hit["value"].iloc[0])

    def to_frame(self) -> pd.DataFrame:
        """Every row of every channel in one long table (``section`` = ``channel:<name>``,
        ``actor`` = the partner, ``channel`` = the measure), as :meth:`Profile.to_frame`."""
        parts = [
            t.rename(columns={"partner": "actor", "measure": "channel"}).assign(
                section=f"channel:{k}"
            )
            for k, t in self.tables.items()
            if not t.empty
        ]
        if not parts:
            return pd.DataFrame(columns=["iso3", "section", "actor", "channel", "value", "unit",
                                         "year", "source_ids"])  # fmt: skip
        out = pd.concat(parts, ignore_index=True)
        return out[["iso3", "section", "actor", "channel", "value", "unit", "year", "source_ids"]]

    def to_dict(self) -> dict:
        """JSON-ready: per channel its latest year and sources, and its rows."""

        def rows(t: pd.DataFrame) -> list[dict]:
            out = []
            for r in t.itertuples(index=False):
                v = None if pd.isna(r.value) else float(r.value)
                out.append({"partner": r.partner, "year": None if pd.isna(r.year) else int(r.year),
                            "measure": r.measure, "value": v, "unit": r.unit,
                            "source_ids": [s for s in r.source_ids.split(";") if s]})  # fmt: skip
            return out

        return {
            "iso3": self.iso3,
            "latest": {
                k: {
                    "label": c.label,
                    "year": c.year,
                    "source_ids": list(c.source_ids),
                    "caveats": c.caveats,
                    "partial": {str(y): why for y, why in c.partial.items()},
                }  # fmt: skip
                for k, c in self.latest.items()
            },
            "notes": list(self.notes),
            "finance_definitions": dict(self.definitions),
            **{k: rows(t) for k, t in self.tables.items()},
        }


@functools.lru_cache(maxsize=128)
def _eu_members(year: int) -> tuple[str, ...]:
    return countries.group_members("EU", year)


def _latest(
    channel: str,
    tables: Mapping[str, pd.DataFrame],
    caveats: Mapping[str, str],
    partial: Mapping[int, str],
) -> ChannelYear:
    label, name, measure = CHANNELS[channel]
    table = tables[name]
    left_out = dict(partial) if name == "us_aid" or measure.startswith("us_aid") else {}
    if not table.empty:
        table = table[(table["measure"] == measure) & ~table["year"].isin(list(left_out))]
    last = latest(table) if not table.empty else table
    if last.empty:
        return ChannelYear(channel, label, None, (), partial=left_out)
    year = int(last["year"].max())
    ids = sorted({s for v in last["source_ids"] for s in v.split(";") if s})
    said = " ".join(caveats[i] for i in ids if caveats.get(i))
    return ChannelYear(channel, label, year, tuple(ids), said, left_out)


def build_channels(iso3: str, *, path: Path | warehouse.Warehouse | None = None) -> Channels:
    """The new channels of ``iso3`` from the warehouse handle ``path`` (or the handle of the
    warehouse file ``path``; default: the current one).

    Raises:
        WarehouseMissingError: no warehouse has been built.
    """
    wh = warehouse.open_warehouse(path)
    aid = wh.sql(
        "SELECT iso3, year, indicator, value, source_id FROM country_year "
        "WHERE iso3 = ? AND list_contains(?, indicator)",
        [iso3, list(us_aid.INDICATORS)],
    )
    gdp = economy.gdp(wh)  # the layer's one GDP (one source: no year counted twice)
    gdp = gdp[gdp["iso3"] == iso3].reset_index(drop=True)
    dots = wh.sql(
        "SELECT iso3_o, iso3_d, year, indicator, value, source_id FROM dyad_year "
        "WHERE indicator IN (?, ?) AND (iso3_o = ? OR iso3_d = ?)",
        [us_trade.EXPORTS, us_trade.IMPORTS, iso3, iso3],
    )
    stock = wh.sql(
        "SELECT iso3_o, iso3_d, year, value, source_id FROM dyad_year "
        "WHERE indicator = 'migrant_stock' AND (iso3_o = ? OR iso3_d = ?)",
        [iso3, iso3],
    )
    cn = wh.sql(
        "SELECT iso3, year, indicator, value, source_id FROM country_year "
        "WHERE iso3 = ? AND list_contains(?, indicator)",
        [iso3, list(finance.CN_INDICATORS)],
    )
    dac = finance.dac_rows(wh, iso3)
    studs = wh.sql(
        "SELECT iso3_o, iso3_d, year, value, source_id FROM dyad_year "
        "WHERE indicator = 'intl_students' AND iso3_o = ?",
        [iso3],
    )
    partial = us_aid.partial_years(
        wh.sql(
            "SELECT year, count(DISTINCT iso3) AS n FROM country_year "
            "WHERE indicator = 'us_aid_obligations_current' GROUP BY year",
            [],
        )
    )
    caveats = dict(
        wh.rows(
            "SELECT source_id, coalesce(caveats, '') FROM sources WHERE list_contains(?, "
            "dataset)",
            [
                [
                    "us_aid",
                    "imf_dots_us",
                    "undesa_migrant_stock",
                    "oecd_students",
                    "aiddata_gcdf",
                    "oecd_dac2a",
                ]
            ],
        )
    )
    us = us_aid.us_assistance(aid, gdp)
    tables = {
        "us_aid": us,
        "finance": finance.official_finance(us, cn, dac, iso3, _eu_members),
        "us_trade": us_trade.us_goods_trade(dots, gdp, iso3),
        "migrants": people.migrants(stock, iso3, _eu_members),
        "students": people.students(studs, iso3, _eu_members),
    }
    for t in tables.values():
        t["value"] = t["value"].astype("float64").replace([np.inf, -np.inf], np.nan)
    return Channels(
        iso3=iso3,
        tables=tables,
        latest={k: _latest(k, tables, caveats, partial) for k in CHANNELS},
        notes=(us_aid.DEFINITION_NOTE, people.STUDENTS_NOTE),
        definitions=dict(finance.DEFINITIONS),
    )
