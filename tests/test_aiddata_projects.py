"""AidData GCDF 3.0 project rows aggregated to recipient-years.

Reference: sums computed by hand in the test from the fixture's project rows (only rows
recommended for aggregates). Tolerance: relative 1e-12 (sums of a few float64 amounts).
"""

from __future__ import annotations

import hashlib
import math

import pytest

from article2 import paths, warehouse
from article2.errors import MissingColumnError
from article2.sources import aiddata_projects as ap
from article2.sources.download import FetchError
from tests.fixtures import official

pytestmark = pytest.mark.network

# id, ISO-3, year, recommended, class, amount, adjusted
PROJECTS = [
    (1, "VNM", 2019, "Yes", "ODA-like", 1_000_000.25, 900_000.0),
    (2, "VNM", 2019, "Yes", "ODA-like", 2_500_000.5, None),
    (3, "VNM", 2019, "No", "ODA-like", 7_777_777.0, 7_000_000.0),  # excluded
    (4, "VNM", 2019, "Yes", "OOF-like", 300_000_000.0, 250_000_000.0),
    (5, "VNM", 2020, "Yes", "Vague (Official Finance)", 42_000.0, 41_000.0),
    (6, "KHM", 2019, "Yes", "OOF-like", None, None),  # no amount: adds nothing
    (7, "KHM", 2019, "Yes", "ODA-like", 5_000.0, 5_000.0),
    (8, "", 2019, "Yes", "ODA-like", 9.0, 9.0),  # multi-country: unmapped
]


def hand_sums() -> dict[tuple[str, int, str], float]:
    out: dict[tuple[str, int, str], float] = {}
    for _, iso, year, rec, cls, amt, adj in PROJECTS:
        if rec != "Yes" or not iso:
            continue
        kind = {"ODA-like": "cn_of_oda", "OOF-like": "cn_of_oof"}.get(cls, "cn_of_vague")
        for ind, v in ((kind, amt), (kind + "_adj", adj)):
            out[(iso, year, ind)] = out.get((iso, year, ind), 0.0) + (v or 0.0)
    return out


@pytest.fixture
def server(httpserver, monkeypatch):
    monkeypatch.setenv("ARTICLE2_FETCH_BACKOFF", "0.001")
    monkeypatch.setenv("ARTICLE2_FETCH_RETRIES", "1")
    monkeypatch.delenv("ARTICLE2_SNAPSHOT", raising=False)
    monkeypatch.setattr(paths, "_default_snapshot_candidates", lambda: [])
    return httpserver


def test_fetch_zip_build_equals_hand_sum(server, monkeypatch):
    body = official.gcdf_zip(PROJECTS)
    monkeypatch.setenv("ARTICLE2_AIDDATA_URL", server.url_for("/ad4/gcdf3.zip"))
    server.expect_request("/ad4/gcdf3.zip").respond_with_data(body)
    files = ap.fetch(sha256=hashlib.sha256(body).hexdigest())
    assert [f.name for f in files] == ["gcdf3.zip"] and files[0].read_bytes() == body
    warehouse.build()
    got = warehouse.query("SELECT iso3, year, indicator, value, source_id FROM country_year")
    want = hand_sums()
    assert {(r.iso3, r.year, r.indicator) for r in got.itertuples()} == set(want)
    for r in got.itertuples():
        assert r.value == pytest.approx(want[(r.iso3, r.year, r.indicator)], rel=1e-12)
    assert set(got["source_id"]) == {"raw/aiddata/3.0/gcdf3.zip"}
    q = warehouse.query("SELECT field, value FROM quarantine")
    assert q.values.tolist() == [["Recipient ISO-3", ""]]


def test_hand_downloaded_xlsx_reads_the_same(tmp_path):
    f = tmp_path / "AidDatasGlobalChineseDevelopmentFinanceDataset_v3.0.xlsx"
    f.write_bytes(official.gcdf_xlsx(PROJECTS))
    res = ap.read(f, ap.ORIGIN).tables["country_year"]
    got = {(r.iso3, r.year, r.indicator): r.value for r in res.itertuples()}
    assert got.keys() == hand_sums().keys()
    assert all(math.isclose(got[k], v, rel_tol=1e-12) for k, v in hand_sums().items())


def test_missing_column_is_named(tmp_path):
    rows = [p[:6] + (None,) for p in PROJECTS]
    f = tmp_path / "x.xlsx"
    f.write_bytes(official.gcdf_xlsx(rows))
    from openpyxl import load_workbook

    wb = load_workbook(f)
    wb["GCDF_3.0"]["I1"] = "Recommended for research"  # renamed header
    wb.save(f)
    with pytest.raises(MissingColumnError, match="field 'Recommended For Aggregates'"):
        ap.read(f, ap.ORIGIN)


def test_corrupt_or_wrong_download_leaves_nothing(server, monkeypatch):
    monkeypatch.setenv("ARTICLE2_AIDDATA_URL", server.url_for("/ad4/gcdf3.zip"))
    server.expect_request("/ad4/gcdf3.zip").respond_with_data(b"PK\x03\x04 truncated")
    with pytest.raises(FetchError, match="not a readable zip"):
        ap.fetch()
    server.clear()
    server.expect_request("/ad4/gcdf3.zip").respond_with_data(b"<html><body>Login</body></html>")
    with pytest.raises(FetchError, match="gcdf3.zip: asked for a zip archive or an Excel"):
        ap.fetch()
    server.clear()
    server.expect_request("/ad4/gcdf3.zip").respond_with_data(official.gcdf_zip(PROJECTS))
    with pytest.raises(FetchError, match="SHA-256 mismatch"):
        ap.fetch(sha256="0" * 64)
    assert not (paths.raw_dir() / "aiddata" / "3.0").exists()
