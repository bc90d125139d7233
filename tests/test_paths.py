from __future__ import annotations

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
