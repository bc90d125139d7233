"""Case-study selection: rank candidate third countries by projected growth, size, strategic
significance and governance (criteria and weights in ``default_selection.toml``), with the
same Monte Carlo rank bands as the index and each criterion's contribution."""

from __future__ import annotations

from pathlib import Path

from article2 import countries
from article2.index import inputs
from article2.index.compute import matrix
from article2.index.config import Spec, load
from article2.index.presence import comparison_set
from article2.index.ranking import Ranking, rank_table

__all__ = ["candidates", "selection_ranking"]


def candidates(spec: Spec, region: str | None = None) -> list[str]:
    """Candidate ISO3 keys: the spec's comparison set (or ``region``, a group name of
    :func:`article2.countries.group_members`), minus its exclusions."""
    if region is not None:
        from typing import get_args

        allowed = get_args(countries.Group)
        if region not in allowed:
            raise ValueError(f"unknown region {region!r}; allowed: {', '.join(allowed)}")
        members = set(countries.group_members(region))
    elif spec.comparison == "all":
        members = set(countries.country_table()["iso3"])
    elif isinstance(spec.comparison, tuple):
        members = set(spec.comparison)
    else:
        members = set(countries.group_members(spec.comparison))
    return sorted(members - set(spec.exclude))


def selection_ranking(
    *,
    region: str | None = None,
    spec: Spec | None = None,
    draws: int = 1000,
    seed: int = 0,
    year: int | None = None,
    path: Path | None = None,
) -> Ranking:
    """Rank the candidates (see the module docstring). ``year`` is the trade year of the
    exposure and balance criteria (default: :func:`article2.index.inputs.default_year`)."""
    spec = spec or load(kind="selection")
    cand = candidates(spec, region)
    y = int(year) if year is not None else inputs.default_year(path)
    long = inputs.selection_inputs(cand, y, path=path)
    keep = comparison_set(spec, set(cand), None) if region is None else cand
    m = matrix(long, spec, keep)
    r = rank_table(m, spec, draws=draws, seed=seed)
    years = ", ".join(f"{n} {yr}" for n, yr in zip(m.names, m.years, strict=True))
    notes = (
        f"trade-based criteria in {y}" + (" (COW trade ends 2014)" if year is None else ""),
        f"years used: {years}",
        (f"candidates: {spec.comparison} ({spec.region_definition or 'see config'})"
         if region is None else f"candidates: group {region} of article2.countries")
        + f", excluding {', '.join(spec.exclude) or 'none'}",
    )
    return Ranking(r.table, r.contributions, r.indicators, r.result, r.sensitivity,
                   (*notes, *r.notes))  # fmt: skip
