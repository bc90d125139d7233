"""The compiled pass over one piece of sorted flows (Numba): the within-year product-level
numbers of :mod:`article2.indicators.products_stream` in two passes over the rows, with no
temporary arrays.

A piece holds whole products, its rows sorted by product ``p``, importer ``j``, exporter ``i``
with no repeated (p, j, i). The first pass checks that order and counts the (importer, product)
groups and products; the second sums each group (imports, squares, supplier count), keeps its
largest flow (the first, i.e. smallest exporter code, on ties), China's flow, and adds every
flow to its product's exporter totals, from which each product's world exports, export HHI and
allied share follow. Flows of value 0 (or less) are skipped: they supply nothing.

Why compiled: the same numbers as vectorised NumPy (segmented ``reduceat``, ``bincount`` and a
search for each group's top supplier) take ~0.27 CPU s per 10 M-row year in a dozen passes over
the rows; this takes ~0.05 (``benchmarks/bench_products.py``). Compiled functions are cached on
disk (``cache=True``) and release the GIL (``nogil=True``), so pieces run in parallel threads.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["NOT_SORTED", "empty", "piece"]

#: returned as the group count when the rows are not strictly sorted by (p, j, i)
NOT_SORTED = -1


@njit(cache=True, nogil=True)
def _count(i, j, p, v):  # pragma: no cover - compiled (tested through piece)
    """(groups, products, width) of the positive flows; groups is NOT_SORTED when the rows are
    not strictly increasing in (p, j, i). width = largest country code + 1."""
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


@njit(cache=True, nogil=True)
def _fill(i, j, p, v, china, allied, groups, products, width):  # pragma: no cover - compiled
    g_j = np.empty(groups, np.int64)
    g_p = np.empty(groups, np.int64)
    g_product = np.empty(groups, np.int64)
    imports = np.empty(groups)
    ssq = np.empty(groups)
    n_suppliers = np.empty(groups, np.int64)
    top_value = np.empty(groups)
    top_supplier = np.empty(groups, np.int64)
    china_value = np.empty(groups)
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
    for r in range(len(v)):
        value = v[r]
        if value <= 0:
            continue
        pr = p[r]
        jr = j[r]
        if g < 0 or pr != cur_p or jr != cur_j:
            if g >= 0:
                imports[g] = total
                ssq[g] = squares
                n_suppliers[g] = count
                top_value[g] = best
                top_supplier[g] = best_i
                china_value[g] = from_china
            if g < 0 or pr != cur_p:
                b += 1
            g += 1
            g_j[g] = jr
            g_p[g] = pr
            g_product[g] = b
            cur_p = pr
            cur_j = jr
            total = 0.0
            squares = 0.0
            count = 0
            best = 0.0
            from_china = 0.0
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
    if g >= 0:
        imports[g] = total
        ssq[g] = squares
        n_suppliers[g] = count
        top_value[g] = best
        top_supplier[g] = best_i
        china_value[g] = from_china
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
    for g in range(groups):
        b = g_product[g]
        exports[g] = x[b, g_j[g]]
        world_exports[g] = world[b]
        export_hhi[g] = export_ssq[b] / (world[b] * world[b])
        allied_share[g] = allied_value[b] / world[b]
    return (
        g_j, g_p, imports, exports, n_suppliers, ssq, top_supplier, top_value, china_value,
        export_hhi, world_exports, allied_share,
    )  # fmt: skip


_NAMES = (
    "j", "p", "imports", "exports", "n_suppliers", "ssq", "top_supplier", "top_value",
    "china_value", "export_hhi", "world_exports", "allied_share",
)  # fmt: skip


def empty() -> dict[str, np.ndarray]:
    """A piece without rows."""
    floats = {"imports", "exports", "ssq", "top_value", "china_value", "export_hhi",
              "world_exports", "allied_share"}  # fmt: skip
    return {name: np.zeros(0, float if name in floats else np.int64) for name in _NAMES}


def piece(i, j, p, v, *, china: int, allied: np.ndarray, year: int) -> dict[str, np.ndarray]:
    """The within-year numbers of one piece (whole products, rows sorted by p, j, i): one entry
    per (importer, product) with positive imports, in (p, j) order. ``allied`` are the allied
    exporter codes; ``china`` China's code (-1 for none).

    Raises:
        ValueError: naming ``year``, when the rows are not strictly sorted by (p, j, i).
    """
    groups, products, width = _count(i, j, p, v)
    if groups == NOT_SORTED:
        raise ValueError(
            f"flows of {year} are not sorted by product, importer, exporter (or repeat a row); "
            "reload the data with `article2 load-baci PATH`"
        )
    mask = np.zeros(max(width, 1), np.bool_)
    allied = np.asarray(allied, dtype=np.int64)
    mask[allied[(allied >= 0) & (allied < width)]] = True
    out = _fill(i, j, p, v, int(china), mask, groups, products, width)
    return dict(zip(_NAMES, out, strict=True))
