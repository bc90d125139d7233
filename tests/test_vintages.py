"""The rule for a value with several sources (article2.measures.vintages): the newest year wins;
within a year the fetched official vintage wins over the snapshot file. References are written
by hand below, row by row."""

from __future__ import annotations

import pandas as pd
import pytest

from article2.measures import economy, vintages

WB = "wb_gdp/gdp.csv"
WDI_OLD = "raw/wdi/2025-07-01/NY.GDP.MKTP.CD.p001.json"
WDI = "raw/wdi/2025-12-16/NY.GDP.MKTP.CD.p001.json"
WEO = "raw/imf_weo/2025-10/imf_weo.csv"
ORDER = ("wdi", "wb_gdp", "imf_weo")


def frame(rows):
    return pd.DataFrame(rows, columns=["iso3", "year", "value", "source_id"])


def test_origin_and_label():
    assert vintages.origin(WDI) == ("wdi", "2025-12-16")
    assert vintages.origin(WB) == ("wb_gdp", "")
    assert vintages.is_fetched(WEO) and not vintages.is_fetched(WB)
    assert vintages.label(WDI) == "wdi, vintage 2025-12-16"
    assert vintages.label(WB) == "wb_gdp/gdp.csv (snapshot)"


def test_within_a_year_fetched_wins_then_order_then_newest_vintage():
    rows = frame([
        ("VNM", 2020, 1.0, WB), ("VNM", 2020, 2.0, WEO), ("VNM", 2020, 3.0, WDI_OLD),
        ("VNM", 2020, 4.0, WDI),                       # 2020: four candidates -> WDI newest
        ("VNM", 2021, 5.0, WB), ("VNM", 2021, 6.0, WEO),  # 2021: fetched WEO over snapshot
        ("VNM", 2022, 7.0, WB),                        # 2022: only the snapshot
        ("VNM", 2023, None, WDI), ("VNM", 2023, 8.0, WB),  # a missing value is no candidate
        ("JPN", 2020, 9.0, WB),
    ])  # fmt: skip
    got = vintages.choose(rows, ("iso3",), ORDER)
    want = frame([("JPN", 2020, 9.0, WB), ("VNM", 2020, 4.0, WDI), ("VNM", 2021, 6.0, WEO),
                  ("VNM", 2022, 7.0, WB), ("VNM", 2023, 8.0, WB)])  # fmt: skip
    pd.testing.assert_frame_equal(got, want, check_dtype=False)
    # one value per country-year: no year counted twice
    assert not got.duplicated(["iso3", "year"]).any()


def test_newest_year_wins_even_from_the_snapshot():
    rows = frame([("VNM", 2023, 1.0, WB), ("VNM", 2022, 2.0, WDI), ("KOR", 2022, 3.0, WDI)])
    got = vintages.newest(rows, ("iso3",), ORDER)
    assert list(zip(got["iso3"], got["year"], got["source_id"], strict=True)) == [
        ("KOR", 2022, WDI), ("VNM", 2023, WB)]  # fmt: skip


def test_dyad_keys_and_bad_columns():
    rows = pd.DataFrame({"iso3_o": ["JPN", "JPN"], "iso3_d": ["VNM", "VNM"], "year": [2023] * 2,
                         "value": [1.0, 2.0], "source_id": ["a/b.csv", "raw/x/2026/x.csv"]})
    got = vintages.choose(rows, ("iso3_o", "iso3_d"))
    assert got["value"].tolist() == [2.0]
    with pytest.raises(ValueError, match="missing columns.*source_id"):
        vintages.choose(rows.drop(columns="source_id"))


def test_weo_projection_years_are_not_history():
    rows = frame([("VNM", 2024, 1.0, WEO), ("VNM", 2025, 2.0, WEO), ("VNM", 2025, 3.0, WB)])
    got = economy.weo_history(rows)
    assert list(zip(got["year"], got["source_id"], strict=True)) == [(2024, WEO), (2025, WB)]
    named = frame([("VNM", 2020, 1.0, "raw/imf_weo/latest/imf_weo.csv"), ("VNM", 2020, 2.0, WB)])
    assert economy.weo_history(named)["source_id"].tolist() == [WB]


def test_trade_source_newest_year_then_fetched():
    from article2.measures import trade

    cow = "cow_trade/cow_dyadic_trade_4.0.csv.gz"
    imts = "raw/imf_imts/2026-12-02/imf_imts.csv"
    assert trade.pick_source({"imf": (2024, imts), "cow": (2014, cow)}) == "imf"
    assert trade.pick_source({"imf": (2012, imts), "cow": (2014, cow)}) == "cow"
    assert trade.pick_source({"imf": (2014, imts), "cow": (2014, cow)}) == "imf"  # same year
    assert trade.pick_source({"imf": (None, imts), "cow": (2014, cow)}) == "cow"
    assert trade.pick_source({}) == "cow"
