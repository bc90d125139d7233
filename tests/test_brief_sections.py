"""The brief's channel sections on small hand-made channels (no warehouse): what each prints
with and without the OECD DAC2A data, a money column in one scale, and an empty channel left
out. Expected cells are worked out by hand in the comments."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd

from article2.briefs import charts as C
from article2.briefs import sections as S
from article2.briefs.numbers import fmt_column, fmt_value
from article2.measures import official_finance, us_aid
from article2.measures._channels import empty
from article2.measures.channels import Channels, ChannelYear


def _eu(year: int) -> tuple[str, ...]:
    return ("DEU", "FRA")


def _data(dac: pd.DataFrame) -> SimpleNamespace:
    aid = pd.DataFrame(
        {
            "iso3": "VNM",
            "year": [2021, 2022, 2021],
            "indicator": ["us_aid_obligations_current", "us_aid_obligations_current",
                          "us_aid_disbursements_current"],
            "value": [150e6, 2.5e9, 100e6],
            "source_id": "a.csv",
        }
    )  # fmt: skip
    gdp = pd.DataFrame({"iso3": "VNM", "year": [2022], "value": [250e9], "source_id": "g"})
    us = us_aid.us_assistance(aid, gdp)
    cn = pd.DataFrame({"iso3": "VNM", "year": [2021], "indicator": ["cn_of_oda"],
                       "value": [870e6], "source_id": [official_finance.CN_SOURCE]})  # fmt: skip
    fin = official_finance.official_finance(us, cn, dac, "VNM", _eu)
    tables = {"us_aid": us, "finance": fin, "us_trade": empty(), "migrants": empty(),
              "students": empty()}  # fmt: skip
    latest = {
        k: ChannelYear(k, k, None, ())
        for k in ("us_aid", "cn_finance", "dac_oda", "us_trade", "migrants", "students")
    }
    latest["cn_finance"] = ChannelYear("cn_finance", "", 2021, ())
    ch = Channels("VNM", tables, latest, notes=())
    return SimpleNamespace(name="Vietnam", profile=SimpleNamespace(channels=ch, years={}))


def _no_chart(make) -> str:
    return ""


def test_who_finances_without_dac_says_how_to_fetch_it():
    block = S.finance_block(_data(pd.DataFrame(columns=["iso3_o", "iso3_d", "year", "value",
                                                        "source_id"])), _no_chart)  # fmt: skip
    side = block.charts[0].table
    assert side.columns == ("year", "United States: obligations, current USD (fiscal year)",
                            "China: commitments, constant 2021 USD")  # fmt: skip
    # U.S. column: 150 m and 2.5 bn in one scale (bn, two decimals as 0.15 < 1); China 870 m
    assert side.rows == (("2021", "$0.15 bn", "$870.0 m"), ("2022", "$2.50 bn", "—"))
    assert any("article2 fetch oecd_dac2a" in n for n in block.notes)
    assert any("military included" in n and "ODA" in n for n in block.notes)
    # FY2022: 2.5 bn of a 250 bn GDP = 1.0%
    assert block.findings[0] == (
        "In fiscal year 2022 the United States obligated $2.5 bn of foreign assistance to "
        "Vietnam (1.0% of its GDP)."
    )


def test_who_finances_with_dac_shows_japan_and_eu_side_by_side():
    dac = pd.DataFrame({"iso3_o": ["JPN", "DEU", "FRA"], "iso3_d": "VNM", "year": 2021,
                        "value": [1.2e9, 200e6, 50e6], "source_id": "dac"})  # fmt: skip
    block = S.finance_block(_data(dac), _no_chart)
    side = block.charts[0].table
    assert side.columns[3:] == ("Japan: ODA, current USD", "EU members: ODA, current USD")
    assert side.rows[0][3:] == ("$1.2 bn", "$250.0 m")  # EU = DEU 200 m + FRA 50 m
    assert not any("fetch oecd_dac2a" in n for n in block.notes)
    # the same values in words, with the latest DAC2A year
    assert any("records $1.2 bn from Japan and $250.0 m from EU members of official development "
               "assistance to Vietnam in 2021, its latest year" in f for f in block.findings)  # fmt: skip


def test_empty_channels_are_left_out():
    data = _data(pd.DataFrame(columns=["iso3_o", "iso3_d", "year", "value", "source_id"]))
    assert S.us_trade_block(data, _no_chart) is None
    assert S.people_block(data, _no_chart) is None


def test_money_column_in_one_scale_and_no_negative_zero():
    assert fmt_column([-1e4, 5e6], "current USD") == ["-$0.01 m", "$5.00 m"]
    assert fmt_column([-0.5, 2.0], "%") == ["-0.5%", "2.0%"]  # a sign kept below one
    assert fmt_column([-0.01, 2.0], "%") == ["0.0%", "2.0%"]
    assert fmt_column([1234567.0, None], "persons") == ["1,234,567", "—"]
    assert fmt_value(-0.004, "share") == "-0.4%" and fmt_value(-0.00004, "share") == "0.0%"


def test_finance_panels_take_their_actors_colours():
    frame = pd.DataFrame({"panel": ["United States: obligations", "Japan: ODA"],
                          "year": [2021, 2021], "value": [1e6, 2e6]})  # fmt: skip
    spec = C.panel_bars(frame, y_title="USD million").to_dict()
    colours = [p["mark"]["color"] for p in spec["hconcat"]]
    assert colours == [C.ACTOR_COLOURS["USA"], C.ACTOR_COLOURS["JPN"]]


def test_history_label_only_when_years_reach_back():
    assert S.historical_years("VNM", [1990, 2014]) == (None, "")
    since, text = S.historical_years("VNM", [1970, 1980])
    assert since == 1976 and "Republic of Vietnam (South Vietnam)" in text
    since, text = S.historical_years("DEU", [1985, 1995])
    assert since == 1990 and "German Democratic Republic (1949–1990)" in text
