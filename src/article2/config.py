"""Settings, declared in one place.

Every setting has a name, the environment variable that overrides it, a default and help text.
Only this module (and :mod:`article2.paths`, which resolves the path settings) reads the
environment; everything else asks these functions.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

__all__ = ["SETTINGS", "Setting", "get"]


@dataclass(frozen=True)
class Setting:
    """One user-facing setting.

    Attributes:
        name: key used in code and docs.
        env: environment variable that overrides the default.
        default: value used when the variable is unset (None: computed by :mod:`article2.paths`).
        help: one-line description shown in docs and ``article2 --help``.
    """

    name: str
    env: str
    default: str | None
    help: str


SETTINGS: dict[str, Setting] = {
    s.name: s
    for s in (
        Setting(
            "home",
            "ARTICLE2_HOME",
            None,
            "Data home: raw downloads, the warehouse and outputs "
            "(default: the platform's user data directory, via platformdirs).",
        ),
        Setting(
            "snapshot",
            "ARTICLE2_SNAPSHOT",
            None,
            "Snapshot folder laid out like ../shared/data with its MANIFEST.json "
            "(default: ../shared/data when it exists).",
        ),
    )
}


def get(name: str) -> str | None:
    """Value of setting ``name`` from the environment, or its default."""
    if name not in SETTINGS:
        raise KeyError(f"unknown setting {name!r}; known: {', '.join(sorted(SETTINGS))}")
    s = SETTINGS[name]
    value = os.environ.get(s.env)
    return value if value not in (None, "") else s.default
