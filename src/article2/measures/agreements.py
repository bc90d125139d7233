"""Trade agreements in force: the merged registry (curated records with citations and the
DESTA-only agreements; the curated record wins on conflict, see
:mod:`article2.agreements.merge`), read once per build."""

from __future__ import annotations

from article2.warehouse import Warehouse

__all__ = ["agreements_in_force", "registry"]


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
