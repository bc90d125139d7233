"""The ``article2`` command: a thin layer over the Python API.

Each module of this package registers the commands of one capability on :data:`app`. The
modules are imported only when one of their commands runs (or shows its help): ``article2
--help`` lists :data:`COMMANDS` without importing any of them, so the command starts as fast as
Typer itself. A module keeps its heavy imports (pandas, DuckDB, the API) inside its commands.
"""

from __future__ import annotations

import importlib
import sys

from article2.cli._app import COMMANDS, app

__all__ = ["COMMANDS", "app", "load_all", "main"]

def load_all() -> None:
    """Import every command module (all commands registered on :data:`app`)."""
    for module in dict.fromkeys(m for m, _ in COMMANDS.values()):
        importlib.import_module(f"article2.cli.{module}")


def _asks_help(argv: list[str]) -> bool:
    return not argv or "--help" in argv


def main() -> None:
    # help reads no setting: the environment is checked (pydantic) only when a command runs
    if not _asks_help(sys.argv[1:]):
        from article2 import config
        from article2.cli._app import fail

        try:  # a misspelt or malformed ARTICLE2_* variable stops every command, with its name
            config.check_environment()
        except config.SettingError as exc:
            raise SystemExit(fail(f"environment: {exc}", 2).exit_code) from None
    app()
