"""Commands of the trade architecture and the recommendations tracker."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from article2 import api
from article2.cli._app import (
    Format,
    app,
    console,
    emit,
    exclusive,
    fail,
    known_country,
    output_file,
    writing,
)
from article2.errors import WarehouseMissingError

FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
AtOpt = Annotated[str | None, typer.Option("--at", help="Date YYYY-MM-DD (default: today).")]


@app.command("agreements")
def agreements_cmd(
    between: Annotated[
        tuple[str, str] | None, typer.Option("--between", help="Two ISO3 codes.")
    ] = None,
    member: Annotated[str | None, typer.Option("--member", help="One ISO3 code.")] = None,
    at: AtOpt = None,
    source: Annotated[str | None, typer.Option("--source", help="curated or desta.")] = None,
    report: Annotated[
        str | None,
        typer.Option("--report", help="Instead: 'conflicts', 'cleaning' or 'gaps'."),
    ] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Trade agreements in force at a date: the curated registry and the DESTA agreements no
    curated record covers (curated dates win, as on the map; DESTA records the curated rulings
    say are no free trade agreement show rta False).

    Example: article2 agreements --between USA KOR --at 2019-01-01
    """
    exclusive(between=between, member=member, report=report)
    if between is not None:
        between = (known_country(between[0], "--between"), known_country(between[1], "--between"))
    if member is not None:
        member = known_country(member, "--member")
    try:
        if report:
            frames = {"conflicts": api.agreement_conflicts, "cleaning": api.desta_cleaning,
                      "gaps": api.agreement_gaps}  # fmt: skip
            if report not in frames:
                raise ValueError(f"unknown report {report!r}; allowed: {', '.join(frames)}")
            emit(frames[report](), fmt, title=f"agreements: {report}")
            return
        frame = api.agreements(between=between, member=member, at=at, source=source)
    except (ValueError, WarehouseMissingError) as exc:
        raise fail(str(exc)) from exc
    emit(frame, fmt, title="Agreements in force")


@app.command("architecture")
def architecture_cmd(
    actor: Annotated[str, typer.Option("--actor", help="USA, JPN, CHN or EU.")] = "USA",
    at: AtOpt = None,
    map_path: Annotated[
        Path | None, typer.Option("--map", help="Also render the map to this .svg or .png file.")
    ] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """The report's map: each country has an agreement in force with the actor, is a WTO
    member without one, or neither.

    Example: article2 architecture --actor USA --at 2019-01-01 --map us-2019.png
    """
    if map_path:
        output_file(map_path, "--map", (".svg", ".png"))
    try:
        frame = api.architecture(actor, at)
        if map_path:
            with writing(map_path, "--map"):
                api.architecture_map(actor, at, map_path)
    except ValueError as exc:
        raise fail(str(exc)) from exc
    emit(frame, fmt, title=f"Trade architecture for {actor}")
    if map_path and fmt is Format.table:
        console.print(f"map written to {map_path}", highlight=False)


@app.command("recs")
def recs_cmd(
    country: Annotated[str | None, typer.Option("--country", help="ISO3 code.")] = None,
    actor: Annotated[str | None, typer.Option("--actor", help="us, japan or joint.")] = None,
    status: Annotated[
        str | None,
        typer.Option("--status", help="proposed, in_progress, achieved, stalled or reversed."),
    ] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """The report's recommendations with their latest status.

    Example: article2 recs --country VNM --actor joint
    """
    if country is not None:
        country = known_country(country, "--country")
    try:
        frame = api.recs(country=country, actor=actor, status=status)
    except ValueError as exc:
        raise fail(str(exc)) from exc
    emit(frame, fmt, title="Recommendations")
