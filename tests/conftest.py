from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.fixtures import mini_snapshot

REAL_SNAPSHOT = Path(
    os.environ.get("ARTICLE2_SNAPSHOT") or Path(__file__).resolve().parents[2] / "shared" / "data"
)


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory, monkeypatch):
    """Every test gets its own data home; the user's is never touched."""
    monkeypatch.setenv("ARTICLE2_HOME", str(tmp_path_factory.mktemp("home")))


@pytest.fixture
def mini(tmp_path) -> Path:
    """A fresh copy of the project's mini snapshot."""
    return mini_snapshot.write_snapshot(tmp_path / "snapshot")


@pytest.fixture(scope="session")
def real_snapshot() -> Path:
    if not (REAL_SNAPSHOT / "MANIFEST.json").is_file():
        pytest.skip(f"real data snapshot not found at {REAL_SNAPSHOT}")
    return REAL_SNAPSHOT


@pytest.fixture(scope="session")
def real_warehouse(real_snapshot, tmp_path_factory) -> Path:
    """The warehouse built once from the real snapshot for the whole test session."""
    from article2 import warehouse

    target = tmp_path_factory.mktemp("real") / "warehouse.duckdb"
    warehouse.build(real_snapshot, target=target)
    return target


def pytest_addoption(parser):
    parser.addoption(
        "--update-goldens",
        action="store_true",
        default=False,
        help="Rewrite the golden files under tests/golden/ instead of comparing with them.",
    )


@pytest.fixture
def update_goldens(request) -> bool:
    return bool(request.config.getoption("--update-goldens"))
