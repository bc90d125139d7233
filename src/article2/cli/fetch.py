"""``article2 fetch``: bring the official sources up to date."""

from __future__ import annotations

import inspect
from typing import Annotated

import typer

from article2.cli._app import Format, app, emit, fail, parse_years, progress_console

#: the online sources, in :data:`article2.sources.fetched.FETCHERS`'s order (not imported
#: here: it loads the download layer; a test checks the two agree)
SOURCES = ("imf_imts", "wdi", "imf_weo", "oecd_dac2a", "imf_dip", "baci", "comtrade", "aiddata",
           "desta")  # fmt: skip


def _fetch_one(source: str, vintage: str | None, bar, **options) -> list:
    from article2 import api
    from article2.sources import fetched

    task = bar.add_task(f"fetching {source}", total=None)
    if "progress" in inspect.signature(fetched.module(source).fetch).parameters:

        def progress(name: str, done: int, total: int | None) -> None:
            bar.update(task, description=f"{source}: {name}", completed=done, total=total)

        options["progress"] = progress
    try:
        return api.fetch(source, vintage=vintage, **options)
    finally:
        bar.update(task, visible=False)


def _scope(source: str | None, reporters: str | None, years: str | None) -> dict:
    """``--reporters`` and ``--years`` as fetcher options, for the sources that take them."""
    from article2.sources import fetched

    options = {}
    if reporters is not None:
        try:
            options["reporters"] = [int(r) for r in reporters.split(",")]
        except ValueError as exc:
            raise fail(f"--reporters {reporters!r}: give numeric codes, e.g. 704,699") from exc
    if years is not None:
        options["years"] = parse_years(years)
    if options:
        takes = source is not None and all(
            name in inspect.signature(fetched.module(source).fetch).parameters for name in options
        )
        if not takes:
            given = " and ".join(f"--{name}" for name in options)
            where = source or "--all"
            raise fail(f"{given}: only for a source that takes them (comtrade), not {where}")
    return options


@app.command()
def fetch(
    source: Annotated[
        str | None,
        typer.Argument(help=f"Source to fetch: {', '.join(SOURCES)}."),
    ] = None,
    all_: Annotated[bool, typer.Option("--all", help="Fetch every source.")] = False,
    vintage: Annotated[
        str | None,
        typer.Option(help="Vintage folder name / release to pin (default: the source's latest)."),
    ] = None,
    reporters: Annotated[
        str | None,
        typer.Option(
            help="comtrade only: reporter codes (Comtrade's numeric codes), e.g. 704,699."
        ),
    ] = None,
    years: Annotated[
        str | None,
        typer.Option(help="comtrade only: years, e.g. 2019-2021 or 2016,2020."),
    ] = None,
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help="Ask each service (or SOURCE) for its smallest answer and check its shape; "
            "downloads nothing into the data home.",
        ),
    ] = False,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
) -> None:
    """Download current data from an official source into the data home (atomic per vintage).

    Then `article2 build` loads it; `article2 sources --fetched` shows vintages and staleness.
    `--check` only asks each service for one small answer and reports, per source, whether it
    was reachable, whether the answer has the shape the reader expects, and what differs.

    Example: article2 fetch wdi; article2 fetch comtrade --reporters 704,699 --years 2019-2021;
    article2 fetch --check; article2 fetch --check imf_imts
    """
    if check:
        _check(source, fmt)
        return
    if all_ == (source is not None):
        raise fail(f"give one SOURCE or --all; sources: {', '.join(SOURCES)}")
    if source is not None and source not in SOURCES:
        raise fail(f"unknown source {source!r}; allowed: {', '.join(SOURCES)}")
    if all_ and vintage:
        raise fail("--vintage applies to one source, not to --all")
    options = _scope(source, reporters, years)
    import pandas as pd
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn

    from article2.errors import SourceError
    from article2.provenance import sha256_file
    from article2.sources import download as dl

    names = list(SOURCES) if all_ or source is None else [source]
    rows, errors = [], []
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TimeElapsedColumn(),
        console=progress_console(),
        transient=True,
    ) as bar:
        for name in names:
            try:
                files = _fetch_one(name, vintage, bar, **options)
            except (dl.FetchError, SourceError, ValueError, OSError) as exc:
                errors.append(f"{name}: {exc}")
                continue
            for path in files:
                rows.append(
                    {
                        "source": name,
                        "vintage": path.parent.name,
                        "file": path.name,
                        "bytes": path.stat().st_size,
                        "sha256": sha256_file(path)[: 12 if fmt is Format.table else 64],
                    }
                )
    if rows or not errors:
        emit(
            pd.DataFrame(rows, columns=["source", "vintage", "file", "bytes", "sha256"]),
            fmt,
            title="Fetched",
        )
    if errors:
        raise fail("\n".join(errors) + "\nthe data home keeps its previous vintages")


def _check(source: str | None, fmt: Format) -> None:
    if source is not None and source not in SOURCES:
        raise fail(f"unknown source {source!r}; allowed: {', '.join(SOURCES)}")
    import pandas as pd

    from article2.sources import shape

    results = shape.check([source] if source else None)
    emit(
        pd.DataFrame(
            [r.row() for r in results],
            columns=["source", "reachable", "shape", "differences", "url"],
        ),
        fmt,
        title="Services",
    )
    bad = [r.source for r in results if r.reachable is False or not r.as_expected]
    if bad:
        raise fail(f"not reachable or not as expected: {', '.join(bad)}")
