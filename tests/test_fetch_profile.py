"""End to end: fetch IMF IMTS from a local server, build, and read the figure in the profile.

Reference: the fixture's own numbers (US dollars, as the IMF sends them, with its display
``SCALE`` 6); the profile's level must equal them exactly (relative 1e-12), its share must equal the partner's value
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

# Viet Nam's imports (CIF) by partner in 2024, US dollars
VNM_IMPORTS = {
    "CHN": "143900500000",
    "KOR": "56100000000",
    "JPN": "22400250000",
    "USA": "15100000000",
}
# partners' imports from Viet Nam (Viet Nam's exports, as the importers report them)
FROM_VNM = {"USA": "136600000000", "CHN": "61200750000", "JPN": "25000000000", "KOR": "25400000000"}


def body() -> bytes:
    flows = [("VNM", p, v) for p, v in VNM_IMPORTS.items()]
    flows += [(r, "VNM", v) for r, v in FROM_VNM.items()]
    return official.imf_imts_csv([(r, "MG_CIF_USD", p, "A", "2024", v) for r, p, v in flows])


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
    assert usa["share"] == pytest.approx(15100e6 / total, rel=1e-12)
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
