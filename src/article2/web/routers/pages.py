"""The dashboard's HTML pages: the map, a country, comparisons, the ranking, the sources.

Pages that cost a computation are rendered once to bytes and cached (they do not depend on the
request), through the app's gate like every computation.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
from typing import Annotated, Any

import pandas as pd
from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, RedirectResponse

from article2 import paths
from article2.agreements.map import COLOURS as CLASS_COLOURS
from article2.agreements.map import LABELS as CLASS_LABELS
from article2.measures.members import slug
from article2.web import capabilities, charts
from article2.web.channels_view import channel_blocks
from article2.web.context import DEFAULT_INDICATOR, MAX_COMPARE, ApiError, Web, dumps, records
from article2.web.data import Indicator
from article2.web.limits import Busy

__all__ = ["country_html", "router", "stored_country_html", "warm", "warm_order"]

log = logging.getLogger(__name__)


def router(web: Web) -> APIRouter:
    """The page routes over ``web``."""
    pages = APIRouter(include_in_schema=False)
    store = web.store

    @pages.get("/", response_class=HTMLResponse)
    async def map_page(indicator: str = DEFAULT_INDICATOR, year: int | None = None,
                       at: str | None = None):
        ind = web.check_indicator(indicator)
        body = await web.cached("page", ("map", ind.name, year, at),
                                lambda: map_html(ind, year, at))
        return HTMLResponse(body)

    def map_html(ind: Indicator, year: int | None, at: str | None) -> bytes:
        years = store.available_years(ind.name)
        if year is None and at is not None and not ind.categorical:
            year = int(web.check_at(at, None)[:4])  # coming from an agreement layer
        if year is not None and year not in years:  # switching indicator: nearest covered year
            wanted = year
            year = min(years, key=lambda y: (abs(y - wanted), -y))
        y = web.check_year(ind, year)
        day = web.check_at(at, year) if ind.categorical else None
        if day:
            y = int(day[:4])
        values = web.map_values(ind, y, day)
        if ind.categorical:
            spec = charts.category_map_chart(values, ind, day or "", CLASS_COLOURS, CLASS_LABELS)
            table = values.sort_values(["value", "name"])
            counts = values["value"].value_counts()
            legend = [{"cls": c, "label": CLASS_LABELS[c], "colour": CLASS_COLOURS[c],
                       "n": int(counts.get(c, 0))} for c in CLASS_LABELS if c != "no data"]
        else:
            spec = charts.map_chart(values, ind, y)
            table = values.dropna(subset=["value"]).sort_values("value", ascending=False)
            legend = []
        by_definition = no_value_by_definition(ind)
        names = {c["iso3"]: c["name"] for c in web.country_options}
        countries = store.countries()
        on_map = countries[(countries["kind"] == "country") & countries["un_code"].notna()]
        with_value = set(values.dropna(subset=["value"])["iso3"])
        no_data = sorted((names.get(k, k) for k in on_map["iso3"]
                          if k not in with_value and k not in by_definition),
                         key=str.casefold)  # fmt: skip
        return web.render("map.html", ind=ind, year=y, at=day, years=years, spec=spec,
                          rows=records(table), n_missing=int(values["value"].isna().sum()),
                          provenance=store.provenance(ind.sources), legend=legend,
                          by_definition=[{"name": names.get(k, k), "why": why}
                                         for k, why in by_definition.items()],
                          no_data=no_data)

    @pages.get("/country-search")
    async def country_search(iso3: str = ""):
        """The country picker's target: an ISO3 key, a name or ``Name (ISO3)``."""
        return RedirectResponse(f"/country/{web.resolve_country(iso3)}", status_code=303)

    @pages.get("/country/{iso3}", response_class=HTMLResponse)
    async def country_page(iso3: str):
        key = web.check_iso3(iso3)
        body = await web.cached("page", ("country", key), lambda: stored_country_html(web, key))
        return HTMLResponse(body)

    @pages.get("/compare", response_class=HTMLResponse)
    async def compare_page(
        iso3: Annotated[list[str] | None, Query()] = None,
        indicator: str = "trade_share_chn",
    ):
        ind = web.check_indicator(indicator)
        keys = web.check_compare([v for v in iso3 or [] if v.strip()]
                                 or ["JPN", "KOR", "AUS", "IDN"])
        web.check_series(ind)

        def compute() -> bytes:
            frame = web.compare_frame(keys, ind).dropna(subset=["value"])
            spec = charts.compare_chart(frame, ind) if len(frame) else None
            wide = frame.pivot_table(index="year", columns="iso3", values="value").reset_index()
            wide = wide[["year", *[k for k in keys if k in wide.columns]]]  # the order chosen
            wide = wide.sort_values("year", ascending=False).head(15)
            names = {c["iso3"]: c["name"] for c in web.country_options}
            return web.render("compare.html", ind=ind, keys=keys, spec=spec,
                              columns=list(wide.columns), rows=records(wide), names=names,
                              max_compare=MAX_COMPARE)

        body = await web.cached("page", ("compare", tuple(keys), ind.name), compute)
        return HTMLResponse(body)

    @pages.get("/ranking", response_class=HTMLResponse)
    async def ranking_page():
        def compute() -> bytes:
            from article2.api import rank_chart

            try:
                frame = web.cap_call("rank")
            except capabilities.NotInBuild as exc:
                return web.render("ranking.html", message=str(exc), rows=[], spec=None,
                                  criteria=[], notes=[])
            spec = rank_chart(frame).to_dict() if len(frame) else None
            if spec is not None:  # as wide as the page, phones included
                spec["width"] = "container"
                spec["autosize"] = {"type": "fit-x", "contains": "padding"}
            indicators = list(frame.attrs.get("indicators", []))
            unscored = [str(k) for k in frame.loc[frame["rank"].isna(), "iso3"]]
            with paths.using_warehouse(web.warehouse_path):
                missing = capabilities.missing_inputs(unscored, indicators)
            rows = ranking_rows(frame, missing, len(indicators))
            return web.render("ranking.html", message=None, rows=rows, spec=spec,
                              criteria=RANK_CRITERIA, notes=frame.attrs.get("notes", []))

        return HTMLResponse(await web.cached("page", ("ranking",), compute))

    @pages.get("/sources", response_class=HTMLResponse)
    async def sources_page():
        def compute() -> bytes:
            frame = store.sources(("source_id", "title", "license", "vintage"))
            return web.render("sources.html", rows=records(frame))

        return HTMLResponse(await web.cached("page", ("sources",), compute))

    return pages


def no_value_by_definition(ind: Indicator) -> dict[str, str]:
    """Countries that have no value of ``ind`` by definition (not for lack of data), each with
    the reason in words: an actor is not its own partner, China is not exposed to itself."""
    actor = ind.actor if ind.actor in ("USA", "JPN", "CHN") else None
    name = {"USA": "the United States", "JPN": "Japan", "CHN": "China"}
    if ind.kind in ("share", "igo") and actor:
        what = "trade with itself is not trade" if ind.kind == "share" else \
            "it does not share organisations with itself"
        return {actor: f"{name[actor]} is the partner measured: {what}"}
    if ind.kind == "balance":
        return {"CHN": "China cannot be compared with itself: the balance needs a country's "
                       "trade share with China"}
    if ind.kind == "exposure":
        return {"CHN": "the measure is exposure to China: China is not exposed to itself"}
    if ind.kind == "cn_finance":
        return {"CHN": "China is the lender: it does not finance itself"}
    if ind.kind == "us_aid":
        return {"USA": "the United States is the donor: it does not assist itself"}
    if ind.kind == "agreement" and actor:
        return {actor: f"{name[actor]} is the actor of the map (its own class)"}
    return {}


#: the ranking's criteria columns and their labels
RANK_CRITERIA = (("growth", "Growth"), ("size", "Size"), ("strategic", "Strategic"),
                 ("governance", "Governance"))
#: the selection's indicators (article2/index/default_selection.toml) in words
INDICATOR_LABELS = {
    "growth_10y": "projected GDP growth over 10 years",
    "growth_20y": "projected GDP growth over 20 years",
    "gdp_size": "GDP",
    "china_import_share": "China's share of its imports",
    "exports_to_china": "exports to China (% of GDP)",
    "alliances_usa_jpn": "alliances with the U.S. and Japan",
    "agreements_usa_jpn": "trade agreements with the U.S. and Japan",
    "agreements_chn": "trade agreements with China",
    "contested_presence": "U.S.+Japan vs China trade balance",
    "corruption_cpi": "corruption perceptions index",
    "democracy": "democracy index (EIU)",
    "freedom": "Freedom House rating",
}
#: what ``most_influential`` names, in words
INFLUENCE_LABELS = {"normalisation": "normalisation", "aggregation": "aggregation",
                    "weights": "weights", "none": "none (rank stable)"}  # fmt: skip


def _influence(choice: str) -> str:
    """The choice that moves a rank most, in words (``weight_governance``: the weight of
    governance)."""
    if choice.startswith("weight_"):
        return "weight of " + choice.removeprefix("weight_").replace("_", " ")
    return INFLUENCE_LABELS.get(choice, choice.replace("_", " "))


def _whole(v: Any) -> int | None:
    return None if v is None or pd.isna(v) else int(round(float(v)))


def ranking_rows(frame: pd.DataFrame, missing: dict[str, list[str]], n_indicators: int
                 ) -> list[dict[str, Any]]:
    """The ranking's rows for people: whole ranks, the band as "lo–hi", Yes/No, criterion
    scores, and for an unscored country the reason (its coverage and the indicators missing)."""
    out = []
    for r in records(frame):
        rank = _whole(r.get("rank"))
        reason = ""
        if rank is None:
            cov = r.get("coverage")
            have = "" if cov is None else (f"{round(cov * n_indicators)} of {n_indicators} "
                                           "indicators have a value; ")
            names = [INDICATOR_LABELS.get(m, m.replace("_", " ")) for m in missing.get(r["iso3"], [])]
            reason = ("not scored: " + have + "at least 60 % are needed"
                      + (f"; no value for {', '.join(names)}" if names else ""))
        lo, hi = _whole(r.get("rank_p05")), _whole(r.get("rank_p95"))
        out.append({
            "iso3": r["iso3"], "name": r.get("name") or r["iso3"], "rank": rank,
            "score": r.get("score"), "median_rank": _whole(r.get("median_rank")),
            "band": "" if lo is None or hi is None else (str(lo) if lo == hi else f"{lo}–{hi}"),
            "most_influential": _influence(str(r.get("most_influential") or "")),
            "coverage": r.get("coverage"),
            "case": "Yes" if r.get("case_country") else "No",
            "criteria": {k: r.get(k) for k, _ in RANK_CRITERIA},
            "reason": reason,
        })  # fmt: skip
    return out


def country_html(web: Web, key: str) -> bytes:
    """The page of country ``key`` rendered to bytes (what ``/country/{key}`` answers)."""
    store, reg = web.store, web.reg
    info = store.country(key)
    shares = []
    for actor in ("USA", "JPN", "CHN", "EU"):
        f = store.country_series(f"trade_share_{slug(actor)}", key).assign(
            series=charts.actor_label(actor))
        shares.append(f)
    share_frame = pd.concat(shares, ignore_index=True).dropna(subset=["value"])
    specs = []
    if len(share_frame):
        specs.append(charts.lines_chart(share_frame, title="Trade share by partner",
                                        unit="% of trade"))
    for name in ("balance_usajpn_chn", "cn_finance_pct_gdp"):
        f = store.country_series(name, key).dropna(subset=["value"]).assign(series=reg[name].label)
        if len(f):
            specs.append(charts.lines_chart(f, title=reg[name].label, unit=reg[name].unit))
    igo = pd.concat([store.country_series(n, key).assign(series=reg[n].label)
                     for n in ("igo_shared_usa", "igo_shared_jpn")]).dropna(subset=["value"])
    if len(igo):
        specs.append(charts.lines_chart(igo, title="Shared IGO memberships", unit="count"))
    latest = []
    for ind in [i for i in reg.values() if i.has_series]:
        f = store.country_series(ind.name, key).dropna(subset=["value"])
        if len(f):
            latest.append({"name": ind.name, "label": ind.label, "unit": ind.unit,
                           "year": int(f["year"].iloc[-1]), "value": float(f["value"].iloc[-1])})
    ty = store.latest_trade_year(key)
    ties = records(store.ties(key, ty)) if ty is not None else []
    caps: dict[str, Any] = {}
    blocks: dict[str, Any] = {"coverage": [], "channels": None}
    try:
        prof = web.profile(key)
        caps["profile"] = {"ok": True, "result": json.loads(dumps(prof.to_dict()))}
        blocks = channel_blocks(prof)
    except ApiError as exc:
        caps["profile"] = {"ok": False, "message": exc.message}
    for name in ("architecture", "recommendations", "dependencies"):
        try:
            caps[name] = {"ok": True, "result": web.capability(name, key)}
        except ApiError as exc:
            caps[name] = {"ok": False, "message": exc.message}
    from article2.measures.exposure import MEASURES

    return web.render("country.html", info=info, iso3=key, specs=specs, latest=latest,
                      ties=ties, ties_year=ty, caps=caps, blocks=blocks,
                      has_brief=capabilities.available("brief"),
                      measures={k: v[1] for k, v in MEASURES.items()},
                      class_labels=CLASS_LABELS, class_colours=CLASS_COLOURS)


def stored_country_html(web: Web, key: str) -> bytes:
    """The page of country ``key`` from the disk store of pages drawn earlier for the same
    build and code (:class:`article2.web.page_store.PageStore`, kept when the app warms its
    pages), else :func:`country_html`, stored for the next start."""
    if web.pages is None:
        return country_html(web, key)
    stored = web.pages.get(key)
    if stored is not None:
        return stored.encode("utf-8")
    body = country_html(web, key)
    web.pages.put(key, body.decode("utf-8") if isinstance(body, bytes) else str(body))
    return body


def warm_order(web: Web) -> tuple[list[str], list[str]]:
    """Every country key in two parts, each alphabetical: the Indo-Pacific countries (the
    dashboard's subject, :func:`article2.countries.group_members`), then the others."""
    from article2.countries import group_members

    first = [k for k in group_members("INDO_PACIFIC") if k in web.iso3_keys]
    return sorted(first), sorted(web.iso3_keys - set(first))


async def warm(web: Web, keys: list[str]) -> None:
    """Render the pages of countries ``keys`` into the page cache, one at a time, so that a page
    asked after start-up is a cache hit: run as a background task of the app (see
    :func:`article2.web.app.create_app`). A page that fails is left for its request to retry."""
    for key in keys:
        for _attempt in range(30):
            try:
                await web.cached_forever("page", ("country", key),
                                         functools.partial(stored_country_html, web, key))
                web.prepared += 1
                break
            except Busy:  # requests have every slot: they go first
                await asyncio.sleep(1)
            except Exception as exc:  # noqa: BLE001  (one page's error must not stop the others)
                log.warning("country page %s not prepared at start-up: %s", key, exc)
                break

