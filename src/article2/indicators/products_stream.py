"""Product-level indicators one year at a time, streamed over sorted flows: the path at BACI
scale.

Same definitions and columns as :mod:`article2.indicators.products`, whose all-years SQL
statement stays the relational reference (the tests check that both give the same rows). This
module exploits what the products store guarantees: each year's flows sorted by product,
importer, exporter (:data:`article2.sources.baci.SORT_ORDER`). Then every (importer, product)
group and every product's block of rows are contiguous, and all indicators come from one
compiled pass over the rows (:mod:`article2.indicators.products_kernel`), with no hash table
and no sort. A year is read in parts (Parquet row groups of ~120 k rows); each part is loaded
and computed on a thread pool, except the rows of its first and last products, which may
continue in the neighbouring parts: those are joined here, in order, and computed as pieces
of their own.

Year t's GeoDep flag needs only which (importer, product) pairs met the criteria in the
``window - 1`` earlier years: :class:`GeoDepWindow` keeps those pairs as sorted integer keys
(``product << 16 | importer``), ~10 % of a year's rows.

Measured against the all-years SQL, a pandas implementation and a bare scan of the same files
in ``benchmarks/bench_products.py``.

Inputs, per year: parts loading record batches (pyarrow) with columns ``i`` (exporter), ``j``
(importer), ``p`` (HS6 product as an integer) and ``v`` (value), sorted by (p, j, i) with no
duplicate (p, j, i); flows of value 0 are skipped (they supply nothing). Rows out of order
raise ValueError naming the year.
"""

from __future__ import annotations

import functools
import os
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Executor, Future, ThreadPoolExecutor

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from article2.indicators import products_kernel as kernel
from article2.indicators.products import GeoDepThresholds

__all__ = [
    "COLUMNS",
    "GeoDepWindow",
    "loaders",
    "run_years",
    "year_indicators",
    "year_pieces",
]

#: output columns and their Arrow types, in the order of the reference statement
COLUMNS: dict[str, pa.DataType] = {
    "t": pa.int16(),
    "j": pa.int16(),
    "k": pa.dictionary(pa.int32(), pa.string()),  # each HS6 code's text once
    "imports": pa.float64(),
    "exports": pa.float64(),
    "n_suppliers": pa.int64(),
    "import_hhi": pa.float64(),
    "top_supplier": pa.int16(),
    "top_share": pa.float64(),
    "china_share": pa.float64(),
    "export_hhi": pa.float64(),
    "world_exports": pa.float64(),
    "allied_share": pa.float64(),
    "import_export_ratio": pa.float64(),
    "criteria_met": pa.bool_(),
    "years_met": pa.int64(),
    "years_known": pa.int64(),
    "geodep": pa.bool_(),
}

_INPUT = ("i", "j", "p", "v")
_PIECE = [name for name in COLUMNS if name not in ("t", "k")]


def _columns(batch) -> tuple[np.ndarray, ...]:
    return tuple(np.asarray(batch.column(name).to_numpy(zero_copy_only=False)) for name in _INPUT)


def _split(cols: tuple[np.ndarray, ...]):
    """(head, middle, tail) of a part's rows: the rows of its first product, of the products
    wholly inside it, and of its last product (which may continue in the next part). A part of
    one product is all head (middle and tail None)."""
    p = cols[2]
    n = len(p)
    head_end = int(np.argmax(p != p[0])) or n
    if head_end == n:
        return cols, None, None
    tail_start = n - int(np.argmax(p[::-1] != p[-1]))
    middle = tuple(c[head_end:tail_start] for c in cols) if tail_start > head_end else None
    return (
        tuple(c[:head_end] for c in cols), middle, tuple(c[tail_start:] for c in cols)
    )  # fmt: skip


def _join(a, b):
    return tuple(np.concatenate([x, y]) for x, y in zip(a, b, strict=True))


def _bounded_map(pool: Executor | None, fn, items, ahead: int = 4):
    """``map(fn, items)`` in order on ``pool`` (or here), at most ``ahead`` items in flight;
    yields results as they come in order."""
    if pool is None:
        yield from map(fn, items)
        return
    pending: deque[Future] = deque()
    for item in items:
        pending.append(pool.submit(fn, item))
        if len(pending) >= ahead:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def year_pieces(
    parts: Iterable[Callable[[], pa.RecordBatch]],
    *,
    year: int,
    china: int | None,
    allied: Sequence[int],
    thresholds: GeoDepThresholds = GeoDepThresholds(),  # noqa: B008 (frozen, immutable)
    then: Callable[[dict[str, np.ndarray]], object] = lambda ind: ind,
    pool: Executor | None = None,
) -> list:
    """``then(piece)`` for each piece of one year's within-year indicators, in (product,
    importer) order; a piece holds whole products. Each piece has one entry per (importer,
    product) with positive imports (:data:`~article2.indicators.products_kernel.NAMES`:
    codes, indicators and whether the year meets the GeoDep criteria).

    ``parts`` load the year's sorted rows in order, a part at a time (e.g. a Parquet row group
    each); ``allied`` are the allied exporter codes of the year. With a ``pool``, parts are
    loaded and computed (``then`` included) in its threads; only the products cut between
    two parts are put together here, in order.
    """
    allied_codes = np.asarray(sorted(set(allied)), dtype=np.int64)
    china_code = -1 if china is None else int(china)

    def compute(cols):
        ind = kernel.piece(
            *cols, china=china_code, allied=allied_codes, year=year, thresholds=thresholds
        )
        return (ind["p"][0], ind["p"][-1], then(ind)) if len(ind["p"]) else None

    def load(part):
        cols = _columns(part())
        if not len(cols[0]):
            return None
        head, middle, tail = _split(cols)
        return head, None if middle is None else compute(middle), tail

    done = []
    carry = None  # rows of a product that may continue in the next part
    for loaded in _bounded_map(pool, load, parts):
        if loaded is None:
            continue
        head, middle, tail = loaded
        if carry is not None and carry[2][-1] == head[2][0]:
            head = _join(carry, head)
        elif carry is not None:
            done.append(compute(carry))
        if middle is None and tail is None:
            carry = head  # one product: it may go on in the next part
            continue
        done += [compute(head), middle]
        carry = tail
    if carry is not None:
        done.append(compute(carry))
    done = [d for d in done if d is not None]
    for before, after in zip(done, done[1:], strict=False):
        if before[1] >= after[0]:  # a product split between pieces: out of order
            raise ValueError(f"flows of {year} are not sorted by product, importer, exporter")
    return [d[2] for d in done]


def loaders(batches: Iterable[pa.RecordBatch]) -> list[Callable[[], pa.RecordBatch]]:
    """Parts for :func:`year_pieces` and :func:`run_years` from batches already in memory."""
    return [functools.partial(_same, b) for b in batches]


def _same(batch: pa.RecordBatch) -> pa.RecordBatch:
    return batch


def year_indicators(
    batches: Iterable[pa.RecordBatch],
    *,
    year: int,
    china: int | None,
    allied: Sequence[int],
    thresholds: GeoDepThresholds = GeoDepThresholds(),  # noqa: B008 (frozen, immutable)
    pool: Executor | None = None,
) -> dict[str, np.ndarray]:
    """The pieces of :func:`year_pieces` joined: one year's within-year indicators."""
    parts = year_pieces(
        loaders(batches), year=year, china=china, allied=allied, thresholds=thresholds,
        pool=pool,
    )  # fmt: skip
    if not parts:
        return kernel.empty()
    return {name: np.concatenate([part[name] for part in parts]) for name in parts[0]}


class GeoDepWindow:
    """The trailing GeoDep window: which (importer, product) pairs met the three criteria in
    each year seen so far, as sorted int64 keys ``product << 16 | importer``.

    Args:
        thresholds: the criteria, window and minimum count.
        coverage: the years the data covers (window years outside it are unknown).
    """

    def __init__(self, thresholds: GeoDepThresholds, coverage: Iterable[int]):
        if thresholds.window < 1 or not 1 <= thresholds.min_years <= thresholds.window:
            raise ValueError("need window >= 1 and 1 <= min_years <= window")
        self.thresholds = thresholds
        self.coverage = frozenset(int(t) for t in coverage)
        self._met: dict[int, np.ndarray] = {}

    def flags(self, year: int, keys: np.ndarray, criteria_met: np.ndarray) -> dict:
        """For each (importer, product) key of ``year`` (int64) and whether it meets the
        criteria that year: ``years_met`` and ``years_known`` (counts over the window) and
        ``geodep`` with ``geodep_valid`` (False where the flag is undetermined, NULL).
        Reads only the years recorded before ``year``, so pieces of a year may call it from
        several threads."""
        th = self.thresholds
        window = range(year - th.window + 1, year)
        years_met = criteria_met.astype(np.int64)
        for t in window:
            met = self._met.get(t)
            if met is not None and len(met):
                kernel.add_members(keys, met, years_met)
        known = sum(1 for t in (*window, year) if t in self.coverage)
        decided_true = years_met >= th.min_years
        decided_false = years_met + (th.window - known) < th.min_years
        return {
            "years_met": years_met,
            "years_known": np.full(len(keys), known, np.int64),
            "geodep": decided_true,
            "geodep_valid": decided_true | decided_false,
        }

    def record(self, year: int, met_keys: np.ndarray) -> None:
        """Record the sorted keys of ``year``'s pairs meeting the criteria (years must come in
        ascending order) and forget the years no later window reaches."""
        self._met[year] = met_keys
        for t in [t for t in self._met if t <= year - self.thresholds.window + 1]:
            del self._met[t]


def _product_codes(p: np.ndarray) -> pa.DictionaryArray:
    """6-character HS codes (leading zeros kept) of sorted integer product codes, dictionary
    encoded: each code's text made once."""
    if not len(p):
        return pa.DictionaryArray.from_arrays(pa.array([], pa.int32()), pa.array([], pa.string()))
    new = np.empty(len(p), bool)  # p is sorted: the codes are where it changes
    new[0] = True
    np.not_equal(p[1:], p[:-1], out=new[1:])
    text = pc.utf8_lpad(pc.cast(pa.array(p[new]), pa.string()), width=6, padding="0")
    return pa.DictionaryArray.from_arrays(pa.array(np.cumsum(new, dtype=np.int32) - 1), text)


def _empty_table() -> pa.Table:
    return pa.table({name: pa.array([], type=kind) for name, kind in COLUMNS.items()})


def _table(ind: dict[str, np.ndarray], flags: dict) -> pa.Table:
    """One piece's rows, without ``t`` and ``k`` (added for the whole year)."""
    columns = ind | flags
    columns["import_export_ratio"] = pa.array(ind["import_export_ratio"], mask=~ind["has_exports"])
    columns["geodep"] = pa.array(flags["geodep"], mask=~flags["geodep_valid"])
    return pa.table({name: pa.array(columns[name], type=COLUMNS[name]) for name in _PIECE})


def _year_table(year: int, pieces: list[pa.Table], products: list[np.ndarray]) -> pa.Table:
    """The year's rows: its pieces' columns (as chunks) with ``t`` and ``k``."""
    if not pieces:
        return _empty_table()
    table = pa.concat_tables(pieces)
    n = len(table)
    year_column = pa.array(np.full(n, year, np.int16))
    k = _product_codes(np.concatenate(products))
    table = table.add_column(0, "t", year_column).add_column(2, "k", k)
    return table


def run_years(
    *,
    years: Sequence[int],
    first: int,
    last: int,
    parts: Callable[[int], Iterable[Callable[[], pa.RecordBatch]]],
    china: int | None,
    allies: Mapping[int, Sequence[int]],
    coverage: Iterable[int],
    importer: int | None = None,
    thresholds: GeoDepThresholds = GeoDepThresholds(),  # noqa: B008 (frozen, immutable)
    sink: Callable[[int, pa.Table], object],
    threads: int | None = None,
) -> None:
    """Compute each of ``years`` in ascending order from ``parts(t)`` (functions loading that
    year's sorted rows a part at a time, see :func:`year_pieces`); for each year in
    ``first..last`` call ``sink(t, table)`` with its rows (the columns of :data:`COLUMNS`, in
    (product, importer) order; only ``importer``'s rows when given).

    ``allies[t]`` are the allied exporter codes of year t; ``coverage`` the years the data
    covers; ``years`` should include the ``window - 1`` covered years before ``first`` for
    complete GeoDep windows. ``threads`` (default: the CPU count) load and compute parts in
    parallel.
    """
    window = GeoDepWindow(thresholds, coverage)
    workers = threads or os.cpu_count() or 1
    pool = ThreadPoolExecutor(workers) if workers > 1 else None
    try:
        for t in sorted(int(y) for y in years):
            wanted = first <= t <= last

            def finish(ind, t=t, wanted=wanted):
                met_keys = ind["key"][ind["criteria_met"]]
                if not wanted:
                    return met_keys, None
                flags = window.flags(t, ind["key"], ind["criteria_met"])
                if importer is not None:
                    mine = ind["j"] == importer
                    ind = {name: a[mine] for name, a in ind.items()}
                    flags = {name: a[mine] for name, a in flags.items()}
                return met_keys, (_table(ind, flags), ind["p"])

            pieces = year_pieces(
                parts(t), year=t, china=china, allied=allies.get(t, ()),
                thresholds=thresholds, then=finish, pool=pool,
            )  # fmt: skip
            met_keys = [m for m, _ in pieces]
            window.record(t, np.concatenate(met_keys) if met_keys else np.zeros(0, np.int64))
            if wanted:
                tables = [table for _, (table, _p) in pieces]
                products = [p for _, (_piece, p) in pieces]
                sink(t, _year_table(t, tables, products))
    finally:
        if pool is not None:
            pool.shutdown()
