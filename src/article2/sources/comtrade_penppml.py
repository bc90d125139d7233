"""UN Comtrade bilateral exports with deep-trade-agreement provisions (penppml extract).

Producer: the penppml R package (Breinlich, Corradi, Rocha, Ruta, Santos Silva, Zylkin),
https://github.com/tomzylkin/penppml, from UN Comtrade (https://comtradeplus.un.org/) and the
World Bank Content of Deep Trade Agreements database
(https://datatopics.worldbank.org/dta/). Formats read here:

- ``trade.csv.gz``: exp, imp, time, export (current USD, exporter-reported), id (World Bank
  DTA id, 0 = none), agreement, and 0/1 provision dummies ``*_prov_*``; every 4 years.
- ``countries.csv``: iso, name, region, sub.region (UN regions).

Warehouse rows: ``dyad_year`` indicator ``trade_comtrade`` (o = exporter, d = importer) and
``dyad_agreement_dta`` for dyad-years with an agreement.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from article2.provenance import Origin
from article2.sources import _base as b

__all__ = ["INDICATORS", "ORIGIN", "read"]

ORIGIN = Origin(
    source_id="comtrade_penppml",
    dataset="comtrade_penppml",
    title="Bilateral exports with trade-agreement provisions (UN Comtrade + World Bank DTA)",
    producer="penppml R package (Breinlich, Corradi, Rocha, Ruta, Santos Silva, Zylkin)",
    license="package MIT; underlying UN Comtrade terms apply",
    sha256="",
    citation="Breinlich, H., Corradi, V., Rocha, N., Ruta, M., Santos Silva, J.M.C. and "
    "Zylkin, T. (2021). Machine Learning in International Trade Research: Evaluating the "
    "Impact of Trade Agreements. World Bank Policy Research Working Paper 9629.",
    url="https://github.com/tomzylkin/penppml",
)

INDICATORS = {
    "trade_comtrade": ("current USD", "Exports of o to d as reported by o (UN Comtrade)", True),
}


def read(path: Path, origin: Origin) -> b.ReadResult:
    if path.name.startswith("countries"):
        return _countries(path, origin.source_id)
    return _trade(path, origin.source_id)


def _trade(path: Path, sid: str) -> b.ReadResult:
    df = b.read_csv_text(path, sid, ("exp", "imp", "time", "export", "id", "agreement"))
    q = b.Quarantine(sid)
    report: list[pd.DataFrame] = []
    year = b.to_number(df, "time", q, integer=True)
    value = b.to_number(df, "export", q, nonnegative=True)
    dta = b.to_number(df, "id", q, integer=True, nonnegative=True)
    prov_cols = [c for c in df.columns if "_prov_" in c]
    provs = {c: b.to_number(df, c, q, integer=True) for c in prov_cols}
    for c, v in provs.items():
        q.add(~v.isin([0, 1]) & v.notna(), c, "provision dummy not 0/1", df[c])
    o = b.map_country(df, "exp", "iso3", q, years=year, report=report).iso3
    d = b.map_country(df, "imp", "iso3", q, years=year, report=report).iso3
    q.add(
        df["export"].str.strip().isin(b.MISSING_TOKENS),
        "export",
        "no data: export value missing",
        df["export"],
    )
    frame = pd.DataFrame(
        {
            "iso3_o": o,
            "iso3_d": d,
            "year": year,
            "value": value,
            "indicator": "trade_comtrade",
            "_row": df.index,
        }
    )
    b.flag_duplicates(df.drop(index=q.bad_index()), ["exp", "imp", "time"], q, "exp")
    frame = frame.drop(index=q.bad_index())
    obs = b.resolve_observations(frame, ["iso3_o", "iso3_d", "year", "indicator"], q)
    obs["year"] = obs["year"].astype("int32")
    has = (dta > 0) & ~df.index.isin(q.bad_index())
    agr = pd.DataFrame(
        {
            "iso3_o": o[has],
            "iso3_d": d[has],
            "year": year[has].astype("int32"),
            "dta_id": dta[has].astype("int64"),
            "agreement": df.loc[has, "agreement"].str.strip(),
            "_row": df.index[has],
        }
    )
    agr["agreement"] = agr["agreement"].where(agr["agreement"] != "", None)
    prov_frame = pd.DataFrame({c: v[has].astype("int64") for c, v in provs.items()})
    agr["provisions"] = [
        dict(zip(prov_cols, r, strict=True)) for r in prov_frame.itertuples(index=False, name=None)
    ]
    return b.finish({"dyad_year": obs, "dyad_agreement_dta": agr}, len(df), q, report)


def _countries(path: Path, sid: str) -> b.ReadResult:
    df = b.read_csv_text(path, sid, ("iso", "name", "region", "sub.region"))
    q = b.Quarantine(sid)
    report: list[pd.DataFrame] = []
    m = b.map_country(df, "iso", "iso3", q, quarantine_aggregates=False, report=report)
    out = pd.DataFrame(
        {
            "code": df["iso"],
            "name": df["name"],
            "iso3": m.iso3,
            "region": df["region"],
            "subregion": df["sub.region"],
            "_row": df.index,
        }
    )
    b.flag_duplicates(out, ["code"], q, "iso")
    return b.finish({"source_countries": out}, len(df), q, report)
