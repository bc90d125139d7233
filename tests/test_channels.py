"""The new channels: U.S. assistance, U.S. goods trade (IMF DOTS), migrants and students.

Pure measures are checked on small hand-made tables (expected values worked out by hand in
the comments). The real-snapshot tests compare what ``article2 profile VNM`` shows with the raw
files read directly with pandas in the test (independently of the readers); tolerance: relative
1e-12 (the readers parse the same decimal text; no unit conversion).
"""

from __future__ import annotations

import gzip
import io
import re

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from article2 import paths, warehouse
from article2.measures import official_finance as finance
from article2.measures import people, us_aid, us_trade
from article2.measures.channels import build_channels
from article2.profiles import build_profile

# ------------------------------------------------------------------------------- pure measures


def _eu(year: int) -> tuple[str, ...]:
    return ("DEU", "FRA") if year < 2000 else ("DEU", "FRA", "POL")


def test_us_assistance_levels_and_share_of_gdp():
    aid = pd.DataFrame(
        {
            "iso3": "VNM",
            "year": [2020, 2020, 2021],
            "indicator": [
                "us_aid_obligations_current",
                "us_aid_disbursements_current",
                "us_aid_obligations_current",
            ],
            "value": [200.0, 150.0, -10.0],
            "source_id": "a.csv",
        }
    )
    gdp = pd.DataFrame({"iso3": "VNM", "year": [2020], "value": [10_000.0], "source_id": "g.csv"})
    t = us_aid.us_assistance(aid, gdp).set_index(["measure", "year"])
    assert t.loc[("us_aid_obligations", 2020), "value"] == 200.0
    assert t.loc[("us_aid_obligations_pct_gdp", 2020), "value"] == pytest.approx(2.0)  # 200/1e4
    assert t.loc[("us_aid_disbursements_pct_gdp", 2020), "value"] == pytest.approx(1.5)
    assert t.loc[("us_aid_obligations", 2021), "value"] == -10.0  # de-obligation kept
    assert np.isnan(t.loc[("us_aid_obligations_pct_gdp", 2021), "value"])  # no GDP: no share
    assert t.loc[("us_aid_obligations_pct_gdp", 2020), "source_ids"] == "a.csv;g.csv"
    assert t.loc[("us_aid_obligations_pct_gdp", 2021), "source_ids"] == "a.csv"
    assert set(t["partner"]) == {"USA"}
    assert "military" in us_aid.DEFINITION_NOTE and "ODA" in us_aid.DEFINITION_NOTE


def test_partial_fiscal_year_is_the_latest_with_too_few_recipients():
    counts = pd.DataFrame({"year": [2021, 2022, 2023], "n": [170, 172, 120]})
    assert list(us_aid.partial_years(counts)) == [2023]  # 120 < 0.8 * 172
    assert "120 recipients" in us_aid.partial_years(counts)[2023]
    counts = pd.DataFrame({"year": [2022, 2023], "n": [172, 160]})
    assert us_aid.partial_years(counts) == {}


def test_us_goods_trade_growth_and_gdp_share():
    years = list(range(2015, 2023))
    dots = pd.concat(
        [
            pd.DataFrame({"iso3_o": "USA", "iso3_d": "VNM", "year": years,
                          "indicator": us_trade.EXPORTS, "value": 10.0 * np.arange(1, 9),
                          "source_id": "d.csv"}),
            pd.DataFrame({"iso3_o": "VNM", "iso3_d": "USA", "year": years,
                          "indicator": us_trade.IMPORTS, "value": 100.0, "source_id": "d.csv"}),
            pd.DataFrame({"iso3_o": "USA", "iso3_d": "JPN", "year": years,
                          "indicator": us_trade.EXPORTS, "value": 1e6, "source_id": "d.csv"}),
        ]
    )  # fmt: skip
    gdp = pd.DataFrame({"iso3": "VNM", "year": [2022], "value": [1000.0], "source_id": "g"})
    t = us_trade.us_goods_trade(dots, gdp, "VNM").set_index(["measure", "year"])["value"]
    # exports 2022 = 80, 2021 = 70, 2017 = 30; imports 100 every year
    assert t[("us_exports_to", 2022)] == 80.0
    assert t[("us_goods_trade", 2022)] == 180.0
    assert t[("us_exports_to_growth_1y", 2022)] == pytest.approx(100 * (80 / 70 - 1))
    assert t[("us_exports_to_growth_5y", 2022)] == pytest.approx(100 * (80 / 30 - 1))
    assert t[("us_imports_from_growth_5y", 2022)] == pytest.approx(0.0)
    assert np.isnan(t[("us_exports_to_growth_5y", 2019)])  # 2014 not in the data
    assert t[("us_goods_trade_pct_gdp", 2022)] == pytest.approx(18.0)  # 180 / 1000
    assert np.isnan(t[("us_goods_trade_pct_gdp", 2021)])


def test_migrants_partners_eu_by_year_and_reverse():
    stock = pd.DataFrame(
        {
            "iso3_o": ["VNM", "VNM", "VNM", "VNM", "VNM", "USA", "JPN", "FRA"],
            "iso3_d": ["USA", "JPN", "DEU", "POL", "POL", "VNM", "VNM", "VNM"],
            "year": [2019, 2019, 2019, 2019, 1995, 2019, 2019, 2019],
            "value": [100.0, 20.0, 5.0, 3.0, 7.0, 1.0, 2.0, 4.0],
            "source_id": "m.csv",
        }
    )
    t = people.migrants(stock, "VNM", _eu).set_index(["measure", "partner", "year"])["value"]
    assert t[("migrants_in_partner", "USA", 2019)] == 100.0
    assert t[("migrants_in_partner", "EU", 2019)] == 8.0  # DEU 5 + POL 3 (member in 2019)
    assert ("migrants_in_partner", "EU", 1995) not in t.index  # POL not a member in 1995
    assert t[("migrants_from_partner", "EU", 2019)] == 4.0
    assert t[("migrants_from_partner", "JPN", 2019)] == 2.0


def test_migrants_eu_excludes_the_country_itself():
    stock = pd.DataFrame(
        {"iso3_o": ["FRA", "FRA"], "iso3_d": ["DEU", "FRA"], "year": 2019,
         "value": [10.0, 99.0], "source_id": "m"}
    )  # fmt: skip
    t = people.migrants(stock, "FRA", _eu)
    eu = t[(t.measure == "migrants_in_partner") & (t.partner == "EU")]
    assert eu["value"].tolist() == [10.0]


def test_students_share_of_students_abroad_in_the_data():
    flows = pd.DataFrame(
        {
            "iso3_o": "VNM",
            "iso3_d": ["USA", "JPN", "DEU", "AUS", "KOR"],
            "year": 2019,
            "value": [30.0, 40.0, 10.0, 15.0, 5.0],
            "source_id": "s.csv",
        }
    )
    t = people.students(flows, "VNM", _eu).set_index(["measure", "partner"])["value"]
    assert t[("students_abroad_in_data", "")] == 100.0
    assert t[("students_in_partner", "JPN")] == 40.0
    assert t[("students_in_partner_share", "USA")] == pytest.approx(30.0)
    assert t[("students_in_partner_share", "EU")] == pytest.approx(10.0)
    assert "China" in people.STUDENTS_NOTE


def test_official_finance_side_by_side_each_in_its_own_terms():
    us = us_aid.us_assistance(
        pd.DataFrame({"iso3": "VNM", "year": [2021], "indicator": "us_aid_obligations_current",
                      "value": [5.0], "source_id": "a.csv"}),
        pd.DataFrame(columns=["iso3", "year", "value", "source_id"]),
    )  # fmt: skip
    cn = pd.DataFrame(
        {"iso3": "VNM", "year": 2021, "indicator": ["cn_of_oda", "cn_of_oof", "cn_of_oda"],
         "value": [1.0, 2.0, 1.0],
         "source_id": [finance.CN_SOURCE, finance.CN_SOURCE, "aiddata_gcdf/gw_gcdf.csv"]}
    )  # fmt: skip
    dac = pd.DataFrame(
        {"iso3_o": ["JPN", "DEU", "POL", "POL", "USA"], "iso3_d": "VNM",
         "year": [2021, 2021, 2021, 1995, 2021], "value": [10.0, 3.0, 1.0, 7.0, 99.0],
         "source_id": "dac"}
    )  # fmt: skip
    t = finance.official_finance(us, cn, dac, "VNM", _eu)
    t = t.set_index(["partner", "measure", "year"])["value"]
    assert t[("USA", "us_aid_obligations", 2021)] == 5.0
    assert t[("CHN", "cn_official_finance", 2021)] == 3.0  # the GW file's repeat is not added
    assert t[("JPN", "dac_oda", 2021)] == 10.0
    assert t[("EU", "dac_oda", 2021)] == 4.0  # DEU + POL, members in 2021
    assert ("EU", "dac_oda", 1995) not in t.index  # POL joined in 2004
    assert set(finance.DEFINITIONS) == {"USA", "CHN", "JPN", "EU"}


def test_measures_declare_unit_definition_and_sources():
    for module in (us_aid, us_trade, people, finance):
        for name, m in module.MEASURES.items():
            assert m.name == name and m.unit and len(m.definition) > 20 and m.datasets


# ------------------------------------------------------------------------- mini snapshot


def test_mini_profile_carries_the_channels(mini):
    report = warehouse.build(mini)
    ch = build_profile("VNM", path=report.warehouse).channels
    assert ch is not None
    # values of tests/fixtures/mini_snapshot.py
    assert ch.value("us_aid", "us_aid_obligations", 2022) == 200_000_000
    assert ch.value("us_trade", "us_imports_from", 2022) == 130_000_000_000
    assert ch.value("migrants", "migrants_in_partner", 2019, "JPN") == 400_000
    assert ch.value("students", "students_in_partner", 2019, "KOR") == 37_000
    assert ch.latest["us_trade"].year == 2022
    assert ch.latest["us_trade"].source_ids == ("imf_dots_us/dots_us.csv.gz",)
    d = ch.to_dict()
    assert d["latest"]["students"]["year"] == 2019 and d["us_aid"]


def test_mini_channels_without_data_are_empty_not_errors(mini):
    report = warehouse.build(mini)
    ch = build_channels("CHN", path=report.warehouse)
    assert ch.tables["us_trade"].empty and ch.latest["us_trade"].year is None


# ------------------------------------------------------------------------- real snapshot

AID = "us_aid/us_foreign_aid_country.csv.gz"
DOTS = "imf_dots_us/dots_us.csv.gz"
MIG = "undesa_migrant_stock/UN_MigrantStockByOriginAndDestination_2019_clean.csv.gz"
STU = "oecd_students/OECD_Intl_Student_Enrollment_2013_2019.csv.gz"


@pytest.fixture(scope="module")
def vnm(real_warehouse):
    return build_profile("VNM", path=real_warehouse)


@pytest.mark.snapshot
def test_vnm_us_assistance_by_fiscal_year_equals_raw(real_snapshot, vnm):
    raw = pd.read_csv(real_snapshot / AID, dtype={"Fiscal Year": str})
    raw = raw[(raw["Country Code"] == "VNM") & raw["Fiscal Year"].str.fullmatch(r"\d{4}")]
    raw = raw.assign(fy=raw["Fiscal Year"].astype(int))
    checked = 0
    for name, measure in (("Obligations", "us_aid_obligations"),
                          ("Disbursements", "us_aid_disbursements")):  # fmt: skip
        for r in raw[raw["Transaction Type Name"] == name].itertuples():
            got = vnm.channels.value("us_aid", measure, r.fy)
            assert got == pytest.approx(r.current_amount, rel=1e-12), (name, r.fy)
            const = vnm.channels.value("us_aid", f"{measure}_constant", r.fy)
            assert const == pytest.approx(r.constant_amount, rel=1e-12), (name, r.fy)
            checked += 1
    assert checked >= 40
    years = vnm.channels.tables["us_aid"].query("measure == 'us_aid_obligations'")["year"]
    assert {2013, 2023} <= set(years)  # by fiscal year, to 2023 (2024 is partial)
    assert vnm.channels.latest["us_aid"].year == 2023
    assert list(vnm.channels.latest["us_aid"].partial) == [2024]
    # FY2023 obligations are about $175 million (sanity)
    assert 1e8 < vnm.channels.value("us_aid", "us_aid_obligations", 2023) < 3e8


@pytest.mark.snapshot
def test_vnm_us_goods_trade_to_2022_equals_raw(real_snapshot, vnm):
    with gzip.open(real_snapshot / DOTS, "rt", encoding="utf-8-sig") as fh:
        raw = pd.read_csv(io.StringIO(fh.read()))
    raw = raw[raw["Counterpart Country Code"] == 582]  # IMF area code of Vietnam
    ex = raw.iloc[:, 5]
    im = raw.iloc[:, 7]
    for year, e, i in zip(raw["Time Period"], ex, im, strict=True):
        assert vnm.channels.value("us_trade", "us_exports_to", year) == pytest.approx(e, rel=1e-12)
        assert vnm.channels.value("us_trade", "us_imports_from", year) == pytest.approx(
            i, rel=1e-12
        )
    assert vnm.channels.latest["us_trade"].year == 2022 == raw["Time Period"].max()
    assert vnm.channels.latest["us_trade"].source_ids == (DOTS,)


@pytest.mark.snapshot
def test_vnm_migrants_in_us_and_japan_2019_equal_raw(real_snapshot, vnm):
    raw = pd.read_csv(real_snapshot / MIG)
    raw = raw[raw.Year == 2019].set_index("Dest")
    for dest, partner in (("United States of America", "USA"), ("Japan", "JPN")):
        ref = float(raw.loc[dest, "Viet Nam"])
        got = vnm.channels.value("migrants", "migrants_in_partner", 2019, partner)
        assert got == pytest.approx(ref, rel=1e-12), dest
    # and the reverse: U.S.-born living in Viet Nam
    ref = float(raw.loc["Viet Nam", "United States of America"])
    got = vnm.channels.value("migrants", "migrants_from_partner", 2019, "USA")
    assert got == pytest.approx(ref, rel=1e-12)


@pytest.mark.snapshot
def test_vnm_students_in_us_and_japan_2019_equal_raw(real_snapshot, vnm):
    raw = pd.read_csv(real_snapshot / STU)
    raw = raw[(raw.COUNTRY_OF_ORIGIN == "Viet Nam") & (raw.YEAR == 2019)]
    total = raw.TOTAL_INTL_STUDENTS.sum()
    for school, partner in (("United States of America", "USA"), ("Japan", "JPN")):
        ref = float(raw[raw.COUNTRY_OF_SCHOOL.eq(school)].TOTAL_INTL_STUDENTS.item())
        got = vnm.channels.value("students", "students_in_partner", 2019, partner)
        assert got == pytest.approx(ref, rel=1e-12), school
        share = vnm.channels.value("students", "students_in_partner_share", 2019, partner)
        assert share == pytest.approx(100 * ref / total, rel=1e-12)
    assert "China" not in set(raw.COUNTRY_OF_SCHOOL)


@pytest.mark.snapshot
def test_vnm_chinese_finance_is_the_profiles_figure(vnm):
    """One truth: the channel's Chinese total is the sum of the profile's finance figures."""
    figs = {f.channel: f.value for f in vnm.figures if f.section == "finance" and f.actor == "CHN"}
    year = vnm.years["finance"]
    got = vnm.channels.value("finance", "cn_official_finance", year, "CHN")
    want = figs["ODA-like"] + figs["OOF-like"] + figs["vague"]
    assert got == pytest.approx(want, rel=1e-12)


@pytest.mark.snapshot
def test_cli_profile_vnm_shows_the_channels(real_warehouse):
    from article2.cli import app

    with paths.using_warehouse(real_warehouse):
        result = CliRunner().invoke(app, ["profile", "VNM"], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    out = re.sub(r"\s+", " ", result.output)  # Rich wraps lines at the terminal's width
    assert "U.S. foreign assistance to Vietnam by U.S. fiscal year" in out
    assert "FY2023" in out and "not ODA" in out and "FY2024 (partial)" in out
    assert "latest us_aid: 2023" in out
    assert "U.S. goods trade with Vietnam" in out and "2022" in out
    assert "Who moves — migrants 2019 (UN DESA), tertiary students 2019 (OECD)" in out
    assert "latest us_trade: 2022" in out and DOTS in out
    assert "Who finances Vietnam" in out and "cn_official_finance" in out


@pytest.mark.snapshot
def test_regions_and_aggregates_are_kept_apart_and_reported(real_snapshot, real_warehouse):
    raw = pd.read_csv(real_snapshot / AID, dtype={"Fiscal Year": str})
    ref = raw[(raw["Country Code"] == "EAQ") & (raw["Transaction Type Name"] == "Obligations")
              & (raw["Fiscal Year"] == "2022")]["current_amount"].item()  # fmt: skip
    got = warehouse.query(
        "SELECT value FROM aggregate_year WHERE code = 'EAQ' AND year = 2022 "
        "AND indicator = 'us_aid_obligations_current'",
        path=real_warehouse,
    )["value"].item()
    assert got == pytest.approx(ref, rel=1e-12)
    unmapped = warehouse.query("SELECT * FROM unmapped", path=real_warehouse)
    status = {(r.source_id, r.code): r.status for r in unmapped.itertuples()}
    assert status[(DOTS, "998")] == "aggregate"  # European Union, not loaded as a partner
    assert status[(MIG, "Micronesia")] == "aggregate"  # the UN region, not the country
    assert status[(AID, "TIB")] == "unmapped"
    q = warehouse.query(
        "SELECT reason, count(*) AS n FROM quarantine WHERE source_id = ? GROUP BY 1",
        [AID],
        path=real_warehouse,
    ).set_index("reason")["n"]
    assert q["transition quarter (July-September 1976), not a fiscal year"] == (
        raw["Fiscal Year"] == "1976tq"
    ).sum()


def test_economy_panel_is_every_countrys_series_in_one_query(mini):
    from article2.measures import economy

    wh = warehouse.open_warehouse(warehouse.build(mini).warehouse)
    panel = economy.panel(wh, us_aid.INDICATORS)
    assert not panel.empty
    for iso3, rows in panel.groupby("iso3"):
        one = economy.series(wh, str(iso3), us_aid.INDICATORS)
        got = rows.drop(columns="iso3").sort_values(["indicator", "year"]).reset_index(drop=True)
        pd.testing.assert_frame_equal(got, one[got.columns], check_dtype=False)
    with pytest.raises(ValueError, match="chosen series"):
        economy.panel(wh, ("gdp_usd",))
