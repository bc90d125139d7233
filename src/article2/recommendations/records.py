"""The recommendation records: committed YAML files in ``recommendations/records/``.

Each file has ``defaults`` (fields shared by its records) and ``records``. A record has: id,
scope (crosscutting / country / institution), actor (us / japan / joint), theme, countries
(ISO3), a paraphrase, a citation (source, section, heading), indicators, an optional
``tracker`` (the rule in :mod:`article2.recommendations.tracker` that computes its status) and
a dated status history.
"""

from __future__ import annotations

import datetime as dt
import importlib.resources
from pathlib import Path
from typing import Any, Literal, get_args

import pandas as pd
import yaml
from pydantic import Field, field_validator

from article2.recommendations.tracker import RULES
from article2.strict import ISO3, NonEmpty, Strict, YearOrDate, check

__all__ = ["ACTORS", "SCOPES", "STATUSES", "load_records", "load_sources", "to_frame"]

Scope = Literal["crosscutting", "country", "institution"]
RecActor = Literal["us", "japan", "joint"]
Status = Literal["proposed", "in_progress", "achieved", "stalled", "reversed"]
SCOPES = get_args(Scope)
ACTORS = get_args(RecActor)
STATUSES = get_args(Status)


class RecordError(ValueError):
    """A record is malformed (the message names the file, record and key)."""


class StatusEvent(Strict):
    """One dated status: typed in the file, with the evidence for it."""

    date: YearOrDate
    status: Status
    evidence: NonEmpty


class Record(Strict):
    """One recommendation (a file's ``defaults`` merged with the record)."""

    id: NonEmpty
    scope: Scope
    actor: RecActor
    theme: NonEmpty
    countries: list[ISO3] = []
    paraphrase: NonEmpty
    source: NonEmpty
    section: NonEmpty
    heading: NonEmpty
    indicators: list[NonEmpty] = Field(min_length=1)
    status: list[StatusEvent] = Field(min_length=1)
    tracker: str | None = None

    @field_validator("tracker")
    @classmethod
    def _known_tracker(cls, value: str | None) -> str | None:
        if value is not None and value not in RULES:
            raise ValueError(f"unknown tracker; allowed: {', '.join(RULES)}")
        return value


class Source(Strict):
    """A document the records cite (``_sources.yaml``)."""

    title: NonEmpty
    body: NonEmpty
    authors: str | None = None
    date: YearOrDate
    note: str | None = None


class RecordsFile(Strict):
    """A case study's file: fields shared by its records, and the records."""

    defaults: dict[str, Any] = {}
    records: list[Any] = Field(min_length=1)


def _folder(folder=None):
    """The records folder: ``folder`` (a path) or the one committed with the package."""
    if folder is not None:
        return Path(folder)
    return importlib.resources.files("article2.recommendations") / "records"


def _read(entry) -> Any:
    try:
        return yaml.safe_load(entry.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise RecordError(f"{entry.name}: not valid YAML: {exc}") from exc


def load_sources(folder=None) -> dict:
    """The cited documents by key, validated (``_sources.yaml``)."""
    data = _read(_folder(folder) / "_sources.yaml")
    if (
        not isinstance(data, dict)
        or set(data) != {"sources"}
        or not isinstance(data["sources"], dict)
    ):
        raise RecordError("_sources.yaml: expected one key, 'sources', mapping keys to documents")
    for key, doc in data["sources"].items():
        check(Source, doc, f"_sources.yaml: source {key}", RecordError)
    return data["sources"]


def _status_date(value: dt.date | int) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def load_records(folder=None) -> list[dict]:
    """Every record, validated, with the file it came from (``file``) and its case study.

    Unknown keys are errors: a value with a comma written unquoted in a flow mapping
    (``{paraphrase: A, b.}``) would otherwise cut the value and add a key ``b.``. ``folder``:
    another records folder laid out the same way (default: the committed records).
    """
    sources = load_sources(folder)
    out: list[dict] = []
    seen: set[str] = set()
    for entry in sorted(_folder(folder).iterdir(), key=lambda p: p.name):
        if not entry.name.endswith(".yaml") or entry.name.startswith("_"):
            continue
        data = check(RecordsFile, _read(entry), entry.name, RecordError)
        unknown = sorted(set(data.defaults) - set(Record.model_fields))
        if unknown:
            raise RecordError(
                f"{entry.name}: defaults: unknown key {unknown[0]!r}; "
                f"allowed: {', '.join(sorted(Record.model_fields))}"
            )
        for i, raw in enumerate(data.records):
            rid = raw.get("id", "?") if isinstance(raw, dict) else "?"
            where = f"{entry.name}: record #{i + 1} ({rid})"
            merged = {**data.defaults, **raw} if isinstance(raw, dict) else raw
            rec = check(Record, merged, where, RecordError)
            if rec.source not in sources:
                raise RecordError(
                    f"{where}: key 'source': unknown source {rec.source!r}; "
                    f"allowed: {', '.join(sources)}"
                )
            if rec.id in seen:
                raise RecordError(f"{where}: id used twice")
            seen.add(rec.id)
            row = rec.model_dump()
            row["status"] = [
                {"date": _status_date(st.date), "status": st.status, "evidence": st.evidence,
                 "computed": False}
                for st in rec.status
            ]  # fmt: skip
            row["case_study"] = entry.name.removesuffix(".yaml")
            row["file"] = entry.name
            out.append(row)
    return out


def to_frame(records: list[dict]) -> pd.DataFrame:
    """One row per record with its latest status."""
    rows = []
    for r in records:
        last = r["status"][-1]
        rows.append({
            "id": r["id"], "case_study": r["case_study"], "scope": r["scope"], "actor": r["actor"],
            "theme": r["theme"], "countries": ",".join(r["countries"]),
            "status": last["status"], "status_date": last["date"],
            "computed": last["computed"], "paraphrase": r["paraphrase"],
            "citation": f"{r['source']}: {r['section']}, {r['heading']}",
            "indicators": "; ".join(r["indicators"]), "evidence": last["evidence"],
        })  # fmt: skip
    return pd.DataFrame(rows)
