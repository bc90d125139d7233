"""Statuses computed from the agreement registry, not typed in.

Each rule takes the registry's membership table and a date and returns the status events it
can establish (date, status, evidence). :func:`track` appends them to a record's history.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

__all__ = ["RULES", "track"]


def _spell(memberships: pd.DataFrame, agreement_id: str, iso3: str) -> pd.Series | None:
    m = memberships[(memberships.agreement_id == agreement_id) & (memberships.iso3 == iso3)
                    & (memberships.source == "curated")]  # fmt: skip
    return None if m.empty else m.sort_values("since").iloc[0]


def _joined(agreement_id: str, iso3: str, done: str) -> Callable:
    def rule(memberships: pd.DataFrame, at: pd.Timestamp) -> list[dict]:
        s = _spell(memberships, agreement_id, iso3)
        if s is None or s.since > at:
            return []
        return [{"date": s.since.date().isoformat(), "status": done,
                 "evidence": f"{iso3} is a party to {agreement_id} from {s.since.date()} "
                             "(agreement registry, curated)"}]  # fmt: skip

    return rule


def _cptpp_force_and_growth(memberships: pd.DataFrame, at: pd.Timestamp) -> list[dict]:
    m = memberships[(memberships.agreement_id == "CPTPP") & (memberships.source == "curated")]
    m = m[m.since <= at]
    if m.empty:
        return []
    first = m.since.min()
    out = [{"date": first.date().isoformat(), "status": "in_progress",
            "evidence": f"CPTPP entered into force on {first.date()} for "
                        f"{', '.join(sorted(m[m.since == first].iso3))} (agreement registry)"}]  # fmt: skip
    signatories = {"AUS", "BRN", "CAN", "CHL", "JPN", "MYS", "MEX", "NZL", "PER", "SGP", "VNM"}
    new = m[~m.iso3.isin(signatories)]
    if not new.empty:
        n = new.sort_values("since").iloc[0]
        out.append({"date": n.since.date().isoformat(), "status": "achieved",
                    "evidence": f"first accession beyond the eleven signatories: {n.iso3} on "
                                f"{n.since.date()} (agreement registry)"})  # fmt: skip
    return out


RULES: dict[str, Callable[[pd.DataFrame, pd.Timestamp], list[dict]]] = {
    "kor_cptpp": _joined("CPTPP", "KOR", "achieved"),
    "usa_cptpp": _joined("CPTPP", "USA", "achieved"),
    "vnm_cptpp": _joined("CPTPP", "VNM", "in_progress"),
    "korus_revised": _joined("KORUS-2018", "KOR", "achieved"),
    "usmca": _joined("USMCA", "USA", "in_progress"),
    "cptpp_force_and_growth": _cptpp_force_and_growth,
}


def track(records: list[dict], memberships: pd.DataFrame, at) -> list[dict]:
    """Records with the computed status events of their ``tracker`` rule appended (copies)."""
    at = pd.Timestamp(at)
    out = []
    for r in records:
        r = {**r, "status": list(r["status"])}
        if r.get("tracker"):
            if r["tracker"] not in RULES:
                raise ValueError(f"{r['file']}: record {r['id']}: unknown tracker "
                                 f"{r['tracker']!r}; allowed: {', '.join(RULES)}")  # fmt: skip
            for ev in RULES[r["tracker"]](memberships, at):
                r["status"].append({**ev, "computed": True})
        out.append(r)
    return out
