"""The profile, the map and the brief count the same trade agreements.

Reference: the map's classification (:func:`article2.api.architecture`, the table the briefs'
architecture section reads through :func:`article2.api.country_architecture`). A profile's
``agreements_in_force`` for an actor is positive exactly when the map puts the country in the
"agreement" class for that actor (exact; no tolerance: both are counts of the same registry).
"""

from __future__ import annotations

import pytest

from article2 import api, countries, paths, profiles, warehouse
from article2.measures.agreements import agreements_in_force

CASES = ["VNM", "KOR", "MMR", "IND"]
YEARS = [2010, 2019]
ACTOR_STATES = {"USA": ("USA",), "JPN": ("JPN",), "CHN": ("CHN",)}


def _states(actor: str, year: int) -> tuple[str, ...]:
    return countries.group_members("EU", year) if actor == "EU" else ACTOR_STATES[actor]


@pytest.mark.snapshot
@pytest.mark.parametrize("year", YEARS)
def test_profile_map_and_brief_agree(real_warehouse, year):
    wh = warehouse.open_warehouse(real_warehouse)
    at = f"{year}-12-31"
    with paths.using_warehouse(real_warehouse):
        tables = {a: api.architecture(a, at).set_index("iso3") for a in ("USA", "JPN", "CHN", "EU")}
        for actor, table in tables.items():
            for iso3 in CASES:
                ids = agreements_in_force(wh, iso3, _states(actor, year), year)
                on_map = table.loc[iso3, "class"] == "agreement"
                assert bool(ids) == on_map, (actor, iso3, year, ids)
                if on_map:
                    assert set(ids) == set(table.loc[iso3, "agreements"].split(", "))
        for iso3 in CASES:
            brief = api.country_architecture(iso3, at).set_index("actor")
            for actor in ("USA", "JPN", "CHN", "EU"):
                assert brief.loc[actor, "class"] == tables[actor].loc[iso3, "class"]


@pytest.mark.snapshot
def test_profile_figure_uses_the_registry(real_warehouse):
    p = profiles.build_profile("VNM", year=2014, path=real_warehouse)
    fig = {(f.section, f.actor, f.channel): f for f in p.figures}
    jpn = fig[("ties", "JPN", "agreements_in_force")]
    # Japan-Viet Nam EPA (2009) and ASEAN-Japan CEP (DESTA only) are in force at the end of 2014
    assert "JPN-VNM" in jpn.note
    usa = fig[("ties", "USA", "agreements_in_force")]
    assert usa.value == 0.0  # the 2000 bilateral trade agreement is not an FTA
