"""Gravity panels assembled from the warehouse.

- :func:`agtpa_panel` — one of the Advanced Guide's application datasets (``gravity_agtpa``),
  with the derived columns the book's specifications use.
- :func:`comtrade_panel` — the Comtrade extract (``dyad_year`` indicator ``trade_comtrade``,
  international flows only) with an ``rta`` dummy from its deep-trade-agreement ids
  (``dyad_agreement_dta``, any id ≠ 0), CEPII GeoDist geography (distance, contiguity, common
  official language, colonial ties) with the capital-distance geography as the fallback for
  countries GeoDist lacks (:func:`geography`), and GDP (``gdp_usd``) per country-year.
- :func:`geography` — GeoDist (``geodist``, ``geodist_countries``; internal distance
  ``0.67·sqrt(area/π)``) where it has the pair, else distance between capitals
  (``capitals``), internal distance and COW direct contiguity (``contiguity``) for every pair
  in a year (:func:`article2.models.geography.pair_geography`, :func:`~article2.models.
  geography.with_geodist`).

The tables come from :mod:`article2.measures.gravity` (one warehouse handle); the estimators
and the solver take the panels.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from article2 import warehouse
from article2.measures import gravity
from article2.models import geography as geo

__all__ = ["add_gravity_columns", "agtpa_panel", "comtrade_gdp", "comtrade_panel", "geography"]


def add_gravity_columns(df: pd.DataFrame) -> pd.DataFrame:
    """Columns the book's specifications use, added to a copy of an exporter-importer-year table.

    ``exp_year``/``imp_year`` (fixed-effect keys), ``pair_id`` (an undirected pair key for
    clustering, unless the data has one), ``pair`` (pair fixed-effect key — the book's
    ``pair_id`` where it exists, else the directed pair — with every intra-national pair
    sharing one level, ``"intra"``, as the book does), ``intl`` (1 if international),
    ``smctry`` (1 if intra-national), ``log_dist`` and ``log_dist_intra`` where ``dist`` exists.
    """
    out = df.copy()
    year = out["year"].astype(str)
    out["exp_year"] = out["exporter"] + "_" + year
    out["imp_year"] = out["importer"] + "_" + year
    same = out["exporter"] == out["importer"]
    out["intl"] = (~same).astype(int)
    out["smctry"] = same.astype(int)
    if "pair_id" not in out:  # undirected pair key, for clustering
        lo = np.minimum(out["exporter"], out["importer"])
        hi = np.maximum(out["exporter"], out["importer"])
        out["pair_id"] = lo + "_" + hi
        pair = out["exporter"] + "_" + out["importer"]
    else:
        pair = out["pair_id"].astype(str)
    out["pair"] = np.where(same, "intra", pair)
    if "dist" in out:
        out["log_dist"] = np.log(out["dist"])
        out["log_dist_intra"] = out["log_dist"] * out["smctry"]
    return out


def agtpa_panel(application: str, *, path: Path | None = None) -> pd.DataFrame:
    """One Advanced Guide dataset (e.g. ``"Chapter2Application2"``) with derived columns.

    Raises:
        ValueError: the warehouse has no rows for ``application`` (the message lists those it has).
    """
    wh = warehouse.open_warehouse(path)
    df = gravity.agtpa(wh, application)
    if df.empty:
        raise ValueError(
            f"no gravity_agtpa rows for application {application!r}; "
            f"the warehouse has {gravity.agtpa_applications(wh)}"
        )
    if df["rta"].isna().all():
        df = df.drop(columns="rta")
    return add_gravity_columns(df)


def comtrade_panel(
    years: tuple[int, ...], *, path: Path | None = None, geodist: bool = True
) -> pd.DataFrame:
    """International flows of the Comtrade extract for ``years`` with an ``rta`` dummy.

    Columns: exporter, importer, year, trade (current USD), rta (0/1: the dyad-year has a
    World Bank deep-trade-agreement id), dta_id, source_id; from :func:`geography`: dist (km;
    GeoDist's distance between the most populated cities where GeoDist has the pair, else
    between COW capitals), contig (GeoDist contiguity, else COW land/river border), conttype
    (COW), comlang_off and colony (GeoDist; NaN where GeoDist lacks the pair), geo_source
    (``"geodist"`` or ``"capitals"``), dist_source_id, contig_source_id; and the columns of
    :func:`add_gravity_columns` (``log_dist``). Rows are the extract's (zeros kept;
    exporter-reported). Pairs neither geography covers have no distance (NaN) and contig 0.
    ``geodist=False`` gives the capital-distance geography alone.
    """
    df = gravity.comtrade_dta(warehouse.open_warehouse(path), years)
    if df.empty:
        raise ValueError(f"no trade_comtrade rows for years {years}")
    g = geography(tuple(sorted(df["year"].unique())), path=path, geodist=geodist)
    df = df.merge(g, on=["exporter", "importer", "year"], how="left")
    df["contig"] = df["contig"].fillna(0).astype(int)
    df["conttype"] = df["conttype"].fillna(0).astype(int)
    df["contig_source_id"] = df["contig_source_id"].fillna(g["contig_source_id"].iloc[0])
    df["geo_source"] = df["geo_source"].fillna("none")
    return add_gravity_columns(df)


def geography(
    years: tuple[int, ...], *, path: Path | None = None, geodist: bool = True
) -> pd.DataFrame:
    """Distance, internal distance and contiguity for every pair, per year.

    GeoDist where it has the pair (with ``comlang_off``, ``colony`` and internal distance
    ``0.67·sqrt(area/π)``), else the capital-distance geography (haversine between COW capitals;
    internal distance a quarter of the nearest foreign capital, Wei 1996; COW direct
    contiguity); see :mod:`article2.models.geography`. Without GeoDist rows in the warehouse,
    or with ``geodist=False``, the capital-distance geography alone (``geo_source``
    ``"capitals"``).
    """
    wh = warehouse.open_warehouse(path)
    caps = gravity.capitals(wh)
    cont = gravity.contiguity(wh)
    capital_geo = pd.concat(
        [geo.pair_geography(caps, cont, int(y)) for y in years], ignore_index=True
    )
    pairs = gravity.geodist_pairs(wh) if geodist else pd.DataFrame()
    if pairs.empty:
        return capital_geo.assign(geo_source="capitals", comlang_off=np.nan, colony=np.nan)
    return geo.with_geodist(capital_geo, geo.geodist_geography(pairs, gravity.geodist_areas(wh)))


def comtrade_gdp(year: int, *, path: Path | None = None) -> pd.Series:
    """GDP (current USD, the measures layer's one GDP: World Bank, or a fetched vintage) by ISO3
    for one year."""
    df = gravity.gdp_any(warehouse.open_warehouse(path), year)
    return df.set_index("iso3")["value"].rename("gdp_usd")
