"""The dashboard and JSON API: a FastAPI application over the read-only warehouse.

``create_app(warehouse_path)`` opens the warehouse read-only (through
:func:`article2.warehouse.connect`) and returns the ASGI app: the routers of
:mod:`article2.web.routers` (API, pages, briefs, assets) over one shared
:class:`~article2.web.context.Web`, with security headers, per-client rate limiting and the
limits of :mod:`article2.web.limits`. Every parameter is validated (ISO3 against the
``countries`` table, years against the indicator's coverage, indicator names against
:func:`article2.web.data.registry`); a bad one gets a 4xx with a JSON ``{"error": ...}``: 422
for an invalid parameter, 404 for data that do not exist (an unknown country, a year the data
do not cover). A busy server answers 503 and a client over its rate 429, both with
``Retry-After``. No SQL is built from user strings. Unexpected errors return a generic 500
without a traceback. All assets (Vega bundle, geometry, CSS/JS) are served by the app itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Mapping
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from article2 import __version__
from article2.web.context import ApiError, Web
from article2.web.limits import Busy, Limits, RateLimit, ResponseCache
from article2.web.page_store import PageStore
from article2.web.routers import api, assets, briefs, pages

__all__ = ["ApiError", "ResponseCache", "SecurityHeaders", "create_app"]

log = logging.getLogger(__name__)

_HERE = Path(__file__).parent

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


#: paths that answer data, scripts or geometry: their errors are JSON like the API's
_NOT_PAGES = ("/api/", "/vendor/", "/geo/", "/static/", "/openapi.json", "/favicon.ico")

ERROR_TITLES = {400: "Bad request", 404: "Not found", 405: "Not allowed",
                422: "Invalid request", 429: "Too many requests", 500: "Server error",
                503: "Busy: try again shortly"}  # fmt: skip


def wants_html(path: str, accept: str) -> bool:
    """Whether an error on ``path`` is answered as an HTML page: every dashboard page, unless
    the client asks for JSON only; the API and the assets answer JSON ``{"error": ...}``."""
    if path.startswith(_NOT_PAGES):
        return False
    return not ("application/json" in accept and "text/html" not in accept)


async def _prepare_then_warm(web: Web, keys: list[str]) -> None:
    """Pages of ``keys`` stored on disk first (instant), then the shared tables, then the
    pages left to draw."""
    stored = [k for k in keys if web.pages is not None and web.pages.get(k) is not None]
    await pages.warm(web, stored)
    await asyncio.to_thread(web.store.prepare)
    await pages.warm(web, [k for k in keys if k not in set(stored)])


def create_app(warehouse_path: Path | None = None, *, limits: Limits | None = None,
               warm: bool = False) -> FastAPI:
    """The dashboard and API over the warehouse at ``warehouse_path`` (default: the user's),
    with ``limits`` (default: from the ``ARTICLE2_WEB_*`` settings).

    With ``warm`` (what ``article2 serve`` does), start-up computes what every country page
    shares (the all-countries trade-share panel, the agreement registry, exposure tables, the
    Vega bundle) and renders the pages of the Indo-Pacific countries, the dashboard's subject,
    before the server listens; then a background task renders every other country page, one
    at a time, into the page cache (progress: ``/api/status``). A page already rendered is
    answered from memory; one asked before its turn costs its own computation.

    Raises:
        WarehouseMissingError: when there is no warehouse to serve.
    """
    limits = limits or Limits.from_settings()
    web = Web(warehouse_path, limits)

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        task = None
        if warm:
            web.pages = PageStore(web.store.wh.build_id)
            first, rest = pages.warm_order(web)
            await web.cached_forever("table", ("vega-bundle",), assets.vega_bundle_js)
            if all(web.pages.get(k) is not None for k in first):
                # pages drawn by an earlier start of the same build and code: answered from
                # disk at once; the shared tables and any page not stored are done meanwhile
                await pages.warm(web, first)
                task = asyncio.ensure_future(_prepare_then_warm(web, rest))
            else:
                await asyncio.to_thread(web.store.prepare)
                await web.cached_forever("page", ("country", first[0]),
                                         lambda: pages.stored_country_html(web, first[0]))
                web.prepared = 1
                # the Indo-Pacific pages before listening, in every computation slot
                slots = max(1, limits.compute_slots)
                await asyncio.gather(*(pages.warm(web, first[1 + i::slots])
                                       for i in range(slots)))  # fmt: skip
                task = asyncio.ensure_future(pages.warm(web, rest))
        app.state.warming = task
        try:
            yield
        finally:
            if task is not None:
                task.cancel()

    app = FastAPI(
        lifespan=lifespan,
        title="article2 dashboard API",
        version=__version__,
        description="Indicators of U.S.-Japan economic cooperation in the Indo-Pacific, "
        "from public data, with the provenance of every number. Errors are JSON "
        '`{"error": "..."}`; a busy server answers 503 and a client over its rate 429, both '
        "with Retry-After.",
        docs_url=None,  # the Swagger UI would load assets from a CDN
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.web = web
    app.state.store = web.store
    app.state.caches = web.caches
    app.mount("/static", StaticFiles(directory=str(_HERE / "static")), name="static")

    # -- robustness: the outermost middleware is added last ---------------------------------------
    app.add_middleware(RateLimit, rate=limits.rate, burst=limits.burst, wants_html=wants_html)
    app.add_middleware(SecurityHeaders)

    def _error(request: Request, status: int, message: str,
               headers: Mapping[str, str] | None = None) -> Response:
        if not wants_html(request.url.path, request.headers.get("accept", "")):
            return JSONResponse({"error": message}, status_code=status, headers=headers)
        return web.templates.TemplateResponse(
            request, "error.html", {"status": status, "message": message, "nav": "error.html",
                                    "registry": web.reg, "country_options": web.country_options,
                                    "title": ERROR_TITLES.get(status, "Error"),
                                    "retry_after": (headers or {}).get("Retry-After")},
            status_code=status, headers=headers,
        )

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError):
        return _error(request, exc.status, exc.message)

    @app.exception_handler(Busy)
    async def _busy(request: Request, exc: Busy):
        return _error(request, exc.status, exc.message, {"Retry-After": str(exc.retry_after)})

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
        elif exc.status_code == 405:
            message = (f"method {request.method} not allowed on {request.url.path}; allowed: "
                       f"{(exc.headers or {}).get('Allow', 'GET')}")
        return _error(request, exc.status_code, message, exc.headers)

    @app.exception_handler(Exception)
    async def _any_error(request: Request, exc: Exception):
        log.exception("unhandled error on %s", request.url.path)
        return _error(request, 500, "internal error: the server could not answer this page")

    for module in (assets, api, pages, briefs):
        app.include_router(module.router(web))
    return app
