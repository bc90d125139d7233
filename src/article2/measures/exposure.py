"""Country-level exposure to economic coercion by China, each measure defined once.

Measures for target ``B`` in year ``t`` (METHODS.md, "Concentration and product-level
exposure", country level), from one trade source (default COW):

- ``exports_to_china_pct_gdp``: ``100 · X_{B→CHN} / GDP_B`` (both current USD);
- ``china_share_imports`` ``M_{CHN→B} / M_B`` and ``china_share_exports`` ``X_{B→CHN} / X_B``;
- ``hhi_import_partners`` and ``hhi_export_partners``: ``HHI = Σ_j s_j²`` of the partners,
  computed from per-country sums ``Σ_j v_j`` and ``Σ_j v_j²`` as ``Σ_j v_j² / (Σ_j v_j)²``;
- ``china_finance_pct_gdp``: Chinese official finance commitments in the year as % of GDP,
  which is :data:`article2.measures.finance.CN_OF_PCT_GDP` (the same numbers).

A country's imports are the rows it reports (``d = B``); its exports are the rows with
``o = B``. A country without export rows has no export-side measure (not zero). China's
China measures are missing.

Each measure is compared with the distribution across all countries that have it in the same
year: the **percentile** ``100 · #{c : v_c ≤ v_B} / n`` (100 = the most exposed).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from article2.measures import Measure, trade
from article2.measures import finance as fin
from article2.measures.economy import GDP_SOURCE, gdp, gdp_source_ids
from article2.warehouse import Warehouse

__all__ = [
    "EXPOSURE",
    "MEASURES",
    "TRADE_MEASURES",
    "exposure",
    "exposure_measures",
    "percentile",
    "ranked",
    "table",
]

_COW = "cow_trade/cow_dyadic_trade_4.0.csv.gz"
#: measure -> (unit, description): the keys every surface uses
MEASURES: dict[str, tuple[str, str]] = {
    "exports_to_china_pct_gdp": ("% of GDP", "Exports to China as % of GDP"),
    "china_share_imports": ("share", "China's share of the target's imports"),
    "china_share_exports": ("share", "China's share of the target's exports"),
    "hhi_import_partners": ("HHI (0-1)", "Concentration (HHI) of import partners"),
    "hhi_export_partners": ("HHI (0-1)", "Concentration (HHI) of export partners"),
    "china_finance_pct_gdp": (
        "% of GDP (constant-2021 USD commitments / current-USD GDP)",
        "Chinese official finance commitments in the year (ODA-like + OOF-like + vague) "
        "as % of GDP",
    ),
}
TRADE_MEASURES: tuple[str, ...] = tuple(m for m in MEASURES if m != "china_finance_pct_gdp")
EXPOSURE: dict[str, Measure] = {
    m: Measure(
        m, label, unit,
        label + (": " + fin.CN_OF_PCT_GDP.definition if m == "china_finance_pct_gdp" else
                 " (trade source of the caller, COW by default; percentile among all countries "
                 "with a value in the year)"),
        (fin.AIDDATA_SOURCE, GDP_SOURCE) if m == "china_finance_pct_gdp"
        else ((_COW, GDP_SOURCE) if "gdp" in m else (_COW,)),
    )
    for m, (unit, label) in MEASURES.items()
}  # fmt: skip


def percentile(value: float, distribution: np.ndarray | pd.Series) -> float:
    """``100 · #{v ≤ value} / n`` over the non-missing values of ``distribution``."""
    d = np.asarray(distribution, dtype=float)
    d = d[~np.isnan(d)]
    if value is None or np.isnan(value) or d.size == 0:
        return float("nan")
    return float(100.0 * np.count_nonzero(d <= value) / d.size)


def exposure_measures(sums: pd.DataFrame) -> pd.DataFrame:
    """Exposure measures per country from per-country sums (pure).

    Args:
        sums: one row per country (``iso3``) with ``m_total``, ``m_chn``, ``m_sumsq`` (B's
            imports: total, from China, sum of squared partner flows), ``x_total``, ``x_chn``,
            ``x_sumsq`` (B's exports), ``gdp`` (current USD in the trade year, may be NaN),
            ``cn_finance`` (Chinese official finance, NaN when no record) and ``gdp_finance``
            (current USD in the finance year).

    Returns:
        A new frame indexed by ``iso3`` with one column per key of :data:`MEASURES` (NaN where
        undefined; CHN's China measures are NaN).
    """
    need = ["iso3", "m_total", "m_chn", "m_sumsq", "x_total", "x_chn", "x_sumsq", "gdp",
            "cn_finance", "gdp_finance"]  # fmt: skip
    missing = [c for c in need if c not in sums.columns]
    if missing:
        raise ValueError(f"exposure_measures: missing columns {missing}")
    s = sums.set_index("iso3")

    def ratio(a: pd.Series, b: pd.Series) -> pd.Series:
        return (a / b.where(b > 0)).astype(float)

    out = pd.DataFrame(index=s.index)
    out["exports_to_china_pct_gdp"] = 100 * ratio(s["x_chn"], s["gdp"])
    out["china_share_imports"] = ratio(s["m_chn"], s["m_total"])
    out["china_share_exports"] = ratio(s["x_chn"], s["x_total"])
    out["hhi_import_partners"] = ratio(s["m_sumsq"], s["m_total"] ** 2)
    out["hhi_export_partners"] = ratio(s["x_sumsq"], s["x_total"] ** 2)
    out["china_finance_pct_gdp"] = 100 * ratio(s["cn_finance"], s["gdp_finance"])
    if "CHN" in out.index:
        out.loc["CHN", ["exports_to_china_pct_gdp", "china_share_imports",
                        "china_share_exports", "china_finance_pct_gdp"]] = np.nan  # fmt: skip
    return out


def _sums(wh: Warehouse, source: str, year: int | None) -> pd.DataFrame:
    ind = trade.TRADE_SOURCES[source][0]
    sums = wh.sql(
        """
        WITH f AS (SELECT iso3_o, iso3_d, value FROM dyad_year
                   WHERE indicator = ? AND year = ? AND value IS NOT NULL),
        m AS (SELECT iso3_d AS iso3, sum(value) AS m_total,
                     coalesce(sum(value) FILTER (WHERE iso3_o = 'CHN'), 0) AS m_chn,
                     sum(value * value) AS m_sumsq
              FROM f GROUP BY 1),
        x AS (SELECT iso3_o AS iso3, sum(value) AS x_total,
                     coalesce(sum(value) FILTER (WHERE iso3_d = 'CHN'), 0) AS x_chn,
                     sum(value * value) AS x_sumsq
              FROM f GROUP BY 1)
        SELECT coalesce(m.iso3, x.iso3) AS iso3, m_total, m_chn, m_sumsq,
               x_total, x_chn, x_sumsq
        FROM m FULL JOIN x ON m.iso3 = x.iso3
        """,
        [ind, year if year is not None else -1],
    )
    if year is not None:
        g = gdp(wh, year)[["iso3", "value"]].rename(columns={"value": "gdp"})
        sums = sums.merge(g, on="iso3", how="left")
    else:
        sums["gdp"] = np.nan
    return sums


def table(
    wh: Warehouse, year: int | None, *, finance_year: int | None = None, source: str = "cow"
) -> pd.DataFrame:
    """Every exposure measure of every country: trade ones in ``year`` (None: none), Chinese
    official finance in ``finance_year`` (None: none). A frame indexed by ``iso3`` with one
    column per key of :data:`MEASURES`."""
    def compute() -> pd.DataFrame:
        sums = _sums(wh, source, year)
        if finance_year is not None:
            f = fin.commitments(wh, finance_year)[["iso3", "value"]].rename(
                columns={"value": "cn_finance"})
            g = gdp(wh, finance_year)[["iso3", "value"]].rename(columns={"value": "gdp_finance"})
            f = f.merge(g, on="iso3", how="left")
        else:
            f = pd.DataFrame(columns=["iso3", "cn_finance", "gdp_finance"], dtype=float)
        sums["iso3"] = sums["iso3"].astype(object)
        f["iso3"] = f["iso3"].astype(object)
        return exposure_measures(sums.merge(f, on="iso3", how="outer"))

    key = ("exposure", source, year, finance_year)
    return wh.cached(key, compute)


def ranked(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (``iso3, year, value, source_id``) restricted to rows with a value, with each
    row's :func:`percentile` among them and their number ``n`` (pure)."""
    out = frame[frame["value"].notna()].copy()
    d = out["value"].to_numpy(dtype=float)
    sd = np.sort(d)
    out["percentile"] = 100.0 * np.searchsorted(sd, d, side="right") / max(len(d), 1)
    out["n"] = len(d)
    return out[["iso3", "year", "value", "percentile", "n", "source_id"]].sort_values(
        "iso3", ignore_index=True)


def exposure(wh: Warehouse, measure: str, year: int, *, source: str = "cow") -> pd.DataFrame:
    """One exposure measure of every country with a value in ``year``: columns ``iso3, year,
    value, percentile, n, source_id``."""
    if measure not in MEASURES:
        raise ValueError(f"unknown exposure measure {measure!r}; allowed: {', '.join(MEASURES)}")

    def compute() -> pd.DataFrame:
        finance = measure == "china_finance_pct_gdp"
        t = table(wh, None if finance else year, finance_year=year if finance else None,
                  source=source)  # fmt: skip
        s = t[measure].dropna()
        first = (fin.AIDDATA_SOURCE,) if finance else (
            (_COW,) if source == "cow" else trade.source_ids(wh, source))
        sids = ";".join((*first, *(gdp_source_ids(wh, year) if "gdp" in measure else ())))
        return ranked(pd.DataFrame({"iso3": s.index, "year": int(year),
                                    "value": s.to_numpy(dtype=float), "source_id": sids}))

    return wh.cached(("exposure_tidy", measure, int(year), source), compute)
