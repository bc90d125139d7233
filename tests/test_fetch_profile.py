"""End to end: fetch IMF IMTS from a local server, build, and read the figure in the profile.

Reference: the fixture's own numbers (USD millions with SCALE 6); the profile's level must
equal them exactly up to the scaling (relative 1e-12), its share must equal the partner's value
over the sum of the reporter's partners (computed here), and its sources must name the
fetched file, whose folder is the vintage.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from article2 import warehouse
from article2.cli import app
from tests.fixtures import official

pytestmark = pytest.mark.network
runner = CliRunner()

DIMS = ["COUNTRY", "INDICATOR", "COUNTERPART_COUNTRY", "FREQUENCY"]
# Viet Nam's imports (CIF) by partner in 2024, USD millions
VNM_IMPORTS = {"CHN": "143900.5", "KOR": "56100", "JPN": "22400.25", "USA": "15100"}
# partners' imports from Viet Nam (Viet Nam's exports, as the importers report them)
FROM_VNM = {"USA": "136600", "CHN": "61200.75", "JPN": "25000", "KOR": "25400"}


def body() -> bytes:
    flows = [("VNM", p, v) for p, v in VNM_IMPORTS.items()]
    flows += [(r, "VNM", v) for r, v in FROM_VNM.items()]
    rows = [
        {
            "COUNTRY": r,
            "INDICATOR": "MG_CIF_USD",
            "COUNTERPART_COUNTRY": p,
            "FREQUENCY": "A",
            "TIME_PERIOD": "2024",
            "OBS_VALUE": v,
            "SCALE": "6",
        }
        for r, p, v in flows
    ]
    return official.sdmx_csv(DIMS, rows, flow="IMF.STA:IMTS(1.0.0)")


def test_fetch_build_profile_shows_the_fetched_figure_and_vintage(httpserver, monkeypatch, mini):
    monkeypatch.setenv("ARTICLE2_IMF_URL", httpserver.url_for("/imf"))
    httpserver.expect_request("/imf/data/IMF.STA,IMTS/.XG_FOB_USD+MG_CIF_USD..A").respond_with_data(
        body()
    )
    r = runner.invoke(app, ["fetch", "imf_imts", "--vintage", "2025-06", "--format", "json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)[0]["file"] == "imf_imts.csv"
    r = runner.invoke(app, ["build", "--snapshot", str(mini)])
    assert r.exit_code == 0, r.output

    r = runner.invoke(app, ["profile", "VNM", "--trade-source", "imf", "--format", "json"])
    assert r.exit_code == 0, r.output
    prof = json.loads(r.stdout)
    fig = {(f["actor"], f["channel"]): f for f in prof if f["section"] == "trade"}
    usa = fig[("USA", "imports")]
    assert usa["year"] == 2024
    assert usa["value"] == pytest.approx(15100e6, rel=1e-12)
    total = sum(float(v) for v in VNM_IMPORTS.values())
    assert usa["share"] == pytest.approx(15100 / total, rel=1e-12)
    assert fig[("CHN", "imports")]["value"] == pytest.approx(143900.5e6, rel=1e-12)
    assert fig[("USA", "exports")]["value"] == pytest.approx(136600e6, rel=1e-12)
    assert usa["source_ids"] == "raw/imf_imts/2025-06/imf_imts.csv"

    # the table view prints the source with its vintage folder
    r = runner.invoke(app, ["profile", "VNM", "--trade-source", "imf"])
    assert r.exit_code == 0 and "raw/imf_imts/2025-06/imf_imts.csv" in r.output
    src = warehouse.query(
        "SELECT vintage, retrieved FROM sources WHERE source_id = ?",
        ["raw/imf_imts/2025-06/imf_imts.csv"],
    )
    assert src["vintage"].tolist() == ["2025-06"] and src["retrieved"].iloc[0]

    r = runner.invoke(app, ["sources", "--fetched", "--format", "json"])
    status = {x["source"]: x for x in json.loads(r.stdout)}
    imts = status["imf_imts"]
    assert imts["vintage"] == "2025-06" and imts["warehouse_vintage"] == "2025-06"
    assert imts["fetched_at"] == src["retrieved"].iloc[0] and imts["stale"] == ""
    assert {status[s]["stale"] for s in ("comtrade", "aiddata", "desta")} == {"not fetched"}
