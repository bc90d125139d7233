"""Invariants of the general-equilibrium solver and scenario checks.

Tolerance: the solver's own (residual < tol = 1e-10); invariance checks at 1e-8 relative.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from article2.models import ge, scenarios


def _system(n: int, seed: int):
    rng = np.random.default_rng(seed)
    x = rng.lognormal(0.0, 1.5, (n, n))
    x[np.diag_indices(n)] *= 20
    tau = np.exp(rng.normal(0.0, 0.3, (n, n)))
    np.fill_diagonal(tau, 1.0)
    return x, tau


def test_zero_shock_changes_nothing():
    x, _ = _system(30, 1)
    r = ge.solve(x, np.ones_like(x), sigma=7, reference=4)
    for arr in (
        r.exports_cdl,
        r.exports_full,
        r.real_gdp_full,
        r.imr_full,
        r.omr_full,
        r.price_full,
        r.imr_cdl,
        r.omr_cdl,
    ):
        np.testing.assert_allclose(arr, 1.0, rtol=0, atol=1e-12)
    np.testing.assert_allclose(r.flows_full, x, rtol=1e-12)


def test_residuals_below_tolerance():
    x, tau = _system(150, 2)
    r = ge.solve(x, tau, sigma=5, reference=0, tol=1e-11)
    assert r.max_residual < r.tol
    y = r.flows_full.sum(axis=1)
    np.testing.assert_allclose(y, r.price_full * x.sum(axis=1), rtol=1e-9)


def test_mr_solution_reproduces_flows():
    x, _ = _system(20, 3)
    y, e = x.sum(axis=1), x.sum(axis=0)
    t = x / np.outer(y, e)  # costs such that the observed flows are the solution
    mr = ge.solve_mr(t, y, e, reference=2)
    assert mr.imr[2] == pytest.approx(1.0)
    # flows implied by t are consistent with Y and E
    f = ge.baseline_flows(t, y, e, mr)
    np.testing.assert_allclose(f.sum(axis=1), y, rtol=1e-9)
    np.testing.assert_allclose(f.sum(axis=0), e, rtol=1e-9)


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(min_value=2, max_value=9),
    seed=st.integers(min_value=0, max_value=10_000),
    sigma=st.floats(min_value=2.0, max_value=12.0),
    ref=st.integers(min_value=0, max_value=8),
)
def test_welfare_invariant_to_reference_and_scale(n, seed, sigma, ref):
    x, tau = _system(n, seed)
    ref = ref % n
    a = ge.solve(x, tau, sigma=sigma, reference=0)
    b = ge.solve(x * 3.7, tau, sigma=sigma, reference=ref)
    assert a.max_residual < a.tol and b.max_residual < b.tol
    np.testing.assert_allclose(a.real_gdp_full, b.real_gdp_full, rtol=1e-8)
    np.testing.assert_allclose(a.exports_cdl, b.exports_cdl, rtol=1e-8)
    # relative prices do not depend on the numeraire
    np.testing.assert_allclose(
        a.price_full / a.price_full[0], b.price_full / b.price_full[0], rtol=1e-8
    )


@settings(max_examples=25, deadline=None)
@given(n=st.integers(min_value=2, max_value=8), seed=st.integers(min_value=0, max_value=10_000))
def test_relabelling_countries_permutes_results(n, seed):
    x, tau = _system(n, seed)
    perm = np.random.default_rng(seed).permutation(n)
    a = ge.solve(x, tau, sigma=7, reference=0)
    b = ge.solve(
        x[np.ix_(perm, perm)],
        tau[np.ix_(perm, perm)],
        sigma=7,
        reference=int(np.flatnonzero(perm == 0)[0]),
    )
    np.testing.assert_allclose(a.real_gdp_full[perm], b.real_gdp_full, rtol=1e-8)


def test_bad_input_is_named():
    x, _ = _system(4, 0)
    with pytest.raises(ValueError, match="tau_hat"):
        ge.solve(x, np.ones((3, 3)), sigma=7, reference=0)
    with pytest.raises(ValueError, match="sigma"):
        ge.solve(x, np.ones((4, 4)), sigma=1.0, reference=0)
    x[1, :] = 0
    x[:, 1] = 0
    with pytest.raises(ValueError, match=r"indices \[1\]"):
        ge.solve(x, np.ones((4, 4)), sigma=7, reference=0)


def test_tau_hat_agreement_and_pair_cost():
    cs = ["AUS", "JPN", "USA", "CHN"]
    rta = np.zeros((4, 4))
    rta[0, 1] = rta[1, 0] = 1
    join = scenarios.Change(kind="agreement_join", members=("AUS", "JPN"), joining=("USA",))
    tau = scenarios.tau_hat(join, cs, rta, beta=0.5, sigma=7)
    assert tau[2, 0] == pytest.approx(np.exp(0.5)) and tau[1, 2] == pytest.approx(np.exp(0.5))
    assert tau[0, 1] == 1.0 and tau[3, 2] == 1.0
    cost = scenarios.Change(kind="pair_cost", pairs=(("CHN", "AUS"),), ad_valorem=0.25)
    tau = scenarios.tau_hat(cost, cs, rta, beta=None, sigma=7)
    assert tau[3, 0] == pytest.approx(1.25**-6) and tau[0, 3] == pytest.approx(1.25**-6)
    with pytest.raises(ValueError, match="KOR"):
        scenarios.tau_hat(
            scenarios.Change(kind="pair_cost", pairs=(("KOR", "AUS"),)), cs, rta, beta=None, sigma=7
        )


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"name": "x"}, "data: missing"),
        (
            {
                "name": "x",
                "data": "baci",
                "change": {"kind": "pair_cost", "pairs": [["A", "B"]]},
                "baseline_year": 2016,
                "reference": "DEU",
            },
            "data: 'baci' not allowed; allowed: agtpa, comtrade",
        ),
        (
            {
                "name": "x",
                "data": "agtpa",
                "change": {"kind": "grow"},
                "baseline_year": 1994,
                "reference": "DEU",
            },
            "change.kind: 'grow' not allowed; allowed: agreement_remove, agreement_join",
        ),
        (
            {
                "name": "x",
                "data": "agtpa",
                "change": {"kind": "agreement_remove", "members": ["CAN", "MEX"]},
                "baseline_year": 1994,
                "estimation_years": [1986],
                "reference": "DEU",
            },
            "baseline_year 1994 must be one of",
        ),
    ],
)
def test_scenario_errors_name_the_field(raw, message):
    with pytest.raises(ValueError, match=message):
        scenarios.parse_scenario(raw, where="s.yaml")


def test_example_scenario_parses():
    sc = scenarios.load_scenario("examples/scenarios/agtpa-nafta.yaml")
    assert sc.change.members == ("CAN", "MEX", "USA") and sc.perspective == "baseline"


@pytest.mark.snapshot
def test_cli_scenario_run_json(real_warehouse, monkeypatch, tmp_path):
    from typer.testing import CliRunner

    from article2.cli import app

    monkeypatch.setenv("ARTICLE2_HOME", str(tmp_path))
    (tmp_path / "warehouse.duckdb").symlink_to(real_warehouse)
    runner = CliRunner()
    out = runner.invoke(
        app, ["scenario", "run", "examples/scenarios/agtpa-nafta.yaml", "--format", "json"]
    )
    assert out.exit_code == 0, out.output
    doc = json.loads(out.stdout)
    records = doc["table"]
    assert len(records) == 69
    can = next(r for r in records if r["iso3"] == "CAN")
    assert set(can) >= {"iso3", "exports_cdl", "exports_full", "real_gdp", "imr", "omr"}
    assert can["exports_cdl"] == pytest.approx(35.0, abs=0.02)
    assert can["country"] == "Canada"
    assert doc["change"]["agreement"] == "NAFTA" and doc["procedure"] == "exact"
    assert doc["rta"]["significant"] is True  # 0.557, s.e. 0.102: z = 5.5
    shown = runner.invoke(app, ["scenario", "show", "agtpa-nafta", "--format", "json"])
    assert json.loads(shown.stdout) == doc
    missing = runner.invoke(app, ["scenario", "show", "nope"])
    assert missing.exit_code == 1 and "agtpa-nafta" in missing.output


def test_equilibrium_residual_checks_solutions():
    x, tau = _system(40, 5)
    r = ge.solve(x, tau, sigma=6, reference=3, tol=1e-12)
    assert ge.equilibrium_residual(x, tau, r.price_full, sigma=6) < 1e-10
    # invariant to the numeraire; a perturbed price vector is not an equilibrium
    assert ge.equilibrium_residual(x, tau, 2.5 * r.price_full, sigma=6) < 1e-10
    bumped = r.price_full.copy()
    bumped[0] *= 1.01
    assert ge.equilibrium_residual(x, tau, bumped, sigma=6) > 1e-3
    with pytest.raises(ValueError, match="price"):
        ge.equilibrium_residual(x, tau, -r.price_full, sigma=6)


def _agreement_case():
    x, _ = _system(12, 7)
    cs = [f"CA{chr(65 + i)}" for i in range(12)]  # CAA, CAB, …: letter codes as scenarios require
    rta = np.zeros((12, 12))
    rta[0, 1] = rta[1, 0] = 1
    sc = scenarios.parse_scenario(
        {
            "name": "t",
            "data": "comtrade",
            "baseline_year": 2016,
            "reference": "CAF",
            "change": {"kind": "agreement_join", "members": ["CAA", "CAB"], "joining": ["CAC"]},
        }
    )
    return sc, cs, x, rta


def test_bands_bracket_the_point_and_are_seeded():
    sc, cs, x, rta = _agreement_case()
    kw = dict(draws=200, seed=3, tol=1e-10)
    band = scenarios.bands(sc, cs, x, rta, 0.5, 0.1, **kw)
    point = scenarios._solve(sc, cs, x, rta, 0.5, 0.1, (), 1e-10, draws=0).table
    for col in scenarios.BAND_COLUMNS:
        lo, hi = band[f"{col}_p05"].to_numpy(), band[f"{col}_p95"].to_numpy()
        assert np.all(lo <= point[col].to_numpy() + 1e-9)
        assert np.all(point[col].to_numpy() <= hi + 1e-9)
    # the joining country's exports: a 90 % band of width ~ 2 x 1.645 x dExports/dbeta x se
    i = cs.index("CAC")
    assert band.loc[i, "exports_full_p95"] - band.loc[i, "exports_full_p05"] > 1.0
    pd.testing.assert_frame_equal(band, scenarios.bands(sc, cs, x, rta, 0.5, 0.1, **kw))
    # no estimation uncertainty: the band collapses onto the point
    flat = scenarios.bands(sc, cs, x, rta, 0.5, 0.0, **kw)
    np.testing.assert_allclose(flat["real_gdp_p05"], point["real_gdp"], atol=1e-9)
    np.testing.assert_allclose(flat["real_gdp_p95"], point["real_gdp"], atol=1e-9)
    with pytest.raises(ValueError, match="draws"):
        scenarios.bands(sc, cs, x, rta, 0.5, 0.1, draws=1, seed=0, tol=1e-10)


def test_scenario_table_carries_bands_by_default():
    sc, cs, x, rta = _agreement_case()
    r = scenarios._solve(sc, cs, x, rta, 0.5, 0.1, (), 1e-10)
    assert r.draws == 200 and r.seed == 0
    assert {"exports_full_p05", "exports_full_p95", "real_gdp_p05", "real_gdp_p95"} <= set(
        r.table.columns
    )


def test_agtpa_procedure_is_named_and_checked():
    x, tau = _system(15, 4)
    r = ge.solve(x, tau, sigma=7, reference=0, procedure="agtpa")
    assert r.procedure == "agtpa" and r.iterations_full >= 1
    assert r.imr_full[0] == pytest.approx(1.0)
    with pytest.raises(ValueError, match="procedure 'book' not allowed"):
        ge.solve(x, tau, sigma=7, reference=0, procedure="book")


@pytest.mark.snapshot
def test_cli_scenario_keeps_library_warnings_as_notes(real_warehouse, monkeypatch, tmp_path):
    """Warnings raised while the data load (outside the model) and while the model runs are
    kept in the result's notes in plain words; nothing reaches stderr. Run options from the
    command line replace the file's."""
    import warnings

    from typer.testing import CliRunner

    from article2.cli import app
    from article2.models import data

    monkeypatch.setenv("ARTICLE2_HOME", str(tmp_path))
    (tmp_path / "warehouse.duckdb").symlink_to(real_warehouse)
    load, fit = data.agtpa_panel, scenarios._rta_fit
    lib = "/usr/lib/python3/site-packages/pyfixest/estimation/feols_.py"

    def noisy_load(*a, **k):
        warnings.warn_explicit("the ssc default will change", FutureWarning, lib, 7)
        return load(*a, **k)

    def noisy_fit(*a, **k):
        np.log(np.zeros(2))  # numpy's own RuntimeWarning (divide by zero)
        return fit(*a, **k)

    monkeypatch.setattr(data, "agtpa_panel", noisy_load)
    monkeypatch.setattr(scenarios, "_rta_fit", noisy_fit)
    runner = CliRunner()
    args = ["scenario", "run", "examples/scenarios/agtpa-nafta.yaml"]
    out = runner.invoke(app, [*args, "--procedure", "agtpa", "--draws", "20", "--seed", "3"])
    assert out.exit_code == 0, out.output
    assert out.stderr == ""
    assert "site-packages" not in out.stdout and "Warning:" not in out.stdout
    assert "Note: pyfixest warned (FutureWarning): the ssc default will change" in out.stdout
    assert "Solved with the agtpa procedure" in out.stdout
    doc = json.loads(runner.invoke(app, ["scenario", "show", "agtpa-nafta", "-f", "json"]).stdout)
    assert (doc["procedure"], doc["draws"], doc["seed"]) == ("agtpa", 20, 3)
    assert doc["notes"][0] == "pyfixest warned (FutureWarning): the ssc default will change"
    assert any("RuntimeWarning): divide by zero" in n for n in doc["notes"])
    assert all(m["p05"] is not None for m in doc["movers"]["real_gdp"])
