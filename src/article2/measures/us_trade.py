"""Recent U.S. goods trade with a country, as the United States reports it (IMF DOTS).

Measures (partner ``"USA"``; one row per country and year, 1995-2022):

- ``us_exports_to``: U.S. goods exports to the country, FOB, current USD;
- ``us_imports_from``: U.S. goods imports from the country, CIF, current USD;
- ``us_goods_trade``: their sum (exports FOB + imports CIF);
- ``<each>_growth_1y`` and ``<each>_growth_5y``: percentage change on the year before and on
  five years before (``100 · (v_t / v_{t-k} − 1)``; NaN where the base year is missing or 0);
- ``<each>_pct_gdp``: the value as a percentage of the country's GDP (World Bank, current
  USD) in the same year.

These are the U.S. side's reports only (the partner's mirror figures are not in DOTS' U.S.
file); they differ from the older all-partner shares of the profile's trade section (COW,
importer-reported to 2014; Comtrade every four years to 2016), which they complement.
"""

from __future__ import annotations

import pandas as pd

from article2.measures._channels import TIDY_COLUMNS, Measure, empty, join_ids

__all__ = ["MEASURES", "us_goods_trade"]

EXPORTS = "trade_dots_us_exports_fob"
IMPORTS = "trade_dots_us_imports_cif"
_DOTS = ("imf_dots_us",)
_BASE = {
    "us_exports_to": ("U.S. goods exports to the country, FOB", EXPORTS),
    "us_imports_from": ("U.S. goods imports from the country, CIF", IMPORTS),
    "us_goods_trade": ("U.S. goods exports to the country (FOB) plus imports from it (CIF)", None),
}


def _measures() -> dict[str, Measure]:
    out: dict[str, Measure] = {}
    for name, (what, _) in _BASE.items():
        out[name] = Measure(name, "current USD", f"{what}, as reported by the United States",
                            _DOTS)  # fmt: skip
        for k in (1, 5):
            out[f"{name}_growth_{k}y"] = Measure(
                f"{name}_growth_{k}y",
                "%",
                f"percentage change of {name} on {k} year(s) before",
                _DOTS,
            )
        out[f"{name}_pct_gdp"] = Measure(
            f"{name}_pct_gdp", "% of GDP",
            f"{name} as a percentage of the country's GDP (current USD) in the same year",
            (*_DOTS, "wb_gdp"),
        )  # fmt: skip
    return out


MEASURES: dict[str, Measure] = _measures()


def us_goods_trade(dots: pd.DataFrame, gdp: pd.DataFrame, iso3: str) -> pd.DataFrame:
    """U.S. goods trade measures with ``iso3`` per year, as a tidy table.

    Args:
        dots: ``dyad_year`` rows of the DOTS indicators (``iso3_o, iso3_d, year, indicator,
            value, source_id``).
        gdp: GDP rows of ``iso3`` (``iso3, year, value, source_id``).
        iso3: the partner country of the United States.
    """
    ex = dots[(dots["indicator"] == EXPORTS) & (dots["iso3_o"] == "USA") & (dots["iso3_d"] == iso3)]
    im = dots[(dots["indicator"] == IMPORTS) & (dots["iso3_d"] == "USA") & (dots["iso3_o"] == iso3)]
    if ex.empty and im.empty:
        return empty()
    wide = pd.DataFrame(
        {
            "us_exports_to": ex.set_index("year")["value"],
            "us_imports_from": im.set_index("year")["value"],
        }
    ).sort_index()
    wide["us_goods_trade"] = wide["us_exports_to"] + wide["us_imports_from"]
    sid = join_ids([*ex["source_id"], *im["source_id"]])
    g = gdp[gdp["iso3"] == iso3].set_index("year")
    gdp_v = g["value"].where(g["value"] > 0).reindex(wide.index)
    gdp_sid = join_ids(g["source_id"])
    parts = []
    full = wide.reindex(range(int(wide.index.min()), int(wide.index.max()) + 1))
    for name in _BASE:
        v = wide[name]
        parts.append(pd.DataFrame({"year": v.index, "measure": name, "value": v.to_numpy(),
                                   "source_ids": sid}))  # fmt: skip
        for k in (1, 5):
            base = full[name].shift(k).reindex(wide.index)
            growth = 100.0 * (v / base.where(base != 0) - 1.0)
            parts.append(pd.DataFrame({"year": v.index, "measure": f"{name}_growth_{k}y",
                                       "value": growth.to_numpy(), "source_ids": sid}))  # fmt: skip
        pct = 100.0 * v / gdp_v
        parts.append(pd.DataFrame({"year": v.index, "measure": f"{name}_pct_gdp",
                                   "value": pct.to_numpy(),
                                   "source_ids": join_ids([sid, gdp_sid])}))  # fmt: skip
    out = pd.concat(parts, ignore_index=True)
    out = out.assign(iso3=iso3, partner="USA", unit=out["measure"].map(lambda m: MEASURES[m].unit))
    out["year"] = out["year"].astype("Int64")
    return out[list(TIDY_COLUMNS)].sort_values(["measure", "year"]).reset_index(drop=True)
