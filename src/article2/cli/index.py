"""Commands of the composite index and case-study selection: index, rank, index-config."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from article2.cli._app import (
    Format,
    WideOpt,
    app,
    choice,
    console,
    draws_option,
    emit,
    err_console,
    fail,
    in_range,
    in_years,
    known_country,
    output_file,
    writing,
)

__all__ = ["index_command", "index_config_command", "rank_command"]

ConfigOpt = Annotated[
    Path | None, typer.Option("--config", help="Spec file (TOML); default: the packaged one.")
]
FormatOpt = Annotated[Format, typer.Option("--format", help="table, json or csv.")]
#: the actors of the index (:data:`article2.measures.members.ACTORS`; a test checks)
INDEX_ACTORS = ("USA", "JPN", "CHN", "EU", "USA+JPN")
SeedOpt = Annotated[int, typer.Option(callback=in_range(0), help="Seed of the draws (>= 0).")]


def _notes(frame) -> None:
    for note in frame.attrs.get("notes", []):
        err_console.print(f"[dim]note:[/] {note}", highlight=False)


@app.command("index")
def index_command(
    actor: Annotated[str, typer.Option(help="USA, JPN, CHN, EU or USA+JPN.")] = "USA+JPN",
    year: Annotated[int | None, typer.Option(callback=in_years, help="Index year (default: latest with COW trade, 2014).")] = None,
    config: ConfigOpt = None,
    draws: Annotated[int, draws_option("Monte Carlo draws for the rank bands:")] = 1000,
    seed: SeedOpt = 0,
    fmt: FormatOpt = Format.table,
    wide: WideOpt = False,
) -> None:
    """Composite presence index of an actor in every country, with rank bands.

    Example: article2 index --actor JPN --year 2014 --format csv
    """
    choice(actor.upper(), INDEX_ACTORS, "--actor")
    actor = actor.upper()
    from article2 import api
    from article2.index.config import ConfigError

    try:
        frame = api.presence_index(actor, year, config, draws=draws, seed=seed)
    except (ConfigError, ValueError) as exc:
        raise fail(str(exc)) from exc
    _notes(frame)
    if fmt is Format.table:
        frame = frame.round(2)
    emit(frame, fmt, title=f"Presence index of {actor}", wide=wide)


@app.command("rank")
def rank_command(
    iso3: Annotated[str | None, typer.Argument(help="One candidate: its contributions.")] = None,
    region: Annotated[str | None, typer.Option(help="Candidate group, e.g. ASEAN (default: the config's, INDO_PACIFIC).")] = None,
    config: ConfigOpt = None,
    draws: Annotated[int, draws_option("Monte Carlo draws:")] = 1000,
    seed: SeedOpt = 0,
    year: Annotated[int | None, typer.Option(callback=in_years, help="Trade year of the exposure criteria (default 2014).")] = None,
    chart: Annotated[Path | None, typer.Option(help="Also write the rank chart (.svg or .png).")] = None,
    fmt: FormatOpt = Format.table,
    wide: WideOpt = False,
) -> None:
    """Rank case-study candidates with 5th-95th percentile rank bands.

    Example: article2 rank --draws 1000 --seed 0 --chart ranks.svg
    """
    from article2 import api
    from article2.index.config import ConfigError

    if iso3 is not None:
        iso3 = known_country(iso3, "ISO3")
    if chart is not None:
        output_file(chart, "--chart", (".svg", ".png"))
    try:
        frame = api.rank(iso3, region=region, config=config, draws=draws, seed=seed, year=year)
    except (ConfigError, ValueError) as exc:
        raise fail(str(exc)) from exc
    _notes(frame)
    if chart is not None:
        whole = frame if iso3 is None else api.rank(region=region, config=config, draws=draws,
                                                   seed=seed, year=year)  # fmt: skip
        with writing(chart, "--chart"):
            api.rank_chart(whole).save(str(chart))
        err_console.print(f"chart: {chart}", highlight=False)
    if fmt is Format.table:
        frame = frame.round(2)
    emit(frame, fmt, title="Case-study candidates" if iso3 is None else f"Rank of {iso3}",
         wide=wide)


@app.command("index-config")
def index_config_command(
    out: Annotated[Path, typer.Option("--out", help="Where to write the spec.")],
    kind: Annotated[str, typer.Option(help="index or selection.")] = "index",
    fmt: FormatOpt = Format.table,
) -> None:
    """Write a default spec (index or selection) to copy and edit.

    Example: article2 index-config --kind selection --out my_selection.toml
    """
    import pandas as pd

    from article2.index.config import default_path

    try:
        src = default_path(kind)  # type: ignore[arg-type]
    except ValueError as exc:
        raise fail(str(exc)) from exc
    output_file(out, "--out")
    with writing(out, "--out"):
        out.write_text(src.read_text())
    if fmt is Format.table:
        console.print(f"wrote {out} (edit it, then pass --config {out})", highlight=False)
    else:
        emit(pd.DataFrame([{"kind": kind, "path": str(out)}]), fmt)
