"""The agreement registry, its queries, the DESTA cleaning and conflicts, and the map.

Reference: the facts in ``tests/data/curated_facts.tsv`` as stated by the document each curated
record cites (checked 2026-11-23). Dates are exact (tolerance: none); DESTA dates are compared
by year because DESTA records years only.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from article2.agreements import queries as q
from article2.agreements.registry import CHECKED, clean_desta, load_curated

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def cur():
    return load_curated()


def _facts():
    with open(DATA / "curated_facts.tsv", encoding="utf-8") as fh:
        rows = [r for r in csv.reader(fh, delimiter="\t") if r and not r[0].startswith("#")]
    return rows


def test_every_curated_fact_has_a_citation_and_check_date(cur):
    a = cur.agreements
    assert a.citation_body.notna().all()
    assert (a.citation_document.notna() | a.citation_url.notna()).all()
    assert (a.checked == pd.Timestamp(CHECKED)).all()
    assert a.agreement_id.is_unique


@pytest.mark.parametrize("agreement,iso3,date,doc", _facts())
def test_curated_facts_match_their_citations(cur, agreement, iso3, date, doc):
    day = pd.Timestamp(date)
    before = day - pd.Timedelta(days=1)
    m = cur.memberships
    assert iso3 in q.members_at(m, agreement, day), doc
    assert iso3 not in q.members_at(m, agreement, before), doc


def test_wto_covers_every_member(cur):
    dated = set(q.members_at(cur.memberships, "WTO", "2026-11-23"))
    undated = set(cur.gaps[cur.gaps.agreement_id == "WTO"].iso3)
    assert not dated & undated
    # 166 WTO members at the date checked, including the European Union itself
    assert len(dated | undated) == 165


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        ("2018-12-29", []),
        ("2018-12-30", ["AUS", "CAN", "JPN", "MEX", "NZL", "SGP"]),
        ("2019-01-14", ["AUS", "CAN", "JPN", "MEX", "NZL", "SGP", "VNM"]),
    ],
)
def test_cptpp_members_around_entry_into_force(cur, at, expected):
    assert q.members_at(cur.memberships, "CPTPP", at) == expected


def test_rcep_not_in_force_at_signature(cur):
    assert q.members_at(cur.memberships, "RCEP", "2020-11-15") == []
    assert "CHN" in q.members_at(cur.memberships, "RCEP", "2022-01-01")


def test_eu_agreements_follow_eu_membership(cur):
    assert "GBR" in q.members_at(cur.memberships, "JPN-EU", "2019-06-01")
    assert "GBR" not in q.members_at(cur.memberships, "JPN-EU", "2021-06-01")
    assert "GBR" in q.members_at(cur.memberships, "JPN-GBR", "2021-06-01")


CLASS_CASES = [
    # actor, date, iso3, class
    ("USA", "2019-01-01", "KOR", "agreement"),
    ("USA", "2019-01-01", "AUS", "agreement"),
    ("USA", "2019-01-01", "SGP", "agreement"),
    ("USA", "2019-01-01", "VNM", "wto_member"),
    ("USA", "2019-01-01", "JPN", "wto_member"),
    ("USA", "2019-01-01", "PRK", "neither"),
    ("USA", "2019-01-01", "USA", "actor"),
    ("USA", "2011-01-01", "KOR", "wto_member"),
    ("USA", "2006-01-01", "VNM", "neither"),
    ("USA", "2021-01-01", "JPN", "wto_member"),  # the 2020 U.S.-Japan agreement is not an FTA
    ("JPN", "2019-01-01", "VNM", "agreement"),
    ("JPN", "2019-01-01", "DEU", "wto_member"),
    ("JPN", "2019-03-01", "DEU", "agreement"),
    ("CHN", "2019-01-01", "KOR", "agreement"),
    ("EU", "2019-01-01", "KOR", "agreement"),
    ("EU", "2019-01-01", "FRA", "actor"),
    ("EU", "2021-01-01", "GBR", "wto_member"),
]


@pytest.mark.parametrize(("actor", "at", "iso3", "cls"), CLASS_CASES)
def test_map_classification(cur, actor, at, iso3, cls):
    out = q.classify(
        cur.agreements, cur.memberships, [iso3], actor, at, undated_wto=tuple(cur.gaps.iso3)
    )
    assert out["class"].item() == cls


def test_unknown_actor_lists_allowed(cur):
    with pytest.raises(ValueError, match="allowed: USA, JPN, CHN, EU"):
        q.classify(cur.agreements, cur.memberships, ["KOR"], "KOR", "2019-01-01")


@settings(max_examples=25, deadline=None)
@given(
    st.dates(
        min_value=pd.Timestamp("1990-01-01").date(), max_value=pd.Timestamp("2026-11-23").date()
    )
)
def test_classes_are_a_partition(cur, day):
    countries = ["KOR", "VNM", "AUS", "PRK", "USA", "CHN", "MEX", "GBR"]
    out = q.classify(cur.agreements, cur.memberships, countries, "USA", day)
    assert list(out.iso3) == countries
    assert set(out["class"]) <= set(q.CLASSES)
    assert (out["class"] == "actor").sum() == 1


def test_trade_coverage_shares():
    trade = pd.DataFrame(
        {
            "iso3_o": ["KOR", "USA", "KOR", "CHN"],
            "iso3_d": ["USA", "KOR", "CHN", "KOR"],
            "value": [30.0, 10.0, 40.0, 20.0],
        }
    )
    cls = pd.DataFrame({"iso3": ["KOR", "CHN"], "class": ["agreement", "wto_member"]})
    out = q.trade_coverage(trade, cls, {"USA"}).set_index("iso3")
    assert out.loc["KOR", "share_with_actor"] == pytest.approx(40 / 100)
    assert out.loc["KOR", "covered_share"] == pytest.approx(0.4)
    assert out.loc["CHN", "covered_share"] == 0.0
    assert "USA" not in out.index


def test_desta_cleaning_rules():
    a = pd.DataFrame(
        {
            "agreement_id": ["A_1990O:X_1990A", "B_5241O", "C_2000O", "C_2001P"],
            "treaty_id": ["A_1990O", "B_5241O", "C_2000O", "C_2000O"],
            "title": ["A", "B", "C", "C Services"],
            "signature": pd.to_datetime(["1990-01-01", None, "2000-01-01", "2001-01-01"]),
            "force": pd.to_datetime(["1991-01-01", None, "2000-01-01", "2001-01-01"]),
            "end_date": pd.NaT,
            "catalogue_id": ["1", "2", "3", "3"],
            "agreement_type": "A",
        }
    )
    m = pd.DataFrame(
        {
            "agreement_id": ["A_1990O", "A_1990O", "C_2000O", "C_2000O"],
            "iso3": ["USA", "KOR", "USA", "KOR"],
            "force": pd.to_datetime([None, "1993-01-01", None, None]),
            "end_date": pd.NaT,
        }
    )
    out = clean_desta(a, m)
    assert sorted(out.agreements.agreement_id) == ["A_1990O", "C_2000O"]
    assert set(out.log.rule) == {"id_suffix", "placeholder_year", "shared_desta_id"}
    since = out.memberships.set_index(["agreement_id", "iso3"]).since
    assert since[("A_1990O", "KOR")] == pd.Timestamp("1993-01-01")
    assert since[("A_1990O", "USA")] == pd.Timestamp("1991-01-01")


def test_map_svg_colours(cur, tmp_path):
    from article2.agreements.map import COLOURS, map_countries, render

    cls = q.classify(
        cur.agreements,
        cur.memberships,
        map_countries(),
        "USA",
        "2019-01-01",
        undated_wto=tuple(cur.gaps.iso3),
    )
    svg = render(cls, tmp_path / "m.svg", title="t").read_text()
    fills = dict(re.findall(r'aria-label="([A-Z]{3})"[^>]*?fill="(#[0-9a-f]{6})"', svg))
    assert fills["KOR"] == COLOURS["agreement"]
    assert fills["AUS"] == COLOURS["agreement"]
    assert fills["VNM"] == COLOURS["wto_member"]
    assert fills["PRK"] == COLOURS["neither"]
    assert fills["USA"] == COLOURS["actor"]
    assert fills["GRL"] == COLOURS["no data"]


@pytest.mark.snapshot
def test_registry_with_real_desta(real_warehouse):
    from article2.agreements.conflicts import conflicts
    from article2.agreements.registry import load_registry

    reg = load_registry(real_warehouse)
    log = reg.cleaning
    # 81 never-signed placeholders in DESTA's agreement list (ids with year 5241)
    assert (log.rule == "placeholder_year").sum() == 81
    assert "ECSNIP_2018A" in set(log[log.rule == "shared_desta_id"].agreement_id)
    c = conflicts(reg.agreements, reg.memberships)
    # DESTA dates CPTPP's later members from 2018
    assert ((c.agreement_id == "CPTPP") & (c.field == "member since (VNM)")).any()
    between = q.agreements_between(reg.agreements, reg.memberships, "USA", "KOR", "2019-01-01")
    assert {"KORUS", "KOR-USA[KOR]_2007O"} <= set(between.agreement_id)
