"""Presence profile per country on the built warehouse: median time of ``build_profile`` over
every country, against a naive pandas peer in the same run (load the whole trade table into
pandas once, then filter it per country and compute the same trade shares).

Run: ``python -m benchmarks profile`` or ``python benchmarks/bench_profile.py`` (uses the
warehouse of the data home; build it first with ``article2 build``).
"""

from __future__ import annotations

import statistics
import sys
import time


def _naive(iso3: str, trade, year: int) -> dict:
    """The peer: filter a fully loaded trade table with pandas, compute actor shares."""
    out = {}
    y = trade[trade["year"] == year]
    for ch, own, other in (("imports", "iso3_d", "iso3_o"), ("exports", "iso3_o", "iso3_d")):
        mine = y[y[own] == iso3]
        total = mine["value"].sum()
        for actor in ("USA", "JPN", "CHN"):
            out[(ch, actor)] = mine.loc[mine[other] == actor, "value"].sum() / total if total else None
    return out


def main(argv: list[str]) -> None:
    from article2 import paths, warehouse
    from article2.profiles import build_profile

    path = paths.warehouse_path()
    codes = list(warehouse.query("SELECT iso3 FROM countries ORDER BY iso3", path=path)["iso3"])
    build_profile("VNM", path=path)  # open the connection and load metadata once
    fast = []
    for code in codes:
        t = time.perf_counter()
        build_profile(code, path=path)
        fast.append(time.perf_counter() - t)
    t = time.perf_counter()
    trade = warehouse.query(
        "SELECT iso3_o, iso3_d, year, value FROM dyad_year WHERE indicator = 'trade_cow'",
        path=path,
    )
    load = time.perf_counter() - t
    naive = []
    for code in codes:
        t = time.perf_counter()
        _naive(code, trade, 2014)
        naive.append(time.perf_counter() - t)
    med_fast, med_naive = statistics.median(fast), statistics.median(naive)
    print(f"{'task':<46}{'countries':>10}{'median s':>10}{'max s':>9}")
    print(f"{'build_profile (full profile, DuckDB SQL)':<46}{len(fast):>10}{med_fast:>10.3f}{max(fast):>9.3f}")
    print(f"{'naive pandas (trade shares only, one year)':<46}{len(naive):>10}{med_naive:>10.3f}{max(naive):>9.3f}")
    print(f"naive pandas: loading the trade table once took {load:.2f} s")
    print(f"full profile / naive per-country filter: {med_fast / med_naive:.2f}x")
    print(f"full profile / (naive filter + table load amortised over one query): "
          f"{med_fast / (med_naive + load):.2f}x")
    print(f"countries over 1 s: {sum(x > 1 for x in fast)}")


if __name__ == "__main__":
    main(sys.argv[1:])
