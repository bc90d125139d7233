"""Product-level indicators at BACI scale, on SYNTHETIC data (the real release is not offline).

For 1 year (~10 M rows) and 25 years (~250 M rows) of generated BACI-shaped data loaded as
Parquet (one file per year, sorted by product, importer, exporter), each measured in a fresh
subprocess (wall time, CPU time and peak RSS from ``getrusage``). Timings start once the
modules are imported, for every task alike; the ``import s`` column gives that start-up
(Python packages and, for ``indicators``, loading the compiled kernel: ~0.45 s of it).

- ``indicators``: the full indicator set (every importer, product and year: concentration,
  top supplier, China's share, world-export HHI, imports/exports, allied share, the GeoDep
  window) as the package computes it, :func:`article2.dependence.write_indicators`: streamed
  year by year over the sorted row groups (:mod:`article2.indicators.products_stream`, one
  compiled pass per row group in :mod:`article2.indicators.products_kernel`), written to
  Parquet partitioned by year;
- ``all-years SQL``: the relational reference statement of :mod:`article2.indicators.products`
  in DuckDB (every year in one query), same rows, 1 year only: on 25 years its hash tables
  outgrow memory and spill (144 s and 1.3 GB when last measured; not re-run, to spare the
  shared machine);
- ``pandas``: a straightforward pandas implementation of the within-year indicators (1 year
  only: for 250 M rows the 6-character product codes alone take ~16 GB as Python strings, and
  the five columns ~6 GB even with Arrow strings, before any groupby copy: four times the
  1.5 GB memory target and more than a shared 24 GB machine can spare);
- ``scan``: a bare DuckDB scan of the same Parquet columns (the floor).

Run: ``python -m benchmarks products [--runs=N] [--runs25=N] [--years1-only]``. Data is
generated and loaded once under ``$ARTICLE2_BENCH_DIR`` (default ``/work/tmp/baci-bench``),
never in the repository; outputs go to a temporary folder removed after each run.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

CHILD = r"""
import json, os, resource, shutil, sys, tempfile, time
started = time.perf_counter()
mode, home = sys.argv[1], sys.argv[2]
os.environ["ARTICLE2_HOME"] = home
import duckdb
from article2.sources import baci
from article2 import dependence
loaded = baci.current()
files = ", ".join("'" + f"{loaded.path}/year={y}/*.parquet" + "'" for y in loaded.years)
tmp = tempfile.mkdtemp(dir=home, prefix="bench-")
t0 = time.perf_counter()
imported = t0 - started
rows = None
if mode == "pandas":
    import pandas as pd
    df = pd.concat([pd.read_parquet(loaded.path / f"year={y}", columns=["t", "i", "j", "k", "v"])
                    for y in loaded.years], ignore_index=True)
    codes = pd.read_parquet(loaded.countries)
    china = int(codes.loc[codes.iso3 == "CHN", "code"].iloc[0])
    allies = dependence._ally_codes(dependence.DEFAULT_ALLIES, loaded.years, codes)
    keys = ["t", "j", "k"]
    g = df.groupby(keys, sort=False)["v"]
    total = g.transform("sum")
    share = df["v"] / total
    imp = pd.DataFrame({"imports": g.sum(), "n_suppliers": g.size(),
                        "import_hhi": (share ** 2).groupby([df.t, df.j, df.k], sort=False).sum()})
    top = df.loc[g.idxmax(), keys + ["i", "v"]].set_index(keys)
    imp["top_supplier"] = top["i"]
    imp["top_share"] = top["v"] / imp["imports"]
    cv = df[df["i"] == china].groupby(keys, sort=False)["v"].sum()
    imp["china_share"] = cv.reindex(imp.index).fillna(0) / imp["imports"]
    x = df.groupby(["t", "i", "k"], sort=False)["v"].sum().rename("x").reset_index()
    x["ally"] = x.merge(allies.assign(a=True), on=["t", "i"], how="left")["a"].fillna(False).to_numpy()
    x["x2"] = x["x"] ** 2
    x["xa"] = x["x"].where(x["ally"], 0.0)
    w = x.groupby(["t", "k"], sort=False).agg(world=("x", "sum"), x2=("x2", "sum"), xa=("xa", "sum"))
    w["export_hhi"] = w["x2"] / w["world"] ** 2
    w["allied_share"] = w["xa"] / w["world"]
    out = imp.reset_index().merge(w[["world", "export_hhi", "allied_share"]].reset_index(),
                                  on=["t", "k"])
    own = x.rename(columns={"i": "j", "x": "exports"})[["t", "j", "k", "exports"]]
    out = out.merge(own, on=keys, how="left")
    out["exports"] = out["exports"].fillna(0)
    out["criteria_met"] = (out.import_hhi > 0.4) & (out.export_hhi > 0.4) & (out.imports > out.exports)
    out.to_parquet(f"{tmp}/indicators.parquet")
    rows = len(out)
elif mode == "indicators":
    rows = dependence.write_indicators(f"{tmp}/indicators", allow_synthetic=True)["rows"]
else:
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    con.execute(f"SET temp_directory = '{tmp}/spill'")
    con.execute(f"CREATE VIEW trade AS SELECT t, i, j, k, v FROM read_parquet([{files}], hive_partitioning = false)")
    if mode == "scan":
        rows = con.execute("SELECT count(*), sum(v), max(k), max(i), max(j), max(t) FROM trade").fetchone()[0]
    else:  # the all-years reference statement
        import pandas as pd
        from article2.indicators.products import indicator_query
        codes = pd.read_parquet(loaded.countries)
        con.register("allies", dependence._ally_codes(dependence.DEFAULT_ALLIES, loaded.years, codes))
        con.register("china", codes.loc[codes.iso3 == "CHN", ["code"]].rename(columns={"code": "i"}))
        con.register("coverage", pd.DataFrame({"t": list(loaded.years)}))
        sql, params = indicator_query(first=min(loaded.years), last=max(loaded.years))
        out = f"{tmp}/indicators.parquet"
        con.execute(f"COPY ({sql}) TO '{out}' (FORMAT PARQUET)", params)
        rows = con.execute(f"SELECT count(*) FROM '{out}'").fetchone()[0]
seconds = time.perf_counter() - t0
shutil.rmtree(tmp, ignore_errors=True)
use = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"seconds": seconds, "rows": rows, "cpu": use.ru_utime + use.ru_stime,
                  "peak_mb": use.ru_maxrss / 1024, "import": imported}))
"""


def _bench_dir() -> Path:
    return Path(os.environ.get("ARTICLE2_BENCH_DIR", "/work/tmp/baci-bench"))


def _ensure(name: str, years: range) -> Path:
    """Generate and load SYNTHETIC data for ``years`` once; return its data home."""
    from article2.sources import baci
    from article2.synthetic.baci import generate

    home = _bench_dir() / f"home{len(years)}"
    os.environ["ARTICLE2_HOME"] = str(home)
    loaded = baci.current()
    layout = None if loaded is None else loaded.origin.get("layout")
    if loaded is None or tuple(loaded.years) != tuple(years) or layout != baci.LAYOUT:
        csv = _bench_dir() / f"csv{len(years)}"
        if not (csv / "SYNTHETIC.txt").is_file():
            generate(csv, years=years, seed=1)
        baci.load(csv)
    return home


def _run(mode: str, home: Path) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, mode, str(home)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


LABELS = {
    "scan": "scan",
    "indicators": "indicators",
    "reference": "all-years SQL",
    "pandas": "pandas",
}


def main(argv: list[str]) -> None:
    runs, runs25 = 3, 2
    for a in argv:
        if a.startswith("--runs="):
            runs = int(a.split("=", 1)[1])
        if a.startswith("--runs25="):
            runs25 = int(a.split("=", 1)[1])
    cases = [("1 year", range(2022, 2023), ("scan", "indicators", "reference", "pandas"), runs)]
    if "--years1-only" not in argv:
        cases.append(("25 years", range(1998, 2023), ("scan", "indicators"), runs25))
    print("SYNTHETIC data; shared 2-core machine (wall times depend on its load; CPU = user+sys)")
    print(
        f"{'data':<10}{'task':<15}{'rows out':>13}{'runs':>5}{'median s':>10}{'min s':>8}"
        f"{'CPU s':>8}{'peak MB':>9}{'import s':>10}"
    )
    for label, years, modes, n in cases:
        home = _ensure(label, years)
        med = {}
        # interleaved (scan, indicators, ..., scan, indicators, ...) so that a change in the
        # machine's load falls on every task alike
        results = {m: [] for m in modes}
        for _ in range(n):
            for mode in modes:
                results[mode].append(_run(mode, home))
        for mode in modes:
            res = results[mode]
            s = [r["seconds"] for r in res]
            med[mode] = statistics.median(s)
            print(
                f"{label:<10}{LABELS[mode]:<15}{res[0]['rows']:>13,}{n:>5}{med[mode]:>10.2f}"
                f"{min(s):>8.2f}{statistics.median(r['cpu'] for r in res):>8.2f}"
                f"{max(r['peak_mb'] for r in res):>9.0f}"
                f"{statistics.median(r['import'] for r in res):>10.2f}",
                flush=True,
            )
        ratio = f"indicators / scan {med['indicators'] / med['scan']:.1f}x"
        if "reference" in med:
            ratio += f"; all-years SQL / indicators {med['reference'] / med['indicators']:.1f}x"
        if "pandas" in med:
            ratio += f"; pandas / indicators {med['pandas'] / med['indicators']:.1f}x"
        else:
            ratio += "; pandas: not run (250 M rows need ~6-20 GB as pandas columns)"
        print(f"{label:<10}{ratio}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
