"""The one place where the web app reaches capabilities that may not be in this build.

Each function looks the capability up in :mod:`article2.api` *at call time* and raises
:class:`NotInBuild` when it is absent, so the dashboard says "not in this build" rather than
showing numbers it does not have. Wiring a capability in is a matter of adding its name to
:data:`CAPABILITIES` and (if its signature differs) adapting the call in :func:`call`.
"""

from __future__ import annotations

from typing import Any

from article2 import api

__all__ = ["CAPABILITIES", "NotInBuild", "available", "call", "status"]

#: capability -> what it gives the dashboard
CAPABILITIES: dict[str, str] = {
    "profile": "presence profile, alignment and coercion exposure of a country",
    "rank": "composite index and ranking with uncertainty bands",
    "architecture": "agreement architecture of a country",
    "recommendations": "recommendations for a country",
    "dependencies": "product-level dependencies of a country",
    "brief": "country brief as HTML and PDF",
}


class NotInBuild(LookupError):  # noqa: N818  (reads as a sentence: raise NotInBuild)
    """The capability is not part of this build of article2."""


def available(name: str) -> bool:
    """Whether :mod:`article2.api` offers capability ``name`` right now."""
    if name not in CAPABILITIES:
        raise ValueError(f"unknown capability {name!r}; allowed: {', '.join(CAPABILITIES)}")
    return callable(getattr(api, name, None))


def status() -> dict[str, bool]:
    """Capability -> available, for the pages and ``/api/capabilities``."""
    return {name: available(name) for name in CAPABILITIES}


def call(name: str, *args: Any, **kwargs: Any) -> Any:
    """Call ``article2.api.<name>(*args, **kwargs)``; :class:`NotInBuild` when it is absent."""
    if not available(name):
        raise NotInBuild(f"{name} ({CAPABILITIES[name]}) is not in this build of article2")
    return getattr(api, name)(*args, **kwargs)
