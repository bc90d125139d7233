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
from typing import Literal, get_args

import pandas as pd
import yaml

__all__ = ["ACTORS", "SCOPES", "STATUSES", "load_records", "load_sources", "to_frame"]

Scope = Literal["crosscutting", "country", "institution"]
RecActor = Literal["us", "japan", "joint"]
Status = Literal["proposed", "in_progress", "achieved", "stalled", "reversed"]
SCOPES = get_args(Scope)
ACTORS = get_args(RecActor)
STATUSES = get_args(Status)
REQUIRED = ("id", "scope", "actor", "theme", "paraphrase", "source", "section", "heading",
            "indicators", "status")  # fmt: skip


class RecordError(ValueError):
    """A record is malformed (the message names the file, record and field)."""


def _folder():
    return importlib.resources.files("article2.recommendations") / "records"


def load_sources() -> dict:
    return yaml.safe_load((_folder() / "_sources.yaml").read_text(encoding="utf-8"))["sources"]


def _status_date(value, where: str) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    raise RecordError(f"{where}: status date must be YYYY-MM-DD or YYYY, not {value!r}")


def load_records() -> list[dict]:
    """Every record, validated, with the file it came from (``file``) and its case study."""
    sources = load_sources()
    out: list[dict] = []
    seen: set[str] = set()
    for entry in sorted(_folder().iterdir(), key=lambda p: p.name):
        if not entry.name.endswith(".yaml") or entry.name.startswith("_"):
            continue
        data = yaml.safe_load(entry.read_text(encoding="utf-8"))
        defaults = data.get("defaults", {})
        for i, raw in enumerate(data.get("records", [])):
            rec = {**defaults, **raw}
            where = f"{entry.name}: record #{i + 1} ({rec.get('id', '?')})"
            for field in REQUIRED:
                if field not in rec:
                    raise RecordError(f"{where}: missing field {field!r}")
            for field, allowed in (("scope", SCOPES), ("actor", ACTORS)):
                if rec[field] not in allowed:
                    raise RecordError(
                        f"{where}: field {field!r} is {rec[field]!r}; allowed: {', '.join(allowed)}"
                    )
            if rec["source"] not in sources:
                raise RecordError(f"{where}: unknown source {rec['source']!r}")
            if rec["id"] in seen:
                raise RecordError(f"{where}: id used twice")
            seen.add(rec["id"])
            history = []
            for j, st in enumerate(rec["status"]):
                w = f"{where}: status #{j + 1}"
                if st.get("status") not in STATUSES:
                    raise RecordError(
                        f"{w}: status {st.get('status')!r}; allowed: {', '.join(STATUSES)}"
                    )
                if not st.get("evidence"):
                    raise RecordError(f"{w}: missing field 'evidence'")
                history.append({"date": _status_date(st.get("date"), w), "status": st["status"],
                                "evidence": st["evidence"], "computed": False})  # fmt: skip
            rec["status"] = history
            rec["case_study"] = entry.name.removesuffix(".yaml")
            rec["file"] = entry.name
            rec.setdefault("countries", [])
            rec.setdefault("tracker", None)
            out.append(rec)
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
