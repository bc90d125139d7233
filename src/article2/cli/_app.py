"""The Typer application object and the shared output helpers."""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

__all__ = [
    "MAX_DRAWS",
    "YEARS",
    "Format",
    "app",
    "console",
    "draws_option",
    "emit",
    "err_console",
    "exclusive",
    "fail",
    "in_range",
    "known_country",
    "output_file",
    "output_folder",
    "parse_years",
    "writing",
]

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
    # soft_wrap: a path or value is never broken across lines; Text: the message is not markup
    err_console.print(Text.assemble(("error:", "bold red"), " ", message), soft_wrap=True)
    return typer.Exit(code)


# --- shared checks of options: each refuses with the option's name and what is allowed -----

#: years an option may name
YEARS = (1800, 2100)


def parse_years(text: str, option: str = "--years") -> list[int]:
    """Years from ``2020-2022`` (a range) or ``2020,2022`` (a list), each in :data:`YEARS`."""
    try:
        if "-" in text:
            a, b = (int(x) for x in text.split("-", 1))
            years = list(range(a, b + 1)) if a <= b else []
        else:
            years = [int(x) for x in text.split(",")]
    except ValueError as exc:
        raise fail(f"{option} {text!r}: give a range like 2020-2022 or a list 2020,2022") from exc
    if not years or not all(YEARS[0] <= y <= YEARS[1] for y in years):
        raise fail(
            f"{option} {text!r}: give years in {YEARS[0]}-{YEARS[1]}, as a range like 2020-2022 "
            "(first <= last) or a list 2020,2022"
        )
    return years


def _max_draws() -> int:
    from article2.index.sensitivity import MAX_DRAWS as limit

    return limit


MAX_DRAWS = _max_draws()


def in_range(lo: int, hi: int | None = None):
    """A Typer callback refusing an integer outside ``lo``..``hi`` with both bounds named."""

    def check(value: int | None) -> int | None:
        if value is not None and (value < lo or (hi is not None and value > hi)):
            allowed = f"{lo:,} to {hi:,}" if hi is not None else f">= {lo:,}"
            raise typer.BadParameter(f"{value:,} not allowed; allowed: {allowed}")
        return value

    return check


def draws_option(text: str):
    """The ``--draws`` option: an integer in 0..:data:`MAX_DRAWS`, the limit stated in --help."""
    return typer.Option(
        "--draws", callback=in_range(0, MAX_DRAWS), help=f"{text} 0 to {MAX_DRAWS:,} (0: no bands)."
    )


def exclusive(**given: object) -> None:
    """Refuse options that cannot be combined: ``exclusive(between=..., member=...)`` fails
    when more than one of them is given (set and not False)."""
    used = [name for name, value in given.items() if value is not None and value is not False]
    if len(used) > 1:
        flags = " and ".join(f"--{u.replace('_', '-')}" for u in used)
        allowed = ", ".join(f"--{n.replace('_', '-')}" for n in given)
        raise fail(f"{flags} cannot be combined; give one of {allowed}")


def known_country(code: str, option: str) -> str:
    """``code`` as an ISO3 key of the country table (any case); an error naming ``option``."""
    from article2 import countries

    iso3 = str(code).strip().upper()
    if iso3 not in set(countries.country_table()["iso3"]):
        raise fail(
            f"{option} {code!r}: not a known ISO3 country code (three letters, e.g. VNM); "
            "find one with `article2 countries NAME`"
        )
    return iso3


def output_file(path: Path, option: str, suffixes: tuple[str, ...] = ()) -> Path:
    """``path`` if a file can be written there: its folder exists, it is not a folder, and its
    suffix is one of ``suffixes`` (when given)."""
    if suffixes and path.suffix.lower() not in suffixes:
        raise fail(f"{option} {path}: the file name must end in {' or '.join(suffixes)}")
    if path.is_dir():
        raise fail(f"{option} {path}: is a folder; give a file name")
    folder = path.parent
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist (create it first)"
        raise fail(f"{option} {path}: the folder {folder} {what}")
    return path


def output_folder(path: Path, option: str) -> Path:
    """``path`` as a folder files can be written into: made if missing (with its parents);
    an error naming ``option`` when it is a file, or cannot be made or written to."""
    import tempfile

    if path.exists() and not path.is_dir():
        raise fail(f"{option} {path}: is a file, not a folder; give a folder")
    with writing(path, option):
        path.mkdir(parents=True, exist_ok=True)
        tempfile.TemporaryFile(dir=path).close()
    return path


@contextmanager
def writing(path: Path | str, option: str = "") -> Iterator[None]:
    """Within the block, a failure to write (read-only or missing folder, a file in the way,
    a full disk) is an error naming ``path`` and ``option``, not a traceback."""
    from article2.errors import SourceError, WarehouseMissingError

    try:
        yield
    except (SourceError, WarehouseMissingError):
        raise  # reading, not writing: reported by the caller
    except OSError as exc:
        where = f"{option} {path}" if option else str(path)
        detail = exc.strerror or str(exc)
        if exc.filename and str(exc.filename) != str(path):
            detail += f": {exc.filename}"
        raise fail(f"{where}: cannot write ({detail})") from exc


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
    integers, timestamps all at midnight as dates; the values themselves are unchanged in JSON
    and CSV."""
    out = frame.copy()
    for col in frame.columns:
        values = frame[col]
        if pd.api.types.is_datetime64_any_dtype(values.dtype):
            present = values.dropna()
            if len(present) and (present == present.dt.normalize()).all():
                out[col] = values.dt.date
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
