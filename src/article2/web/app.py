"""The dashboard and JSON API: a FastAPI application over the read-only warehouse.

``create_app(warehouse_path)`` opens the warehouse read-only (through
:func:`article2.warehouse.connect`) and returns the ASGI app. Every parameter is validated
(ISO3 against the ``countries`` table, years against the indicator's coverage, indicator names
against :func:`article2.web.data.registry`); a bad one gets a 4xx with a JSON ``{"error": ...}``.
No SQL is built from user strings. Unexpected errors return a generic 500 without a traceback.
All assets (Vega bundle, geometry, CSS/JS) are served by the app itself.
"""

from __future__ import annotations

import functools
import io
import json
import logging
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

import pandas as pd
from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from article2 import __version__, paths
from article2.web import capabilities, charts
from article2.web.data import TIES_SOURCES, Indicator, Store, registry

__all__ = ["ApiError", "create_app"]

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


def _table_response(frame: pd.DataFrame, fmt: str, filename: str, meta: dict) -> Response:
    if fmt == "csv":
        buf = io.StringIO()
        frame.to_csv(buf, index=False)
        return Response(
            buf.getvalue(),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{filename}.csv"'},
        )
    return JSONResponse({**meta, "rows": _records(frame)})


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

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        try:
            response = await call_next(request)
        except Exception:  # never leak a traceback to the client
            log.exception("unhandled error on %s", request.url.path)
            response = JSONResponse({"error": "internal error"}, status_code=500)
        for key, value in SECURITY_HEADERS.items():
            response.headers[key] = value
        return response

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

    def map_values(ind: Indicator, year: int) -> pd.DataFrame:
        frame = store.indicator_values(ind.name, year).copy()
        codes = store.countries().set_index("iso3")["un_code"]
        ids = frame["iso3"].map(codes)
        frame.insert(0, "id", [None if pd.isna(c) else f"{int(c):03d}" for c in ids])
        return frame

    def series_frame(iso3: str, ind: Indicator) -> pd.DataFrame:
        frame = store.country_series(ind.name, iso3).copy()
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
    def vega_bundle() -> Response:
        return Response(_vega_bundle(), media_type="text/javascript",
                        headers={"Cache-Control": "public, max-age=86400"})

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return Response(status_code=204)

    @app.get("/geo/countries-110m.json", include_in_schema=False)
    def geometry() -> Response:
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
        frame = store.sql(
            "SELECT source_id, title, producer, license, citation, url, vintage, retrieved, "
            "coverage, caveats FROM sources ORDER BY source_id"
        )
        return _table_response(frame, format, "sources", {})

    @app.get("/api/map/{indicator}", tags=["data"], summary="One indicator, all countries, a year")
    def api_map(indicator: str, year: int | None = None, format: FormatQ = "json") -> Response:
        ind = check_indicator(indicator)
        y = check_year(ind, year)
        frame = store.with_provenance(map_values(ind, y), ind.sources)
        meta = {"indicator": ind.name, "label": ind.label, "unit": ind.unit, "year": y}
        return _table_response(frame, format, f"{ind.name}_{y}", meta)

    @app.get("/api/country/{iso3}", tags=["data"], summary="Country profile: every indicator")
    def api_country(iso3: str) -> Response:
        key = check_iso3(iso3)
        return Response(profile_json(key, tuple(capabilities.status().items())),
                        media_type="application/json")

    @functools.lru_cache(maxsize=512)
    def profile_json(key: str, caps: tuple) -> bytes:
        """The profile document of ``key``, serialised once (the warehouse is read-only)."""
        indicators = {}
        for ind in reg.values():
            frame = store.country_series(ind.name, key).dropna(subset=["value"])
            last = frame.iloc[-1] if len(frame) else None
            indicators[ind.name] = {
                "unit": ind.unit,
                "latest": None if last is None else {"year": int(last["year"]),
                                                     "value": float(last["value"])},
                "series": _records(frame[["year", "value"]]),
                **store.provenance(ind.sources),
            }  # fmt: skip
        return json.dumps({"country": store.country(key), "indicators": indicators,
                           "capabilities": dict(caps)}).encode()

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

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def map_page(request: Request, indicator: str = _DEFAULT_INDICATOR, year: int | None = None):
        ind = check_indicator(indicator)
        years = store.available_years(ind.name)
        if year is not None and year not in years:  # switching indicator: nearest covered year
            year = min(years, key=lambda y: (abs(y - year), -y))
        y = check_year(ind, year)
        values = map_values(ind, y)
        spec = charts.map_chart(values, ind, y)
        table = values.dropna(subset=["value"]).sort_values("value", ascending=False)
        return page(request, "map.html", ind=ind, year=y, years=years, spec=spec,
                    rows=_records(table), n_missing=int(values["value"].isna().sum()),
                    provenance=store.provenance(ind.sources))

    @app.get("/country-search", include_in_schema=False)
    def country_search(iso3: str = ""):
        return RedirectResponse(f"/country/{check_iso3(iso3)}", status_code=303)

    @app.get("/country/{iso3}", response_class=HTMLResponse, include_in_schema=False)
    def country_page(request: Request, iso3: str):
        key = check_iso3(iso3)
        info = store.country(key)
        shares = []
        for actor in ("usa", "jpn", "chn", "eu"):
            f = store.country_series(f"trade_share_{actor}", key).assign(
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
        for ind in reg.values():
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
        return page(request, "country.html", info=info, iso3=key, specs=specs, latest=latest,
                    ties=ties, ties_year=ty, caps=caps,
                    has_brief=capabilities.available("brief"))

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
        frame = store.sql("SELECT source_id, title, license, vintage FROM sources ORDER BY 1")
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
