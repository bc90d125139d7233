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
from importlib.abc import Traversable
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

import pandas as pd
import yaml
from pydantic import BeforeValidator, model_validator

from article2.strict import ISO3, NonEmpty, Strict, YearOrDate, check

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
OverrideAction = Literal["superseded", "not_fta", "same_as", "members"]
OVERRIDE_ACTIONS: tuple[str, ...] = get_args(OverrideAction)
Confidence = Literal["confirmed", "unconfirmed"]
CONFIDENCE: tuple[str, ...] = get_args(Confidence)
#: what a curated record is
Kind = Literal["fta", "customs_union", "protocol", "limited", "institution", "forum", "framework"]
#: the top-level keys of a curated file (keys starting with "_" hold YAML anchors)
FILE_KEYS = ("agreements", "desta_overrides")
MEMBER_COLS = ["agreement_id", "source", "iso3", "since", "precision", "until", "via"]


class CuratedFactError(ValueError):
    """A curated YAML file has a missing or malformed field (message names file, record, field)."""


class Citation(Strict):
    """The document a fact is checked against: issuing body, and the document or its URL."""

    body: NonEmpty
    document: str | None = None
    url: str | None = None

    @model_validator(mode="after")
    def _document_or_url(self) -> Citation:
        if not (self.document or self.url):
            raise ValueError("key 'citation' needs 'document' or 'url'")
        return self


class MemberSource(Strict):
    """How one member's date was confirmed (``confirmed_by`` URLs) or why it is not (``note``)."""

    confidence: Confidence
    checked: YearOrDate
    confirmed_by: list[NonEmpty] = []
    note: str | None = None

    @model_validator(mode="after")
    def _evidence(self) -> MemberSource:
        if self.confidence == "confirmed" and not self.confirmed_by:
            raise ValueError("'confirmed' needs key 'confirmed_by'")
        if self.confidence == "unconfirmed" and not self.note:
            raise ValueError("'unconfirmed' needs key 'note'")
        return self


def _dated(value: Any) -> Any:
    """``parties_with_eu`` as a list (one date for all: provisional or force) or a mapping."""
    return dict.fromkeys(value) if isinstance(value, list) else value


class Agreement(Strict):
    """One curated agreement, institution or forum (``members``: ISO3 -> date it joined)."""

    id: NonEmpty
    title: NonEmpty
    kind: Kind
    rta: bool
    desta_id: str | None = None
    signature: YearOrDate | None = None
    force: YearOrDate | None = None
    end: YearOrDate | None = None
    provisional: YearOrDate | None = None
    citation: Citation
    checked: YearOrDate
    members: dict[ISO3, YearOrDate] = {}
    ends: dict[ISO3, YearOrDate] = {}
    parties_with_eu: Annotated[dict[ISO3, YearOrDate | None], BeforeValidator(_dated)] = {}
    undated_members: list[ISO3] = []
    signatories: list[ISO3] = []
    member_sources: dict[ISO3, MemberSource] = {}

    @model_validator(mode="after")
    def _consistent(self) -> Agreement:
        undated = [k for k, v in self.parties_with_eu.items() if v is None]
        if undated and self.force is None and self.provisional is None:
            raise ValueError("'parties_with_eu' needs key 'force' or 'provisional'")
        for key in ("ends", "member_sources"):
            stray = sorted(set(getattr(self, key)) - set(self.members))
            if stray:
                raise ValueError(f"key {key!r} names {', '.join(stray)}, not among 'members'")
        return self


class Override(Strict):
    """A curated ruling on a DESTA record no curated agreement links (``desta.yaml``)."""

    desta_id: NonEmpty
    action: OverrideAction
    curated_id: str | None = None
    reason: NonEmpty
    citation: Citation
    checked: YearOrDate
    end: YearOrDate | None = None
    drop_members: list[ISO3] = []

    @model_validator(mode="after")
    def _needs(self) -> Override:
        if self.action == "same_as" and not self.curated_id:
            raise ValueError("action 'same_as' needs key 'curated_id'")
        if self.action == "members" and not self.drop_members:
            raise ValueError("action 'members' needs key 'drop_members'")
        return self


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
    if not isinstance(records, list | None):
        raise CuratedFactError(f"{name}: key 'desta_overrides' must be a list of rulings")
    for i, rec in enumerate(records or []):
        where = f"{name}: desta_overrides #{i + 1} ({_id(rec, 'desta_id')})"
        check(Override, rec, where, CuratedFactError)
        cit = rec["citation"]
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


def _parse_member_sources(name: str, aid: str, records) -> tuple[list, list]:
    sources, gaps = [], []
    for iso3, rec in (records or {}).items():  # validated with the agreement (MemberSource)
        where = f"{name}: agreement {aid}: member_sources {iso3}"
        conf = rec["confidence"]
        urls = rec.get("confirmed_by") or []
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


def _id(rec: Any, key: str) -> str:
    return str(rec.get(key, "?")) if isinstance(rec, dict) else "?"


def _parse_file(name: str, text: str) -> dict[str, list[dict]]:
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise CuratedFactError(f"{name}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise CuratedFactError(f"{name}: expected a mapping with key 'agreements'")
    unknown = [k for k in data if k not in FILE_KEYS and not str(k).startswith("_")]
    if unknown:
        raise CuratedFactError(
            f"{name}: unknown key {unknown[0]!r}; allowed: {', '.join(FILE_KEYS)} "
            "(and keys starting with '_' for YAML anchors)"
        )
    if not isinstance(data.get("agreements"), list):
        raise CuratedFactError(f"{name}: no 'agreements' list")
    agreements, members, gaps, signatories, msources = [], [], [], [], []
    for i, rec in enumerate(data["agreements"]):
        where = f"{name}: agreement #{i + 1} ({_id(rec, 'id')})"
        check(Agreement, rec, where, CuratedFactError)
        cit = rec["citation"]
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
        # a list: one date for every party (provisional application or entry into force)
        with_eu = _dated(rec.get("parties_with_eu") or {})
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
        s, g = _parse_member_sources(name, aid, rec.get("member_sources"))
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
    if not rows:
        return keep.reset_index(drop=True)
    return pd.concat([keep, pd.DataFrame(rows, columns=MEMBER_COLS)], ignore_index=True)


def load_curated(folder: Path | None = None) -> Curated:
    """Read and validate every ``agreements/curated/*.yaml`` file (committed with the package;
    ``folder``: another folder laid out the same way)."""
    where: Traversable = (
        importlib.resources.files("article2.agreements") / "curated" if folder is None else folder
    )
    parts: dict[str, list[dict]] = {}
    for entry in sorted(where.iterdir(), key=lambda p: p.name):
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
