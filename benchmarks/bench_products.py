"""Product-level indicators at BACI scale, on SYNTHETIC data (the real release is not offline).

For 1 year (~10 M rows) and 25 years (~240 M rows) of generated BACI-shaped data loaded as
Parquet, each measured in a fresh subprocess (wall time, peak RSS from ``getrusage``):

- ``indicators``: the full indicator set of :mod:`article2.indicators.products` (every importer,
  product and year, GeoDep window and allied share included) written to a Parquet file;
- ``pandas``: a straightforward pandas implementation of the same within-year indicators
  (1 year only: 240 M rows do not fit in pandas within the memory target);
- ``scan``: a bare DuckDB scan of the same Parquet columns (the floor).

Run: ``python -m benchmarks products [--runs=N] [--years1-only]``. Data is generated once under
``$ARTICLE2_BENCH_DIR`` (default ``/work/tmp/baci-bench``), never in the repository.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

CHILD = r"""
import json, resource, sys, time, tempfile
mode, home, memory = sys.argv[1], sys.argv[2], sys.argv[3]
import os
os.environ["ARTICLE2_HOME"] = home
import duckdb
from article2.sources import baci
from article2 import dependence
from article2.indicators.products import indicator_query
loaded = baci.current()
files = [f"{loaded.path}/year={y}/*.parquet" for y in loaded.years]
quoted = ", ".join("'" + f + "'" for f in files)
t0 = time.perf_counter()
rows = None
if mode == "pandas":
    import pandas as pd, pyarrow.parquet as pq
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
    rows = len(out)
else:
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    con.execute(f"SET memory_limit = '{memory}'")
    tmp = tempfile.mkdtemp(dir=home)
    con.execute(f"SET temp_directory = '{tmp}/spill'")
    con.execute(f"CREATE VIEW trade AS SELECT t, i, j, k, v FROM read_parquet([{quoted}], hive_partitioning = false)")
    if mode == "scan":
        rows = con.execute("SELECT count(*), sum(v), max(k), max(i), max(j), max(t) FROM trade").fetchone()[0]
    else:
        import pandas as pd
        codes = pd.read_parquet(loaded.countries)
        con.register("allies", dependence._ally_codes(dependence.DEFAULT_ALLIES, loaded.years, codes))
        con.register("china", codes.loc[codes.iso3 == "CHN", ["code"]].rename(columns={"code": "i"}))
        con.register("coverage", pd.DataFrame({"t": list(loaded.years)}))
        sql, params = indicator_query(first=min(loaded.years), last=max(loaded.years))
        out = f"{tmp}/indicators.parquet"
        con.execute(f"COPY ({sql}) TO '{out}' (FORMAT PARQUET)", params)
        rows = con.execute(f"SELECT count(*) FROM '{out}'").fetchone()[0]
seconds = time.perf_counter() - t0
print(json.dumps({"seconds": seconds, "rows": rows,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
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
    if loaded is None or tuple(loaded.years) != tuple(years):
        csv = _bench_dir() / f"csv{len(years)}"
        if not (csv / "SYNTHETIC.txt").is_file():
            generate(csv, years=years, seed=1)
        baci.load(csv)
    return home


def _run(mode: str, home: Path, memory: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, mode, str(home), memory],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str]) -> None:
    runs = 3
    for a in argv:
        if a.startswith("--runs="):
            runs = int(a.split("=", 1)[1])
    cases = [("1 year", range(2022, 2023), ("scan", "indicators", "pandas"))]
    if "--years1-only" not in argv:
        cases.append(("25 years", range(1998, 2023), ("scan", "indicators")))
    print("SYNTHETIC data; shared 2-core machine; medians of", runs, "runs")
    print(f"{'data':<10}{'task':<12}{'rows out':>12}{'median s':>10}{'min s':>8}{'peak MB':>9}")
    for label, years, modes in cases:
        home = _ensure(label, years)
        med = {}
        for mode in modes:
            res = [_run(mode, home, "1GB") for _ in range(runs)]
            s = [r["seconds"] for r in res]
            med[mode] = statistics.median(s)
            print(
                f"{label:<10}{mode:<12}{res[0]['rows']:>12,}{med[mode]:>10.2f}{min(s):>8.2f}"
                f"{max(r['peak_mb'] for r in res):>9.0f}",
                flush=True,
            )
        ratio = f"indicators / scan {med['indicators'] / med['scan']:.1f}x"
        if "pandas" in med:
            ratio += f"; pandas / indicators {med['pandas'] / med['indicators']:.1f}x"
        print(f"{label:<10}{ratio}")


if __name__ == "__main__":
    main(sys.argv[1:])
