"""Command ``measure``: one measure of the measures layer for every country in a year."""

from __future__ import annotations

from typing import Annotated

import typer

from article2.cli._app import Format, WideOpt, app, choice, emit, fail, in_years

__all__ = ["measure"]

#: the values of the options, as the measures layer allows them (a test checks they agree)
ACTORS = ("USA", "JPN", "CHN", "EU", "USA+JPN")
FLOWS = ("imports", "exports", "trade")
TRADE_SOURCES = ("cow", "comtrade", "imf")


@app.command("measure")
def measure(
    name: Annotated[str | None, typer.Argument(help="Measure name; omit to list them.")] = None,
    year: Annotated[int | None, typer.Option("--year", "-y", callback=in_years,
                                             help="Year.")] = None,  # fmt: skip
    actor: Annotated[
        str | None, typer.Option("--actor", help="trade_share, agreements_in_force: USA, JPN, CHN, EU or USA+JPN.")
    ] = None,
    flow: Annotated[
        str, typer.Option("--flow", help="trade_share: imports, exports or trade.")
    ] = "trade",
    source: Annotated[str, typer.Option("--trade-source", help="cow, comtrade or imf.")] = "cow",
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
    wide: WideOpt = False,
) -> None:
    """One measure for every country with a value in a year (the numbers every surface shows).

    Values are shown in the measure's unit (a share as a percentage); JSON and CSV hold the
    values as computed.

    Example: article2 measure china_finance_pct_gdp --year 2014 --format json
    """
    if actor is not None:
        actor = choice(actor.upper(), ACTORS, "--actor")
    choice(flow, FLOWS, "--flow")
    choice(source, TRADE_SOURCES, "--trade-source")
    from article2 import api
    from article2.errors import WarehouseMissingError

    catalogue = api.measure_catalogue()
    if name is None:
        emit(catalogue, fmt, title="Measures", wide=wide)
        return
    units = dict(zip(catalogue["name"], catalogue["unit"], strict=True))
    if name not in units or name == "actor_members":
        allowed = [m for m in units if m != "actor_members"]
        raise fail(f"unknown measure {name!r}; allowed: {', '.join(allowed)}")
    if year is None:
        raise fail("--year is required with a measure name, e.g. --year 2014")
    try:
        frame = api.measure(name, year, actor=actor, flow=flow, source=source)
    except (ValueError, WarehouseMissingError) as exc:
        raise fail(str(exc)) from exc
    emit(frame, fmt, title=f"{name} {year} ({units[name]})", wide=wide,
         units={"value": units[name], "percentile": "percentile"})  # fmt: skip
