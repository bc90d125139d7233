"""Warehouse build on the real snapshot: wall time and peak memory, against reading the same
files with a bare ``pandas.read_csv`` (the floor any reader pays) in the same run."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

CHILD = r"""
import json, sys, time, resource, tempfile, os
from pathlib import Path
mode, snap = sys.argv[1], Path(sys.argv[2])
t = time.perf_counter()
if mode == "build":
    from article2 import warehouse
    with tempfile.TemporaryDirectory() as d:
        warehouse.build(snap, target=Path(d) / "w.duckdb")
else:
    import pandas as pd
    m = json.loads((snap / "MANIFEST.json").read_text())
    for f in m["files"]:
        p = snap / f["file"]
        if p.suffix == ".dta":
            pd.read_stata(p)
        elif p.name.endswith((".csv", ".csv.gz")):
            pd.read_csv(p, dtype=str, keep_default_na=False)
print(json.dumps({"seconds": time.perf_counter() - t,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _run(mode: str, snap: Path) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, mode, str(snap)], check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str]) -> None:
    from article2 import paths

    snap = paths.snapshot_dir()
    runs = {mode: [_run(mode, snap) for _ in range(3)] for mode in ("read_csv", "build")}
    med = {m: sorted(r, key=lambda x: x["seconds"])[1] for m, r in runs.items()}
    print(f"{'task':<22}{'median s':>10}{'peak MB':>10}")
    for m, r in med.items():
        print(f"{m:<22}{r['seconds']:>10.1f}{r['peak_mb']:>10.0f}")
    print(f"build / bare read_csv: {med['build']['seconds'] / med['read_csv']['seconds']:.2f}x")


if __name__ == "__main__":
    main(sys.argv[1:])
