"""UN Comtrade fetcher against a local server: key header, row caps, retries, BACI form.

Reference values are computed by hand from the fixture records below: BACI's ``v`` is the
primary value in thousands of USD and ``q`` the net weight in tons (exact division by 1000,
compared with a relative tolerance of 1e-12), the importer's report wins over the exporter's.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug import Request, Response

from article2 import paths
from article2.sources import baci
from article2.sources import comtrade_api as ct
from article2.sources.download import FetchError
from tests.fixtures import official

pytestmark = pytest.mark.network

# (year, reporter, flow, partner, cmd, primaryValue USD, netWgt kg)
JPN_M = [
    (2023, 392, "M", 842, "870323", 1_500_000.0, 20_000.0),  # JPN imports from USA
    (2023, 392, "M", 156, "850760", 250_000.5, None),  # from CHN, no weight
    (2023, 392, "M", 0, "870323", 9_999_999.0, 1.0),  # World: dropped
    (2023, 392, "M", 842, "TOTAL", 7_000_000.0, None),  # not HS6: dropped
]
JPN_X = [
    (2023, 392, "X", 842, "870323", 1_400_000.0, 19_000.0),  # mirror of USA's imports
    (2023, 392, "X", 704, "847130", 80_000.0, 500.0),
]
USA_M = [(2023, 842, "M", 392, "870323", 1_600_000.0, 21_000.0)]  # beats JPN's X
USA_X = [(2023, 842, "X", 392, "870323", 1_450_000.0, 19_500.0)]  # loses to JPN's M


@pytest.fixture
def comtrade(httpserver, monkeypatch):
    monkeypatch.setenv("ARTICLE2_COMTRADE_URL", httpserver.url_for("/data/v1/get"))
    monkeypatch.setenv("ARTICLE2_COMTRADE_PREVIEW_URL", httpserver.url_for("/public/v1/preview"))
    monkeypatch.setenv("ARTICLE2_FETCH_BACKOFF", "0.001")
    monkeypatch.setenv("ARTICLE2_FETCH_RETRIES", "2")
    monkeypatch.delenv("ARTICLE2_COMTRADE_KEY", raising=False)
    return httpserver


def answers(server, path: str, table: dict, *, first: list[Response] | None = None):
    """Serve ``table[(reporter, flow, partners)]`` at ``path``; record every request."""
    seen: list[Request] = []
    pending = list(first or [])

    def handler(request: Request) -> Response:
        seen.append(request)
        if pending:
            return pending.pop(0)
        a = request.args
        key = (int(a["reporterCode"]), a["flowCode"], a.get("partnerCode"))
        return Response(table[key], content_type="application/json")

    server.expect_request(path).respond_with_handler(handler)
    return seen


def test_keyed_fetch_retries_stores_raw_and_writes_baci(comtrade, monkeypatch):
    monkeypatch.setenv("ARTICLE2_COMTRADE_KEY", "secret-key-123")
    table = {
        (392, "M", None): official.comtrade_answer(JPN_M),
        (392, "X", None): official.comtrade_answer(JPN_X),
        (842, "M", None): official.comtrade_answer(USA_M),
        (842, "X", None): official.comtrade_answer(USA_X),
    }
    seen = answers(
        comtrade,
        "/data/v1/get/C/A/HS",
        table,
        first=[Response("slow", 429, headers={"Retry-After": "0"}), Response("boom", 500)],
    )
    files = ct.fetch(reporters=[392, 842], years=[2023], vintage="2025-06-01")
    assert len(seen) == 6  # 4 calls + one 429 + one 500 retried
    assert all(r.headers["Ocp-Apim-Subscription-Key"] == "secret-key-123" for r in seen)
    assert seen[-1].args["maxRecords"] == str(ct.KEYED_CAP)
    raw = [f for f in files if f.suffix == ".json"]
    assert [f.name for f in raw] == [
        "C_A_HS_r392_2023_M.json",
        "C_A_HS_r392_2023_X.json",
        "C_A_HS_r842_2023_M.json",
        "C_A_HS_r842_2023_X.json",
    ]
    assert raw[0].read_bytes() == table[(392, "M", None)]  # as delivered
    for f in raw:  # the key never lands on disk
        assert b"secret-key-123" not in f.with_name(f.name + ".origin.json").read_bytes()
    folder = paths.raw_dir() / "comtrade" / "2025-06-01" / "baci" / "HS17"
    loaded = baci.load(folder)
    import duckdb

    got = duckdb.sql(
        f"SELECT i, j, k, v, q FROM read_parquet('{loaded.trade_glob}') ORDER BY i, j, k"
    ).fetchall()
    expected = [
        (156, 392, "850760", 250.0005, None),  # JPN's M
        (392, 704, "847130", 80.0, 0.5),  # JPN's X (no mirror)
        (392, 842, "870323", 1600.0, 21.0),  # USA's M beats JPN's X
        (842, 392, "870323", 1500.0, 20.0),  # JPN's M beats USA's X
    ]
    assert [r[:3] for r in got] == [e[:3] for e in expected]
    for g, e in zip(got, expected, strict=True):
        assert g[3] == pytest.approx(e[3], rel=1e-12)
        assert (g[4] is None and e[4] is None) or g[4] == pytest.approx(e[4], rel=1e-12)


def test_preview_without_key_splits_capped_calls(comtrade):
    cap = 2
    table = {
        (392, "M", "842,156"): official.comtrade_answer(JPN_M[:2], count=cap),  # capped
        (392, "M", "842"): official.comtrade_answer(JPN_M[:1]),
        (392, "M", "156"): official.comtrade_answer(JPN_M[1:2]),
    }
    seen = answers(comtrade, "/public/v1/preview/C/A/HS", table)
    files = ct.fetch(
        reporters=[392], years=[2023], flows=["M"], partners=[842, 156], cap=cap, vintage="v1"
    )
    assert all("Ocp-Apim-Subscription-Key" not in r.headers for r in seen)
    assert [r.args.get("partnerCode") for r in seen] == ["842,156", "842", "156"]
    assert [f.name for f in files if f.suffix == ".json"] == [
        "C_A_HS_r392_2023_M_a.json",
        "C_A_HS_r392_2023_M_b.json",
    ]


def test_cli_fetch_comtrade_takes_reporters_and_years(comtrade):
    from typer.testing import CliRunner

    from article2.cli import app

    table = {
        (392, "M", None): official.comtrade_answer(JPN_M),
        (392, "X", None): official.comtrade_answer(JPN_X),
    }
    seen = answers(comtrade, "/public/v1/preview/C/A/HS", table)
    runner = CliRunner()
    done = runner.invoke(
        app, ["fetch", "comtrade", "--reporters", "392", "--years", "2023", "--vintage", "v2",
              "--format", "json"],
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    assert {(r.args["reporterCode"], r.args["period"]) for r in seen} == {("392", "2023")}
    assert "C_A_HS_r392_2023_M.json" in done.stdout
    wrong = runner.invoke(app, ["fetch", "wdi", "--years", "2020-2021"])
    assert wrong.exit_code == 1 and "only for a source that takes them" in wrong.output
    bad = runner.invoke(app, ["fetch", "comtrade", "--reporters", "VNM"])
    assert bad.exit_code == 1 and "numeric codes" in bad.output


def hs_reference(codes: list[str]) -> bytes:
    """Comtrade's HS reference list, shaped as comtradeapicall's Metadata.getReference reads
    it (``{"results": [...]}``, one record per code with id, text, parent)."""
    return json.dumps(
        {
            "results": [
                {"id": c, "text": f"{c} - product", "parent": c[:4], "isLeaf": "1", "aggrLevel": 6}
                for c in codes
            ]
            + [
                {
                    "id": "TOTAL",
                    "text": "All Commodities",
                    "parent": "#",
                    "isLeaf": "0",
                    "aggrLevel": 0,
                }
            ]
        }  # fmt: skip
    ).encode()


def test_default_run_splits_partners_then_chapters_and_counts_calls(comtrade, monkeypatch):
    """All partners capped -> partner blocks; the block with the USA halved down to the USA;
    USA still capped -> one call per HS chapter with that chapter's HS6 codes."""
    monkeypatch.setenv("ARTICLE2_COMTRADE_HS_URL", comtrade.url_for("/ref/HS.json"))
    comtrade.expect_request("/ref/HS.json").respond_with_data(
        hs_reference(["850760", "870323", "870324"])
    )
    seen: list[Request] = []

    def handler(request: Request) -> Response:
        seen.append(request)
        partners = request.args.get("partnerCode")
        cmd = request.args["cmdCode"]
        if partners is None or (
            "842" in partners.split(",") and (partners != "842" or cmd == "AG6")
        ):
            return Response(official.comtrade_answer(JPN_M[:1], count=ct.PREVIEW_CAP))
        if partners == "842":
            rows = [r for r in JPN_M if r[3] == 842 and r[4] in cmd.split(",")]
            return Response(official.comtrade_answer(rows))
        rows = [r for r in JPN_M if str(r[3]) in partners.split(",") and r[3] != 0]
        return Response(official.comtrade_answer(rows))

    comtrade.expect_request("/public/v1/preview/C/A/HS").respond_with_handler(handler)
    notes: list[str] = []
    files = ct.fetch(reporters=[392], years=[2023], flows=["M"], vintage="v1", notify=notes.append)
    blocks = [r.args.get("partnerCode") for r in seen]
    assert blocks[0] is None  # the all-partner call, capped
    partners = ct.partner_codes(2023)
    assert 842 in partners and 840 not in partners and 490 in partners and 899 in partners
    n_blocks = -(-len(partners) // ct.PARTNER_BLOCK)
    assert len({b for b in blocks[1:] if b and len(b.split(",")) > 2}) >= n_blocks - 1
    chapter_calls = [r.args["cmdCode"] for r in seen if r.args.get("partnerCode") == "842"
                     and r.args["cmdCode"] != "AG6"]  # fmt: skip
    assert chapter_calls == ["850760", "870323,870324"]
    names = [f.name for f in files if f.suffix == ".json"]
    # every call counted: the data calls plus the one for the HS reference list
    assert notes == [f"comtrade: {len(seen) + 1} calls for {len(names)} answers (row cap 500)"]
    assert names[0] == "C_A_HS_r392_2023_M_p01.json"
    assert [n for n in names if "_hs" in n][-2:] == [
        n for n in names if n.endswith(("_hs85.json", "_hs87.json"))
    ]
    # the USA's flows arrive through the chapter calls, China's through its block
    trade = pd.read_csv(next(f for f in files if f.name.startswith("BACI_")), dtype={"k": str})
    assert sorted(trade[["i", "k"]].itertuples(index=False, name=None)) == [
        (156, "850760"),
        (842, "870323"),
    ]


def test_capped_call_that_cannot_split_is_an_error_and_writes_nothing(comtrade):
    answers(
        comtrade,
        "/public/v1/preview/C/A/HS",
        {(392, "M", "842"): official.comtrade_answer(JPN_M, count=ct.PREVIEW_CAP)},
    )
    with pytest.raises(ct.CappedResponseError, match="reached the cap of 500 rows"):
        ct.fetch(
            reporters=[392], years=[2023], flows=["M"], partners=[842], commodities=["870323"],
            vintage="v1",
        )  # fmt: skip
    assert not (paths.raw_dir() / "comtrade" / "v1").exists()


@pytest.mark.parametrize(
    ("body", "match"),
    [
        (json.dumps({"statusCode": 401, "message": "Access denied: invalid key"}), "401"),
        (json.dumps({"count": 0, "data": [], "error": "Invalid period"}), "Invalid period"),
        ("<html>gateway</html>", "answered an HTML page"),
        (json.dumps({"count": 1}), "no 'data' list"),
    ],
)
def test_error_and_malformed_answers(comtrade, body, match):
    comtrade.expect_request("/public/v1/preview/C/A/HS").respond_with_data(body)
    with pytest.raises(FetchError, match=match):
        ct.fetch(reporters=[392], years=[2023], flows=["M"], vintage="v1")
    assert not (paths.raw_dir() / "comtrade" / "v1").exists()


def test_options_checked_at_the_boundary():
    with pytest.raises(ValueError, match="classification must be one of HS, H0"):
        ct.fetch(reporters=[392], years=[2023], classification="SITC")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="flows must be among M, X"):
        ct.plan([392], [2023], flows=["R"])


def test_read_records_names_the_file(tmp_path):
    f = tmp_path / "a.json"
    f.write_text('{"count": 1, "data": [1]}')
    with pytest.raises(Exception, match=r"a.json, row 1: a record is not a JSON object"):
        ct.read_records(f)
    f.write_text("{")
    with pytest.raises(Exception, match="a.json: not a readable JSON answer"):
        ct.read_records(f)


flows = st.lists(
    st.tuples(
        st.sampled_from([392, 842, 156]),
        st.sampled_from(["M", "X"]),
        st.sampled_from([392, 842, 156, 0]),
        st.sampled_from(["870323", "850760"]),
        st.integers(1, 10**9).map(float),
    ),
    max_size=30,
    unique_by=lambda r: r[:4],
)


@settings(max_examples=50, deadline=None)
@given(flows)
def test_property_one_row_per_flow_and_importer_wins(rows):
    recs = [(2023, r, f, p, k, v, None) for r, f, p, k, v in rows if r != p]
    data = json.loads(official.comtrade_answer(recs))["data"]
    import pandas as pd

    out = ct.to_baci(pd.DataFrame(data))
    trade = out["HS17"].trade if out else pd.DataFrame(columns=["t", "i", "j", "k", "v"])
    assert not trade.duplicated(["t", "i", "j", "k"]).any()
    for _, i, j, k, v, _q in trade.itertuples(index=False):
        m = [x[5] for x in recs if x[1] == j and x[2] == "M" and x[3] == i and x[4] == k]
        x = [x[5] for x in recs if x[1] == i and x[2] == "X" and x[3] == j and x[4] == k]
        assert v * 1000 == pytest.approx((m or x)[0], rel=1e-12)
    # every country-partner HS6 flow reported by someone is there
    want = {(p, r) if f == "M" else (r, p) for _, r, f, p, *_ in recs if p != 0}
    assert {(i, j) for i, j in zip(trade["i"], trade["j"], strict=True)} == want
