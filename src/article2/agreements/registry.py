"""The agreement registry: the curated, committed facts joined with the cleaned DESTA catalogue.

Two layers, kept apart and labelled by ``source``:

- ``curated`` — the YAML files in ``agreements/curated/`` (WTO membership, APEC, ASEAN, RCEP,
  CPTPP, IPEF, USMCA, KORUS and the U.S. FTAs, Japan's EPAs, China's FTAs, the EU and some of its
  FTAs, the Quad, G7, G20). Every agreement carries a citation (issuing body, document, URL) and
  the date it was checked. These are the basis of the report's map.
- ``desta`` — DESTA (via manytrade) from the warehouse, cleaned by :func:`clean_desta` with a
  logged rule per dropped or flagged record. GPTAD and HUGGO stay available in the warehouse
  tables; the registry reads DESTA, the catalogue the caveats and conflicts refer to.

Dates with year precision (``1989`` in a YAML file, DESTA's ``YYYY-01-01``) count from 1 January
of that year; the ``precision`` column says which facts are year-only.
"""

from __future__ import annotations

import datetime as dt
import importlib.resources
from dataclasses import dataclass

import pandas as pd
import yaml

__all__ = [
    "CHECKED",
    "CuratedFactError",
    "CleanDesta",
    "Curated",
    "Registry",
    "clean_desta",
    "load_curated",
    "load_registry",
    "map_registry",
]

#: the date on which the curated facts were last checked against their citations
CHECKED = dt.date(2026, 11, 23)
#: DESTA's placeholder year in manyIDs of agreements that were never signed (under negotiation)
PLACEHOLDER_YEAR = "5241"

AGREEMENT_COLS = [
    "agreement_id", "source", "title", "kind", "rta", "signature", "force", "end", "desta_id",
    "citation_body", "citation_document", "citation_url", "checked", "file", "provisional",
]  # fmt: skip
GAP_COLS = ["file", "agreement_id", "iso3", "kind", "what"]
MEMBER_SOURCE_COLS = ["agreement_id", "iso3", "confidence", "checked", "confirmed_by", "note"]
OVERRIDE_COLS = [
    "desta_id", "action", "curated_id", "reason", "citation", "checked", "file", "end",
    "drop_members",
]  # fmt: skip
#: what a curated file may say about a DESTA record the curated registry does not link
OVERRIDE_ACTIONS = ("superseded", "not_fta", "same_as", "members")
CONFIDENCE = ("confirmed", "unconfirmed")
MEMBER_COLS = ["agreement_id", "source", "iso3", "since", "precision", "until", "via"]


class CuratedFactError(ValueError):
    """A curated YAML file has a missing or malformed field (message names file, record, field)."""


@dataclass(frozen=True)
class Curated:
    """The curated registry.

    agreements: one row per agreement (columns :data:`AGREEMENT_COLS`).
    memberships: one row per member spell (columns :data:`MEMBER_COLS`); ``via`` is "EU" for
        member states covered through the EU's agreements.
    gaps: facts known to be missing or not confirmed (columns :data:`GAP_COLS`; ``kind`` is
        "undated" for a member without a date, "unconfirmed" for a date not confirmed against a
        stored copy of its source).
    signatories: agreement_id, iso3 for agreements signed by states that are not (yet) parties.
    member_sources: how member dates were confirmed (columns :data:`MEMBER_SOURCE_COLS`).
    desta_overrides: DESTA records the curated registry rules on (columns :data:`OVERRIDE_COLS`):
        ``superseded`` (replaced by ``curated_id`` or ended: not in force from ``end``, never
        when ``end`` is empty), ``not_fta`` (not a trade agreement in the map's sense),
        ``same_as`` (the same agreement as ``curated_id``) or ``members`` (stray member rows
        ``drop_members`` removed).
    """

    agreements: pd.DataFrame
    memberships: pd.DataFrame
    gaps: pd.DataFrame
    signatories: pd.DataFrame
    member_sources: pd.DataFrame
    desta_overrides: pd.DataFrame


@dataclass(frozen=True)
class CleanDesta:
    """DESTA after cleaning.

    agreements: kept agreements (warehouse columns; ``agreement_id`` normalised to the part
        before ``:``).
    memberships: member spells (columns :data:`MEMBER_COLS`, source "desta"): ``since`` is the
        earliest force date listed for the state, else the agreement's.
    log: one row per rule applied: agreement_id, rule, action (dropped / flagged), detail.
    """

    agreements: pd.DataFrame
    memberships: pd.DataFrame
    log: pd.DataFrame


@dataclass(frozen=True)
class Registry:
    """Curated and DESTA agreements and memberships together (``source`` tells them apart)."""

    agreements: pd.DataFrame
    memberships: pd.DataFrame
    cleaning: pd.DataFrame
    gaps: pd.DataFrame
    signatories: pd.DataFrame
    member_sources: pd.DataFrame
    desta_overrides: pd.DataFrame


def _date(value, where: str) -> tuple[pd.Timestamp, str]:
    if isinstance(value, dt.datetime):
        return pd.Timestamp(value.date()), "day"
    if isinstance(value, dt.date):
        return pd.Timestamp(value), "day"
    if isinstance(value, int) and 1800 < value < 2100:
        return pd.Timestamp(dt.date(value, 1, 1)), "year"
    raise CuratedFactError(f"{where}: not a date (YYYY-MM-DD or YYYY): {value!r}")


def _opt_date(value, where: str):
    return pd.NaT if value is None else _date(value, where)[0]


def _parse_overrides(name: str, records) -> list[dict]:
    out = []
    for i, rec in enumerate(records or []):
        where = f"{name}: desta_overrides #{i + 1} ({rec.get('desta_id', '?')})"
        for field in ("desta_id", "action", "reason", "citation", "checked"):
            if field not in rec:
                raise CuratedFactError(f"{where}: missing field {field!r}")
        if rec["action"] not in OVERRIDE_ACTIONS:
            raise CuratedFactError(
                f"{where}: field 'action' is {rec['action']!r}; allowed: {', '.join(OVERRIDE_ACTIONS)}"
            )
        if rec["action"] in ("same_as",) and not rec.get("curated_id"):
            raise CuratedFactError(f"{where}: action 'same_as' needs field 'curated_id'")
        cit = rec["citation"]
        if not isinstance(cit, dict) or not cit.get("body"):
            raise CuratedFactError(f"{where}: field 'citation' needs body and document or url")
        text = "; ".join(str(cit[k]) for k in ("body", "document", "url") if cit.get(k))
        out.append(
            {
                "desta_id": rec["desta_id"],
                "action": rec["action"],
                "curated_id": rec.get("curated_id"),
                "reason": rec["reason"],
                "citation": text,
                "checked": _date(rec["checked"], f"{where}: field 'checked'")[0],
                "file": name,
                "end": _opt_date(rec.get("end"), f"{where}: field 'end'"),
                "drop_members": tuple(rec.get("drop_members") or ()),
            }
        )
    return out


def _parse_member_sources(name: str, aid: str, records, dated: set[str]) -> tuple[list, list]:
    sources, gaps = [], []
    for iso3, rec in (records or {}).items():
        where = f"{name}: agreement {aid}: member_sources {iso3}"
        if iso3 not in dated:
            raise CuratedFactError(f"{where}: not among the agreement's dated members")
        conf = (rec or {}).get("confidence")
        if conf not in CONFIDENCE:
            raise CuratedFactError(
                f"{where}: field 'confidence' is {conf!r}; allowed: {', '.join(CONFIDENCE)}"
            )
        urls = rec.get("confirmed_by") or []
        if conf == "confirmed" and not urls:
            raise CuratedFactError(f"{where}: 'confirmed' needs field 'confirmed_by'")
        if conf == "unconfirmed" and not rec.get("note"):
            raise CuratedFactError(f"{where}: 'unconfirmed' needs field 'note'")
        sources.append(
            {
                "agreement_id": aid,
                "iso3": iso3,
                "confidence": conf,
                "checked": _date(rec.get("checked"), f"{where}: field 'checked'")[0],
                "confirmed_by": ", ".join(urls),
                "note": rec.get("note") or "",
            }
        )
        if conf == "unconfirmed":
            gaps.append(
                {
                    "file": name,
                    "agreement_id": aid,
                    "iso3": iso3,
                    "kind": "unconfirmed",
                    "what": f"date entered, not confirmed against a stored source: {rec['note']}",
                }
            )
    return sources, gaps


def _parse_file(name: str, text: str) -> dict[str, list[dict]]:
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise CuratedFactError(f"{name}: not valid YAML: {exc}") from exc
    if "agreements" not in data:
        raise CuratedFactError(f"{name}: no 'agreements' list")
    agreements, members, gaps, signatories, msources = [], [], [], [], []
    for i, rec in enumerate(data["agreements"]):
        where = f"{name}: agreement #{i + 1} ({rec.get('id', '?')})"
        for field in ("id", "title", "kind", "rta", "citation", "checked"):
            if field not in rec:
                raise CuratedFactError(f"{where}: missing field {field!r}")
        cit = rec["citation"]
        if (
            not isinstance(cit, dict)
            or not cit.get("body")
            or not (cit.get("document") or cit.get("url"))
        ):
            raise CuratedFactError(f"{where}: field 'citation' needs body and document or url")
        checked, _ = _date(rec["checked"], f"{where}: field 'checked'")
        aid = rec["id"]
        force = _opt_date(rec.get("force"), f"{where}: field 'force'")
        end = _opt_date(rec.get("end"), f"{where}: field 'end'")
        # provisional application: the agreement applies (and counts on the map) from this date
        provisional = _opt_date(rec.get("provisional"), f"{where}: field 'provisional'")
        applies = provisional if provisional is not pd.NaT else force
        agreements.append(
            {
                "agreement_id": aid,
                "source": "curated",
                "title": rec["title"],
                "kind": rec["kind"],
                "rta": bool(rec["rta"]),
                "signature": _opt_date(rec.get("signature"), f"{where}: field 'signature'"),
                "force": force,
                "end": end,
                "desta_id": rec.get("desta_id"),
                "citation_body": cit["body"],
                "citation_document": cit.get("document"),
                "citation_url": cit.get("url"),
                "checked": checked,
                "file": name,
                "provisional": provisional,
            }
        )
        ends = rec.get("ends") or {}
        for iso3, when in (rec.get("members") or {}).items():
            since, precision = _date(when, f"{where}: member {iso3}")
            until = _opt_date(ends.get(iso3), f"{where}: end of {iso3}")
            members.append(
                {
                    "agreement_id": aid,
                    "source": "curated",
                    "iso3": iso3,
                    "since": since,
                    "precision": precision,
                    "until": until if until is not pd.NaT else end,
                    "via": None,
                }  # fmt: skip
            )
        with_eu = rec.get("parties_with_eu") or []
        if not isinstance(with_eu, dict):  # one date for every party: provisional or force
            if with_eu and applies is pd.NaT:
                raise CuratedFactError(
                    f"{where}: 'parties_with_eu' needs field 'force' or 'provisional'"
                )
            with_eu = dict.fromkeys(with_eu)
        for iso3, when in with_eu.items():
            start = applies if when is None else _date(when, f"{where}: party {iso3}")[0]
            members.append(
                {
                    "agreement_id": aid,
                    "source": "curated",
                    "iso3": iso3,
                    "since": start,
                    "precision": "day",
                    "until": end,
                    "via": None,
                }  # fmt: skip
            )
            members.append(
                {
                    "agreement_id": aid,
                    "source": "curated",
                    "iso3": "EU",
                    "since": start,
                    "precision": "day",
                    "until": end,
                    "via": "EU",
                }  # fmt: skip
            )
        for iso3 in rec.get("undated_members") or []:
            gaps.append(
                {
                    "file": name,
                    "agreement_id": aid,
                    "iso3": iso3,
                    "kind": "undated",
                    "what": "member at the date checked; accession date not entered",
                }  # fmt: skip
            )
        for iso3 in rec.get("signatories") or []:
            signatories.append({"agreement_id": aid, "iso3": iso3})
        s, g = _parse_member_sources(
            name, aid, rec.get("member_sources"), set(rec.get("members") or {})
        )
        msources += s
        gaps += g
    return {
        "agreements": agreements,
        "members": members,
        "gaps": gaps,
        "signatories": signatories,
        "member_sources": msources,
        "overrides": _parse_overrides(name, data.get("desta_overrides")),
    }


def _expand_eu(members: pd.DataFrame) -> pd.DataFrame:
    """Replace the pseudo-member ``EU`` by the EU's member states over their membership spells."""
    eu = members[(members.agreement_id == "EU") & (members.via.isna())]
    via = members[members.iso3 == "EU"]
    rows = []
    for r in via.itertuples(index=False):
        for s in eu.itertuples(index=False):
            since = max(r.since, s.since)
            ends = [d for d in (r.until, s.until) if d is not pd.NaT and not pd.isna(d)]
            until = min(ends) if ends else pd.NaT
            if until is not pd.NaT and until <= since:
                continue
            rows.append(
                {
                    "agreement_id": r.agreement_id,
                    "source": "curated",
                    "iso3": s.iso3,
                    "since": since,
                    "precision": "day",
                    "until": until,
                    "via": "EU",
                }  # fmt: skip
            )
    keep = members[members.iso3 != "EU"]
    return pd.concat([keep, pd.DataFrame(rows, columns=MEMBER_COLS)], ignore_index=True)


def load_curated() -> Curated:
    """Read and validate every ``agreements/curated/*.yaml`` file (committed with the package)."""
    folder = importlib.resources.files("article2.agreements") / "curated"
    parts: dict[str, list[dict]] = {}
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if not entry.name.endswith(".yaml"):
            continue
        for key, rows in _parse_file(entry.name, entry.read_text(encoding="utf-8")).items():
            parts.setdefault(key, []).extend(rows)
    agreements, members = parts.get("agreements", []), parts.get("members", [])
    agr = pd.DataFrame(agreements, columns=AGREEMENT_COLS)
    dup = agr.agreement_id[agr.agreement_id.duplicated()]
    if len(dup):
        raise CuratedFactError(f"curated agreement ids used twice: {sorted(set(dup))}")
    overrides = pd.DataFrame(parts.get("overrides", []), columns=OVERRIDE_COLS)
    unknown = set(overrides.curated_id.dropna()) - set(agr.agreement_id)
    if unknown:
        raise CuratedFactError(f"desta_overrides name unknown curated ids: {sorted(unknown)}")
    dup = overrides.desta_id[overrides.desta_id.duplicated()]
    if len(dup):
        raise CuratedFactError(f"desta_overrides list a DESTA id twice: {sorted(set(dup))}")
    mem = _expand_eu(pd.DataFrame(members, columns=MEMBER_COLS))
    for col in ("since", "until"):
        mem[col] = pd.to_datetime(mem[col])
    return Curated(
        agreements=agr,
        memberships=mem.sort_values(["agreement_id", "iso3", "since"], ignore_index=True),
        gaps=pd.DataFrame(parts.get("gaps", []), columns=GAP_COLS),
        signatories=pd.DataFrame(parts.get("signatories", []), columns=["agreement_id", "iso3"]),
        member_sources=pd.DataFrame(parts.get("member_sources", []), columns=MEMBER_SOURCE_COLS),
        desta_overrides=overrides,
    )


def clean_desta(agreements: pd.DataFrame, memberships: pd.DataFrame) -> CleanDesta:
    """Clean DESTA's agreements and memberships (warehouse tables, DESTA rows only).

    Rules, each logged per agreement:

    1. ``id_suffix`` — agreement ids written ``manyID:treatyID`` in the agreements table are
       normalised to the part before ``:``, the id the memberships table uses (flagged).
    2. ``placeholder_year`` — ids with DESTA's placeholder year 5241 and no signature date are
       negotiations that never produced a signed text: dropped.
    3. ``shared_desta_id`` — records sharing one DESTA id are instruments of one agreement
       (services chapters, side agreements, investment protection): the earliest signed (then
       shortest title) is kept, the others dropped.
    4. ``treaty_id_mismatch`` — a record whose treatyID is another record's manyID (a stray link):
       kept and flagged.
    5. ``no_members`` — agreements with no member rows: kept and flagged.
    """
    log: list[dict] = []
    a = agreements.copy()
    full = a.agreement_id.astype(str)
    a["agreement_id"] = full.str.split(":").str[0]
    for old, new in zip(
        full[full != a.agreement_id], a.agreement_id[full != a.agreement_id], strict=True
    ):
        log.append({"agreement_id": new, "rule": "id_suffix", "action": "flagged",
                    "detail": f"{old} -> {new}"})  # fmt: skip
    placeholder = (
        a.agreement_id.str.contains(f"_{PLACEHOLDER_YEAR}", regex=False) & a.signature.isna()
    )
    for r in a[placeholder].itertuples(index=False):
        log.append({"agreement_id": r.agreement_id, "rule": "placeholder_year",
                    "action": "dropped", "detail": f"never signed: {r.title}"})  # fmt: skip
    a = a[~placeholder]
    shared = a[a.catalogue_id.notna() & a.catalogue_id.duplicated(keep=False)].copy()
    drop: set[str] = set()
    if len(shared):
        shared["_len"] = shared.title.str.len()
        for did, grp in shared.sort_values(["signature", "_len"]).groupby("catalogue_id"):
            kept = grp.iloc[0]
            for r in grp.iloc[1:].itertuples(index=False):
                drop.add(r.agreement_id)
                log.append({"agreement_id": r.agreement_id, "rule": "shared_desta_id",
                            "action": "dropped",
                            "detail": f"destaID {did}: '{r.title}' is part of "
                                      f"{kept.agreement_id} '{kept.title}'"})  # fmt: skip
    a = a[~a.agreement_id.isin(drop)]
    ids = set(a.agreement_id)
    mism = a[a.treaty_id.notna() & (a.treaty_id != a.agreement_id) & a.treaty_id.isin(ids)]
    for r in mism.itertuples(index=False):
        log.append({"agreement_id": r.agreement_id, "rule": "treaty_id_mismatch",
                    "action": "flagged",
                    "detail": f"treatyID {r.treaty_id} is another record's id ({r.title})"})  # fmt: skip
    m = memberships[memberships.agreement_id.isin(ids) & memberships.iso3.notna()].copy()
    for aid in sorted(ids - set(m.agreement_id)):
        log.append({"agreement_id": aid, "rule": "no_members", "action": "flagged",
                    "detail": "no member rows"})  # fmt: skip
    force = a.set_index("agreement_id").force
    m["row_force"] = m.force.fillna(m.agreement_id.map(force))
    spells = (
        m.groupby(["agreement_id", "iso3"], as_index=False)
        .agg(since=("row_force", "min"), until=("end_date", "max"))
        .assign(source="desta", precision="year", via=None)
    )
    for col in ("since", "until"):
        spells[col] = pd.to_datetime(spells[col])
    a = a.drop_duplicates("agreement_id").reset_index(drop=True)
    return CleanDesta(
        agreements=a,
        memberships=spells[MEMBER_COLS].sort_values(["agreement_id", "iso3"], ignore_index=True),
        log=pd.DataFrame(log, columns=["agreement_id", "rule", "action", "detail"]),
    )


def load_registry(path=None) -> Registry:
    """The curated registry plus cleaned DESTA from the warehouse at ``path`` (default: user's)."""
    from article2 import warehouse

    curated = load_curated()
    wh = warehouse.open_warehouse(path)
    da = wh.sql("SELECT * FROM agreements WHERE catalogue = 'desta'")
    dm = wh.sql("SELECT * FROM memberships WHERE catalogue = 'desta'")
    clean = clean_desta(da, dm)
    desta_agr = pd.DataFrame(
        {
            "agreement_id": clean.agreements.agreement_id,
            "source": "desta",
            "title": clean.agreements.title,
            "kind": "desta:" + clean.agreements.agreement_type.fillna("?"),
            "rta": True,
            "signature": pd.to_datetime(clean.agreements.signature),
            "force": pd.to_datetime(clean.agreements.force),
            "end": pd.to_datetime(clean.agreements.end_date),
            "desta_id": clean.agreements.agreement_id,
            "citation_body": "DESTA (Dür, Baccini & Elsig) via manytrade",
            "citation_document": None,
            "citation_url": "https://www.designoftradeagreements.org/",
            "checked": pd.NaT,
            "file": clean.agreements.source_id,
            "provisional": pd.NaT,
        }
    )
    return Registry(
        agreements=pd.concat([curated.agreements, desta_agr], ignore_index=True),
        memberships=pd.concat([curated.memberships, clean.memberships], ignore_index=True),
        cleaning=clean.log,
        gaps=curated.gaps,
        signatories=curated.signatories,
        member_sources=curated.member_sources,
        desta_overrides=curated.desta_overrides,
    )


def map_registry(path=None):
    """What the map, the profiles and the briefs count: curated agreements plus the DESTA-only
    ones (:func:`article2.agreements.merge.merge`; the curated record wins on conflict)."""
    from article2.agreements.merge import merge

    reg = load_registry(path)
    return merge(reg.agreements, reg.memberships, reg.desta_overrides)
