"""AidData Global Chinese Development Finance (GCDF 3.0), aggregated to recipient-years.

Producer: AidData at William & Mary, https://www.aiddata.org/data/aiddatas-global-chinese-development-finance-dataset-version-3-0 ;
aggregation by the odadata R package (https://github.com/milesdwilliams15/odadata).
Format read here: CSV with a recipient code (``ccode`` = COW in ``cow_gcdf.csv``, ``gwcode`` =
Gleditsch-Ward in ``gw_gcdf.csv``), ``year`` (commitment year) and commitments in constant
2021 USD: ``oda_amt`` (ODA-like), ``oof_amt`` (OOF-like), ``vof_amt`` (vague official
finance) and the ``*_adj`` adjusted amounts. Recipients with no Chinese finance are absent
(no data), not zero. The two files carry the same figures in two code systems; both are
loaded and told apart by ``source_id``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from article2.countries import CodeSystem
from article2.provenance import Origin
from article2.sources import _base as b

__all__ = ["INDICATORS", "ORIGIN", "read"]

ORIGIN = Origin(
    source_id="aiddata_gcdf",
    dataset="aiddata_gcdf",
    title="Global Chinese Development Finance Dataset, Version 3.0",
    producer="AidData (William & Mary)",
    license="AidData terms: free with attribution",
    sha256="",
    citation="Custer, S., Dreher, A., Elston, T.B., et al. (2023). Tracking Chinese "
    "Development Finance: An Application of AidData's TUFF 3.0 Methodology. AidData.",
    url="https://www.aiddata.org/data/aiddatas-global-chinese-development-finance-dataset-version-3-0",
)

UNIT = "constant 2021 USD"
VALUES = {
    "oda_amt": ("cn_of_oda", "Chinese ODA-like commitments"),
    "oda_adj": ("cn_of_oda_adj", "Chinese ODA-like commitments, adjusted"),
    "oof_amt": ("cn_of_oof", "Chinese OOF-like commitments"),
    "oof_adj": ("cn_of_oof_adj", "Chinese OOF-like commitments, adjusted"),
    "vof_amt": ("cn_of_vague", "Chinese vague official finance commitments"),
    "vof_adj": ("cn_of_vague_adj", "Chinese vague official finance commitments, adjusted"),
}
INDICATORS = {ind: (UNIT, desc, False) for ind, desc in VALUES.values()}


def read(path: Path, origin: Origin) -> b.ReadResult:
    sid = origin.source_id
    gw = path.name.startswith("gw")
    code_col = "gwcode" if gw else "ccode"
    system: CodeSystem = "gw" if gw else "cow"
    df = b.read_csv_text(path, sid, (code_col, "year", *VALUES))
    q = b.Quarantine(sid)
    report: list[pd.DataFrame] = []
    year = b.to_number(df, "year", q, integer=True)
    values = {c: b.to_number(df, c, q, nonnegative=True) for c in VALUES}
    iso = b.map_country(df, code_col, system, q, years=year, report=report).iso3
    frame = pd.DataFrame({"iso3": iso, "year": year, "_row": df.index, **values})
    frame = frame.drop(index=q.bad_index())
    b.flag_duplicates(frame, ["iso3", "year"], q, code_col)
    obs = b.melt_obs(
        frame[~frame.index.isin(q.bad_index())],
        ["iso3", "year"],
        {c: v[0] for c, v in VALUES.items()},
    )
    obs["year"] = obs["year"].astype("int32")
    return b.finish({"country_year": obs}, len(df), q, report)
