from __future__ import annotations

import sys

import pytest

from article2 import config, paths


def test_home_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("ARTICLE2_HOME", str(tmp_path))
    assert paths.data_home() == tmp_path.resolve()
    assert paths.warehouse_path() == tmp_path.resolve() / "warehouse.duckdb"


def test_home_defaults_to_platform_dir(monkeypatch):
    monkeypatch.delenv("ARTICLE2_HOME", raising=False)
    assert "article2" in str(paths.data_home())


def test_snapshot_explicit_env_and_errors(tmp_path, monkeypatch, mini):
    assert paths.snapshot_dir(mini) == mini.resolve()
    monkeypatch.setenv("ARTICLE2_SNAPSHOT", str(mini))
    assert paths.snapshot_dir() == mini.resolve()
    with pytest.raises(paths.SnapshotNotFoundError, match="MANIFEST.json"):
        paths.snapshot_dir(tmp_path)


def test_unknown_setting_lists_known():
    with pytest.raises(KeyError, match="home"):
        config.get("nope")


def test_every_setting_has_help():
    for s in config.SETTINGS.values():
        assert s.help and s.env.startswith("ARTICLE2_")


def test_every_setting_has_a_known_kind_and_valid_default():
    for s in config.SETTINGS.values():
        assert s.kind in config.KINDS, s.name
    config.check_environment({})  # the defaults themselves pass
    assert config.value("fetch_retries") == 5 and config.value("fetch_timeout") == 60.0


@pytest.mark.parametrize(
    ("env", "text", "match"),
    [
        ("ARTICLE2_FETCH_TIMEOUT", "abc", "ARTICLE2_FETCH_TIMEOUT must be a number of seconds above 0, not 'abc'"),
        ("ARTICLE2_FETCH_TIMEOUT", "0", "ARTICLE2_FETCH_TIMEOUT must be a number of seconds above 0"),
        ("ARTICLE2_FETCH_RETRIES", "2.5", "ARTICLE2_FETCH_RETRIES must be a whole number, 0 or more"),
        ("ARTICLE2_FETCH_RETRIES", "-1", "ARTICLE2_FETCH_RETRIES must be a whole number, 0 or more"),
        ("ARTICLE2_FETCH_BACKOFF", "inf", "ARTICLE2_FETCH_BACKOFF must be a number of seconds"),
        ("ARTICLE2_STALE_DAYS", "soon", "ARTICLE2_STALE_DAYS must be a number of days above 0"),
        ("ARTICLE2_IMF_URL", "api.imf.org", "ARTICLE2_IMF_URL must be an http\\(s\\) URL"),
        ("ARTICLE2_THREADS", "0", "ARTICLE2_THREADS must be a positive whole number, not '0'"),
    ],
)  # fmt: skip
def test_settings_of_the_wrong_kind_name_the_variable(monkeypatch, env, text, match):
    name = next(s.name for s in config.SETTINGS.values() if s.env == env)
    monkeypatch.setenv(env, text)
    with pytest.raises(config.SettingError, match=match):
        config.value(name)
    with pytest.raises(config.SettingError, match=match):
        config.get(name)
    with pytest.raises(config.SettingError, match=match):
        config.check_environment()


def test_settings_values_are_typed(monkeypatch):
    monkeypatch.setenv("ARTICLE2_FETCH_RETRIES", "2")
    monkeypatch.setenv("ARTICLE2_FETCH_BACKOFF", " 0.5 ")
    assert config.value("fetch_retries") == 2 and isinstance(config.value("fetch_retries"), int)
    assert config.value("fetch_backoff") == 0.5
    assert config.get("fetch_retries") == "2"


def test_unknown_article2_variable_is_refused():
    with pytest.raises(
        config.SettingError, match=r"unknown environment variable ARTICLE2_FETCH_TIMOUT;"
    ):
        config.check_environment({"ARTICLE2_FETCH_TIMEOUT": "5", "ARTICLE2_FETCH_TIMOUT": "5"})
    # variables of the task runner, benchmarks and tests are known; other prefixes are not ours
    config.check_environment({"ARTICLE2_VENV": ".venv", "ARTICLE2_BENCH_DIR": "/tmp", "HOME": "/"})


def test_command_line_stops_on_a_bad_setting(monkeypatch, capsys):
    from article2.cli import main

    monkeypatch.setenv("ARTICLE2_FETCH_RETRIES", "many")
    # a command (help alone reads no setting): not the test runner's own arguments
    monkeypatch.setattr(sys, "argv", ["article2", "countries", "Viet"])
    with pytest.raises(SystemExit) as exc:
        main()
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "ARTICLE2_FETCH_RETRIES must be a whole number" in err and "Traceback" not in err
