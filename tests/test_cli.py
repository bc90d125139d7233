"""The CLI, driven in-process on the project's mini snapshot."""

from __future__ import annotations

import json

import typer
from typer.testing import CliRunner

from article2.cli import app

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

    click_group = typer.main.get_command(group)
    yield from click_group.commands.items()


def test_every_command_has_help_with_an_example():
    for name, cmd in _commands(app):
        text = cmd.help or ""
        assert "Example:" in text, f"`article2 {name}` help lacks an example"
        r = invoke(name, "--help")
        assert r.exit_code == 0 and "Example" in r.output, name
