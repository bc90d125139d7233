"""AidData GCDF 3.0 project-level data, aggregated to recipient-years.

Producer: AidData at William & Mary, Global Chinese Development Finance Dataset, Version 3.0
(https://www.aiddata.org/data/aiddatas-global-chinese-development-finance-dataset-version-3-0).
Endpoint: the published zip, setting ``aiddata_url`` (default
``https://docs.aiddata.org/ad4/datasets/AidDatas_Global_Chinese_Development_Finance_Dataset_Version_3_0.zip``),
kept as delivered; a hand-downloaded ``.xlsx`` is read the same way.

Format: the workbook ``AidDatasGlobalChineseDevelopmentFinanceDataset_v3.0.xlsx``, sheet
``GCDF_3.0``, one row per project, header in the first row. Columns used:
``Recommended For Aggregates`` (``Yes``/``No``), ``Recipient ISO-3``, ``Commitment Year``,
``Flow Class`` (``ODA-like``, ``OOF-like``, ``Vague (Official Finance)``),
``Amount (Constant USD 2021)`` and ``Adjusted Amount (Constant USD 2021)``.

Aggregation (:func:`aggregate`, as AidData recommends and as the odadata package does for the
snapshot's aggregated file read by :mod:`article2.sources.aiddata`): keep the rows recommended
for aggregates, sum the amounts per recipient, commitment year and flow class (ODA-like →
``cn_of_oda``, OOF-like → ``cn_of_oof``, any other class → ``cn_of_vague``; ``*_adj`` for the
adjusted amounts), in constant 2021 USD. Projects without an amount add nothing; recipients
that are regions or multi-country (no ISO3) are reported as unmapped, not loaded.

The zip holds ``__MACOSX/`` and ``._*`` AppleDouble entries beside the workbook (as public
code reading it shows: ONEcampaign/oda_reader ``download/download_tools.py`` filters them);
they are skipped.

Not verified without network access: the zip's current URL and member name, and the exact
spelling of the column headers (taken from AidData's documentation and public code reading
the file); the reader names any missing column with the columns it found.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path

import pandas as pd

from article2 import config
from article2.errors import CorruptFileError, MissingColumnError, MissingFileError
from article2.provenance import Origin
from article2.sources import _base as b
from article2.sources import aiddata, answer
from article2.sources import download as dl
from article2.sources.archive import ArchiveError, check_zip, read_member

__all__ = ["COLUMNS", "INDICATORS", "ORIGIN", "SHEET", "SOURCE", "aggregate", "fetch", "read"]

SOURCE = "aiddata"
SHEET = "GCDF_3.0"
RECOMMENDED = "Recommended For Aggregates"
RECIPIENT = "Recipient ISO-3"
YEAR = "Commitment Year"
FLOW = "Flow Class"
AMOUNT = "Amount (Constant USD 2021)"
ADJUSTED = "Adjusted Amount (Constant USD 2021)"
COLUMNS = (RECOMMENDED, RECIPIENT, YEAR, FLOW, AMOUNT, ADJUSTED)
CLASSES = {"ODA-like": "cn_of_oda", "OOF-like": "cn_of_oof"}  # anything else: cn_of_vague

ORIGIN = Origin(
    **{
        **aiddata.ORIGIN.to_dict(),
        "source_id": SOURCE,
        "dataset": SOURCE,
        "title": "Global Chinese Development Finance Dataset, Version 3.0 (project level)",
        "columns": (),
    }
)
INDICATORS = aiddata.INDICATORS


def fetch(
    *,
    vintage: str | None = None,
    sha256: str | None = None,
    policy: dl.RetryPolicy | None = None,
    progress: dl.ProgressCallback | None = None,
) -> list[Path]:
    """Download the GCDF 3.0 zip (or xlsx) as one vintage (default ``3.0``), checking it opens."""
    url = config.get("aiddata_url") or ""
    name = url.rstrip("/").rsplit("/", 1)[-1] or "gcdf.zip"

    def check(path: Path, sid: str) -> pd.DataFrame:
        with open(path, "rb") as fh:
            answer.expect(fh.read(4096), ("zip", "xlsx"), url)
        return _projects(path, sid)

    return dl.fetch_file(
        SOURCE,
        vintage or "3.0",
        url,
        name,
        ORIGIN,
        check,
        (CorruptFileError, MissingColumnError, MissingFileError),
        sha256=sha256,
        policy=policy,
        progress=progress,
    )


def _workbook(path: Path, sid: str) -> bytes | Path:
    """The workbook's bytes (from the zip AidData publishes) or path; both the zip and the
    workbook (itself a zip) are held to :mod:`article2.sources.archive`'s bounds."""
    try:
        if path.suffix.lower() != ".zip":
            if zipfile.is_zipfile(path):
                with zipfile.ZipFile(path) as book:
                    check_zip(book, sid)
            return path
        with zipfile.ZipFile(path) as zf:
            check_zip(zf, sid)
            # the published archive was made on a Mac: beside the workbook it holds
            # __MACOSX/ and ._* AppleDouble entries (resource forks, not workbooks), skipped
            # as ONEcampaign/oda_reader download/download_tools.py skips them
            members = [
                info.filename
                for info in zf.infolist()
                if info.filename.lower().endswith(".xlsx")
                and not info.is_dir()
                and not info.filename.startswith("__MACOSX/")
                and not info.filename.rsplit("/", 1)[-1].startswith("._")
            ]
            main = [n for n in members if "globalchinesedevelopmentfinance" in n.lower()]
            if not (main or members):
                raise MissingFileError(f"no .xlsx in the zip (found {zf.namelist()[:5]})", file=sid)
            name = (main or members)[0]
            data = read_member(zf, name, sid)
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            check_zip(book, f"{sid}:{name}")
        return data
    except ArchiveError as exc:
        raise CorruptFileError(str(exc), file=sid) from exc
    except (zipfile.BadZipFile, zlib.error) as exc:
        raise CorruptFileError(f"not a readable zip ({exc})", file=sid) from exc


def _projects(path: Path, sid: str) -> pd.DataFrame:
    """The project sheet, every cell as text (empty string when blank)."""
    if not path.is_file():
        raise MissingFileError("file not found", file=sid)
    book = _workbook(path, sid)
    try:
        df = pd.read_excel(
            io.BytesIO(book) if isinstance(book, bytes) else book,
            sheet_name=SHEET,
            dtype=str,
            engine="openpyxl",
        )
    except ValueError as exc:  # missing sheet
        raise CorruptFileError(f"no sheet {SHEET!r} ({exc})", file=sid) from exc
    except (zipfile.BadZipFile, KeyError, OSError) as exc:
        raise CorruptFileError(f"not a readable xlsx workbook ({exc})", file=sid) from exc
    b.check_columns(df.columns, COLUMNS, sid)
    df = df.fillna("")
    df.index = pd.RangeIndex(len(df))
    return df


def aggregate(projects: pd.DataFrame) -> pd.DataFrame:
    """Projects -> recipient-year sums per flow class (pure).

    ``projects`` has ``iso3``, ``year`` (int), ``flow_class``, ``amount``, ``adjusted`` (float,
    NaN when not given) and ``recommended`` (bool). Returns ``iso3, year, indicator, value``
    for every (recipient, year, class) with at least one recommended project, the sum of its
    amounts (NaN amounts count as 0, as in AidData's own aggregates).
    """
    keep = projects[projects["recommended"]].copy()
    keep["kind"] = keep["flow_class"].map(CLASSES).fillna("cn_of_vague")
    sums = keep.groupby(["iso3", "year", "kind"], as_index=False)[["amount", "adjusted"]].sum(
        min_count=0
    )
    long = pd.concat(
        [
            sums.assign(indicator=sums["kind"], value=sums["amount"]),
            sums.assign(indicator=sums["kind"] + "_adj", value=sums["adjusted"]),
        ]
    )
    return long[["iso3", "year", "indicator", "value"]].sort_values(["iso3", "year", "indicator"])


def read(path: Path, origin: Origin) -> b.ReadResult:
    """The GCDF 3.0 project sheet (zip or xlsx) -> ``country_year`` recipient-year sums."""
    sid = origin.source_id
    df = _projects(path, sid)
    q = b.Quarantine(sid)
    report: list[pd.DataFrame] = []
    flag = df[RECOMMENDED].str.strip()
    q.add(~flag.isin(["Yes", "No"]), RECOMMENDED, "not Yes or No", df[RECOMMENDED])
    recommended = flag.eq("Yes")
    year = b.to_number(df, YEAR, q, integer=True)
    amount = b.to_number(df, AMOUNT, q, nonnegative=True)
    adjusted = b.to_number(df, ADJUSTED, q, nonnegative=True)
    iso = b.map_country(df, RECIPIENT, "iso3", q, years=year, report=report).iso3
    q.add(recommended & year.isna(), YEAR, "recommended project without a commitment year")
    bad = q.bad_index()
    frame = pd.DataFrame(
        {
            "iso3": iso,
            "year": year,
            "flow_class": df[FLOW].str.strip(),
            "amount": amount,
            "adjusted": adjusted,
            "recommended": recommended,
        }
    ).drop(index=bad)
    frame["year"] = frame["year"].astype("int64")
    obs = aggregate(frame).assign(year=lambda x: x["year"].astype("int32"))
    return b.finish({"country_year": obs.reset_index(drop=True)}, len(df), q, report)
