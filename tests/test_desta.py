"""DESTA's dyadic list of treaties -> agreements and memberships (catalogue desta_dyads).

Reference: the fixture rows below, read by hand: one agreement per ``number``, the members
of an agreement are the union of the parties of its dyads. Exact comparison (codes and years).
"""

from __future__ import annotations

import pytest

from article2 import paths, warehouse
from article2.sources import desta
from article2.sources.download import FetchError
from tests.fixtures import official

pytestmark = pytest.mark.network

ROWS = [
    # number, base, name, entry_type, typememb, year, force, iso1, iso2, country1, country2
    ("3", "3", "Japan Viet Nam EPA", "base_treaty", "1", "2008", "2009", "392", "704",
     "Japan", "Viet Nam"),
    ("10", "10", "CPTPP", "base_treaty", "3", "2018", "2018", "392", "704", "Japan", "Viet Nam"),
    ("10", "10", "CPTPP", "base_treaty", "3", "2018", "2018", "392", "36", "Japan", "Australia"),
    ("10", "10", "CPTPP", "base_treaty", "3", "2018", "2018", "704", "36", "Viet Nam",
     "Australia"),
    ("10+1", "10", "CPTPP accession UK", "accession", "3", "2023", None, "826", "392",
     "United Kingdom", "Japan"),
    ("11", "11", "Côte d'Ivoire test", "base_treaty", "1", "20x8", "2010", "384", "250",
     "Côte d'Ivoire", "France"),  # bad year: quarantined
    ("12", "12", "Unknown party", "base_treaty", "1", "2001", "2002", "999", "250", "Nowhere",
     "France"),  # unknown code: that dyad is quarantined, the agreement stays
]  # fmt: skip


@pytest.fixture
def server(httpserver, monkeypatch):
    monkeypatch.setenv("ARTICLE2_FETCH_BACKOFF", "0.001")
    monkeypatch.setenv("ARTICLE2_FETCH_RETRIES", "1")
    monkeypatch.setenv(
        "ARTICLE2_DESTA_URL", httpserver.url_for("/media/desta_list_of_treaties_02_03_dyads.csv")
    )
    monkeypatch.delenv("ARTICLE2_SNAPSHOT", raising=False)
    monkeypatch.setattr(paths, "_default_snapshot_candidates", lambda: [])
    return httpserver


def test_fetch_latin1_file_and_build(server):
    body = official.desta_dyads(ROWS)
    assert "Côte".encode("latin-1") in body
    server.expect_request("/media/desta_list_of_treaties_02_03_dyads.csv").respond_with_data(body)
    files = desta.fetch()
    assert files[0].parent.name == "02_03" and files[0].read_bytes() == body
    warehouse.build()
    with warehouse.connect() as con:
        a = con.execute(
            "SELECT agreement_id, catalogue, catalogue_id, agreement_type, year(signature) s, "
            "year(force) f, force_precision FROM agreements ORDER BY agreement_id"
        ).fetchall()
    assert [list(r) for r in a] == [
        ["DESTA:10", "desta_dyads", "10", "base_treaty", 2018, 2018, "year"],
        ["DESTA:10+1", "desta_dyads", "10", "accession", 2023, None, None],
        ["DESTA:12", "desta_dyads", "12", "base_treaty", 2001, 2002, "year"],
        ["DESTA:3", "desta_dyads", "3", "base_treaty", 2008, 2009, "year"],
    ]
    m = warehouse.query(
        "SELECT agreement_id, list(iso3 ORDER BY iso3) m FROM memberships "
        "GROUP BY agreement_id ORDER BY agreement_id"
    )
    assert {r.agreement_id: list(r.m) for r in m.itertuples()} == {
        "DESTA:10": ["AUS", "JPN", "VNM"],
        "DESTA:10+1": ["GBR", "JPN"],
        "DESTA:3": ["JPN", "VNM"],
    }
    q = warehouse.query("SELECT row, field, value FROM quarantine ORDER BY row")
    assert q.values.tolist() == [[6, "year", "20x8"], [7, "iso1", "999"]]


def test_missing_column_and_empty_answer_leave_nothing(server):
    url = "/media/desta_list_of_treaties_02_03_dyads.csv"
    server.expect_request(url).respond_with_data(b"number,name\n3,x\n")
    with pytest.raises(FetchError, match="field 'base_treaty'"):
        desta.fetch()
    server.clear()
    server.expect_request(url).respond_with_data(b"")
    with pytest.raises(FetchError, match="empty response body"):
        desta.fetch()
    server.clear()  # a moved file: the site answers its HTML "page not found"
    server.expect_request(url).respond_with_data(b"<!DOCTYPE html><html><title>Not found</title>")
    with pytest.raises(
        FetchError, match=r"dyads.csv: asked for CSV but the service answered an HTML"
    ):
        desta.fetch()
    assert not (paths.raw_dir() / "desta" / "02_03").exists()


SPECIAL_ROWS = [
    # codes DESTA uses for states that no longer exist or have changed code, with the names
    # it writes beside them (ISO 3166-3 withdrawn codes; see desta.SPECIAL)
    ("20", "20", "EFTA Yugoslavia", "base_treaty", "1", "1983", "1983", "890", "756",
     "Yugoslavia", "Switzerland"),
    ("21", "21", "EC Czechoslovakia", "base_treaty", "1", "1988", "1988", "200", "280",
     "Czechoslovakia", "Germany, Federal Republic"),
    ("22", "22", "CMEA", "base_treaty", "3", "1949", "1949", "810", "278", "USSR",
     "German Democratic Republic"),
    ("23", "23", "COMESA Sudan", "base_treaty", "3", "1994", "1994", "736", "231", "Sudan",
     "Ethiopia"),
    ("24", "24", "CEFTA 2006", "base_treaty", "3", "2006", "2007", "900", "891", "Kosovo",
     "Serbia and Montenegro"),
    ("25", "25", "Caricom NA", "base_treaty", "3", "2000", "2001", "530", "720",
     "Netherlands Antilles", "Yemen, South"),
    ("26", "26", "Mislabelled", "base_treaty", "1", "2000", "2001", "900", "392", "Andorra",
     "Japan"),  # 900 with another name: quarantined, not mapped to Kosovo
]  # fmt: skip


def test_special_codes_are_mapped_after_checking_the_name(tmp_path):
    path = tmp_path / "d.csv"
    path.write_bytes(official.desta_dyads(SPECIAL_ROWS))
    res = desta.read(path, desta.ORIGIN)
    m = res.tables["memberships"].dropna(subset=["iso3"])
    got = {(a, s): i for a, s, i in m[["agreement_id", "state_id", "iso3"]].itertuples(index=False)}
    assert got[("DESTA:20", "890")] == "YUG"
    assert got[("DESTA:21", "200")] == "CSK" and got[("DESTA:21", "280")] == "DEU"
    assert got[("DESTA:22", "810")] == "SUN" and got[("DESTA:22", "278")] == "DDR"
    assert got[("DESTA:23", "736")] == "SDN"
    assert got[("DESTA:24", "900")] == "XKX" and got[("DESTA:24", "891")] == "SCG"
    assert got[("DESTA:25", "530")] == "ANT" and got[("DESTA:25", "720")] == "YMD"
    assert ("DESTA:26", "900") not in got
    bad = res.rejected
    row = bad[bad["reason"].str.startswith("DESTA special code does not match")]
    assert row["value"].tolist() == ["900 / Andorra"]
    assert not (bad["reason"] == "unknown ISO 3166 numeric code").any()
