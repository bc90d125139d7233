"""The JSON API and pages of the dashboard, through FastAPI's TestClient on the real warehouse.

Reference values are computed here directly from the raw COW Dyadic Trade file
(``cow_dyadic_trade_4.0.csv.gz``) with pandas, independently of the warehouse and its SQL.
Tolerance: 1e-6 percentage points — both sides add the same non-missing flows (the raw file
lists every pair in both orders; we read the rows where the country is state 1), so only
floating-point summation order differs.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from urllib.parse import quote

import pandas as pd
import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from article2.web import create_app  # noqa: E402
from article2.web.data import PROVENANCE_COLUMNS, registry  # noqa: E402
from article2.web.limits import Limits  # noqa: E402

pytestmark = pytest.mark.snapshot
TOL = 1e-6


@pytest.fixture(scope="module")
def client(real_warehouse):
    # what the answers are, not how fast: no rate limit, a time limit no test machine reaches
    app = create_app(real_warehouse, limits=Limits(rate=0, time_limit=600))
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c
    app.state.store.close()


@pytest.fixture(scope="module")
def cow_raw(real_snapshot) -> pd.DataFrame:
    raw = pd.read_csv(real_snapshot / "cow_trade" / "cow_dyadic_trade_4.0.csv.gz")
    return raw.drop_duplicates(["ccode1", "ccode2", "year"])


def _reference_share(
    raw: pd.DataFrame, cow: int, partners: set[int], year: int, direction: str = "trade"
) -> float:
    rows = raw[(raw["ccode1"] == cow) & (raw["year"] == year)]
    cols = {"trade": ["flow1", "flow2"], "import": ["flow1"], "export": ["flow2"]}[direction]
    flows = rows[cols].where(rows[cols] >= 0)  # -9 = missing
    total = flows.sum().sum()
    part = flows[rows["ccode2"].isin(partners)].sum().sum()
    return 100 * part / total


@pytest.mark.parametrize(
    ("iso3", "cow", "indicator", "partners", "year", "direction"),
    [
        ("KOR", 732, "trade_share_usa", {2}, 2010, "trade"),
        ("KOR", 732, "trade_share_chn", {710}, 2014, "trade"),
        ("AUS", 900, "import_share_jpn", {740}, 2000, "import"),
        ("IDN", 850, "export_share_usajpn", {2, 740}, 2005, "export"),
    ],
)
def test_shares_match_raw_file(client, cow_raw, iso3, cow, indicator, partners, year, direction):
    expected = _reference_share(cow_raw, cow, partners, year, direction)
    rows = client.get(f"/api/map/{indicator}", params={"year": year}).json()["rows"]
    got = next(r["value"] for r in rows if r["iso3"] == iso3)
    assert got == pytest.approx(expected, abs=TOL)
    series = client.get(f"/api/country/{iso3}/series", params={"indicator": indicator}).json()
    by_year = {r["year"]: r["value"] for r in series["rows"]}
    assert by_year[year] == pytest.approx(expected, abs=TOL)


def test_balance_is_allies_minus_china(client):
    def get(name):
        return {
            r["iso3"]: r["value"]
            for r in client.get(f"/api/map/{name}", params={"year": 2012}).json()["rows"]  # noqa: E731
        }
    balance, allies, china = (
        get("balance_usajpn_chn"),
        get("trade_share_usajpn"),
        get("trade_share_chn"),
    )
    for iso3 in ("KOR", "AUS", "VNM", "DEU", "BRA"):
        assert balance[iso3] == pytest.approx(allies[iso3] - china[iso3], abs=TOL)
    assert balance["CHN"] is None  # China is not its own partner


def test_eu_share_uses_members_of_the_year(client, cow_raw):
    # the United Kingdom is an EU member in 2010: Ireland's EU share counts its UK trade
    from article2 import countries

    members = countries.group_members("EU", 2010)
    table = countries.country_table().set_index("iso3")["cow_code"]
    cows = {int(table[m]) for m in members if m != "IRL" and pd.notna(table[m])}
    expected = _reference_share(cow_raw, 205, cows, 2010)
    rows = client.get("/api/map/trade_share_eu", params={"year": 2010}).json()["rows"]
    assert next(r["value"] for r in rows if r["iso3"] == "IRL") == pytest.approx(expected, abs=TOL)


# COW state codes of the recipients (Correlates of War state list), written out so that the
# reference does not go through the warehouse's code table
COW_CODES = {"AGO": 540, "KEN": 501, "LKA": 780, "PAK": 770, "VNM": 816}


@pytest.fixture(scope="module")
def cn_finance_raw(real_snapshot) -> pd.DataFrame:
    """Chinese official finance as % of GDP from the two raw files, as the layer defines it:
    ODA-like + OOF-like + vague commitments (``cow_gcdf.csv``) over GDP in current USD
    (``wb_gdp/gdp.csv``), for each recipient-year with both."""
    aid = pd.read_csv(real_snapshot / "aiddata_gcdf" / "cow_gcdf.csv")
    gdp = pd.read_csv(real_snapshot / "wb_gdp" / "gdp.csv")
    gdp = gdp[gdp["Value"] > 0].rename(columns={"Country Code": "iso3", "Year": "year"})
    by_code = {v: k for k, v in COW_CODES.items()}
    aid = aid[aid["ccode"].isin(by_code)].assign(iso3=lambda d: d["ccode"].map(by_code))
    aid["finance"] = aid[["oda_amt", "oof_amt", "vof_amt"]].sum(axis=1)
    both = aid.merge(gdp[["iso3", "year", "Value"]], on=["iso3", "year"])
    return both.assign(value=100 * both["finance"] / both["Value"])[["iso3", "year", "value"]]


@pytest.mark.parametrize("iso3", sorted(COW_CODES))
def test_cn_finance_pct_gdp_matches_raw_files(client, cn_finance_raw, iso3):
    expected = cn_finance_raw[cn_finance_raw["iso3"] == iso3].set_index("year")["value"]
    assert len(expected) >= 15, iso3  # the reference itself covers most of 2000-2021
    body = client.get(f"/api/country/{iso3}/series", params={"indicator": "cn_finance_pct_gdp"})
    got = {r["year"]: r["value"] for r in body.json()["rows"] if r["value"] is not None}
    # the same years (a year without a raw row has no value, not zero) and the same values;
    # tolerance: both sides add the same three amounts, only the summation order may differ
    assert sorted(got) == sorted(expected.index), iso3
    for year, value in expected.items():
        assert got[year] == pytest.approx(value, rel=1e-9), (iso3, year)
    for year in (2005, 2015):
        rows = client.get("/api/map/cn_finance_pct_gdp", params={"year": year}).json()["rows"]
        shown = next((r["value"] for r in rows if r["iso3"] == iso3), None)
        assert shown == pytest.approx(expected.get(year), rel=1e-9), (iso3, year)
    profile = client.get(f"/api/country/{iso3}").json()
    assert profile["indicators"]["cn_finance_pct_gdp"]["source_id"] == (
        "aiddata_gcdf/cow_gcdf.csv; wb_gdp/gdp.csv"
    )


def test_every_row_carries_provenance(client):
    for url in (
        "/api/map/igo_shared_usa?year=2000",
        "/api/country/JPN/series?indicator=trade_share_chn",
        "/api/country/JPN/ties",
        "/api/compare?iso3=JPN&iso3=KOR",
    ):
        body = client.get(url).json()
        assert body["rows"], url
        for column in PROVENANCE_COLUMNS:
            assert all(r[column] for r in body["rows"]), (url, column)


def test_csv_downloads(client):
    r = client.get("/api/map/trade_share_chn", params={"year": 2014, "format": "csv"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert {"iso3", "year", "value", *PROVENANCE_COLUMNS} <= set(rows[0])
    js = client.get("/api/map/trade_share_chn", params={"year": 2014}).json()["rows"]
    assert len(rows) == len(js)


def test_registry_endpoints(client):
    inds = client.get("/api/indicators").json()["indicators"]
    assert [i["name"] for i in inds] == list(registry())
    assert all(i["description"] and i["unit"] and i["years"] for i in inds)
    countries = client.get("/api/countries").json()["rows"]
    assert any(c["iso3"] == "JPN" for c in countries)
    assert client.get("/api/sources").json()["rows"]
    caps = client.get("/api/capabilities").json()["capabilities"]
    assert set(caps) == {
        "profile",
        "rank",
        "architecture",
        "recommendations",
        "dependencies",
        "brief",
    }
    spec = client.get("/openapi.json").json()
    assert "/api/map/{indicator}" in spec["paths"]


def test_profile_and_ties(client):
    body = client.get("/api/country/jpn").json()  # case-insensitive key
    assert body["country"]["iso3"] == "JPN"
    assert set(body["indicators"]) == {n for n, i in registry().items() if i.has_series}
    ties = client.get("/api/country/KOR/ties", params={"year": 2014}).json()["rows"]
    assert ties[0]["partner"] == "CHN"
    assert sum(t["share_pct"] for t in ties) <= 100 + TOL


def test_capabilities_not_in_build_say_so(client):
    from article2.web import capabilities

    for name in ("profile", "architecture", "recommendations", "dependencies"):
        r = client.get(f"/api/country/JPN/capability/{name}")
        if not capabilities.available(name):
            assert r.status_code == 404 and "not in this build" in r.json()["error"]
    if not capabilities.available("rank"):
        assert client.get("/api/ranking").status_code == 404
        assert "not in this build" in client.get("/ranking").text
    if not capabilities.available("brief"):
        r = client.get("/country/JPN/brief.pdf")
        assert r.status_code == 404 and "not in this build" in r.json()["error"]


@pytest.mark.parametrize(
    ("url", "status", "words"),
    [
        ("/api/map/bogus", 422, "allowed: trade_share_usa"),
        ("/api/map/trade_share_usa?year=2030", 404, "available years are 1870-2014"),
        ("/api/map/trade_share_usa?year=2101", 422, "less than or equal to 2100"),
        ("/api/map/trade_share_usa?year=abc", 422, "year"),
        ("/api/map/trade_share_usa?format=xml", 422, "format"),
        ("/api/country/XXX", 404, "unknown country 'XXX'"),
        ("/api/country/JP'N;DROP TABLE countries", 404, "unknown country"),
        ("/api/country/JPN/series", 422, "indicator"),
        ("/api/country/JPN/series?indicator=nope", 422, "unknown indicator"),
        ("/api/country/JPN/ties?year=1700", 422, "greater than or equal to 1800"),
        ("/api/country/JPN/ties?year=1850", 404, "not covered"),
        ("/api/country/JPN/capability/magic", 422, "unknown capability"),
        ("/api/compare?iso3=JPN&iso3=ZZZ", 404, "ZZZ"),
        ("/api/compare", 422, "iso3"),
        ("/country/JPN/brief.doc", 404, "brief.html or brief.pdf"),
        ("/nowhere", 404, "no such page"),
    ],
)
def test_bad_input_gets_clear_4xx(client, url, status, words):
    r = client.get(url)
    assert r.status_code == status, r.text
    if url.startswith("/api/"):
        assert words in r.json()["error"]
    else:  # a page: an HTML error page with the message and a way back
        assert r.headers["content-type"].startswith("text/html")
        assert words in html.unescape(r.text) and 'href="/"' in r.text
        # a client that asks for JSON only gets JSON
        assert words in client.get(url, headers={"accept": "application/json"}).json()["error"]
    assert "Traceback" not in r.text


def test_pages_and_security_headers(client):
    for url in (
        "/",
        "/?indicator=igo_shared_jpn&year=1990",
        "/country/KOR",
        "/compare",
        "/compare?iso3=JPN&iso3=VNM&indicator=balance_usajpn_chn",
        "/ranking",
        "/sources",
    ):
        r = client.get(url)
        assert r.status_code == 200, url
        csp = r.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "http" not in csp
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "no-referrer"
        assert not re.search(r'(src|href)="(https?:)?//', r.text), url  # no external assets
    html_error = client.get("/country/XXX", headers={"accept": "text/html"})
    assert html_error.status_code == 404 and "unknown country" in html_error.text
    assert client.get("/vendor/vega-bundle.js").text.count("vegaEmbed") > 0
    assert client.get("/geo/countries-110m.json").json()["type"] == "Topology"


def test_switching_indicator_keeps_the_nearest_year(client):
    r = client.get("/", params={"indicator": "cn_finance_pct_gdp", "year": 1990})
    assert r.status_code == 200 and 'data-year="2000"' in r.text


_INDICATORS = st.one_of(st.sampled_from(sorted(registry())), st.text(max_size=30))
_ISO3 = st.one_of(st.sampled_from(["JPN", "KOR", "USA", "CHN", "SUN", "TWN"]), st.text(max_size=6))
_YEAR = st.one_of(
    st.none(), st.integers(-(10**12), 10**12), st.integers(1860, 2030), st.text(max_size=8)
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    indicator=_INDICATORS,
    iso3=_ISO3,
    year=_YEAR,
    fmt=st.sampled_from(["json", "csv", "x"]),
    which=st.integers(0, 9),
    at=st.one_of(st.none(), st.dates().map(str), st.text(max_size=12)),
)
def test_no_input_gives_a_5xx(client, indicator, iso3, year, fmt, which, at):
    params = {"format": fmt} | ({} if year is None else {"year": year})
    indicator, iso3 = quote(indicator, safe=""), quote(iso3, safe="")
    urls = [
        (f"/api/map/{indicator}", params),
        ("/api/country/" + iso3, {}),
        (f"/api/country/{iso3}/series", {"indicator": indicator, "format": fmt}),
        (f"/api/country/{iso3}/ties", params),
        ("/api/compare", {"iso3": [iso3, "JPN"], "indicator": indicator, "format": fmt}),
        ("/", {"indicator": indicator} | ({} if year is None else {"year": year})),
        (f"/api/country/{iso3}/profile", {} if year is None else {"year": year}),
        (f"/api/architecture/{iso3}", {"format": fmt} | ({} if at is None else {"at": at})),
        ("/api/exposure", params),
        (f"/api/map/{indicator}", params | ({} if at is None else {"at": at})),
    ]
    url, p = urls[which]
    r = client.get(url, params=p)
    assert r.status_code < 500, (url, p, r.text)


def test_wired_capabilities_match_the_python_api(client, real_warehouse, monkeypatch):
    """Profile, architecture and recommendations come from article2.api, unchanged."""
    import json

    import article2.api as a2

    monkeypatch.setenv("ARTICLE2_HOME", str(real_warehouse.parent))
    r = client.get("/api/country/VNM/capability/profile")
    assert r.status_code == 200, r.text
    got = r.json()["result"]
    want = json.loads(json.dumps(a2.profile("VNM").to_dict(), default=str))
    assert got == want
    recs = client.get("/api/country/VNM/capability/recommendations").json()["result"]
    assert {x["id"] for x in recs} == set(a2.recs(country="VNM")["id"])
    arch = client.get("/api/country/KOR/capability/architecture").json()["result"]
    usa = [x for x in arch if x["actor"] == "USA"]
    assert len(usa) == 1 and usa[0]["class"] == "agreement"  # KORUS in force


# -- one definition: the map's layers equal the country profile's numbers ------------------------

_ACTOR_CODES = {"usa": "USA", "jpn": "JPN", "chn": "CHN", "eu": "EU", "usajpn": "USA+JPN"}


@pytest.mark.parametrize(
    ("iso3", "year"), [("KOR", 2010), ("VNM", 2005), ("IRL", 2010), ("AUS", 1995), ("BRA", 2014)]
)
def test_map_shares_and_exposure_equal_the_profile(client, real_warehouse, iso3, year):
    from article2 import profiles

    profile = profiles.build_profile(iso3, year=year, path=real_warehouse)
    trade = {(f.actor, f.channel): f for f in profile.figures if f.section == "trade"}
    for actor, code in _ACTOR_CODES.items():
        for direction, channel in (("import", "imports"), ("export", "exports")):
            rows = client.get(f"/api/map/{direction}_share_{actor}", params={"year": year}).json()
            got = next(r["value"] for r in rows["rows"] if r["iso3"] == iso3)
            want = trade[(code, channel)].share
            assert got == pytest.approx(100 * want, abs=TOL), (actor, direction)
    for e in profile.exposure:
        y = year if e.measure != "china_finance_pct_gdp" else e.year
        if y is None:  # finance outside AidData's years: neither has a value
            continue
        rows = client.get(f"/api/map/exposure_{e.measure}", params={"year": y}).json()["rows"]
        row = next((r for r in rows if r["iso3"] == iso3), None)
        if e.value is None:
            assert row is None or row["value"] is None, e.measure
            continue
        assert row["value"] == pytest.approx(e.value, rel=1e-12), e.measure
        assert row["percentile"] == pytest.approx(e.percentile, rel=1e-12), e.measure
        assert row["n_countries"] == e.n_countries, e.measure


def test_profile_endpoint_is_the_python_api(client, real_warehouse):
    from article2 import profiles

    for iso3, year in (("VNM", 2010), ("JPN", None)):
        params = {} if year is None else {"year": year}
        got = client.get(f"/api/country/{iso3}/profile", params=params).json()
        want = profiles.build_profile(iso3, year=year, path=real_warehouse).to_dict()
        assert got == json.loads(json.dumps(want, default=str).replace("NaN", "null"))
    r = client.get("/api/country/VNM/profile", params={"year": 1700})
    assert r.status_code == 422 and "greater than or equal to 1800" in r.json()["error"]


def test_agreement_layer_is_the_architecture(client, real_warehouse, monkeypatch):
    import article2.api as a2

    monkeypatch.setenv("ARTICLE2_HOME", str(real_warehouse.parent))
    want = a2.architecture("USA", "2019-01-01").set_index("iso3")["class"]
    body = client.get("/api/map/agreement_usa", params={"at": "2019-01-01"}).json()
    assert body["at"] == "2019-01-01" and body["year"] == 2019
    got = {r["iso3"]: r["value"] for r in body["rows"]}
    assert got == want.to_dict()
    assert (got["KOR"], got["VNM"], got["PRK"], got["USA"]) == (
        "agreement", "wto_member", "neither", "actor")
    kor = next(r for r in body["rows"] if r["iso3"] == "KOR")
    assert "KORUS" in kor["agreements"] and "KORUS: " in kor["citations"]
    for column in PROVENANCE_COLUMNS:
        assert all(r[column] for r in body["rows"]), column
    arch = client.get("/api/architecture/jpn", params={"at": "2019-01-01"}).json()
    jp = a2.architecture("JPN", "2019-01-01").set_index("iso3")["class"].to_dict()
    assert {r["iso3"]: r["value"] for r in arch["rows"]} == jp
    csv_text = client.get("/api/architecture/USA", params={"at": "2019-01-01", "format": "csv"})
    assert csv_text.headers["content-type"].startswith("text/csv")
    html = client.get("/", params={"indicator": "agreement_usa", "at": "2019-01-01"}).text
    assert 'data-at="2019-01-01"' in html and 'id="classes"' in html


def test_exposure_endpoint(client):
    rows = client.get("/api/exposure", params={"year": 2010}).json()["rows"]
    from article2.indicators.coercion import MEASURES

    assert {r["measure"] for r in rows} == set(MEASURES)
    assert all(0 < r["percentile"] <= 100 for r in rows if r["value"] is not None)
    assert all(r["source_id"] for r in rows)


@pytest.mark.parametrize(
    ("url", "status", "words"),
    [
        ("/api/map/agreement_usa?at=2019-13-01", 422, "not a date"),
        ("/api/map/agreement_usa?at=1900-01-01", 404, "outside"),
        ("/api/architecture/XYZ", 422, "allowed: USA, JPN, CHN, EU"),
        ("/api/country/JPN/series?indicator=agreement_usa", 422, "map layer"),
        ("/api/country/JPN/series?indicator=exposure_hhi_import_partners", 422, "map layer"),
        ("/api/compare?iso3=JPN&indicator=exposure_hhi_import_partners", 422, "map layer"),
        ("/api/exposure?year=1700", 422, "greater than or equal to 1800"),
        ("/api/exposure?year=1850", 404, "not covered"),
        ("/api/country/XXX/profile", 404, "unknown country"),
    ],
)
def test_bad_layer_input_gets_clear_4xx(client, url, status, words):
    r = client.get(url)
    assert r.status_code == status, r.text
    assert words in r.json()["error"]


def test_response_cache_computes_a_key_once():
    """Concurrent misses of one key share one computation; errors are not cached."""
    import asyncio
    import threading

    from article2.web.app import ResponseCache

    calls = []
    lock = threading.Lock()

    def compute():
        with lock:
            calls.append(1)
        return b"body"

    def boom():
        raise ValueError("no")

    async def run():
        cache = ResponseCache(maxsize=2)
        got = await asyncio.gather(*(cache.get("k", compute) for _ in range(20)))
        assert got == [b"body"] * 20 and len(calls) == 1
        for _ in range(2):
            with pytest.raises(ValueError):
                await cache.get("bad", boom)
        await cache.get("a", compute)
        await cache.get("b", compute)
        assert len(cache) == 2  # bounded: "k" evicted

    asyncio.run(run())


def test_map_at_any_date_is_the_map_at_its_change_date(real_warehouse, monkeypatch):
    """Agreement layers are computed once per change date (api.architecture_dates): the map at
    any date must equal the map at the latest change date on or before it, for every actor —
    checked at random dates, on change dates and on the day before each sampled change date."""
    import numpy as np

    import article2.api as a2
    from article2.agreements import queries as q
    from article2.agreements.map import map_countries
    from article2.agreements.merge import merge
    from article2.web.context import Web
    from article2.web.limits import Limits

    monkeypatch.setenv("ARTICLE2_HOME", str(real_warehouse.parent))
    reg = a2.agreement_registry()
    merged = merge(reg.agreements, reg.memberships, reg.desta_overrides)
    countries = map_countries()
    undated = tuple(reg.gaps[reg.gaps.kind == "undated"].iso3)
    web = Web(real_warehouse, Limits())
    dates = a2.architecture_dates()
    assert list(dates) == sorted(dates) and "1995-01-01" in dates
    rng = np.random.default_rng(15)
    picks = [str((pd.Timestamp("1948-01-01") + pd.Timedelta(days=int(d))).date())
             for d in rng.integers(0, 80 * 365, 12)]
    for change in map(str, rng.choice(dates, 6)):
        picks += [change, str((pd.Timestamp(change) - pd.Timedelta(days=1)).date())]
    for day in picks:
        canonical = web.map_day(day)
        assert canonical <= day
        for actor in ("USA", "EU"):
            at_day, at_change = (
                q.classify(merged.agreements, merged.memberships, countries, actor,
                           pd.Timestamp(d), undated_wto=undated, sources=("curated", "desta"))
                for d in (day, canonical))
            pd.testing.assert_frame_equal(at_day, at_change, obj=f"{actor} {day} vs {canonical}")
    web.store.close()
