"""The ``brief`` command: a country brief in HTML, Markdown or PDF, or its figures as data."""

from __future__ import annotations

import os
import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from article2.cli._app import (
    Format,
    app,
    console,
    emit,
    err_console,
    fail,
    in_range,
    output_folder,
    writing,
)

__all__ = ["brief"]


class BriefFormat(StrEnum):
    html = "html"
    pdf = "pdf"
    md = "md"
    json = "json"
    csv = "csv"
    table = "table"


def _one(args: tuple[str, int | None, str, str]) -> dict:
    from article2 import briefs

    iso3, year, fmt, out = args
    started = time.perf_counter()
    try:
        data = briefs.brief(iso3, year=year)
        path = briefs.write_brief(data, Path(out), fmt)
        return {
            "iso3": iso3,
            "year": data.year,
            "path": str(path),
            "thin": data.thin,
            "missing": len(data.missing),
            "seconds": round(time.perf_counter() - started, 2),
            "error": "",
        }
    except Exception as exc:  # reported per country; --all must run to the end
        return {
            "iso3": iso3,
            "year": year,
            "path": "",
            "thin": None,
            "missing": None,
            "seconds": round(time.perf_counter() - started, 2),
            "error": repr(exc),
        }


@app.command()
def brief(
    country: Annotated[str | None, typer.Argument(help="ISO3 code, e.g. VNM.")] = None,
    year: Annotated[
        int | None, typer.Option(help="Reference year (default: latest with trade data).")
    ] = None,
    fmt: Annotated[
        BriefFormat,
        typer.Option(
            "--format",
            "-f",
            help="html, pdf or md writes the brief; json, csv or table prints its figures.",
        ),
    ] = BriefFormat.html,
    out: Annotated[
        Path | None, typer.Option(help="Output folder (default: <data home>/outputs/briefs).")
    ] = None,
    all_: Annotated[
        bool, typer.Option("--all", help="A brief for every country in the warehouse.")
    ] = False,
    jobs: Annotated[
        int,
        typer.Option(
            callback=in_range(0, 64), help="Processes for --all, 1 to 64 (0: number of CPUs)."
        ),
    ] = 0,
) -> None:
    """A country brief (HTML, Markdown or PDF) with charts, generated findings and sources.

    Example: article2 brief VNM --format pdf --out briefs/
    """
    import pandas as pd

    from article2 import briefs, paths
    from article2.errors import WarehouseMissingError

    folder = out or paths.outputs_dir() / "briefs"
    if all_ == (country is not None):
        raise fail("give either a country (e.g. VNM) or --all")
    writes = fmt.value in ("html", "md", "pdf")
    if writes:
        output_folder(folder, "--out" if out is not None else "output folder")
    try:
        if country is not None:
            if fmt.value in ("json", "csv", "table"):
                data = briefs.brief(country, year=year)
                emit(briefs.brief_figures(data), Format(fmt.value), title=f"{data.name} {data.year}")
                return
            data = briefs.brief(country, year=year)
            with writing(folder, "--out" if out is not None else "output folder"):
                path = briefs.write_brief(data, folder, fmt.value)
            console.print(f"brief: {path}", highlight=False)
            return
        if fmt.value not in ("html", "md", "pdf"):
            raise fail("--all writes files: use --format html, md or pdf")
        countries = briefs.brief_countries()
    except WarehouseMissingError as exc:
        raise fail(str(exc)) from exc
    except ValueError as exc:
        raise fail(str(exc)) from exc
    started = time.perf_counter()
    jobs = jobs or os.cpu_count() or 1
    work = [(c, year, fmt.value, str(folder)) for c in countries]
    if jobs > 1:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # spawn, not fork: a forked child would inherit DuckDB connections and their threads
        with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
            rows = list(pool.map(_one, work, chunksize=4))
    else:
        rows = [_one(w) for w in work]
    seconds = time.perf_counter() - started
    frame = pd.DataFrame(rows)
    failed = frame[frame["error"] != ""]
    err_console.print(
        f"{len(frame) - len(failed)} of {len(frame)} briefs written to {folder} in "
        f"{seconds:.1f} s ({int(frame['thin'].fillna(False).sum())} short briefs for thin data, "
        f"{len(failed)} failed, {jobs} processes)",
        highlight=False,
    )
    if len(failed):
        emit(failed[["iso3", "error"]], Format.table, title="Failed")
        raise typer.Exit(1)
