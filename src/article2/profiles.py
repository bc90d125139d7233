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
  via penppml, exporter-reported, every 4 years 1964–2016). Level, share, intensity,
  bandwidth, asymmetry, 5- and 10-year changes. Default year: latest year with trade data for
  the target in that source.
- ``finance``: Chinese official finance (AidData GCDF 3.0, ``aiddata_gcdf/cow_gcdf.csv``),
  ODA-like, OOF-like and vague kept apart, level and % of GDP; "no record" when AidData lists
  none for the recipient-year; for other actors "no data in this snapshot". Default year: the
  source's latest year.
- ``ties``: ATOP alliance obligations by type (either direction), IGOs shared (COW IGO), trade
  agreements in force at 31 December (the agreement registry the map reads: curated records
  and DESTA-only agreements, :func:`article2.measures.agreements.agreements_in_force`).
- ``economy``: GDP and population (World Bank WDI), GDP per capita, and Gapminder GDP per
  capita with its projected growth (Gapminder projections, from the year after the latest
  World Bank GDP year, over 10 years).
"""

from __future__ import annotations

import types
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal, get_args

import numpy as np
import pandas as pd

from article2 import countries, warehouse
from article2.indicators import alignment as al
from article2.indicators import presence as pr
from article2.measures import agreements as agreements_m
from article2.measures import exposure as co
from article2.measures import finance as finance_m
from article2.measures import trade as trade_m
from article2.measures.members import ACTORS, members

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
        }


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


# ----------------------------------------------------------------------------- cached lookups


def _meta(wh: warehouse.Warehouse) -> types.SimpleNamespace:
    """Warehouse-wide facts used by every profile: names, coverage, source ids (once per
    build)."""
    return wh.cached(("profile_meta",), lambda: _read_meta(wh))


def _read_meta(wh: warehouse.Warehouse) -> types.SimpleNamespace:
    with wh.cursor() as con:
        names = dict(con.execute("SELECT iso3, name FROM countries").fetchall())
        sids: dict[str, tuple[str, ...]] = {}
        for ind, sid in con.execute(
            "SELECT DISTINCT indicator, source_id FROM indicators ORDER BY 1, 2"
        ).fetchall():
            sids[ind] = (*sids.get(ind, ()), sid)
        cov = {}
        for ind in [i for i, _ in TRADE_INDICATORS.values()] + ["atop_defense", "igo_shared"]:
            cov[ind] = con.execute(
                "SELECT min(year), max(year) FROM dyad_year WHERE indicator = ?", [ind]
            ).fetchone()
        cov["finance"] = con.execute(
            "SELECT min(year), max(year) FROM country_year WHERE indicator = 'cn_of_oda' "
            "AND source_id = ?",
            [FINANCE_SOURCE],
        ).fetchone()
        cov["gdp_usd"] = con.execute(
            "SELECT min(year), max(year) FROM country_year WHERE indicator = 'gdp_usd'"
        ).fetchone()
        cov["agreements"] = con.execute(
            "SELECT min(year(force)), max(year(force)) FROM memberships WHERE catalogue = ?",
            [AGREEMENT_CATALOGUE],
        ).fetchone()
        comtrade_years = tuple(
            r[0]
            for r in con.execute(
                "SELECT DISTINCT year FROM dyad_year WHERE indicator = 'trade_comtrade' ORDER BY 1"
            ).fetchall()
        )
        sources = {
            r[0]: r[1] for r in con.execute("SELECT source_id, title FROM sources").fetchall()
        }
    return types.SimpleNamespace(
        names=names, sids=sids, cov=cov, comtrade_years=comtrade_years, sources=sources
    )


def _members(wh: warehouse.Warehouse, year: int) -> tuple[tuple[str, str], ...]:
    """(actor, iso3) pairs for every actor in ``year`` (:mod:`article2.measures.members`)."""
    m = members(wh, [year])
    return tuple(zip(m["actor"], m["iso3"], strict=True))


# ------------------------------------------------------------------------------- the profile


def _check_target(iso3: str, meta) -> str:
    code = str(iso3).strip().upper()
    if code not in meta.names:
        hits = countries.search(str(iso3).strip())["iso3"].tolist() if str(iso3).strip() else []
        hint = f" did you mean {', '.join(hits[:8])}?" if hits else ""
        raise UnknownCountryError(
            f"unknown country code {iso3!r}: not an ISO3 key of the warehouse's "
            f"{len(meta.names)} countries.{hint} Search with `article2 countries QUERY`."
        )
    return code


def _coverage_text(meta, indicator: str) -> str:
    cov = meta.cov
    parts = [
        f"trade {indicator} {cov[indicator][0]}–{cov[indicator][1]}",
        f"Chinese official finance {cov['finance'][0]}–{cov['finance'][1]}",
        f"ATOP alliances {cov['atop_defense'][0]}–{cov['atop_defense'][1]}",
        f"shared IGOs {cov['igo_shared'][0]}–{cov['igo_shared'][1]}",
        f"DESTA agreements to {cov['agreements'][1]}",
        f"World Bank GDP {cov['gdp_usd'][0]}–{cov['gdp_usd'][1]}",
    ]
    return "; ".join(parts)


def _pick_year(available: Sequence[int], requested: int | None) -> int | None:
    if requested is None:
        return max(available) if len(available) else None
    return requested if requested in set(available) else None


def _trade(wh, meta, iso3: str, source: str, requested: int | None):
    indicator = TRADE_INDICATORS[source][0]
    sid = meta.sids.get(indicator, ())
    flows = trade_m.flows(wh, source, iso3=iso3)
    positive = flows.groupby("year")["value"].sum()
    years = sorted(int(y) for y in positive[positive > 0].index)
    t = _pick_year(years, requested)
    figures: list[Figure] = []
    shares: dict[str, dict[str, dict[int, float]]] = {}
    intens: dict[str, dict[str, float]] = {}
    notes: list[str] = []
    if t is None:
        if requested is not None and years:
            near = [y for y in years if abs(y - requested) <= 4]
            notes.append(
                f"trade ({indicator}): no data for {iso3} in {requested}; years with data "
                f"{years[0]}–{years[-1]}" + (f" (nearest: {near})" if near else "")
            )
        else:
            notes.append(f"trade ({indicator}): no data for {iso3}")
        for actor in ACTORS:
            for ch in ("exports", "imports"):
                figures.append(
                    Figure(
                        "trade",
                        actor,
                        ch,
                        None,
                        "current USD",
                        requested,
                        sid,
                        note=NO_SNAPSHOT_DATA,
                    )  # fmt: skip
                )
        return t, figures, shares, intens, notes
    window = [y for y in years if t - 20 <= y <= t]
    world = trade_m.world_totals(wh, source, t)
    world = types.SimpleNamespace(
        total=world["total"], log_min=world["log_min"], log_max=world["log_max"],
        actors=world["actors"],
    )  # fmt: skip
    alone = {a for a in ACTORS if not [m for x, m in _members(wh, t) if x == a and m != iso3]}
    in_eu = iso3 in {m for a, m in _members(wh, t) if a == "EU"}
    for ch in ("exports", "imports"):
        af = trade_m.shares(wh, source, flow=ch, iso3=iso3, first=t - 20, last=t)
        af = af[af["year"].isin(window) & af["share"].notna()]
        # an actor that is the target alone has no share (missing, not zero)
        shares[ch] = {a: {} for a in ACTORS} | {
            a: dict(zip(g["year"].astype(int), g["share"], strict=True))
            for a, g in af.groupby("actor")
        }
        levels = {
            a: dict(zip(g["year"].astype(int), g["value"], strict=True))
            for a, g in af.groupby("actor")
        }
        intens[ch] = {}
        for actor in ACTORS:
            s = shares[ch].get(actor, {}).get(t, float("nan"))
            v = levels.get(actor, {}).get(t, float("nan"))
            # B's imports come from A's exports and vice versa
            w = world.actors.loc[actor] if actor in world.actors.index else None
            actor_flow = (
                (w["ext_exports"] if ch == "imports" else w["ext_imports"])
                if w is not None
                else 0.0
            )
            world_total = world.total - (w["intra"] if w is not None else 0.0)
            inten = pr.intensity(s, actor_flow, world_total)
            intens[ch][actor] = inten
            c5s, c10s = (pr.change(shares[ch].get(actor, {}), t, lag) for lag in (5, 10))
            c5v, c10v = (pr.change(levels.get(actor, {}), t, lag) for lag in (5, 10))
            figures.append(
                Figure(
                    section="trade",
                    actor=actor,
                    channel=ch,
                    value=_nan_to_none(v),
                    unit="current USD",
                    year=t,
                    source_ids=sid,
                    share=_nan_to_none(s),
                    intensity=_nan_to_none(inten),
                    bandwidth=_nan_to_none(pr.bandwidth(v, world.log_min, world.log_max)),
                    asymmetry=_nan_to_none(pr.asymmetry(s, v, actor_flow)),
                    share_delta_5y=c5s.delta,
                    share_delta_10y=c10s.delta,
                    value_growth_5y=c5v.growth,
                    value_growth_10y=c10v.growth,
                    base_year_5y=c5s.base_year,
                    base_year_10y=c10s.base_year,
                    note=(
                        "flows with the other members"
                        if actor == "EU" and in_eu
                        else "the target is the actor"
                        if actor in alone and iso3 in {m for a, m in _members(wh, t) if a == actor}
                        else f"{actor} has no members in {t}"
                        if not shares[ch].get(actor)
                        else ""
                    ),
                )
            )
    if in_eu:
        notes.append(
            f"{iso3} is an EU member in {t}: the EU's flows are those with the other members"
        )
    return t, figures, shares, intens, notes


def _finance(wh, meta, iso3: str, requested: int | None, gdp: Mapping[int, float]):
    lo, hi = meta.cov["finance"]
    sid = (FINANCE_SOURCE,)
    notes = []
    if requested is None:
        t = hi
    elif lo is not None and lo <= requested <= hi:
        t = requested
    else:
        t = None
        notes.append(f"Chinese official finance: AidData covers {lo}–{hi}, not {requested}")
    rows = finance_m.by_kind(wh)
    rows = rows[rows["iso3"] == iso3]
    figures = []
    g = gdp.get(t) if t is not None else None
    for ind, label in FINANCE_INDICATORS.items():
        r = rows[(rows["indicator"] == ind) & (rows["year"] == t)]
        value = float(r["value"].iloc[0]) if len(r) else None
        figures.append(
            Figure(
                "finance",
                "CHN",
                label,
                value,
                "constant 2021 USD",
                t,
                sid,
                pct_gdp=(value / g * 100) if (value is not None and g) else None,
                note="" if value is not None else NO_RECORD if t is not None else NO_SNAPSHOT_DATA,
            )  # fmt: skip
        )
    if t is not None:
        cum = rows[rows["year"] <= t]
        value = float(cum["value"].sum()) if len(cum) else None
        figures.append(
            Figure(
                "finance",
                "CHN",
                f"total {lo}–{t}",
                value,
                "constant 2021 USD",
                t,
                sid,
                note="" if value is not None else NO_RECORD,
            )  # fmt: skip
        )
    for actor in ("USA", "JPN", "EU", "USA+JPN"):
        figures.append(
            Figure("finance", actor, "official finance", None, "", t, (), note=NO_SNAPSHOT_DATA)
        )
    return t, figures, notes


def _ties(con, wh, meta, iso3: str, requested: int | None):
    figures: list[Figure] = []
    notes: list[str] = []
    years: dict[str, int | None] = {}
    # alliances and IGOs: latest year with data for the target (or the requested year)
    for group, inds in (("ties", ATOP_TYPES), ("igo", ("igo_shared",))):
        available = [
            r[0]
            for r in con.execute(
                "SELECT DISTINCT year FROM dyad_year WHERE indicator = ? AND iso3_d = ?",
                [inds[0], iso3],
            ).fetchall()
        ]
        t = _pick_year(available, requested)
        years[group] = t
        if t is None:
            lo, hi = meta.cov["atop_defense" if group == "ties" else "igo_shared"]
            notes.append(
                f"{'ATOP alliances' if group == 'ties' else 'shared IGOs'}: no data for {iso3}"
                + (f" in {requested} (coverage {lo}–{hi})" if requested is not None else "")
            )
        members = _members(wh, t) if t is not None else ()
        codes = sorted({m for _, m in members})
        rows = pd.DataFrame(columns=["iso3_o", "iso3_d", "indicator", "value"])
        if t is not None and codes:
            ph = ", ".join("?" for _ in codes)
            ip = ", ".join("?" for _ in inds)
            rows = con.execute(
                f"""
                SELECT iso3_o, iso3_d, indicator, value FROM dyad_year
                WHERE indicator IN ({ip}) AND year = ?
                  AND ((iso3_d = ? AND iso3_o IN ({ph})) OR (iso3_o = ? AND iso3_d IN ({ph})))
                """,
                [*inds, t, iso3, *codes, iso3, *codes],
            ).df()
        for actor in ACTORS:
            mem = [m for a, m in members if a == actor and m != iso3]
            for ind in inds:
                sid = meta.sids.get(ind, ())
                if t is None or not mem:
                    figures.append(
                        Figure(
                            "ties",
                            actor,
                            ind,
                            None,
                            "",
                            t,
                            sid,
                            note=NO_SNAPSHOT_DATA if t is None else "target is the actor",
                        )  # fmt: skip
                    )
                    continue
                r = rows[rows["indicator"] == ind]
                if ind == "igo_shared":
                    v = r[(r["iso3_d"] == iso3) & r["iso3_o"].isin(mem)]["value"]
                    single = len(mem) == 1
                    figures.append(
                        Figure(
                            "ties",
                            actor,
                            ind,
                            None if v.empty else float(v.mean() if not single else v.iloc[0]),
                            "IGOs shared" + ("" if single else " (mean over members)"),
                            t,
                            sid,
                            note=NO_RECORD if v.empty else "",
                        )  # fmt: skip
                    )
                else:
                    both = r[
                        ((r["iso3_d"] == iso3) & r["iso3_o"].isin(mem))
                        | ((r["iso3_o"] == iso3) & r["iso3_d"].isin(mem))
                    ]
                    if both.empty:
                        figures.append(Figure("ties", actor, ind, None, "", t, sid, note=NO_RECORD))
                        continue
                    partner = np.where(both["iso3_d"] == iso3, both["iso3_o"], both["iso3_d"])
                    with_ob = sorted(set(partner[both["value"].to_numpy() > 0]))
                    to_t = sorted(
                        set(both.loc[(both["iso3_d"] == iso3) & (both["value"] > 0), "iso3_o"])
                    )
                    note = f"actor→target: {'yes' if to_t else 'no'}"
                    if len(mem) > 1:
                        note += f"; members with an obligation: {', '.join(with_ob) or 'none'}"
                    figures.append(
                        Figure(
                            "ties",
                            actor,
                            ind,
                            float(len(with_ob)),
                            "members with an obligation (either direction)"
                            if len(mem) > 1
                            else "obligation in either direction (0/1)",
                            t,
                            sid,
                            note=note,
                        )  # fmt: skip
                    )
    # trade agreements
    lo, hi = meta.cov["agreements"]
    if requested is None:
        ta = hi
    elif lo is not None and requested >= lo:
        ta = requested
        if requested > hi:
            notes.append(
                f"DESTA agreements end {hi}: later agreements come from the curated registry only"
            )
    else:
        ta = None
    years["agreements"] = ta
    mem_sid = tuple(
        r[0]
        for r in con.execute(
            "SELECT DISTINCT source_id FROM memberships WHERE catalogue = ?", [AGREEMENT_CATALOGUE]
        ).fetchall()
    )
    members = _members(wh, ta) if ta is not None else ()
    for actor in ACTORS:
        mem = [m for a, m in members if a == actor and m != iso3]
        if ta is None or not mem:
            figures.append(
                Figure(
                    "ties",
                    actor,
                    "agreements_in_force",
                    None,
                    "agreements",
                    ta,
                    mem_sid,
                    note=NO_SNAPSHOT_DATA if ta is None else "target is the actor",
                )  # fmt: skip
            )
            continue
        ids = agreements_m.agreements_in_force(wh, iso3, mem, ta)
        figures.append(
            Figure(
                "ties",
                actor,
                "agreements_in_force",
                float(len(ids)),
                "agreements (registry: curated + DESTA)",
                ta,
                mem_sid,
                note=", ".join(ids[:6]) + (" …" if len(ids) > 6 else ""),
            )  # fmt: skip
        )
    return years, figures, notes


def _economy(con, meta, iso3: str, requested: int | None):
    rows = con.execute(
        "SELECT indicator, year, value, source_id FROM country_year WHERE iso3 = ? "
        "AND indicator IN ('gdp_usd', 'population', 'gm_gdp_pcap', 'gm_pop')",
        [iso3],
    ).df()

    def series(ind: str) -> dict[int, float]:
        r = rows[rows["indicator"] == ind]
        return dict(zip(r["year"].astype(int), r["value"], strict=True))

    def sid(ind: str) -> tuple[str, ...]:
        return tuple(sorted(set(rows.loc[rows["indicator"] == ind, "source_id"])))

    gdp, pop, gm = series("gdp_usd"), series("population"), series("gm_gdp_pcap")
    t = _pick_year(sorted(gdp), requested)
    notes = []
    if t is None and requested is not None and gdp:
        notes.append(f"World Bank GDP for {iso3}: {min(gdp)}–{max(gdp)}, not {requested}")
    figures = []
    for ind, label, unit, s in (
        ("gdp_usd", "GDP", "current USD", gdp),
        ("population", "population", "persons", pop),
    ):
        v = s.get(t) if t is not None else None
        figures.append(
            Figure(
                "economy",
                "",
                label,
                v,
                unit,
                t,
                sid(ind) or meta.sids.get(ind, ()),
                note="" if v is not None else NO_SNAPSHOT_DATA,
            )  # fmt: skip
        )
    g, p = (gdp.get(t), pop.get(t)) if t is not None else (None, None)
    figures.append(
        Figure(
            "economy",
            "",
            "GDP per capita",
            (g / p) if (g and p) else None,
            "current USD",
            t,
            tuple(sorted({*sid("gdp_usd"), *sid("population")})),
            note="" if (g and p) else NO_SNAPSHOT_DATA,
        )  # fmt: skip
    )
    gm_sid = sid("gm_gdp_pcap") or meta.sids.get("gm_gdp_pcap", ())
    tg = t if t is not None else requested
    v = gm.get(tg) if tg is not None else None
    figures.append(
        Figure(
            "economy",
            "",
            "GDP per capita (PPP)",
            v,
            "PPP constant 2021 international $",
            tg,
            gm_sid,
            note="" if v is not None else NO_SNAPSHOT_DATA,
        )  # fmt: skip
    )
    p0 = int(meta.cov["gdp_usd"][1]) + 1
    p1 = p0 + PROJECTION_YEARS
    if gm.get(p0) and gm.get(p1):
        cagr = (gm[p1] / gm[p0]) ** (1 / PROJECTION_YEARS) - 1
        figures.append(
            Figure(
                "economy",
                "",
                f"projected GDP per capita growth {p0}–{p1}",
                cagr,
                "per year (Gapminder projection)",
                p1,
                gm_sid,
                note="compound annual growth of Gapminder's projected GDP per capita (PPP)",
            )  # fmt: skip
        )
    else:
        figures.append(
            Figure(
                "economy",
                "",
                f"projected GDP per capita growth {p0}–{p1}",
                None,
                "per year (Gapminder projection)",
                p1,
                gm_sid,
                note=NO_SNAPSHOT_DATA,
            )  # fmt: skip
        )
    return t, figures, notes, gdp


def _checked(trade_source: str, path) -> warehouse.Warehouse:
    """Check ``trade_source`` and return the warehouse handle (raising when none is built)."""
    if trade_source not in _TRADE_SOURCES:
        raise ValueError(
            f"unknown trade_source {trade_source!r}; allowed: {', '.join(_TRADE_SOURCES)}"
        )
    return warehouse.open_warehouse(path)


def build_profile(
    iso3: str,
    *,
    year: int | None = None,
    trade_source: TradeSource = "cow",
    path: Path | warehouse.Warehouse | None = None,
) -> Profile:
    """Compute the presence profile of ``iso3`` (see the module docstring).

    Raises:
        ValueError: ``trade_source`` not one of the allowed values.
        UnknownCountryError: ``iso3`` is not a key of the warehouse's country table.
        YearOutOfCoverageError: ``year`` is outside every channel's coverage.
        WarehouseMissingError: no warehouse has been built.
    """
    wh = _checked(trade_source, path)
    meta = _meta(wh)
    code = _check_target(iso3, meta)
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
    with wh.cursor() as con:
        te, econ, n_e, gdp = _economy(con, meta, code, year)
        tt, trade, shares, intens, n_t = _trade(wh, meta, code, trade_source, year)
        tf, fin, n_f = _finance(wh, meta, code, year, gdp)
        ty, ties, n_y = _ties(con, wh, meta, code, year)
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
    )


def _exposure(wh, meta, iso3, source, tt, tf) -> tuple[Exposure, ...]:
    indicator = TRADE_INDICATORS[source][0]
    trade_sid = meta.sids.get(indicator, ())
    out = []
    for measure, (unit, _) in co.MEASURES.items():
        finance = measure == "china_finance_pct_gdp"
        year = tf if finance else tt
        sid = (
            (FINANCE_SOURCE, *meta.sids.get("gdp_usd", ()))
            if finance
            else ((*trade_sid, *meta.sids.get("gdp_usd", ())) if "gdp" in measure else trade_sid)
        )
        if year is None:
            value, pct, n = float("nan"), float("nan"), 0
        else:
            t = co.exposure(wh, measure, year, source=source)
            mine = t[t["iso3"] == iso3]
            value = float(mine["value"].iloc[0]) if len(mine) else float("nan")
            pct = float(mine["percentile"].iloc[0]) if len(mine) else float("nan")
            n = len(t)
        note = ""
        if np.isnan(value):
            if iso3 == "CHN" and "china" in measure:
                note = "the target is China"
            elif finance:
                note = NO_RECORD if year is not None else NO_SNAPSHOT_DATA
            else:
                note = NO_SNAPSHOT_DATA
        elif finance:
            note = f"among the {n} recipients with a record in {year}"
        out.append(
            Exposure(
                measure,
                _nan_to_none(value),
                unit,
                _nan_to_none(pct),
                n,
                year,
                sid,
                note,
            )  # fmt: skip
        )
    return tuple(out)


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
