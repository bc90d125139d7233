"""The web dashboard and JSON API (``article2 serve``): FastAPI over the read-only warehouse.

Needs the ``web`` extra (FastAPI, uvicorn, Jinja2, Altair, vl-convert-python).
"""

from __future__ import annotations

__all__ = ["create_app", "create_served_app"]


def create_app(warehouse_path=None, *, limits=None, warm=False):
    """See :func:`article2.web.app.create_app` (imported lazily: FastAPI is an optional extra)."""
    from article2.web.app import create_app as _create_app

    return _create_app(warehouse_path, limits=limits, warm=warm)


def create_served_app():
    """The app ``article2 serve`` runs in each worker process: the user's warehouse, limits
    from the settings, country pages prepared at start-up."""
    return create_app(warm=True)
