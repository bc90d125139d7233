"""``article2 fetch --check``: each service's smallest answer, as expected and drifted.

The local server answers with the format-true fixtures of :mod:`tests.fixtures.official` (the
expected shape) and with drifted ones: a renamed column, a new dimension, XML, an HTML error
page, an empty data set. The reference is the list of differences each drift must produce.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from article2 import paths
from article2.cli import app
from article2.sources import imf_dip, oecd_dac2a, shape
from tests.fixtures import official

pytestmark = pytest.mark.network
runner = CliRunner()


@pytest.fixture
def server(httpserver, monkeypatch):
    for name, path in (("IMF", "/imf"), ("OECD", "/oecd"), ("WDI", "/v2")):
        monkeypatch.setenv(f"ARTICLE2_{name}_URL", httpserver.url_for(path))
    monkeypatch.setenv("ARTICLE2_COMTRADE_PREVIEW_URL", httpserver.url_for("/public/v1/preview"))
    monkeypatch.delenv("ARTICLE2_COMTRADE_KEY", raising=False)
    monkeypatch.setenv("ARTICLE2_DESTA_URL", httpserver.url_for("/desta/dyads.csv"))
    monkeypatch.setenv("ARTICLE2_FETCH_RETRIES", "0")
    return httpserver


IMTS_OK = official.imf_imts_csv([("USA", "XG_FOB_USD", "JPN", "A", "2023", "75000000000")])


def serve_expected(server) -> None:
    server.expect_request("/imf/data/IMF.STA,IMTS/USA.XG_FOB_USD.JPN.A").respond_with_data(IMTS_OK)
    server.expect_request("/imf/data/IMF.RES,WEO/USA.NGDPD.A").respond_with_data(
        official.imf_weo_csv([("USA", "NGDPD", "2023", "27720700000000")])
    )
    server.expect_request(f"/imf/data/IMF.STA,DIP/USA.O.{imf_dip.OUTWARD}.JPN.A").respond_with_data(
        official.imf_dip_csv([("USA", "O", imf_dip.OUTWARD, "JPN", "2023", "130000000000")])
    )
    server.expect_request(f"/oecd/data/{oecd_dac2a.FLOW}/JPN.VNM.206.USD.V").respond_with_data(
        official.oecd_dac2a_csv([("JPN", "VNM", "206", "2023", "1234.5")])
    )
    server.expect_request("/v2/country/JPN/indicator/NY.GDP.MKTP.CD").respond_with_data(
        official.wdi_page("NY.GDP.MKTP.CD", [("JPN", "Japan", 2023, 4.2e12)], page=1, pages=1)
    )
    server.expect_request("/public/v1/preview/C/A/HS").respond_with_data(
        official.comtrade_answer([(2023, 392, "M", 842, "TOTAL", 7.5e10, None)])
    )
    server.expect_request("/desta/dyads.csv").respond_with_data(
        official.desta_dyads(
            [
                (
                    "3",
                    "3",
                    "JPN VNM EPA",
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


def test_every_service_as_expected(server):
    serve_expected(server)
    r = runner.invoke(app, ["fetch", "--check", "--format", "json"])
    assert r.exit_code == 0, r.output
    got = {x["source"]: x for x in json.loads(r.stdout)}
    assert set(got) == set(shape.PROBES)
    for name in ("imf_imts", "imf_weo", "imf_dip", "oecd_dac2a", "wdi", "comtrade", "desta"):
        assert (got[name]["reachable"], got[name]["shape"], got[name]["differences"]) == (
            "yes",
            "as expected",
            "",
        ), name
    assert got["baci"]["reachable"] == "not probed"
    assert not paths.raw_dir().exists() or not any(paths.raw_dir().glob("*/*/*.csv"))


IMTS_HEADER = b"DATAFLOW,COUNTRY,INDICATOR,COUNTERPART_COUNTRY,FREQUENCY,TIME_PERIOD,OBS_VALUE"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (IMTS_OK.replace(b"OBS_VALUE", b"VALUE", 1), "column OBS_VALUE missing"),
        (
            IMTS_OK.replace(b"FREQUENCY,", b"FREQUENCY,TRANSFORMATION,", 1).replace(
                b",A,2023", b",A,USD,2023"
            ),
            "new dimension(s) TRANSFORMATION",
        ),  # fmt: skip
        (
            IMTS_OK.replace(b"COUNTERPART_COUNTRY", b"PARTNER", 1),
            "new dimension(s) PARTNER; dimension(s) COUNTERPART_COUNTRY missing",
        ),  # fmt: skip
        (official.imf_xml(), "answered xml, not CSV"),
        (b"<!DOCTYPE html><html><body>502 Bad Gateway</body></html>", "answered html, not CSV"),
        (IMTS_HEADER + b"\n", "no observation for key 'USA.XG_FOB_USD.JPN.A'"),
        (IMTS_OK.replace(b",6,USD,", b",6,XDC,"), "UNIT is ['XDC'], expected USD"),
    ],
    ids=["renamed-column", "new-dimension", "renamed-dimension", "xml", "html", "empty", "unit"],
)
def test_drifted_answers_are_reported(server, body, expected):
    server.expect_request("/imf/data/IMF.STA,IMTS/USA.XG_FOB_USD.JPN.A").respond_with_data(body)
    r = runner.invoke(app, ["fetch", "--check", "imf_imts", "--format", "json"])
    assert r.exit_code == 1
    (row,) = json.loads(r.stdout)
    assert row["reachable"] == "yes" and row["shape"] == "differs"
    assert expected in row["differences"]
    assert "not reachable or not as expected: imf_imts" in " ".join(r.output.split())


def test_unreachable_service_is_reported(server):
    server.expect_request("/imf/data/IMF.RES,WEO/USA.NGDPD.A").respond_with_data(
        "Service Unavailable", status=503
    )
    (c,) = shape.check(["imf_weo"])
    assert c.reachable is False and "503" in c.differences[0]


def test_check_table_and_unknown_source(server):
    serve_expected(server)
    r = runner.invoke(app, ["fetch", "--check", "imf_weo"])
    assert r.exit_code == 0 and "as expected" in r.output
    bad = runner.invoke(app, ["fetch", "--check", "nope"])
    assert bad.exit_code == 1 and "allowed: imf_imts" in bad.output
