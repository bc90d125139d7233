"""Pure queries over the registry's tables: membership at a date, agreements between two
countries, the report's map classification for an actor, and trade coverage.

Every function takes tables (pandas DataFrames shaped like :class:`~article2.agreements.
registry.Registry`'s) and returns a table; none does I/O.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal, get_args

import pandas as pd

__all__ = [
    "ACTORS",
    "CLASSES",
    "Actor",
    "Source",
    "CLASSIFY_COLS",
    "agreements_between",
    "agreements_with",
    "agreements_with_each",
    "check_actor",
    "actor_states",
    "classify",
    "members_at",
    "trade_coverage",
]

Actor = Literal["USA", "JPN", "CHN", "EU"]
Source = Literal["curated", "desta"]
ACTORS: tuple[str, ...] = get_args(Actor)
#: the report's three classes (plus the actor itself)
CLASSES = ("actor", "agreement", "wto_member", "neither")
WTO_START = pd.Timestamp("1995-01-01")
CLASSIFY_COLS = ["iso3", "class", "agreements", "wto_basis", "agreement_source"]


def check_actor(actor: str) -> str:
    if actor not in ACTORS:
        raise ValueError(f"unknown actor {actor!r}; allowed: {', '.join(ACTORS)}")
    return actor


def _ts(at) -> pd.Timestamp:
    return pd.Timestamp(at if at is not None else dt.date.today())


def _active(members: pd.DataFrame, at: pd.Timestamp) -> pd.DataFrame:
    m = members
    return m[m.since.notna() & (m.since <= at) & (m.until.isna() | (m.until > at))]


def members_at(
    memberships: pd.DataFrame, agreement_id: str, at, *, sources: tuple[str, ...] = ("curated",)
) -> list[str]:
    """ISO3 codes of the members of ``agreement_id`` on date ``at`` (sorted)."""
    m = memberships[(memberships.agreement_id == agreement_id) & memberships.source.isin(sources)]
    return sorted(set(_active(m, _ts(at)).iso3))


def agreements_between(
    agreements: pd.DataFrame,
    memberships: pd.DataFrame,
    a: str,
    b: str,
    at,
    *,
    sources: tuple[str, ...] = ("curated", "desta"),
    rta_only: bool = False,
) -> pd.DataFrame:
    """Agreements in force on ``at`` of which both ``a`` and ``b`` are members."""
    act = _active(memberships[memberships.source.isin(sources)], _ts(at))
    both = set(act[act.iso3 == a].agreement_id) & set(act[act.iso3 == b].agreement_id)
    out = agreements[agreements.agreement_id.isin(both) & agreements.source.isin(sources)]
    if rta_only:
        out = out[out.rta]
    cols = ["agreement_id", "source", "title", "kind", "rta", "signature", "force"]
    return out[cols].sort_values(["source", "force", "agreement_id"], ignore_index=True)


def _partners(agreements, memberships, states: set[str], at: pd.Timestamp, sources) -> pd.DataFrame:
    """(iso3, agreement_id, source) rows: countries sharing an RTA in force with ``states``."""
    rta = agreements[agreements.rta & agreements.source.isin(sources)]
    act = _active(memberships[memberships.source.isin(sources)], at)
    act = act.merge(rta[["agreement_id", "source"]], on=["agreement_id", "source"])
    mine = set(act[act.iso3.isin(states)].agreement_id)
    mine.discard("EU")
    cols = ["iso3", "agreement_id", "source"]
    return act[act.agreement_id.isin(mine)][cols].drop_duplicates()


def agreements_with(
    agreements: pd.DataFrame,
    memberships: pd.DataFrame,
    iso3: str,
    states: set[str] | list[str] | tuple[str, ...],
    at,
    *,
    sources: tuple[str, ...] = ("curated",),
) -> list[str]:
    """Trade agreements (``rta``) in force on ``at`` to which ``iso3`` and at least one of
    ``states`` other than ``iso3`` are parties (sorted ids); the map's test for "agreement"."""
    found = agreements_with_each(agreements, memberships, iso3, {"": states}, at, sources=sources)
    return found[""]


def agreements_with_each(
    agreements: pd.DataFrame,
    memberships: pd.DataFrame,
    iso3: str,
    groups: dict[str, set[str] | list[str] | tuple[str, ...]],
    at,
    *,
    sources: tuple[str, ...] = ("curated",),
) -> dict[str, list[str]]:
    """:func:`agreements_with` for several groups of states at once (name -> states), from one
    pass over the memberships: the parties of the agreements ``iso3`` is party to, then which
    groups share each of them."""
    parties = _partners(agreements, memberships, {iso3}, _ts(at), sources)
    out = {}
    for name, states in groups.items():
        others = set(states) - {iso3}
        out[name] = sorted(set(parties[parties.iso3.isin(others)].agreement_id))
    return out


def actor_states(memberships: pd.DataFrame, actor: str, at) -> set[str]:
    """The states that make up the actor on ``at`` (the EU's member states for "EU")."""
    if actor == "EU":
        eu = memberships[(memberships.agreement_id == "EU") & (memberships.source == "curated")]
        return set(_active(eu, _ts(at)).iso3)
    return {actor}


def change_dates(memberships: pd.DataFrame) -> tuple[pd.Timestamp, ...]:
    """The sorted dates on which :func:`classify` can change for some actor: every membership's
    start and end, and the WTO's start. Between two consecutive dates (and after the last) the
    map of every actor is the same, so the map at any date is the map at the latest of these
    dates on or before it."""
    days = pd.concat([memberships.since, memberships.until]).dropna()
    return tuple(sorted({pd.Timestamp(d) for d in days} | {WTO_START}))


def classify(
    agreements: pd.DataFrame,
    memberships: pd.DataFrame,
    countries: list[str],
    actor: str,
    at,
    *,
    undated_wto: tuple[str, ...] = (),
    sources: tuple[str, ...] = ("curated",),
) -> pd.DataFrame:
    """The report's map: every country as "agreement" (a trade agreement in force with the
    actor), "wto_member" (WTO member without one), "neither", or "actor" (the actor itself).

    ``undated_wto``: WTO members whose accession date is not recorded; they count as members
    from 1995 and are marked ``wto_basis = "undated"``. ``sources``: which agreements count
    ("curated", and "desta" for DESTA-only agreements after :func:`~article2.agreements.merge.
    merge`). Returns :data:`CLASSIFY_COLS`: iso3, class, agreements, wto_basis,
    agreement_source ("curated", "desta" or "curated+desta": where the agreements come from).
    """
    check_actor(actor)
    at = _ts(at)
    own = actor_states(memberships, actor, at)
    pairs = _partners(agreements, memberships, own, at, sources)
    pairs = pairs[~pairs.iso3.isin(own)]
    by_country = pairs.groupby("iso3").agreement_id.agg(lambda s: ", ".join(sorted(set(s))))
    basis = pairs.groupby("iso3").source.agg(lambda s: "+".join(sorted(set(s))))
    wto = memberships[(memberships.agreement_id == "WTO") & (memberships.source == "curated")]
    wto_dated = set(_active(wto, at).iso3)
    wto_undated = set(undated_wto) if at >= WTO_START else set()
    rows = []
    for iso3 in countries:
        if iso3 in own:
            cls = "actor"
        elif iso3 in by_country.index:
            cls = "agreement"
        elif iso3 in wto_dated or iso3 in wto_undated:
            cls = "wto_member"
        else:
            cls = "neither"
        wto_basis = (
            "accession date" if iso3 in wto_dated else ("undated" if iso3 in wto_undated else None)
        )
        rows.append(
            {
                "iso3": iso3,
                "class": cls,
                "agreements": by_country.get(iso3, ""),
                "wto_basis": wto_basis,
                "agreement_source": basis.get(iso3, ""),
            }
        )
    return pd.DataFrame(rows, columns=CLASSIFY_COLS)


def trade_coverage(
    trade: pd.DataFrame, classification: pd.DataFrame, actor_members: set[str]
) -> pd.DataFrame:
    """Share of each country's trade that is with the actor, and whether it is covered.

    trade: iso3_o, iso3_d, value (exports from o to d, one year, one source).
    classification: the output of :func:`classify` for the same actor and a date in that year.
    Returns iso3, trade_total (exports + imports), trade_with_actor, share_with_actor,
    covered (an agreement with the actor is in force), covered_share (share_with_actor if
    covered, else 0).
    """
    t = trade[trade.iso3_o != trade.iso3_d]
    exports = t.rename(columns={"iso3_o": "iso3", "iso3_d": "partner"})[
        ["iso3", "partner", "value"]
    ]
    imports = t.rename(columns={"iso3_d": "iso3", "iso3_o": "partner"})[
        ["iso3", "partner", "value"]
    ]
    both = pd.concat([exports, imports], ignore_index=True)
    total = both.groupby("iso3").value.sum()
    with_actor = both[both.partner.isin(actor_members)].groupby("iso3").value.sum()
    out = pd.DataFrame({"trade_total": total}).join(with_actor.rename("trade_with_actor"))
    out["trade_with_actor"] = out.trade_with_actor.fillna(0.0)
    out = out.reset_index()
    cls = classification.set_index("iso3")["class"]
    out["covered"] = out.iso3.map(cls).eq("agreement")
    out["share_with_actor"] = (out.trade_with_actor / out.trade_total).where(out.trade_total > 0)
    out["covered_share"] = out.share_with_actor.where(out.covered, 0.0)
    out = out[~out.iso3.isin(actor_members)]
    cols = [
        "iso3",
        "trade_total",
        "trade_with_actor",
        "share_with_actor",
        "covered",
        "covered_share",
    ]
    return out[cols].sort_values("iso3", ignore_index=True)
