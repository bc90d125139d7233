"""The ``serve`` command: the web dashboard and JSON API over the warehouse."""

from __future__ import annotations

import errno
import os
import socket
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
    problem = port_problem(host, port)
    if problem:
        raise fail(problem)
    if not warehouse.exists():
        from article2.cli._build import _build, _print_report

        _print_report(_build(None))
    n = workers or os.cpu_count() or 1
    console.print(f"article2 dashboard at http://{host}:{port}/ (API: /openapi.json)"
                  + (f", {n} worker processes" if n > 1 else "")
                  + "; it answers once the country pages' shared tables are loaded",
                  highlight=False)
    if n == 1:
        uvicorn.run(create_app(paths.warehouse_path(), warm=True), host=host, port=port,
                    log_level="warning")
        return
    # each worker process builds its app; it finds the same warehouse (same data home setting)
    uvicorn.run("article2.web:create_served_app", factory=True, host=host, port=port,
                workers=n, log_level="warning")


def port_problem(host: str, port: int) -> str | None:
    """Why the server could not listen on ``host``:``port`` (in use, not an address of this
    machine, not allowed), or None when it can. Binds as uvicorn does (``SO_REUSEADDR``), then
    lets go."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        return f"--host {host!r} is not an address or name this machine can resolve ({exc})"
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return (f"port {port} on {host} is already in use (another server?); stop it "
                        "or choose another with --port")
            if exc.errno == errno.EACCES:
                return f"not allowed to listen on port {port} on {host}; choose --port above 1023"
            if exc.errno == errno.EADDRNOTAVAIL:
                return f"--host {host!r} is not an address of this machine"
            return f"cannot listen on {host}:{port}: {exc.strerror or exc}"
    return None
