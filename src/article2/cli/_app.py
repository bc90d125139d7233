"""The Typer application object and the shared output helpers.

Nothing heavy is imported here at module level (pandas, Rich tables, the API): every command
module imports this one, and ``article2 --help`` must start fast.
"""

from __future__ import annotations

import datetime as dt
import importlib
import math
import os
import re
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, cast, get_args

import typer
import typer.main
from typer.core import TyperGroup

if TYPE_CHECKING:
    import pandas as pd
    from rich.console import Console

__all__ = [
    "COMMANDS",
    "MAX_DRAWS",
    "WIDTH",
    "YEARS",
    "Format",
    "WideOpt",
    "app",
    "console",
    "draws_option",
    "emit",
    "err_console",
    "exclusive",
    "fail",
    "in_range",
    "in_years",
    "choice",
    "known_countries_or_groups",
    "known_country",
    "number",
    "output_file",
    "output_folder",
    "parse_date",
    "parse_years",
    "print_table",
    "progress_console",
    "set_wide",
    "writing",
]

#: every command: name -> (module of this package that registers it, one-line help). The help
#: is the start of the command's docstring (``tests/test_cli_start.py`` checks both).
COMMANDS: dict[str, tuple[str, str]] = {
    "run": ("data", "The main job: build the warehouse if there is none, then write every output."),
    "build": ("data", "Build the warehouse from a snapshot folder (atomic: a failed build changes nothing)."),
    "sources": ("data", "The provenance table: every raw file, its origin, licence, SHA-256 and rows loaded."),
    "countries": ("data", "The country identity table (ISO3 and every other code system), searchable."),
    "fetch": ("fetch", "Download current data from an official source into the data home (atomic per vintage)."),
    "profile": ("profile", "Presence profile of a country: U.S., Japanese, Chinese, EU and U.S.+Japan trade, official finance, alliances, IGOs and agreements; alignment; coercion exposure."),
    "compare": ("profile", "Several countries' presence profiles side by side."),
    "measure": ("measures", "One measure for every country with a value in a year (the numbers every surface shows)."),
    "agreements": ("architecture", "Trade agreements in force at a date: the curated registry and the DESTA agreements no curated record covers"),
    "architecture": ("architecture", "The report's map: each country has an agreement in force with the actor, is a WTO member without one, or neither."),
    "recs": ("architecture", "The report's recommendations with their latest status."),
    "index": ("index", "Composite presence index of an actor in every country, with rank bands."),
    "rank": ("index", "Rank case-study candidates with 5th-95th percentile rank bands."),
    "index-config": ("index", "Write a default spec (index or selection) to copy and edit."),
    "dependencies": ("products", "A country's product-level dependence: GeoDep-dependent products and chokepoints."),
    "load-baci": ("products", "Validate a folder of BACI files and load it as the product-level data (atomic)."),
    "generate-baci": ("products", "Write SYNTHETIC BACI-shaped files (not real data) for tests and benchmarks."),
    "scenario": ("scenario", "General-equilibrium counterfactuals (structural gravity)."),
    "brief": ("briefs", "A country brief (HTML, Markdown or PDF) with charts, generated findings and sources."),
    "serve": ("web", "Serve the dashboard and JSON API (builds the warehouse first if there is none)."),
}  # fmt: skip


def _help_flag_false(option):
    """The help flag with the default False, not None, when absent: Typer then skips its
    pydantic coercion of the flag, which would import pydantic (0.1 s) before a subcommand is
    even looked up. The option is cached on its command, so this holds for every use."""
    if option is not None:
        option.default = False
    return option


class _LazyGroup(TyperGroup):
    """A command group that imports a command's module only when the command is asked for."""

    def get_help_option(self, ctx):
        return _help_flag_false(super().get_help_option(ctx))

    def list_commands(self, ctx) -> list[str]:
        return list(dict.fromkeys([*COMMANDS, *self.commands]))

    def get_command(self, ctx, cmd_name: str):
        if cmd_name not in self.commands:
            # a command missing from COMMANDS is still found, at the cost of importing them all
            modules = [COMMANDS[cmd_name][0]] if cmd_name in COMMANDS else \
                list(dict.fromkeys(m for m, _ in COMMANDS.values()))
            for module in modules:
                importlib.import_module(f"article2.cli.{module}")
            for name, command in typer.main.get_command(app).commands.items():  # type: ignore[attr-defined]
                self.commands.setdefault(name, command)
        command = self.commands.get(cmd_name)
        if command is not None and hasattr(command, "commands"):  # a group: scenario
            _help_flag_false(command.get_help_option(ctx))
        return command

    def format_commands(self, ctx, formatter) -> None:
        limit = formatter.width - 6 - max(len(n) for n in self.list_commands(ctx))
        rows = []
        for name in self.list_commands(ctx):
            if name in COMMANDS:
                rows.append((name, COMMANDS[name][1]))
            elif (command := self.commands.get(name)) is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


app = typer.Typer(
    name="article2",
    cls=_LazyGroup,
    help="article2: U.S.-Japan economic cooperation in the Indo-Pacific, from public data.\n\n"
    "Example: article2 run",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # help and usage errors as plain text: Rich's help layout costs more start-up time than
    # the rest of the command-line layer together
    rich_markup_mode=None,
)


@app.callback()
def _root() -> None:
    """article2: U.S.-Japan economic cooperation in the Indo-Pacific, from public data."""
    _console.reset()  # the width is read again for each command (tests run many in a process)
    _err_console.reset()



#: columns a table may take by default (``--wide``: no limit): the terminal's width when it is
#: narrower, else this many; ``COLUMNS`` overrides both
WIDTH = 100
#: the width when ``--wide`` asks for every column
_WIDE = 1000


def _width() -> int:
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    if sys.stdout.isatty():
        return min(os.get_terminal_size(sys.stdout.fileno()).columns, WIDTH)
    return WIDTH


class _LazyConsole:
    """A Rich console made on first use (Rich is imported only when something is printed)."""

    def __init__(self, stderr: bool = False) -> None:
        self._stderr = stderr
        self._console: Console | None = None

    def get(self) -> Console:
        if self._console is None:
            from rich.console import Console

            if self._stderr:
                self._console = Console(stderr=True)
            else:
                self._console = Console(width=_width())
        return self._console

    def reset(self) -> None:
        """Forget the console (its width is read again on next use: tests change it)."""
        self._console = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.get(), name)


_console = _LazyConsole()
_err_console = _LazyConsole(stderr=True)
#: standard output for people (tables at most :data:`WIDTH` columns unless ``--wide``)
console = cast("Console", _console)
#: standard error: errors, notes, progress
err_console = cast("Console", _err_console)

def progress_console() -> Console:
    """The standard-error console itself (a progress bar needs the Rich object, not a proxy)."""
    return _err_console.get()


WideOpt = Annotated[
    bool,
    typer.Option("--wide", help="Tables: every column, lines as long as they need to be "
                 f"(default: the columns that fit {WIDTH} characters)."),
]  # fmt: skip


def set_wide(wide: bool) -> None:
    """Tables and lines at the width the terminal (or ``COLUMNS``) allows, or unbounded."""
    _console.reset()
    if wide:
        from rich.console import Console

        _console._console = Console(width=_WIDE)


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print an error (no traceback) and return the Exit to raise."""
    # soft_wrap: a path or value is never broken across lines; Text: the message is not markup
    from rich.text import Text

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


#: the most Monte Carlo draws ``--draws`` allows: :data:`article2.index.sensitivity.MAX_DRAWS`
#: (not imported: it would load numpy for every command's help; a test checks they agree)
MAX_DRAWS = 10_000


def in_range(lo: int, hi: int | None = None):
    """A Typer callback refusing an integer outside ``lo``..``hi`` with both bounds named."""

    def check(value: int | None) -> int | None:
        if value is not None and (value < lo or (hi is not None and value > hi)):
            allowed = f"{lo:,} to {hi:,}" if hi is not None else f">= {lo:,}"
            raise typer.BadParameter(f"{value:,} not allowed; allowed: {allowed}")
        return value

    return check


def in_years(value: int | None) -> int | None:
    """A Typer callback refusing a year outside :data:`YEARS`, both bounds named."""
    if value is not None and not YEARS[0] <= value <= YEARS[1]:
        raise typer.BadParameter(f"{value} not allowed; allowed: a year {YEARS[0]} to {YEARS[1]}")
    return value


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


def known_countries_or_groups(text: str, option: str) -> tuple[str, ...]:
    """Comma-separated ISO3 codes or group names (EU, G7, ...) from ``text``, each checked."""
    from article2.countries import Group

    groups = get_args(Group)
    out = []
    for item in (t.strip() for t in text.split(",")):
        if not item:
            continue
        if item.upper() in groups:
            out.append(item.upper())
            continue
        from article2 import countries

        if item.upper() not in set(countries.country_table()["iso3"]):
            raise fail(f"{option} {item!r}: not an ISO3 country code or a group; groups: "
                       f"{', '.join(groups)}; find a code with `article2 countries NAME`")  # fmt: skip
        out.append(item.upper())
    if not out:
        raise fail(f"{option} {text!r}: give ISO3 codes or groups separated by commas, e.g. USA,JPN,EU")
    return tuple(out)


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_date(text: str | None, option: str = "--at") -> str | None:
    """``text`` as an ISO date ``YYYY-MM-DD`` (a real calendar date, year in :data:`YEARS`),
    or an error naming ``option`` and the expected format; ``None`` stays ``None``."""
    if text is None:
        return None
    try:
        if not _DATE.fullmatch(text.strip()):
            raise ValueError("not in the form YYYY-MM-DD")
        day = dt.date.fromisoformat(text.strip())
    except ValueError as exc:
        raise fail(f"{option} {text!r}: give a date as YYYY-MM-DD, e.g. 2019-01-01 ({exc})") from None
    if not YEARS[0] <= day.year <= YEARS[1]:
        raise fail(f"{option} {text!r}: give a date in the years {YEARS[0]}-{YEARS[1]}")
    return day.isoformat()


def choice(value: str | None, allowed: Sequence[str], option: str) -> str | None:
    """``value`` if it is one of ``allowed`` (exact), else an error naming ``option`` and them."""
    if value is not None and value not in allowed:
        raise fail(f"{option} {value!r}: not allowed; allowed: {', '.join(allowed)}")
    return value


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
    ``NaN`` or ``Infinity``); dates and timestamps at midnight as ``YYYY-MM-DD``."""
    import pandas as pd

    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, pd.Timestamp):
        return v.date().isoformat() if v == v.normalize() else v.isoformat()
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    if hasattr(v, "item"):
        v = v.item()
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


# --- one format per unit: the unit comes from the measures layer (``Measure.unit``) ------------

#: units whose values are fractions 0..1 shown as percentages
SHARE_UNITS = ("share (0-1)", "share")
#: units whose values are already percentages
PERCENT_UNITS = ("%", "% of GDP", "percent", "percentage points")


def number(value: Any, unit: str = "") -> str:
    """``value`` for people, in the one format of its ``unit``: a share (0-1) and a percentage
    as ``30.8%``, a change in percent signed (``+4.2%``), money and counts with thousands
    separators or ``k/m/bn/tn``, other numbers (indices, ratios) with two decimals; missing
    as ``–``. Every table of the command line formats a measure's values through here."""
    if value is None or isinstance(value, str) and not value:
        return "–"
    if isinstance(value, str):
        return value
    try:
        v = float(value)
    except (TypeError, ValueError):
        return str(value)
    if not math.isfinite(v):
        return "–"
    u = unit.strip().lower()
    if u in SHARE_UNITS or u.startswith("share (0-1)"):
        return _signless(f"{100 * v:.1f}%")
    if u == "pp":  # a change of a share, in percentage points
        return _signless(f"{100 * v:+.1f} pp")
    if u in ("% change", "change %"):
        return _signless(f"{v:+.1f}%")
    if u.startswith("%") or u in PERCENT_UNITS:
        return _signless(f"{v:.2f}%" if abs(v) < 1 else f"{v:.1f}%")
    money = "usd" in u or "$" in u
    if money or u in ("persons", "people", "count", "agreements", "igos", "rows"):
        a = abs(v)
        for div, suffix in ((1e12, "tn"), (1e9, "bn"), (1e6, "m"), (1e3, "k")):
            if a >= div and (money or a >= 1e6):
                return _signless(f"{v / div:,.1f}{suffix}")
        return _signless(f"{v:,.0f}") if v == round(v) else _signless(f"{v:,.1f}")
    if u in ("percentile", "rank") or u.startswith("rank "):
        return _signless(f"{v:.0f}")
    if u.startswith(("score", "rating")):  # published scores: as published, at most 1 decimal
        return _signless(f"{v:.0f}" if v == round(v) else f"{v:.1f}")
    return _signless(f"{v:,.2f}")


def _signless(text: str) -> str:
    """No ``-0.0``: a value that rounds to zero is shown without a sign."""
    stripped = text.lstrip("+-")
    if not any(c in "123456789" for c in stripped.split(" ")[0].split("%")[0]):
        return stripped
    return text


def _for_people(frame: pd.DataFrame) -> pd.DataFrame:
    """Float columns holding only whole numbers (ranks, counts after a merge) shown as
    integers, dates and timestamps at midnight as dates; the values themselves are unchanged in
    JSON and CSV."""
    import pandas as pd

    out = frame.copy()
    for col in frame.columns:
        values = frame[col]
        if pd.api.types.is_datetime64_any_dtype(values.dtype):
            present = values.dropna()
            if len(present) and (present == present.dt.normalize()).all():
                out[col] = values.dt.date
        elif values.dtype == object:
            present = values.dropna()
            if len(present) and all(isinstance(v, dt.datetime) and v.time() == dt.time()
                                    for v in present):  # fmt: skip
                out[col] = values.map(lambda v: v.date() if isinstance(v, dt.datetime) else v)
        if pd.api.types.is_float_dtype(values.dtype):
            present = values.dropna()
            if len(present) and (present == present.round()).all():
                out[col] = values.astype("Int64")
    return out


def emit(
    frame: pd.DataFrame,
    fmt: Format,
    *,
    title: str | None = None,
    columns: Sequence[str] | None = None,
    wide: bool = False,
    units: dict[str, str] | None = None,
) -> None:
    """Print a table for people (Rich), or JSON records / CSV for machines (stdout).

    The table shows ``columns`` (those present, in that order; default: all) unless ``wide``;
    it fits the console's width (:data:`WIDTH` by default), long cells wrapped. ``units`` maps a
    column to the unit its numbers are shown in (:func:`number`). JSON and CSV always hold
    every column, unformatted."""
    import pandas as pd

    if fmt is Format.json:
        import json

        records = [{k: _jsonable(v) for k, v in row.items()} for row in frame.to_dict("records")]
        sys.stdout.write(json.dumps(records, indent=2, default=str, allow_nan=False) + "\n")
        return
    if fmt is Format.csv:
        _for_csv(frame).to_csv(sys.stdout, index=False)
        return
    set_wide(wide)
    hidden = 0
    if columns is not None and not wide:
        kept = [c for c in columns if c in frame.columns]
        hidden = len(frame.columns) - len(kept)
        frame = frame[kept]
    shown = _for_people(frame)
    units = units or {}
    rows = [[_cell(v, units.get(str(c))) for c, v in zip(frame.columns, row, strict=True)]
            for row in shown.itertuples(index=False)]  # fmt: skip
    right = {str(c) for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c].dtype)
             and not pd.api.types.is_bool_dtype(frame[c].dtype)}  # fmt: skip
    print_table(title, [str(c) for c in frame.columns], rows, right=right, hidden=hidden,
                wide=wide)  # fmt: skip


def print_table(
    title: str | None,
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    right: Sequence[str] | set[str] = (),
    wide_only: Sequence[str] = (),
    hidden: int = 0,
    wide: bool = False,
) -> None:
    """Print a table of text cells that fits the console's width (:data:`WIDTH` by default):
    short cells stay on one line, long text wraps; the columns in ``wide_only`` and, if still
    too wide, the last columns are left for ``--wide`` (a caption says how many)."""
    from rich.table import Table

    if wide:
        set_wide(True)
    width = console.width
    keep = [i for i, h in enumerate(headers) if wide or h not in wide_only]
    hidden += len(headers) - len(keep)
    headers = [headers[i] for i in keep]
    rows = [[r[i] for i in keep] for r in rows]
    natural = [max([_longest_line(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(headers)]
    n = len(natural)
    while n > 1 and not wide and _least(natural[:n]) > width:
        n -= 1  # the last columns do not fit even with text wrapped: left for --wide
    hidden += len(natural) - n
    headers, natural, rows = headers[:n], natural[:n], [r[:n] for r in rows]
    caption = f"{hidden} more columns with --wide, or --format csv" if hidden else None
    table = Table(title=title, caption=caption, show_lines=False)
    widths = fit_widths(natural, width - 3 * n - 1)
    for h, w, nat in zip(headers, widths, natural, strict=True):
        table.add_column(h, overflow="fold", no_wrap=nat <= _SHORT, width=w,
                         justify="right" if h in right else "left")  # fmt: skip
    for r in rows:
        table.add_row(*r)
    console.print(table)


#: cells at most this long are kept on one line
_SHORT = 16


def _longest_line(text: str) -> int:
    return max(len(line) for line in text.split("\n"))


def _least(natural: Sequence[int]) -> int:
    """The narrowest a table of columns ``natural`` wide can be without cutting a short cell."""
    return sum(min(w, _SHORT) for w in natural) + 3 * len(natural) + 1


def fit_widths(natural: Sequence[int], room: int) -> list[int | None]:
    """Widths for columns whose longest cells are ``natural`` wide, in ``room`` characters:
    short columns (at most :data:`_SHORT`) keep their width; the room left is shared among the
    long ones, the narrowest of them first getting all it needs (max-min fair), so one long text
    column wraps instead of every column being squeezed. ``None``: the column's own width."""
    widths: list[int | None] = [None] * len(natural)
    long = sorted((w, i) for i, w in enumerate(natural) if w > _SHORT)
    left = room - sum(w for w in natural if w <= _SHORT)
    if not long or sum(w for w, _ in long) <= left:
        return widths
    for k, (w, i) in enumerate(long):
        share = max(left // (len(long) - k), _SHORT)
        widths[i] = min(w, share)
        left -= widths[i]  # type: ignore[operator]
    return widths


def _cell(v: Any, unit: str | None) -> str:
    if _jsonable(v) is None:
        return ""
    if unit is not None and not isinstance(v, (str, bool)):
        return number(v, unit)
    return _signless(str(v)) if isinstance(v, float) else str(v)


def _for_csv(frame: pd.DataFrame) -> pd.DataFrame:
    """Timestamps at midnight written as dates."""
    import pandas as pd

    out = frame
    for col in frame.columns:
        values = frame[col]
        if pd.api.types.is_datetime64_any_dtype(values.dtype):
            present = values.dropna()
            if len(present) and (present == present.dt.normalize()).all():
                out = out.assign(**{col: values.dt.strftime("%Y-%m-%d")})
    return out
