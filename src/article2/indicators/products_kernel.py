"""The compiled pass over one piece of sorted flows (Numba): the within-year product-level
numbers of :mod:`article2.indicators.products_stream` in two passes over the rows, with no
temporary arrays.

A piece holds whole products, its rows sorted by product ``p``, importer ``j``, exporter ``i``
with no repeated (p, j, i). The first pass checks that order and counts the (importer, product)
groups and products; the second sums each group (imports, squares, supplier count), keeps its
largest flow (the first, i.e. smallest exporter code, on ties), China's flow, and adds every
flow to its product's exporter totals, from which each product's world exports, export HHI and
allied share follow; then each group's shares, imports/exports ratio and GeoDep criteria.
Flows of value 0 (or less) are skipped: they supply nothing.

Why compiled: the same numbers as vectorised NumPy (segmented ``reduceat``, ``bincount`` and a
search for each group's top supplier) took ~0.27 CPU s per 10 M-row year in a dozen passes over
the rows, and their shares and criteria another ~0.05; these two passes take ~0.09 in all
(measured on the synthetic data of ``benchmarks/bench_products.py``). Compiled functions are
cached on disk (``cache=True``) and release the GIL (``nogil=True``), so pieces run in
parallel threads.
"""

from __future__ import annotations

import numpy as np
from numba import njit, types

from article2.indicators.products import GeoDepThresholds

__all__ = ["NAMES", "NEGATIVE_CODE", "NOT_SORTED", "add_members", "empty", "piece"]

#: returned as the group count when the rows are not strictly sorted by (p, j, i)
NOT_SORTED = -1
#: returned as the group count when a country code is negative
NEGATIVE_CODE = -2

# Signatures given, so the compiled code is loaded (or, the first time, compiled and cached)
# when this module is imported, not at the first call. Rows come as read-only C arrays
# (views of Arrow buffers): exporter and importer codes int16, product codes int32, values
# float64 (see :func:`piece`, which converts other inputs).
_CODES = types.Array(types.int16, 1, "C", readonly=True)
_ROWS = (_CODES, _CODES, types.Array(types.int32, 1, "C", readonly=True),
         types.Array(types.float64, 1, "C", readonly=True))  # fmt: skip
_INT64 = types.Array(types.int64, 1, "C")


@njit(_ROWS, cache=True, nogil=True)
def _count(i, j, p, v):  # pragma: no cover - compiled (tested through piece)
    """(groups, products, width) of the positive flows; groups is NOT_SORTED when the rows are
    not strictly increasing in (p, j, i), NEGATIVE_CODE when a country code is below 0.
    width = largest country code + 1."""
    n = len(p)
    groups = 0
    products = 0
    width = 0
    have = False
    last_p = 0
    last_j = 0
    for r in range(n):
        if r > 0:
            if p[r] < p[r - 1]:
                return NOT_SORTED, 0, 0
            same_p = p[r] == p[r - 1]
            if same_p and (j[r] < j[r - 1] or (j[r] == j[r - 1] and i[r] <= i[r - 1])):
                return NOT_SORTED, 0, 0
        if i[r] < 0 or j[r] < 0:
            return NEGATIVE_CODE, 0, 0
        if v[r] > 0:
            if not have or p[r] != last_p:
                products += 1
                groups += 1
            elif j[r] != last_j:
                groups += 1
            have = True
            last_p = p[r]
            last_j = j[r]
            if i[r] >= width:
                width = i[r] + 1
            if j[r] >= width:
                width = j[r] + 1
    return groups, products, width


@njit(
    (*_ROWS, types.int64, types.Array(types.boolean, 1, "C"), types.int64, types.int64,
     types.int64, types.float64, types.float64, types.float64),
    cache=True,
    nogil=True,
)  # fmt: skip
def _fill(i, j, p, v, china, allied, groups, products, width, c_import, c_export, c_ratio):
    g_j = np.empty(groups, np.int16)
    g_p = np.empty(groups, np.int64)
    g_product = np.empty(groups, np.int64)
    imports = np.empty(groups)
    import_hhi = np.empty(groups)
    n_suppliers = np.empty(groups, np.int64)
    top_share = np.empty(groups)
    top_supplier = np.empty(groups, np.int16)
    china_share = np.empty(groups)
    x = np.zeros((products, width))
    g = -1
    b = -1
    # the open group's running values, stored when it closes
    total = 0.0
    squares = 0.0
    count = 0
    best = 0.0
    best_i = 0
    from_china = 0.0
    cur_p = 0
    cur_j = 0
    for r in range(len(v) + 1):
        last = r == len(v)
        if not last and v[r] <= 0:
            continue
        if last or g < 0 or p[r] != cur_p or j[r] != cur_j:
            if g >= 0:  # close the open group
                imports[g] = total
                import_hhi[g] = squares / (total * total)
                n_suppliers[g] = count
                top_share[g] = best / total
                top_supplier[g] = best_i
                china_share[g] = from_china / total
            if last:
                break
            if g < 0 or p[r] != cur_p:
                b += 1
            g += 1
            cur_p = p[r]
            cur_j = j[r]
            g_j[g] = cur_j
            g_p[g] = cur_p
            g_product[g] = b
            total = 0.0
            squares = 0.0
            count = 0
            best = 0.0
            from_china = 0.0
        value = v[r]
        exporter = i[r]
        total += value
        squares += value * value
        count += 1
        if value > best:  # strictly larger: the smallest code keeps a tie
            best = value
            best_i = exporter
        if exporter == china:
            from_china = value
        x[b, exporter] += value
    world = np.zeros(products)
    export_ssq = np.zeros(products)
    allied_value = np.zeros(products)
    for b in range(products):
        for c in range(width):
            value = x[b, c]
            world[b] += value
            export_ssq[b] += value * value
            if allied[c]:
                allied_value[b] += value
    exports = np.empty(groups)
    export_hhi = np.empty(groups)
    world_exports = np.empty(groups)
    allied_share = np.empty(groups)
    ratio = np.zeros(groups)
    has_exports = np.empty(groups, np.bool_)
    criteria_met = np.empty(groups, np.bool_)
    key = np.empty(groups, np.int64)
    for g in range(groups):
        b = g_product[g]
        own = x[b, g_j[g]]
        exports[g] = own
        world_exports[g] = world[b]
        export_hhi[g] = export_ssq[b] / (world[b] * world[b])
        allied_share[g] = allied_value[b] / world[b]
        has_exports[g] = own != 0
        if own != 0:
            ratio[g] = imports[g] / own
        criteria_met[g] = (
            import_hhi[g] > c_import and export_hhi[g] > c_export and imports[g] > c_ratio * own
        )
        key[g] = (g_p[g] << 16) | g_j[g]
    return (
        g_j, g_p, key, imports, exports, n_suppliers, import_hhi, top_supplier, top_share,
        china_share, export_hhi, world_exports, allied_share, ratio, has_exports, criteria_met,
    )  # fmt: skip


@njit((_INT64, _INT64, _INT64), cache=True, nogil=True)
def add_members(keys, members, counts):  # pragma: no cover - compiled
    """``counts[n] += 1`` where ``keys[n]`` is in ``members`` (both sorted ascending): one
    merge pass."""
    q = 0
    m = len(members)
    for n in range(len(keys)):
        key = keys[n]
        while q < m and members[q] < key:
            q += 1
        if q < m and members[q] == key:
            counts[n] += 1


#: the entries of a piece: (importer, product) codes and key ``p << 16 | j``, then the
#: indicators of :mod:`article2.indicators.products` (``import_export_ratio`` valid where
#: ``has_exports``) and ``criteria_met``
NAMES = (
    "j", "p", "key", "imports", "exports", "n_suppliers", "import_hhi", "top_supplier",
    "top_share", "china_share", "export_hhi", "world_exports", "allied_share",
    "import_export_ratio", "has_exports", "criteria_met",
)  # fmt: skip


def empty() -> dict[str, np.ndarray]:
    """A piece without rows."""
    i16, i32 = np.zeros(0, np.int16), np.zeros(0, np.int32)
    return piece(i16, i16, i32, np.zeros(0), china=-1, allied=np.zeros(0, np.int64), year=0)


_LIMIT = np.iinfo(np.int16).max


def _read_only(a: np.ndarray, dtype) -> np.ndarray:
    if a.dtype != dtype:
        if dtype == np.int16 and len(a) and (a.min() < 0 or a.max() > _LIMIT):
            raise ValueError(f"country codes must be in 0..{_LIMIT}")
        a = a.astype(dtype)
    a = np.ascontiguousarray(a)
    if a.flags.writeable:
        a = a.view()
        a.flags.writeable = False
    return a


def _rows(i, j, p, v):
    """The rows as the compiled functions take them (no copy for the store's arrays)."""
    return (
        _read_only(np.asarray(i), np.int16), _read_only(np.asarray(j), np.int16),
        _read_only(np.asarray(p), np.int32), _read_only(np.asarray(v), np.float64),
    )  # fmt: skip


def piece(
    i,
    j,
    p,
    v,
    *,
    china: int,
    allied: np.ndarray,
    year: int,
    thresholds: GeoDepThresholds = GeoDepThresholds(),  # noqa: B008 (frozen, immutable)
) -> dict[str, np.ndarray]:
    """The within-year indicators of one piece (whole products, rows sorted by p, j, i): one
    entry per (importer, product) with positive imports, in (p, j) order (:data:`NAMES`).
    ``allied`` are the allied exporter codes; ``china`` China's code (-1 for none).

    Raises:
        ValueError: naming ``year``, when the rows are not strictly sorted by (p, j, i) or a
            country code is negative.
    """
    i, j, p, v = _rows(i, j, p, v)
    groups, products, width = _count(i, j, p, v)
    if groups == NOT_SORTED:
        raise ValueError(
            f"flows of {year} are not sorted by product, importer, exporter (or repeat a row); "
            "reload the data with `article2 load-baci PATH`"
        )
    if groups == NEGATIVE_CODE:
        raise ValueError(f"flows of {year} have a negative country code")
    mask = np.zeros(max(width, 1), np.bool_)
    allied = np.asarray(allied, dtype=np.int64)
    mask[allied[(allied >= 0) & (allied < width)]] = True
    th = thresholds
    out = _fill(
        i, j, p, v, int(china), mask, groups, products, width,
        float(th.import_hhi), float(th.export_hhi), float(th.ratio),
    )  # fmt: skip
    return dict(zip(NAMES, out, strict=True))
