"""What the dashboard's pages say, read from their HTML over the real warehouse: the ranking for
people (whole ranks, Yes/No, the reason a candidate is unscored), the country page's channel
blocks against the profile they come from, comma lists of countries, the notes under the maps,
HTML error pages for pages and JSON for the API, and ``serve`` on a busy port.

Numbers on the pages are rounded for reading: U.S. dollars in millions with one decimal, so a
shown value must equal the profile's value / 1e6 rounded to one decimal (tolerance 0.05 m).
"""

from __future__ import annotations

import html
import re
import socket

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from article2.web import create_app  # noqa: E402
from article2.web.limits import Limits  # noqa: E402

pytestmark = pytest.mark.snapshot


@pytest.fixture(scope="module")
def client(real_warehouse):
    app = create_app(real_warehouse, limits=Limits(rate=0, time_limit=600))
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def _text(fragment: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", fragment))).strip()


def _after(page: str, element_id: str) -> str:
    """The page after the opening tag of the element with id ``element_id``."""
    return page.split(f'id="{element_id}"', 1)[1].split(">", 1)[1]


def _rows(page: str, table_id: str) -> list[str]:
    body = page.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    return re.findall(r"<tr[^>]*>.*?</tr>", body.split("<tbody>", 1)[1], re.S)


def test_ranking_reads_as_a_table_for_people(client):
    page = client.get("/ranking").text
    api = {r["iso3"]: r for r in client.get("/api/ranking").json()["rows"]}
    rows = _rows(page, "ranking")
    assert len(rows) == len(api)
    head = _text(page.split('id="ranking"', 1)[1].split("</thead>", 1)[0])
    for raw in ("median_rank", "rank_p05", "most_influential", "case_country"):
        assert raw not in head  # human labels, not column names
    assert "Rank band" in head and "Case study" in head
    unscored = 0
    for row in rows:
        iso3 = re.search(r'data-iso3="([A-Z]{3})"', row).group(1)
        cells = [_text(c) for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)]
        assert "True" not in cells and "False" not in cells and cells[-1] in ("Yes", "No")
        assert cells[-1] == ("Yes" if api[iso3]["case_country"] else "No")
        if api[iso3]["rank"] is None:
            unscored += 1
            assert cells[0] == "–"
            # the reason: how many indicators have a value, and which ones are missing
            assert re.search(r"not scored: \d+ of \d+ indicators have a value; at least 60 % "
                             r"are needed; no value for \w", cells[1]), cells[1]
        else:
            assert cells[0] == str(int(api[iso3]["rank"]))  # a whole rank, not 1.00
    assert unscored == sum(r["rank"] is None for r in api.values()) > 0


def test_unscored_reason_counts_match_coverage(client):
    page = client.get("/ranking").text
    api = {r["iso3"]: r for r in client.get("/api/ranking").json()["rows"]}
    for iso3, r in api.items():
        if r["rank"] is not None:
            continue
        row = _text(page.split(f'data-iso3="{iso3}"', 1)[1].split("</tr>", 1)[0])
        have, total = map(int, re.search(r"(\d+) of (\d+) indicators", row).groups())
        assert have / total == pytest.approx(r["coverage"], abs=1e-9)
        missing = row.split("no value for ", 1)[1].split(", ")
        assert len(missing) == total - have, row


def test_country_page_channels_equal_the_profile(client):
    page = client.get("/country/VNM").text
    prof = client.get("/api/country/VNM/profile").json()
    ch = prof["channels"]
    # latest year and source per channel: the profile's years
    coverage = {_text(r.split("</td>", 1)[0]): _text(r) for r in _rows(page, "coverage")}
    us_aid_row = next(v for k, v in coverage.items() if k.startswith("U.S. foreign assistance"))
    assert str(ch["latest"]["us_aid"]["year"]) in us_aid_row and "ForeignAssistance.gov" in us_aid_row
    trade_row = next(v for k, v in coverage.items() if k.startswith("U.S. goods trade"))
    assert " 2022 " in f" {trade_row} " and ch["latest"]["us_trade"]["year"] == 2022
    # U.S. assistance by fiscal year: FY2023 obligations in USD millions
    obligations = {r["year"]: r["value"] for r in ch["us_aid"]
                   if r["measure"] == "us_aid_obligations" and r["partner"] == "USA"}
    row = next(r for r in _rows(page, "us-aid") if 'data-year="2023"' in r)
    shown = float(_text(re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[0]).replace(",", ""))
    assert shown == pytest.approx(obligations[2023] / 1e6, abs=0.05)
    # U.S. goods trade to 2022
    assert 'data-year="2022"' in page.split('id="us-trade"', 1)[1].split("</table>", 1)[0]
    # the statements: U.S. assistance is not ODA; China is no students' destination in the data
    assert "not the same measure" in _text(_after(page, "us-not-oda")[:600])
    assert "China is not among them" in _text(_after(page, "china-students")[:600])
    # migrants and students tables name the partners in words
    for table in ("migrants", "students"):
        head = _text(page.split(f'id="{table}"', 1)[1].split("</thead>", 1)[0])
        assert "United States" in head and "Japan" in head, head


def test_comma_lists_of_countries(client):
    listed = client.get("/api/compare?iso3=VNM,MMR&indicator=trade_share_chn")
    repeated = client.get("/api/compare?iso3=VNM&iso3=MMR&indicator=trade_share_chn")
    assert listed.status_code == 200 and listed.json() == repeated.json()
    assert listed.json()["iso3"] == ["VNM", "MMR"]
    assert client.get("/api/compare?iso3=VNM,ZZZ").status_code == 404
    assert client.get("/api/compare?iso3=VNM,M1R").status_code == 422
    page = client.get("/compare?iso3=VNM,MMR").text
    chosen = re.findall(r'<input type="hidden" name="iso3" value="([A-Z]{3})">', page)
    assert chosen == ["VNM", "MMR"]
    # the picker: a text input with the list of every country, labelled
    assert 'id="cmp-add" name="iso3" list="country-list"' in page
    assert '<label for="cmp-add">' in page and 'value="Vietnam (VNM)"' in page
    # what the picker sends without scripts: a name or "Name (ISO3)" next to the chosen ones
    r = client.get("/compare", params=[("iso3", "VNM"), ("iso3", "Myanmar (MMR)")])
    assert re.findall(r'name="iso3" value="([A-Z]{3})"', r.text) == ["VNM", "MMR"]
    r = client.get("/country-search", params={"iso3": "vietnam"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/country/VNM"


def test_maps_say_why_a_country_has_no_value(client):
    page = client.get("/?indicator=balance_usajpn_chn&year=2014").text
    note = _text(_after(page, "by-definition").split("</p>", 1)[0])
    assert note.startswith("No value by definition: China") and "itself" in note
    api = client.get("/api/map/balance_usajpn_chn?year=2014").json()["rows"]
    countries = client.get("/api/countries").json()["rows"]
    on_map = {c["iso3"] for c in countries if c["kind"] == "country" and c["un_code"] is not None}
    with_value = {r["iso3"] for r in api if r["value"] is not None}
    n_no_data = len(on_map - with_value - {"CHN"})
    summary = _text(_after(page, "no-data").split("</summary>", 1)[0])
    assert f"{n_no_data} countries have no value in 2014" in summary
    for layer in ("trade_share_usa", "exposure_china_share_imports", "cn_finance_pct_gdp"):
        assert 'id="by-definition"' in client.get(f"/?indicator={layer}").text, layer


@pytest.mark.parametrize(
    ("url", "status"),
    [("/country/XXX", 404), ("/nowhere", 404), ("/?indicator=nope", 422),
     ("/compare?iso3=ZZZ", 404), ("/?indicator=agreement_usa&at=someday", 422)],
)
def test_pages_answer_errors_as_pages(client, url, status):
    r = client.get(url)  # any Accept, as curl or a link checker sends
    assert r.status_code == status
    assert r.headers["content-type"].startswith("text/html")
    assert "<h1>" in r.text and 'href="/">Back to the map</a>' in r.text
    assert r.headers["content-security-policy"]
    api = client.get("/api/country/XXX")
    assert api.headers["content-type"] == "application/json" and "error" in api.json()


def test_serve_on_a_busy_port_fails_before_printing_its_address():
    from typer.testing import CliRunner

    from article2.cli import app

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = CliRunner().invoke(app, ["serve", "--port", str(port)])
    assert result.exit_code == 1
    assert f"port {port} on 127.0.0.1 is already in use" in result.output
    assert "http://" not in result.output and "Traceback" not in result.output
    result = CliRunner().invoke(app, ["serve", "--host", "192.0.2.1", "--port", "8000"])
    assert result.exit_code == 1 and "not an address of this machine" in result.output


def test_us_assistance_map_is_the_profiles_measure(client):
    """The map of U.S. assistance (% of GDP) shows the latest complete fiscal year and, for each
    country, the value of its profile's channel (the same function: exact)."""
    api = client.get("/api/map/us_aid_pct_gdp").json()
    prof = client.get("/api/country/VNM/profile").json()["channels"]
    latest = prof["latest"]["us_aid"]
    year = api["rows"][0]["year"]
    assert year == latest["year"] and str(year + 1) in latest["partial"]  # partial FY left out
    rows = {r["iso3"]: r["value"] for r in api["rows"]}
    for iso3 in ("VNM", "PHL", "UKR"):
        channel = client.get(f"/api/country/{iso3}/profile").json()["channels"]["us_aid"]
        want = next(r["value"] for r in channel
                    if r["measure"] == "us_aid_obligations_pct_gdp" and r["year"] == year)
        assert rows[iso3] == pytest.approx(want, rel=1e-12), iso3
    assert "USA" not in rows
    page = client.get("/?indicator=us_aid_pct_gdp").text
    note = _text(_after(page, "by-definition").split("</p>", 1)[0])
    assert "United States" in note and "donor" in note


def test_a_page_over_the_rate_is_a_page(real_warehouse):
    app = create_app(real_warehouse, limits=Limits(rate=1, burst=1))
    with TestClient(app) as c:
        assert c.get("/sources").status_code == 200
        r = c.get("/sources")
        assert r.status_code == 429 and r.headers["content-type"].startswith("text/html")
        assert "Too many requests" in r.text and 'href="/">Back to the map' in r.text
        assert f'content="{r.headers["retry-after"]}"' in r.text
        api = c.get("/api/countries")
        assert api.status_code == 429 and "too many requests" in api.json()["error"]
