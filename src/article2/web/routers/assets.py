"""What the pages load besides the static folder: the Vega bundle, the world geometry and the
favicon, each built once per process and answered on the event loop."""

from __future__ import annotations

import functools
from importlib import resources

from fastapi import APIRouter
from fastapi.responses import Response

from article2.web.context import Web

__all__ = ["router"]


@functools.cache
def vega_bundle_js() -> str:
    import altair as alt
    import vl_convert

    major_minor = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    # the stub marks ``snippet`` required; it is optional (its documented default puts vegaEmbed,
    # vegaLite and vega on window, which the pages use)
    try:
        return vl_convert.javascript_bundle(vl_version=major_minor)  # type: ignore[call-arg]
    except ValueError:
        return vl_convert.javascript_bundle()  # type: ignore[call-arg]


@functools.cache
def geometry_json() -> bytes:
    return resources.files("article2").joinpath("data/geo/countries-110m.json").read_bytes()


def router(web: Web) -> APIRouter:
    """The asset routes."""
    assets = APIRouter(include_in_schema=False)
    long_cache = {"Cache-Control": "public, max-age=86400"}

    @assets.get("/vendor/vega-bundle.js")
    async def vega_bundle() -> Response:
        # built once, through the gate, without the request time limit (every page needs it)
        body = await web.caches["table"].get(("vega-bundle",), vega_bundle_js)
        return Response(body, media_type="text/javascript", headers=long_cache)

    # constant responses: answered on the event loop, without a thread hop
    @assets.get("/favicon.ico")
    async def favicon() -> Response:
        return Response(status_code=204)

    @assets.get("/geo/countries-110m.json")
    async def geometry() -> Response:
        return Response(geometry_json(), media_type="application/json", headers=long_cache)

    return assets
