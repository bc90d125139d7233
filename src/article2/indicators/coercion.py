"""Country-level exposure to economic coercion by China: pure functions.

Measures for target ``B`` in year ``t`` (METHODS.md, "Concentration and product-level
exposure", country level):

- exports to China as % of GDP: ``100 · X_{B→CHN} / GDP_B`` (both current USD);
- China's share of B's imports ``M_{CHN→B} / M_B`` and of B's exports ``X_{B→CHN} / X_B``;
- concentration of B's partners: ``HHI = Σ_j s_j²`` of import partners and of export
  partners, computed from per-country sums ``Σ_j v_j`` and ``Σ_j v_j²`` as
  ``Σ_j v_j² / (Σ_j v_j)²``;
- Chinese official finance as % of GDP: ``100 · (ODA-like + OOF-like + vague) / GDP_B``
  (AidData commitments in constant 2021 USD over GDP in current USD: an approximation,
  stated in the unit).

Each measure is compared with the distribution across all countries that have it in the
same year: the **percentile** ``100 · #{c : v_c ≤ v_B} / n`` (the share of countries at or
below B; 100 = the most exposed).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["MEASURES", "exposure_measures", "percentile"]

#: measure -> (unit, description)
MEASURES: dict[str, tuple[str, str]] = {
    "exports_to_china_pct_gdp": ("% of GDP", "Exports to China as % of GDP"),
    "china_share_imports": ("share", "China's share of the target's imports"),
    "china_share_exports": ("share", "China's share of the target's exports"),
    "hhi_import_partners": ("HHI (0-1)", "Concentration (HHI) of import partners"),
    "hhi_export_partners": ("HHI (0-1)", "Concentration (HHI) of export partners"),
    "china_finance_pct_gdp": (
        "% of GDP (constant-2021 USD commitments / current-USD GDP)",
        "Chinese official finance commitments (ODA-like + OOF-like + vague) as % of GDP",
    ),
}


def percentile(value: float, distribution: np.ndarray | pd.Series) -> float:
    """``100 · #{v ≤ value} / n`` over the non-missing values of ``distribution``."""
    d = np.asarray(distribution, dtype=float)
    d = d[~np.isnan(d)]
    if value is None or np.isnan(value) or d.size == 0:
        return float("nan")
    return float(100.0 * np.count_nonzero(d <= value) / d.size)


def exposure_measures(sums: pd.DataFrame) -> pd.DataFrame:
    """Exposure measures per country from per-country sums.

    Args:
        sums: one row per country (``iso3``) with ``m_total``, ``m_chn``, ``m_sumsq`` (B's
            imports: total, from China, sum of squared partner flows), ``x_total``, ``x_chn``,
            ``x_sumsq`` (B's exports), ``gdp`` (current USD in the trade year, may be NaN),
            ``cn_finance`` (Chinese official finance, NaN when no record) and ``gdp_finance``
            (current USD in the finance year).

    Returns:
        A new frame indexed by ``iso3`` with one column per key of :data:`MEASURES` (NaN where
        undefined; CHN's China shares are NaN).
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
