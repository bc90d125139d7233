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
import re

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
NEG_ZERO = re.compile(r"(?<![\d.])-0\.0+(?![\d])")  # -0.0, -0.00, ... shown as a number


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
    return {r["iso3"]: r for r in doc["table"]}, meta, doc, out.stderr, home


@pytest.mark.snapshot
def test_records_and_solver(run):
    rec, meta, *_ = run
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
    rec, *_ = run
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
    rec, *_ = run
    cdl, full, gdp = PINNED[iso3]
    assert rec[iso3]["exports_cdl"] == pytest.approx(cdl, rel=REL)
    assert rec[iso3]["exports_full"] == pytest.approx(full, rel=REL)
    assert rec[iso3]["real_gdp"] == pytest.approx(gdp, rel=REL)


@pytest.mark.snapshot
def test_summary_flags_the_coefficient(run):
    *_, doc, stderr, _ = run
    from scipy.stats import norm

    rta = doc["rta"]
    p = 2.0 * norm.sf(abs(rta["coef"] / rta["se"]))  # two-sided, by hand
    assert rta["p_value"] == pytest.approx(p, abs=1e-12)
    assert p == pytest.approx(0.0966, abs=1e-3)  # 0.0482 / 0.0290 = z 1.66
    assert rta["significant"] is False and rta["used"] is True
    assert doc["change"]["agreement"] == "CPTPP" and doc["change"]["joining"] == ["USA"]
    assert (doc["procedure"], doc["draws"], doc["seed"]) == ("exact", 200, 0)
    assert doc["notes"] == []  # nothing warned in this run (what would is in test_ge)
    assert "site-packages" not in stderr and "Warning:" not in stderr and stderr == ""


@pytest.mark.snapshot
@pytest.mark.parametrize("column", ["real_gdp", "exports_full"])
def test_movers_are_the_top_of_the_full_table(run, column):
    rec, _, doc, *_ = run
    by_size = sorted(rec.values(), key=lambda r: (-abs(r[column]), r["iso3"]))
    movers = doc["movers"][column]
    assert [m["iso3"] for m in movers] == [r["iso3"] for r in by_size[:10]]
    for m in movers:
        r = rec[m["iso3"]]
        assert m["change"] == r[column] and m["country"] == r["country"]
        assert (m["p05"], m["p95"]) == (r[f"{column}_p05"], r[f"{column}_p95"])
        assert m["p05"] <= m["change"] <= m["p95"]
    if column == "real_gdp":  # the full table is sorted by size of the real GDP change
        assert [r["iso3"] for r in doc["table"]] == [r["iso3"] for r in by_size]
        assert movers[0]["iso3"] == "VNM"


@pytest.mark.snapshot
def test_table_output_for_readers(run, monkeypatch):
    from typer.testing import CliRunner

    from article2.cli import app

    *_, home = run
    monkeypatch.setenv("ARTICLE2_HOME", str(home))
    out = CliRunner().invoke(app, ["scenario", "show", "usa-joins-cptpp"])
    assert out.exit_code == 0, out.output
    text = out.stdout
    assert text.startswith("The United States joins CPTPP")
    assert "United States (USA) joins CPTPP" in text
    assert "RTA coefficient 0.0482, standard error 0.0290: z = 1.66, p = 0.097" in text
    assert "Not significant at 5 %" in text
    assert "The 10 largest changes in real GDP" in text and "Vietnam" in text
    assert not NEG_ZERO.search(text), NEG_ZERO.search(text)
    for jargon in ("exports_cdl", "imr", "omr", "real_gdp"):
        assert jargon not in text
    assert text.count("│ VNM") == 2  # in both movers tables, not the full table
    full = CliRunner().invoke(app, ["scenario", "show", "usa-joins-cptpp", "--full"]).stdout
    assert full.startswith(text.rsplit("Every country's changes:", 1)[0])  # summary, then table
    assert max(len(line) for line in full.splitlines()) <= 100  # the table fits 100 columns
    rest = full.split("Every country, by size of the real GDP change", 1)[1]
    for word in ("Real GDP", "Exports", "--wide"):
        assert word in rest, word
    wide = CliRunner().invoke(app, ["scenario", "show", "usa-joins-cptpp", "--full", "--wide"])
    rest_wide = wide.stdout.split("Every country, by size of the real GDP change", 1)[1]
    for word in ("Real GDP", "Exports", "Inward", "Outward", "multilateral", "Factory-gate"):
        assert word in rest_wide, word
    assert not NEG_ZERO.search(full) and not NEG_ZERO.search(wide.stdout)
    rows = re.findall(r"^│ ([A-Z]{3})\s+│", rest, flags=re.M)
    assert len(rows) == 157
    movers = [line.split("│")[1].strip() for line in text.splitlines() if line.startswith("│")]
    assert rows[:10] == movers[:10]  # the full table starts with the real GDP movers


@pytest.mark.snapshot
def test_geodist_covariates_versus_pair_effects(real_warehouse):
    """The comparison in docs/methods/gravity.md: pair effects absorb GeoDist's geography; the
    specification with GeoDist covariates instead gives a ten-times larger RTA coefficient."""
    from article2.models import data
    from article2.models.gravity import GravitySpec, fit

    years = (2000, 2004, 2008, 2012, 2016)
    p = data.comtrade_panel(years, path=real_warehouse)
    p = p[p["exporter"] != p["importer"]].rename(
        columns={"contig": "cntg", "comlang_off": "lang", "colony": "clny"}
    )
    pair = fit(GravitySpec(terms=("rta",), fixed_effects=("exp_year", "imp_year", "pair"),
                           years=years, drop_zero_pairs=True, international_only=True), p)  # fmt: skip
    terms = ("log_dist", "cntg", "lang", "clny", "rta")
    geo = fit(GravitySpec(terms=terms, fixed_effects=("exp_year", "imp_year"), years=years,
                          international_only=True),
              p.dropna(subset=["log_dist", "lang", "clny"]))  # fmt: skip
    assert (pair.coef["rta"], pair.se["rta"]) == pytest.approx((0.0481662, 0.0290212), rel=REL)
    assert geo.coef["rta"] == pytest.approx(0.4986, rel=REL)
    assert geo.se["rta"] == pytest.approx(0.0721, rel=2e-3)
    assert geo.coef["log_dist"] == pytest.approx(-0.6521, rel=REL)
