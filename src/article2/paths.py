"""Where data lives on disk. Only this module and :mod:`article2.warehouse` know it."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from article2 import config

__all__ = [
    "SnapshotNotFoundError",
    "data_home",
    "outputs_dir",
    "products_dir",
    "raw_dir",
    "snapshot_dir",
    "using_warehouse",
    "warehouse_path",
]

_PROJECT_ROOT = Path(__file__).resolve().parents[2]


class SnapshotNotFoundError(FileNotFoundError):
    """No snapshot folder could be found."""


def data_home() -> Path:
    """The data home: ``$ARTICLE2_HOME`` or the platform's user data directory."""
    value = config.get("home")
    if value:
        return Path(value).expanduser().resolve()
    import platformdirs

    return Path(platformdirs.user_data_dir("article2", appauthor=False))


_WAREHOUSE_OVERRIDE: ContextVar[Path | None] = ContextVar("warehouse_override", default=None)


def warehouse_path() -> Path:
    """Path of the DuckDB warehouse file in the data home (or the one set by
    :func:`using_warehouse` in the current context)."""
    override = _WAREHOUSE_OVERRIDE.get()
    return override if override is not None else data_home() / "warehouse.duckdb"


@contextmanager
def using_warehouse(path: Path | None) -> Iterator[None]:
    """Within the block, :func:`warehouse_path` is ``path`` (None: no change). Used by the web
    app, which serves one warehouse file, so that the API functions it calls read that file."""
    if path is None:
        yield
        return
    token = _WAREHOUSE_OVERRIDE.set(Path(path))
    try:
        yield
    finally:
        _WAREHOUSE_OVERRIDE.reset(token)


def raw_dir() -> Path:
    """Folder of raw downloads (``raw/<source>/<vintage>/``)."""
    return data_home() / "raw"


def outputs_dir() -> Path:
    """Folder where the main job writes its outputs."""
    return data_home() / "outputs"


def _default_snapshot_candidates() -> list[Path]:
    return [Path.cwd().parent / "shared" / "data", _PROJECT_ROOT.parent / "shared" / "data"]


def snapshot_dir(explicit: str | Path | None = None) -> Path:
    """Resolve the snapshot folder.

    Order: ``explicit`` (``--snapshot``), ``$ARTICLE2_SNAPSHOT``, then ``../shared/data``
    relative to the working directory or to the project checkout, when it exists.

    Raises:
        SnapshotNotFoundError: when none of these is a folder with a ``MANIFEST.json``.
    """
    value = explicit if explicit is not None else config.get("snapshot")
    if value:
        path = Path(value).expanduser().resolve()
        if not (path / "MANIFEST.json").is_file():
            raise SnapshotNotFoundError(f"snapshot folder {path} has no MANIFEST.json")
        return path
    for candidate in _default_snapshot_candidates():
        if (candidate / "MANIFEST.json").is_file():
            return candidate.resolve()
    tried = ", ".join(str(c) for c in _default_snapshot_candidates())
    raise SnapshotNotFoundError(
        "no snapshot found: pass --snapshot PATH or set ARTICLE2_SNAPSHOT "
        f"(looked for MANIFEST.json in {tried})"
    )


def products_dir() -> Path:
    """Folder of product-level data (``products/baci/<revision>_<vintage>/year=YYYY/…``)."""
    return data_home() / "products"


def replace_folder(new: Path, target: Path) -> None:
    """Put the finished folder ``new`` in the place of ``target`` (two renames on the same
    file system; the previous ``target``, if any, is removed only once ``new`` is in place)."""
    old = target.with_name(f".old-{target.name}-{os.getpid()}")
    if target.exists():
        os.replace(target, old)
    os.replace(new, target)
    shutil.rmtree(old, ignore_errors=True)
