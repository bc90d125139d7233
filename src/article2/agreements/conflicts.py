"""Curated facts against DESTA: every difference is reported, none is hidden or resolved silently.

DESTA records dates to the year (``YYYY-01-01``), so dates are compared by year.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["conflicts"]


def conflicts(agreements: pd.DataFrame, memberships: pd.DataFrame) -> pd.DataFrame:
    """Differences between curated agreements that name a ``desta_id`` and that DESTA record.

    Returns agreement_id, desta_id, field (signature / force / member), curated, desta.
    """
    cur = agreements[(agreements.source == "curated") & agreements.desta_id.notna()]
    des = agreements[agreements.source == "desta"].set_index("agreement_id")
    rows = []
    for r in cur.itertuples(index=False):
        if r.desta_id not in des.index:
            rows.append(
                (r.agreement_id, r.desta_id, "record", "listed", "absent or dropped by cleaning")
            )
            continue
        d = des.loc[r.desta_id]
        for field in ("signature", "force"):
            cy = getattr(r, field).year if pd.notna(getattr(r, field)) else None
            dy = d[field].year if pd.notna(d[field]) else None
            if cy is not None and cy != dy:
                rows.append((r.agreement_id, r.desta_id, field, str(cy), str(dy)))
        cm = memberships[
            (memberships.agreement_id == r.agreement_id) & (memberships.source == "curated")
        ]
        dm = memberships[(memberships.agreement_id == r.desta_id) & (memberships.source == "desta")]
        for iso3 in sorted(set(cm.iso3) ^ set(dm.iso3)):
            rows.append(
                (
                    r.agreement_id,
                    r.desta_id,
                    "member",
                    "yes" if iso3 in set(cm.iso3) else "no",
                    ("yes" if iso3 in set(dm.iso3) else "no") + f" ({iso3})",
                )
            )
        both = cm.merge(dm, on="iso3", suffixes=("_c", "_d"))
        for b in both.itertuples(index=False):
            if pd.notna(b.since_c) and pd.notna(b.since_d) and b.since_c.year != b.since_d.year:
                rows.append(
                    (
                        r.agreement_id,
                        r.desta_id,
                        f"member since ({b.iso3})",
                        str(b.since_c.date()),
                        str(b.since_d.year),
                    )
                )
    return pd.DataFrame(rows, columns=["agreement_id", "desta_id", "field", "curated", "desta"])
