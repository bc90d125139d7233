"""The refresh path end to end: every online source answered by a local server, then
``article2 fetch --all`` and ``article2 build``, then the profile.

Every answer is a format-true fixture of :mod:`tests.fixtures.official`; the newest year of
each source is written below, and the reference is that year and the fixture's values: the
warehouse must hold each source's newest year from its fetched file, and the profile's trade
figures must be the newest IMTS year, with the fetched file (and so its vintage) as source.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner
from werkzeug import Request, Response

from article2 import paths, warehouse
from article2.cli import app
from article2.sources import comtrade_api, fetched, imf_dip, imf_weo, oecd_dac2a, wdi_api
from tests.fixtures import official

pytestmark = pytest.mark.network
runner = CliRunner()

YEAR = 2024  # the newest year the services have in this fixture (Comtrade: today - 2)
GDP = {"VNM": 4.76e11, "USA": 2.9e13, "JPN": 4.03e12, "CHN": 1.87e13, "KOR": 1.71e12}
POP = {"VNM": 101.0e6, "USA": 340.0e6, "JPN": 124.0e6, "CHN": 1409.0e6, "KOR": 51.7e6}
NAMES = {"VNM": "Viet Nam", "USA": "United States", "JPN": "Japan", "CHN": "China",
         "KOR": "Korea, Rep."}  # fmt: skip
# Viet Nam's goods imports by partner (CIF, US dollars), older and newest year
VNM_IMPORTS = {2023: {"CHN": 110.0e9, "KOR": 53.0e9, "JPN": 21.0e9, "USA": 14.0e9},
               YEAR: {"CHN": 143.9e9, "KOR": 56.1e9, "JPN": 22.4e9, "USA": 15.1e9}}  # fmt: skip


def wdi_rows(code: str) -> list[tuple]:
    values = {"NY.GDP.MKTP.CD": GDP, "SP.POP.TOTL": POP}.get(code)
    if values is None:
        return [("VNM", "Viet Nam", YEAR, None)]
    return [(c, NAMES[c], y, v * (0.95 if y < YEAR else 1)) for c, v in values.items()
            for y in (YEAR - 1, YEAR)]  # fmt: skip


def serve_everything(server, monkeypatch) -> dict[str, list]:
    for name, path in (("IMF", "/imf"), ("OECD", "/oecd"), ("WDI", "/v2"), ("BACI", "/baci")):
        monkeypatch.setenv(f"ARTICLE2_{name}_URL", server.url_for(path))
    monkeypatch.setenv("ARTICLE2_COMTRADE_PREVIEW_URL", server.url_for("/public/v1/preview"))
    monkeypatch.delenv("ARTICLE2_COMTRADE_KEY", raising=False)
    monkeypatch.setenv("ARTICLE2_AIDDATA_URL", server.url_for("/aid/GCDF_3.0.zip"))
    monkeypatch.setenv(
        "ARTICLE2_DESTA_URL", server.url_for("/desta/desta_list_of_treaties_02_03_dyads.csv")
    )
    monkeypatch.setenv("ARTICLE2_FETCH_BACKOFF", "0.001")
    for code in wdi_api.SERIES:
        server.expect_request(f"/v2/country/all/indicator/{code}").respond_with_data(
            official.wdi_page(code, wdi_rows(code), page=1, pages=1, lastupdated="2025-12-16")
        )
    imts = [("VNM", "MG_CIF_USD", p, "A", str(y), repr(v))
            for y, flows in VNM_IMPORTS.items() for p, v in flows.items()]  # fmt: skip
    imts += [("USA", "MG_CIF_USD", "VNM", "A", str(YEAR), "136.6e9"),
             ("VNM", "MG_CIF_USD", "G001", "A", str(YEAR), "380.0e9")]  # fmt: skip
    server.expect_request("/imf/data/IMF.STA,IMTS/.XG_FOB_USD+MG_CIF_USD..A").respond_with_data(
        official.imf_imts_csv(imts)
    )
    weo = [(c, "NGDPD", str(y), repr(v * (0.95 if y < YEAR else 1)))
           for c, v in GDP.items() for y in (YEAR - 1, YEAR)]  # fmt: skip
    weo += [("VNM", "NGDP_RPCH", str(y), "7.1") for y in (YEAR, YEAR + 1)]  # a projection year
    server.expect_request(f"/imf/data/{imf_weo.FLOW}/{imf_weo.KEY}").respond_with_data(
        official.imf_weo_csv(weo)
    )
    dip = [("VNM", "O", imf_dip.INWARD, "JPN", str(YEAR - 1), "21.5e9"),
           ("JPN", "O", imf_dip.OUTWARD, "VNM", str(YEAR - 1), "22.7e9")]  # fmt: skip
    server.expect_request(f"/imf/data/{imf_dip.FLOW}/{imf_dip.KEY}").respond_with_data(
        official.imf_dip_csv(dip)
    )
    dac = [
        ("JPN", "VNM", "206", str(y), v) for y, v in ((YEAR - 2, "1200.5"), (YEAR - 1, "1234.5"))
    ]
    server.expect_request(f"/oecd/data/{oecd_dac2a.FLOW}/{oecd_dac2a.KEY}").respond_with_data(
        official.oecd_dac2a_csv(dac)
    )
    baci_rows = {YEAR - 1: [(YEAR - 1, 704, 842, 851713, 1.2e7, 900.5)]}
    server.expect_request("/baci/BACI_HS92_V202601.zip").respond_with_data(
        official.baci_zip("V202601", "HS92", baci_rows)
    )
    comtrade_calls: list[Request] = []

    def comtrade(request: Request) -> Response:
        comtrade_calls.append(request)
        r, f = int(request.args["reporterCode"]), request.args["flowCode"]
        year = int(request.args["period"])
        rows = [(year, 704, "M", 842, "851713", 2.5e6, 120.0)] if (r, f) == (704, "M") else []
        return Response(official.comtrade_answer(rows), content_type="application/json")

    server.expect_request("/public/v1/preview/C/A/HS").respond_with_handler(comtrade)
    server.expect_request("/aid/GCDF_3.0.zip").respond_with_data(
        official.gcdf_zip([("1", "VNM", 2021, "Yes", "ODA-like", 3.0e8, 3.1e8)])
    )
    server.expect_request("/desta/desta_list_of_treaties_02_03_dyads.csv").respond_with_data(
        official.desta_dyads(
            [
                (
                    "3",
                    "3",
                    "Japan Viet Nam EPA",
                    "base_treaty",
                    "1",
                    "2008",
                    "2009",
                    "392",
                    "704",
                    "Japan",
                    "Viet Nam",
                )
            ]
        )  # fmt: skip
    )
    return {"comtrade": comtrade_calls}


def test_fetch_all_then_build_uses_each_sources_newest_year(httpserver, monkeypatch, mini):
    calls = serve_everything(httpserver, monkeypatch)
    r = runner.invoke(app, ["fetch", "--all", "--format", "json"])
    assert r.exit_code == 0, r.output
    fetched_files = json.loads(r.stdout)
    assert {f["source"] for f in fetched_files} == set(fetched.FETCHERS)
    # Comtrade: the default reporters, one period, both flows: 8 calls, none capped
    n = len(comtrade_api.DEFAULT_REPORTERS) * 2
    assert len(calls["comtrade"]) == n
    assert f"comtrade: {n} calls" in r.output

    r = runner.invoke(app, ["build", "--snapshot", str(mini)])
    assert r.exit_code == 0, r.output

    newest = warehouse.query(
        """SELECT split_part(source_id, '/', 2) AS source, max(year) AS year FROM (
             SELECT source_id, year FROM country_year UNION ALL
             SELECT source_id, year FROM dyad_year)
           WHERE source_id LIKE 'raw/%' GROUP BY 1 ORDER BY 1"""
    )
    got = dict(zip(newest["source"], newest["year"], strict=True))
    assert got["imf_imts"] == YEAR and got["wdi"] == YEAR
    assert got["imf_weo"] == YEAR + 1  # WEO's projection year is its newest
    assert got["oecd_dac2a"] == YEAR - 1 and got["imf_dip"] == YEAR - 1
    assert got["aiddata"] == 2021
    vintages = warehouse.query(
        "SELECT DISTINCT split_part(source_id, '/', 2) s, vintage FROM sources "
        "WHERE source_id LIKE 'raw/%' ORDER BY 1"
    )
    v = dict(zip(vintages["s"], vintages["vintage"], strict=True))
    assert v["wdi"] == "2025-12-16" and v["baci"] == "V202601_HS92" and v["desta"] == "02_03"

    # the profile's trade figures: the newest IMTS year, the fetched file as source
    r = runner.invoke(app, ["profile", "VNM", "--trade-source", "imf", "--format", "json"])
    assert r.exit_code == 0, r.output
    figs = {(f["actor"], f["channel"]): f for f in json.loads(r.stdout) if f["section"] == "trade"}
    usa = figs[("USA", "imports")]
    assert usa["year"] == YEAR
    assert usa["value"] == pytest.approx(VNM_IMPORTS[YEAR]["USA"], rel=1e-12)
    assert usa["share"] == pytest.approx(
        VNM_IMPORTS[YEAR]["USA"] / sum(VNM_IMPORTS[YEAR].values()), rel=1e-12
    )
    imts_vintage = next(f["vintage"] for f in fetched_files if f["source"] == "imf_imts")
    assert usa["source_ids"] == f"raw/imf_imts/{imts_vintage}/imf_imts.csv"
    assert figs[("USA", "exports")]["value"] == pytest.approx(136.6e9, rel=1e-12)

    # every fetched source is in the warehouse at the vintage fetched, nothing stale
    r = runner.invoke(app, ["sources", "--fetched", "--format", "json"])
    status = {x["source"]: x for x in json.loads(r.stdout)}
    assert {s: x["stale"] for s, x in status.items()} == {s: "" for s in fetched.FETCHERS}
    assert paths.warehouse_path().is_file()
