"""The official services' real answer shapes: units, keys, empty sets, wrong content, pacing.

Every answer is a format-true fixture of :mod:`tests.fixtures.official` (each names the public
evidence it follows). Reference values are the fixture's own numbers.
"""

from __future__ import annotations

import json
import re

import pytest
from werkzeug import Request, Response

from article2 import paths, warehouse
from article2.sources import answer, imf_dip, imf_imts, imf_weo, oecd_dac2a, pacing
from article2.sources.download import FetchError
from tests.fixtures import official

pytestmark = pytest.mark.network


@pytest.fixture
def servers(httpserver, monkeypatch):
    monkeypatch.setenv("ARTICLE2_IMF_URL", httpserver.url_for("/imf"))
    monkeypatch.setenv("ARTICLE2_OECD_URL", httpserver.url_for("/oecd"))
    monkeypatch.setenv("ARTICLE2_FETCH_BACKOFF", "0.001")
    monkeypatch.setenv("ARTICLE2_FETCH_RETRIES", "1")
    monkeypatch.delenv("ARTICLE2_SNAPSHOT", raising=False)
    monkeypatch.setattr(paths, "_default_snapshot_candidates", lambda: [])
    return httpserver


def test_imf_values_are_taken_as_delivered_not_rescaled(servers):
    """SCALE=6 on every IMTS row; a reader that multiplied would load 10^6 times the value."""
    body = official.imf_imts_csv([("VNM", "MG_CIF_USD", "USA", "A", "2024", "15100000000")])
    servers.expect_request(
        f"/imf/data/{imf_imts.FLOW}/.XG_FOB_USD+MG_CIF_USD..A"
    ).respond_with_data(body)
    imf_imts.fetch(vintage="v")
    warehouse.build()
    got = warehouse.query("SELECT iso3_o, iso3_d, value FROM dyad_year").values.tolist()
    assert got == [["USA", "VNM", 15100000000.0]]


def test_dip_key_has_five_dimensions_and_loads_reported_positions_only(servers):
    assert imf_dip.KEY == ".O.INWD_D_NETLA_FALL_ALL+OTWD_D_NETAL_FALL_ALL..A"
    rows = [
        ("VNM", "O", "INWD_D_NETLA_FALL_ALL", "JPN", "2023", "21500000000"),  # inward, host VNM
        ("JPN", "O", "OTWD_D_NETAL_FALL_ALL", "VNM", "2023", "22700000000"),  # outward, JPN
        ("VNM", "SCC", "INWD_D_NETLA_FALL_ALL", "USA", "2023", "3100000000"),  # derived
        ("VNM", "O", "INWD_D_NETLA_FALL_ALL", "KOR", "2023", ""),  # confidential (STATUS C)
    ]
    servers.expect_request(f"/imf/data/{imf_dip.FLOW}/{imf_dip.KEY}").respond_with_data(
        official.imf_dip_csv(rows)
    )
    imf_dip.fetch(vintage="v")
    warehouse.build()
    got = warehouse.query(
        "SELECT iso3_o, iso3_d, indicator, value FROM dyad_year ORDER BY indicator"
    ).values.tolist()
    assert got == [
        ["JPN", "VNM", "fdi_position_out_usd", 22.7e9],
        ["JPN", "VNM", "fdi_position_usd", 21.5e9],
    ]
    reasons = set(warehouse.query("SELECT reason FROM quarantine").reason)
    assert "DV_TYPE is not O (not loaded by this source)" in reasons
    assert "no data: value missing" in reasons


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            b"DATAFLOW,COUNTRY,INDICATOR,COUNTERPART_COUNTRY,FREQUENCY,TIME_PERIOD,OBS_VALUE\n",
            "no observation for key '.XG_FOB_USD+MG_CIF_USD..A'",
        ),
        (official.imf_xml(series=False), "answered XML"),
        (official.imf_xml(), "answered XML"),
        (b"<!DOCTYPE html><html><body>Service Unavailable</body></html>", "answered an HTML page"),
    ],
    ids=["empty-set", "xml-empty", "xml-data", "html"],
)
def test_wrong_or_empty_answers_are_errors_naming_url_and_leave_nothing(servers, body, message):
    servers.expect_request(
        f"/imf/data/{imf_imts.FLOW}/.XG_FOB_USD+MG_CIF_USD..A"
    ).respond_with_data(body, content_type="application/json")
    with pytest.raises(FetchError, match=re.escape(message)) as err:
        imf_imts.fetch(vintage="v1")
    assert "/imf/data/IMF.STA,IMTS/" in str(err.value)
    if message != "answered an HTML page" and body.startswith(b"<"):
        assert "starts '<?xml" in str(err.value)  # the first bytes are quoted
    assert not (paths.raw_dir() / "imf_imts" / "v1").exists()


@pytest.mark.parametrize(
    "message",
    [
        {"header": {}, "dataSets": [], "structure": {"dimensions": {}}},
        {"meta": {}, "data": {"dataSets": [], "structures": []}},
        json.loads(
            official.sdmx_json(
                ["COUNTRY"], [{"COUNTRY": "VNM", "TIME_PERIOD": "2024", "OBS_VALUE": "1"}]
            ).replace(b'"observations": {"0": [1.0]}', b'"observations": {}')
        ),  # fmt: skip
    ],
    ids=["1.0-no-data-set", "2.0-no-data-set", "series-without-observations"],
)
def test_empty_json_answer_names_the_key(servers, message):
    servers.expect_request(f"/imf/data/{imf_weo.FLOW}/{imf_weo.KEY}").respond_with_json(message)
    with pytest.raises(FetchError, match=re.escape(f"no observation for key {imf_weo.KEY!r}")):
        imf_weo.fetch(vintage="v", fmt="json")
    assert not (paths.raw_dir() / "imf_weo" / "v").exists()


def test_json_is_asked_with_the_accept_header_the_imf_honours(servers):
    seen = []

    def handler(request: Request) -> Response:
        seen.append(request.headers.get("Accept"))
        rows = [{"COUNTRY": "VNM", "INDICATOR": "NGDPD", "FREQUENCY": "A",
                 "TIME_PERIOD": "2024", "OBS_VALUE": "476300000000", "SCALE": "9"}]  # fmt: skip
        return Response(official.sdmx_json(["COUNTRY", "INDICATOR", "FREQUENCY"], rows,
                                           series_attrs=("SCALE",)))  # fmt: skip

    servers.expect_request(f"/imf/data/{imf_weo.FLOW}/{imf_weo.KEY}").respond_with_handler(handler)
    imf_weo.fetch(vintage="v", fmt="json")
    assert seen == ["application/json"]
    warehouse.build()
    assert warehouse.query("SELECT value FROM country_year").value.tolist() == [476.3e9]


def test_answer_kinds():
    assert answer.kind(b"\xef\xbb\xbfDATAFLOW,COUNTRY\n") == "csv"
    assert answer.kind(b'  {"a": 1}') == "json"
    assert answer.kind(b"<?xml version='1.0'?><x/>") == "xml"
    assert answer.kind(b"<HTML><body>x</body></HTML>") == "html"
    assert answer.kind(b"") == "empty"
    assert answer.kind(official.gcdf_zip([])) == "zip"


def test_oecd_calls_are_paced_and_the_user_told_when_to_come_back(servers, monkeypatch):
    monkeypatch.setenv("ARTICLE2_OECD_CALLS_PER_HOUR", "2")
    monkeypatch.setenv("ARTICLE2_FETCH_MAX_WAIT", "5")
    clock = [1_000_000.0]
    waits: list[float] = []

    def sleep(s):
        waits.append(s)
        clock[0] += s

    pace = oecd_dac2a.PACE
    notes: list[str] = []
    for _ in range(2):
        assert pacing.reserve(pace, now=lambda: clock[0], sleep=sleep) == 0
        clock[0] += 1
    # third call within the hour: the next slot is 3598 s away, more than fetch_max_wait
    with pytest.raises(
        pacing.RateLimited, match=r"allows 2 data downloads every 1 hour.*run the fetch again"
    ):
        pacing.reserve(pace, now=lambda: clock[0], sleep=sleep)
    clock[0] += 3595  # now 3 s before the first slot frees: wait, and say so
    waited = pacing.reserve(pace, now=lambda: clock[0], sleep=sleep, notify=notes.append)
    assert waited == pytest.approx(3.0) and waits == [pytest.approx(3.0)]
    assert "waiting 3 s" in notes[0]
    state = json.loads(pacing.state_path("oecd").read_text())
    assert len(state["calls"]) == 2  # the oldest call left the window


def test_dac2a_fetch_refused_when_the_hour_is_used_up(servers, monkeypatch):
    monkeypatch.setenv("ARTICLE2_OECD_CALLS_PER_HOUR", "1")
    monkeypatch.setenv("ARTICLE2_FETCH_MAX_WAIT", "0")
    servers.expect_request(f"/oecd/data/{oecd_dac2a.FLOW}/{oecd_dac2a.KEY}").respond_with_data(
        official.oecd_dac2a_csv([("JPN", "VNM", "206", "2023", "1234.5")])
    )
    oecd_dac2a.fetch(vintage="a")
    with pytest.raises(pacing.RateLimited, match="next is allowed at"):
        oecd_dac2a.fetch(vintage="b")
    assert not (paths.raw_dir() / "oecd_dac2a" / "b").exists()
