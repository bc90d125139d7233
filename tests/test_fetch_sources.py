"""Each fetcher against a local server with the project's format-true fixtures, then a build.

Reference values are the fixture's own numbers (written below); warehouse values must equal
them exactly (relative 1e-12): IMF values as delivered (full units; ``SCALE`` is the IMF's
display scale and is not applied), OECD values times 10^``UNIT_MULT``.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner
from werkzeug import Request, Response

from article2 import paths, warehouse
from article2.cli import app
from article2.sources import imf_imts, oecd_dac2a, wdi_api
from tests.fixtures import official

pytestmark = pytest.mark.network
runner = CliRunner()

GDP_PAGES = {
    1: [("JPN", "Japan", 2023, 4.2e12), ("USA", "United States", 2023, 2.77e13)],
    2: [("WLD", "World", 2023, 1.05e14), ("VNM", "Viet Nam", 2023, None)],
}


@pytest.fixture
def servers(httpserver, monkeypatch):
    monkeypatch.setenv("ARTICLE2_WDI_URL", httpserver.url_for("/v2"))
    monkeypatch.setenv("ARTICLE2_IMF_URL", httpserver.url_for("/imf"))
    monkeypatch.setenv("ARTICLE2_OECD_URL", httpserver.url_for("/oecd"))
    monkeypatch.setenv("ARTICLE2_FETCH_BACKOFF", "0.001")
    monkeypatch.setenv("ARTICLE2_FETCH_RETRIES", "2")
    return httpserver


@pytest.fixture
def no_snapshot(monkeypatch):
    """No snapshot anywhere: the build uses fetched files only."""
    monkeypatch.delenv("ARTICLE2_SNAPSHOT", raising=False)
    monkeypatch.setattr(paths, "_default_snapshot_candidates", lambda: [])


# other series of the fixture, of Japan's order of magnitude (the build's plausibility checks
# set GDP against population): persons, US dollars
OTHER_SERIES = {"SP.POP.TOTL": 124.5e6, "BX.KLT.DINV.CD.WD": 21.4e9, "ST.INT.RCPT.CD": 35.0e9}


def serve_wdi(server, *, fail_first: bool = False):
    calls = []

    def handler(request: Request) -> Response:
        code = request.path.rsplit("/", 1)[1]
        page = int(request.args["page"])
        calls.append((code, page))
        if fail_first and len(calls) == 1:
            return Response("", 429, headers={"Retry-After": "0"})
        if code == "NY.GDP.MKTP.CD":
            return Response(official.wdi_page(code, GDP_PAGES[page], page=page, pages=2))
        value = OTHER_SERIES.get(code, 1.0)
        return Response(official.wdi_page(code, [("JPN", "Japan", 2023, value)], page=1, pages=1))

    for code in wdi_api.SERIES:
        server.expect_request(f"/v2/country/all/indicator/{code}").respond_with_handler(handler)
    return calls


IMTS_ROWS = [
    # reporter, indicator, partner, freq, period, value (US dollars, as the IMF sends them)
    ("JPN", "XG_FOB_USD", "USA", "A", "2024", "148000512345.5"),
    ("USA", "MG_CIF_USD", "JPN", "A", "2024", "152000250000"),
    ("JPN", "XG_FOB_USD", "G001", "A", "2024", "707000000000"),
    ("JPN", "XG_FOB_USD", "USA", "M", "2024-M01", "12000000000"),
    ("JPN", "XG_FOB_USD", "CHN", "A", "2024", "NaN"),
]


def imts_body() -> bytes:
    return official.imf_imts_csv(IMTS_ROWS)


def build_cli(*args):
    r = runner.invoke(app, ["build", *args])
    assert r.exit_code == 0, r.output
    return r


def test_wdi_fetch_follows_pages_and_build_uses_it(servers, mini):
    calls = serve_wdi(servers, fail_first=True)
    r = runner.invoke(app, ["fetch", "wdi", "--format", "json"])
    assert r.exit_code == 0, r.output
    files = json.loads(r.stdout)
    gdp_pages = sorted(f["file"] for f in files if f["file"].startswith("NY.GDP"))
    assert gdp_pages == ["NY.GDP.MKTP.CD.p001.json", "NY.GDP.MKTP.CD.p002.json"]
    assert {f["vintage"] for f in files} == {"2025-07-01"}  # the API's lastupdated
    assert ("NY.GDP.MKTP.CD", 2) in calls

    build_cli("--snapshot", str(mini))
    got = warehouse.query(
        "SELECT iso3, value, c.source_id, s.vintage, s.retrieved FROM country_year c "
        "JOIN sources s USING (source_id) WHERE indicator = 'wdi_gdp_usd' ORDER BY iso3"
    )
    assert got["iso3"].tolist() == ["JPN", "USA"]
    assert got["value"].tolist() == [4.2e12, 2.77e13]
    assert got["source_id"].iloc[0] == "raw/wdi/2025-07-01/NY.GDP.MKTP.CD.p001.json"
    assert set(got["vintage"]) == {"2025-07-01"} and got["retrieved"].iloc[0]
    agg = warehouse.query("SELECT code, value FROM aggregate_year WHERE indicator='wdi_gdp_usd'")
    assert agg.values.tolist() == [["WLD", 1.05e14]]  # from page 2
    q = warehouse.query(
        "SELECT reason FROM quarantine WHERE source_id = ?",
        ["raw/wdi/2025-07-01/NY.GDP.MKTP.CD.p002.json"],
    )
    assert q["reason"].tolist() == ["no data: value missing"]  # Viet Nam's null
    # snapshot files are still there alongside
    assert warehouse.query("SELECT count(*) n FROM sources WHERE source_id LIKE 'wb_gdp/%'").n[0]

    r = runner.invoke(app, ["sources", "--fetched", "--format", "json"])
    status = {x["source"]: x for x in json.loads(r.stdout)}
    assert status["wdi"]["vintage"] == "2025-07-01" and status["wdi"]["stale"] == ""
    assert status["wdi"]["warehouse_vintage"] == "2025-07-01"
    assert status["imf_imts"]["stale"] == "not fetched"


def test_malformed_wdi_answer_leaves_data_home_and_warehouse_untouched(servers, mini):
    build_cli("--snapshot", str(mini))
    before = paths.warehouse_path().read_bytes()
    servers.expect_request("/v2/country/all/indicator/NY.GDP.MKTP.CD").respond_with_data(
        json.dumps([{"message": [{"id": "120", "key": "Invalid value", "value": "bad"}]}])
    )
    r = runner.invoke(app, ["fetch", "wdi"])
    assert r.exit_code == 1 and "Invalid value" in " ".join(r.output.split())
    assert "Traceback" not in r.output
    assert not (paths.raw_dir() / "wdi").exists() or not any(
        p for p in (paths.raw_dir() / "wdi").iterdir() if not p.name.startswith(".")
    )
    servers.clear()
    servers.expect_request("/v2/country/all/indicator/NY.GDP.MKTP.CD").respond_with_data(
        b"<html>Service unavailable</html>"
    )
    r = runner.invoke(app, ["fetch", "wdi"])
    assert r.exit_code == 1 and "malformed JSON" in " ".join(r.output.split())
    build_cli("--snapshot", str(mini))
    assert warehouse.query("SELECT count(*) n FROM sources WHERE source_id LIKE 'raw/%'").n[0] == 0
    assert len(before) > 0


def test_changed_raw_file_fails_the_build_and_keeps_the_warehouse(servers, mini):
    serve_wdi(servers)
    assert runner.invoke(app, ["fetch", "wdi"]).exit_code == 0
    build_cli("--snapshot", str(mini))
    before = paths.warehouse_path().read_bytes()
    page = paths.raw_dir() / "wdi" / "2025-07-01" / "NY.GDP.MKTP.CD.p001.json"
    page.write_bytes(page.read_bytes().replace(b"4200000000000.0", b"9200000000000.0"))
    r = runner.invoke(app, ["build", "--snapshot", str(mini)])
    assert r.exit_code == 1 and "SHA-256 mismatch" in r.output
    assert paths.warehouse_path().read_bytes() == before


def test_imts_sdmx_csv_to_dyads_and_world_totals(servers, no_snapshot):
    servers.expect_request("/imf/data/IMF.STA,IMTS/.XG_FOB_USD+MG_CIF_USD..A").respond_with_data(
        imts_body(), content_type="application/vnd.sdmx.data+csv"
    )
    files = imf_imts.fetch(vintage="2025-06")
    assert [f.name for f in files] == ["imf_imts.csv"]
    assert files[0].read_bytes() == imts_body()  # raw stays raw
    warehouse.build()  # fetched files only
    d = warehouse.query("SELECT iso3_o, iso3_d, indicator, value FROM dyad_year ORDER BY indicator")
    assert d.values.tolist() == [
        ["JPN", "USA", "trade_imf_exports", pytest.approx(148000512345.5, rel=1e-12)],
        ["JPN", "USA", "trade_imf_imports", pytest.approx(152000250000, rel=1e-12)],
    ]
    w = warehouse.query("SELECT iso3, indicator, value FROM country_year")
    assert w.values.tolist() == [["JPN", "trade_imf_exports_world", 707e9]]
    reasons = set(warehouse.query("SELECT reason FROM quarantine").reason)
    assert any("not an annual period" in x for x in reasons)
    assert "no data: value missing" in reasons
    src = warehouse.query("SELECT vintage, rows_read, rows_loaded FROM sources")
    assert src.values.tolist() == [["2025-06", 5, 3]]


def test_dac2a_unit_mult_and_donor_as_origin(servers, no_snapshot):
    rows = [("JPN", "VNM", "206", "2023", "1234.5"), ("USA", "PHL", "206", "2023", "456.25")]
    servers.expect_request(
        f"/oecd/data/{oecd_dac2a.FLOW}/{oecd_dac2a.KEY}",
        headers={"Accept": "application/vnd.sdmx.data+csv;version=2.0"},  # the OECD's own
    ).respond_with_data(official.oecd_dac2a_csv(rows))
    oecd_dac2a.fetch(vintage="2025-05")
    warehouse.build()
    d = warehouse.query(
        "SELECT iso3_o, iso3_d, value FROM dyad_year WHERE indicator='oda_dac_usd' ORDER BY iso3_o"
    )
    assert d.values.tolist() == [["JPN", "VNM", 1234.5e6], ["USA", "PHL", 456.25e6]]
    label = warehouse.query("SELECT description FROM indicators WHERE indicator='oda_dac_usd'")
    assert "net disbursements" in label.description[0] and "gross" not in label.description[0]


def test_non_sdmx_answer_is_refused(servers):
    servers.expect_request(
        f"/imf/data/{imf_imts.FLOW}/.XG_FOB_USD+MG_CIF_USD..A"
    ).respond_with_data("<html>maintenance</html>")
    with pytest.raises(Exception, match="answered an HTML page"):
        imf_imts.fetch(vintage="v1")
    assert not (paths.raw_dir() / "imf_imts" / "v1").exists()


def test_fetch_cli_rejects_unknown_source():
    r = runner.invoke(app, ["fetch", "nope"])
    assert r.exit_code == 1 and "allowed: imf_imts, wdi" in r.output


BACI_ROWS = {
    2022: [(2022, 392, 842, 870323, 1234.567, 10.5), (2022, 842, 392, 300490, 99.0, 0.25)],
    2023: [(2023, 392, 842, 870323, 1500.0, 12.0)],
}


def test_baci_zip_is_downloaded_verified_and_unpacked(servers, monkeypatch, no_snapshot):
    from article2.sources import baci_download
    from article2.sources.download import read_sidecar

    body = official.baci_zip("V202501", "HS92", BACI_ROWS)
    monkeypatch.setenv("ARTICLE2_BACI_URL", servers.url_for("/baci"))
    servers.expect_request("/baci/BACI_HS92_V202501.zip").respond_with_data(body)
    import hashlib

    files = baci_download.fetch(vintage="V202501", sha256=hashlib.sha256(body).hexdigest())
    assert files[0].read_bytes() == body
    _, extra = read_sidecar(files[0].with_name(files[0].name + ".origin.json"))
    assert extra["release"] == "V202501" and files[0].parent.name == "V202501_HS92"
    csv = files[0].parent / "unpacked" / "BACI_HS92_Y2022_V202501.csv"
    assert csv.read_text().splitlines()[1] == "2022,392,842,870323,1234.567,10.5"
    # the build sees the vintage (no reader here: product-level data is read by sources.baci)
    report = warehouse.build()
    assert [s.status for s in report.sources] in (["no reader"], ["loaded"])


def test_baci_corrupt_zip_and_changed_checksum_leave_nothing(servers, monkeypatch):
    from article2.sources import baci_download
    from article2.sources.download import FetchError

    monkeypatch.setenv("ARTICLE2_BACI_URL", servers.url_for("/baci"))
    servers.expect_request("/baci/BACI_HS92_V202501.zip").respond_with_data(b"PK\x03\x04garbage")
    with pytest.raises(FetchError, match="not a zip archive"):
        baci_download.fetch(vintage="V202501")
    servers.clear()
    servers.expect_request("/baci/BACI_HS92_V202501.zip").respond_with_data(b"<html>404</html>")
    with pytest.raises(FetchError, match="V202501.zip: asked for a zip archive but the service"):
        baci_download.fetch(vintage="V202501")
    body = official.baci_zip("V202501", "HS92", BACI_ROWS)
    servers.clear()
    servers.expect_request("/baci/BACI_HS92_V202501.zip").respond_with_data(body)
    with pytest.raises(FetchError, match="SHA-256 mismatch"):
        baci_download.fetch(vintage="V202501", sha256="ab" * 32)
    assert not (paths.raw_dir() / "baci" / "V202501_HS92").exists()


def test_weo_country_level_series(servers, no_snapshot):
    from article2.sources import imf_weo

    rows = [("VNM", "NGDP_RPCH", "2026", "6.5"), ("VNM", "NGDPD", "2026", "506432100000")]
    servers.expect_request(f"/imf/data/{imf_weo.FLOW}/{imf_weo.KEY}").respond_with_data(
        official.imf_weo_csv(rows)
    )
    imf_weo.fetch(vintage="2025-10")
    warehouse.build()
    got = warehouse.query("SELECT indicator, value FROM country_year WHERE iso3='VNM' ORDER BY 1")
    assert got["indicator"].tolist() == ["weo_gdp_growth_pct", "weo_gdp_usd"]
    # SCALE 9 is how the IMF displays NGDPD; the value is already in US dollars
    assert got["value"].tolist() == [6.5, pytest.approx(506432100000, rel=1e-12)]
