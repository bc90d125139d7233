"""Country briefs as downloads: ``/country/{iso3}/brief.html`` and ``brief.pdf``.

A brief is assembled and rendered once per country and format, then served from the cache. PDF
renders (each a headless Chromium) go through a gate of their own with few slots
(``ARTICLE2_WEB_PDF_SLOTS``), so that concurrent requests queue briefly and then get a 503 with
``Retry-After`` instead of starting one browser each.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import Response

from article2.web import capabilities
from article2.web.context import ApiError, Web
from article2.web.limits import Busy

__all__ = ["router"]

MEDIA = {"html": "text/html; charset=utf-8", "pdf": "application/pdf"}


def router(web: Web) -> APIRouter:
    """The brief routes over ``web``."""
    briefs = APIRouter(include_in_schema=False)

    @briefs.get("/country/{iso3}/brief.{fmt}")
    async def brief(iso3: str, fmt: str):
        key = web.check_iso3(iso3)
        if fmt not in MEDIA:
            raise ApiError(404, f"briefs come as brief.html or brief.pdf, not brief.{fmt}")

        def compute() -> bytes:
            from article2.briefs.render import PdfBusyError, PdfTimeoutError

            try:
                result = web.cap_call("brief", key, format=fmt)
            except capabilities.NotInBuild as exc:
                raise ApiError(404, str(exc)) from exc
            except (PdfBusyError, PdfTimeoutError) as exc:  # bounded PDF work: try again later
                raise Busy(str(exc), 10) from exc
            return Path(result).read_bytes() if isinstance(result, Path) else result

        # HTML briefs are computations like any other; PDF briefs take a PDF slot
        cache = "brief" if fmt == "pdf" else "page"
        content = await web.cached(cache, ("brief", key, fmt), compute)
        from article2.briefs.render import CSP
        # an HTML brief gets its own policy (no scripts, loads, frames or forms; a sandboxed
        # origin); not a PDF, which browsers refuse to show in a sandboxed document
        csp = {"Content-Security-Policy": f"{CSP}; frame-ancestors 'none'; sandbox"}
        return Response(content, media_type=MEDIA[fmt], headers=csp if fmt == "html" else None)

    return briefs
