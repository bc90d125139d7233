"""The composite presence index of an actor in every country: orchestration (warehouse ->
inputs -> matrix -> scores and bands)."""

from __future__ import annotations

from pathlib import Path

from article2 import countries
from article2.index import inputs
from article2.index.compute import matrix
from article2.index.config import ACTORS, Spec, load
from article2.index.ranking import Ranking, rank_table

__all__ = ["comparison_set", "presence_ranking"]


def comparison_set(spec: Spec, available: set[str], year: int | None = None) -> list[str]:
    """ISO3 keys compared: the spec's set (all / a group / a list) among ``available``, minus
    its exclusions."""
    if spec.comparison == "all":
        chosen = set(available)
    elif isinstance(spec.comparison, tuple):
        chosen = set(spec.comparison) & set(available)
    else:
        chosen = set(countries.group_members(spec.comparison, year)) & set(available)
    return sorted(chosen - set(spec.exclude))


def presence_ranking(
    actor: str = "USA+JPN",
    year: int | None = None,
    *,
    spec: Spec | None = None,
    draws: int = 0,
    seed: int = 0,
    path: Path | None = None,
) -> Ranking:
    """Presence index of ``actor`` in every country of the comparison set in ``year`` (default:
    :func:`article2.index.inputs.default_year`)."""
    if actor not in ACTORS:
        raise ValueError(f"unknown actor {actor!r}; allowed: {', '.join(ACTORS)}")
    spec = spec or load(kind="index")
    if spec.actors and actor not in spec.actors:
        raise ValueError(f"{spec.file}: actor {actor!r} not in comparison.actors {list(spec.actors)}")
    y = int(year) if year is not None else inputs.default_year(path)
    long = inputs.presence_inputs(actor, y, path=path)
    keep = comparison_set(spec, set(long["iso3"]), y)
    m = matrix(long[long["iso3"].isin(keep)], spec, keep)
    r = rank_table(m, spec, draws=draws, seed=seed)
    from article2 import warehouse
    from article2.measures import channel_presence

    uncovered = channel_presence.coverage(warehouse.open_warehouse(path), actor, y)
    said = tuple(f"{m}: no value for {actor} ({why}); left out, not zero"
                 for m, why in uncovered.items())  # fmt: skip
    note = (f"index year {y}" + (" (default: latest year of COW trade, shared IGOs and ATOP; "
            "COW trade ends 2014)" if year is None else ""))  # fmt: skip
    return Ranking(r.table, r.contributions, r.indicators, r.result, r.sensitivity,
                   (note, *r.notes, *said))  # fmt: skip
