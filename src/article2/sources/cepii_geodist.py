"""CEPII GeoDist: bilateral distances, contiguity, common language, colonial ties; country areas.

Producer: CEPII, http://www.cepii.fr/CEPII/en/bdd_modele/bdd_modele_item.asp?id=6 (Etalab Open
Licence 2.0); Mayer and Zignago (2011). Both files are Excel 97 (``.xls``) workbooks, read with
xlrd; GeoDist is time-invariant (the files date from 2004/2011).

``dist_cepii.zip``
    a zip holding one workbook, ``dist_cepii.xls``: one row per ordered pair ``iso_o, iso_d``
    (including a country with itself) with ``contig`` (1 if contiguous), ``comlang_off``
    (common official language), ``comlang_ethno`` (a language spoken by at least 9% in both),
    ``colony`` (ever in a colonial link), ``comcol`` (common coloniser after 1945), ``curcol``
    (currently colonial), ``col45`` (colonial relationship after 1945), ``smctry`` (were the
    same country), ``dist`` (km between the most populated cities), ``distcap`` (km between
    capitals), ``distw`` and ``distwces`` (population-weighted distances, theta = 1 and -1).
``geo_cepii.xls``
    one row per country and main city (some countries have two rows: capital and largest city)
    with ``iso3``, ``country``, ``area`` (km²), ``landlocked``, ``continent``, ``city_en``,
    ``lat``, ``lon``, ``cap`` (1 if the city is the capital) and languages and colonisers;
    ``.`` means none.

Codes are CEPII's ISO3 with legacy codes (code system ``cepii`` of :mod:`article2.countries`):
ROM Romania, ZAR DR Congo, TMP Timor-Leste, PAL Palestine, and YUG, which here is Serbia and
Montenegro. BEL's area (33,114 km²) is Belgium and Luxembourg together, as the file says.

Warehouse rows: ``geodist`` (one row per ordered pair) and ``geodist_countries`` (one row per
country: area, landlocked, continent and the capital's coordinates).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd

from article2.errors import CorruptFileError, MissingFileError
from article2.provenance import Origin
from article2.sources import _base as b
from article2.sources.archive import check_zip

__all__ = ["DUMMIES", "DISTANCES", "ORIGIN", "read", "read_workbook"]

ORIGIN = Origin(
    source_id="cepii_geodist",
    dataset="cepii_geodist",
    title="GeoDist",
    producer="CEPII",
    license="Etalab Open Licence 2.0",
    sha256="",
    citation="Mayer, T. and Zignago, S. (2011). Notes on CEPII's distances measures: the "
    "GeoDist Database. CEPII Working Paper 2011-25.",
    url="http://www.cepii.fr/CEPII/en/bdd_modele/bdd_modele_item.asp?id=6",
)

DUMMIES = ("contig", "comlang_off", "comlang_ethno", "colony", "comcol", "curcol", "col45",
           "smctry")  # fmt: skip
DISTANCES = ("dist", "distcap", "distw", "distwces")
PAIR_COLUMNS = ("iso_o", "iso_d", *DUMMIES, *DISTANCES)
COUNTRY_COLUMNS = ("iso3", "country", "area", "landlocked", "continent", "city_en", "lat",
                   "lon", "cap")  # fmt: skip
_MISSING = (".",)


def read_workbook(path: Path, source_id: str, required: tuple[str, ...]) -> pd.DataFrame:
    """The first sheet of an ``.xls`` workbook (or of the one ``.xls`` inside a ``.zip``), as text.

    Raises:
        MissingFileError, CorruptFileError, MissingColumnError: naming the file (and column).
    """
    if not path.is_file():
        raise MissingFileError("file not found in the snapshot", file=source_id)
    try:
        if path.suffix.lower() == ".zip":
            with zipfile.ZipFile(path) as zf:
                check_zip(zf, source_id)  # bounded like every zip the project opens
                inner = [n for n in zf.namelist() if n.lower().endswith(".xls")]
                if len(inner) != 1:
                    raise CorruptFileError(
                        f"expected one .xls workbook in the zip, found {zf.namelist()}",
                        file=source_id,
                    )
                with zf.open(inner[0]) as fh:
                    df = pd.read_excel(fh, dtype=str, engine="xlrd", keep_default_na=False)
        else:
            df = pd.read_excel(path, dtype=str, engine="xlrd", keep_default_na=False)
    except CorruptFileError:
        raise
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise CorruptFileError(f"not a readable Excel 97 workbook ({exc})", file=source_id) from exc
    except Exception as exc:  # xlrd.XLRDError and its kin: the bytes are not a workbook
        if type(exc).__module__.startswith("xlrd"):
            raise CorruptFileError(
                f"not a readable Excel 97 workbook ({exc})", file=source_id
            ) from exc
        raise
    df.columns = [str(c).strip() for c in df.columns]
    b.check_columns(df.columns, required, source_id)
    df = df.astype(str).apply(lambda c: c.str.strip())
    df.index = pd.RangeIndex(len(df))
    return df


def _read_pairs(path: Path, sid: str) -> b.ReadResult:
    df = read_workbook(path, sid, PAIR_COLUMNS)
    q = b.Quarantine(sid)
    report: list[pd.DataFrame] = []
    values = {c: b.to_number(df, c, q, nonnegative=True) for c in DISTANCES}
    dummies = {c: b.to_number(df, c, q, nonnegative=True, integer=True) for c in DUMMIES}
    for c, v in dummies.items():
        q.add(v.notna() & ~v.isin([0, 1]), c, "not 0 or 1", df[c])
    iso_o = b.map_country(df, "iso_o", "cepii", q, report=report).iso3
    iso_d = b.map_country(df, "iso_d", "cepii", q, report=report).iso3
    frame = pd.DataFrame(
        {"iso3_o": iso_o, "iso3_d": iso_d, "code_o": df["iso_o"], "code_d": df["iso_d"],
         **dummies, **values, "_row": df.index}
    )  # fmt: skip
    frame = frame.drop(index=q.bad_index())
    b.flag_duplicates(frame, ["code_o", "code_d"], q, "iso_o")
    frame = frame.drop(index=q.bad_index(), errors="ignore")
    b.flag_duplicates(frame, ["iso3_o", "iso3_d"], q, "iso_o")
    for c in DUMMIES:
        frame[c] = frame[c].astype("Int8")
    return b.finish({"geodist": frame}, len(df), q, report)


def _read_countries(path: Path, sid: str) -> b.ReadResult:
    df = read_workbook(path, sid, COUNTRY_COLUMNS)
    q = b.Quarantine(sid)
    report: list[pd.DataFrame] = []
    area = b.to_number(df, "area", q, nonnegative=True)
    q.add(area.isna() | (area == 0), "area", "no area", df["area"])
    landlocked = b.to_number(df, "landlocked", q, nonnegative=True, integer=True)
    lat = b.to_number(df, "lat", q)
    lon = b.to_number(df, "lon", q)
    cap = b.to_number(df, "cap", q, nonnegative=True, integer=True)
    iso3 = b.map_country(df, "iso3", "cepii", q, report=report).iso3
    frame = pd.DataFrame(
        {"iso3": iso3, "code": df["iso3"], "name": df["country"], "area": area,
         "landlocked": landlocked, "continent": df["continent"], "capital": df["city_en"],
         "lat": lat, "lon": lon, "cap": cap, "_row": df.index}
    )  # fmt: skip
    frame = frame.drop(index=q.bad_index())
    # several rows per country (capital and main city) must agree on the country's attributes
    first = frame.groupby("code")[["area", "landlocked"]].transform("first")
    q.add(
        (frame[["area", "landlocked"]] != first).any(axis=1),
        "area",
        "area or landlocked differs from the country's first row",
        frame["code"],
    )
    frame = frame.drop(index=q.bad_index(), errors="ignore")
    # the capital's row where there is one (cap = 1), else the first row
    frame = frame.assign(_order=(frame["cap"] != 1).astype(int)).sort_values(
        ["code", "_order", "_row"], kind="stable"
    )
    frame = frame.drop_duplicates("code", keep="first").sort_values("_row")
    b.flag_duplicates(frame, ["iso3"], q, "iso3")
    frame = frame.drop(columns=["_order", "cap"])
    frame["landlocked"] = frame["landlocked"].astype("Int8")
    return b.finish({"geodist_countries": frame}, len(df), q, report)


def read(path: Path, origin: Origin) -> b.ReadResult:
    sid = origin.source_id
    if path.name.startswith("geo_cepii"):
        return _read_countries(path, sid)
    if path.name.startswith("dist_cepii"):
        return _read_pairs(path, sid)
    raise MissingFileError(
        f"no GeoDist reader for {path.name!r} (known: dist_cepii.zip, geo_cepii.xls)", file=sid
    )
