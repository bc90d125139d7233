"""A scenario result for readers (models/scenario_report.py), the run options of the scenario
schema and the capture of library warnings (models/scenarios.py). Fast: no warehouse.

References: the p-value is checked against ``scipy.stats.norm`` (an independent implementation
of the normal distribution; the module uses ``math.erfc``), tolerance 1e-12 absolute; the movers
against an ordering computed here from the full table.
"""

from __future__ import annotations

import math
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import norm

from article2.models import scenario_report as report
from article2.models import scenarios

NEG_ZERO = re.compile(r"^-0\.?0*$")


# --- numbers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "places", "shown"),
    [
        (-0.0, 2, "0.00"),
        (-0.004, 2, "0.00"),
        (-0.0049, 3, "-0.005"),
        (-0.00001, 1, "0.0"),
        (0.0, 0, "0"),
        (-0.4, 0, "0"),
        (1.234, 2, "1.23"),
        (-1.5, 1, "-1.5"),
        (float("nan"), 2, ""),
        (None, 2, ""),
    ],
)
def test_number_never_shows_negative_zero(value, places, shown):
    assert report.number(value, places) == shown


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6),
       st.integers(0, 6))  # fmt: skip
def test_number_property(value, places):
    text = report.number(value, places)
    assert not NEG_ZERO.match(text)
    assert float(text) == pytest.approx(value, abs=0.5 * 10**-places + 1e-9)


@pytest.mark.parametrize(
    ("values", "places"),
    [([0.0947, -0.01], 3), ([0.71, -0.25], 2), ([1e-5], 4), ([15.2], 2), ([0.0], 2), ([], 2)],
)
def test_decimals_show_two_significant_digits(values, places):
    assert report.decimals(values) == places


# --- the RTA coefficient's test -------------------------------------------------------------


@pytest.mark.parametrize(
    ("coef", "se", "significant"),
    [
        (0.0481662, 0.0290212, False),  # the CPTPP example: z = 1.66
        (0.5572, 0.1022, True),  # the NAFTA example: z = 5.45
        (-0.2, 0.05, True),
        (0.0, 0.1, False),
        (1.959, 1.0, False),  # just inside the 5 % bound (z = 1.959 < 1.95996)
        (1.961, 1.0, True),
    ],
)
def test_significance_against_scipy(coef, se, significant):
    got = report.significance(coef, se)
    p = 2.0 * norm.sf(abs(coef / se))
    assert got["p_value"] == pytest.approx(p, abs=1e-12)
    assert got["z"] == pytest.approx(coef / se)
    assert got["significant"] is significant
    assert got["significant"] is bool(p < 0.05)
    assert "two-sided" in got["test"]


@pytest.mark.parametrize(("coef", "se"), [(None, 0.1), (0.1, None), (0.1, 0.0), (0.1, math.nan)])
def test_significance_needs_an_estimate(coef, se):
    assert report.significance(coef, se) is None


# --- movers and the full table -------------------------------------------------------------


def _table(n: int = 30, seed: int = 2) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    codes = ["USA", "JPN", "VNM", "CHN", "KOR", "MYS", "DEU", "FRA", "GBR", "IND"]
    codes += [f"C{chr(65 + i // 26)}{chr(65 + i % 26)}" for i in range(n - len(codes))]
    gdp = rng.normal(0, 0.05, n)
    gdp[3] = -gdp[2]  # a tie in size, opposite signs: broken by ISO3
    exp = rng.normal(0, 0.5, n)
    gdp[0], exp[0] = -0.3, 2.0  # the U.S. moves most
    return pd.DataFrame(
        {
            "iso3": codes,
            "real_gdp": gdp,
            "real_gdp_p05": gdp - 0.01,
            "real_gdp_p95": gdp + 0.01,
            "exports_full": exp,
            "exports_full_p05": exp - 0.1,
            "exports_full_p95": exp + 0.1,
        }
    )


@pytest.mark.parametrize("column", ["real_gdp", "exports_full"])
def test_movers_are_the_largest_changes(column):
    table = _table()
    top = report.movers(table, column)
    expected = sorted(table.itertuples(), key=lambda r: (-abs(getattr(r, column)), r.iso3))[:10]
    assert list(top["iso3"]) == [r.iso3 for r in expected]
    assert list(top["change"]) == [getattr(r, column) for r in expected]
    assert (top["p05"] <= top["change"]).all() and (top["change"] <= top["p95"]).all()
    assert top.loc[top["iso3"] == "USA", "country"].item() == "United States"
    if column == "real_gdp":  # the full table is ordered the same way
        full = report.full_table(table)
        assert list(full["iso3"][:10]) == list(top["iso3"])
        assert len(full) == len(table)
        sizes = full["real_gdp"].abs().to_numpy()
        assert np.all(sizes[:-1] >= sizes[1:])


def test_no_negative_zero_in_machine_output():
    table = _table()
    table.loc[5, ["real_gdp", "exports_full"]] = -0.0
    full = report.full_table(table)
    assert not any(math.copysign(1.0, v) < 0 for v in full["real_gdp"] if v == 0)
    assert not re.search(r"(^|,)-0\.0(,|$)", full.to_csv(index=False), flags=re.M)
    assert re.search(r"(^|,)-0\.0(,|$)", table.to_csv(index=False), flags=re.M)  # it was there
    assert report._finite(-0.0) == 0.0 and math.copysign(1.0, report._finite(-0.0)) == 1.0


def test_movers_without_bands():
    table = _table()[["iso3", "real_gdp", "exports_full"]]
    top = report.movers(table, "real_gdp", 3)
    assert len(top) == 3 and top["p05"].isna().all()


def test_summary_of_a_solved_scenario():
    x = np.random.default_rng(7).lognormal(0.0, 1.5, (12, 12))
    x[np.diag_indices(12)] *= 20
    cs = [f"CA{chr(65 + i)}" for i in range(12)]
    rta = np.zeros((12, 12))
    rta[0, 1] = rta[1, 0] = 1
    sc = scenarios.parse_scenario(
        {
            "name": "t",
            "data": "comtrade",
            "baseline_year": 2016,
            "reference": "CAF",
            "draws": 20,
            "seed": 4,
            "change": {
                "kind": "agreement_join",
                "agreement": "TPP",
                "members": ["CAA", "CAB"],
                "joining": ["CAC"],
            },
        }
    )
    res = scenarios._solve(sc, cs, x, rta, 0.1, 0.08, ("s.csv",), 1e-10, draws=20, seed=4)
    rec = scenarios.record(res)
    table = pd.DataFrame(rec.pop("table"))
    s = report.summary(rec, table, n=5)
    assert s["rta"]["significant"] is False and s["rta"]["used"] is True
    assert s["rta"]["p_value"] == pytest.approx(2 * norm.sf(0.1 / 0.08), abs=1e-12)
    assert "CAC joins TPP (members CAA, CAB)" in s["change"]["description"]
    assert s["draws"] == 20 and s["seed"] == 4 and s["countries"] == 12
    gdp = [m["iso3"] for m in s["movers"]["real_gdp"]]
    assert gdp == list(table.reindex(table["real_gdp"].abs().sort_values(ascending=False).index)
                       ["iso3"][:5])  # fmt: skip
    assert "CAC" in gdp  # the joining country moves most
    for m in s["movers"]["exports_full"]:
        assert m["p05"] <= m["change"] + 1e-12 <= m["p95"] + 2e-12


def test_describe_change():
    assert report.describe_change(
        {"kind": "agreement_remove", "agreement": "NAFTA", "members": ["CAN", "MEX", "USA"]}
    ).startswith("NAFTA is removed between its members CAN, MEX, USA")
    text = report.describe_change(
        {"kind": "pair_cost", "pairs": [["CHN", "AUS"]], "ad_valorem": 0.25, "directed": False}
    )
    assert text == "Trade costs of CHN→AUS (both directions) change by 25.0 % (ad valorem)."
    assert "not recorded" in report.describe_change(None)


# --- library warnings become notes ---------------------------------------------------------


def test_library_warnings_become_plain_notes(capsys):
    path = "/opt/venv/lib/python3.11/site-packages/pyfixest/estimation/feols_.py"
    with scenarios.library_notes() as notes:
        for _ in range(3):
            warnings.warn_explicit(
                "The 'ssc' default will change; see /opt/venv/lib/docs/ssc.md",
                FutureWarning,
                path,
                120,
            )
        warnings.warn_explicit("divide by zero", RuntimeWarning, "/usr/lib/x/numpy/core.py", 1)
        warnings.warn("our own", UserWarning, stacklevel=1)
    assert capsys.readouterr().err == ""
    assert notes[0] == (
        "pyfixest warned (FutureWarning): The 'ssc' default will change; see ssc.md (3 times)"
    )
    assert notes[1] == "Python warned (RuntimeWarning): divide by zero"
    assert notes[2].endswith("(UserWarning): our own")
    assert not any("/" in n or "site-packages" in n for n in notes)
    assert scenarios._plain("exports and/or imports") == "exports and/or imports"


# --- run options in the schema and on the command line --------------------------------------


def _raw(**extra):
    return {
        "name": "x",
        "data": "agtpa",
        "baseline_year": 1994,
        "reference": "DEU",
        "change": {"kind": "agreement_remove", "members": ["CAN", "MEX"]},
        **extra,
    }


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"procedure": "fast"}, "s.yaml: procedure: 'fast' not allowed; allowed: exact, agtpa"),
        ({"draws": 1}, "s.yaml: draws: a 90 % band needs at least 2 draws"),
        ({"draws": 10_001}, r"s.yaml: draws: .*allowed: 0 \(no bands\) or an integer in 2-10000"),
        ({"draws": "200"}, "s.yaml: draws: expected an integer"),
        ({"seed": -1}, r"s.yaml: seed: .*allowed: an integer in 0-4294967295"),
    ],
)
def test_run_options_are_checked(extra, message):
    with pytest.raises(ValueError, match=message):
        scenarios.parse_scenario(_raw(**extra), where="s.yaml")


def test_run_options_from_file_and_overrides():
    sc = scenarios.parse_scenario(_raw(procedure="agtpa", draws=0, seed=9), where="s.yaml")
    assert (sc.procedure, sc.draws, sc.seed) == ("agtpa", 0, 9)
    assert scenarios.parse_scenario(_raw(), where="s.yaml").draws == 200
    sc2 = scenarios.with_options(sc, draws=50)
    assert (sc2.procedure, sc2.draws, sc2.seed) == ("agtpa", 50, 9)
    with pytest.raises(ValueError, match="command line: procedure: 'book' not allowed"):
        scenarios.with_options(sc, procedure="book", where="command line")


def test_cli_refuses_bad_options_and_keys(tmp_path):
    from typer.testing import CliRunner

    from article2.cli import app

    runner = CliRunner()
    example = "examples/scenarios/usa-joins-cptpp.yaml"
    out = runner.invoke(app, ["scenario", "run", example, "--procedure", "fast"])
    assert out.exit_code == 1
    assert "procedure: 'fast' not allowed; allowed: exact, agtpa" in out.stderr
    assert "Traceback" not in out.output
    out = runner.invoke(app, ["scenario", "run", example, "--draws", "1"])
    assert out.exit_code == 1 and "draws" in out.stderr
    bad = tmp_path / "bad.yaml"
    text = Path(example).read_text(encoding="utf-8").replace("procedure: exact", "procedure: quick")
    bad.write_text(text, encoding="utf-8")
    out = runner.invoke(app, ["scenario", "run", str(bad)])
    assert out.exit_code == 1
    assert f"{bad}: procedure: 'quick' not allowed; allowed: exact, agtpa" in out.stderr


def test_summary_of_a_cost_change_and_of_an_old_stored_result():
    x = np.random.default_rng(3).lognormal(0.0, 1.0, (6, 6))
    x[np.diag_indices(6)] *= 20
    cs = ["AUS", "CHN", "DEU", "JPN", "USA", "VNM"]
    sc = scenarios.parse_scenario(
        {
            "name": "t",
            "data": "comtrade",
            "baseline_year": 2016,
            "reference": "DEU",
            "change": {"kind": "pair_cost", "pairs": [["CHN", "AUS"]], "ad_valorem": 0.25},
        }
    )
    res = scenarios._solve(sc, cs, x, np.zeros((6, 6)), 0.3, 0.01, (), 1e-10, draws=20)
    rec = scenarios.record(res)
    table = pd.DataFrame(rec.pop("table"))
    s = report.summary(rec, table)
    assert s["rta"]["used"] is False and s["rta"]["significant"] is True
    assert all(m["p05"] is None for m in s["movers"]["real_gdp"])  # no band without an estimate
    assert s["change"]["description"].startswith("Trade costs of CHN→AUS (both directions)")
    # a result stored before the change, options and notes were recorded still reads
    old = {k: v for k, v in rec.items() if k not in ("change", "notes", "procedure", "draws")}
    s = report.summary(old, table[["iso3", "real_gdp", "exports_full"]])
    assert "not recorded" in s["change"]["description"] and s["notes"] == []
