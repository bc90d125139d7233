"""Trade agreements in force: the merged registry (curated records with citations and the
DESTA-only agreements; the curated record wins on conflict, see
:mod:`article2.agreements.merge`), read once per build."""

from __future__ import annotations

import pandas as pd

from article2.measures import Measure, identity
from article2.warehouse import Warehouse

__all__ = [
    "AGREEMENTS_IN_FORCE",
    "agreements_in_force",
    "catalogue_source_ids",
    "catalogue_years",
    "in_force_counts",
    "registry",
]


def registry(wh: Warehouse):
    """The merged agreement registry of this build (what the map, profiles and briefs count)."""
    from article2.agreements.registry import map_registry

    return wh.cached(("agreement_registry",), lambda: map_registry(wh.path))


def agreements_in_force(
    wh: Warehouse, target: str, partners, year: int
) -> tuple[str, ...]:
    """Trade agreements in force on 31 December of ``year`` to which ``target`` and at least one
    of ``partners`` are parties, in the merged registry (curated records win on conflict):
    exactly what the report's map counts."""
    from article2.agreements import queries as q

    reg = registry(wh)
    return tuple(q.agreements_with(
        reg.agreements, reg.memberships, target, set(partners), f"{year}-12-31",
        sources=("curated", "desta"),
    ))  # fmt: skip


AGREEMENTS_IN_FORCE = Measure(
    "agreements_in_force", "Trade agreements in force with an actor", "agreements",
    "Regional trade agreements in force on 31 December of the year to which the country and at "
    "least one of the actor's members (other than the country) are parties, in the merged "
    "registry: curated records with citations and DESTA-only agreements, the curated record "
    "winning on conflict (the EU itself is not counted as an agreement).",
    ("article2 curated agreement registry", "trade_agreements/desta.csv.gz",
     "trade_agreements/desta_mem.csv.gz"),
)  # fmt: skip


def in_force_counts(wh: Warehouse, partners, year: int) -> pd.DataFrame:
    """:data:`AGREEMENTS_IN_FORCE` of every country (identity table and registry): columns ``iso3, year,
    value`` (0 when it shares none: the registry is a census of agreements; no row for a
    country that is the only one of ``partners``). The same rule as
    :func:`agreements_in_force`, for all countries at once."""
    partners = tuple(sorted(set(partners)))

    def compute() -> pd.DataFrame:
        reg = registry(wh)
        at = pd.Timestamp(f"{int(year)}-12-31")
        sources = ("curated", "desta")
        rta = reg.agreements[reg.agreements.rta & reg.agreements.source.isin(sources)]
        m = reg.memberships[reg.memberships.source.isin(sources)]
        universe = sorted(set(identity.countries(wh)["iso3"]) | set(m["iso3"]))
        act = m[m.since.notna() & (m.since <= at) & (m.until.isna() | (m.until > at))]
        act = act.merge(rta[["agreement_id", "source"]], on=["agreement_id", "source"])
        act = act[act.agreement_id != "EU"][["iso3", "agreement_id"]].drop_duplicates()
        with_p = act[act.iso3.isin(partners)].rename(columns={"iso3": "partner"})
        pairs = act.merge(with_p, on="agreement_id")
        pairs = pairs[pairs.iso3 != pairs.partner]
        counts = pairs.groupby("iso3")["agreement_id"].nunique()
        # a country that is the actor's only member has no partner: no value
        alone = set(partners) if len(partners) == 1 else set()
        out = pd.DataFrame({"iso3": [c for c in universe if c not in alone]})
        out["year"] = int(year)
        out["value"] = out["iso3"].map(counts).fillna(0).astype(float)
        return out

    return wh.cached(("agreements_in_force", partners, int(year)), compute)


def catalogue_source_ids(wh: Warehouse, catalogue: str = "desta") -> tuple[str, ...]:
    """The raw files of an agreement catalogue's memberships."""
    return wh.cached(("catalogue_sids", catalogue), lambda: tuple(r[0] for r in wh.rows(
        "SELECT DISTINCT source_id FROM memberships WHERE catalogue = ?", [catalogue])))


def catalogue_years(wh: Warehouse, catalogue: str = "desta") -> tuple[int | None, int | None]:
    """First and last year of entry into force in an agreement catalogue."""
    return wh.cached(("catalogue_years", catalogue), lambda: tuple(wh.rows(
        "SELECT min(year(force)), max(year(force)) FROM memberships WHERE catalogue = ?",
        [catalogue])[0]))  # fmt: skip
