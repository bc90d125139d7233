"""Adapters to capabilities that other parts of article2 provide, checked at call time.

A brief has sections whose numbers come from capabilities with their own public API
(``article2.api.profile``, ``rank``, ``architecture``, ``recommendations``,
``dependencies``). This module is the one place that knows about them: each adapter looks the
function up when it is called and returns a :class:`Section`; when the function is not part of
this build or fails, the section is left out (``available`` False, logged) rather than
inventing numbers. Wiring a capability
in is a matter of adjusting its adapter here.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import pandas as pd

__all__ = ["CAPABILITIES", "Section", "capability_sections"]


@dataclass(frozen=True)
class Section:
    """A capability's contribution to a brief.

    Attributes:
        key: the capability (``"profile"``, ``"rank"``, ...).
        title: section heading.
        available: whether the capability's API was found.
        text: one paragraph (what the capability says, or what is not available).
        table: rows to print (already formatted as strings), possibly empty.
    """

    key: str
    title: str
    available: bool
    text: str
    table: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)


#: capability -> (title, api function name, what it would show)
CAPABILITIES: dict[str, tuple[str, str, str]] = {
    "dependencies": (
        "Product-level dependencies",
        "dependencies",
        "Products whose imports are concentrated on few suppliers, China's share of them and "
        "whether the allies could supply them instead.",
    ),
    "architecture": (
        "Place in the trade architecture",
        "architecture",
        "Each actor's class on the report's map: a trade agreement in force with it, no "
        "agreement but both WTO members, or neither.",
    ),
    "rank": (
        "Rank and its uncertainty",
        "rank",
        "Where the country ranks among the candidate countries on the case-selection index, "
        "with the band of ranks over random draws of the index's choices.",
    ),
    "recommendations": (
        "Recommendations concerning the country",
        "recs",
        "Recommendations to the United States, Japan or both that name the country, with their "
        "status.",
    ),
}

log = logging.getLogger(__name__)

_MAX_ROWS = 12


def _as_table(result) -> pd.DataFrame:
    if isinstance(result, pd.DataFrame):
        frame = result
    elif hasattr(result, "__dataclass_fields__"):
        frame = pd.DataFrame(
            [{"field": k, "value": getattr(result, k)} for k in result.__dataclass_fields__]
        )
    else:
        frame = pd.DataFrame({"value": [result]})
    return frame.head(_MAX_ROWS).astype(str)


def _call(name: str, iso3: str, year: int):
    """Each capability's API, asked for "this country in this year"."""
    import article2.api as api

    fn = getattr(api, name)
    if name == "profile":
        frame = fn(iso3, year=year).to_frame()
        frame = frame[frame["section"] == "alignment"]
        return frame[["actor", "channel", "value", "unit", "year"]].round(4)
    if name == "recs":
        return fn(country=iso3)[["id", "actor", "theme", "status", "paraphrase"]]
    if name == "architecture":
        return api.country_architecture(iso3, f"{year}-12-31")[["actor", "class", "agreements"]]
    if name == "dependencies":
        from article2.sources.baci import NoProductDataError

        try:
            return fn(iso3, year=year)
        except NoProductDataError:
            return pd.DataFrame()
    if name == "rank":
        return _rank_rows(fn, iso3, year)
    return fn(iso3)


def _rank_rows(fn, iso3: str, year: int) -> pd.DataFrame:
    """The country's case-selection rank, its 5th-95th percentile band and each criterion's
    contribution (points above or below the average candidate)."""
    try:
        frame = fn(iso3, year=year)
    except ValueError as exc:
        return pd.DataFrame({"note": [str(exc).split("; candidates:")[0]]})
    r = frame.iloc[0]
    n = frame.attrs.get("candidates", "")
    rows = [
        ("rank", f"{int(r['rank'])} of {n} candidates"),
        ("5th-95th percentile rank", f"{r['rank_p05']:.0f}-{r['rank_p95']:.0f} "
                                     f"(median {r['median_rank']:.0f}, {frame.attrs['draws']} draws)"),
        ("score (0-100)", f"{r['score']:.1f}"),
        ("choice that moves the rank most", str(r["most_influential"])),
    ]  # fmt: skip
    rows += [
        (f"contribution: {c.criterion}", f"{c.contribution:+.1f} points (criterion score "
                                         f"{c.criterion_score:.1f})")
        for c in frame.itertuples()
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=["measure", "value"])


def capability_sections(iso3: str, year: int) -> tuple[Section, ...]:
    """One :class:`Section` per capability, filled from its API when this build has it."""
    import article2.api as api

    out = []
    for key, (title, name, what) in CAPABILITIES.items():
        if not hasattr(api, name):
            out.append(Section(key, title, False, ""))
            continue
        try:
            table = _as_table(_call(name, iso3, year))
        except Exception as exc:  # a capability failing must not fail the brief
            log.warning("brief section %r could not be produced: %s", key, exc)
            out.append(Section(key, title, False, ""))
            continue
        out.append(Section(key, title, True, what, table))
    return tuple(out)
