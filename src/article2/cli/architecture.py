"""Commands of the trade architecture and the recommendations tracker."""

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
    emit,
    exclusive,
    fail,
    known_country,
    output_file,
    parse_date,
    writing,
)

FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
AtOpt = Annotated[str | None, typer.Option("--at", help="Date YYYY-MM-DD (default: today).")]

#: the values of the options, as the API allows them (tests check they agree)
SOURCES = ("curated", "desta")
REPORTS = ("conflicts", "cleaning", "gaps")
ACTORS = ("USA", "JPN", "CHN", "EU")
REC_ACTORS = ("us", "japan", "joint")
REC_STATUSES = ("proposed", "in_progress", "achieved", "stalled", "reversed")

#: the columns of each table at the default width (--wide: all)
REC_COLUMNS = ("id", "actor", "countries", "status", "paraphrase")
AGREEMENT_COLUMNS = ("agreement_id", "source", "title", "kind", "rta", "force")


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
    wide: WideOpt = False,
) -> None:
    """Trade agreements in force at a date: the curated registry and the DESTA agreements no
    curated record covers (curated dates win, as on the map; DESTA records the curated rulings
    say are no free trade agreement show rta False).

    Example: article2 agreements --between USA KOR --at 2019-01-01
    """
    exclusive(between=between, member=member, report=report)
    if report is not None and (at is not None or source is not None):
        raise fail("--report lists every agreement: it takes neither --at nor --source")
    choice(report, REPORTS, "--report")
    choice(source, SOURCES, "--source")
    at = parse_date(at, "--at")
    if between is not None:
        between = (known_country(between[0], "--between"), known_country(between[1], "--between"))
    if member is not None:
        member = known_country(member, "--member")
    from article2 import api
    from article2.errors import WarehouseMissingError

    try:
        if report:
            frames = {"conflicts": api.agreement_conflicts, "cleaning": api.desta_cleaning,
                      "gaps": api.agreement_gaps}  # fmt: skip
            emit(frames[report](), fmt, title=f"agreements: {report}", wide=wide)
            return
        frame = api.agreements(between=between, member=member, at=at, source=source)
    except (ValueError, WarehouseMissingError) as exc:
        raise fail(str(exc)) from exc
    emit(frame, fmt, title=f"Agreements in force {'on ' + at if at else 'today'}",
         columns=AGREEMENT_COLUMNS, wide=wide)  # fmt: skip


@app.command("architecture")
def architecture_cmd(
    actor: Annotated[str, typer.Option("--actor", help="USA, JPN, CHN or EU.")] = "USA",
    at: AtOpt = None,
    map_path: Annotated[
        Path | None, typer.Option("--map", help="Also render the map to this .svg or .png file.")
    ] = None,
    fmt: FormatOpt = Format.table,
    wide: WideOpt = False,
) -> None:
    """The report's map: each country has an agreement in force with the actor, is a WTO
    member without one, or neither.

    Example: article2 architecture --actor USA --at 2019-01-01 --map us-2019.png
    """
    actor = choice(actor.upper(), ACTORS, "--actor") or actor
    at = parse_date(at, "--at")
    if map_path:
        output_file(map_path, "--map", (".svg", ".png"))
    import datetime as dt

    from article2 import api

    day = at or dt.date.today().isoformat()
    try:
        frame = api.architecture(actor, day)
        if map_path:
            with writing(map_path, "--map"):
                api.architecture_map(actor, day, map_path)
    except ValueError as exc:
        raise fail(str(exc)) from exc
    emit(frame, fmt, title=f"Trade architecture for {actor} on {day}", wide=wide)
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
    wide: WideOpt = False,
) -> None:
    """The report's recommendations with their latest status.

    Example: article2 recs --country VNM --actor joint
    """
    choice(actor, REC_ACTORS, "--actor")
    choice(status, REC_STATUSES, "--status")
    if country is not None:
        country = known_country(country, "--country")
    from article2 import api

    try:
        frame = api.recs(country=country, actor=actor, status=status)
    except ValueError as exc:
        raise fail(str(exc)) from exc
    if country is not None and frame.empty and actor is None and status is None:
        named = sorted({c for cs in api.recs()["countries"] for c in str(cs).split(",") if c})
        raise fail(f"--country {country}: no recommendation names this country; countries "
                   f"named: {', '.join(named)} (or leave out --country for all)")  # fmt: skip
    emit(frame, fmt, title="Recommendations", columns=REC_COLUMNS, wide=wide)
