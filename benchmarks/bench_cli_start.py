"""Start-up time of the ``article2`` command against a bare Python start.

``python -m benchmarks cli_start`` runs ``python -c pass``, ``article2 --help`` and every
command's ``--help`` a few times each, interleaved (the machine's load affects both alike), and
reports the median times and their ratio to the bare start. The target is a ratio of at most
:data:`TARGET` (``tests/test_cli_start.py`` checks it).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

#: the most a command's ``--help`` may take, in bare Python starts
TARGET = 10.0

_SRC = str(Path(__file__).resolve().parents[1] / "src")
_MAIN = "import sys; sys.argv[0] = 'article2'; from article2.cli import main; main()"


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (_SRC, env.get("PYTHONPATH", "")) if p)
    return env


def _once(args: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(args, env=env, capture_output=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed: {done.stderr.decode()[-500:]}")
    return seconds


def measure(commands: list[list[str]], runs: int = 5) -> tuple[float, dict[str, float]]:
    """Median seconds of a bare ``python -c pass`` and of ``article2 COMMAND --help`` for each
    of ``commands`` (``[]``: the root help), runs interleaved."""
    env = _env()
    bare: list[float] = []
    times: dict[str, list[float]] = {" ".join(c) or "--help": [] for c in commands}
    for _ in range(runs):
        bare.append(_once([sys.executable, "-c", "pass"], env))
        for c in commands:
            times[" ".join(c) or "--help"].append(
                _once([sys.executable, "-c", _MAIN, *c, "--help"], env)
            )
    return statistics.median(bare), {k: statistics.median(v) for k, v in times.items()}


def all_commands() -> list[list[str]]:
    """The root help and every command (``scenario``'s subcommands too)."""
    from article2.cli import COMMANDS

    return [[], *([c] for c in COMMANDS if c != "scenario"), ["scenario"], ["scenario", "run"],
            ["scenario", "show"]]


def main(argv: list[str]) -> None:
    runs = 5
    for a in argv:
        if a.startswith("--runs="):
            runs = int(a.split("=", 1)[1])
    bare, times = measure(all_commands(), runs)
    print(f"python -c pass: {bare * 1000:.0f} ms (median of {runs})")
    worst = 0.0
    for name, t in times.items():
        ratio = t / bare
        worst = max(worst, ratio)
        print(f"article2 {name:<16} {t * 1000:6.0f} ms  {ratio:5.1f}x a bare start")
    print(f"worst ratio {worst:.1f} (target <= {TARGET:.0f})")


if __name__ == "__main__":
    main(sys.argv[1:])
