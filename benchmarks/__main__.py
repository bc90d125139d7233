"""Run the benchmarks: ``python -m benchmarks [name ...] [-- args for them]``."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    names = sorted(
        m.name
        for m in pkgutil.iter_modules([str(Path(__file__).parent)])
        if m.name.startswith("bench_")
    )
    wanted = [a for a in argv if not a.startswith("-")]
    rest = [a for a in argv if a.startswith("-")]
    for name in names:
        short = name.removeprefix("bench_")
        if wanted and short not in wanted and name not in wanted:
            continue
        print(f"== {name}")
        importlib.import_module(f"benchmarks.{name}").main(rest)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
