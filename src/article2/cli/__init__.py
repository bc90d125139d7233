"""The ``article2`` command: a thin layer over the Python API.

Each module of this package registers the commands of one capability on :data:`app`.
"""

from __future__ import annotations

import article2.cli.briefs  # noqa: F401  (registers brief)
from article2.cli import data  # noqa: F401  (registers build, sources, countries, run)
from article2.cli._app import app

__all__ = ["app", "main"]


def main() -> None:
    app()
