"""UN DESA International Migrant Stock 2019: migrants by destination and origin.

Producer: United Nations, Department of Economic and Social Affairs, Population Division,
https://www.un.org/development/desa/pd/content/international-migrant-stock (CC BY 3.0 IGO).
Format read here: a wide CSV (gzipped in the snapshot) made from the UN's Excel table
``UN_MigrantStockByOriginAndDestination_2019``: ``Year, Dest`` and one column per country of
origin, each cell the mid-year number of international migrants living in ``Dest`` who were
born in (where birthplace is unknown: are citizens of) that origin, persons. Years 1990, 1995,
2000, 2005, 2010, 2015 and 2019.

Countries are UN English names, not codes ('Viet Nam', 'Republic of Korea', 'China, Hong Kong
SAR'), mapped with the ``name`` system of :mod:`article2.countries`. Five destination rows are
UN geographic regions left among the countries by the table's maker (:data:`REGIONS`); they are
reported as aggregates and not loaded. Zero means none reported; ``..`` and ``-`` mean not
available and give no observation.

Warehouse rows (``dyad_year``; o = country of birth, d = country of residence, persons):
``migrant_stock``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from article2.provenance import Origin
from article2.sources import _base as b

__all__ = ["INDICATORS", "ORIGIN", "REGIONS", "REQUIRED_ORIGINS", "read"]

ORIGIN = Origin(
    source_id="undesa_migrant_stock",
    dataset="undesa_migrant_stock",
    title="International Migrant Stock 2019: by destination and origin",
    producer="United Nations, Department of Economic and Social Affairs, Population Division",
    license="CC BY 3.0 IGO",
    sha256="",
    citation="United Nations DESA Population Division (2019). International Migrant Stock 2019 "
    "(POP/DB/MIG/Stock/Rev.2019).",
    url="https://www.un.org/development/desa/pd/content/international-migrant-stock",
    vintage="2019",
)

INDICATORS = {
    "migrant_stock": (
        "persons",
        "International migrants living in d born in o (citizens of o where birthplace is "
        "unknown), mid-year (UN DESA International Migrant Stock 2019)",
        True,
    ),
}

#: UN geographic regions among the destination rows (the origin columns have none)
REGIONS = frozenset({"Caribbean", "Melanesia", "Micronesia", "Polynesia", "South America"})

_MISSING = ("..", "-")

#: origin columns the channel measures read: a file without one of them is refused, so that a
#: renamed column cannot silently empty the U.S., Japanese, Korean or Chinese diaspora
REQUIRED_ORIGINS = ("China", "Japan", "Republic of Korea", "United States of America")


def read(path: Path, origin: Origin) -> b.ReadResult:
    sid = origin.source_id
    df = b.read_csv_text(path, sid, ("Year", "Dest", *REQUIRED_ORIGINS))
    origins = [c for c in df.columns if c not in ("Year", "Dest")]
    q = b.Quarantine(sid)
    report: list[pd.DataFrame] = []
    year = b.to_number(df, "Year", q, integer=True, nonnegative=True)
    values = {c: b.to_number(df, c, q, missing=_MISSING, nonnegative=True) for c in origins}
    is_region = df["Dest"].str.strip().isin(REGIONS)
    if is_region.any():
        counts = df.loc[is_region, "Dest"].str.strip().value_counts()
        report.append(
            pd.DataFrame(
                {"system": "name", "code": counts.index, "rows": counts.to_numpy(),
                 "status": "aggregate"}
            )
        )  # fmt: skip
    dest = b.map_country(df[~is_region], "Dest", "name", q, years=year[~is_region], report=report)
    names = pd.Series(origins, dtype=object)
    by_origin = b.map_country(
        pd.DataFrame({"origin": names}), "origin", "name", b.Quarantine(sid), report=report
    )
    origin_iso = dict(zip(origins, by_origin.iso3, strict=True))
    bad_columns = [c for c in origins if origin_iso[c] is None]
    frame = pd.DataFrame(
        {"iso3_d": dest.iso3.reindex(df.index), "year": year, "_row": df.index, **values}
    )
    frame = frame[~is_region.to_numpy()].drop(index=q.bad_index(), errors="ignore")
    b.flag_duplicates(
        df.loc[frame.index, ["Year", "Dest"]].assign(Dest=lambda x: x["Dest"].str.strip()),
        ["Year", "Dest"], q, "Dest",
    )  # fmt: skip
    frame = frame.drop(index=q.bad_index(), errors="ignore")
    keep = [c for c in origins if c not in bad_columns]
    long = frame.melt(
        id_vars=["iso3_d", "year", "_row"], value_vars=keep, var_name="origin", value_name="value"
    )
    long = long[long["value"].notna()]
    long["iso3_o"] = long["origin"].map(origin_iso)
    long["indicator"] = "migrant_stock"
    obs = long[["iso3_o", "iso3_d", "year", "indicator", "value", "_row"]]
    obs = b.resolve_observations(obs, ["iso3_o", "iso3_d", "year", "indicator"], q)
    obs = obs.assign(year=obs["year"].astype("int32"))
    return b.finish({"dyad_year": obs}, len(df), q, report)
