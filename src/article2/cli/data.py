"""Commands over the warehouse itself: build, sources, countries, and the main job ``run``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from article2 import api, paths
from article2.cli._app import Format, app, console, emit, err_console, exclusive, fail, writing
from article2.errors import SourceError, WarehouseMissingError

SnapshotOpt = Annotated[
    Path | None,
    typer.Option(
        "--snapshot",
        help="Snapshot folder with MANIFEST.json "
        "(default: $ARTICLE2_SNAPSHOT, else ../shared/data).",
    ),
]
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]


def _build(snapshot: Path | None) -> api.BuildReport:
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    ) as bar:
        task = bar.add_task("building warehouse", total=None)

        def progress(source_id: str, i: int, n: int) -> None:
            bar.update(task, description=f"reading {source_id}", completed=i, total=n)

        try:
            return api.build(snapshot, progress=progress)
        except (SourceError, paths.SnapshotNotFoundError, ValueError) as exc:
            raise fail(f"{exc}\nthe previous warehouse (if any) is unchanged") from exc
        except OSError as exc:
            where = exc.filename or paths.warehouse_path()
            hint = ""
            if str(where).startswith(str(paths.data_home())):
                hint = (f"; the data home {paths.data_home()} must be writable (set ARTICLE2_HOME "
                        "to choose another)")  # fmt: skip
            raise fail(
                f"{where}: {exc.strerror or exc}{hint}\nthe previous warehouse (if any) is unchanged"
            ) from exc


def _print_report(report: api.BuildReport) -> None:
    table = Table(title=f"Build from {report.snapshot}")
    for col in ("source", "rows read", "loaded", "rejected", "years", "countries"):
        table.add_column(col, overflow="fold")
    for s in report.sources:
        years = f"{s.year_min}-{s.year_max}" if s.year_min is not None else ""
        table.add_row(
            s.source_id,
            f"{s.rows_read:,}",
            f"{s.rows_loaded:,}",
            f"{s.rows_rejected:,}",
            years,
            str(s.n_countries or "") if s.status == "loaded" else s.status,
        )
    console.print(table)
    for s in report.sources:
        for reason, n in s.reasons.items():
            console.print(f"  rejected {n:>6,} rows of {s.source_id}: {reason}", highlight=False)
    n_codes = sum(len(s.unmapped) for s in report.sources)
    if n_codes:
        console.print(
            f"{n_codes} codes in the sources are not countries (aggregates or unmapped); "
            "list them with `article2 sources --unmapped`",
            highlight=False,
        )
    console.print(
        f"warehouse: {report.warehouse} (built in {report.seconds:.1f} s)", highlight=False
    )


@app.command()
def build(snapshot: SnapshotOpt = None) -> None:
    """Build the warehouse from a snapshot folder (atomic: a failed build changes nothing).

    Example: article2 build --snapshot ../shared/data
    """
    _print_report(_build(snapshot))


@app.command()
def sources(
    fmt: FormatOpt = Format.table,
    unmapped: Annotated[
        bool, typer.Option("--unmapped", help="List codes that are not countries.")
    ] = False,
    quarantine: Annotated[
        bool, typer.Option("--quarantine", help="List rejected rows with reasons.")
    ] = False,
    fetched: Annotated[
        bool,
        typer.Option(
            "--fetched", help="Online sources: vintage in use, when fetched, what is stale."
        ),
    ] = False,
) -> None:
    """The provenance table: every raw file, its origin, licence, SHA-256 and rows loaded.

    Example: article2 sources --format json
    """
    exclusive(unmapped=unmapped, quarantine=quarantine, fetched=fetched)
    if fetched:
        emit(api.fetch_status(), fmt, title="Fetched sources")
        return
    try:
        if unmapped:
            frame = api.unmapped()
        elif quarantine:
            frame = api.quarantine()
        else:
            frame = api.sources()
            if fmt is Format.table:
                frame = frame[
                    [
                        "source_id",
                        "license",
                        "vintage",
                        "retrieved",
                        "rows_read",
                        "rows_loaded",
                        "rows_rejected",
                        "year_min",
                        "year_max",
                        "sha256",
                    ]
                ].assign(
                    sha256=lambda x: x["sha256"].str.slice(0, 12),
                    vintage=lambda x: x["vintage"].str.slice(0, 12),
                )
    except WarehouseMissingError as exc:
        raise fail(str(exc)) from exc
    emit(frame, fmt, title="Sources")


@app.command()
def countries(
    query: Annotated[str | None, typer.Argument(help="Search text: a name or any code.")] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """The country identity table (ISO3 and every other code system), searchable.

    Example: article2 countries viet
    """
    frame = api.countries(query)
    if fmt is Format.table:
        frame = frame[
            [
                "iso3",
                "name",
                "kind",
                "cow_code",
                "cow_abb",
                "gw_code",
                "gapminder",
                "wb_code",
                "un_region",
            ]
        ]
    emit(frame, fmt, title="Countries")


@app.command()
def run(
    snapshot: SnapshotOpt = None,
    rebuild: Annotated[bool, typer.Option(help="Rebuild even if a warehouse exists.")] = False,
    serve: Annotated[
        bool, typer.Option(help="Then start the dashboard (needs the web extra); Ctrl-C stops it.")
    ] = False,
    port: Annotated[int, typer.Option(help="Dashboard port when --serve.")] = 8000,
) -> None:
    """The main job: build the warehouse if there is none, then write every output.

    Example: article2 run --serve
    """
    if rebuild or not paths.warehouse_path().is_file():
        _print_report(_build(snapshot))
    out = paths.outputs_dir()
    with writing(out, "outputs folder"):
        written = api.write_outputs(out)
    console.print(f"warehouse: {paths.warehouse_path()}")
    console.print(f"outputs:   {out}")
    for p in written:
        console.print(f"  {p.relative_to(out)}")
    if serve:
        from article2.cli.web import serve as _serve

        _serve(host="127.0.0.1", port=port)
