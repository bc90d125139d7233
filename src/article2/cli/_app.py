"""The Typer application object and the shared output helpers."""

from __future__ import annotations

import json
import math
import sys
from enum import StrEnum

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

__all__ = ["Format", "app", "console", "emit", "err_console", "fail", "parse_years"]

app = typer.Typer(
    name="article2",
    help="article2: U.S.-Japan economic cooperation in the Indo-Pacific, from public data.\n\n"
    "Example: article2 run",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# wide enough for tables when output is piped (Rich assumes 80 columns then)
console = Console(width=None if sys.stdout.isatty() else 160)
err_console = Console(stderr=True)


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print an error (no traceback) and return the Exit to raise."""
    err_console.print(f"[bold red]error:[/] {message}", highlight=False)
    return typer.Exit(code)


def parse_years(text: str, option: str = "--years") -> list[int]:
    """Years from ``2020-2022`` (a range) or ``2020,2022`` (a list)."""
    try:
        if "-" in text:
            a, b = (int(x) for x in text.split("-", 1))
            return list(range(a, b + 1))
        return [int(x) for x in text.split(",")]
    except ValueError as exc:
        raise fail(f"{option} {text!r}: give a range like 2020-2022 or a list 2020,2022") from exc


def _jsonable(v):
    """A value for JSON: NaN, infinities and missing values become null (JSON has no
    ``NaN`` or ``Infinity``)."""
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, pd.Timestamp):
        return v.date().isoformat()
    if hasattr(v, "item"):
        v = v.item()
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def _for_people(frame: pd.DataFrame) -> pd.DataFrame:
    """Float columns holding only whole numbers (ranks, counts after a merge) shown as
    integers; the values themselves are unchanged in JSON and CSV."""
    out = frame.copy()
    for col in frame.columns:
        values = frame[col]
        if pd.api.types.is_float_dtype(values.dtype):
            present = values.dropna()
            if len(present) and (present == present.round()).all():
                out[col] = values.astype("Int64")
    return out


def emit(frame: pd.DataFrame, fmt: Format, *, title: str | None = None) -> None:
    """Print a table for people (Rich), or JSON records / CSV for machines (stdout)."""
    if fmt is Format.json:
        records = [{k: _jsonable(v) for k, v in row.items()} for row in frame.to_dict("records")]
        sys.stdout.write(json.dumps(records, indent=2, default=str, allow_nan=False) + "\n")
    elif fmt is Format.csv:
        frame.to_csv(sys.stdout, index=False)
    else:
        table = Table(title=title, show_lines=False)
        shown = _for_people(frame)
        for col in frame.columns:
            numeric = pd.api.types.is_numeric_dtype(frame[col].dtype)
            numeric = numeric and not pd.api.types.is_bool_dtype(frame[col].dtype)
            table.add_column(str(col), overflow="fold", justify="right" if numeric else "left")
        for row in shown.itertuples(index=False):
            table.add_row(*("" if _jsonable(v) is None else str(v) for v in row))
        console.print(table)
