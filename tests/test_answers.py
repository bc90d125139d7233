"""The profile's direct answers (:mod:`article2.measures.answers`): hand cases of each pure
definition, then each answer for Vietnam against the raw file it comes from.

Tolerances: counts of persons and ranks are compared exactly; shares and growth rates to 1e-9
relative (the same arithmetic in a different order); GDP and scores exactly as read.
"""

from __future__ import annotations

import gzip
import json

import numpy as np
import pandas as pd
import pytest

from article2.measures import answers as A

TOL = 1e-9


# ------------------------------------------------------------------------ hand cases


def test_top_partners_ranks_ties_self_and_share():
    flows = pd.DataFrame({
        "iso3": ["X"] * 8, "year": [2000] * 8,
        "partner": ["A", "B", "C", "D", "E", "F", "X", "G"],
        "value": [10.0, 30.0, 30.0, 5.0, 5.0, 20.0, 99.0, 0.0],
        "source_id": ["s"] * 8,
    })  # fmt: skip
    t = A.top_partners(flows)
    # B and C tie at 30: by code; D and E tie at 5: D is fifth; X (itself) and G (0) never
    assert t["partner"].tolist() == ["B", "C", "F", "A", "D"]
    assert t["rank"].tolist() == [1, 2, 3, 4, 5]
    assert t["share"].iloc[0] == pytest.approx(100 * 30 / 100, rel=TOL)  # total 100 without X


def test_gdp_rank_ties_share_the_lower_rank():
    gdp = pd.DataFrame({"iso3": list("ABCD"), "year": 2020, "value": [5.0, 9.0, 9.0, 1.0],
                        "source_id": "g"})  # fmt: skip
    r = A.gdp_rank(gdp).set_index("iso3")
    assert r.loc[["B", "C", "A", "D"], "value"].tolist() == [1, 1, 3, 4]
    assert (r["n"] == 4).all()


def test_population_growth_one_and_five_years():
    pop = pd.DataFrame({"iso3": "X", "year": range(2000, 2007),
                        "value": [100.0, 110, 121, 133.1, 146.41, 161.051, 177.1561],
                        "source_id": "p"})  # fmt: skip
    g = A.population_growth(pop).set_index(["measure", "year"])["value"]
    assert g[("population_growth_1y", 2001)] == pytest.approx(10.0, rel=TOL)
    assert g[("population_growth_5y", 2005)] == pytest.approx(10.0, rel=TOL)
    assert np.isnan(g[("population_growth_5y", 2004)])  # no base year 1999


def test_governance_latest_at_or_before_the_year():
    rows = pd.DataFrame({"iso3": "X", "year": [2010, 2012, 2015], "indicator": "gm_cpi",
                         "value": [1.0, 2.0, 3.0], "source_id": "c"})  # fmt: skip
    g = A.governance_latest(rows, 2014)
    assert g[["measure", "year", "value"]].values.tolist() == [["governance_cpi", 2012, 2.0]]


def test_never_in_force_curated_and_desta():
    ag = pd.DataFrame({
        "agreement_id": ["T", "C", "D1", "D2"], "source": ["curated", "curated", "desta", "desta"],
        "title": ["t", "c", "d1", "d2"],
        "signature": pd.to_datetime(["2016-02-04", "2018-03-08", "2001-01-01", None]),
        "citation_body": ["body", "body", "DESTA", "DESTA"], "citation_document": None,
        "citation_url": None,
    })  # fmt: skip
    mem = pd.DataFrame({
        "agreement_id": ["C", "D1", "D1", "D2"], "source": ["curated", "desta", "desta", "desta"],
        "iso3": ["X", "X", "Y", "X"],
        "since": pd.to_datetime(["2019-01-14", None, "2002-01-01", None]),
    })  # fmt: skip
    sig = pd.DataFrame({"agreement_id": ["T", "C"], "iso3": ["X", "X"]})
    nv = A.never_in_force(ag, mem, sig)
    # T: a signatory never a party; C: in force for X; D1: no force for X; D2: never signed
    assert nv[["iso3", "agreement_id", "source"]].values.tolist() == [
        ["X", "D1", "desta"], ["X", "T", "curated"]]  # fmt: skip


def test_an_undated_signature_is_shown_without_a_date():
    from article2.profiles.model import answers_rows

    ag = pd.DataFrame({"agreement_id": ["T"], "source": ["curated"], "title": ["t"],
                       "signature": [pd.NaT], "citation_body": ["body"],
                       "citation_document": [None], "citation_url": [None]})  # fmt: skip
    mem = pd.DataFrame({c: pd.Series([], dtype=object) for c in ("agreement_id", "source",
                                                                 "iso3")})  # fmt: skip
    mem["since"] = pd.to_datetime([])
    nv = A.never_in_force(ag, mem, pd.DataFrame({"agreement_id": ["T"], "iso3": ["X"]}))
    facts = pd.DataFrame(columns=["measure", "year", "value", "n", "base_year", "source_id"])
    a = A.Answers("X", {}, facts, nv.drop(columns="iso3"))
    assert a.to_dict()["signed_never_in_force"][0]["signature"] is None
    row = answers_rows(a)[0]
    assert row["year"] is None and "signed (no date)" in row["note"]


def test_every_answer_is_in_the_catalogue():
    from article2.measures.catalogue import MEASURES

    for name, m in A.MEASURES.items():
        assert MEASURES[name] is m
        assert m.label and m.unit and m.definition and m.source_ids


# ------------------------------------------------------------- against the raw files

#: UN DESA 2019 names of the destinations that are Vietnam's top five (test's own mapping)
_UN_NAMES = {"United States of America": "USA", "Australia": "AUS", "Japan": "JPN",
             "Canada": "CAN", "France": "FRA"}  # fmt: skip
#: UN geographic regions among the destination rows (UN M49 region names)
_UN_REGIONS = {"Caribbean", "Melanesia", "Micronesia", "Polynesia", "South America"}


@pytest.fixture(scope="module")
def vnm(real_warehouse):
    from article2 import warehouse

    return A.build_answers(warehouse.open_warehouse(real_warehouse), "VNM")


@pytest.mark.snapshot
def test_vietnam_migrant_destinations_2019_equal_the_un_desa_file(vnm, real_snapshot):
    path = real_snapshot / "undesa_migrant_stock" / (
        "UN_MigrantStockByOriginAndDestination_2019_clean.csv.gz")
    raw = pd.read_csv(path, dtype=str)
    raw = raw[(raw["Year"] == "2019") & ~raw["Dest"].isin(_UN_REGIONS | {"Viet Nam"})]
    v = pd.to_numeric(raw["Viet Nam"].str.replace(",", "").str.strip(), errors="coerce")
    ranked = pd.Series(v.to_numpy(), index=raw["Dest"]).dropna().sort_values(ascending=False)
    top = ranked.head(5)
    got = vnm.top["top_migrant_destinations"]
    got = got[got["year"] == 2019].sort_values("rank")
    assert got["partner"].tolist() == [_UN_NAMES[n] for n in top.index]
    assert got["value"].tolist() == top.tolist()
    np.testing.assert_allclose(got["share"], 100 * top / ranked[ranked > 0].sum(), rtol=TOL)


@pytest.mark.snapshot
def test_vietnam_student_destinations_2019_equal_the_oecd_file(vnm, real_snapshot):
    path = real_snapshot / "oecd_students" / "OECD_Intl_Student_Enrollment_2013_2019.csv.gz"
    raw = pd.read_csv(path)
    raw = raw[(raw["YEAR"] == 2019) & (raw["COUNTRY_OF_ORIGIN"] == "Viet Nam")
              & (raw["COUNTRY_OF_SCHOOL"] != "Viet Nam")]  # fmt: skip
    by = raw.groupby("COUNTRY_OF_SCHOOL")["TOTAL_INTL_STUDENTS"].sum()
    top = by.sort_values(ascending=False).head(5)
    got = vnm.top["top_student_destinations"]
    got = got[got["year"] == 2019].sort_values("rank")
    assert got["value"].tolist() == top.tolist()
    names = {"Japan": "JPN", "United States of America": "USA", "Australia": "AUS",
             "South Korea": "KOR", "Canada": "CAN"}  # fmt: skip
    assert got["partner"].tolist() == [names[n] for n in top.index]
    np.testing.assert_allclose(got["share"], 100 * top / by.sum(), rtol=TOL)


@pytest.mark.snapshot
def test_gdp_rank_equals_ranking_the_raw_wdi_column(vnm, real_snapshot, real_warehouse):
    """Vietnam's GDP rank: the raw WDI file's GDP column ranked among the countries of the
    warehouse's identity table (the file also holds regional and income aggregates)."""
    from article2 import warehouse
    from article2.measures import identity

    wh = warehouse.open_warehouse(real_warehouse)
    fact = vnm.fact("gdp_rank")
    assert fact is not None
    year = fact["year"]
    raw = pd.read_csv(real_snapshot / "wb_gdp" / "gdp.csv")
    known = set(identity.countries(wh)["iso3"])
    raw = raw[(raw["Year"] == year) & raw["Country Code"].isin(known) & (raw["Value"] > 0)]
    rank = int((raw["Value"] > raw.loc[raw["Country Code"] == "VNM", "Value"].iloc[0]).sum()) + 1
    assert fact["value"] == rank
    assert fact["n"] == len(raw)


@pytest.mark.snapshot
def test_population_growth_equals_the_raw_wdi_file(vnm, real_snapshot):
    raw = pd.read_csv(real_snapshot / "wb_population" / "population.csv")
    p = raw[raw["Country Code"] == "VNM"].set_index("Year")["Value"]
    one, five = vnm.fact("population_growth_1y"), vnm.fact("population_growth_5y")
    assert one is not None and five is not None
    y = one["year"]
    assert y == int(p.index.max())
    assert one["value"] == pytest.approx(100 * (p[y] / p[y - 1] - 1), rel=TOL)
    assert five["value"] == pytest.approx(100 * ((p[y] / p[y - 5]) ** 0.2 - 1), rel=TOL)


@pytest.mark.snapshot
def test_governance_scores_equal_the_gapminder_files(vnm, real_snapshot):
    for name, concept in (("governance_cpi", "corruption_perception_index_cpi"),
                          ("governance_democracy_eiu", "demox_eiu"),
                          ("governance_freedom_fh", "freedix_fh")):  # fmt: skip
        raw = pd.read_csv(real_snapshot / "gapminder" /
                          f"ddf--datapoints--{concept}--by--country--time.csv")
        mine = raw[raw["country"] == "vnm"].dropna(subset=[concept])
        last = mine.loc[mine["time"].idxmax()]
        fact = vnm.fact(name)
        assert fact is not None, name
        assert (fact["year"], fact["value"]) == (int(last["time"]), float(last[concept])), name


@pytest.mark.snapshot
def test_vietnam_signed_tpp_which_never_entered_into_force(vnm):
    nv = vnm.never_in_force.set_index("agreement_id")
    assert nv.loc["TPP", "signature"] == pd.Timestamp("2016-02-04")
    assert nv.loc["TPP", "source"] == "curated"
    assert "mfat.govt.nz" in nv.loc["TPP", "citation"]
    assert "CPTPP" not in nv.index  # in force for Vietnam since 2019-01-14


@pytest.mark.snapshot
def test_vietnam_top_import_origins_2014_equal_the_raw_cow_file(vnm, real_snapshot):
    """COW: each pair is listed in both orders; Vietnam's imports are flow1 of its rows."""
    import csv

    cow = {"710": "CHN", "732": "KOR", "740": "JPN", "713": "TWN", "800": "THA"}
    flows: dict[str, float] = {}
    path = real_snapshot / "cow_trade" / "cow_dyadic_trade_4.0.csv.gz"
    with gzip.open(path, "rt", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["year"] == "2014" and row["ccode1"] == "816" and float(row["flow1"]) >= 0:
                flows[row["ccode2"]] = float(row["flow1"]) * 1e6  # COW: millions of USD
    top = sorted(flows.items(), key=lambda kv: -kv[1])[:5]
    got = vnm.top["top_import_partners"].sort_values("rank")
    assert got["year"].unique().tolist() == [2014]
    assert got["partner"].tolist() == [cow[c] for c, _ in top]
    np.testing.assert_allclose(got["value"], [v for _, v in top], rtol=TOL)


@pytest.mark.snapshot
def test_profile_json_and_table_show_the_answers(real_warehouse):
    import re

    from typer.testing import CliRunner

    from article2 import api, paths
    from article2.cli import app

    with paths.using_warehouse(real_warehouse):
        d = api.profile("VNM").to_dict()
        direct = api.answers("VNM")
        out = CliRunner().invoke(app, ["profile", "VNM"], env={"COLUMNS": "250"})
    assert d["answers"]["top_partners"]["top_migrant_destinations"][0]["partner"] == "USA"
    assert d["answers"]["measures"]["gdp_rank"]["unit"] == "rank (1 = largest)"
    assert d["answers"]["facts"]["gdp_rank"]["value"] == direct.fact("gdp_rank")["value"]
    assert d["answers"]["signed_never_in_force"][0]["signature"] == "2016-02-04"
    json.dumps(d, allow_nan=False)
    assert out.exit_code == 0, out.output
    text = re.sub(r"\s+", " ", out.output)
    assert "Top 5 destinations of emigrants" in text and "TPP" in text
    assert "USA 1.4m (47.9%)" in text
    assert "Worldwide Governance Indicators" in text


@pytest.mark.snapshot
def test_catalogue_gives_the_profiles_answers(vnm, real_warehouse):
    """One truth: ``article2 measure NAME --year Y`` (the catalogue) holds, for Vietnam, the
    numbers its profile shows."""
    from article2 import warehouse
    from article2.measures import catalogue

    wh = warehouse.open_warehouse(real_warehouse)
    for name in ("gdp_rank", "population_growth_1y", "population_growth_5y", "governance_cpi",
                 "governance_democracy_eiu", "governance_freedom_fh"):  # fmt: skip
        fact = vnm.fact(name)
        assert fact is not None, name
        t = catalogue.table(wh, name, fact["year"])
        assert t.loc[t["iso3"] == "VNM", "value"].iloc[0] == fact["value"], name
    for name, top in vnm.top.items():
        y = int(top["year"].max())
        t = catalogue.table(wh, name, y)
        t = t[t["iso3"] == "VNM"].sort_values("rank")
        mine = top[top["year"] == y].sort_values("rank")
        assert t["partner"].tolist() == mine["partner"].tolist(), name
        assert t["value"].tolist() == mine["value"].tolist(), name
    t = catalogue.table(wh, "signed_never_in_force", 2024)
    assert t.loc[t["iso3"] == "VNM", "value"].iloc[0] == len(vnm.never_in_force)
