"""Briefs for every country: wall time of ``article2 brief --all`` in HTML (with charts) against
Markdown (same numbers and sentences, no charts) in the same run, so the ratio shows what the
charts cost. Uses the warehouse of the data home (build it first with ``article2 build``).
Timings depend on the machine's load; report them with it."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _run(fmt: str) -> float:
    with tempfile.TemporaryDirectory() as out:
        t = time.perf_counter()
        subprocess.run(
            [str(Path(sys.executable).parent / "article2"), "brief", "--all", "--format", fmt,
             "--out", out],
            check=True, capture_output=True, text=True,
        )
        return time.perf_counter() - t


def main(argv: list[str]) -> None:
    from article2 import api

    n = len(api.brief_countries())
    times = {fmt: _run(fmt) for fmt in ("md", "html")}
    load = os.getloadavg()[0]
    print(f"{n} countries, {os.cpu_count()} CPUs, load average {load:.1f}")
    print(f"{'format':<8}{'seconds':>10}{'per brief':>12}")
    for fmt, s in times.items():
        print(f"{fmt:<8}{s:>10.1f}{s / n:>12.3f}")
    print(f"html / md: {times['html'] / times['md']:.2f}x")


if __name__ == "__main__":
    main(sys.argv[1:])
