"""The JSON API (``/api/...``): registry, indicators, maps, country data and capabilities.

Every answer that costs a computation is cached (:meth:`article2.web.context.Web.cached`), so a
repeated URL is a look-up and a computation runs through the app's gate (bounded, with a queue
and a time limit). Every table comes as JSON or, with ``format=csv``, as a CSV download.

(No ``from __future__ import annotations`` here: the parameter types are built in
:func:`router` from the registry, and FastAPI reads them from the annotations at run time.)
"""


from typing import Annotated

import pandas as pd
from fastapi import APIRouter, Path, Query
from fastapi.responses import Response
from pydantic import StringConstraints

from article2.agreements.map import LABELS as CLASS_LABELS
from article2.web import capabilities
from article2.web.context import (
    DEFAULT_INDICATOR,
    MAX_COMPARE,
    YEAR_MAX,
    YEAR_MIN,
    ApiError,
    FormatQ,
    Web,
    dumps,
    response,
    table_body,
)
from article2.web.data import AGREEMENT_ACTORS, TIES_SOURCES
from article2.web.routers import ERRORS, JSON_200, JSON_OR_CSV, LIMITED

__all__ = ["router"]

#: capabilities with a per-country answer at /api/country/{iso3}/capability/{name}
PER_COUNTRY = tuple(c for c in capabilities.CAPABILITIES if c not in ("rank", "brief"))

Year = Annotated[int | None, Query(ge=YEAR_MIN, le=YEAR_MAX,
                                   description="a year (default: the latest with data)")]
Day = Annotated[str | None, Query(description="agreement layers: a date, YYYY-MM-DD "
                                              "(default: 31 December of year, else today)",
                                  json_schema_extra={"format": "date"})]


def router(web: Web) -> APIRouter:
    """The API routes over ``web``."""
    api = APIRouter(prefix="/api")
    reg = web.reg
    Indicator = Annotated[str, Path(description="an indicator of /api/indicators",  # noqa: N806
                                    json_schema_extra={"enum": list(reg)},
                                    examples=[DEFAULT_INDICATOR])]
    SeriesIndicator = Annotated[str, Query(  # noqa: N806
        description="an indicator with a series (see /api/indicators)",
        json_schema_extra={"enum": [n for n, i in reg.items() if i.has_series]})]
    Iso3 = Annotated[str, Path(description="ISO3 key (case-insensitive; see /api/countries)",  # noqa: N806
                               examples=["JPN"])]

    # -- registry ---------------------------------------------------------------------------------

    @api.get("/indicators", tags=["registry"], summary="The indicator registry",
             responses={**JSON_200, **LIMITED})
    async def api_indicators() -> Response:
        body = await web.cached("table", ("indicators",), lambda: dumps(
            {"indicators": [web.indicator_meta(ind) for ind in reg.values()]}))
        return Response(body, media_type="application/json")

    @api.get("/countries", tags=["registry"], summary="Country keys and names",
             responses={**JSON_OR_CSV, **ERRORS})
    async def api_countries(format: FormatQ = "json") -> Response:
        return response(await web.cached("table", ("countries", format), lambda: table_body(
            web.store.countries(), format, "countries", {})))

    @api.get("/capabilities", tags=["registry"], summary="Capabilities in this build",
             responses={**JSON_200, **LIMITED})
    async def api_capabilities() -> Response:
        return Response(dumps({"capabilities": capabilities.status(),
                               "descriptions": capabilities.CAPABILITIES}),
                        media_type="application/json")

    @api.get("/status", tags=["registry"], summary="Country pages prepared since start-up",
             responses={**JSON_200, **LIMITED})
    async def api_status() -> Response:
        """How many country pages the server has prepared since it started (``article2 serve``
        prepares every country page in the background; a prepared page answers at once)."""
        return Response(dumps({"country_pages": {"prepared": web.prepared,
                                                 "total": len(web.iso3_keys)}}),
                        media_type="application/json")

    @api.get("/sources", tags=["registry"], summary="Provenance of every raw file",
             responses={**JSON_OR_CSV, **ERRORS})
    async def api_sources(format: FormatQ = "json") -> Response:
        def compute() -> tuple:
            frame = web.store.sources(("source_id", "title", "producer", "license", "citation",
                                       "url", "vintage", "retrieved", "coverage", "caveats"))
            return table_body(frame, format, "sources", {})

        return response(await web.cached("table", ("sources", format), compute))

    # -- maps -------------------------------------------------------------------------------------

    @api.get("/map/{indicator}", tags=["data"], summary="One indicator, all countries, a year",
             responses={**JSON_OR_CSV, **ERRORS})
    async def api_map(indicator: Indicator, year: Year = None, at: Day = None,
                      format: FormatQ = "json") -> Response:
        """Every country's value of ``indicator`` in ``year`` (the latest by default), with the
        provenance columns. Exposure layers add the percentile among the countries with a value
        and their number; agreement layers give each country's class at the date ``at``
        (``value``: agreement / wto_member / neither / actor) with the agreements in force and
        their citations."""
        ind = web.check_indicator(indicator)
        if ind.categorical:
            day = web.check_at(at, year)
            key: tuple = (ind.name, day, format)
        else:
            if at is not None:
                web.check_at(at, None)  # a date or a 4xx, even where it is not used
            y = web.check_year(ind, year)
            key = (ind.name, y, format)

        def compute() -> tuple:
            if ind.categorical:
                frame = web.store.with_provenance(web.map_values(ind, int(day[:4]), day),
                                                  ind.sources)
                meta = {"indicator": ind.name, "label": ind.label, "unit": ind.unit,
                        "year": int(day[:4]), "at": day, "actor": ind.actor,
                        "classes": CLASS_LABELS}
                return table_body(frame, format, f"{ind.name}_{day}", meta)
            frame = web.store.with_provenance(web.map_values(ind, y), ind.sources)
            meta = {"indicator": ind.name, "label": ind.label, "unit": ind.unit, "year": y}
            return table_body(frame, format, f"{ind.name}_{y}", meta)

        return response(await web.cached("map", key, compute))

    @api.get("/architecture/{actor}", tags=["data"],
             summary="The report's map: every country's agreement class with an actor at a date",
             responses={**JSON_OR_CSV, **ERRORS})
    async def api_architecture(
        actor: Annotated[str, Path(description="USA, JPN, CHN or EU (case-insensitive)",
                                   json_schema_extra={"enum": list(AGREEMENT_ACTORS)})],
        at: Annotated[str | None, Query(description="YYYY-MM-DD (default today)",
                                        json_schema_extra={"format": "date"})] = None,
        format: FormatQ = "json",
    ) -> Response:
        """:func:`article2.api.architecture` for ``actor`` (USA, JPN, CHN, EU) at ``at``: class,
        agreements in force with the actor and their citations, provenance columns."""
        key = actor.strip().upper()
        if key not in AGREEMENT_ACTORS:
            raise ApiError(422, f"unknown actor {actor!r}; allowed: {', '.join(AGREEMENT_ACTORS)}")
        ind = reg[f"agreement_{key.lower()}"]
        day = web.check_at(at, None)

        def compute() -> tuple:
            frame = web.store.with_provenance(web.map_values(ind, int(day[:4]), day), ind.sources)
            meta = {"actor": key, "at": day, "classes": CLASS_LABELS}
            return table_body(frame, format, f"architecture_{key}_{day}", meta)

        return response(await web.cached("map", ("arch", key, day, format), compute))

    @api.get("/exposure", tags=["data"],
             summary="Coercion exposure: every measure, every country, a year, with percentiles",
             responses={**JSON_OR_CSV, **ERRORS})
    async def api_exposure(year: Year = None, format: FormatQ = "json") -> Response:
        """:func:`article2.profiles.exposure_table` in ``year`` (default: the latest trade
        year): the distribution each profile's exposure percentiles are computed against."""
        names = [n for n, i in reg.items() if i.kind == "exposure"]
        y = web.check_year(reg[names[0]], year)

        def compute() -> tuple:
            parts = []
            for name in names:
                ind = reg[name]
                if y not in web.store.available_years(name):
                    continue
                frame = web.store.with_provenance(web.store.indicator_values(name, y),
                                                  ind.sources)
                parts.append(frame.assign(measure=ind.measure, unit=ind.unit))
            frame = pd.concat(parts, ignore_index=True)
            first = ["iso3", "name", "year", "measure", "value", "unit", "percentile",
                     "n_countries"]
            frame = frame[first + [c for c in frame.columns if c not in first]]
            return table_body(frame, format, f"exposure_{y}", {"year": y})

        return response(await web.cached("map", ("exposure", y, format), compute))

    # -- countries --------------------------------------------------------------------------------

    @api.get("/country/{iso3}", tags=["data"],
             summary="Country: every dashboard indicator over time, with provenance",
             responses={**JSON_200, **ERRORS})
    async def api_country(iso3: Iso3) -> Response:
        key = web.check_iso3(iso3)
        caps = tuple(capabilities.status().items())
        body = await web.cached("country", (key, caps), lambda: profile_json(key, caps))
        return Response(body, media_type="application/json")

    def profile_json(key: str, caps: tuple) -> bytes:
        """The profile document of ``key``, serialised once (the warehouse is read-only)."""
        from article2.web.context import records

        indicators = {}
        for ind in reg.values():
            if not ind.has_series:
                continue
            frame = web.store.country_series(ind.name, key).dropna(subset=["value"])
            last = frame.iloc[-1] if len(frame) else None
            indicators[ind.name] = {
                "unit": ind.unit,
                "latest": None if last is None else {"year": int(last["year"]),
                                                     "value": float(last["value"])},
                "series": records(frame[["year", "value"]]),
                **web.store.provenance(ind.sources),
            }  # fmt: skip
        return dumps({"country": web.store.country(key), "indicators": indicators,
                      "capabilities": dict(caps)})

    @api.get("/country/{iso3}/profile", tags=["capabilities"],
             summary="Presence profile (article2.api.profile) of a country in a year",
             responses={**JSON_200, **ERRORS})
    async def api_profile(iso3: Iso3, year: Year = None) -> Response:
        """The :func:`article2.api.profile` document of the country: presence, alignment and
        coercion exposure per actor, each number with its ``source_ids``; ``year`` None takes
        the latest year of each channel; a year no channel covers is a 404."""
        key = web.check_iso3(iso3)

        def compute() -> bytes:
            try:
                result = web.cap_call("profile", key, year=year)
            except capabilities.NotInBuild as exc:
                raise ApiError(404, str(exc)) from exc
            except ValueError as exc:  # YearOutOfCoverageError names the coverage
                raise ApiError(404, str(exc)) from exc
            return dumps(result.to_dict())

        return Response(await web.cached("profile", (key, year), compute),
                        media_type="application/json")

    @api.get("/country/{iso3}/series", tags=["data"], summary="One indicator over time",
             responses={**JSON_OR_CSV, **ERRORS})
    async def api_series(iso3: Iso3, indicator: SeriesIndicator,
                         format: FormatQ = "json") -> Response:
        key, ind = web.check_iso3(iso3), web.check_indicator(indicator)
        web.check_series(ind)

        def compute() -> tuple:
            frame = web.store.with_provenance(web.series_frame(key, ind), ind.sources)
            return table_body(frame, format, f"{key}_{ind.name}",
                              {"iso3": key, "indicator": ind.name, "unit": ind.unit})

        return response(await web.cached("table", ("series", key, ind.name, format), compute))

    @api.get("/country/{iso3}/ties", tags=["data"], summary="Top trading partners",
             responses={**JSON_OR_CSV, **ERRORS})
    async def api_ties(iso3: Iso3, year: Year = None, format: FormatQ = "json") -> Response:
        key = web.check_iso3(iso3)
        years = web.store.available_years("trade_share_usa")
        if year is not None and year not in years:
            raise ApiError(404, f"year {year} not covered by trade data: available years are "
                                f"{years[0]}-{years[-1]}")

        def compute() -> tuple:
            y = year if year is not None else web.store.latest_trade_year(key)
            if y is None:
                raise ApiError(404, f"no trade data for {key}")
            frame = web.store.with_provenance(web.store.ties(key, y), TIES_SOURCES)
            return table_body(frame, format, f"{key}_ties_{y}", {"iso3": key, "year": y})

        return response(await web.cached("table", ("ties", key, year, format), compute))

    @api.get("/country/{iso3}/capability/{name}", tags=["capabilities"],
             summary="A capability's result for a country (404 when not in this build)",
             responses={**JSON_200, **ERRORS})
    async def api_capability(
        iso3: Iso3,
        name: Annotated[str, Path(description="a capability (see /api/capabilities)",
                                  json_schema_extra={"enum": list(PER_COUNTRY)})],
    ) -> Response:
        key = web.check_iso3(iso3)
        if name not in PER_COUNTRY:
            raise ApiError(422, f"unknown capability {name!r}; allowed: {', '.join(PER_COUNTRY)}")
        return Response(await web.cached("table", ("capability", name, key), lambda: dumps(
            {"iso3": key, "capability": name, "result": web.capability(name, key)})),
            media_type="application/json")

    @api.get("/compare", tags=["data"], summary="One indicator for several countries",
             responses={**JSON_OR_CSV, **ERRORS})
    async def api_compare(
        iso3: Annotated[list[Annotated[str, StringConstraints(
            pattern=r"^\s*[A-Za-z]{3}(\s*,\s*[A-Za-z]{3})*\s*$")]],
                        Query(description="ISO3 keys: repeat the parameter or give a comma "
                                          "list (iso3=VNM,MMR)", min_length=1,
                              max_length=MAX_COMPARE, examples=[["JPN", "KOR"], ["VNM,MMR"]])],
        indicator: Annotated[str, Query(
            description="an indicator with a series (see /api/indicators)",
            json_schema_extra={"enum": [n for n, i in reg.items() if i.has_series]})
        ] = DEFAULT_INDICATOR,
        format: FormatQ = "json",
    ) -> Response:
        keys, ind = web.check_compare(iso3), web.check_indicator(indicator)
        web.check_series(ind)

        def compute() -> tuple:
            frame = web.compare_frame(keys, ind)
            return table_body(web.store.with_provenance(frame, ind.sources), format,
                              f"compare_{ind.name}", {"indicator": ind.name, "iso3": keys})

        return response(await web.cached("table", ("compare", tuple(keys), ind.name, format),
                                         compute))

    @api.get("/ranking", tags=["capabilities"], summary="Ranking (404 when not in build)",
             responses={**JSON_OR_CSV, **ERRORS})
    async def api_ranking(format: FormatQ = "json") -> Response:
        def compute() -> tuple:
            try:
                frame = pd.DataFrame(web.cap_call("rank"))
            except capabilities.NotInBuild as exc:
                raise ApiError(404, str(exc)) from exc
            return table_body(frame, format, "ranking", {})

        return response(await web.cached("table", ("ranking", format), compute))

    return api
