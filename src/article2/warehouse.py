"""The warehouse: an embedded DuckDB file built from raw files, swapped in atomically.

``build`` reads every file of a snapshot (laid out like ``../shared/data`` with its
``MANIFEST.json``), verifies the SHA-256 of every file against the manifest before it reads
any (a manifest entry without a checksum, or whose path leaves the snapshot, is an error),
reads each with its provider's reader, and writes the canonical tables of :mod:`article2.schema` into a new DuckDB file
beside the current one. Only when everything succeeded is the new file moved over the old
one (``os.replace``), so a failed build leaves the previous warehouse byte-for-byte as it was.
What a killed build left behind (its ``.building-<pid>`` file and WAL, the process gone) is
removed by the next build.

Only plausible values get in: readers quarantine rows with a year outside
:data:`article2.sources._base.YEAR_MIN`..``YEAR_MAX`` or a non-finite number; should a reader
let one through, the build stops with an error naming the file, table and column.

:class:`Warehouse` is the one read-only handle on a built warehouse: it owns the DuckDB
connection (one cursor per query, so the web server's threads never share one), knows the build
it came from (:attr:`Warehouse.version`) and owns every cache keyed on that build. It is passed
explicitly to the measures and everything above them; :func:`open_warehouse` returns the handle
of a file's current build (a rebuild in a running process gives a new handle, never a stale
cache). ``connect`` and ``query`` remain for the build and for ad-hoc use.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from article2 import __version__, countries, paths, plausibility, schema
from article2.errors import (
    ChecksumMismatchError,
    CorruptFileError,
    MissingFileError,
    WarehouseMissingError,
)
from article2.provenance import Origin, load_manifest, sha256_file
from article2.sources import fetched, reader_for
from article2.sources._base import YEAR_MAX, YEAR_MIN, ReadResult

__all__ = [
    "BuildReport",
    "SourceReport",
    "Warehouse",
    "build",
    "connect",
    "exists",
    "open_warehouse",
    "query",
]


@dataclass(frozen=True)
class SourceReport:
    """What the build made of one raw file.

    Attributes:
        source_id: the file's id (path relative to the snapshot).
        rows_read, rows_loaded, rows_rejected: raw data rows; loaded + rejected = read.
        reasons: rejection reason -> number of raw rows.
        year_min, year_max, n_countries: coverage of what was loaded (None if not applicable).
        unmapped: codes that are not countries -> rows (``"system:code"`` keys).
        status: ``"loaded"`` or ``"no reader"``.
    """

    source_id: str
    rows_read: int
    rows_loaded: int
    rows_rejected: int
    reasons: dict[str, int]
    year_min: int | None
    year_max: int | None
    n_countries: int | None
    unmapped: dict[str, int]
    status: str


@dataclass(frozen=True)
class BuildReport:
    """Result of :func:`build`: where the warehouse is and one report per source file."""

    warehouse: Path
    snapshot: Path | None
    sources: tuple[SourceReport, ...]
    seconds: float


ProgressCallback = Callable[[str, int, int], None]


def exists() -> bool:
    return paths.warehouse_path().is_file()


def connect(path: Path | None = None, *, read_only: bool = True) -> duckdb.DuckDBPyConnection:
    """Open the warehouse (read-only by default).

    Raises:
        WarehouseMissingError: when no warehouse has been built (the message says how to).
    """
    path = path or paths.warehouse_path()
    if not path.is_file():
        raise WarehouseMissingError(
            f"no warehouse at {path}; run `article2 build` (or set ARTICLE2_HOME)"
        )
    return duckdb.connect(str(path), read_only=read_only)


def query(
    sql: str, params: list | tuple | None = None, *, path: Path | None = None
) -> pd.DataFrame:
    """Run a parameterised query on the warehouse and return a DataFrame."""
    with connect(path) as con:
        return con.execute(sql, params or []).df()


class Warehouse:
    """A read-only handle on one build of the warehouse.

    Attributes:
        path: the DuckDB file.
        version: ``(path, mtime_ns, size, build_id)``: identifies the build; every cache of the
            handle belongs to this build.

    Raises:
        WarehouseMissingError: when no warehouse has been built at ``path``.
    """

    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path) if path else paths.warehouse_path()
        if not self.path.is_file():
            raise WarehouseMissingError(
                f"no warehouse at {self.path}; run `article2 build` (or set ARTICLE2_HOME)"
            )
        stat = self.path.stat()
        # A database instance of its own, with the file attached read-only: DuckDB shares one
        # instance per path within a process, which would keep serving the replaced file
        # after a rebuild; an in-memory instance per handle never does.
        self._con = duckdb.connect()
        path_sql = str(self.path).replace("'", "''")
        self._con.execute(f"ATTACH '{path_sql}' AS wh (READ_ONLY)")
        self._con.execute("USE wh")
        self._lock = threading.Lock()
        self._cache: dict = {}
        self._computing: dict = {}
        info = dict(self._con.execute("SELECT key, value FROM build_info").fetchall())
        self.build_id = info.get("build_id") or info.get("built_at", "")
        self.version = (str(self.path), stat.st_mtime_ns, stat.st_size, self.build_id)

    def __repr__(self) -> str:
        return f"Warehouse({str(self.path)!r}, build={self.build_id!r})"

    def current(self) -> bool:
        """Whether the file on disk is still the build this handle reads."""
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return False
        return (stat.st_mtime_ns, stat.st_size) == self.version[1:3]

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A new cursor on the handle's connection (one per query and thread)."""
        with self._lock:
            cur = self._con.cursor()
        cur.execute("USE wh")
        return cur

    def sql(
        self, sql: str, params: list | tuple = (), *, tables: dict[str, pd.DataFrame] | None = None
    ) -> pd.DataFrame:
        """Run a parameterised query on a fresh cursor; ``tables`` are registered as views of
        that cursor only (name -> frame)."""
        cur = self.cursor()
        try:
            for name, frame in (tables or {}).items():
                cur.register(name, frame)
            return cur.execute(sql, list(params)).df()
        finally:
            cur.close()

    def rows(self, sql: str, params: list | tuple = ()) -> list[tuple]:
        """Run a parameterised query and return its rows as tuples."""
        cur = self.cursor()
        try:
            return cur.execute(sql, list(params)).fetchall()
        finally:
            cur.close()

    def cached(self, key, compute: Callable[[], object]):
        """The value of ``compute()`` for ``key``, computed once per build (thread-safe: a
        second thread asking for the same key waits for the first)."""
        with self._lock:
            if key in self._cache:
                return self._cache[key]
            event = self._computing.get(key)
            if event is None:
                event = self._computing[key] = threading.Event()
                owner = True
            else:
                owner = False
        if not owner:
            event.wait()
            with self._lock:
                if key in self._cache:
                    return self._cache[key]
            return self.cached(key, compute)
        try:
            value = compute()
            with self._lock:
                self._cache[key] = value
            return value
        finally:
            with self._lock:
                self._computing.pop(key, None)
            event.set()

    def close(self) -> None:
        self._con.close()


_HANDLES: dict[str, Warehouse] = {}
_HANDLES_LOCK = threading.Lock()


def open_warehouse(where: Warehouse | Path | str | None = None) -> Warehouse:
    """The handle to use: ``where`` itself when it is a :class:`Warehouse`, else the handle of
    the current build of the file ``where`` (default: :func:`article2.paths.warehouse_path`).
    A file rebuilt since its handle was opened gets a new handle (and so fresh caches).

    Raises:
        WarehouseMissingError: when no warehouse has been built there.
    """
    if isinstance(where, Warehouse):
        return where
    path = Path(where) if where else paths.warehouse_path()
    key = str(path.resolve()) if path.exists() else str(path)
    with _HANDLES_LOCK:
        handle = _HANDLES.get(key)
        if handle is not None and handle.current():
            return handle
        handle = Warehouse(path)
        _HANDLES[key] = handle
        return handle


def _actor_members(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The actor membership table for every year of the build's coverage (through this year,
    for date-based measures such as agreements in force)."""
    lo, hi = con.execute(
        "SELECT min(y), max(y) FROM (SELECT min(year) AS y FROM country_year UNION ALL "
        "SELECT max(year) FROM country_year UNION ALL SELECT min(year) FROM dyad_year "
        "UNION ALL SELECT max(year) FROM dyad_year)"
    ).fetchall()[0]
    if lo is None:
        return pd.DataFrame(columns=["actor", "year", "iso3"])
    hi = max(int(hi), dt.date.today().year)
    return countries.actor_members(range(int(lo), hi + 1))


def _verify(origin: Origin, file: Path) -> None:
    if not file.is_file():
        raise MissingFileError("file listed in MANIFEST.json not found", file=origin.source_id)
    if not origin.sha256:
        raise ChecksumMismatchError(
            "no SHA-256 recorded for this file; it cannot be verified", file=origin.source_id
        )
    actual = sha256_file(file)
    if actual != origin.sha256.lower():
        raise ChecksumMismatchError(
            f"SHA-256 mismatch: manifest says {origin.sha256}, file has {actual}",
            file=origin.source_id,
        )


def _check_plausible(table: str, frame: pd.DataFrame, source_id: str) -> None:
    """The last guard before rows enter the warehouse: years within the stated range, numbers
    finite, ``value`` present. Readers quarantine such rows (with their raw row number);
    anything left is an error naming the file, table and column."""
    if table in ("quarantine", "unmapped", "sources", "build_info", "indicators"):
        return
    if "year" in frame.columns and pd.api.types.is_numeric_dtype(frame["year"].dtype):
        y = frame["year"]
        bad = y[~y.between(YEAR_MIN, YEAR_MAX)]
        if len(bad):
            raise CorruptFileError(
                f"{table}.year: {len(bad)} value(s) outside {YEAR_MIN}..{YEAR_MAX} "
                f"(first: {bad.iloc[0]})",
                file=source_id,
            )
    for col in frame.columns:
        if not pd.api.types.is_float_dtype(frame[col].dtype):
            continue
        v = frame[col].to_numpy(dtype="float64")
        bad = np.isinf(v) | (np.isnan(v) if col == "value" else False)
        if bad.any():
            first = v[bad][0]
            raise CorruptFileError(
                f"{table}.{col}: {int(bad.sum())} value(s) that are not finite numbers "
                f"(first: {first})",
                file=source_id,
            )


def _clean_leftovers(target: Path) -> None:
    """Remove the ``.building-<pid>`` files (and WALs) of builds whose process is gone."""
    for leftover in target.parent.glob(f".{target.name}.building-*"):
        pid_text = leftover.name.rsplit("-", 1)[-1].removesuffix(".wal")
        if not pid_text.isdigit():
            continue
        pid = int(pid_text)
        if pid == os.getpid() or not _alive(pid):
            leftover.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True


def _coverage(result: ReadResult) -> tuple[int | None, int | None, int | None]:
    years: list[pd.Series] = []
    isos: set[str] = set()
    for table in result.tables.values():
        if table.empty:
            continue
        if "year" in table.columns:
            years.append(table["year"])
        for col in ("iso3", "iso3_o", "iso3_d", "exporter", "importer", "iso3_a"):
            if col in table.columns:
                isos.update(table[col].dropna().unique().tolist())
    if years:
        y = pd.concat(years)
        ymin, ymax = (int(y.min()), int(y.max())) if len(y) else (None, None)
    else:
        ymin = ymax = None
    return ymin, ymax, (len(isos) or None)


def _insert(
    con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame, source_id: str
) -> None:
    cols = schema.columns(table)
    frame = frame.assign(source_id=source_id)
    missing = [c for c in cols if c not in frame.columns]
    if missing:
        raise ValueError(f"reader for {source_id} gave {table} without columns {missing}")
    frame = frame[cols]
    _check_plausible(table, frame, source_id)
    con.register("_incoming", frame)
    try:
        con.execute(f"INSERT INTO {table} SELECT * FROM _incoming")
    finally:
        con.unregister("_incoming")


def _indicator_rows(module, source_id: str, result: ReadResult) -> list[tuple]:
    spec = getattr(module, "INDICATORS", {})
    rows = []
    for table in ("country_year", "aggregate_year", "dyad_year"):
        frame = result.tables.get(table)
        if frame is None or frame.empty:
            continue
        for ind in sorted(frame["indicator"].unique()):
            unit, desc, directed = spec.get(ind, ("", "", table == "dyad_year"))
            rows.append((ind, source_id, table, unit, desc, directed))
    return rows


def build(
    snapshot: Path | str | None = None,
    *,
    target: Path | None = None,
    progress: ProgressCallback | None = None,
) -> BuildReport:
    """Build the warehouse from a snapshot folder and fetched files; swap it in atomically.

    After the snapshot's files, the files of the vintage in use of every fetched source
    (``raw/<source>/<vintage>/`` with origin sidecars, see :mod:`article2.sources.fetched`)
    are verified against their sidecar's SHA-256 and read by their source's reader. Without a
    snapshot (none given and none found), a build from fetched files alone is allowed.

    Args:
        snapshot: snapshot folder (default: :func:`article2.paths.snapshot_dir`).
        target: warehouse file to write (default: :func:`article2.paths.warehouse_path`).
        progress: called as ``progress(source_id, i, n)`` before each file.

    Raises:
        MissingFileError, ChecksumMismatchError, CorruptFileError, MissingColumnError: a file
            cannot be used; nothing is changed on disk.
    """
    started = dt.datetime.now(dt.UTC)
    online = fetched.discover(paths.raw_dir())
    try:
        snap: Path | None = paths.snapshot_dir(snapshot)
    except paths.SnapshotNotFoundError:
        if snapshot is not None or not online:
            raise
        snap = None
    target = Path(target) if target else paths.warehouse_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    items = (
        [(o, snap / o.source_id, reader_for(o.dataset)) for o in load_manifest(snap)]
        if snap
        else []
    )
    items += [(f.origin, f.path, _fetched_reader(f.source)) for f in online]
    tmp = target.with_name(f".{target.name}.building-{os.getpid()}")
    _clean_leftovers(target)
    # every checksum before any file is read: a bad file late in the list fails at once
    for i, (origin, file, _module) in enumerate(items):
        if progress:
            progress(f"verifying {origin.source_id}", i, len(items))
        _verify(origin, file)
    reports: list[SourceReport] = []
    try:
        con = duckdb.connect(str(tmp))
        try:
            for table in schema.TABLES:
                con.execute(schema.ddl(table))
            _insert(con, "countries", countries.country_table(), "article2/countries")
            indicator_rows: list[tuple] = []
            for i, (origin, file, module) in enumerate(items):
                if progress:
                    progress(origin.source_id, i, len(items))
                if module is None:
                    reports.append(
                        SourceReport(
                            origin.source_id, 0, 0, 0, {}, None, None, None, {}, "no reader"
                        )
                    )
                    _insert_source(con, origin, file, None, "no reader", (None, None, None))
                    continue
                result = module.read(file, origin)
                for table, frame in result.tables.items():
                    if not frame.empty:
                        _insert(con, table, frame, origin.source_id)
                indicator_rows += _indicator_rows(module, origin.source_id, result)
                if len(result.rejected):
                    _insert(con, "quarantine", result.rejected, origin.source_id)
                if len(result.unmapped):
                    _insert(con, "unmapped", result.unmapped, origin.source_id)
                cov = _coverage(result)
                _insert_source(con, origin, file, result, "loaded", cov)
                reasons = (
                    result.rejected.drop_duplicates("row")["reason"].value_counts().to_dict()
                    if len(result.rejected)
                    else {}
                )
                unmapped = {
                    f"{r.system}:{r.code}": int(r.rows) for r in result.unmapped.itertuples()
                }
                reports.append(
                    SourceReport(
                        origin.source_id,
                        result.rows_read,
                        result.rows_loaded,
                        result.rows_rejected,
                        reasons,
                        cov[0],
                        cov[1],
                        cov[2],
                        unmapped,
                        "loaded",
                    )
                )
            if indicator_rows:
                con.executemany("INSERT INTO indicators VALUES (?, ?, ?, ?, ?, ?)", indicator_rows)
            plausibility.check(con)
            _sort_tables(con)
            _insert(con, "actor_members", _actor_members(con), "article2/countries")
            info = {
                "build_id": uuid.uuid4().hex,
                "built_at": started.isoformat(timespec="seconds"),
                "snapshot": str(snap or ""),
                "fetched": ", ".join(sorted({f"{f.source}@{f.vintage}" for f in online})),
                "article2_version": __version__,
                "duckdb_version": duckdb.__version__,
            }
            con.executemany("INSERT INTO build_info VALUES (?, ?)", list(info.items()))
            con.execute("CHECKPOINT")
        finally:
            con.close()
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        tmp.with_name(tmp.name + ".wal").unlink(missing_ok=True)
        raise
    seconds = (dt.datetime.now(dt.UTC) - started).total_seconds()
    return BuildReport(target, snap, tuple(reports), seconds)


def _fetched_reader(source: str):
    module = fetched.module(source)
    return module if hasattr(module, "read") else None


def _sort_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Rewrite the big observation tables in key order so that DuckDB's zone maps prune scans."""
    for table in ("country_year", "dyad_year"):
        order = schema.TABLES[table][2]
        con.execute(f"CREATE TABLE _sorted AS SELECT * FROM {table} ORDER BY {order}")
        con.execute(f"DROP TABLE {table}")
        con.execute(f"ALTER TABLE _sorted RENAME TO {table}")


def _insert_source(
    con, origin: Origin, file: Path, result: ReadResult | None, status: str, cov: tuple
) -> None:
    con.execute(
        "INSERT INTO sources VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            origin.source_id,
            origin.dataset,
            origin.title,
            origin.producer,
            origin.license,
            origin.citation,
            origin.url,
            origin.vintage,
            origin.sha256,
            file.stat().st_size,
            origin.retrieved,
            origin.coverage,
            origin.caveats,
            result.rows_read if result else 0,
            result.rows_loaded if result else 0,
            result.rows_rejected if result else 0,
            cov[0],
            cov[1],
            cov[2],
            status,
        ],
    )
