"""Collect every number of a country brief, with its unit, year and source.

Every number is selected from the measures layer (:mod:`article2.measures`) through one
:class:`~article2.warehouse.Warehouse` handle: trade shares from
:func:`article2.measures.trade.shares`, Chinese official finance from
:mod:`article2.measures.finance`, exposure from :func:`article2.measures.exposure.exposure`,
agreements from the build's merged registry. This module holds no SQL.

Trade: the profile's trade source, the annual source with the newest year for the country
(:func:`article2.measures.trade.newest_source`: IMF IMTS once fetched and newer, else
Correlates of War Dyadic Trade 4.0, ``trade_cow``, 1870-2014); both are importer-reported:
a country's imports from actor A are ``flow[o=A, d=B]``, its exports to A are A's reported
imports from it, ``flow[o=B, d=A]`` (mirror data). Shares follow METHODS.md:
``s = flow(A->B) / sum_k flow(k->B)``. The EU is the sum over its members of each year
(:func:`article2.countries.group_members`), "USA+JPN" the sum of the two. The brief's
reference year (unless one is asked for) is that source's latest year for the country.

GDP and population: the measures layer's chosen series (:func:`article2.measures.economy.series`:
the newest year wins, a fetched WDI vintage over the snapshot's file), latest at or before the
reference year. Japan's and EU members' ODA (OECD DAC2A, when fetched and built) are read from
the profile's channels (:mod:`article2.measures.official_finance`).

Chinese official finance: AidData GCDF 3.0 aggregated by recipient and year
(``aiddata_gcdf/cow_gcdf.csv``; ODA-like, OOF-like and vague kept apart; constant 2021 USD).
A recipient absent from the file has no record, which is not the same as zero; the snapshot
holds no official finance of the other actors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

import numpy as np
import pandas as pd

from article2 import warehouse
from article2.measures import agreements as agreements_m
from article2.measures import economy, identity, ties
from article2.measures import exposure as exposure_m
from article2.measures import finance as finance_m
from article2.measures import trade as trade_m
from article2.measures.members import ACTORS, members_of
from article2.profiles import Profile, TradeSource, YearOutOfCoverageError, build_profile
from article2.profiles.coverage import fetched_words

__all__ = [
    "ACTORS",
    "TRADE_SOURCE",
    "AIDDATA_SOURCE",
    "BriefData",
    "Figure",
    "brief_data",
    "brief_countries",
]

ACTOR_NAMES = {
    "USA": "the United States",
    "JPN": "Japan",
    "CHN": "China",
    "EU": "the EU",
    "USA+JPN": "the United States and Japan together",
}
TRADE_SOURCE = "cow_trade/cow_dyadic_trade_4.0.csv.gz"
TRADE_INDICATOR = "trade_cow"
#: trade source (:data:`article2.measures.trade.TRADE_SOURCES`) -> its short name in a brief
TRADE_WORDS = {"cow": "COW Dyadic Trade", "imf": "IMF IMTS", "comtrade": "UN Comtrade"}
AIDDATA_SOURCE = "aiddata_gcdf/cow_gcdf.csv"
OF_INDICATORS = tuple(finance_m.KINDS)
ATOP_INDICATORS = ties.ATOP_INDICATORS
#: years of trade history shown in charts and tables, ending in the brief's year
WINDOW = 25


@dataclass(frozen=True)
class Figure:
    """One number printed in a brief.

    Attributes:
        key: stable identifier, e.g. ``"trade.imports.share.JPN.2014"``.
        label: what the number is, in words.
        value: the number (shares as fractions in [0, 1]; money in its unit).
        unit: ``"share"``, ``"share_diff"``, ``"index"``, ``"percentile"``, ``"count"``,
            ``"0/1"`` or the
            warehouse unit (``"current USD"``, ``"persons"``, ...).
        year: the year it refers to (first year of a period for sums; see ``period``).
        source_id: the raw file it comes from (``sources.source_id``); several joined by ``;``.
        indicator: the warehouse indicator(s) it is made from.
        method: ``"value"`` (a warehouse value as stored), ``"share"``, ``"sum"``, ``"ratio"``,
            ``"difference"`` (of two shares), ``"percentile"`` or ``"count"``.
        period: ``(first, last)`` year for sums over years, else ``None``.
    """

    key: str
    label: str
    value: float
    unit: str
    year: int
    source_id: str
    indicator: str
    method: str = "value"
    period: tuple[int, int] | None = None


@dataclass(frozen=True)
class BriefData:
    """Everything a brief prints for one country and year.

    Attributes:
        iso3, name, year: the country and the brief's reference year.
        un_code: ISO 3166-1 numeric code (for the locator map), or None.
        figures: every number, keyed by ``Figure.key``.
        trade: long table of trade shares (columns: year, flow ["imports"|"exports"], actor,
            value [USD], total [USD], share) over the window ending in ``year``.
        exposure: one row per exposure measure (columns: measure, label, value, unit,
            percentile, n, year, source_id); empty if no data.
        agreements: agreements in force in ``year`` that include the country (columns:
            agreement_id, title, force, with_USA, with_JPN, with_CHN, with_EU).
        sources: provenance rows (source_id, title, producer, license, vintage, url) of every
            source a figure uses.
        missing: what the warehouse lacks for this country (plain sentences).
        profile: the country's presence profile (:func:`article2.profiles.build_profile`,
            latest year per channel, or ``year`` when one was asked for): its ``channels``
            (who finances, who moves, recent U.S. trade) and alignment are what the brief
            prints of them, and :func:`article2.profiles.coverage.channel_coverage` of it is
            the cover's table of latest years; None for briefs assembled without one.
        year_asked: whether ``year`` was asked for (otherwise it is the latest trade year).
        trade_source: the trade source of ``trade`` (a key of
            :data:`article2.measures.trade.TRADE_SOURCES`), the profile's.
    """

    iso3: str
    name: str
    year: int
    un_code: int | None
    figures: dict[str, Figure]
    trade: pd.DataFrame = field(repr=False)
    exposure: pd.DataFrame = field(repr=False)
    agreements: pd.DataFrame = field(repr=False)
    sources: pd.DataFrame = field(repr=False)
    missing: tuple[str, ...] = ()
    warehouse: str | None = None
    profile: Profile | None = field(default=None, repr=False)
    year_asked: bool = False
    trade_source: str = "cow"

    def get(self, key: str) -> Figure | None:
        return self.figures.get(key)

    @property
    def trade_words(self) -> str:
        """The trade source as a brief names it: ``COW Dyadic Trade``, or a fetched file with
        its vintage (``IMF IMTS (fetched), vintage 2026-01-20``)."""
        ids = [f.source_id for k, f in self.figures.items() if k.startswith("trade.")]
        fetched = fetched_words(ids[0]) if ids else None
        return fetched or TRADE_WORDS.get(self.trade_source, self.trade_source)

    @property
    def thin(self) -> bool:
        """True when the country has no trade data (the brief is then a short one)."""
        return self.trade.empty


# --------------------------------------------------------------------------- selection


def brief_countries(path: Path | warehouse.Warehouse | None = None) -> list[str]:
    """Every country (kind 'country' or 'historical') with at least one observation."""
    return identity.countries_with_data(warehouse.open_warehouse(path), TRADE_INDICATOR)


def _agreements_in_force(wh: warehouse.Warehouse, iso3: str, year: int) -> pd.DataFrame:
    """Trade agreements in force on 31 December of ``year`` with ``iso3`` as a party, and
    which of the actors (or any EU member of that year) are parties too: the agreement
    registry's query (curated records and DESTA-only agreements, the curated record winning
    on conflict), the same one the profile and the architecture map count."""
    from article2.agreements import queries as q

    reg = agreements_m.registry(wh)
    at = f"{year}-12-31"
    everyone = identity.countries(wh)["iso3"].tolist()
    cols = ["agreement_id", "title", "force", "with_USA", "with_JPN", "with_CHN", "with_EU"]
    partners = {
        "USA": {"USA"},
        "JPN": {"JPN"},
        "CHN": {"CHN"},
        "EU": set(members_of(wh, "EU", year)),
    }
    found = q.agreements_with_each(
        reg.agreements, reg.memberships, iso3, {"any": everyone, **partners}, at,
        sources=("curated", "desta"),
    )  # fmt: skip
    ids = found["any"]
    if not ids:
        return pd.DataFrame(columns=[*cols, "source"])
    with_actor = {a: set(found[a]) for a in partners}
    meta = reg.agreements.drop_duplicates("agreement_id").set_index("agreement_id")
    rows = []
    for aid in ids:
        m = meta.loc[aid]
        start = m["provisional"] if pd.notna(m.get("provisional")) else m["force"]
        start = m["signature"] if pd.isna(start) else start
        rows.append(
            {
                "agreement_id": aid,
                "title": m["title"],
                "force": float(pd.Timestamp(start).year) if pd.notna(start) else np.nan,
                **{f"with_{a}": aid in with_actor[a] for a in partners},
                "source": m["source"],
            }
        )
    return pd.DataFrame(rows).sort_values(["force", "title"]).reset_index(drop=True)


# --------------------------------------------------------------------------- assembly

#: exposure measures a brief shows: measure -> (label, unit as briefs print it)
_EXPOSURE_LABELS = {
    "exports_to_china_pct_gdp": ("Exports to China, % of GDP", "% of GDP"),
    "china_share_imports": ("China's share of imports", "share"),
    "china_share_exports": ("China's share of exports", "share"),
    "hhi_import_partners": ("Concentration of import partners (HHI)", "index"),
    "hhi_export_partners": ("Concentration of export partners (HHI)", "index"),
    "china_finance_pct_gdp": (finance_m.CN_OF_PCT_GDP.label, "% of GDP"),
    "cn_of_cum_pct_gdp": (finance_m.CN_OF_CUM_PCT_GDP.label, "% of GDP"),
}


def _exposure_all(wh: warehouse.Warehouse, year: int, source: str = "cow") -> pd.DataFrame:
    """Long table iso3, measure, value, percentile, n, source_id of every exposure measure a
    brief shows, in ``year`` (the cumulative finance measure: 2000..``year``), the trade
    measures on the trade source ``source`` (the profile's)."""
    parts = [exposure_m.exposure(wh, m, year, source=source).assign(measure=m)
             for m in exposure_m.MEASURES]  # fmt: skip
    cum = exposure_m.ranked(finance_m.cumulative_pct_gdp(wh, year))
    parts.append(cum.assign(measure=finance_m.CN_OF_CUM_PCT_GDP.name))
    return pd.concat(parts, ignore_index=True)


def brief_data(
    iso3: str, year: int | None = None, *, path: Path | warehouse.Warehouse | None = None
) -> BriefData:
    """Collect the :class:`BriefData` of ``iso3`` for ``year`` (default: the latest year with
    trade data for the country, else the latest year with GDP, else 2014).

    Raises:
        ValueError: when ``iso3`` is not a key of the identity table.
    """
    wh = warehouse.open_warehouse(path)
    iso3 = iso3.upper()
    table = identity.countries(wh)
    ident = table[table["iso3"] == iso3]
    if ident.empty:
        raise ValueError(
            f"unknown country {iso3!r}: not a key of the identity table "
            "(search with `article2 countries NAME`)"
        )
    name = str(ident["name"].iloc[0])
    year_asked = year is not None
    un_code = None if pd.isna(ident["un_code"].iloc[0]) else int(ident["un_code"].iloc[0])
    # the profile's trade source: the annual source with the newest year for the country;
    # COW when a year is asked for that the newer source does not reach
    source = trade_m.newest_source(wh, iso3)
    if year is not None and source != "cow" and int(year) not in trade_m.years(wh, source):
        source = "cow"
    if year is None:
        year = trade_m.latest_year(wh, iso3, source)
        if year is None:
            gdp_years = economy.series(wh, iso3, ("gdp_usd",))
            year = int(gdp_years["year"].max()) if len(gdp_years) else 2014
    first = year - WINDOW + 1
    trade = _trade_table(wh, iso3, first, year, source)
    trade_ids = ";".join(trade_m.source_ids(wh, source))
    macro = economy.series(wh, iso3, ("gdp_usd", "population", "gm_gdp_pcap", "gm_pop"))
    finance = finance_m.by_kind(wh)
    finance = finance[finance["iso3"] == iso3]
    tie_rows = ties.dyad_rows(wh, iso3, (*ATOP_INDICATORS, "igo_shared"), ("USA", "JPN", "CHN"))
    agreements = _agreements_in_force(wh, iso3, year)
    exposure_all = _exposure_all(wh, year, source)
    figures, missing = _figures(
        iso3, year, trade, macro, finance, tie_rows, agreements, exposure_all,
        (source, trade_ids),
    )  # fmt: skip
    exposure = _exposure_rows(iso3, year, exposure_all)
    used = sorted({s for f in figures.values() for s in f.source_id.split(";")})
    try:
        profile: Profile | None = build_profile(
            iso3, year=year if year_asked else None, trade_source=cast(TradeSource, source), path=wh
        )
    except YearOutOfCoverageError:  # a year asked for outside every channel of the profile
        profile = None
    if profile is not None and profile.channels is not None:
        figures.update(_dac_figures(profile))
    if profile is not None and profile.channels is not None:
        used = sorted({*used, *(s for c in profile.channels.latest.values()
                                for s in c.source_ids)})  # fmt: skip
    sources = identity.sources(wh, used)
    return BriefData(
        iso3=iso3,
        name=name,
        year=year,
        un_code=un_code,
        figures=figures,
        trade=trade,
        exposure=exposure,
        agreements=agreements,
        sources=sources,
        missing=tuple(missing),
        warehouse=str(wh.path),
        profile=profile,
        year_asked=year_asked,
        trade_source=source,
    )


#: DAC2A donor in the profile's channels -> how a brief names it
_DAC_DONORS = {"JPN": "Japan's ODA (OECD DAC2A)", "EU": "EU members' ODA (OECD DAC2A)"}


def _dac_figures(profile: Profile) -> dict[str, Figure]:
    """Japan's and EU members' ODA to the country in the latest DAC2A year, read from the
    profile's channels (``finance`` table, measure ``dac_oda``); none when DAC2A is not loaded
    or the donor has no value in that year."""
    ch = profile.channels
    if ch is None or "dac_oda" not in ch.latest or ch.latest["dac_oda"].year is None:
        return {}
    latest = ch.latest["dac_oda"]
    year = int(latest.year)  # type: ignore[arg-type]
    sid = ";".join(latest.source_ids)
    out = {}
    for donor, label in _DAC_DONORS.items():
        v = ch.value("finance", "dac_oda", year, donor)
        if v is None or pd.isna(v):
            continue
        key = f"finance.dac_oda.{donor}"
        out[key] = Figure(key, label, float(v), "current USD", year, sid, "dac_oda")
    return out


def _trade_table(
    wh: warehouse.Warehouse, iso3: str, first: int, last: int, source: str = "cow"
) -> pd.DataFrame:
    """Columns year, flow, actor, value, total, share: :func:`article2.measures.trade.shares`
    of ``iso3`` in ``first..last`` (years with trade; the share is missing where the country is
    the actor, e.g. China's share of China's trade)."""
    cols = ["year", "flow", "actor", "value", "total", "share"]
    parts = [trade_m.shares(wh, source, flow=flow, iso3=iso3, first=first, last=last)
             for flow in ("exports", "imports")]  # fmt: skip
    parts = [p[p["total"] > 0] for p in parts]
    parts = [p for p in parts if not p.empty]  # a flow the source lacks in these years
    if not parts:
        return pd.DataFrame(columns=cols)
    out = pd.concat(parts, ignore_index=True)
    order = {a: i for i, a in enumerate(ACTORS)}
    out = out.sort_values(
        ["flow", "year", "actor"], key=lambda s: s.map(order) if s.name == "actor" else s
    )
    out["year"] = out["year"].astype(int)
    return out[cols].reset_index(drop=True)


def _exposure_rows(iso3: str, year: int, table: pd.DataFrame) -> pd.DataFrame:
    mine = table[table["iso3"] == iso3]
    rows = []
    for r in mine.itertuples(index=False):
        label, unit = _EXPOSURE_LABELS[r.measure]
        rows.append(
            {
                "measure": r.measure,
                "label": label,
                "value": r.value,
                "unit": unit,
                "percentile": r.percentile,
                "n": r.n,
                "year": year,
            }
        )
    return pd.DataFrame(
        rows, columns=["measure", "label", "value", "unit", "percentile", "n", "year"]
    )


def _figures(iso3, year, trade, macro, finance, ties, agreements, exposure_all, trade_src):
    """Build the flat dict of :class:`Figure` and the list of what is missing; ``trade_src``:
    the trade source and its source ids (joined by ``;``)."""
    source, trade_ids = trade_src
    trade_indicator = trade_m.TRADE_SOURCES[source][0]
    figs: dict[str, Figure] = {}
    missing: list[str] = []

    def add(f: Figure) -> None:
        figs[f.key] = f

    # macro: latest value at or before the year; projections for gm_*
    labels = {
        "gdp_usd": "GDP",
        "population": "Population",
        "gm_gdp_pcap": "GDP per capita (PPP)",
        "gm_pop": "Population (Gapminder)",
    }
    for ind in ("gdp_usd", "population"):
        rows = macro[(macro["indicator"] == ind) & (macro["year"] <= year)]
        if rows.empty:
            missing.append(f"{labels[ind]} (World Bank) for {year} or earlier")
            continue
        r = rows.iloc[-1]
        add(
            Figure(
                f"macro.{ind}",
                labels[ind],
                float(r.value),
                _unit(ind),
                int(r.year),
                r.source_id,
                ind,
            )
        )
    for ind in ("gm_gdp_pcap", "gm_pop"):
        rows = macro[macro["indicator"] == ind]
        if rows.empty:
            missing.append(f"{labels[ind]} projections (Gapminder)")
            continue
        for y in (year, 2030, 2050):
            hit = rows[rows["year"] == y]
            if len(hit):
                r = hit.iloc[0]
                add(
                    Figure(
                        f"macro.{ind}.{y}",
                        labels[ind],
                        float(r.value),
                        _unit(ind),
                        y,
                        r.source_id,
                        ind,
                    )
                )
    # trade shares
    if trade.empty:
        missing.append(
            f"bilateral trade ({TRADE_WORDS[source]}, importer-reported) for "
            f"{year - WINDOW + 1}-{year}"
        )
    for r in trade.itertuples(index=False):
        if pd.isna(r.share):
            continue
        add(
            Figure(
                f"trade.{r.flow}.share.{r.actor}.{r.year}",
                f"{r.actor} share of {r.flow}",
                float(r.share),
                "share",
                int(r.year),
                trade_ids,
                trade_indicator,
                "share",
            )
        )
    for (y, flow), g in trade.groupby(["year", "flow"]):
        add(
            Figure(
                f"trade.{flow}.total.{y}",
                f"Total {flow}",
                float(g["total"].iloc[0]),
                "current USD",
                int(y),
                trade_ids,
                trade_indicator,
                "sum",
            )
        )
        share = g.set_index("actor")["share"]
        if pd.isna(share.get("USA+JPN")) or pd.isna(share.get("CHN")):
            continue
        add(
            Figure(
                f"trade.{flow}.balance.{y}",
                f"USA+JPN minus CHN share of {flow}",
                float(share["USA+JPN"] - share["CHN"]),
                "share_diff",
                int(y),
                trade_ids,
                trade_indicator,
                "difference",
            )
        )
    # official finance: China only (AidData); absent = no record
    if finance.empty:
        missing.append("Chinese official finance: no AidData record (absent, not zero)")
    else:
        first, last = int(finance["year"].min()), int(finance["year"].max())
        for ind in OF_INDICATORS:
            s = finance.loc[finance["indicator"] == ind, "value"].sum()
            add(
                Figure(
                    f"finance.{ind}.total",
                    f"Chinese {ind[6:].upper()}-like commitments",
                    float(s),
                    "constant 2021 USD",
                    first,
                    AIDDATA_SOURCE,
                    ind,
                    "sum",
                    (first, last),
                )
            )
        add(
            Figure(
                "finance.cn_of.total",
                "Chinese official finance commitments",
                float(finance["value"].sum()),
                "constant 2021 USD",
                first,
                AIDDATA_SOURCE,
                ",".join(OF_INDICATORS),
                "sum",
                (first, last),
            )
        )
    missing.append("direct investment by actor: not shown in this brief")
    # alliances and IGOs: latest year <= brief year
    for ind in (*ATOP_INDICATORS, "igo_shared"):
        rows = ties[(ties["indicator"] == ind) & (ties["year"] <= year)]
        if rows.empty:
            continue
        y = int(rows["year"].max())
        for r in rows[rows["year"] == y].itertuples(index=False):
            add(
                Figure(
                    f"ties.{ind}.{r.partner}",
                    _TIE_LABELS.get(ind, ind),
                    float(r.value),
                    "0/1" if ind.startswith("atop") else "count",
                    y,
                    r.source_id,
                    ind,
                )
            )
    if not any(k.startswith("ties.atop") for k in figs):
        missing.append("alliance obligations (ATOP 5.1 ends in 2018)")
    if not any(k.startswith("ties.igo") for k in figs):
        missing.append("shared IGO memberships (COW IGO 3.0 ends in 2014)")
    # agreements
    src_id = "trade_agreements/desta.csv.gz;trade_agreements/desta_mem.csv.gz"
    add(
        Figure(
            "agreements.count",
            "Trade agreements in force (agreement registry: curated and DESTA)",
            float(len(agreements)),
            "count",
            year,
            src_id,
            "desta",
            "count",
        )
    )
    for actor in ("USA", "JPN", "CHN", "EU"):
        n = int(agreements[f"with_{actor}"].fillna(False).sum()) if len(agreements) else 0
        add(
            Figure(
                f"agreements.with_{actor}",
                f"Agreements in force with {actor}",
                float(n),
                "count",
                year,
                src_id,
                "desta",
                "count",
            )
        )
    # exposure
    mine = exposure_all[exposure_all["iso3"] == iso3]
    for r in mine.itertuples(index=False):
        sid = r.source_id
        label, unit = _EXPOSURE_LABELS[r.measure]
        add(
            Figure(
                f"exposure.{r.measure}",
                label,
                float(r.value),
                unit,
                year,
                sid,
                r.measure,
                "ratio",
            )
        )
        add(
            Figure(
                f"exposure.{r.measure}.percentile",
                f"{label}: percentile",
                float(r.percentile),
                "percentile",
                year,
                sid,
                r.measure,
                "percentile",
            )
        )
        add(
            Figure(
                f"exposure.{r.measure}.n",
                f"{label}: countries compared",
                float(r.n),
                "count",
                year,
                sid,
                r.measure,
                "count",
            )
        )
    if mine.empty:
        missing.append(f"coercion-exposure measures for {year} (need trade and GDP)")
    return figs, missing


#: warehouse tie indicator -> what it is, in words
_TIE_LABELS = {
    "atop_defense": "Defence obligation (ATOP)",
    "atop_offense": "Offence obligation (ATOP)",
    "atop_neutral": "Neutrality obligation (ATOP)",
    "atop_nonagg": "Non-aggression obligation (ATOP)",
    "atop_consul": "Consultation obligation (ATOP)",
    "igo_shared": "Intergovernmental organisations of which both are full members (COW IGO)",
}


def _unit(indicator: str) -> str:
    return {
        "gdp_usd": "current USD",
        "population": "persons",
        "gm_gdp_pcap": "PPP constant 2021 international $",
        "gm_pop": "persons",
    }[indicator]
