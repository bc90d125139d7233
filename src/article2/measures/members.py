"""Actor membership by year: who makes up the United States, Japan, China, the EU and the
alliance USA+JPN in each year, read from the ``actor_members`` table the build writes (rule:
:func:`article2.countries.actor_members`). :data:`ACTORS` is the one actor vocabulary;
:func:`slug` is the lower-case form used in URL names (``USA+JPN`` -> ``usajpn``).
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from article2.countries import ACTORS
from article2.measures import Measure
from article2.warehouse import Warehouse

__all__ = ["ACTORS", "ACTOR_NAMES", "MEMBERSHIP", "members", "members_of", "slug", "from_slug"]

ACTOR_NAMES: dict[str, str] = {
    "USA": "the United States",
    "JPN": "Japan",
    "CHN": "China",
    "EU": "the EU",
    "USA+JPN": "the United States and Japan",
}

MEMBERSHIP = Measure(
    name="actor_members",
    label="Actor membership by year",
    unit="member (iso3)",
    definition="The members of each actor in a year: the EU its member states of that year "
    "(joined in or before the year, left in or after it), USA+JPN the United States and Japan, "
    "the other actors themselves.",
    source_ids=("article2/countries",),
)


def slug(actor: str) -> str:
    """The URL form of an actor code: lower case, letters only (``USA+JPN`` -> ``usajpn``)."""
    if actor not in ACTORS:
        raise ValueError(f"unknown actor {actor!r}; allowed: {', '.join(ACTORS)}")
    return "".join(ch for ch in actor.lower() if ch.isalpha())


def from_slug(text: str) -> str:
    """The actor code of a URL form (inverse of :func:`slug`)."""
    for actor in ACTORS:
        if slug(actor) == text:
            return actor
    raise ValueError(f"unknown actor {text!r}; allowed: {', '.join(slug(a) for a in ACTORS)}")


def members(wh: Warehouse, years: Iterable[int] | None = None) -> pd.DataFrame:
    """Columns ``actor, year, iso3``: every actor's members in ``years`` (None: all years of
    the table)."""
    table = wh.cached(("members",), lambda: wh.sql(
        "SELECT actor, year, iso3 FROM actor_members ORDER BY actor, year, iso3"
    ).astype({"year": int}))  # fmt: skip
    if years is None:
        return table
    return table[table["year"].isin({int(y) for y in years})].reset_index(drop=True)


def members_of(wh: Warehouse, actor: str, year: int) -> tuple[str, ...]:
    """The ISO3 keys that make up ``actor`` in ``year`` (sorted)."""
    if actor not in ACTORS:
        raise ValueError(f"unknown actor {actor!r}; allowed: {', '.join(ACTORS)}")
    t = members(wh, [year])
    return tuple(sorted(t.loc[t["actor"] == actor, "iso3"]))
