"""The ``serve`` command: the web dashboard and JSON API over the warehouse."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from article2.cli._app import app, console, fail


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
    workers: Annotated[int, typer.Option(
        help="Server processes (each with its own caches); 0: one per CPU core.", min=0, max=64,
    )] = 1,
) -> None:
    """Serve the dashboard and JSON API (builds the warehouse first if there is none).

    The API is described at /openapi.json. Work is bounded by the ARTICLE2_WEB_* settings
    (computations and PDF renders at once, queue, time limit, requests per second per client):
    beyond them the server answers 503 or 429 with Retry-After. Stop with Ctrl-C.

    Example: article2 serve --port 8000 --workers 2
    """
    from article2 import paths, warehouse

    try:
        import uvicorn

        from article2.web import create_app
    except ImportError as exc:  # the web extra is not installed
        raise fail(f"the dashboard needs the web extra: pip install 'article2[web]' ({exc})") from exc
    from article2.web.limits import Limits

    try:  # the ARTICLE2_WEB_* limits, checked before any worker starts
        Limits.from_settings()
    except ValueError as exc:
        raise fail(str(exc)) from exc
    if not warehouse.exists():
        from article2.cli._build import _build, _print_report

        _print_report(_build(None))
    n = workers or os.cpu_count() or 1
    console.print(f"article2 dashboard at http://{host}:{port}/ (API: /openapi.json)"
                  + (f", {n} worker processes" if n > 1 else ""), highlight=False)
    if n == 1:
        uvicorn.run(create_app(paths.warehouse_path()), host=host, port=port, log_level="warning")
        return
    # each worker process builds its app; it finds the same warehouse (same data home setting)
    uvicorn.run("article2.web:create_app", factory=True, host=host, port=port, workers=n,
                log_level="warning")
