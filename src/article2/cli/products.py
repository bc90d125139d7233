"""Commands over product-level trade: load-baci, generate-baci, dependencies."""

from __future__ import annotations

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
    in_years,
    known_countries_or_groups,
    known_country,
    output_folder,
    parse_years,
    writing,
)

#: the most rows per year ``--rows`` allows: :data:`article2.synthetic.baci.MAX_ROWS_PER_YEAR`
#: (not imported: it loads numpy and pyarrow; a test checks they agree)
MAX_ROWS_PER_YEAR = 20_000_000

FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]


@app.command("load-baci")
def load_baci(
    path: Annotated[Path, typer.Argument(help="Folder of CEPII BACI files (real or generated).")],
    fmt: FormatOpt = Format.table,
) -> None:
    """Validate a folder of BACI files and load it as the product-level data (atomic).

    Example: article2 load-baci ~/data/BACI_HS17_V202401
    """
    from article2 import api
    from article2.errors import SourceError

    try:
        loaded = api.load_baci(path)
    except (SourceError, FileNotFoundError) as exc:
        raise fail(f"{exc}\nthe previous product-level data (if any) is unchanged") from exc
    import pandas as pd

    o = loaded.origin
    frame = pd.DataFrame(
        [{"file": f["file"], "rows": f["rows"], "sha256": f["sha256"]} for f in o["files"]]
    )
    if loaded.synthetic:
        err_console.print("[bold yellow]SYNTHETIC data loaded: not real trade flows[/]")
    emit(frame, fmt, title=f"Loaded {o['source_id']} into {loaded.path}")


@app.command("generate-baci")
def generate_baci(
    years: Annotated[str, typer.Option("--years", help="Years, e.g. 2020-2022 or 2020,2022.")],
    out: Annotated[Path, typer.Option("--out", help="Folder to write the files into.")],
    seed: Annotated[
        int, typer.Option("--seed", callback=in_range(0), help="Random seed (>= 0).")
    ] = 0,
    rows: Annotated[
        int,
        typer.Option(
            "--rows", callback=in_range(10, MAX_ROWS_PER_YEAR),
            help=f"Rows per year, 10 to {MAX_ROWS_PER_YEAR:,}.",
        ),
    ] = 10_000_000,
) -> None:
    """Write SYNTHETIC BACI-shaped files (not real data) for tests and benchmarks.

    Example: article2 generate-baci --years 2020-2022 --out /tmp/baci-synthetic --seed 1
    """
    chosen = parse_years(years)
    output_folder(out, "--out")
    from article2 import api

    try:
        with writing(out, "--out"):
            g = api.generate_baci(out, years=chosen, seed=seed, rows_per_year=rows)
    except ValueError as exc:
        raise fail(str(exc)) from exc
    for path, n in zip(g.trade_files, g.rows, strict=True):
        console.print(f"{path}  {n:,} rows", highlight=False)
    console.print(f"SYNTHETIC files in {g.folder} (see SYNTHETIC.txt)", highlight=False)


@app.command()
def dependencies(
    country: Annotated[str, typer.Argument(help="ISO3 code of the importer, e.g. VNM.")],
    year: Annotated[int | None, typer.Option("--year", callback=in_years,
                                             help="Year (default: latest).")] = None,  # fmt: skip
    allies: Annotated[
        str | None,
        typer.Option("--allies", help="Comma-separated ISO3 codes or groups (EU, G7, ...)."),
    ] = None,
    all_dependent: Annotated[
        bool, typer.Option("--all", help="List every dependent product, not only chokepoints.")
    ] = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """A country's product-level dependence: GeoDep-dependent products and chokepoints.

    Example: article2 dependencies VNM --year 2022 --allies USA,JPN,EU,KOR --format json
    """
    country = known_country(country, "COUNTRY")
    options = {}
    if allies is not None:
        options["allies"] = known_countries_or_groups(allies, "--allies")
    from article2 import api
    from article2.sources.baci import NoProductDataError

    try:
        # generated data is shown here, flagged SYNTHETIC; briefs and the dashboard refuse it
        report = api.dependencies(country, year=year, allow_synthetic=True, **options)
    except NoProductDataError as exc:
        raise fail(str(exc)) from exc
    except ValueError as exc:
        raise fail(str(exc)) from exc
    rows = report.dependent if all_dependent else report.chokepoints
    if report.synthetic:
        err_console.print("[bold yellow]SYNTHETIC data: not real trade flows[/]")
    if report.origin.get("extract"):
        err_console.print(
            f"[bold yellow]extract of BACI ({report.origin['extract']}): only the exporters it "
            "holds; world totals and shares cover them alone[/]"
        )
    if fmt is Format.table:
        s = report.summary.iloc[0] if len(report.summary) else None
        if s is not None:
            console.print(
                f"{report.country} {report.year}: {s['dependent']} dependent products "
                f"({s['dependent_value']:,.0f} thousand USD), {s['chokepoints']} chokepoints "
                f"({s['chokepoint_value']:,.0f} thousand USD)",
                highlight=False,
            )
        rows = rows[
            ["product", "chapter_name", "imports", "top_supplier", "top_share", "china_share",
             "import_hhi", "export_hhi", "allied_share", "geodep"]
        ].round(3)  # fmt: skip
    emit(rows, fmt, title=f"{'Dependent products' if all_dependent else 'Chokepoints'}")
