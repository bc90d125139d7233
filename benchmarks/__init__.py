"""Benchmarks: `./task bench [NAME]` runs every `bench_*.py` here (or the one named).

Each benchmark module has a `main(argv)` that prints a table of timings, reported as ratios
against a peer implementation run in the same process or script.
"""
