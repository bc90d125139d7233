"""The ``article2`` command: a thin layer over the Python API.

Each module of this package registers the commands of one capability on :data:`app`.
"""

from __future__ import annotations

from article2.cli import (
    data,  # noqa: F401  (registers build, sources, countries, run)
    fetch,  # noqa: F401  (registers fetch)
    profile,  # noqa: F401  (registers profile, compare)
)
import article2.cli.architecture  # noqa: F401  (registers agreements, architecture, recs)
import article2.cli.scenario  # noqa: F401  (registers scenario run, scenario show)
from article2.cli import data  # noqa: F401  (registers build, sources, countries, run)
    products,  # noqa: F401  (registers load-baci, generate-baci, dependencies)
)
from article2.cli import web  # noqa: F401  (registers serve)
from article2.cli._app import app

__all__ = ["app", "main"]


def main() -> None:
    app()
