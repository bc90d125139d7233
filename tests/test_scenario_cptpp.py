"""The worked scenario: the United States joins CPTPP, on the Comtrade extract (baseline 2016).

``article2 scenario run examples/scenarios/usa-joins-cptpp.yaml --format json`` on the real
snapshot (about 20 s: PPML on 2000–2016 with exporter-year, importer-year and pair effects,
then the GE solve for 157 countries).

Invariants: one record per country with finite changes; the reference country's IMR does not
move; the solver's residual is below its tolerance; the U.S. and the members without a prior
agreement with it (JPN, VNM, MYS, NZL, BRN) gain real GDP and export more; the members that
already had one (CAN, MEX, SGP) lose a little (preference erosion); CHN and KOR, outside,
export less and lose real GDP; no non-member's real GDP moves by more than 0.02%.

Pinned numbers: the run of the snapshot inspected when the test was written (RTA coefficient
0.0482, s.e. 0.0290; see the scenario file's notes). Tolerance: 1e-3 relative (the PPML
estimate converges to ~1e-8 and the GE solve to 1e-10; 1e-3 leaves room for BLAS and pyfixest
versions, far below the differences between countries).
"""

from __future__ import annotations

import json
import math

import pytest

SCENARIO = "examples/scenarios/usa-joins-cptpp.yaml"
MEMBERS = {"AUS", "BRN", "CAN", "CHL", "JPN", "MYS", "MEX", "NZL", "PER", "SGP", "VNM"}
# % changes (counterfactual vs baseline): exports_cdl, exports_full, real_gdp
PINNED = {
    "USA": (0.499886, 0.486286, 0.00482595),
    "JPN": (0.669834, 0.706413, 0.0134648),
    "VNM": (0.320881, 0.408832, 0.0947057),
    "MYS": (0.216121, 0.257566, 0.0491892),
    "CHN": (-0.0211162, -0.0170734, -0.000674864),
    "KOR": (-0.0237607, -0.0152558, -0.00152279),
}
REL = 1e-3


@pytest.fixture(scope="module")
def run(real_warehouse, tmp_path_factory):
    from typer.testing import CliRunner

    from article2.cli import app

    home = tmp_path_factory.mktemp("cptpp")
    (home / "warehouse.duckdb").symlink_to(real_warehouse)
    mp = pytest.MonkeyPatch()
    mp.setenv("ARTICLE2_HOME", str(home))
    try:
        out = CliRunner().invoke(app, ["scenario", "run", SCENARIO, "--format", "json"])
        assert out.exit_code == 0, out.output
        from article2 import api

        meta, _ = api.scenario_result("usa-joins-cptpp")
    finally:
        mp.undo()
    doc = json.loads(out.stdout)
    return {r["iso3"]: r for r in doc["table"]}, meta


@pytest.mark.snapshot
def test_records_and_solver(run):
    rec, meta = run
    assert len(rec) == 157
    for r in rec.values():
        assert set(r) >= {"iso3", "exports_cdl", "exports_full", "real_gdp", "imr", "omr"}
        assert all(math.isfinite(v) for k, v in r.items() if k not in ("iso3", "country"))
    assert rec["DEU"]["imr"] == pytest.approx(0.0, abs=1e-9)  # reference country
    assert meta["max_residual"] < 1e-10
    assert meta["rta_coef"] == pytest.approx(0.0481662, rel=REL)
    assert meta["rta_se"] == pytest.approx(0.0290212, rel=REL)
    assert "comtrade_penppml/trade.csv.gz" in meta["source_ids"]


@pytest.mark.snapshot
def test_direction_of_effects(run):
    rec, _ = run
    for c in ("USA", "JPN", "VNM", "MYS", "NZL", "BRN"):
        assert rec[c]["real_gdp"] > 0, c
        assert rec[c]["exports_full"] > 0 and rec[c]["exports_cdl"] > 0, c
    for c in ("CAN", "MEX", "SGP"):
        assert rec[c]["real_gdp"] < 0, c
    for c in ("CHN", "KOR"):
        assert rec[c]["real_gdp"] < 0 and rec[c]["exports_full"] < 0, c
    outside = [r for c, r in rec.items() if c not in MEMBERS | {"USA"}]
    assert max(abs(r["real_gdp"]) for r in outside) < 0.02
    # the largest real-GDP gain is Vietnam's, the new partner most exposed to the U.S. market
    assert max(rec, key=lambda c: rec[c]["real_gdp"]) == "VNM"


@pytest.mark.snapshot
@pytest.mark.parametrize("iso3", sorted(PINNED))
def test_pinned_results(run, iso3):
    rec, _ = run
    cdl, full, gdp = PINNED[iso3]
    assert rec[iso3]["exports_cdl"] == pytest.approx(cdl, rel=REL)
    assert rec[iso3]["exports_full"] == pytest.approx(full, rel=REL)
    assert rec[iso3]["real_gdp"] == pytest.approx(gdp, rel=REL)
