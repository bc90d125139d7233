"""The refresh path end to end: every online source answered by a local server, then
``article2 fetch --all`` and ``article2 build``, then the profile.

Every answer is a format-true fixture of :mod:`tests.fixtures.official`; the newest year of
each source is written below, and the reference is that year and the fixture's values: the
warehouse must hold each source's newest year from its fetched file, and the profile's trade
figures must be the newest IMTS year, with the fetched file (and so its vintage) as source.
"""

from __future__ import annotations

import json
import re
from html import unescape

import pandas as pd
import pytest
from typer.testing import CliRunner
from werkzeug import Request, Response

from article2 import api, paths, warehouse
from article2.cli import app
from article2.measures import economy, vintages
from article2.profiles import shared_trade_source
from article2.sources import comtrade_api, fetched, imf_dip, imf_weo, oecd_dac2a, wdi_api
from tests.fixtures import official

pytestmark = pytest.mark.network
runner = CliRunner()

YEAR = 2024  # the newest year the services have in this fixture (Comtrade: today - 2)
OLD = 2020  # the mini snapshot's World Bank GDP and population year, revised by the fetched WDI
REVISED = {"NY.GDP.MKTP.CD": 3.5e11, "SP.POP.TOTL": 97.0e6}  # Viet Nam in OLD, fetched WDI
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
    rows = [(c, NAMES[c], y, v * (0.95 if y < YEAR else 1)) for c, v in values.items()
            for y in (YEAR - 1, YEAR)]  # fmt: skip
    return [*rows, ("VNM", NAMES["VNM"], OLD, REVISED[code])]


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
    # Japan's GDP in YEAR + 1, a history year of this WEO vintage (fetched after YEAR + 1) that
    # WDI does not have yet: the newest year wins
    weo += [("JPN", "NGDPD", str(YEAR + 1), "4.1e12")]
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
    # EU members' bilateral ODA (France, Germany); the United Kingdom left the EU in 2020
    dac += [("FRA", "VNM", "206", str(YEAR - 1), "150.0"),
            ("DEU", "VNM", "206", str(YEAR - 1), "200.25"),
            ("GBR", "VNM", "206", str(YEAR - 1), "99.0")]  # fmt: skip
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


def _text(html: str) -> str:
    """The words a reader sees in an HTML page (tags, styles and scripts removed)."""
    html = re.sub(r"(?is)<(style|script)\b.*?</\1>", " ", html)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def _figures(doc: list[dict]) -> dict[tuple[str, str, str], dict]:
    return {(f["section"], f["actor"], f["channel"]): f for f in doc}


def test_every_surface_shows_each_sources_newest_year_and_source(
    httpserver, monkeypatch, mini, tmp_path
):
    """After ``fetch --all`` and ``build``: GDP, population, trade and official finance in the
    profile (Python API, CLI JSON, dashboard API) come from the newest year each source has,
    each with its year and its source id (the fetched file, whose path names the vintage); a
    year both the snapshot and a fetched vintage have takes the fetched value."""
    serve_everything(httpserver, monkeypatch)
    r = runner.invoke(app, ["fetch", "--all", "--format", "json"])
    assert r.exit_code == 0, r.output
    vintage = {f["source"]: f["vintage"] for f in json.loads(r.stdout)}
    r = runner.invoke(app, ["build", "--snapshot", str(mini)])
    assert r.exit_code == 0, r.output
    wdi = f"raw/wdi/{vintage['wdi']}"
    imts = f"raw/imf_imts/{vintage['imf_imts']}/imf_imts.csv"
    dac = f"raw/oecd_dac2a/{vintage['oecd_dac2a']}/oecd_dac2a.csv"
    weo = f"raw/imf_weo/{vintage['imf_weo']}/imf_weo.csv"

    # the measures layer: one GDP per country-year; the fetched WDI revision wins in OLD over
    # the snapshot's value; Japan's newest year is WEO's history year YEAR + 1
    wh = warehouse.open_warehouse()
    gdp = economy.gdp(wh)
    assert not gdp.duplicated(["iso3", "year"]).any()
    snap = wh.sql("SELECT value FROM country_year WHERE indicator = 'gdp_usd' AND iso3 = 'VNM' "
                  "AND year = ?", [OLD])["value"]  # fmt: skip
    assert len(snap) == 1 and snap.iloc[0] != REVISED["NY.GDP.MKTP.CD"]  # the snapshot's own
    vnm_old = gdp[(gdp["iso3"] == "VNM") & (gdp["year"] == OLD)]
    assert vnm_old["value"].tolist() == [REVISED["NY.GDP.MKTP.CD"]]
    assert vnm_old["source_id"].iloc[0].startswith(f"{wdi}/NY.GDP.MKTP.CD")
    newest = vintages.newest(gdp).set_index("iso3")
    assert newest.loc["VNM", "year"] == YEAR and newest.loc["JPN", "year"] == YEAR + 1
    assert newest.loc["JPN", "source_id"] == weo
    assert newest.loc["JPN", "value"] == pytest.approx(4.1e12, rel=1e-12)

    # the Python API: the default trade source is the one with the newest year (IMF IMTS)
    p = api.profile("VNM")
    assert p.trade_source == "imf" and p.years["trade"] == YEAR
    assert p.years["economy"] == YEAR
    frame = p.to_frame()
    figs = {(r.section, r.actor, r.channel): r for r in frame.itertuples(index=False)}
    g = figs[("economy", "", "GDP")]
    assert (g.year, g.value) == (YEAR, GDP["VNM"])
    assert g.source_ids == f"{wdi}/NY.GDP.MKTP.CD.p001.json"
    pop = figs[("economy", "", "population")]
    assert (pop.year, pop.value) == (YEAR, POP["VNM"])
    assert pop.source_ids == f"{wdi}/SP.POP.TOTL.p001.json"
    usa = figs[("trade", "USA", "imports")]
    assert (usa.year, usa.source_ids) == (YEAR, imts)
    assert usa.value == pytest.approx(VNM_IMPORTS[YEAR]["USA"], rel=1e-12)
    jpn = figs[("finance", "JPN", "official finance")]
    assert (jpn.year, jpn.source_ids) == (YEAR - 1, dac)
    assert jpn.value == pytest.approx(1234.5e6, rel=1e-12)  # USD millions x UNIT_MULT 6
    eu = figs[("finance", "EU", "official finance")]
    assert eu.year == YEAR - 1
    assert eu.value == pytest.approx((150.0 + 200.25) * 1e6, rel=1e-12)  # GBR not a member
    assert "net disbursements" in jpn.note
    # the channel table says the same
    latest = p.channels.latest["dac_oda"]
    assert (latest.year, latest.source_ids) == (YEAR - 1, (dac,))
    assert p.channels.value("finance", "dac_oda", YEAR - 1, "JPN") == jpn.value
    assert "net disbursements" in p.channels.definitions["JPN"]
    # a year both the snapshot and the fetched WDI have: the fetched value
    old = {(r.section, r.channel): r for r in api.profile("VNM", year=OLD).to_frame()
           .itertuples(index=False)}  # fmt: skip
    assert old[("economy", "GDP")].value == REVISED["NY.GDP.MKTP.CD"]
    assert old[("economy", "population")].value == REVISED["SP.POP.TOTL"]
    assert old[("economy", "GDP")].source_ids.startswith(wdi)

    # the CLI's JSON: the same figures, years and sources as the Python API
    r = runner.invoke(app, ["profile", "VNM", "--format", "json"])
    assert r.exit_code == 0, r.output
    cli = _figures(json.loads(r.stdout))
    for key in (("economy", "", "GDP"), ("economy", "", "population"),
                ("trade", "USA", "imports"), ("finance", "JPN", "official finance"),
                ("finance", "EU", "official finance")):  # fmt: skip
        f = figs[key]
        assert (cli[key]["year"], cli[key]["source_ids"]) == (f.year, f.source_ids), key
        assert cli[key]["value"] == pytest.approx(f.value, rel=1e-12), key
    # the table: the sections' years and the sources' vintages are printed
    r = runner.invoke(app, ["profile", "VNM"], terminal_width=250)
    assert r.exit_code == 0, r.output
    assert f"Trade, {YEAR} — IMF IMTS, fetched" in r.output
    assert f"economy {YEAR}" in r.output
    for sid in (imts, dac, f"{wdi}/NY.GDP.MKTP.CD.p001.json"):
        assert sid in r.output

    # several countries compare on one trade source: IMTS when it is the newest for all
    assert shared_trade_source(["VNM", "USA"]) == "imf"
    assert shared_trade_source(["VNM", "FRA"]) == "cow"  # France has no IMTS row here
    r = runner.invoke(app, ["compare", "VNM", "FRA", "--format", "json"])
    assert r.exit_code == 0, r.output
    trade_ids = {f["source_ids"] for f in json.loads(r.stdout) if f["section"] == "trade"}
    assert trade_ids == {"cow_trade/cow_dyadic_trade_4.0.csv.gz"}

    # the dashboard's profile API: the same figures; its country page
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from article2.web import create_app
    from article2.web.limits import Limits

    web = create_app(paths.warehouse_path(), limits=Limits(rate=0, time_limit=600))
    with TestClient(web) as c:
        got = c.get("/api/country/VNM/profile")
        assert got.status_code == 200, got.text
        doc = got.json()
        assert doc["trade_source"] == "imf" and doc["years"]["trade"] == YEAR
        econ = doc["presence"]["economy"]["target"]
        assert (econ["GDP"]["year"], econ["GDP"]["source_ids"]) == (
            YEAR, [f"{wdi}/NY.GDP.MKTP.CD.p001.json"])  # fmt: skip
        assert econ["GDP"]["value"] == GDP["VNM"]
        trade = doc["presence"]["trade"]["USA"]["imports"]
        assert (trade["year"], trade["source_ids"]) == (YEAR, [imts])
        page = c.get("/country/VNM")
        assert page.status_code == 200
        # the country page's "Latest values" are COW trade shares and IGOs (the map layers,
        # one source for every country): their latest year is COW's, not the fetched one
        assert re.search(r"Trade share with the United States 2014 ", _text(page.text))
        # its table of the latest year and source per channel: the fetched vintages
        shown = _text(page.text)
        assert re.search(rf"GDP \(current US\$\) {YEAR} World Bank WDI \(fetched\), vintage ",
                         shown), shown[:3000]  # fmt: skip
        assert re.search(rf"goods trade by actor {YEAR} IMF IMTS \(fetched\), vintage ", shown)
        web.state.store.close()

    # the brief: its trade is the profile's (the newest IMTS year is its reference year, the
    # fetched file named); GDP and population at the fetched WDI's newest year, named so;
    # Japan's and EU members' ODA from the fetched DAC2A; the fetched AidData year in the
    # Chinese finance sentence
    out = tmp_path / "briefs"
    r = runner.invoke(app, ["brief", "VNM", "--format", "html", "--out", str(out)])
    assert r.exit_code == 0, r.output
    text = _text((out / f"VNM_{YEAR}.html").read_text(encoding="utf-8"))
    flat = re.sub(r"\s+", "", text)  # numbers in sentences are marked up: compare without spaces
    imts_words = f"IMF IMTS (fetched), vintage {vintage['imf_imts']}"
    wdi_words = f"World Bank WDI (fetched), vintage {vintage['wdi']}"
    dac_words = f"OECD DAC2A (fetched), vintage {vintage['oecd_dac2a']}"
    assert f"Country brief, reference year {YEAR}" in text
    assert f"Referenceyear{YEAR}:thelatestyearofIMFIMTS,fetched" in flat
    assert "COW Dyadic Trade" not in text and f"as reported by the importer ({imts_words})" in text
    # Viet Nam's U.S. share of imports in YEAR, printed to one decimal (the fixture's values)
    usa = 100 * VNM_IMPORTS[YEAR]["USA"] / sum(VNM_IMPORTS[YEAR].values())
    row = re.search(rf"Share of Vietnam's imports by partner.*? year United States .*? {YEAR} "
                    r"(\d+\.\d)%", text)  # fmt: skip
    assert row is not None and row.group(1) == f"{usa:.1f}"
    assert f"GDP (current USD), {wdi_words} $476.0 bn {YEAR}" in text
    assert f"Population, {wdi_words} 101.0 million {YEAR}" in text
    assert f"(currentUSD,{YEAR},{wdi_words})".replace(" ", "") in flat
    # Japan's ODA 1234.5 million USD, EU members' 150.0 + 200.25 (the United Kingdom left)
    assert f"Japan's ODA (current USD), {dac_words} $1.2 bn {YEAR - 1}" in text
    assert f"EU members' ODA (current USD), {dac_words} $350.2 m {YEAR - 1}" in text
    assert (f"records$1.2bnfromJapanand$350.2mfromEUmembersofofficialdevelopmentassistance"
            f"toVietnamin{YEAR - 1}") in flat  # fmt: skip
    assert f"ODA of Japan and EU members {YEAR - 1} {dac_words}" in text
    assert not re.search(r"(Japan|EU members?)\W[^.]{0,80}\b(no data|not loaded)", text)
    assert "in 2015-2021" in text  # the snapshot's 2015 and the fetched vintage's 2021
    # a year asked for that IMTS does not reach: COW's trade, as before any fetch
    r = runner.invoke(app, ["brief", "VNM", "--year", "2014", "--format", "md", "--out", str(out)])
    assert r.exit_code == 0, r.output
    md = (out / "VNM_2014.md").read_text(encoding="utf-8")
    assert "as reported by the importer (COW Dyadic Trade)" in md and "IMF IMTS (fetched)" not in md
    # a year IMTS has: IMTS's trade in that year
    r = runner.invoke(app, ["brief", "VNM", "--year", str(YEAR - 1), "--format", "md",
                            "--out", str(out)])  # fmt: skip
    assert r.exit_code == 0, r.output
    md = (out / f"VNM_{YEAR - 1}.md").read_text(encoding="utf-8")
    assert f"as reported by the importer ({imts_words})" in md


def test_a_failed_refresh_keeps_the_previous_vintage_and_warehouse(httpserver, monkeypatch, mini):
    """A refresh that goes wrong changes nothing a user relies on: a service answering an HTML
    error page leaves that source's previous vintage byte for byte (and ``fetch`` exits 1
    saying so); a new vintage with a unit error (WDI GDP x 1000) fails the build, naming the
    file, and the previous warehouse and its profile stay as they were."""
    serve_everything(httpserver, monkeypatch)
    assert runner.invoke(app, ["fetch", "--all"]).exit_code == 0
    assert runner.invoke(app, ["build", "--snapshot", str(mini)]).exit_code == 0
    imts_dir = paths.raw_dir() / "imf_imts"
    before_imts = {p.relative_to(imts_dir): p.read_bytes() for p in imts_dir.rglob("*")
                   if p.is_file()}  # fmt: skip
    before_wh = paths.warehouse_path().read_bytes()
    before_profile = api.profile("VNM").to_frame()

    httpserver.clear()
    # registered first, so these answers win over serve_everything's for the same paths
    httpserver.expect_request("/imf/data/IMF.STA,IMTS/.XG_FOB_USD+MG_CIF_USD..A").respond_with_data(
        b"<!DOCTYPE html><html><body>Service Unavailable</body></html>",
        content_type="text/html",
    )
    gdp_x1000 = [(c, n, y, v * 1e3) for c, n, y, v in wdi_rows("NY.GDP.MKTP.CD")]
    httpserver.expect_request("/v2/country/all/indicator/NY.GDP.MKTP.CD").respond_with_data(
        official.wdi_page("NY.GDP.MKTP.CD", gdp_x1000, page=1, pages=1, lastupdated="2026-01-20")
    )
    for code in wdi_api.SERIES:
        if code != "NY.GDP.MKTP.CD":
            httpserver.expect_request(f"/v2/country/all/indicator/{code}").respond_with_data(
                official.wdi_page(code, wdi_rows(code), page=1, pages=1, lastupdated="2026-01-20")
            )
    serve_everything(httpserver, monkeypatch)

    r = runner.invoke(app, ["fetch", "--all"])
    out = " ".join(r.output.split())
    assert r.exit_code == 1, out
    assert "imf_imts:" in out and "the data home keeps its previous vintages" in out
    assert "Traceback" not in out
    after_imts = {p.relative_to(imts_dir): p.read_bytes() for p in imts_dir.rglob("*")
                  if p.is_file()}  # fmt: skip
    assert after_imts == before_imts
    assert (paths.raw_dir() / "wdi" / "2026-01-20").is_dir()  # the other sources refreshed

    r = runner.invoke(app, ["build", "--snapshot", str(mini)])
    out = " ".join(r.output.split())
    assert r.exit_code == 1, out
    assert "raw/wdi/2026-01-20/NY.GDP.MKTP.CD.p001.json" in out and "Traceback" not in out
    assert "previous warehouse (if any) is unchanged" in out
    assert paths.warehouse_path().read_bytes() == before_wh
    pd.testing.assert_frame_equal(api.profile("VNM").to_frame(), before_profile)
