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
    # 166 WTO members at the date checked, including the European Union itself: all dated
    assert len(dated) == 165
    assert not (cur.gaps.kind == "undated").any()
    # the dates of 1995-1997 ratifications are confirmed against a stored copy, or say they are not
    src = cur.member_sources.set_index("iso3")
    assert len(src) == 39
    unconfirmed = set(cur.gaps[cur.gaps.kind == "unconfirmed"].iso3)
    assert unconfirmed == set(src[src.confidence == "unconfirmed"].index)
    assert (src[src.confidence == "confirmed"].confirmed_by.str.startswith("https://")).all()
    assert (src.checked == pd.Timestamp(CHECKED)).all()


def test_curated_eu_membership_matches_country_groups(cur):
    """The EU's member states at 31 December of each year are those of
    ``countries.group_members("EU", year)`` (the UK through its 2020 transition period)."""
    from article2 import countries

    for year in range(1958, 2027):
        at = f"{year}-12-31"
        assert q.members_at(cur.memberships, "EU", at) == sorted(
            countries.group_members("EU", year)
        ), year


def test_parties_with_eu_follow_eu_membership_and_provisional_application(cur):
    m = cur.memberships
    assert "KOR" not in q.members_at(m, "EU-KOR", "2011-06-30")
    assert {"KOR", "FRA"} <= set(q.members_at(m, "EU-KOR", "2011-07-01"))  # provisional
    assert "HRV" not in q.members_at(m, "EU-KOR", "2013-06-30")
    assert "HRV" in q.members_at(m, "EU-KOR", "2013-07-01")
    assert "GBR" in q.members_at(m, "EU-KOR", "2020-12-31")
    assert "GBR" not in q.members_at(m, "EU-KOR", "2021-01-01")
    assert "GBR" in q.members_at(m, "EU-GBR", "2021-01-01")
    assert "ECU" not in q.members_at(m, "EU-COL-PER-ECU", "2016-12-31")
    assert "ECU" in q.members_at(m, "EU-COL-PER-ECU", "2017-01-01")


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
    ("EU", "2020-06-01", "GBR", "actor"),  # transition period
    ("EU", "2021-01-01", "GBR", "agreement"),  # Trade and Cooperation Agreement, provisional
    ("EU", "2017-09-20", "CAN", "wto_member"),
    ("EU", "2017-09-21", "CAN", "agreement"),  # CETA, provisional application
    ("EU", "2024-04-30", "NZL", "wto_member"),
    ("EU", "2024-05-01", "NZL", "agreement"),
    ("EU", "2019-01-01", "MEX", "agreement"),
    ("EU", "2019-01-01", "CHL", "agreement"),
    ("EU", "2019-01-01", "JPN", "wto_member"),
    ("EU", "2019-02-01", "JPN", "agreement"),
    ("EU", "2019-11-21", "SGP", "agreement"),
    ("EU", "2020-08-01", "VNM", "agreement"),
    ("EU", "2020-07-31", "VNM", "wto_member"),
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
    assert fills["CAN"] == COLOURS["agreement"]
    assert fills["PER"] == COLOURS["agreement"]
    assert fills["JPN"] == COLOURS["wto_member"]
    assert fills["IND"] == COLOURS["wto_member"]
    assert fills["MMR"] == COLOURS["wto_member"]
    assert fills["IRN"] == COLOURS["neither"]


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


# --------------------------------------------------------------------- DESTA-only agreements


def _desta_case():
    """Two DESTA agreements, one covered by a curated record, one DESTA-only; one EU state."""
    agr = pd.DataFrame(
        {
            "agreement_id": ["C1", "EU", "D_COVERED", "D_ONLY", "D_MEMBER_STATE"],
            "source": ["curated", "curated", "desta", "desta", "desta"],
            "rta": True,
            "force": pd.to_datetime(
                ["2010-06-01", "1958-01-01", "2009-01-01", "2005-01-01", "1990-01-01"]
            ),  # fmt: skip
            "desta_id": ["D_COVERED", None, "D_COVERED", "D_ONLY", "D_MEMBER_STATE"],
        }
    )
    mem = pd.DataFrame(
        {
            "agreement_id": [
                "C1",
                "C1",
                "EU",
                "D_COVERED",
                "D_COVERED",
                "D_ONLY",
                "D_ONLY",
                "D_MEMBER_STATE",
                "D_MEMBER_STATE",
            ],  # fmt: skip
            "source": ["curated"] * 3 + ["desta"] * 6,
            "iso3": ["AAA", "BBB", "FRA", "AAA", "BBB", "AAA", "CCC", "FRA", "DDD"],
            "since": pd.to_datetime(
                [
                    "2010-06-01",
                    "2010-06-01",
                    "1995-01-01",
                    "2009-01-01",
                    "2009-01-01",
                    "2005-01-01",
                    "2005-01-01",
                    "1990-01-01",
                    "1990-01-01",
                ]
            ),  # fmt: skip
            "until": pd.NaT,
        }
    )
    over = pd.DataFrame(columns=["desta_id", "action", "curated_id", "reason", "end",
                                 "drop_members"])  # fmt: skip
    return agr, mem, over


def test_desta_only_agreements_count_and_curated_wins():
    from article2.agreements.merge import merge

    agr, mem, over = _desta_case()
    out = merge(agr, mem, over)
    # the curated record wins: the DESTA record it names is set aside (its 2009 date is not used)
    assert "D_COVERED" not in set(out.agreements.agreement_id)
    assert q.agreements_with(out.agreements, out.memberships, "BBB", {"AAA"}, "2009-06-01",
                             sources=("curated", "desta")) == []  # fmt: skip
    assert q.agreements_with(out.agreements, out.memberships, "BBB", {"AAA"}, "2010-06-01",
                             sources=("curated", "desta")) == ["C1"]  # fmt: skip
    # the DESTA-only agreement counts from DESTA's date
    assert q.agreements_with(out.agreements, out.memberships, "CCC", {"AAA"}, "2005-01-01",
                             sources=("curated", "desta")) == ["D_ONLY"]  # fmt: skip
    # a member state's own agreement ends when it joins the EU (logged)
    assert q.agreements_with(out.agreements, out.memberships, "DDD", {"FRA"}, "1994-12-31",
                             sources=("curated", "desta")) == ["D_MEMBER_STATE"]  # fmt: skip
    assert q.agreements_with(out.agreements, out.memberships, "DDD", {"FRA"}, "1995-01-01",
                             sources=("curated", "desta")) == []  # fmt: skip
    assert set(out.log.action) == {"covered", "eu_accession"}


def test_ruled_not_fta_is_dropped_from_the_map_and_listed_as_no_rta():
    from article2.agreements.merge import merge

    agr, mem, _ = _desta_case()
    agr = agr.assign(title=agr.agreement_id, kind="fta", signature=pd.NaT)
    over = pd.DataFrame({"desta_id": ["D_ONLY"], "action": ["not_fta"], "curated_id": [None],
                         "reason": ["a bilateral trade agreement"], "end": [pd.NaT],
                         "drop_members": [()]})  # fmt: skip
    both = ("curated", "desta")
    dropped = merge(agr, mem, over)
    assert "D_ONLY" not in set(dropped.agreements.agreement_id)
    kept = merge(agr, mem, over, keep_not_fta=True)
    row = kept.agreements.set_index("agreement_id").loc["D_ONLY"]
    assert not row.rta and row.source == "desta"
    # listed between the two, never counted as a trade agreement
    listed = q.agreements_between(kept.agreements, kept.memberships, "AAA", "CCC", "2006-01-01",
                                  sources=both)  # fmt: skip
    assert list(listed.agreement_id) == ["D_ONLY"] and not listed.rta.any()
    assert q.agreements_with(kept.agreements, kept.memberships, "CCC", {"AAA"}, "2006-01-01",
                             sources=both) == []  # fmt: skip
    # the covered DESTA duplicate stays out of the listing: the curated date wins
    early = q.agreements_between(kept.agreements, kept.memberships, "AAA", "BBB", "2009-06-01",
                                 sources=both)  # fmt: skip
    assert early.empty


def test_desta_overrides_parse_and_name_known_records(cur):
    o = cur.desta_overrides
    assert o.desta_id.is_unique
    assert set(o.action) <= {"superseded", "not_fta", "same_as", "members"}
    assert (o.citation.str.len() > 0).all()
    assert o[o.action == "same_as"].curated_id.notna().all()


DESTA_MAP_CASES = [
    # actor, date, iso3, class, agreement_source
    ("JPN", "2019-01-01", "MMR", "agreement", "desta"),  # ASEAN-Japan CEP, DESTA only
    ("JPN", "2007-01-01", "MMR", "wto_member", ""),
    ("CHN", "2019-01-01", "IND", "agreement", "desta"),  # Asia-Pacific Trade Agreement
    ("USA", "2019-01-01", "VNM", "wto_member", ""),  # 2000 BTA: ruled not an FTA
    ("USA", "2019-01-01", "PER", "agreement", "curated"),  # DESTA record covered by US-PER
    ("EU", "2019-01-01", "TUR", "agreement", "desta"),  # EC-Turkey customs union
    ("EU", "2019-01-01", "IND", "wto_member", ""),  # GSTP ends for Romania on EU accession
]


@pytest.mark.snapshot
@pytest.mark.parametrize(("actor", "at", "iso3", "cls", "basis"), DESTA_MAP_CASES)
def test_map_counts_desta_only_agreements(real_warehouse, actor, at, iso3, cls, basis):
    from article2.agreements.merge import merge

    reg = _registry(real_warehouse)
    m = merge(reg.agreements, reg.memberships, reg.desta_overrides)
    out = q.classify(m.agreements, m.memberships, [iso3], actor, at, sources=("curated", "desta"))
    assert out["class"].item() == cls
    assert out["agreement_source"].item() == basis


_REG = {}


def _registry(path):
    from article2.agreements.registry import load_registry

    if path not in _REG:
        _REG[path] = load_registry(path)
    return _REG[path]


CURATED_GOOD = """\
_cit: &cit {body: A ministry, document: The treaty, url: https://example.org/treaty}
agreements:
  - id: AB-FTA
    title: A-B free trade agreement
    kind: fta
    rta: true
    signature: 2001-02-03
    force: 2002-03-04
    citation: *cit
    checked: 2026-11-23
    members: {AAA: 2002-03-04, BBB: 2003}
    member_sources:
      AAA: {confidence: confirmed, checked: 2026-11-23, confirmed_by: [https://example.org/a]}
desta_overrides:
  - {desta_id: "AAA-BBB[NA]_1999O", action: not_fta, checked: 2026-11-23, citation: *cit,
     reason: "a bilateral trade agreement, not an FTA"}
"""


def _curated(tmp_path, text):
    from article2.agreements.registry import load_curated

    (tmp_path / "test.yaml").write_text(text)
    return load_curated(tmp_path)


def test_curated_loader_reads_a_good_file(tmp_path):
    c = _curated(tmp_path, CURATED_GOOD)
    assert list(c.agreements.agreement_id) == ["AB-FTA"]
    assert q.members_at(c.memberships, "AB-FTA", "2003-01-01") == ["AAA", "BBB"]
    assert list(c.desta_overrides.action) == ["not_fta"]


@pytest.mark.parametrize(
    ("old", "new", "match"),
    [
        ("    kind: fta\n", "    kind: fta\n    kinds: fta\n",
         r"test.yaml: agreement #1 \(AB-FTA\): unknown key 'kinds'; allowed: checked, citation"),
        ("kind: fta", "kind: free", r"\(AB-FTA\): key 'kind': Input should be 'fta', "),
        ("rta: true", "rta: 'yes'", r"\(AB-FTA\): key 'rta': .*boolean, not 'yes'"),
        ("title: A-B free trade agreement", "title: 12", r"key 'title': .*string, not 12"),
        ("force: 2002-03-04", "force: March 2002", r"key 'force': not a date \(YYYY-MM-DD or YYYY\)"),
        ("BBB: 2003}", "BBB: 2003, ccc: 2004}", r"key 'members.ccc \(the key\)': String should match"),
        ("BBB: 2003}", "BBB: later}", r"key 'members.BBB': not a date"),
        ("    checked: 2026-11-23\n    members", "    members", r"\(AB-FTA\): missing key 'checked'"),
        ("    citation: *cit\n    checked", "    citation: {body: A ministry}\n    checked",
         r"key 'citation': .*needs 'document' or 'url'"),
        ("confirmed_by: [https://example.org/a]", "note: x",
         r"'confirmed' needs key 'confirmed_by'"),
        ("confidence: confirmed", "confidence: sure", r"key 'member_sources.AAA.confidence'"),
        ("      AAA: {confidence", "      CCC: {confidence",
         r"key 'member_sources' names CCC, not among 'members'"),
        ("action: not_fta", "action: gone",
         r"desta_overrides #1 \(AAA-BBB\[NA\]_1999O\): key 'action': .*'superseded', 'not_fta'"),
        ("action: not_fta", "action: same_as", r"action 'same_as' needs key 'curated_id'"),
        ("reason: ", "why: ", r"desta_overrides #1 .*unknown key 'why'"),
        ("desta_overrides:", "desta_override:", r"test.yaml: unknown key 'desta_override'"),
    ],
)  # fmt: skip
def test_curated_loader_rejects_bad_documents(tmp_path, old, new, match):
    from article2.agreements.registry import CuratedFactError

    assert old in CURATED_GOOD
    with pytest.raises(CuratedFactError, match=match):
        _curated(tmp_path, CURATED_GOOD.replace(old, new, 1))
