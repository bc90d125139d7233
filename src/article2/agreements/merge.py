"""Curated records and DESTA-only agreements together, the curated record winning on conflict.

A DESTA agreement is *covered* when a curated record names it (``desta_id``) or a curated ruling
says it is the same agreement (``same_as``); it is *ruled out* when a ruling says it was
superseded or is not a trade agreement in the map's sense. Every other DESTA agreement is
*DESTA-only* and counts as it stands in DESTA (entry into force by year, ``source`` "desta").
Each covered or ruled-out DESTA agreement is logged, never dropped silently.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

__all__ = ["Merged", "merge"]


@dataclass(frozen=True)
class Merged:
    """The registry the map and the profiles read.

    agreements: curated agreements plus DESTA-only ones (registry columns).
    memberships: their member spells (registry columns).
    log: one row per DESTA agreement set aside or changed: desta_id, action ("covered" by a
        curated record, "superseded", "not_fta", "ends DATE", "members dropped: ...",
        "eu_accession"), curated_id, reason.
    """

    agreements: pd.DataFrame
    memberships: pd.DataFrame
    log: pd.DataFrame


def _eu_joins(memberships: pd.DataFrame) -> pd.Series:
    eu = memberships[(memberships.agreement_id == "EU") & (memberships.source == "curated")]
    return eu.groupby("iso3").since.min()


def _eu_wide(members: set[str], force, eu: pd.DataFrame) -> bool:
    """True when every EU member state on ``force`` is a member: an agreement of the EU."""
    if pd.isna(force):
        return False
    live = eu[(eu.since <= force) & (eu.until.isna() | (eu.until > force))]
    return bool(len(live)) and set(live.iso3) <= members


def merge(
    agreements: pd.DataFrame,
    memberships: pd.DataFrame,
    overrides: pd.DataFrame,
    *,
    keep_not_fta: bool = False,
) -> Merged:
    """Keep every curated agreement and the DESTA agreements no curated fact covers or rules out.

    ``agreements``/``memberships``: the registry's tables (both sources); ``overrides``: the
    curated rulings (``desta_id``, ``action``, ``curated_id``, ``reason``, ``end``,
    ``drop_members``). Rules, in order, each logged:

    1. ``covered`` — named by a curated record (``desta_id``) or ruled ``same_as``: dropped.
    2. ``not_fta`` — dropped (``keep_not_fta``: kept with ``rta`` False, for listings of every
       agreement in force, e.g. the 2000 U.S.–Viet Nam trade agreement, which is not a free
       trade agreement); ``superseded`` without ``end`` — dropped; with ``end`` — its member
       spells end then.
    3. ``members`` — the stray member rows listed are dropped.
    4. ``eu_accession`` — in a DESTA-only agreement that is not an agreement of the EU (not every
       EU member state of its entry-into-force date is a party), a state's membership ends when it
       joins the EU (acceding states withdraw from their own trade agreements with third
       countries; e.g. Romania's GSTP membership, the EFTA agreements of Austria, Finland and
       Sweden).
    """
    cur = agreements[agreements.source == "curated"]
    des = agreements[agreements.source == "desta"]
    des_ids = set(des.agreement_id)
    rows = [
        {
            "desta_id": r.desta_id,
            "action": "covered",
            "curated_id": r.agreement_id,
            "reason": "named by the curated record",
        }  # fmt: skip
        for r in cur[cur.desta_id.notna()].itertuples(index=False)
        if r.desta_id in des_ids
    ]
    mem = memberships.copy()
    is_d = mem.source == "desta"
    for r in overrides.itertuples(index=False):
        if r.desta_id not in des_ids:
            continue
        action = "covered" if r.action == "same_as" else r.action
        if r.action == "superseded" and not pd.isna(r.end):
            sel = is_d & (mem.agreement_id == r.desta_id)
            mem.loc[sel, "until"] = mem.loc[sel, "until"].where(
                mem.loc[sel, "until"].notna() & (mem.loc[sel, "until"] < r.end), r.end
            )
            action = f"ends {pd.Timestamp(r.end).date()}"
        elif r.action == "members":
            mem = mem[~(is_d & (mem.agreement_id == r.desta_id) & mem.iso3.isin(r.drop_members))]
            is_d = mem.source == "desta"
            action = "members dropped: " + ", ".join(r.drop_members)
        rows.append({"desta_id": r.desta_id, "action": action, "curated_id": r.curated_id,
                     "reason": r.reason})  # fmt: skip
    gone = ("covered", "superseded") if keep_not_fta else ("covered", "not_fta", "superseded")
    out = {x["desta_id"] for x in rows if x["action"] in gone}
    not_fta = {x["desta_id"] for x in rows if x["action"] == "not_fta"}
    # rule 4: EU accession ends member states' own agreements
    eu = mem[(mem.agreement_id == "EU") & (mem.source == "curated")]
    joins = _eu_joins(mem)
    force = des.set_index("agreement_id").force
    d = mem[(mem.source == "desta") & ~mem.agreement_id.isin(out)]
    for aid, grp in d[d.iso3.isin(joins.index)].groupby("agreement_id"):
        if _eu_wide(set(d[d.agreement_id == aid].iso3), force.get(aid), eu):
            continue
        cut = []
        for idx, r in grp.iterrows():
            j = joins[r.iso3]
            if pd.isna(r.until) or r.until > j:
                mem.loc[idx, "until"] = j
                cut.append(r.iso3)
        if cut:
            rows.append({"desta_id": aid, "action": "eu_accession", "curated_id": None,
                         "reason": "membership ends on joining the EU: " + ", ".join(sorted(cut))})  # fmt: skip
    mem = mem[mem.until.isna() | (mem.until > mem.since)]
    log = pd.DataFrame(rows, columns=["desta_id", "action", "curated_id", "reason"])
    keep_a = (agreements.source == "curated") | ~agreements.agreement_id.isin(out)
    keep_m = (mem.source == "curated") | ~mem.agreement_id.isin(out)
    agr = agreements[keep_a].reset_index(drop=True)
    if keep_not_fta:
        ruled = (agr.source == "desta") & agr.agreement_id.isin(not_fta)
        agr["rta"] = agr.rta & ~ruled
        agr.loc[ruled, "kind"] = agr.loc[ruled, "kind"] + "; ruled not_fta"
    return Merged(
        agreements=agr,
        memberships=mem[keep_m].reset_index(drop=True),
        log=log.sort_values(["action", "desta_id"], ignore_index=True),
    )
