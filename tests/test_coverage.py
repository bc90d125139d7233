"""The latest year and source per channel (:mod:`article2.profiles.coverage`) against the mini
snapshot's raw rows (tests/fixtures/mini_snapshot.py): GDP and population 2020 (World Bank
files), COW trade 2014, U.S. goods trade 2022 (IMF DOTS), migrants and students 2019."""

from __future__ import annotations

from article2 import warehouse
from article2.profiles import build_profile
from article2.profiles.coverage import channel_coverage, reference_year_note


def test_latest_year_and_source_per_channel_follow_the_raw_rows(mini):
    report = warehouse.build(mini)
    rows = {c.key: c for c in channel_coverage(build_profile("VNM", path=report.warehouse))}
    assert rows["gdp"].year == 2020 and rows["gdp"].source_ids == ("wb_gdp/gdp.csv",)
    assert rows["population"].year == 2020
    assert rows["population"].source_ids == ("wb_population/population.csv",)
    assert rows["trade_shares"].year == 2014
    assert rows["trade_shares"].source.startswith("COW Dyadic Trade")
    assert rows["us_trade"].year == 2022
    assert rows["us_trade"].source_ids == ("imf_dots_us/dots_us.csv.gz",)
    assert rows["migrants"].year == 2019 and rows["students"].year == 2019
    # a channel without data for the country says so with no year and no source
    assert rows["dac_oda"].year is None and rows["dac_oda"].source_ids == ()
    keys = [c.key for c in channel_coverage(build_profile("VNM", path=report.warehouse))]
    assert len(keys) == len(set(keys))


def test_reference_year_note_names_the_year_and_the_source():
    note = reference_year_note(2014, "COW Dyadic Trade 4.0")
    assert "2014" in note and "COW Dyadic Trade 4.0" in note


def test_a_fetched_vintage_is_named_with_its_vintage():
    from article2.profiles.coverage import _words

    assert _words(("raw/wdi/2026-11-30/gdp.csv",), "World Bank WDI") == (
        "World Bank WDI (fetched), vintage 2026-11-30"
    )
    assert _words(("wb_gdp/gdp.csv",), "World Bank WDI") == "World Bank WDI"
