"""Shared machinery of the source readers: reading raw files as text, row-level checks that
quarantine bad rows with the row number, field and reason, and country-code mapping that
reports every code it cannot map.

Row numbers are 1-based data rows (the header is not counted), so ``row 5`` is the fifth
record of the file.
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from article2 import countries
from article2.errors import CorruptFileError, MissingColumnError, MissingFileError

__all__ = [
    "MISSING_TOKENS",
    "OPEN_ENDED_DATES",
    "Quarantine",
    "ReadResult",
    "check_columns",
    "flag_duplicates",
    "map_country",
    "parse_dates",
    "finish",
    "melt_obs",
    "read_csv_text",
    "resolve_observations",
    "to_number",
    "unmapped_frame",
]

#: Dates that mean "not ended" rather than a date.
OPEN_ENDED_DATES: frozenset[str] = frozenset({"9999-12-31"})

#: Years a value may carry: from the earliest any source covers (Gapminder's series start in
#: 1800) to the end of the longest projection (Gapminder's and the UN's, 2100). A row with a
#: year outside is quarantined ("year outside 1800..2100").
YEAR_MIN, YEAR_MAX = 1800, 2100

#: Strings that mean "no value" in the snapshot's CSV files (COW uses -9).
MISSING_TOKENS: frozenset[str] = frozenset({"", "NA", "NaN", "nan", "NULL", "."})


@dataclass
class Quarantine:
    """Collects row-level problems of one file: (row, field, value, reason)."""

    file: str
    _parts: list[pd.DataFrame] = field(default_factory=list)

    def add(
        self, mask: pd.Series, field_name: str, reason: str, values: pd.Series | None = None
    ) -> None:
        """Record every row where ``mask`` is true (index = 0-based data row)."""
        mask = mask.fillna(False).astype(bool)
        if not mask.any():
            return
        idx = mask.index[mask.to_numpy()]
        vals = (values if values is not None else pd.Series("", index=mask.index)).loc[idx]
        self._parts.append(
            pd.DataFrame(
                {
                    "row": np.asarray(idx, dtype="int64") + 1,
                    "field": field_name,
                    "value": vals.astype(str).str.slice(0, 200).to_numpy(),
                    "reason": reason,
                }
            )
        )

    def frame(self) -> pd.DataFrame:
        if not self._parts:
            return pd.DataFrame(
                {
                    "row": pd.Series(dtype="int64"),
                    "field": pd.Series(dtype=str),
                    "value": pd.Series(dtype=str),
                    "reason": pd.Series(dtype=str),
                }
            )
        return pd.concat(self._parts, ignore_index=True).sort_values(
            ["row", "field"], kind="stable"
        )

    def bad_index(self) -> pd.Index:
        """0-based index of every quarantined row."""
        if not self._parts:
            return pd.Index([], dtype="int64")
        return pd.Index(np.unique(np.concatenate([p["row"].to_numpy() - 1 for p in self._parts])))


@dataclass(frozen=True)
class ReadResult:
    """What a reader made of one raw file.

    Attributes:
        tables: canonical table name -> rows for it (columns as in :mod:`article2.schema`,
            without ``source_id``, which the warehouse adds).
        rows_read: data rows in the raw file (or records, for non-tabular files).
        rejected: one row per problem: ``row`` (1-based data row), ``field``, ``value``,
            ``reason``. A raw row may have several problems.
        unmapped: codes that are not countries: ``system``, ``code``, ``rows``, ``status``
            (``"unmapped"`` or ``"aggregate"``).
    """

    tables: dict[str, pd.DataFrame]
    rows_read: int
    rejected: pd.DataFrame
    unmapped: pd.DataFrame

    @property
    def rows_rejected(self) -> int:
        return int(self.rejected["row"].nunique()) if len(self.rejected) else 0

    @property
    def rows_loaded(self) -> int:
        return self.rows_read - self.rows_rejected


def _count_lines_before_failure(path: Path) -> int:
    n = 0
    try:
        with gzip.open(path, "rt", encoding="utf-8", errors="replace") as fh:
            for _ in fh:
                n += 1
    except (EOFError, OSError, zlib.error):
        pass
    return max(n - 1, 0)  # minus the header


def read_csv_text(path: Path, source_id: str, required: Sequence[str]) -> pd.DataFrame:
    """Read a (possibly gzipped) CSV with every field as text, exactly as delivered.

    Raises:
        MissingFileError: the file does not exist.
        CorruptFileError: truncated or corrupt gzip, undecodable text, unparsable CSV, or empty.
        MissingColumnError: a required column is absent (the message lists what was found).
    """
    if not path.is_file():
        raise MissingFileError("file not found in the snapshot", file=source_id)
    try:
        df = pd.read_csv(
            path,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            encoding="utf-8",
            compression="infer",
        )
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        good = _count_lines_before_failure(path) if path.suffix == ".gz" else 0
        raise CorruptFileError(
            f"corrupt or truncated gzip ({exc}); the stream breaks after data row {good}",
            file=source_id,
            row=good + 1,
        ) from exc
    except UnicodeDecodeError as exc:
        raise CorruptFileError(f"not UTF-8 text ({exc})", file=source_id) from exc
    except pd.errors.EmptyDataError as exc:
        raise CorruptFileError("empty file (no header)", file=source_id) from exc
    except pd.errors.ParserError as exc:
        raise CorruptFileError(f"malformed CSV ({exc})", file=source_id) from exc
    check_columns(df.columns, required, source_id)
    df.index = pd.RangeIndex(len(df))
    return df


def check_columns(found: Iterable[str], required: Sequence[str], source_id: str) -> None:
    """Raise :class:`MissingColumnError` naming the first missing column and what was found."""
    found = list(found)
    for col in required:
        if col not in found:
            raise MissingColumnError(
                f"required column missing (found: {', '.join(map(str, found))})",
                file=source_id,
                field=col,
            )


def to_number(
    df: pd.DataFrame,
    col: str,
    q: Quarantine,
    *,
    missing: Iterable[str] = (),
    nonnegative: bool = False,
    integer: bool = False,
) -> pd.Series:
    """Parse column ``col`` to float; NaN for missing tokens.

    Rows with text that is not a number, with a negative value (``nonnegative``) or with a
    fractional value (``integer``) are quarantined with the field name and value.
    """
    raw = df[col]
    tokens = MISSING_TOKENS | set(missing)
    is_missing = raw.str.strip().isin(tokens)
    values = pd.to_numeric(raw.where(~is_missing), errors="coerce")
    # pandas reads an exponent beyond the float range (1e400) as NaN; it is a number, too
    # large: make it inf so that it is reported as not finite
    huge = values.isna() & ~is_missing & raw.str.strip().str.fullmatch(
        r"[+-]?(\d+\.?\d*|\.\d+)[eE][+-]?\d+"
    )
    if huge.any():
        values = values.where(~huge, raw[huge].str.strip().map(float))
    q.add(values.isna() & ~is_missing, col, "not a number", raw)
    q.add(pd.Series(np.isinf(values.to_numpy(dtype="float64")), index=values.index), col,
          "not a finite number", raw)
    if nonnegative:
        q.add(values < 0, col, "negative value", raw)
    if integer:
        q.add(values.notna() & (values != np.floor(values)), col, "not an integer", raw)
    return values.astype("float64")


def map_country(
    df: pd.DataFrame,
    col: str,
    system: countries.CodeSystem,
    q: Quarantine,
    *,
    years: pd.Series | None = None,
    quarantine_aggregates: bool = True,
    report: list[pd.DataFrame] | None = None,
) -> countries.CodeMapping:
    """Map column ``col`` to ISO3 with :func:`article2.countries.map_codes`.

    Unmapped codes are quarantined ("unknown <system> code"); aggregates too unless the
    caller handles them (``quarantine_aggregates=False``). Every unmapped or aggregate code
    is appended to ``report`` with its count, so nothing disappears silently.
    """
    m = countries.map_codes(df[col], system, years=years)
    q.add(m.status == "unmapped", col, f"unknown {system} code", df[col])
    if quarantine_aggregates:
        q.add(m.status == "aggregate", col, f"{system} code is not a country (aggregate)", df[col])
    if report is not None:
        rows = [(system, c, n, "unmapped") for c, n in m.unmapped.items()]
        rows += [(system, c, n, "aggregate") for c, n in m.aggregates.items()]
        if rows:
            report.append(pd.DataFrame(rows, columns=["system", "code", "rows", "status"]))
    return m


def unmapped_frame(report: list[pd.DataFrame]) -> pd.DataFrame:
    """Combine per-column reports into one table, summing counts per (system, code, status)."""
    if not report:
        return pd.DataFrame(columns=["system", "code", "rows", "status"])
    return (
        pd.concat(report, ignore_index=True)
        .groupby(["system", "code", "status"], as_index=False)["rows"]
        .sum()[["system", "code", "rows", "status"]]
    )


def flag_duplicates(df: pd.DataFrame, keys: Sequence[str], q: Quarantine, label: str) -> pd.Series:
    """Quarantine every row whose ``keys`` repeat an earlier row's; return the mask of repeats.

    ``df`` must hold only rows that passed earlier checks; the reason names the first row.
    """
    dup = df.duplicated(list(keys), keep="first")
    if dup.any():
        first_row = (
            df.reset_index().groupby(list(keys), sort=False, dropna=False)["index"].transform("min")
        )
        first_row.index = df.index
        q.add(
            dup,
            label,
            f"duplicate key ({', '.join(keys)})",
            "same as row " + (first_row + 1).astype(str),
        )
    return dup


def parse_dates(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY`` strings.

    ``9999-12-31`` (HUGGO's "no end") is an open end: NaT with precision ``"open"``.
    ``YYYY-99-99`` is read as a year-only date.

    Returns:
        (dates, precision): dates as ``datetime64`` (a partial date becomes the first day of its
        month or year) and precision ``"day"``, ``"month"``, ``"year"``, ``"open"`` or NA
        (empty or unparsable: NaT with NA precision means the text was not a date).
    """
    s = raw.fillna("").astype(str).str.strip()
    is_open = s.isin(OPEN_ENDED_DATES)
    s = s.where(~is_open, "")
    s = s.str.replace(r"^(\d{4})-99-99$", r"\1", regex=True)  # month and day unknown
    is_year = s.str.fullmatch(r"\d{4}")
    is_month = s.str.fullmatch(r"\d{4}-\d{2}")
    full = pd.to_datetime(
        s.where(~is_year & ~is_month & (s != "")), format="%Y-%m-%d", errors="coerce"
    )
    month = pd.to_datetime(s.where(is_month), format="%Y-%m", errors="coerce")
    year = pd.to_datetime(s.where(is_year), format="%Y", errors="coerce")
    dates = full.fillna(month).fillna(year)
    precision = pd.Series(pd.NA, index=s.index, dtype="string")
    precision[full.notna()] = "day"
    precision[is_month & month.notna()] = "month"
    precision[is_year & year.notna()] = "year"
    precision[is_open] = "open"
    return dates, precision


def resolve_observations(obs: pd.DataFrame, keys: Sequence[str], q: Quarantine) -> pd.DataFrame:
    """Drop repeated observations of the same key; quarantine the rows that contradict.

    ``obs`` has a ``_row`` column (0-based raw row), the ``keys`` and ``value``. Several raw rows
    may state the same observation (COW lists every flow twice, once from each side; two
    codes may map to one ISO3 in a transition year). Repeats with the same value are kept
    once. A repeat with a different value is a conflict: the later raw row is quarantined as
    a whole ("conflicts with row N") and all its observations are dropped, so a raw row is
    either loaded completely or not at all.
    """
    if obs.empty:
        return obs
    obs = obs.sort_values("_row", kind="stable")
    grouped = obs.groupby(list(keys), sort=False, observed=True)
    first_value = grouped["value"].transform("first")
    first_row = grouped["_row"].transform("first")
    conflict = ~np.isclose(obs["value"].to_numpy(), first_value.to_numpy(), rtol=1e-9, atol=0.0)
    if conflict.any():
        bad = obs.loc[conflict]
        label = ", ".join(str(k) for k in keys)
        reasons = pd.Series(
            (
                "conflicts with row "
                + (first_row[conflict] + 1).astype(str)
                + " on ("
                + label
                + ")"
            ).to_numpy(),
            index=bad["_row"].to_numpy(),
        )
        reasons = reasons[~reasons.index.duplicated()]
        mask = pd.Series(False, index=pd.RangeIndex(int(obs["_row"].max()) + 1))
        mask.loc[reasons.index] = True
        q.add(
            mask,
            "key",
            "duplicate key after country mapping",
            reasons.reindex(mask.index).fillna(""),
        )
        obs = obs[~obs["_row"].isin(reasons.index)]
    return obs.drop_duplicates(list(keys), keep="first")


def melt_obs(
    frame: pd.DataFrame, id_cols: Sequence[str], value_cols: dict[str, str]
) -> pd.DataFrame:
    """Wide value columns -> long (``indicator``, ``value``) rows, dropping missing values.

    ``value_cols`` maps column name -> indicator name. ``frame`` keeps a ``_row`` column.
    """
    parts = []
    for col, indicator in value_cols.items():
        part = frame[[*id_cols, "_row"]].copy()
        part["indicator"] = indicator
        part["value"] = frame[col].to_numpy()
        parts.append(part[part["value"].notna()])
    if not parts:
        return pd.DataFrame(columns=[*id_cols, "_row", "indicator", "value"])
    return pd.concat(parts, ignore_index=True)


def finish(
    tables: dict[str, pd.DataFrame], rows_read: int, q: Quarantine, report: list[pd.DataFrame]
) -> ReadResult:
    """Assemble a :class:`ReadResult`, removing helper columns and rows of quarantined raw rows.

    Rows whose ``year`` is outside :data:`YEAR_MIN`..:data:`YEAR_MAX` or whose ``value`` is
    not a finite number are quarantined here, whatever the reader checked, with their raw row.
    """
    for table in tables.values():
        if "_row" not in table.columns or table.empty:
            continue
        if "year" in table.columns:
            y = pd.to_numeric(table["year"], errors="coerce")
            _quarantine_obs(q, table, ~y.between(YEAR_MIN, YEAR_MAX), "year",
                            f"year outside {YEAR_MIN}..{YEAR_MAX}")
        if "value" in table.columns and pd.api.types.is_numeric_dtype(table["value"].dtype):
            v = pd.to_numeric(table["value"], errors="coerce").to_numpy(dtype="float64")
            _quarantine_obs(q, table, pd.Series(~np.isfinite(v), index=table.index), "value",
                            "not a finite number")
    bad = q.bad_index()
    clean = {}
    for name, table in tables.items():
        if "_row" in table.columns:
            table = table[~table["_row"].isin(bad)].drop(columns="_row")
        clean[name] = table.reset_index(drop=True)
    return ReadResult(
        tables=clean, rows_read=rows_read, rejected=q.frame(), unmapped=unmapped_frame(report)
    )


def _quarantine_obs(q: Quarantine, table: pd.DataFrame, mask: pd.Series, col: str,
                    reason: str) -> None:
    """Quarantine the raw rows (``_row``) of the observations where ``mask`` holds."""
    bad = table.iloc[np.flatnonzero(mask.fillna(True).to_numpy(dtype=bool))]
    bad = bad.drop_duplicates("_row")
    if bad.empty:
        return
    rows = bad["_row"].astype("int64").to_numpy()
    what = bad[col].astype(str)
    if "indicator" in bad.columns:
        what = what + " (" + bad["indicator"].astype(str) + ")"
    q.add(pd.Series(True, index=rows), col, reason, pd.Series(what.to_numpy(), index=rows))
