"""Gravity geography: distance between capitals, internal distance and contiguity (pure).

- **Distance** between two countries is the great-circle distance between their capitals
  (haversine formula on a sphere of radius :data:`EARTH_RADIUS_KM` = 6371.0088 km, the IUGG
  mean Earth radius), with the capitals and coordinates of the Correlates of War list
  (``cow_capitals``; the capital in force on 1 July of the year). The haversine form is
  ``d = 2R asin(sqrt(sin²(Δφ/2) + cos φ1 cos φ2 sin²(Δλ/2)))``.
- **Internal distance** (intra-national flows): a quarter of the distance from the capital to
  the nearest foreign capital (Wei 1996, "Intra-national versus international trade: how
  stubborn are nations in global integration?", NBER Working Paper 5531), for the
  capital-distance geography.
- **GeoDist geography** (:func:`geodist_geography`, preferred where CEPII GeoDist covers both
  countries): GeoDist's distance between the most populated cities (``dist``), contiguity
  (``contig``), common official language (``comlang_off``) and colonial ties (``colony``,
  ever in a colonial link), with the internal distance ``0.67·sqrt(area/π)`` from GeoDist's
  country areas (Head & Mayer 2002; GeoDist's own diagonal uses 2/3, 0.5% less). The
  capital-distance geography above stays the fallback for countries GeoDist lacks (states
  formed after 2004 such as Serbia, Montenegro, South Sudan, and Kosovo).
- **Contiguity** is COW direct contiguity (``cow_contdir``, version 3.2): ``contig = 1`` when
  the two states share a land or river border (``conttype = 1``) at some time in the year;
  ``conttype`` keeps the closest COW class in force that year (1 land/river; 2–5 separated by
  at most 12, 24, 150 or 400 miles of water; 0 none). Years after the last recorded date use
  the status in force on that date (the data ends in December 2016).

Only :mod:`article2.models.data` reads the warehouse; these functions take its tables.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

__all__ = [
    "EARTH_RADIUS_KM",
    "INTERNAL_DISTANCE_SHARE",
    "INTERNAL_DISTANCE_AREA_FACTOR",
    "capitals_in_year",
    "contiguity_in_year",
    "geodist_geography",
    "haversine_km",
    "internal_distance_km",
    "pair_geography",
    "with_geodist",
]

EARTH_RADIUS_KM = 6371.0088
INTERNAL_DISTANCE_SHARE = 0.25  # Wei (1996): internal distance = 1/4 of nearest foreign capital
INTERNAL_DISTANCE_AREA_FACTOR = 0.67  # Head & Mayer (2002): internal distance 0.67 sqrt(area/pi)


def haversine_km(lat1, lng1, lat2, lng2) -> np.ndarray:
    """Great-circle distance in km between points given in decimal degrees (broadcasts)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp = p2 - p1
    dl = np.radians(np.asarray(lng2, dtype=float) - np.asarray(lng1, dtype=float))
    h = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def _check_columns(df: pd.DataFrame, need: set[str], what: str) -> None:
    missing = sorted(need - set(df.columns))
    if missing:
        raise ValueError(f"{what} table lacks columns {missing}")


def capitals_in_year(capitals: pd.DataFrame, year: int) -> pd.DataFrame:
    """One capital per ISO3: the row in force on 1 July of ``year`` (latest start if several).

    Args:
        capitals: the warehouse's ``capitals`` table (iso3, start_date, end_date, lat, lng,
            source_id).

    Returns:
        iso3, capital, lat, lng, source_id — sorted by iso3.
    """
    _check_columns(
        capitals, {"iso3", "start_date", "end_date", "lat", "lng", "source_id"}, "capitals"
    )
    day = pd.Timestamp(dt.date(year, 7, 1))
    c = capitals.dropna(subset=["iso3", "lat", "lng"]).copy()
    c["start_date"] = pd.to_datetime(c["start_date"])
    c["end_date"] = pd.to_datetime(c["end_date"])
    c = c[(c["start_date"] <= day) & (c["end_date"] >= day)]
    c = c.sort_values(["iso3", "start_date"]).groupby("iso3", as_index=False).tail(1)
    cols = [k for k in ("iso3", "capital", "lat", "lng", "source_id") if k in c]
    return c[cols].sort_values("iso3").reset_index(drop=True)


def contiguity_in_year(contiguity: pd.DataFrame, year: int) -> pd.DataFrame:
    """COW contiguity class of each pair in ``year`` (both directions; only pairs with a class).

    A spell counts when it overlaps the year; after the table's last date the status in force
    on that date is used. ``conttype`` is the closest class (smallest code > 0) in the year.

    Args:
        contiguity: the warehouse's ``contiguity`` table (iso3_a, iso3_b, conttype,
            start_date, end_date, source_id).

    Returns:
        exporter, importer, conttype, contig (1 if conttype == 1), source_id.
    """
    _check_columns(
        contiguity,
        {"iso3_a", "iso3_b", "conttype", "start_date", "end_date", "source_id"},
        "contiguity",
    )
    c = contiguity.dropna(subset=["iso3_a", "iso3_b"]).copy()
    c["start_date"] = pd.to_datetime(c["start_date"])
    c["end_date"] = pd.to_datetime(c["end_date"])
    last = c["end_date"].max()
    lo = min(pd.Timestamp(dt.date(year, 1, 1)), last)
    hi = min(pd.Timestamp(dt.date(year, 12, 31)), last)
    c = c[(c["start_date"] <= hi) & (c["end_date"] >= lo) & (c["conttype"] > 0)]
    c = c[c["iso3_a"] != c["iso3_b"]]
    both = pd.concat(
        [
            c.rename(columns={"iso3_a": "exporter", "iso3_b": "importer"}),
            c.rename(columns={"iso3_a": "importer", "iso3_b": "exporter"}),
        ],
        ignore_index=True,
    )
    out = both.groupby(["exporter", "importer"], as_index=False).agg(
        conttype=("conttype", "min"), source_id=("source_id", "first")
    )
    out["conttype"] = out["conttype"].astype(int)
    out["contig"] = (out["conttype"] == 1).astype(int)
    return out


def pair_geography(capitals: pd.DataFrame, contiguity: pd.DataFrame, year: int) -> pd.DataFrame:
    """Every ordered pair (including i = i) of the countries with a capital in ``year``.

    Returns:
        exporter, importer, year, dist (km; internal distance on the diagonal), contig,
        conttype, dist_source_id, contig_source_id.
    """
    cap = capitals_in_year(capitals, year)
    if len(cap) < 2:
        raise ValueError(f"fewer than two capitals in force in {year}")
    lat, lng = cap["lat"].to_numpy(), cap["lng"].to_numpy()
    d = haversine_km(lat[:, None], lng[:, None], lat[None, :], lng[None, :])
    foreign = d.copy()
    np.fill_diagonal(foreign, np.inf)
    np.fill_diagonal(d, INTERNAL_DISTANCE_SHARE * foreign.min(axis=1))
    iso = cap["iso3"].to_numpy()
    n = len(iso)
    i, j = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    out = pd.DataFrame(
        {"exporter": iso[i.ravel()], "importer": iso[j.ravel()], "year": year, "dist": d.ravel()}
    )
    cont = contiguity_in_year(contiguity, year)
    out = out.merge(
        cont.rename(columns={"source_id": "contig_source_id"}),
        on=["exporter", "importer"],
        how="left",
    )
    out["conttype"] = out["conttype"].fillna(0).astype(int)
    out["contig"] = out["contig"].fillna(0).astype(int)
    out["dist_source_id"] = out["exporter"].map(cap.set_index("iso3")["source_id"])
    # a pair without a contiguity spell is non-contiguous according to the same table
    sources = contiguity["source_id"].dropna().unique()
    out["contig_source_id"] = out["contig_source_id"].fillna(
        sources[0] if len(sources) == 1 else "; ".join(sorted(sources))
    )
    return out[
        [
            "exporter",
            "importer",
            "year",
            "dist",
            "contig",
            "conttype",
            "dist_source_id",
            "contig_source_id",
        ]
    ]


def internal_distance_km(area_km2) -> np.ndarray:
    """Internal distance ``0.67·sqrt(area/π)`` in km from a land area in km² (Head & Mayer 2002:
    the average distance between producers and consumers in a disk-shaped country)."""
    return INTERNAL_DISTANCE_AREA_FACTOR * np.sqrt(np.asarray(area_km2, dtype=float) / np.pi)


def geodist_geography(pairs: pd.DataFrame, areas: pd.DataFrame) -> pd.DataFrame:
    """Time-invariant pair geography from CEPII GeoDist, internal distance from areas.

    Args:
        pairs: the warehouse's ``geodist`` table (iso3_o, iso3_d, dist, contig, comlang_off,
            colony, source_id).
        areas: the warehouse's ``geodist_countries`` table (iso3, area, source_id).

    Returns:
        exporter, importer, dist (km; ``0.67·sqrt(area/π)`` on the diagonal, NaN where the area
        is unknown), contig, comlang_off, colony, dist_source_id, contig_source_id.
    """
    _check_columns(
        pairs, {"iso3_o", "iso3_d", "dist", "contig", "comlang_off", "colony", "source_id"},
        "geodist",
    )  # fmt: skip
    _check_columns(areas, {"iso3", "area", "source_id"}, "geodist_countries")
    out = pairs.rename(columns={"iso3_o": "exporter", "iso3_d": "importer"})
    out = out.dropna(subset=["exporter", "importer"]).copy()
    same = (out["exporter"] == out["importer"]).to_numpy()
    area = out["exporter"].map(areas.drop_duplicates("iso3").set_index("iso3")["area"])
    out["dist"] = np.where(same, internal_distance_km(area), out["dist"].astype(float))
    out["dist_source_id"] = np.where(
        same,
        out["exporter"].map(areas.drop_duplicates("iso3").set_index("iso3")["source_id"]),
        out["source_id"],
    )
    out["contig_source_id"] = out["source_id"]
    for c in ("contig", "comlang_off", "colony"):
        out[c] = out[c].astype(int)
    return out[["exporter", "importer", "dist", "contig", "comlang_off", "colony",
                "dist_source_id", "contig_source_id"]].reset_index(drop=True)  # fmt: skip


def with_geodist(capital_geo: pd.DataFrame, geodist: pd.DataFrame) -> pd.DataFrame:
    """The capital-distance geography of :func:`pair_geography` with GeoDist's values wherever
    GeoDist has the pair (``geo_source`` says which: ``"geodist"`` or ``"capitals"``).

    Pairs GeoDist lacks keep the capital distance and COW contiguity; their ``comlang_off`` and
    ``colony`` are unknown (NaN). GeoDist pairs without a COW capital in the year are added.
    """
    g = geodist.rename(columns={c: f"{c}_g" for c in geodist.columns
                                if c not in ("exporter", "importer")})  # fmt: skip
    years = capital_geo["year"].unique()
    g = g.merge(pd.DataFrame({"year": years}), how="cross")
    out = capital_geo.merge(g, on=["exporter", "importer", "year"], how="outer")
    has = out["dist_g"].notna()
    out["geo_source"] = np.where(has, "geodist", "capitals")
    for c in ("dist", "contig", "dist_source_id", "contig_source_id"):
        out[c] = out[f"{c}_g"].where(has, out[c])
    out["comlang_off"] = out["comlang_off_g"].where(has)
    out["colony"] = out["colony_g"].where(has)
    out["contig"] = out["contig"].fillna(0).astype(int)
    out["conttype"] = out["conttype"].fillna(0).astype(int)
    return out.drop(columns=[c for c in out.columns if c.endswith("_g")])
