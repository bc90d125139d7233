"""Commands over the warehouse itself: build, sources, countries, and the main job ``run``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from article2.cli._app import Format, WideOpt, app, console, emit, exclusive, fail, writing

SnapshotOpt = Annotated[
    Path | None,
    typer.Option(
        "--snapshot",
        help="Snapshot folder with MANIFEST.json "
        "(default: $ARTICLE2_SNAPSHOT, else ../shared/data).",
    ),
]
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]

#: the columns of each table at the default width (--wide: all)
SOURCE_COLUMNS = ("source_id", "license", "vintage", "rows_loaded", "rows_rejected", "year_min",
                  "year_max", "sha256")  # fmt: skip
COUNTRY_COLUMNS = ("iso3", "name", "kind", "cow_code", "gw_code", "wb_code", "un_region")


@app.command()
def build(snapshot: SnapshotOpt = None) -> None:
    """Build the warehouse from a snapshot folder (atomic: a failed build changes nothing).

    Example: article2 build --snapshot ../shared/data
    """
    from article2.cli._build import _build, _print_report

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
    wide: WideOpt = False,
) -> None:
    """The provenance table: every raw file, its origin, licence, SHA-256 and rows loaded.

    Example: article2 sources --format json
    """
    exclusive(unmapped=unmapped, quarantine=quarantine, fetched=fetched)
    from article2 import api
    from article2.errors import WarehouseMissingError

    if fetched:
        emit(api.fetch_status(), fmt, title="Fetched sources", wide=wide)
        return
    columns = None
    try:
        if unmapped:
            frame = api.unmapped()
        elif quarantine:
            frame = api.quarantine()
        else:
            frame = api.sources()
            if fmt is Format.table:
                frame = frame.assign(
                    sha256=lambda x: x["sha256"].str.slice(0, 12),
                    vintage=lambda x: x["vintage"].str.slice(0, 12),
                )
                columns = SOURCE_COLUMNS
    except WarehouseMissingError as exc:
        raise fail(str(exc)) from exc
    emit(frame, fmt, title="Sources", columns=columns, wide=wide)


@app.command()
def countries(
    query: Annotated[str | None, typer.Argument(help="Search text: a name or any code.")] = None,
    fmt: FormatOpt = Format.table,
    wide: WideOpt = False,
) -> None:
    """The country identity table (ISO3 and every other code system), searchable.

    Example: article2 countries viet
    """
    from article2 import api

    frame = api.countries(query)
    if frame.empty:
        raise fail(f"no country matches {query!r}; search by a name or any code, e.g. viet, VNM, 816")
    emit(frame, fmt, title="Countries", columns=COUNTRY_COLUMNS, wide=wide)


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
    from article2 import api, paths
    from article2.cli._build import _build, _print_report

    if rebuild or not paths.warehouse_path().is_file():
        _print_report(_build(snapshot))
    out = paths.outputs_dir()
    from article2 import briefs

    with writing(out, "outputs folder"):
        written = api.write_outputs(out)
        written += briefs.write_case_briefs(out / "briefs")
    console.print(f"warehouse: {paths.warehouse_path()}")
    console.print(f"outputs:   {out}")
    for p in written:
        console.print(f"  {p.relative_to(out)}")
    if serve:
        from article2.cli.web import serve as _serve

        _serve(host="127.0.0.1", port=port)
