"""What a profile reads: the measures it selects (trade shares, official finance, exposure,
agreements in force, actor membership) and the warehouse facts it still queries itself
(coverage, economy, alliances, IGOs), each returning figures of :mod:`article2.profiles.model`."""

from __future__ import annotations

import types
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from article2 import countries, warehouse
from article2.indicators import presence as pr
from article2.measures import agreements as agreements_m
from article2.measures import economy, identity
from article2.measures import exposure as co
from article2.measures import finance as finance_m
from article2.measures import official_finance as of_m
from article2.measures import ties as ties_m
from article2.measures import trade as trade_m
from article2.measures.members import members
from article2.profiles.model import (
    ACTORS,
    AGREEMENT_CATALOGUE,
    ATOP_TYPES,
    FINANCE_INDICATORS,
    NO_RECORD,
    NO_SNAPSHOT_DATA,
    PROJECTION_YEARS,
    TRADE_INDICATORS,
    Exposure,
    Figure,
    UnknownCountryError,
    _nan_to_none,
)

# ----------------------------------------------------------------------------- cached lookups


def _meta(wh: warehouse.Warehouse) -> types.SimpleNamespace:
    """Warehouse-wide facts used by every profile: names, coverage, source ids (once per
    build)."""
    return wh.cached(("profile_meta",), lambda: _read_meta(wh))


def _read_meta(wh: warehouse.Warehouse) -> types.SimpleNamespace:
    cov = {}
    for ind in [i for i, _ in TRADE_INDICATORS.values()] + ["atop_defense", "igo_shared"]:
        cov[ind] = identity.coverage(wh, "dyad_year", ind)
    oda = finance_m.by_kind(wh)  # the chosen AidData rows (snapshot or fetched vintage)
    oda = oda.loc[oda["indicator"] == "cn_of_oda", "year"]
    cov["finance"] = (int(oda.min()), int(oda.max())) if len(oda) else (None, None)
    g = economy.gdp(wh)  # the chosen GDP (snapshot and fetched sources, one value a year)
    cov["gdp_usd"] = (int(g["year"].min()), int(g["year"].max())) if len(g) else (None, None)
    cov["agreements"] = agreements_m.catalogue_years(wh, AGREEMENT_CATALOGUE)
    sources = dict(zip(*[identity.sources(wh, columns=("source_id", "title"))[c]
                         for c in ("source_id", "title")], strict=True))  # fmt: skip
    return types.SimpleNamespace(
        names=identity.names(wh), sids=identity.indicator_sources(wh), cov=cov,
        comtrade_years=trade_m.years(wh, "comtrade"), sources=sources,
    )  # fmt: skip


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
        f"GDP {cov['gdp_usd'][0]}–{cov['gdp_usd'][1]}",
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
    totals = trade_m.world_totals(wh, source, t)
    world = types.SimpleNamespace(
        total=totals["total"], log_min=totals["log_min"], log_max=totals["log_max"],
        actors=totals["actors"],
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
    sid = finance_m.source_ids(wh)
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
    # Japan and the EU's members: net ODA (OECD DAC2A, once fetched), each at its newest year
    dac = of_m.dac_oda(of_m.dac_rows(wh, iso3), iso3, _eu_members)
    for actor in ("USA", "JPN", "EU", "USA+JPN"):
        mine = dac[(dac["partner"] == actor) & dac["value"].notna()]
        ty = _pick_year(sorted(int(y) for y in mine["year"]), requested)
        if ty is None:
            note = NO_SNAPSHOT_DATA if mine.empty else NO_RECORD
            figures.append(
                Figure("finance", actor, "official finance", None, "", requested or t, (),
                       note=note)  # fmt: skip
            )
            continue
        r = mine[mine["year"] == ty].iloc[0]
        v, g = float(r["value"]), gdp.get(ty)
        figures.append(
            Figure("finance", actor, "official finance", v, "current USD", ty,
                   tuple(x for x in str(r["source_ids"]).split(";") if x),
                   pct_gdp=(v / g * 100) if g else None,
                   note="ODA, net disbursements (OECD DAC2A 206)" + (
                       "; the EU members' bilateral ODA" if actor == "EU" else ""))  # fmt: skip
        )
    return t, figures, notes


def _eu_members(year: int) -> tuple[str, ...]:
    return countries.group_members("EU", year)


def _ties(wh, meta, iso3: str, requested: int | None):
    figures: list[Figure] = []
    notes: list[str] = []
    years: dict[str, int | None] = {}
    # alliances and IGOs: latest year with data for the target (or the requested year)
    for group, inds in (("ties", ATOP_TYPES), ("igo", ("igo_shared",))):
        available = ties_m.years_with(wh, inds[0], iso3)
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
            rows = ties_m.dyads_with(wh, iso3, tuple(inds), t, codes)
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
    mem_sid = agreements_m.catalogue_source_ids(wh, AGREEMENT_CATALOGUE)
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


def _economy(wh, meta, iso3: str, requested: int | None):
    # GDP and population: the measures layer's chosen series (newest year wins; within a year
    # the fetched vintage wins over the snapshot file), each figure with its own year and source
    rows = economy.series(wh, iso3, ("gdp_usd", "population", "gm_gdp_pcap", "gm_pop"),
                          keep_missing=True)  # fmt: skip

    def series(ind: str) -> dict[int, float]:
        r = rows[rows["indicator"] == ind]
        return dict(zip(r["year"].astype(int), r["value"], strict=True))

    def sid(ind: str, year: int | None = None) -> tuple[str, ...]:
        r = rows[rows["indicator"] == ind]
        if year is not None:
            r = r[r["year"] == year]
        return tuple(sorted(set(r["source_id"])))

    gdp, pop, gm = series("gdp_usd"), series("population"), series("gm_gdp_pcap")
    t = _pick_year(sorted(gdp), requested)
    notes = []
    if t is None and requested is not None and gdp:
        notes.append(f"GDP for {iso3}: {min(gdp)}–{max(gdp)}, not {requested}")
    figures = []
    for ind, label, unit, s, ty in (
        ("gdp_usd", "GDP", "current USD", gdp, t),
        ("population", "population", "persons", pop, _pick_year(sorted(pop), requested)),
    ):
        v = s.get(ty) if ty is not None else None
        figures.append(
            Figure(
                "economy",
                "",
                label,
                v,
                unit,
                ty if v is not None else t,
                (sid(ind, ty) if v is not None else sid(ind)) or meta.sids.get(ind, ()),
                note="" if v is not None else NO_SNAPSHOT_DATA,
            )  # fmt: skip
        )
    both = sorted(set(gdp) & set(pop))
    tc = _pick_year(both, requested)
    g, p = (gdp.get(tc), pop.get(tc)) if tc is not None else (None, None)
    figures.append(
        Figure(
            "economy",
            "",
            "GDP per capita",
            (g / p) if (g and p) else None,
            "current USD",
            tc if (g and p) else t,
            tuple(sorted({*sid("gdp_usd", tc), *sid("population", tc)})) if (g and p)
            else tuple(sorted({*sid("gdp_usd"), *sid("population")})),
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


def _exposure(wh, meta, iso3, source, tt, tf) -> tuple[Exposure, ...]:
    indicator = TRADE_INDICATORS[source][0]
    trade_sid = meta.sids.get(indicator, ())
    out = []
    for measure, (unit, _) in co.MEASURES.items():
        finance = measure == "china_finance_pct_gdp"
        year = tf if finance else tt
        gdp_sid = economy.gdp_source_ids(wh, year) if year is not None else ()
        sid = (
            (*finance_m.source_ids(wh), *gdp_sid)
            if finance
            else ((*trade_sid, *gdp_sid) if "gdp" in measure else trade_sid)
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
