"""Command ``measure``: one measure of the measures layer for every country in a year."""

from __future__ import annotations

from typing import Annotated

import typer

from article2 import api
from article2.cli._app import Format, app, emit, fail
from article2.errors import WarehouseMissingError

__all__ = ["measure"]


@app.command("measure")
def measure(
    name: Annotated[str | None, typer.Argument(help="Measure name; omit to list them.")] = None,
    year: Annotated[int | None, typer.Option("--year", "-y", help="Year.")] = None,
    actor: Annotated[
        str | None, typer.Option("--actor", help="trade_share, agreements_in_force: USA, JPN, CHN, EU or USA+JPN.")
    ] = None,
    flow: Annotated[
        str, typer.Option("--flow", help="trade_share: imports, exports or trade.")
    ] = "trade",
    source: Annotated[str, typer.Option("--trade-source", help="cow, comtrade or imf.")] = "cow",
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
) -> None:
    """One measure for every country with a value in a year (the numbers every surface shows).

    Example: article2 measure china_finance_pct_gdp --year 2014 --format json
    """
    if name is None:
        emit(api.measure_catalogue(), fmt, title="Measures")
        return
    if year is None:
        raise fail("--year is required with a measure name")
    try:
        frame = api.measure(name, year, actor=actor, flow=flow, source=source)
    except (ValueError, WarehouseMissingError) as exc:
        raise fail(str(exc)) from exc
    emit(frame, fmt, title=f"{name} {year}")
