"""Every country of the warehouse gets a profile without error (Python API and CLI)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import article2
from article2 import warehouse
from article2.cli import app

pytestmark = pytest.mark.snapshot
runner = CliRunner()


@pytest.fixture
def real_home(real_warehouse, monkeypatch):
    monkeypatch.setenv("ARTICLE2_HOME", str(real_warehouse.parent))
    return real_warehouse


@pytest.mark.slow
def test_every_country_has_a_profile(real_home):
    codes = warehouse.query("SELECT iso3 FROM countries ORDER BY iso3", path=real_home)["iso3"]
    assert len(codes) > 200
    with_trade = 0
    for code in codes:
        p = article2.profile(code)
        assert p.iso3 == code and p.figures
        with_trade += p.years["trade"] is not None
        for f in p.figures:
            assert f.value is not None or f.note, (code, f)
    assert with_trade > 180


def test_cli_profile_table_json_csv(real_home):
    r = runner.invoke(app, ["profile", "VNM", "--year", "2014"])
    assert r.exit_code == 0, r.output
    assert "Vietnam (VNM)" in r.output and "USA+JPN" in r.output and "Coercion" in r.output
    r = runner.invoke(app, ["profile", "vnm", "--format", "json"])
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)
    usa = next(x for x in rows if x["section"] == "trade" and x["actor"] == "USA"
               and x["channel"] == "exports")  # fmt: skip
    assert {"value", "unit", "share", "year", "source_ids"} <= set(usa)
    assert usa["source_ids"] == "cow_trade/cow_dyadic_trade_4.0.csv.gz"
    r = runner.invoke(app, ["profile", "MMR", "--trade-source", "comtrade", "--format", "csv"])
    assert r.exit_code == 0, r.output
    assert r.stdout.splitlines()[0].startswith("iso3,section,actor,channel,value")
    assert "comtrade_penppml/trade.csv.gz" in r.stdout


def test_cli_compare(real_home):
    r = runner.invoke(app, ["compare", "MMR", "VNM", "IND", "KOR"])
    assert r.exit_code == 0, r.output
    for code in ("MMR", "VNM", "IND", "KOR"):
        assert code in r.output
    r = runner.invoke(app, ["compare", "VNM", "IDN", "--format", "json"])
    assert {x["iso3"] for x in json.loads(r.stdout)} == {"VNM", "IDN"}


def test_cli_clear_errors(real_home):
    r = runner.invoke(app, ["profile", "XYZ"])
    assert r.exit_code == 1 and "unknown country code" in r.output
    assert "Traceback" not in r.output
    r = runner.invoke(app, ["profile", "VNM", "--year", "2090"])
    assert r.exit_code == 1 and "coverage" in r.output
    r = runner.invoke(app, ["profile", "VNM", "--trade-source", "baci"])
    assert r.exit_code == 1 and "allowed: cow, comtrade" in r.output
