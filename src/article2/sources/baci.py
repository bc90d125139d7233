"""CEPII BACI: bilateral trade flows at the HS6 product level, read as published.

Official page: http://www.cepii.fr/CEPII/en/bdd_modele/bdd_modele_item.asp?id=37
(licence: Etalab Open Licence 2.0). A BACI release for one HS revision is a folder of:

``BACI_HSxx_Yyyyy_V202xxx.csv``
    one file per year, header ``t,i,j,k,v,q``: ``t`` year; ``i`` exporter and ``j`` importer
    (BACI/UN numeric country codes); ``k`` HS6 product (6 digits, leading zeros kept; shorter
    digit strings are left-padded with zeros); ``v`` value in thousands of current USD;
    ``q`` quantity in metric tons, which may be blank or ``NA``, and is space-padded text in
    some releases (``"       13.235"``, ``"           NA"``). One row per (t, i, j, k). The
    file may be gzipped (``.csv.gz``) and have CRLF line ends.
``country_codes_V202xxx.csv``
    ``country_code, country_name, country_iso2, country_iso3`` (releases before V202301:
    ``country_code, country_name_abbreviation, country_name_full, iso_2digit_alpha,
    iso_3digit_alpha``, in Latin-1; both layouts and encodings are read).
``product_codes_HSxx_V202xxx.csv``
    ``code, description``.

An **extract** of a release (a subset of its rows, named with a suffix after the vintage, e.g.
``BACI_HS92_Y2021_V202301_exporters_4_710.csv.gz``: all flows of exporters 4 and 710) may come
without the product-code file and with the country codes of another release: then the
products are the extract's own HS6 codes (no descriptions), the country codes are those of
the one ``country_codes_V*.csv`` present, completed with the codes that changed between that
release and the extract's (the committed table ``data/baci/code_changes.tsv``, one row per
change with its evidence: e.g. Italy 381 -> 380 from V202301), and the origin record says all
of it (``extract``, ``country_codes_vintage``, ``country_codes_added``, ``product_codes``). An extract is not the world: totals over
exporters (world exports, shares of world trade) cover only the exporters it holds.

:func:`load` validates every file (header, numbers, codes known to the code files, year equal to
the file name's, no repeated (i, j, k)) with errors naming the file, row and field, then converts
the CSVs to Parquet partitioned by year (one file per year, rows sorted by product, importer,
exporter: :data:`SORT_ORDER`) with DuckDB, out of core, in the products store
(:func:`article2.paths.products_dir`). A load is written beside the previous one and swapped in
only when complete, so a failed load leaves the previous data as it was. A folder written by
:mod:`article2.synthetic.baci` (vintage ``VSYNTHETIC`` or a ``SYNTHETIC.txt``) is loaded with
``synthetic: true`` in its origin record.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from article2 import paths
from article2.errors import MissingColumnError, MissingFileError, SourceError
from article2.provenance import Origin, sha256_file

__all__ = [
    "ORIGIN",
    "TRADE_COLUMNS",
    "BaciFolder",
    "LoadedBaci",
    "NoProductDataError",
    "SORT_ORDER",
    "current",
    "discover",
    "load",
    "code_changes",
    "read_country_codes",
    "read_product_codes",
]

ORIGIN = Origin(
    source_id="baci",
    dataset="baci",
    title="BACI: International Trade Database at the Product-Level",
    producer="CEPII",
    license="Etalab Open Licence 2.0",
    sha256="",
    citation="Gaulier, G. and Zignago, S. (2010). BACI: International Trade Database at the "
    "Product-Level. The 1994-2007 Version. CEPII Working Paper 2010-23.",
    url="http://www.cepii.fr/CEPII/en/bdd_modele/bdd_modele_item.asp?id=37",
)

TRADE_COLUMNS = ("t", "i", "j", "k", "v", "q")
COUNTRY_COLUMNS = ("country_code", "country_name", "country_iso2", "country_iso3")
#: the country-code columns of releases before V202301 -> today's names
_OLD_COUNTRY_COLUMNS = {
    "country_name_abbreviation": "country_name",
    "iso_2digit_alpha": "country_iso2",
    "iso_3digit_alpha": "country_iso3",
}
PRODUCT_COLUMNS = ("code", "description")
# release: CEPII's V202301 (a corrected one V202301b) or a generated name such as VSYNTHETIC or
# VCOMTRADE20250601; an extract adds a suffix (``_exporters_4_710``)
_TRADE_RE = re.compile(
    r"^BACI_(HS\d{2})_Y(\d{4})_(V\d{6}[a-z]?|V[A-Z][A-Z0-9]*)(?:_(\w+))?\.csv(?:\.gz)?$"
)
_COUNTRY_RE = re.compile(r"^country_codes_(V\w+)\.csv$")
_PRODUCT_RE = re.compile(r"^product_codes_(HS\d{2})_(V\w+)\.csv$")
_MISSING_Q = ("", "NA")


class NoProductDataError(FileNotFoundError):
    """No product-level data has been loaded (the message says how to load it)."""


@dataclass(frozen=True)
class BaciFolder:
    """A folder of BACI files for one HS revision and vintage.

    Attributes:
        folder: where the files are.
        revision: HS revision, e.g. ``"HS17"``.
        vintage: release, e.g. ``"V202401"`` (``"VSYNTHETIC"`` for generated files).
        trade_files: year -> path of its ``BACI_…`` file, in year order.
        country_codes, product_codes: paths of the code files (``product_codes`` is None for
            an extract shipped without one).
        synthetic: True when the folder was written by :mod:`article2.synthetic.baci`.
        extract: the suffix naming an extract (e.g. ``"exporters_4_710"``), or ``""`` for a
            whole release.
    """

    folder: Path
    revision: str
    vintage: str
    trade_files: dict[int, Path]
    country_codes: Path
    product_codes: Path | None
    synthetic: bool
    extract: str = ""


@dataclass(frozen=True)
class LoadedBaci:
    """The product-level data currently loaded.

    Attributes:
        path: folder of the load (``<products_dir>/baci/<revision>_<vintage>``).
        trade_glob: glob of its Parquet files (``year=YYYY/*.parquet``, hive-partitioned);
            columns t, i, j (SMALLINT codes), k (6-char str), p (k as INTEGER), v, q (DOUBLE,
            q may be NULL), each year sorted by k, j, i (:data:`SORT_ORDER`).
        countries: Parquet of the country codes; products: Parquet of the product codes.
        origin: the origin record (producer, licence, vintage, files and checksums,
            ``synthetic``).
        years: the years loaded.
    """

    path: Path
    trade_glob: str
    countries: Path
    products: Path
    origin: dict
    years: tuple[int, ...]

    @property
    def synthetic(self) -> bool:
        return bool(self.origin.get("synthetic"))


def discover(folder: Path) -> BaciFolder:
    """Find the BACI files in ``folder``.

    Raises:
        MissingFileError: no trade file, a missing code file, or several revisions/vintages.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise MissingFileError("not a folder", file=str(folder))
    trade: dict[int, Path] = {}
    keys = set()
    countries, products = [], []
    for p in sorted(folder.iterdir()):
        if m := _TRADE_RE.match(p.name):
            keys.add((m[1], m[3], m[4] or ""))
            if int(m[2]) in trade:
                raise MissingFileError(
                    f"two trade files for year {m[2]}: {trade[int(m[2])].name}, {p.name}",
                    file=str(folder),
                )
            trade[int(m[2])] = p
        elif _COUNTRY_RE.match(p.name):
            countries.append(p)
        elif _PRODUCT_RE.match(p.name):
            products.append(p)
    if not trade:
        raise MissingFileError(
            "no BACI_HSxx_Yyyyy_Vxxxxxx.csv file (expected CEPII BACI's published layout)",
            file=str(folder),
        )
    if len(keys) > 1:
        found = ", ".join(f"{r} {v}{' ' + e if e else ''}" for r, v, e in sorted(keys))
        raise MissingFileError(
            f"files of several HS revisions, vintages or extracts ({found}); load one at a time",
            file=str(folder),
        )
    revision, vintage, extract = keys.pop()
    country = [p for p in countries if p.name == f"country_codes_{vintage}.csv"]
    product = [p for p in products if p.name == f"product_codes_{revision}_{vintage}.csv"]
    if not country and extract and len(countries) == 1:
        country = countries  # an extract shipped with another release's country codes
    if not country:
        raise MissingFileError("file not found", file=str(folder / f"country_codes_{vintage}.csv"))
    if not product and not extract:
        raise MissingFileError(
            "file not found", file=str(folder / f"product_codes_{revision}_{vintage}.csv")
        )
    synthetic = "SYNTHETIC" in vintage.upper() or (folder / "SYNTHETIC.txt").is_file()
    return BaciFolder(
        folder, revision, vintage, dict(sorted(trade.items())), country[0],
        product[0] if product else None, synthetic, extract,
    )  # fmt: skip


def _read_text(
    path: Path, required: tuple[str, ...], renames: dict[str, str] | None = None
) -> pd.DataFrame:
    try:
        try:
            df = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False,
                             encoding="utf-8")  # fmt: skip
        except UnicodeDecodeError:  # code files of releases before V202301 are Latin-1
            df = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False,
                             encoding="latin-1")  # fmt: skip
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise SourceError(f"cannot be read as CSV ({exc})", file=str(path)) from exc
    cols = [c.strip() for c in df.columns]
    if renames and not set(required) <= set(cols):
        cols = [renames.get(c, c) for c in cols]
    for c in required:
        if c not in cols:
            raise MissingColumnError(
                f"required column missing (found: {', '.join(cols)})", file=str(path), field=c
            )
    df.columns = cols
    return df


def read_country_codes(path: Path) -> pd.DataFrame:
    """The country-code file: ``code`` (int), ``name``, ``iso2``, ``iso3``.

    Raises:
        SourceError: naming the row and field of a code that is not an integer or is repeated.
    """
    df = _read_text(path, COUNTRY_COLUMNS, _OLD_COUNTRY_COLUMNS)
    code = pd.to_numeric(df["country_code"].str.strip(), errors="coerce")
    for n, (value, raw) in enumerate(zip(code, df["country_code"], strict=True), start=1):
        if pd.isna(value) or value != int(value):
            raise SourceError(f"not an integer code: {raw!r}", file=str(path), row=n,
                              field="country_code")  # fmt: skip
    dup = code.duplicated()
    if dup.any():
        n = int(dup.to_numpy().argmax()) + 1
        raise SourceError(f"code {int(code[n - 1])} repeated", file=str(path), row=n,
                          field="country_code")  # fmt: skip
    return pd.DataFrame(
        {
            "code": code.astype("int32"),
            "name": df["country_name"].str.strip(),
            "iso2": df["country_iso2"].str.strip(),
            "iso3": df["country_iso3"].str.strip(),
        }
    )


_CODE_CHANGES = Path(__file__).resolve().parents[1] / "data" / "baci" / "code_changes.tsv"


def _vintage_key(vintage: str) -> str:
    return vintage[1:] if vintage[1:].isdigit() else ""


def code_changes(codes_vintage: str, trade_vintage: str) -> pd.DataFrame:
    """Country codes a release introduced after ``codes_vintage`` up to ``trade_vintage``
    (rows of ``data/baci/code_changes.tsv``: since, code, name, iso2, iso3, replaces, note)."""
    table = pd.read_csv(_CODE_CHANGES, sep="\t", dtype=str, keep_default_na=False)
    lo, hi = _vintage_key(codes_vintage), _vintage_key(trade_vintage)
    if not lo or not hi:
        return table.iloc[:0]
    since = table["since"].str.slice(1)
    return table[(since > lo) & (since <= hi)].reset_index(drop=True)


def read_product_codes(path: Path) -> pd.DataFrame:
    """The product-code file: ``code`` (6-char HS6 str) and ``description``.

    Raises:
        SourceError: naming the row and field of a code that is not 1-6 digits or is repeated.
    """
    df = _read_text(path, PRODUCT_COLUMNS)
    raw = df["code"].str.strip()
    bad = ~raw.str.fullmatch(r"\d{1,6}")
    if bad.any():
        n = int(bad.to_numpy().argmax()) + 1
        raise SourceError(f"not an HS6 code: {raw[n - 1]!r}", file=str(path), row=n, field="code")
    code = raw.str.zfill(6)
    dup = code.duplicated()
    if dup.any():
        n = int(dup.to_numpy().argmax()) + 1
        raise SourceError(f"code {code[n - 1]} repeated", file=str(path), row=n, field="code")
    return pd.DataFrame({"code": code, "description": df["description"].str.strip()})


def _open_text(path: Path):
    """A trade file as text (gzip-aware); universal newlines."""
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8", errors="replace", newline="")
    return open(path, encoding="utf-8", errors="replace", newline="")


def _check_header(path: Path) -> None:
    with _open_text(path) as fh:
        first = fh.readline()
    found = tuple(c.strip().strip('"') for c in first.strip().split(","))
    if found != TRADE_COLUMNS:
        raise MissingColumnError(
            f"wrong header: expected {','.join(TRADE_COLUMNS)}, found {first.strip()!r}",
            file=str(path),
        )


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _row_problem(row: list[str], year: int, countries: set[int], products: set[str]):
    """(field, reason) of the first problem in one parsed row, or None; mirrors _CHECK_SQL."""
    if len(row) != len(TRADE_COLUMNS):
        return None, f"{len(row)} fields instead of {len(TRADE_COLUMNS)}"
    t, i, j, k, v, q = (x.strip() for x in row)
    if not t.isdigit():
        return "t", f"not an integer year: {t!r}"
    if int(t) != year:
        return "t", f"year {t} in the file of year {year}"
    for name, code in (("i", i), ("j", j)):
        if not code.isdigit():
            return name, f"not an integer country code: {code!r}"
        if int(code) not in countries:
            return name, f"country code {code} not in the country-code file"
    if not (k.isdigit() and len(k) <= 6):
        return "k", f"not an HS6 code: {k!r}"
    if k.zfill(6) not in products:
        return "k", f"product code {k.zfill(6)} not in the product-code file"
    if not _is_number(v) or float(v) < 0:
        return "v", f"not a non-negative number: {v!r}"
    if q not in _MISSING_Q and (not _is_number(q) or float(q) < 0):
        return "q", f"not a non-negative number or NA: {q!r}"
    return None


def _locate(path: Path, year: int, countries: set[int], products: set[str]) -> SourceError:
    """Scan the file in Python to name the first bad row (only after SQL found a problem)."""
    with _open_text(path) as fh:
        reader = csv.reader(fh)
        next(reader, None)
        seen: set[tuple[str, str, str]] = set()
        for n, row in enumerate(reader, start=1):
            problem = _row_problem(row, year, countries, products)
            if problem is not None:
                field, reason = problem
                return SourceError(reason, file=str(path), row=n, field=field)
            key = (row[1].strip(), row[2].strip(), row[3].strip().zfill(6))
            if key in seen:
                return SourceError(f"(i, j, k) = {key} repeated", file=str(path), row=n)
            seen.add(key)
    return SourceError("malformed file", file=str(path))


_CHECK_SQL = """
WITH raw AS (
  SELECT trim(t) AS t, trim(i) AS i, trim(j) AS j, trim(k) AS k, trim(v) AS v, trim(q) AS q
  FROM read_csv(?, all_varchar = true, header = true, delim = ',', quote = '"',
                null_padding = false, strict_mode = true)
), typed AS (
  SELECT *, TRY_CAST(t AS INTEGER) AS t_, TRY_CAST(i AS INTEGER) AS i_,
         TRY_CAST(j AS INTEGER) AS j_, TRY_CAST(v AS DOUBLE) AS v_,
         TRY_CAST(q AS DOUBLE) AS q_, lpad(k, 6, '0') AS k_
  FROM raw
)
SELECT count(*) AS n,
  count(*) FILTER (WHERE t_ IS NULL OR t_ <> ?) AS bad_t,
  count(*) FILTER (WHERE i_ IS NULL OR i_ NOT IN (SELECT code FROM _cc)) AS bad_i,
  count(*) FILTER (WHERE j_ IS NULL OR j_ NOT IN (SELECT code FROM _cc)) AS bad_j,
  count(*) FILTER (WHERE NOT regexp_full_match(coalesce(k, ''), '[0-9]{1,6}')
                   OR k_ NOT IN (SELECT code FROM _pc)) AS bad_k,
  count(*) FILTER (WHERE v_ IS NULL OR v_ < 0) AS bad_v,
  count(*) FILTER (WHERE coalesce(q, '') NOT IN ('', 'NA') AND (q_ IS NULL OR q_ < 0)) AS bad_q,
  count(*) - count(DISTINCT (i_, j_, k_)) AS repeated
FROM typed
"""


def _validate_trade(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    year: int,
    countries: set[int],
    products: set[str],
) -> int:
    _check_header(path)
    try:
        row = con.execute(_CHECK_SQL, [str(path), year]).fetchone()
    except duckdb.Error as exc:  # ragged rows, bad quoting, undecodable bytes
        located = _locate(path, year, countries, products)
        if located.row is not None:
            raise located from exc
        raise SourceError(f"malformed CSV ({exc})", file=str(path)) from exc
    assert row is not None  # an aggregate query returns one row
    n, *bad = row
    if any(bad):
        raise _locate(path, year, countries, products)
    return int(n)


_CONVERT_SQL = """
COPY (
  SELECT CAST(t AS SMALLINT) AS t, CAST(i AS SMALLINT) AS i, CAST(j AS SMALLINT) AS j,
         lpad(trim(k), 6, '0') AS k, CAST(trim(k) AS INTEGER) AS p,
         CAST(v AS DOUBLE) AS v, CAST(nullif(nullif(trim(q), 'NA'), '') AS DOUBLE) AS q
  FROM read_csv({file}, header = true, nullstr = ['NA', ''],
                columns = {{'t': 'INTEGER', 'i': 'INTEGER', 'j': 'INTEGER', 'k': 'VARCHAR',
                           'v': 'DOUBLE', 'q': 'VARCHAR'}})
  ORDER BY k, j, i
) TO '{target}' (FORMAT PARQUET, COMPRESSION zstd, ROW_GROUP_SIZE 1048576)
"""

#: row order inside each year's Parquet file: product, then importer, then exporter, so that
#: every (importer, product) group and every product are contiguous runs of rows, which
#: :mod:`article2.indicators.products_stream` reduces without hashing or sorting, a row group
#: (~1 M rows: fewer, larger parts cost less per row to load and compute) at a time
SORT_ORDER = ("k", "j", "i")

#: version of the stored layout (2: adds ``p``, the HS6 code as an INTEGER, so that the
#: indicators read no strings); a store of another layout must be loaded again
LAYOUT = 2


def _extract_products(found: BaciFolder) -> pd.DataFrame:
    """The HS6 codes of an extract shipped without a product-code file (no descriptions)."""
    codes: set[str] = set()
    for path in found.trade_files.values():
        con = duckdb.connect()
        try:
            rows = con.execute(
                "SELECT DISTINCT lpad(trim(k), 6, '0') FROM read_csv(?, all_varchar = true, "
                "header = true) WHERE regexp_full_match(trim(k), '[0-9]{1,6}')",
                [str(path)],
            ).fetchall()
        finally:
            con.close()
        codes.update(r[0] for r in rows)
    code = sorted(codes)
    return pd.DataFrame({"code": code, "description": [""] * len(code)})


def _quote(path: Path | str) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _store() -> Path:
    return paths.products_dir() / "baci"


def load(folder: Path, *, threads: int | None = None, memory_limit: str = "2GB") -> LoadedBaci:
    """Validate the BACI files in ``folder`` and load them as the current product-level data.

    Raises:
        MissingFileError, MissingColumnError, SourceError: naming the file, row and field.
    """
    found = discover(folder)
    cc = read_country_codes(found.country_codes)
    named = _COUNTRY_RE.match(found.country_codes.name)
    if named is None:  # discover() only returns files whose names match
        raise ValueError(f"{found.country_codes}: not a BACI country-code file name")
    cc_vintage = named[1]
    added = code_changes(cc_vintage, found.vintage)
    added = added[~added["code"].astype(int).isin(cc["code"])]
    if len(added):
        cc = pd.concat(
            [cc, pd.DataFrame({"code": added["code"].astype("int32"), "name": added["name"],
                               "iso2": added["iso2"], "iso3": added["iso3"]})],
            ignore_index=True,
        )  # fmt: skip
    pc = (
        read_product_codes(found.product_codes)
        if found.product_codes is not None
        else _extract_products(found)
    )
    country_set, product_set = set(cc["code"].tolist()), set(pc["code"])
    store = _store()
    store.mkdir(parents=True, exist_ok=True)
    name = f"{found.revision}_{found.vintage}" + (f"_{found.extract}" if found.extract else "")
    tmp = store / f".loading-{name}-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        con = duckdb.connect()
        con.execute("SET enable_progress_bar = false")
        con.execute(f"SET memory_limit = '{memory_limit}'")
        con.execute(f"SET temp_directory = {_quote(tmp / '.spill')}")
        if threads:
            con.execute(f"SET threads = {int(threads)}")
        con.register("_cc_df", cc)
        con.execute("CREATE TEMP TABLE _cc AS SELECT code FROM _cc_df")
        con.register("_pc_df", pc)
        con.execute("CREATE TEMP TABLE _pc AS SELECT code FROM _pc_df")
        rows = {
            y: _validate_trade(con, p, y, country_set, product_set)
            for y, p in found.trade_files.items()
        }
        for y, p in found.trade_files.items():  # one sorted file per year, out of core
            (tmp / f"year={y}").mkdir()
            target = str(tmp / f"year={y}" / "data_0.parquet").replace("'", "''")
            con.execute(_CONVERT_SQL.format(file=_quote(p), target=target))
        con.close()
        shutil.rmtree(tmp / ".spill", ignore_errors=True)
        cc.to_parquet(tmp / "country_codes.parquet", index=False)
        pc.to_parquet(tmp / "product_codes.parquet", index=False)
        origin = ORIGIN.to_dict() | {
            "source_id": f"baci/{name}",
            "vintage": found.vintage,
            "revision": found.revision,
            "synthetic": found.synthetic,
            "loaded_from": str(found.folder),
            "loaded_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "rows": sum(rows.values()),
            "files": [
                {"file": p.name, "rows": None if y is None else rows.get(y),
                 "sha256": sha256_file(p)}
                for y, p in [
                    *found.trade_files.items(),
                    (None, found.country_codes),
                    (None, found.product_codes),
                ]
                if p is not None
            ],  # fmt: skip
            "extract": found.extract,
            "country_codes_vintage": cc_vintage,
            "country_codes_added": [
                {"code": int(r.code), "iso3": r.iso3, "since": r.since, "replaces": r.replaces}
                for r in added.itertuples()
            ],
            "product_codes": found.product_codes.name if found.product_codes else None,
            "years": sorted(rows),
            "sort_order": list(SORT_ORDER),
            "layout": LAYOUT,
        }
        if found.synthetic:
            origin["title"] = "SYNTHETIC data in the layout of CEPII BACI (not real trade flows)"
            origin["producer"] = "article2.synthetic.baci (generated)"
            origin["license"] = "synthetic"
        (tmp / "origin.json").write_text(json.dumps(origin, indent=2), encoding="utf-8")
        paths.replace_folder(tmp, store / name)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    pointer = store / ".CURRENT.tmp"
    pointer.write_text(name, encoding="utf-8")
    os.replace(pointer, store / "CURRENT")
    loaded = current()
    assert loaded is not None
    return loaded


def current() -> LoadedBaci | None:
    """The loaded product-level data, or None when nothing has been loaded."""
    store = _store()
    pointer = store / "CURRENT"
    if not pointer.is_file():
        return None
    path = store / pointer.read_text(encoding="utf-8").strip()
    origin_file = path / "origin.json"
    if not origin_file.is_file():
        return None
    origin = json.loads(origin_file.read_text(encoding="utf-8"))
    return LoadedBaci(
        path=path,
        trade_glob=str(path / "year=*" / "*.parquet"),
        countries=path / "country_codes.parquet",
        products=path / "product_codes.parquet",
        origin=origin,
        years=tuple(origin["years"]),
    )
