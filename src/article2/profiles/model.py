"""The presence profile's data model: :class:`Figure`, :class:`Exposure`, :class:`Profile`,
the errors and the constants every part of :mod:`article2.profiles` shares (pure: no I/O)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Literal, get_args

import numpy as np
import pandas as pd

from article2.indicators import alignment as al
from article2.measures import finance as finance_m
from article2.measures import trade as trade_m
from article2.measures.answers import Answers
from article2.measures.channels import Channels
from article2.measures.members import ACTORS

__all__ = [
    "ACTORS",
    "Exposure",
    "Figure",
    "Profile",
    "TradeSource",
    "UnknownCountryError",
    "YearOutOfCoverageError",
    "compare_frame",
]

TradeSource = Literal["cow", "comtrade", "imf"]
_TRADE_SOURCES: tuple[str, ...] = get_args(TradeSource)
#: trade source -> (indicator, label)
TRADE_INDICATORS: dict[str, tuple[str, str]] = trade_m.TRADE_SOURCES
FINANCE_SOURCE = finance_m.AIDDATA_SOURCE
FINANCE_INDICATORS: dict[str, str] = finance_m.KINDS
ATOP_TYPES: tuple[str, ...] = (
    "atop_defense",
    "atop_offense",
    "atop_neutral",
    "atop_nonagg",
    "atop_consul",
)
AGREEMENT_CATALOGUE = "desta"
PROJECTION_YEARS = 10
NO_SNAPSHOT_DATA = "no data in this snapshot"
NO_RECORD = "no record"


class UnknownCountryError(ValueError):
    """An ISO3 code that is not in the warehouse's country table."""


class YearOutOfCoverageError(ValueError):
    """A year outside the coverage of every channel."""


@dataclass(frozen=True)
class Figure:
    """One number of a profile, with its provenance.

    Attributes:
        section: ``"trade"``, ``"finance"``, ``"ties"`` or ``"economy"``.
        actor: ``"USA"``, ``"JPN"``, ``"CHN"``, ``"EU"``, ``"USA+JPN"``, or ``""`` for the
            target itself (economy context).
        channel: e.g. ``"exports"``, ``"imports"``, ``"ODA-like"``, ``"atop_defense"``.
        value: the level (None when there is no data; then ``note`` says why).
        unit: unit of ``value``.
        share: share of the target's total in the channel (trade only).
        intensity, bandwidth, asymmetry: see :mod:`article2.indicators.presence` (trade).
        pct_gdp: the value as % of the target's GDP in the same year (official finance).
        share_delta_5y, share_delta_10y: change of the share since the base years.
        value_growth_5y, value_growth_10y: relative change of the level since the base years.
        base_year_5y, base_year_10y: the base years used (latest year ≤ t − 5, ≤ t − 10).
        year: the year of the value.
        source_ids: the raw files the number comes from.
        note: "no record", "no data in this snapshot", or another qualification.
    """

    section: str
    actor: str
    channel: str
    value: float | None
    unit: str
    year: int | None
    source_ids: tuple[str, ...]
    share: float | None = None
    intensity: float | None = None
    bandwidth: float | None = None
    asymmetry: float | None = None
    pct_gdp: float | None = None
    share_delta_5y: float | None = None
    share_delta_10y: float | None = None
    value_growth_5y: float | None = None
    value_growth_10y: float | None = None
    base_year_5y: int | None = None
    base_year_10y: int | None = None
    note: str = ""


@dataclass(frozen=True)
class Exposure:
    """One coercion-exposure measure of the target and its place among all countries.

    Attributes:
        measure: a key of :data:`article2.indicators.coercion.MEASURES`.
        value: the target's value (None when undefined; ``note`` says why).
        unit: unit of ``value``.
        percentile: ``100 · #{countries at or below} / n`` (100 = most exposed).
        n_countries: countries with the measure in the same year.
        year: the year.
        source_ids: raw files used.
        note: qualification.
    """

    measure: str
    value: float | None
    unit: str
    percentile: float | None
    n_countries: int
    year: int | None
    source_ids: tuple[str, ...]
    note: str = ""


@dataclass(frozen=True)
class Profile:
    """The presence profile of one target country.

    Attributes:
        iso3, name: the target.
        trade_source: ``"cow"`` or ``"comtrade"``; ``trade_source_label`` says what it is.
        requested_year: the year asked for (None: latest per channel).
        years: channel (``trade``, ``finance``, ``ties``, ``agreements``, ``economy``) -> the
            year used (None when the channel has no data for the target).
        figures: presence and context numbers, one per (section, actor, channel).
        alignment: U.S.–Japan alignment per trade channel (:class:`~article2.indicators.
            alignment.Alignment`).
        exposure: coercion-exposure measures with percentiles.
        notes: statements about coverage and choices made.
        channels: the new channels (U.S. assistance, U.S. goods trade, migrants, students;
            :class:`article2.measures.channels.Channels`), every year with data, each channel's
            latest year and sources; None when not computed.
        answers: direct answers to the report's questions (top five partners per channel,
            GDP rank, population growth, governance scores, agreements signed and never in
            force; :class:`article2.measures.answers.Answers`); None when not computed.
    """

    iso3: str
    name: str
    trade_source: str
    trade_source_label: str
    requested_year: int | None
    years: Mapping[str, int | None]
    figures: tuple[Figure, ...]
    alignment: tuple[al.Alignment, ...]
    exposure: tuple[Exposure, ...]
    notes: tuple[str, ...] = field(default=())
    channels: Channels | None = None
    answers: Answers | None = None

    def to_frame(self) -> pd.DataFrame:
        """All numbers in one long table: presence figures, then alignment and exposure rows
        (``section`` says which), each with value, unit, year and source ids."""
        rows = [{**asdict(f), "source_ids": ";".join(f.source_ids)} for f in self.figures]
        trade_sids = _sid_union(self.figures, "trade")
        for a in self.alignment:
            for measure, value, unit in (
                ("overlap", a.overlap, "share"),
                ("complementarity", a.complementarity, "0-1"),
                ("balance_alliance_vs_china", a.balance, "0-1"),
                ("balance_change_5y", a.balance_change_5y.delta, "0-1"),
                ("balance_change_10y", a.balance_change_10y.delta, "0-1"),
            ):
                rows.append(
                    {
                        "section": "alignment",
                        "actor": "USA+JPN",
                        "channel": f"{a.channel}:{measure}",
                        "value": value,
                        "unit": unit,
                        "year": a.year,
                        "source_ids": ";".join(trade_sids),
                        "note": f"lead {a.lead}; {a.pattern}" if measure == "overlap" else "",
                    }
                )
        for e in self.exposure:
            rows.append(
                {
                    "section": "exposure",
                    "actor": "CHN",
                    "channel": e.measure,
                    "value": e.value,
                    "unit": e.unit,
                    "share": None,
                    "percentile": e.percentile,
                    "year": e.year,
                    "source_ids": ";".join(e.source_ids),
                    "note": e.note,
                }
            )
        if self.answers is not None:
            rows += answers_rows(self.answers)
        frame = pd.DataFrame(rows)
        frame.insert(0, "iso3", self.iso3)
        return frame

    def to_dict(self) -> dict:
        """JSON-ready nested dict: per section, actor and channel: value, unit, share, year and
        source ids (NaN becomes None)."""
        presence: dict[str, dict[str, dict[str, dict]]] = {}
        for f in self.figures:
            d = {k: _clean(v) for k, v in asdict(f).items() if k not in ("section", "actor")}
            d["source_ids"] = list(f.source_ids)
            presence.setdefault(f.section, {}).setdefault(f.actor or "target", {})[
                d.pop("channel")
            ] = d
        return {
            "iso3": self.iso3,
            "name": self.name,
            "trade_source": self.trade_source,
            "trade_source_label": self.trade_source_label,
            "requested_year": self.requested_year,
            "years": dict(self.years),
            "presence": presence,
            "alignment": [
                {k: _clean(v) for k, v in _flat_alignment(a).items()} for a in self.alignment
            ],
            "exposure": [
                {**{k: _clean(v) for k, v in asdict(e).items()}, "source_ids": list(e.source_ids)}
                for e in self.exposure
            ],
            "notes": list(self.notes),
            **({"channels": self.channels.to_dict()} if self.channels is not None else {}),
            **({"answers": answers_dict(self.answers)} if self.answers is not None else {}),
        }


def answers_rows(answers: Answers) -> list[dict]:
    """The answers as rows of :meth:`Profile.to_frame` (``section`` ``answers``; ``actor`` the
    partner of a top-partner row, whose ``note`` holds its rank and share)."""
    from article2.measures.catalogue import MEASURES

    rows = []
    for name, t in answers.top.items():
        for r in t.itertuples(index=False):
            rows.append({"section": "answers", "actor": r.partner, "channel": name,
                         "value": _nan_to_none(r.value), "unit": MEASURES[name].unit,
                         "share": _nan_to_none(r.share) if r.share is not None else None,
                         "year": int(r.year), "source_ids": r.source_id,
                         "note": f"rank {int(r.rank)}"})  # fmt: skip
    for r in answers.facts.itertuples(index=False):
        note = (f"of {int(r.n)} countries" if not pd.isna(r.n)
                else f"base year {int(r.base_year)}" if not pd.isna(r.base_year) else "")
        rows.append({"section": "answers", "actor": "", "channel": r.measure,
                     "value": _nan_to_none(r.value), "unit": MEASURES[r.measure].unit,
                     "year": int(r.year), "source_ids": r.source_id, "note": note})  # fmt: skip
    for r in answers.never_in_force.itertuples(index=False):
        signed = None if pd.isna(r.signature) else r.signature
        rows.append({"section": "answers", "actor": "", "channel": "signed_never_in_force",
                     "value": None, "unit": "", "year": None if signed is None else signed.year,
                     "source_ids": r.source,
                     "note": f"{r.agreement_id}: {r.title}; signed "
                             f"{'(no date)' if signed is None else f'{signed:%Y-%m-%d}'}; "
                             f"{r.evidence}; {r.citation}"})  # fmt: skip
    return rows


def answers_dict(answers: Answers) -> dict:
    """:meth:`Answers.to_dict` with each answer's label, unit, definition and source ids as
    the measure catalogue (:data:`article2.measures.catalogue.MEASURES`) states them."""
    from article2.measures.catalogue import MEASURES

    out = answers.to_dict()
    names = [*out["top_partners"], *out["facts"], "signed_never_in_force"]
    out["measures"] = {
        n: {"label": MEASURES[n].label, "unit": MEASURES[n].unit,
            "definition": MEASURES[n].definition, "source_ids": list(MEASURES[n].source_ids)}
        for n in names
    }  # fmt: skip
    return out


def _flat_alignment(a: al.Alignment) -> dict:
    d = asdict(a)
    for lag in (5, 10):
        c = d.pop(f"balance_change_{lag}y")
        d[f"balance_change_{lag}y"] = c["delta"]
        d[f"balance_base_year_{lag}y"] = c["base_year"]
    return d


def _clean(v):
    if isinstance(v, float) and np.isnan(v):
        return None
    if isinstance(v, np.generic):
        return _clean(v.item())
    if isinstance(v, tuple):
        return list(v)
    return v


def _sid_union(figures: Sequence[Figure], section: str) -> tuple[str, ...]:
    return tuple(sorted({s for f in figures if f.section == section for s in f.source_ids}))


def _nan_to_none(x) -> float | None:
    if x is None:
        return None
    x = float(x)
    return None if np.isnan(x) else x


def compare_frame(profiles: Sequence[Profile]) -> pd.DataFrame:
    """Several profiles side by side: one row per measure, one column per target."""
    keyed = {}
    for p in profiles:
        f = p.to_frame()
        f["measure"] = f["section"] + " · " + f["actor"].fillna("") + " · " + f["channel"]
        keyed[p.iso3] = f.drop_duplicates("measure").set_index("measure")
    measures: list[str] = []
    for f in keyed.values():
        measures += [m for m in f.index if m not in measures]
    out = pd.DataFrame({"measure": measures})
    for iso, f in keyed.items():
        out[iso] = [f["value"].get(m) for m in measures]
        out[f"{iso} share"] = [f["share"].get(m) if "share" in f else None for m in measures]
    return out
