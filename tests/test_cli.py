"""The CLI, driven in-process on the project's mini snapshot."""

from __future__ import annotations

import json

import pytest
import typer
from typer.testing import CliRunner

from article2.cli import COMMANDS, app

runner = CliRunner()


def invoke(*args):
    result = runner.invoke(app, list(args))
    return result


def test_build_then_sources_json_lists_every_file(mini):
    r = invoke("build", "--snapshot", str(mini))
    assert r.exit_code == 0, r.output
    r = invoke("sources", "--format", "json")
    assert r.exit_code == 0, r.output
    records = json.loads(r.stdout)
    manifest = json.loads((mini / "MANIFEST.json").read_text())["files"]
    assert {x["source_id"] for x in records} == {f["file"] for f in manifest}
    for x in records:
        assert len(x["sha256"]) == 64 and x["license"] and x["rows_loaded"] >= 1


def test_run_builds_when_missing_and_prints_locations(mini, monkeypatch):
    monkeypatch.setenv("ARTICLE2_SNAPSHOT", str(mini))
    r = invoke("run")
    assert r.exit_code == 0, r.output
    assert "warehouse:" in r.output and "outputs:" in r.output and "sources.csv" in r.output


def test_build_failure_is_a_clear_message(mini):
    (mini / "wb_gdp/gdp.csv").write_text("Country Name,Country Code,Year,Value\nX,CHN,2020,1\n")
    r = invoke("build", "--snapshot", str(mini))
    assert r.exit_code == 1
    assert "wb_gdp/gdp.csv" in r.output and "SHA-256 mismatch" in r.output
    assert "Traceback" not in r.output


def test_sources_without_warehouse_says_how_to_build():
    r = invoke("sources")
    assert r.exit_code == 1 and "article2 build" in r.output


def test_countries_search_json():
    r = invoke("countries", "viet", "--format", "json")
    assert r.exit_code == 0, r.output
    assert "VNM" in {x["iso3"] for x in json.loads(r.stdout)}


def _commands(group: typer.Typer):
    import typer.main

    from article2.cli import load_all

    load_all()  # commands are registered when their module is first asked for
    click_group = typer.main.get_command(group)
    assert set(click_group.commands) == set(COMMANDS)
    yield from click_group.commands.items()


def test_every_command_has_help_with_an_example():
    for name, cmd in _commands(app):
        text = cmd.help or ""
        assert "Example:" in text, f"`article2 {name}` help lacks an example"
        r = invoke(name, "--help")
        assert r.exit_code == 0 and "Example" in r.output, name


def _listed(home, *args) -> list[dict]:
    r = runner.invoke(app, ["agreements", *args, "--format", "json"],
                      env={"ARTICLE2_HOME": str(home)})  # fmt: skip
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


@pytest.mark.snapshot
@pytest.mark.parametrize(
    ("pair", "at", "present", "absent"),
    [
        # CPTPP entered into force for Viet Nam on 2019-01-14 (curated; DESTA says 2018)
        (("JPN", "VNM"), "2018-06-01", {"JPN-VNM"}, {"CPTPP", "CMPPTP_2018A"}),
        (("JPN", "VNM"), "2019-01-13", {"JPN-VNM"}, {"CPTPP", "CMPPTP_2018A"}),
        (("JPN", "VNM"), "2019-02-01", {"JPN-VNM", "CPTPP"}, {"CMPPTP_2018A"}),
        # the Japan-India CEPA from 2011-08-01 (curated; DESTA says 2011)
        (("JPN", "IND"), "2011-07-31", set(), {"JPN-IND", "IND-JPN[NA]_2011O"}),
        (("JPN", "IND"), "2011-08-01", {"JPN-IND"}, {"IND-JPN[NA]_2011O"}),
    ],
)
def test_agreement_listing_lets_curated_dates_win(real_warehouse, pair, at, present, absent):
    ids = {r["agreement_id"] for r in _listed(real_warehouse.parent, "--between", *pair,
                                               "--at", at)}  # fmt: skip
    assert present <= ids and not (absent & ids), ids


@pytest.mark.snapshot
def test_agreement_listing_agrees_with_the_map(real_warehouse):
    from article2.agreements import queries as q
    from article2.agreements.registry import load_curated, map_registry

    covered = set(load_curated().agreements.desta_id.dropna())
    merged = map_registry(real_warehouse)
    for at in ("2005-06-01", "2018-06-01", "2024-06-01"):
        rows = _listed(real_warehouse.parent, "--member", "VNM", "--at", at)
        # no DESTA duplicate of a curated record
        assert not covered & {r["agreement_id"] for r in rows if r["source"] == "desta"}, at
        for partner in ("JPN", "USA", "CHN", "KOR"):
            rows = _listed(real_warehouse.parent, "--between", "VNM", partner, "--at", at)
            listed = sorted(r["agreement_id"] for r in rows if r["rta"])
            assert listed == q.agreements_with(merged.agreements, merged.memberships, "VNM",
                                               {partner}, at, sources=("curated", "desta"))  # fmt: skip


@pytest.mark.snapshot
def test_us_vietnam_trade_agreement_is_not_listed_as_an_rta(real_warehouse):
    rows = _listed(real_warehouse.parent, "--between", "USA", "VNM", "--at", "2018-06-01")
    bta = [r for r in rows if r["agreement_id"] == "USA-VNM[NA]_2000O"]
    assert len(bta) == 1 and bta[0]["rta"] is False and "not_fta" in bta[0]["kind"]
    assert not [r for r in rows if r["rta"]]  # no free trade agreement between the two in 2018


def test_agreement_listing_bad_date_is_a_clear_message():
    r = invoke("agreements", "--between", "JPN", "VNM", "--at", "2018-13-01")
    assert r.exit_code == 1 and "--at '2018-13-01': give a date as YYYY-MM-DD" in r.output


def test_agreement_listing_without_warehouse_says_how_to_build():
    r = invoke("agreements", "--between", "JPN", "VNM")
    assert r.exit_code == 1 and "article2 build" in r.output and "Traceback" not in r.output
