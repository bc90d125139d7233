"""The one warehouse handle: read-only, one build, caches keyed on the build, safe for threads."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import duckdb
import pytest

from article2 import countries, warehouse
from article2.errors import WarehouseMissingError


@pytest.fixture
def built(mini, tmp_path):
    target = tmp_path / "warehouse.duckdb"
    warehouse.build(mini, target=target)
    return target


def test_a_rebuild_gets_a_new_handle_and_fresh_caches(mini, built):
    h1 = warehouse.open_warehouse(built)
    assert h1.cached(("k",), lambda: 1) == 1
    assert warehouse.open_warehouse(built) is h1
    assert h1.cached(("k",), lambda: 2) == 1  # cached for this build
    warehouse.build(mini, target=built)
    h2 = warehouse.open_warehouse(built)
    assert h2 is not h1
    assert h2.version != h1.version and h2.build_id != h1.build_id
    assert h2.cached(("k",), lambda: 2) == 2  # a new build never sees the old cache
    assert not h1.current() and h2.current()


def test_handle_is_read_only(built):
    h = warehouse.open_warehouse(built)
    with pytest.raises(duckdb.Error):
        h.sql("CREATE TABLE x (a INTEGER)")


def test_handle_serves_threads(built):
    h = warehouse.open_warehouse(built)
    calls = []

    def compute():
        calls.append(1)
        return h.sql("SELECT count(*) AS n FROM countries")["n"].iloc[0]

    with ThreadPoolExecutor(8) as pool:
        got = list(pool.map(lambda _: h.cached(("n",), compute), range(32)))
    assert len(set(got)) == 1 and len(calls) == 1  # computed once, every thread the same


def test_actor_members_written_at_build(built):
    h = warehouse.open_warehouse(built)
    t = h.sql("SELECT actor, year, iso3 FROM actor_members")
    assert set(t["actor"]) == set(countries.ACTORS)
    assert t["year"].max() >= 2021
    eu2020 = sorted(t[(t["actor"] == "EU") & (t["year"] == 2020)]["iso3"])
    assert eu2020 == list(countries.group_members("EU", 2020)) and "GBR" in eu2020
    assert "GBR" not in set(t[(t["actor"] == "EU") & (t["year"] == 2021)]["iso3"])
    for year in sorted(set(t["year"]))[:: 10]:
        assert sorted(t[(t["actor"] == "USA+JPN") & (t["year"] == year)]["iso3"]) == ["JPN", "USA"]


def test_missing_warehouse_says_how_to_build(tmp_path):
    with pytest.raises(WarehouseMissingError, match="article2 build"):
        warehouse.open_warehouse(tmp_path / "none.duckdb")
