"""The one place where the web app reaches capabilities that may not be in this build.

Each function looks the capability up in :mod:`article2.api` *at call time* and raises
:class:`NotInBuild` when it is absent, so the dashboard says "not in this build" rather than
showing numbers it does not have. Wiring a capability in is a matter of adding its name to
:data:`CAPABILITIES` and (if its signature differs) adapting the call in :func:`call`.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from article2 import api

__all__ = ["CAPABILITIES", "NotInBuild", "available", "call", "missing_inputs", "status"]

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


#: capability -> the ``article2.api`` function that provides it
API_NAMES: dict[str, str] = {"recommendations": "recs"}


def _api_function(name: str) -> Any:
    if name == "brief":  # briefs sit above the Python API: they are not part of it
        try:
            from article2 import briefs
        except ImportError:
            return None
        return briefs.brief
    return getattr(api, API_NAMES.get(name, name), None)


def available(name: str) -> bool:
    """Whether :mod:`article2.api` offers capability ``name`` right now."""
    if name not in CAPABILITIES:
        raise ValueError(f"unknown capability {name!r}; allowed: {', '.join(CAPABILITIES)}")
    return callable(_api_function(name))


def status() -> dict[str, bool]:
    """Capability -> available, for the pages and ``/api/capabilities``."""
    return {name: available(name) for name in CAPABILITIES}


def _per_country(name: str, fn: Any, iso3: str) -> Any:
    """Adapt each capability's API to "the result for one country"."""
    if name == "profile":
        return fn(iso3).to_dict()
    if name == "recommendations":
        frame = _all_recs(dt.date.today())
        # the same selection as article2.api.recs(country=iso3), without reading every record
        # file again for each country page
        hit = frame["countries"].str.split(",").apply(lambda c: iso3 in c)
        return frame[hit].reset_index(drop=True)
    if name == "architecture":
        return api.country_architecture(iso3)
    if name == "dependencies":
        from article2.sources.baci import NoProductDataError

        try:
            return fn(iso3)
        except NoProductDataError as exc:
            raise NotInBuild(str(exc)) from exc
    return fn(iso3)


@functools.lru_cache(maxsize=2)
def _all_recs(day: dt.date) -> Any:
    """Every recommendation with its status on ``day`` (:func:`article2.api.recs`): the record
    files are read once a day, not once per country page."""
    return api.recs(at=day)


def _brief_bytes(iso3: str, fmt: str) -> bytes:
    """A country's brief rendered as HTML or PDF (PDF needs Chromium)."""
    import tempfile
    from pathlib import Path

    from article2.briefs.render import chromium

    if fmt == "pdf" and not chromium():
        raise NotInBuild("PDF briefs need Chromium, which is not installed here")
    with tempfile.TemporaryDirectory() as tmp:
        from article2 import briefs

        return Path(briefs.write_brief(briefs.brief(iso3), Path(tmp), fmt)).read_bytes()


def call(name: str, *args: Any, **kwargs: Any) -> Any:
    """Call the capability; :class:`NotInBuild` when it is absent (or has no data loaded).

    With one positional ISO3 argument and no options, the capability's result for that
    country is returned in the shape the dashboard renders (table, dict or dataclass).
    """
    if not available(name):
        raise NotInBuild(f"{name} ({CAPABILITIES[name]}) is not in this build of article2")
    fn = _api_function(name)
    if name == "brief" and len(args) == 1:
        return _brief_bytes(args[0], kwargs.get("format", "html"))
    if len(args) == 1 and not kwargs and name not in ("rank", "brief"):
        return _per_country(name, fn, args[0])
    return fn(*args, **kwargs)


def missing_inputs(iso3s: list[str], indicators: list[dict]) -> dict[str, list[str]]:
    """For each candidate in ``iso3s``, the ranking's indicators (``indicators``: the
    ``attrs["indicators"]`` of :func:`article2.api.rank`, each with ``indicator`` and ``source``)
    that have no value for it: why a country is not scored. Read from the selection's own inputs
    (:func:`article2.index.inputs.selection_inputs`) in the ranking's trade year."""
    if not iso3s:
        return {}
    from article2.index import inputs

    long = inputs.selection_inputs(iso3s, inputs.default_year())
    have = set(zip(long["iso3"], long["indicator"], strict=True))
    return {k: [i["indicator"] for i in indicators if (k, i["source"]) not in have]
            for k in iso3s}  # fmt: skip
