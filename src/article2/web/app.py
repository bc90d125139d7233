"""The dashboard and JSON API: a FastAPI application over the read-only warehouse.

``create_app(warehouse_path)`` opens the warehouse read-only (through
:func:`article2.warehouse.connect`) and returns the ASGI app. Every parameter is validated
(ISO3 against the ``countries`` table, years against the indicator's coverage, indicator names
against :func:`article2.web.data.registry`); a bad one gets a 4xx with a JSON ``{"error": ...}``.
No SQL is built from user strings. Unexpected errors return a generic 500 without a traceback.
All assets (Vega bundle, geometry, CSS/JS) are served by the app itself.
"""

from __future__ import annotations

import asyncio
import functools
import io
import json
import logging
from collections import OrderedDict
from collections.abc import Callable, Hashable
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

import anyio
import anyio.to_thread
import pandas as pd
from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from article2 import __version__, paths
from article2.agreements.map import COLOURS as CLASS_COLOURS
from article2.agreements.map import LABELS as CLASS_LABELS
from article2.measures.members import slug
from article2.web import capabilities, charts
from article2.web.data import (
    AGREEMENT_ACTORS,
    AGREEMENT_FIRST_YEAR,
    TIES_SOURCES,
    Indicator,
    Store,
    registry,
)

__all__ = ["ApiError", "ResponseCache", "SecurityHeaders", "create_app"]

log = logging.getLogger(__name__)

_HERE = Path(__file__).parent
Format = Literal["json", "csv"]
FormatQ = Annotated[Format, Query(description="json (default) or csv")]
_MAX_COMPARE = 8
_DEFAULT_INDICATOR = "balance_usajpn_chn"

SECURITY_HEADERS = {
    # Vega compiles its expressions with Function(): script-src needs 'unsafe-eval'; vega-embed
    # injects a <style> element: style-src needs 'unsafe-inline'. Nothing outside 'self'.
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; object-src 'none'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
}


_RAW_SECURITY_HEADERS = [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]


class SecurityHeaders:
    """ASGI middleware: adds :data:`SECURITY_HEADERS` to every response and turns an unhandled
    exception into a generic JSON 500 (no traceback reaches the client).

    A plain ASGI wrapper rather than ``@app.middleware("http")``: the latter runs every request
    through an extra task and memory streams, which costs more than a cached response itself.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = [*message.get("headers", ()), *_RAW_SECURITY_HEADERS]
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:  # never leak a traceback to the client
            log.exception("unhandled error on %s", scope.get("path"))
            if started:
                raise
            await JSONResponse({"error": "internal error"}, status_code=500)(
                scope, receive, send_with_headers
            )


#: threads that compute cache misses at once, per process. CPU-bound pandas work holds the GIL:
#: with the default 40 threads the event loop would get 1/41 of it and even cached responses
#: would wait; with 2 the loop keeps its share and DuckDB (which releases the GIL) keeps both
#: cores busy.
COMPUTE_THREADS = 2


@functools.cache
def _compute_limiter() -> anyio.CapacityLimiter:
    return anyio.CapacityLimiter(COMPUTE_THREADS)


class ResponseCache:
    """A bounded LRU of serialised response bodies, read on the event loop and filled off it.

    A hit is a dictionary look-up in the event loop (no thread hop). A miss computes the body
    in the thread pool so that the loop keeps serving other requests; concurrent misses of the
    same key wait for that one computation instead of repeating it (50 clients asking for one
    uncached profile cost one profile, not 50). Stores happen on the loop thread only. The
    warehouse is read-only for the app's lifetime, so entries never go stale; keys include
    whatever selects the body (ISO3, year, indicator, format).
    """

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._data: OrderedDict[Hashable, Any] = OrderedDict()
        self._pending: dict[Hashable, asyncio.Task] = {}

    async def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        hit = self._data.get(key)
        if hit is not None:
            self._data.move_to_end(key)
            return hit
        task = self._pending.get(key)
        if task is None:
            # a task of its own: a client that disconnects does not cancel it for the others
            task = asyncio.ensure_future(
                anyio.to_thread.run_sync(compute, limiter=_compute_limiter()))
            self._pending[key] = task
            task.add_done_callback(lambda t: self._store(key, t))
        return await asyncio.shield(task)

    def _store(self, key: Hashable, task: asyncio.Task) -> None:
        self._pending.pop(key, None)
        if task.cancelled() or task.exception() is not None:
            return  # errors are not cached: the next request tries again
        self._data[key] = task.result()
        if len(self._data) > self.maxsize:
            self._data.popitem(last=False)

    def __len__(self) -> int:
        return len(self._data)


def _dumps(obj: Any) -> bytes:
    """JSON bytes: NaN/NaT become null (standard JSON), numpy scalars and dates are handled."""
    import orjson

    return orjson.dumps(obj, default=_json_default,
                        option=orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS)


def _json_default(v: Any) -> Any:
    if v is pd.NA or v is pd.NaT:
        return None
    if hasattr(v, "item"):
        return v.item()
    return str(v)


class ApiError(Exception):
    """A request the app refuses, with its HTTP status and a message for the client."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@functools.cache
def _vega_bundle() -> str:
    import altair as alt
    import vl_convert

    major_minor = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    try:
        return vl_convert.javascript_bundle(vl_version=major_minor)
    except ValueError:
        return vl_convert.javascript_bundle()


@functools.cache
def _geometry() -> bytes:
    return resources.files("article2").joinpath("data/geo/countries-110m.json").read_bytes()


def _jsonable(v: Any) -> Any:
    if v is None:
        return None
    if isinstance(v, float) and v != v:  # NaN
        return None
    if v is pd.NA or v is pd.NaT:
        return None
    if hasattr(v, "item"):
        v = v.item()
        if isinstance(v, float) and v != v:
            return None
    return v


def _records(frame: pd.DataFrame) -> list[dict]:
    return [{k: _jsonable(v) for k, v in row.items()} for row in frame.to_dict("records")]


def _table_body(frame: pd.DataFrame, fmt: str, filename: str, meta: dict) -> tuple:
    """(body bytes, media type, headers) of a table download: CSV, or JSON ``{**meta, rows}``."""
    if fmt == "csv":
        buf = io.StringIO()
        frame.to_csv(buf, index=False)
        return (buf.getvalue().encode(), "text/csv; charset=utf-8",
                {"Content-Disposition": f'attachment; filename="{filename}.csv"'})
    return _dumps({**meta, "rows": _records(frame)}), "application/json", {}


def _table_response(frame: pd.DataFrame, fmt: str, filename: str, meta: dict) -> Response:
    body, media, headers = _table_body(frame, fmt, filename, meta)
    return Response(body, media_type=media, headers=headers)


def _cached_response(triple: tuple) -> Response:
    body, media, headers = triple
    return Response(body, media_type=media, headers=headers)


def create_app(warehouse_path: Path | None = None) -> FastAPI:
    """The dashboard and API over the warehouse at ``warehouse_path`` (default: the user's).

    Raises:
        WarehouseMissingError: when there is no warehouse to serve.
    """
    store = Store(warehouse_path)

    def cap_call(*args: Any, **kwargs: Any) -> Any:
        """A capability of article2.api, reading the warehouse this app serves."""
        with paths.using_warehouse(warehouse_path):
            return capabilities.call(*args, **kwargs)
    reg = registry()
    iso3_keys = frozenset(store.countries()["iso3"])
    templates = Jinja2Templates(directory=str(_HERE / "templates"))
    templates.env.filters["num"] = _fmt_number

    app = FastAPI(
        title="article2 dashboard API",
        version=__version__,
        description="Indicators of U.S.-Japan economic cooperation in the Indo-Pacific, "
        "from public data, with the provenance of every number.",
        docs_url=None,  # the Swagger UI would load assets from a CDN
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.store = store
    app.mount("/static", StaticFiles(directory=str(_HERE / "static")), name="static")

    # -- robustness -------------------------------------------------------------------------------

    app.add_middleware(SecurityHeaders)
    # serialised bodies of the expensive, repeatable requests (see ResponseCache)
    caches = {name: ResponseCache(size) for name, size in
              (("profile", 1024), ("country", 512), ("map", 512), ("page", 1024))}
    app.state.caches = caches

    def _error(request: Request, status: int, message: str) -> Response:
        if request.url.path.startswith("/api/") or "text/html" not in request.headers.get(
            "accept", ""
        ):
            return JSONResponse({"error": message}, status_code=status)
        return templates.TemplateResponse(
            request, "error.html", {"status": status, "message": message}, status_code=status
        )

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError):
        return _error(request, exc.status, exc.message)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError):
        parts = []
        for err in exc.errors():
            where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("query", "path"))
            parts.append(f"{where}: {err.get('msg', 'invalid')}")
        return _error(request, 422, "invalid parameter: " + "; ".join(parts))

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException):
        message = exc.detail if isinstance(exc.detail, str) else "error"
        if exc.status_code == 404 and message == "Not Found":
            message = f"no such page: {request.url.path}"
        return _error(request, exc.status_code, message)

    @app.exception_handler(Exception)
    async def _any_error(request: Request, exc: Exception):
        log.exception("unhandled error on %s", request.url.path)
        return JSONResponse({"error": "internal error"}, status_code=500)

    # -- validation -------------------------------------------------------------------------------

    def check_iso3(iso3: str) -> str:
        key = iso3.strip().upper()
        if key not in iso3_keys:
            raise ApiError(404, f"unknown country {iso3!r}: not an ISO3 key of the countries "
                                "table (see /api/countries)")
        return key

    def check_indicator(name: str) -> Indicator:
        if name not in reg:
            raise ApiError(422, f"unknown indicator {name!r}; allowed: {', '.join(reg)}")
        return reg[name]

    def check_year(ind: Indicator, year: int | None) -> int:
        years = store.available_years(ind.name)
        if year is None:
            return years[-1]
        if year not in years:
            raise ApiError(
                422, f"year {year} not covered by {ind.name}: available years are "
                f"{years[0]}-{years[-1]}" + ("" if len(years) == years[-1] - years[0] + 1
                                              else f" ({len(years)} years)"),
            )
        return year

    def check_series(ind: Indicator) -> Indicator:
        if not ind.has_series:
            raise ApiError(422, f"{ind.name} is a map layer (all countries, one "
                                f"{'date' if ind.categorical else 'year'} at a time): use "
                                f"/api/map/{ind.name}")
        return ind

    def check_at(at: str | None, year: int | None) -> str:
        """An ISO date for the agreement layers: ``at``, else 31 December of ``year``, else
        today."""
        import datetime as dt

        if at is None:
            if year is None:
                return dt.date.today().isoformat()
            at = f"{year}-12-31"
        try:
            day = dt.date.fromisoformat(at.strip())
        except ValueError:
            raise ApiError(422, f"at={at!r} is not a date: give YYYY-MM-DD") from None
        if not AGREEMENT_FIRST_YEAR <= day.year <= 2100:
            raise ApiError(422, f"at={at!r} is outside {AGREEMENT_FIRST_YEAR}-01-01 to "
                                "2100-12-31")
        return day.isoformat()

    def map_values(ind: Indicator, year: int, at: str | None = None) -> pd.DataFrame:
        if ind.categorical:
            frame = store.classification(ind.actor or "", at or f"{year}-12-31").copy()
        else:
            frame = store.indicator_values(ind.name, year).copy()
        codes = store.countries().set_index("iso3")["un_code"]
        ids = frame["iso3"].map(codes)
        frame.insert(0, "id", [None if pd.isna(c) else f"{int(c):03d}" for c in ids])
        return frame

    def series_frame(iso3: str, ind: Indicator) -> pd.DataFrame:
        frame = store.country_series(check_series(ind).name, iso3).copy()
        frame.insert(1, "indicator", ind.name)
        return frame

    def indicator_meta(ind: Indicator) -> dict:
        years = store.available_years(ind.name)
        return {
            "name": ind.name, "label": ind.label, "unit": ind.unit,
            "description": ind.description, "sources": list(ind.sources),
            "warehouse_indicators": list(ind.warehouse_indicators),
            "year_min": years[0], "year_max": years[-1], "years": list(years),
        }  # fmt: skip

    # -- assets -----------------------------------------------------------------------------------

    @app.get("/vendor/vega-bundle.js", include_in_schema=False)
    def vega_bundle() -> Response:  # the first call builds the bundle: off the event loop
        return Response(_vega_bundle(), media_type="text/javascript",
                        headers={"Cache-Control": "public, max-age=86400"})

    # constant responses: answered on the event loop, without a thread hop
    @app.get("/favicon.ico", include_in_schema=False)
    async def favicon() -> Response:
        return Response(status_code=204)

    @app.get("/geo/countries-110m.json", include_in_schema=False)
    async def geometry() -> Response:
        return Response(_geometry(), media_type="application/json",
                        headers={"Cache-Control": "public, max-age=86400"})

    # -- JSON API ---------------------------------------------------------------------------------

    @app.get("/api/indicators", tags=["registry"], summary="The indicator registry")
    def api_indicators() -> dict:
        return {"indicators": [indicator_meta(ind) for ind in reg.values()]}

    @app.get("/api/countries", tags=["registry"], summary="Country keys and names")
    def api_countries(format: FormatQ = "json") -> Response:
        return _table_response(store.countries(), format, "countries", {})

    @app.get("/api/capabilities", tags=["registry"], summary="Capabilities in this build")
    def api_capabilities() -> dict:
        return {"capabilities": capabilities.status(), "descriptions": capabilities.CAPABILITIES}

    @app.get("/api/sources", tags=["registry"], summary="Provenance of every raw file")
    def api_sources(format: FormatQ = "json") -> Response:
        frame = store.sources(("source_id", "title", "producer", "license", "citation", "url",
                               "vintage", "retrieved", "coverage", "caveats"))
        return _table_response(frame, format, "sources", {})

    @app.get("/api/map/{indicator}", tags=["data"], summary="One indicator, all countries, a year")
    async def api_map(
        indicator: str,
        year: int | None = None,
        at: Annotated[str | None, Query(description="agreement layers: a date, YYYY-MM-DD "
                                                    "(default: 31 December of year)")] = None,
        format: FormatQ = "json",
    ) -> Response:
        """Every country's value of ``indicator`` in ``year`` (the latest by default), with the
        provenance columns. Exposure layers add the percentile among the countries with a value
        and their number; agreement layers give each country's class at the date ``at``
        (``value``: agreement / wto_member / neither / actor) with the agreements in force and
        their citations."""
        ind = check_indicator(indicator)

        def compute() -> tuple:
            y = check_year(ind, year)
            day = check_at(at, year) if ind.categorical else None
            y = int(day[:4]) if day else y
            frame = store.with_provenance(map_values(ind, y, day), ind.sources)
            meta = {"indicator": ind.name, "label": ind.label, "unit": ind.unit, "year": y}
            if day:
                meta |= {"at": day, "actor": ind.actor, "classes": CLASS_LABELS}
            return _table_body(frame, format, f"{ind.name}_{day or y}", meta)

        return _cached_response(await caches["map"].get((ind.name, year, at, format), compute))

    @app.get("/api/architecture/{actor}", tags=["data"],
             summary="The report's map: every country's agreement class with an actor at a date")
    async def api_architecture(
        actor: str,
        at: Annotated[str | None, Query(description="YYYY-MM-DD (default today)")] = None,
        format: FormatQ = "json",
    ) -> Response:
        """:func:`article2.api.architecture` for ``actor`` (USA, JPN, CHN, EU) at ``at``: class,
        agreements in force with the actor and their citations, provenance columns."""
        key = actor.strip().upper()
        if key not in AGREEMENT_ACTORS:
            raise ApiError(422, f"unknown actor {actor!r}; allowed: {', '.join(AGREEMENT_ACTORS)}")
        ind = reg[f"agreement_{key.lower()}"]

        def compute() -> tuple:
            day = check_at(at, None)
            frame = store.with_provenance(map_values(ind, int(day[:4]), day), ind.sources)
            meta = {"actor": key, "at": day, "classes": CLASS_LABELS}
            return _table_body(frame, format, f"architecture_{key}_{day}", meta)

        return _cached_response(await caches["map"].get(("arch", key, at, format), compute))

    @app.get("/api/exposure", tags=["data"],
             summary="Coercion exposure: every measure, every country, a year, with percentiles")
    async def api_exposure(year: int | None = None, format: FormatQ = "json") -> Response:
        """:func:`article2.profiles.exposure_table` in ``year`` (default: the latest trade
        year): the distribution each profile's exposure percentiles are computed against."""
        names = [n for n, i in reg.items() if i.kind == "exposure"]

        def compute() -> tuple:
            y = check_year(reg[names[0]], year)
            parts = []
            for name in names:
                ind = reg[name]
                if y not in store.available_years(name):
                    continue
                frame = store.with_provenance(store.indicator_values(name, y), ind.sources)
                parts.append(frame.assign(measure=ind.measure, unit=ind.unit))
            frame = pd.concat(parts, ignore_index=True)
            first = ["iso3", "name", "year", "measure", "value", "unit", "percentile",
                     "n_countries"]
            frame = frame[first + [c for c in frame.columns if c not in first]]
            return _table_body(frame, format, f"exposure_{y}", {"year": y})

        return _cached_response(await caches["map"].get(("exposure", year, format), compute))

    @app.get("/api/country/{iso3}", tags=["data"],
             summary="Country: every dashboard indicator over time, with provenance")
    async def api_country(iso3: str) -> Response:
        key = check_iso3(iso3)
        caps = tuple(capabilities.status().items())
        body = await caches["country"].get((key, caps), lambda: profile_json(key, caps))
        return Response(body, media_type="application/json")

    @app.get("/api/country/{iso3}/profile", tags=["capabilities"],
             summary="Presence profile (article2.api.profile) of a country in a year")
    async def api_profile(iso3: str, year: int | None = None) -> Response:
        """The :func:`article2.api.profile` document of the country: presence, alignment and
        coercion exposure per actor, each number with its ``source_ids``; ``year`` None takes
        the latest year of each channel."""
        key = check_iso3(iso3)
        if year is not None and not 1800 <= year <= 2100:
            raise ApiError(422, f"year {year} is not a plausible year (1800-2100)")

        def compute() -> bytes:
            try:
                result = cap_call("profile", key, year=year)
            except capabilities.NotInBuild as exc:
                raise ApiError(404, str(exc)) from exc
            except ValueError as exc:  # YearOutOfCoverageError names the coverage
                raise ApiError(422, str(exc)) from exc
            return _dumps(result.to_dict())

        return Response(await caches["profile"].get((key, year), compute),
                        media_type="application/json")

    def profile_json(key: str, caps: tuple) -> bytes:
        """The profile document of ``key``, serialised once (the warehouse is read-only)."""
        indicators = {}
        for ind in reg.values():
            if not ind.has_series:
                continue
            frame = store.country_series(ind.name, key).dropna(subset=["value"])
            last = frame.iloc[-1] if len(frame) else None
            indicators[ind.name] = {
                "unit": ind.unit,
                "latest": None if last is None else {"year": int(last["year"]),
                                                     "value": float(last["value"])},
                "series": _records(frame[["year", "value"]]),
                **store.provenance(ind.sources),
            }  # fmt: skip
        return _dumps({"country": store.country(key), "indicators": indicators,
                       "capabilities": dict(caps)})

    @app.get("/api/country/{iso3}/series", tags=["data"], summary="One indicator over time")
    def api_series(iso3: str, indicator: str, format: FormatQ = "json") -> Response:
        key, ind = check_iso3(iso3), check_indicator(indicator)
        frame = store.with_provenance(series_frame(key, ind), ind.sources)
        return _table_response(frame, format, f"{key}_{ind.name}",
                               {"iso3": key, "indicator": ind.name, "unit": ind.unit})

    @app.get("/api/country/{iso3}/ties", tags=["data"], summary="Top trading partners")
    def api_ties(iso3: str, year: int | None = None, format: FormatQ = "json") -> Response:
        key = check_iso3(iso3)
        years = store.available_years("trade_share_usa")
        if year is not None and year not in years:
            raise ApiError(422, f"year {year} not covered by trade data: available years are "
                                f"{years[0]}-{years[-1]}")
        y = year if year is not None else store.latest_trade_year(key)
        if y is None:
            raise ApiError(404, f"no trade data for {key}")
        frame = store.with_provenance(store.ties(key, y), TIES_SOURCES)
        return _table_response(frame, format, f"{key}_ties_{y}", {"iso3": key, "year": y})

    @app.get("/api/country/{iso3}/capability/{name}", tags=["capabilities"],
             summary="A capability's result for a country (404 when not in this build)")
    def api_capability(iso3: str, name: str) -> Response:
        key = check_iso3(iso3)
        if name not in capabilities.CAPABILITIES or name in ("rank", "brief"):
            allowed = [c for c in capabilities.CAPABILITIES if c not in ("rank", "brief")]
            raise ApiError(422, f"unknown capability {name!r}; allowed: {', '.join(allowed)}")
        result = _capability(name, key)
        return JSONResponse({"iso3": key, "capability": name, "result": result})

    @app.get("/api/compare", tags=["data"], summary="One indicator for several countries")
    def api_compare(
        iso3: Annotated[list[str], Query(description="ISO3 keys (repeat the parameter)")],
        indicator: str = _DEFAULT_INDICATOR,
        format: FormatQ = "json",
    ) -> Response:
        keys, ind = _check_compare(iso3), check_indicator(indicator)
        frame = compare_frame(keys, ind)
        return _table_response(store.with_provenance(frame, ind.sources), format,
                               f"compare_{ind.name}", {"indicator": ind.name, "iso3": keys})

    @app.get("/api/ranking", tags=["capabilities"], summary="Ranking (404 when not in build)")
    def api_ranking(format: FormatQ = "json") -> Response:
        try:
            frame = pd.DataFrame(cap_call("rank"))
        except capabilities.NotInBuild as exc:
            raise ApiError(404, str(exc)) from exc
        return _table_response(frame, format, "ranking", {})

    def _check_compare(iso3s: list[str]) -> list[str]:
        keys = list(dict.fromkeys(check_iso3(k) for k in iso3s if k.strip()))
        if not keys:
            raise ApiError(422, "give at least one country: ?iso3=JPN&iso3=KOR")
        if len(keys) > _MAX_COMPARE:
            raise ApiError(422, f"at most {_MAX_COMPARE} countries can be compared")
        return keys

    def compare_frame(keys: list[str], ind: Indicator) -> pd.DataFrame:
        names = store.countries().set_index("iso3")["name"]
        parts = [series_frame(k, ind) for k in keys]
        frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
        frame.insert(1, "name", frame["iso3"].map(names))
        return frame

    def _capability(name: str, key: str) -> Any:
        try:
            result = cap_call(name, key)
        except capabilities.NotInBuild as exc:
            raise ApiError(404, str(exc)) from exc
        if isinstance(result, pd.DataFrame):
            return _records(result)
        if hasattr(result, "__dataclass_fields__"):
            import dataclasses

            return json.loads(json.dumps(dataclasses.asdict(result), default=str))
        return json.loads(json.dumps(result, default=str))

    # -- pages ------------------------------------------------------------------------------------

    def page(request: Request, name: str, **context: Any) -> HTMLResponse:
        return templates.TemplateResponse(
            request, name, {"nav": name, "registry": reg, **context}
        )

    def render(name: str, **context: Any) -> bytes:
        """A page rendered to bytes (cacheable: it does not depend on the request)."""
        return templates.get_template(name).render(
            {"nav": name, "registry": reg, **context}).encode()

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def map_page(indicator: str = _DEFAULT_INDICATOR, year: int | None = None,
                       at: str | None = None):
        ind = check_indicator(indicator)
        body = await caches["page"].get(("map", ind.name, year, at),
                                        lambda: map_html(ind, year, at))
        return HTMLResponse(body)

    def map_html(ind: Indicator, year: int | None, at: str | None) -> bytes:
        years = store.available_years(ind.name)
        if year is None and at is not None and not ind.categorical:
            year = int(check_at(at, None)[:4])  # coming from an agreement layer
        if year is not None and year not in years:  # switching indicator: nearest covered year
            year = min(years, key=lambda y: (abs(y - year), -y))
        y = check_year(ind, year)
        day = check_at(at, year) if ind.categorical else None
        if day:
            y = int(day[:4])
        values = map_values(ind, y, day)
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
        return render("map.html", ind=ind, year=y, at=day, years=years, spec=spec,
                      rows=_records(table), n_missing=int(values["value"].isna().sum()),
                      provenance=store.provenance(ind.sources), legend=legend)

    @app.get("/country-search", include_in_schema=False)
    def country_search(iso3: str = ""):
        return RedirectResponse(f"/country/{check_iso3(iso3)}", status_code=303)

    @app.get("/country/{iso3}", response_class=HTMLResponse, include_in_schema=False)
    async def country_page(iso3: str):
        key = check_iso3(iso3)
        body = await caches["page"].get(("country", key), lambda: country_html(key))
        return HTMLResponse(body)

    def country_html(key: str) -> bytes:
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
        ties = _records(store.ties(key, ty)) if ty is not None else []
        caps = {}
        for name in ("profile", "architecture", "recommendations", "dependencies"):
            try:
                caps[name] = {"ok": True, "result": _capability(name, key)}
            except ApiError as exc:
                caps[name] = {"ok": False, "message": exc.message}
        from article2.measures.exposure import MEASURES

        return render("country.html", info=info, iso3=key, specs=specs, latest=latest,
                      ties=ties, ties_year=ty, caps=caps,
                      has_brief=capabilities.available("brief"),
                      measures={k: v[1] for k, v in MEASURES.items()},
                      class_labels=CLASS_LABELS, class_colours=CLASS_COLOURS)

    @app.get("/country/{iso3}/brief.{fmt}", include_in_schema=False)
    def brief(iso3: str, fmt: str):
        key = check_iso3(iso3)
        if fmt not in ("html", "pdf"):
            raise ApiError(404, f"briefs come as brief.html or brief.pdf, not brief.{fmt}")
        try:
            result = cap_call("brief", key, format=fmt)
        except capabilities.NotInBuild as exc:
            raise ApiError(404, str(exc)) from exc
        content = Path(result).read_bytes() if isinstance(result, Path) else result
        media = "text/html; charset=utf-8" if fmt == "html" else "application/pdf"
        return Response(content, media_type=media)

    @app.get("/compare", response_class=HTMLResponse, include_in_schema=False)
    def compare_page(
        request: Request,
        iso3: Annotated[list[str] | None, Query()] = None,
        indicator: str = "trade_share_chn",
    ):
        ind = check_indicator(indicator)
        keys = _check_compare(iso3 or ["JPN", "KOR", "AUS", "IDN"])
        frame = compare_frame(keys, ind).dropna(subset=["value"])
        spec = charts.compare_chart(frame, ind) if len(frame) else None
        wide = frame.pivot_table(index="year", columns="iso3", values="value").reset_index()
        wide = wide.sort_values("year", ascending=False).head(15)
        return page(request, "compare.html", ind=ind, keys=keys, spec=spec,
                    columns=list(wide.columns), rows=_records(wide),
                    countries=_records(store.countries()[["iso3", "name"]]))

    @app.get("/ranking", response_class=HTMLResponse, include_in_schema=False)
    def ranking_page(request: Request):
        from article2.api import rank_chart

        try:
            frame = pd.DataFrame(cap_call("rank"))
            message, rows, columns = None, _records(frame), list(frame.columns)
            spec = rank_chart(frame).to_dict() if len(frame) else None
        except capabilities.NotInBuild as exc:
            message, rows, columns, spec = str(exc), [], [], None
        return page(request, "ranking.html", message=message, rows=rows, columns=columns,
                    spec=spec)

    @app.get("/sources", response_class=HTMLResponse, include_in_schema=False)
    def sources_page(request: Request):
        frame = store.sources(("source_id", "title", "license", "vintage"))
        return page(request, "sources.html", rows=_records(frame))

    return app


def _fmt_number(value: Any, digits: int = 2) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        if abs(value) >= 1e6:
            return f"{value:,.0f}"
        return f"{value:,.{digits}f}"
    return str(value)
