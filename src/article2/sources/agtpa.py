"""An Advanced Guide to Trade Policy Analysis: the structural gravity model (WTO/UNCTAD 2016).

Producer: Yotov, Piermartini, Monteiro & Larch; datasets at
https://vi.unctad.org/tpa/index.html (mirrored by pachadotdev/tradepolicy). Format read here:
Stata ``.dta`` files ``Chapter{1,2}Application{1,2}.dta`` with exporter, importer (ISO3-like,
Romania as ``ROM``), pair_id, year, trade (manufacturing, USD millions, incl. intra-national
flows), DIST, CNTG, LANG, CLNY and, in some applications, RTA.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from article2.errors import CorruptFileError, MissingFileError
from article2.provenance import Origin
from article2.sources import _base as b

__all__ = ["ORIGIN", "read"]

ORIGIN = Origin(
    source_id="agtpa",
    dataset="agtpa",
    title="An Advanced Guide to Trade Policy Analysis: datasets",
    producer="Yotov, Piermartini, Monteiro & Larch (2016), WTO/UNCTAD",
    license="CC BY 4.0",
    sha256="",
    citation="Yotov, Y.V., Piermartini, R., Monteiro, J.-A. and Larch, M. (2016). An Advanced "
    "Guide to Trade Policy Analysis: The Structural Gravity Model. WTO and UNCTAD.",
    url="https://vi.unctad.org/tpa/index.html",
)

REQUIRED = ("exporter", "importer", "pair_id", "year", "trade", "DIST", "CNTG", "LANG", "CLNY")


def read(path: Path, origin: Origin) -> b.ReadResult:
    sid = origin.source_id
    if not path.is_file():
        raise MissingFileError("file not found in the snapshot", file=sid)
    try:
        raw = pd.read_stata(path, convert_categoricals=False)
    except Exception as exc:  # pandas raises several types for a damaged .dta
        raise CorruptFileError(
            f"cannot read Stata file ({type(exc).__name__}: {exc})", file=sid
        ) from exc
    b.check_columns(raw.columns, REQUIRED, sid)
    df = raw.astype(str).replace({"nan": "", "<NA>": ""})
    df.index = pd.RangeIndex(len(df))
    q = b.Quarantine(sid)
    report: list[pd.DataFrame] = []
    year = b.to_number(df, "year", q, integer=True)
    num = {
        "pair_id": b.to_number(df, "pair_id", q, integer=True),
        "trade": b.to_number(df, "trade", q, nonnegative=True),
        "dist": b.to_number(df, "DIST", q, nonnegative=True),
        "cntg": b.to_number(df, "CNTG", q, integer=True),
        "lang": b.to_number(df, "LANG", q, integer=True),
        "clny": b.to_number(df, "CLNY", q, integer=True),
    }
    rta = b.to_number(df, "RTA", q, integer=True) if "RTA" in df.columns else None
    exp = b.map_country(df, "exporter", "iso3", q, years=year, report=report).iso3
    imp = b.map_country(df, "importer", "iso3", q, years=year, report=report).iso3
    out = pd.DataFrame(
        {
            "application": path.stem,
            "exporter": exp,
            "importer": imp,
            "year": year,
            **num,
            "rta": rta if rta is not None else pd.NA,
            "_row": df.index,
        }
    )
    b.flag_duplicates(
        out.drop(index=q.bad_index()), ["exporter", "importer", "year"], q, "exporter"
    )
    return b.finish({"gravity_agtpa": out}, len(df), q, report)
