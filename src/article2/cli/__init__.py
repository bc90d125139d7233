"""The ``article2`` command: a thin layer over the Python API.

Each module of this package registers the commands of one capability on :data:`app`.
"""

from __future__ import annotations

from article2.cli import (
    architecture,  # noqa: F401  (registers agreements, architecture, recs)
    briefs,  # noqa: F401  (registers brief)
    data,  # noqa: F401  (registers build, sources, countries, run)
    fetch,  # noqa: F401  (registers fetch)
    index,  # noqa: F401  (registers index, rank, index-config)
    measures,  # noqa: F401  (registers measure)
    products,  # noqa: F401  (registers load-baci, generate-baci, dependencies)
    profile,  # noqa: F401  (registers profile, compare)
    scenario,  # noqa: F401  (registers scenario run, scenario show)
    web,  # noqa: F401  (registers serve)
)
from article2.cli._app import app

__all__ = ["app", "main"]


def main() -> None:
    from article2 import config
    from article2.cli._app import fail

    try:  # a misspelt or malformed ARTICLE2_* variable stops every command, with its name
        config.check_environment()
    except config.SettingError as exc:
        raise SystemExit(fail(f"environment: {exc}", 2).exit_code) from None
    app()
