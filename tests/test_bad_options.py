"""Bad command-line input: every case is refused with a non-zero exit and a message naming the
option (or path) and what is allowed — never a traceback, never a silent empty result."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from article2.cli import app
from article2.cli._app import MAX_DRAWS
from article2.synthetic.baci import MAX_ROWS_PER_YEAR

runner = CliRunner()


def refused(*args: str) -> str:
    """Run the command; assert it failed cleanly; return its output on one line."""
    r = runner.invoke(app, list(args))
    text = " ".join(r.output.replace("│", " ").split())
    assert r.exit_code != 0, text
    assert "Traceback" not in r.output and not isinstance(r.exception, AssertionError), text
    assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)
    return text


@pytest.fixture
def read_only(tmp_path) -> Path:
    """A folder nothing can be written into: a read-only copy for ordinary users; for root
    (which ignores permissions) /sys, which the kernel refuses to create files in."""
    if os.geteuid() != 0:
        folder = tmp_path / "ro"
        folder.mkdir()
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)
        return
    probe = Path("/sys")
    try:
        tempfile.TemporaryFile(dir=probe).close()
    except OSError:
        yield probe
        return
    pytest.skip("no read-only folder available")


@pytest.fixture
def built(mini, monkeypatch, tmp_path):
    home = tmp_path / "home"
    monkeypatch.setenv("ARTICLE2_HOME", str(home))
    r = runner.invoke(app, ["build", "--snapshot", str(mini)])
    assert r.exit_code == 0, r.output
    return home


# ------------------------------------------------------------------ limits on draws and sizes


def test_rank_negative_draws_refused():
    text = refused("rank", "--draws", "-5")
    assert "'--draws': -5 not allowed; allowed: 0 to 10,000" in text


def test_index_draws_above_the_limit_refused():
    text = refused("index", "--draws", "10000000")
    assert "'--draws': 10,000,000 not allowed; allowed: 0 to 10,000" in text


@pytest.mark.parametrize("command", ["index", "rank"])
def test_draws_limit_stated_in_help(command):
    r = runner.invoke(app, [command, "--help"])
    assert r.exit_code == 0
    assert f"0 to {MAX_DRAWS:,}" in " ".join(r.output.replace("│", " ").split())


def test_negative_seed_refused():
    assert "'--seed': -1 not allowed; allowed: >= 0" in refused("rank", "--seed", "-1")


def test_monte_carlo_refuses_draws_above_the_limit_in_the_library_too():
    import numpy as np

    from article2.index.sensitivity import monte_carlo

    with pytest.raises(ValueError, match="draws must be 1 to 10,000"):
        monte_carlo(np.ones((3, 1)), np.ones(1), np.ones(1), np.ones((1, 1)), np.ones(1),
                    draws=MAX_DRAWS + 1)  # fmt: skip


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--rows", "-5"], "'--rows': -5 not allowed; allowed: 10 to 20,000,000"),
        (["--rows", str(MAX_ROWS_PER_YEAR + 1)], "allowed: 10 to 20,000,000"),
        (["--seed", "-3"], "'--seed': -3 not allowed; allowed: >= 0"),
        (["--years", "2022-2020"], "--years '2022-2020': give years in 1800-2100"),
        (["--years", "-5"], "--years '-5': give"),
        (["--years", "0-99999"], "give years in 1800-2100"),
    ],
)
def test_generate_baci_bad_sizes_refused(tmp_path, args, words):
    base = {"--years": "2020", "--out": str(tmp_path / "baci"), "--rows": "100"}
    base.update(dict(zip(args[::2], args[1::2], strict=True)))
    text = refused("generate-baci", *[x for kv in base.items() for x in kv])
    assert words in text
    assert not (tmp_path / "baci").exists() or not any((tmp_path / "baci").iterdir())


def test_generate_baci_sizes_stated_in_help():
    r = runner.invoke(app, ["generate-baci", "--help"])
    assert f"10 to {MAX_ROWS_PER_YEAR:,}" in " ".join(r.output.replace("│", " ").split())


def test_brief_negative_jobs_refused():
    assert "'--jobs': -1 not allowed; allowed: 0 to 64" in refused("brief", "--all", "--jobs", "-1")


# -------------------------------------------------------------------- unknown countries


def test_agreements_between_unknown_countries_refused():
    text = refused("agreements", "--between", "XXX", "YYY")
    assert "--between 'XXX': not a known ISO3 country code" in text
    assert "article2 countries" in text


def test_agreements_member_unknown_country_refused():
    assert "--member 'QQQ': not a known ISO3" in refused("agreements", "--member", "QQQ")


def test_recs_unknown_country_refused():
    assert "--country 'XXX': not a known ISO3 country code" in refused("recs", "--country", "XXX")


def test_recs_known_country_still_works_in_any_case():
    r = runner.invoke(app, ["recs", "--country", "vnm", "--format", "json"])
    assert r.exit_code == 0, r.output


# --------------------------------------------------------------------- conflicting flags


def test_between_with_member_refused():
    text = refused("agreements", "--between", "USA", "KOR", "--member", "USA")
    assert "--between and --member cannot be combined; give one of --between, --member" in text


def test_unmapped_with_quarantine_refused():
    text = refused("sources", "--unmapped", "--quarantine")
    assert "--unmapped and --quarantine cannot be combined" in text
    assert "give one of --unmapped, --quarantine, --fetched" in text


# ------------------------------------------------------- files: existing, missing, read-only


def test_brief_out_naming_an_existing_file_refused(tmp_path):
    f = tmp_path / "a-file"
    f.write_text("keep me")
    text = refused("brief", "VNM", "--out", str(f))
    assert f"--out {f}: is a file, not a folder" in text
    assert f.read_text() == "keep me"


def test_architecture_map_into_a_missing_folder_refused(tmp_path):
    target = tmp_path / "missing" / "map.svg"
    text = refused("architecture", "--map", str(target))
    assert f"--map {target}: the folder {target.parent} does not exist" in text


def test_architecture_map_wrong_suffix_refused(tmp_path):
    text = refused("architecture", "--map", str(tmp_path / "map.pdf"))
    assert "the file name must end in .svg or .png" in text


def test_index_config_out_into_a_missing_folder_refused(tmp_path):
    target = tmp_path / "missing" / "my.toml"
    text = refused("index-config", "--out", str(target))
    assert f"--out {target}: the folder {target.parent} does not exist" in text


def test_index_config_out_naming_a_folder_refused(tmp_path):
    assert f"--out {tmp_path}: is a folder" in refused("index-config", "--out", str(tmp_path))


def test_rank_chart_into_a_missing_folder_refused_before_computing(tmp_path):
    target = tmp_path / "missing" / "ranks.svg"
    assert f"--chart {target}: the folder" in refused("rank", "--chart", str(target))


def test_index_config_into_a_read_only_folder(read_only):
    target = read_only / "my.toml"
    text = refused("index-config", "--out", str(target))
    assert f"--out {target}: cannot write" in text


def test_build_into_a_read_only_home(mini, monkeypatch, read_only):
    home = read_only / "article2-home"
    monkeypatch.setenv("ARTICLE2_HOME", str(home))
    text = refused("build", "--snapshot", str(mini))
    assert str(home) in text and "must be writable (set ARTICLE2_HOME" in text
    assert "the previous warehouse (if any) is unchanged" in text


def test_generate_baci_into_a_read_only_folder(read_only):
    target = read_only / "baci"
    text = refused("generate-baci", "--years", "2020", "--rows", "100", "--out", str(target))
    assert f"--out {target}: cannot write" in text


def test_brief_and_map_into_a_read_only_folder(built, read_only):
    text = refused("brief", "VNM", "--format", "md", "--out", str(read_only / "briefs"))
    assert f"--out {read_only / 'briefs'}: cannot write" in text
    text = refused("architecture", "--at", "2019-01-01", "--map", str(read_only / "m.svg"))
    assert f"--map {read_only / 'm.svg'}: cannot write" in text


def test_scenario_store_in_a_read_only_home(monkeypatch, read_only, tmp_path):
    """The scenario file is checked first (a bad one is named); then the store must be writable."""
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\ndata: agtpa\nbaseline_year: [1994]\nreference: DEU\n"
                   "change: {kind: agreement_remove, members: [CAN, MEX]}\n")  # fmt: skip
    text = refused("scenario", "run", str(bad))
    assert f"{bad}: baseline_year: expected an integer, got [1994]" in text
    monkeypatch.setenv("ARTICLE2_HOME", str(read_only / "home"))
    text = refused("scenario", "run", "examples/scenarios/agtpa-nafta.yaml")
    store = read_only / "home" / "outputs" / "scenarios"
    assert f"scenario store {store}: cannot write" in text


# ------------------------------------------------- dates, countries and values of options


@pytest.mark.parametrize("command", ["architecture", "agreements"])
@pytest.mark.parametrize("date", ["19-01-2019", "2019/01/01", "20190101", "2019-02-30", "soon"])
def test_a_date_not_in_iso_form_is_refused(command, date):
    """It was read as some other date (pandas guesses day-first forms) and used silently."""
    text = refused(command, "--at", date)
    assert f"--at '{date}'" in text and "YYYY-MM-DD" in text


def test_a_date_outside_the_years_is_refused():
    assert "--at '1700-01-01': give a date in the years 1800-2100" in refused(
        "architecture", "--at", "1700-01-01"
    )


@pytest.mark.parametrize(
    "args, option",
    [
        (["recs", "--country", "XXX"], "--country 'XXX'"),
        (["agreements", "--member", "XXX"], "--member 'XXX'"),
        (["agreements", "--between", "USA", "XXX"], "--between 'XXX'"),
        (["compare", "VNM", "XXX"], "ISO3 'XXX'"),
        (["rank", "XXX"], "ISO3 'XXX'"),
        (["dependencies", "XXX"], "COUNTRY 'XXX'"),
    ],
)
def test_an_unknown_country_is_refused_everywhere(args, option):
    text = refused(*args)
    assert option in text and "not a known ISO3 country code" in text
    assert "article2 countries NAME" in text


def test_unknown_country_in_profile_is_refused(built):
    text = refused("profile", "XXX")
    assert "'XXX'" in text and "article2 countries" in text


def test_recs_for_a_country_without_recommendations_names_those_with_some():
    """An empty table with exit 0 said nothing; the refusal says which countries have some."""
    text = refused("recs", "--country", "USA")
    assert "--country USA: no recommendation names this country" in text
    assert "VNM" in text


def test_no_country_matching_a_search_is_refused():
    assert "no country matches 'zzzz'" in refused("countries", "zzzz")


def test_unknown_allies_refused():
    text = refused("dependencies", "VNM", "--allies", "USA,FOO")
    assert "--allies 'FOO'" in text and "G7" in text


@pytest.mark.parametrize(
    "args, message",
    [
        (["recs", "--actor", "usa"], "--actor 'usa': not allowed; allowed: us, japan, joint"),
        (["recs", "--status", "done"], "--status 'done': not allowed; allowed: proposed"),
        (["architecture", "--actor", "KOR"], "--actor 'KOR': not allowed; allowed: USA, JPN"),
        (["agreements", "--source", "x"], "--source 'x': not allowed; allowed: curated, desta"),
        (["agreements", "--report", "x"], "--report 'x': not allowed; allowed: conflicts"),
        (["agreements", "--report", "gaps", "--at", "2019-01-01"], "--report lists every"),
        (["measure", "trade_share", "--year", "2014", "--actor", "XX"], "--actor 'XX'"),
        (["measure", "trade_share", "--year", "2014", "--flow", "x"], "--flow 'x': not allowed"),
        (["measure", "nope", "--year", "2014"], "unknown measure 'nope'; allowed: trade_share"),
        (["measure", "trade_share"], "--year is required"),
        (["profile", "VNM", "--trade-source", "x"], "--trade-source 'x': not allowed"),
        (["index", "--actor", "XX"], "--actor 'XX': not allowed; allowed: USA, JPN, CHN, EU"),
        (["profile", "VNM", "--year", "3000"], "3000 not allowed; allowed: a year 1800 to 2100"),
        (["index", "--year", "1500"], "1500 not allowed; allowed: a year 1800 to 2100"),
    ],
)
def test_values_outside_the_allowed_ones_are_refused(args, message):
    assert message in refused(*args)
