"""Sentences that state what the numbers show, generated from a :class:`BriefData`.

Every function is pure: it reads figures of a brief and returns :class:`Finding` records whose
text is built from those figures only (formatted by :mod:`article2.briefs.numbers`), so each
number in a sentence can be traced to ``Finding.keys``. Nothing here is written per country.
"""

from __future__ import annotations

from dataclasses import dataclass

from article2.briefs.assemble import ACTOR_NAMES, ATOP_INDICATORS, BriefData
from article2.briefs.numbers import fmt
from article2.profiles.coverage import fetched_words

__all__ = [
    "Finding",
    "alliance_findings",
    "balance_findings",
    "exposure_findings",
    "finance_findings",
    "agreements_findings",
    "headline_findings",
    "macro_findings",
    "share_change",
    "trade_findings",
]

#: a change in share smaller than this (fraction) is reported as "was about the same"
STABLE = 0.005
LOOKBACK = 10


@dataclass(frozen=True)
class Finding:
    """A generated sentence and the keys of the figures it prints."""

    text: str
    keys: tuple[str, ...]


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def _years(data: BriefData) -> list[int]:
    return sorted(set(data.trade["year"].astype(int))) if not data.trade.empty else []


def share_change(data: BriefData, actor: str, flow: str, start: int, end: int) -> Finding | None:
    """ "Japan's share of Vietnam's imports fell from X% to Y% between A and B", or None when
    either year is missing."""
    a = data.get(f"trade.{flow}.share.{actor}.{start}")
    b = data.get(f"trade.{flow}.share.{actor}.{end}")
    if a is None or b is None or start == end:
        return None
    delta = b.value - a.value
    verb = "rose" if delta > STABLE else "fell" if delta < -STABLE else "was stable, moving"
    who = ACTOR_NAMES[actor]
    subject = (
        f"the combined share of the United States and Japan in {_possessive(data.name)} {flow}"
        if actor == "USA+JPN"
        else f"{_possessive(who)} share of {_possessive(data.name)} {flow}"
    )
    text = f"{_cap(subject)} {verb} from {fmt(a)} to {fmt(b)} between {start} and {end}."
    return Finding(text, (a.key, b.key))


def trade_findings(data: BriefData) -> tuple[Finding, ...]:
    """Change in each actor's share of imports and exports over the last ten years of data."""
    years = _years(data)
    if len(years) < 2:
        return ()
    end = years[-1]
    start = max(years[0], end - LOOKBACK)
    if start not in years:
        start = min(y for y in years if y >= start)
    out = []
    for flow in ("imports", "exports"):
        for actor in ("JPN", "USA", "CHN", "EU"):
            f = share_change(data, actor, flow, start, end)
            if f:
                out.append(f)
    return tuple(out)


def balance_findings(data: BriefData) -> tuple[Finding, ...]:
    """The allies' combined share against China's, latest year, and since when one leads."""
    years = _years(data)
    if not years:
        return ()
    end = years[-1]
    out = []
    for flow in ("imports", "exports"):
        allies = data.get(f"trade.{flow}.share.USA+JPN.{end}")
        china = data.get(f"trade.{flow}.share.CHN.{end}")
        if allies is None or china is None:
            continue
        lead = "China" if china.value > allies.value else "the United States and Japan together"
        text = (
            f"In {end}, China accounted for {fmt(china)} of {_possessive(data.name)} {flow}, "
            f"the United States and Japan together for {fmt(allies)}."
        )
        keys = [china.key, allies.key]
        # since when has the leader led without interruption?
        since = end
        for y in reversed(years):
            c = data.get(f"trade.{flow}.share.CHN.{y}")
            a = data.get(f"trade.{flow}.share.USA+JPN.{y}")
            if c is None or a is None or (c.value > a.value) != (china.value > allies.value):
                break
            since = y
        verb = "has" if lead == "China" else "have"
        if since > years[0]:
            text += f" {_cap(lead)} {verb} had the larger share every year since {since}."
        else:
            text += f" {_cap(lead)} had the larger share in every year shown ({years[0]}-{end})."
        out.append(Finding(text, tuple(keys)))
    return tuple(out)


def macro_findings(data: BriefData) -> tuple[Finding, ...]:
    """Size today and Gapminder's projections."""
    out = []
    gdp, pop = data.get("macro.gdp_usd"), data.get("macro.population")
    if gdp and pop:
        gdp_src, pop_src = fetched_words(gdp.source_id), fetched_words(pop.source_id)
        out.append(
            Finding(
                f"{data.name} had a GDP of {fmt(gdp)} (current USD, {gdp.year}"
                + (f", {gdp_src}" if gdp_src else "")
                + f") and a population of {fmt(pop)} ({pop.year}"
                + (f", {pop_src}" if pop_src else "")
                + ").",
                (gdp.key, pop.key),
            )
        )
    for ind, what in (("gm_gdp_pcap", "GDP per capita (PPP)"), ("gm_pop", "population")):
        now = data.get(f"macro.{ind}.{data.year}")
        later = data.get(f"macro.{ind}.2050") or data.get(f"macro.{ind}.2030")
        if now and later and later.year > now.year:
            verb = "grow" if later.value > now.value else "shrink"
            out.append(
                Finding(
                    f"Gapminder projects {what} to {verb} from {fmt(now)} in {now.year} to "
                    f"{fmt(later)} in {later.year}.",
                    (now.key, later.key),
                )
            )
    return tuple(out)


def finance_findings(data: BriefData) -> tuple[Finding, ...]:
    """Chinese official finance (AidData), or the absence of any record."""
    total = data.get("finance.cn_of.total")
    if total is None:
        return (
            Finding(
                f"AidData records no Chinese official finance for {data.name} (no record, which "
                "is not the same as zero).",
                (),
            ),
        )
    parts = [data.get(f"finance.{i}.total") for i in ("cn_of_oda", "cn_of_oof", "cn_of_vague")]
    first, last = total.period or (total.year, total.year)
    text = (
        f"AidData records {fmt(total)} (constant 2021 USD) of Chinese official finance "
        f"commitments to {data.name} in {first}-{last}: {fmt(parts[0])} ODA-like, "
        f"{fmt(parts[1])} OOF-like and {fmt(parts[2])} vague."
    )
    return (Finding(text, (total.key, *(p.key for p in parts if p is not None))),)


_ATOP_WORDS = {
    "atop_defense": "defence",
    "atop_offense": "offence",
    "atop_neutral": "neutrality",
    "atop_nonagg": "non-aggression",
    "atop_consul": "consultation",
}


def alliance_findings(data: BriefData) -> tuple[Finding, ...]:
    """ATOP alliance obligations and shared IGO memberships with the U.S., Japan and China."""
    out = []
    for actor in ("USA", "JPN", "CHN"):
        found = [data.get(f"ties.{i}.{actor}") for i in ATOP_INDICATORS]
        figs = [f for f in found if f is not None]
        if figs:
            held = [_ATOP_WORDS[f.indicator] for f in figs if f.value >= 0.5]
            y = figs[0].year
            if held:
                text = (
                    f"ATOP records {', '.join(held)} obligations between {data.name} and "
                    f"{ACTOR_NAMES[actor]} in {y}."
                )
            else:
                text = (
                    f"ATOP records no alliance obligation between {data.name} and "
                    f"{ACTOR_NAMES[actor]} in {y}."
                )
            out.append(Finding(text, tuple(f.key for f in figs)))
    shared = [data.get(f"ties.igo_shared.{a}") for a in ("USA", "JPN", "CHN")]
    igo = [f for f in shared if f is not None]
    if len(igo) == len(shared):
        out.append(
            Finding(
                f"In {igo[0].year} {data.name} shared full membership of {fmt(igo[0])} "
                f"intergovernmental organisations with the United States, {fmt(igo[1])} with Japan "
                f"and {fmt(igo[2])} with China (COW IGO).",
                tuple(f.key for f in igo),
            )
        )
    return tuple(out)


def exposure_findings(data: BriefData) -> tuple[Finding, ...]:
    """Country-level exposure to China and where it ranks among countries with data."""
    out = []
    for measure, what in (
        ("exports_to_china_pct_gdp", "{c} exports to China were {v} of its GDP"),
        ("china_share_imports", "China supplied {v} of {c} imports"),
        (
            "cn_of_cum_pct_gdp",
            "Chinese official finance commitments to {n} since 2000 came to {v} of its GDP",
        ),
    ):
        v = data.get(f"exposure.{measure}")
        p = data.get(f"exposure.{measure}.percentile")
        n = data.get(f"exposure.{measure}.n")
        if v and p and n:
            out.append(
                Finding(
                    f"In {v.year} {what.format(v=fmt(v), c=_possessive(data.name), n=data.name)}: the "
                    f"{fmt(p)} percentile of {fmt(n)} countries with data.",
                    (v.key, p.key, n.key),
                )
            )
    return tuple(out)


def agreements_findings(data: BriefData) -> tuple[Finding, ...]:
    n = data.get("agreements.count")
    if n is None:
        return ()
    w = {a: data.get(f"agreements.with_{a}") for a in ("USA", "JPN", "CHN", "EU")}
    text = (
        f"In {n.year} {data.name} was party to {fmt(n)} trade agreements in force (curated registry and DESTA): "
        f"{fmt(w['USA'])} with the United States, {fmt(w['JPN'])} with Japan, "
        f"{fmt(w['CHN'])} with China and {fmt(w['EU'])} with EU members."
    )
    return (Finding(text, (n.key, *(f.key for f in w.values() if f is not None))),)


def headline_findings(data: BriefData) -> tuple[Finding, ...]:
    """The issue in numbers: the few findings a reader sees first."""
    out = list(balance_findings(data)[:1])
    out += [f for f in exposure_findings(data) if "exports_to_china_pct_gdp" in f.keys[0]]
    out += list(finance_findings(data))
    return tuple(out)
