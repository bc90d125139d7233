"""A scenario result for readers: what changes, whether the RTA coefficient is significant, the
largest movers with their 90 % bands, and the full table with labelled columns.

Everything here is computed from a stored result (:func:`article2.models.scenarios.record`:
its metadata and its one-row-per-country table), so ``scenario run`` and ``scenario show``
say the same thing.

- Significance: a two-sided z-test of ``beta = 0`` with the pair-clustered standard error,
  ``z = beta / se``, ``p = 2 (1 - Phi(|z|)) = erfc(|z| / sqrt 2)``; the coefficient is flagged
  as not significant when ``p >= 0.05``.
- Movers: the :data:`TOP` countries with the largest absolute change in real GDP (welfare)
  and in exports (full endowment), largest first (ties by ISO3), each with the 5th and 95th
  percentiles of the change over the coefficient draws (the 90 % band).
- Numbers are shown with as many decimals as the column needs for its largest value to show
  two significant digits (2 to 4), and a value that rounds to zero is shown without a minus
  sign (:func:`number`).
"""

from __future__ import annotations

import math

import pandas as pd

__all__ = [
    "LABELS",
    "LEVEL",
    "TOP",
    "decimals",
    "describe_change",
    "full_table",
    "movers",
    "number",
    "significance",
    "summary",
]

#: number of movers listed per measure
TOP = 10
#: significance level of the test of the RTA coefficient (two-sided)
LEVEL = 0.05
TEST = "two-sided z-test of coefficient = 0, normal approximation, pair-clustered s.e."

#: column labels for readers (% changes from the scenario's perspective)
LABELS = {
    "iso3": "ISO3",
    "country": "Country",
    "real_gdp": "Real GDP change (%)",
    "real_gdp_band": "Real GDP change, 90 % band",
    "exports_full": "Exports change (%)",
    "exports_full_band": "Exports change, 90 % band",
    "exports_cdl": "Exports change, incomes held fixed (%)",
    "imr": "Inward multilateral resistance change (%)",
    "omr": "Outward multilateral resistance change (%)",
    "price": "Factory-gate price change (%)",
    "imr_cdl": "Inward multilateral resistance change, incomes held fixed (%)",
    "omr_cdl": "Outward multilateral resistance change, incomes held fixed (%)",
    "output": "Baseline output",
    "exports": "Baseline exports",
}
#: the measures of the movers lists: (table column, what it is)
MOVER_MEASURES = (("real_gdp", "real GDP (welfare)"), ("exports_full", "exports"))


def number(value, places: int) -> str:
    """``value`` with ``places`` decimals; a value that rounds to zero is shown as ``0.00``
    (never ``-0.00``); a missing or non-finite value as ``""``."""
    if value is None:
        return ""
    x = float(value)
    if not math.isfinite(x):
        return ""
    text = f"{x:.{places}f}"
    return f"{0.0:.{places}f}" if float(text) == 0.0 else text


def decimals(values, *, lowest: int = 2, highest: int = 4) -> int:
    """Decimals that show the largest absolute value of ``values`` with two significant digits,
    between ``lowest`` and ``highest``."""
    finite = [abs(float(v)) for v in values if v is not None and math.isfinite(float(v))]
    biggest = max(finite, default=0.0)
    if biggest == 0.0:
        return lowest
    return max(lowest, min(highest, 1 - math.floor(math.log10(biggest))))


def significance(coef: float | None, se: float | None, level: float = LEVEL) -> dict | None:
    """The test of the RTA coefficient: ``{"coef", "se", "z", "p_value", "level",
    "significant", "test"}``; None when there is no estimate or no positive finite s.e."""
    if coef is None or se is None or not math.isfinite(coef) or not math.isfinite(se) or se <= 0:
        return None
    z = coef / se
    p = math.erfc(abs(z) / math.sqrt(2.0))
    return {
        "coef": coef,
        "se": se,
        "z": z,
        "p_value": p,
        "level": level,
        "significant": p < level,
        "test": TEST,
    }


def _names(codes) -> dict[str, str]:
    from article2 import countries

    table = countries.country_table().set_index("iso3")["name"]
    return {c: str(table.get(c) or c) for c in codes}


def _with_names(table: pd.DataFrame) -> pd.DataFrame:
    out = table.copy()
    names = _names(out["iso3"])
    out.insert(1, "country", out["iso3"].map(names))
    return out


def _by_size(table: pd.DataFrame, column: str) -> pd.DataFrame:
    """Rows by absolute ``column``, largest first; ties (and missing values, last) by ISO3."""
    key = table[column].abs().fillna(-1.0)
    order = sorted(range(len(table)), key=lambda i: (-key.iloc[i], table["iso3"].iloc[i]))
    return table.iloc[order].reset_index(drop=True)


def movers(table: pd.DataFrame, column: str, n: int = TOP) -> pd.DataFrame:
    """The ``n`` rows with the largest absolute ``column`` (a % change), largest first:
    columns ``iso3``, ``country``, ``change``, ``p05``, ``p95`` (the band; NaN without draws)."""
    named = table if "country" in table else _with_names(table)
    top = _by_size(named, column).head(n)
    nan = pd.Series(float("nan"), index=top.index)
    return pd.DataFrame(
        {
            "iso3": top["iso3"],
            "country": top["country"],
            "change": top[column],
            "p05": top.get(f"{column}_p05", nan),
            "p95": top.get(f"{column}_p95", nan),
        }
    ).reset_index(drop=True)


def full_table(table: pd.DataFrame) -> pd.DataFrame:
    """Every country, by the absolute change in real GDP (largest first), with its name, the
    % changes and the 90 % bands; machine column names (see :data:`LABELS` for readers).
    A negative zero is stored as 0.0 (so neither JSON nor CSV shows ``-0.0``)."""
    named = _by_size(_with_names(table), "real_gdp")
    for c in named.columns:
        if pd.api.types.is_float_dtype(named[c]):
            named[c] = named[c] + 0.0  # -0.0 + 0.0 == +0.0
    return named


def describe_change(change: dict | None, names: dict[str, str] | None = None) -> str:
    """One sentence on what the scenario changes, from the stored ``change`` mapping."""
    if not change:
        return "(the change is not recorded in this stored result; run the scenario again)"
    names = names or {}

    def who(codes) -> str:
        return ", ".join(f"{names.get(c, c)} ({c})" if names.get(c, c) != c else c for c in codes)

    agreement = change.get("agreement") or "the agreement"
    members = ", ".join(change.get("members") or ())
    kind = change.get("kind")
    if kind == "agreement_join":
        return (
            f"{who(change.get('joining') or ())} joins {agreement} (members {members}): "
            "an agreement between each joining country and each member, priced with the "
            "estimated RTA coefficient."
        )
    if kind == "agreement_remove":
        return (
            f"{agreement} is removed between its members {members}: no agreement between "
            "any two of them, priced with the estimated RTA coefficient."
        )
    pairs = "; ".join(f"{a}→{b}" for a, b in change.get("pairs") or ())
    both = "" if change.get("directed") else " (both directions)"
    ave = float(change.get("ad_valorem") or 0.0) * 100.0
    return f"Trade costs of {pairs}{both} change by {number(ave, 1)} % (ad valorem)."


def summary(meta: dict, table: pd.DataFrame, n: int = TOP) -> dict:
    """What a reader sees first, as plain data (the CLI prints it; JSON carries it):
    name, title, change (``description`` and the stored mapping), perspective, the RTA
    coefficient's test (:func:`significance`, with ``used``: whether the change is priced
    with it), the movers per measure with their bands, the draws and seed behind the bands,
    the procedure, the solver's residual, sources and notes."""
    change = meta.get("change")
    coded = set((change or {}).get("members") or ()) | set((change or {}).get("joining") or ())
    names = _names(sorted(coded))
    rta = significance(meta.get("rta_coef"), meta.get("rta_se"))
    if rta is not None:
        rta["used"] = (change or {}).get("kind") != "pair_cost"
    named = _with_names(table)
    out_movers = {}
    for column, _ in MOVER_MEASURES:
        frame = movers(named, column, n)
        out_movers[column] = [
            {
                "iso3": r.iso3,
                "country": r.country,
                "change": _finite(r.change),
                "p05": _finite(r.p05),
                "p95": _finite(r.p95),
            }
            for r in frame.itertuples(index=False)
        ]
    return {
        "name": meta.get("name"),
        "title": meta.get("title"),
        "change": {"description": describe_change(change, names), **(change or {})},
        "perspective": meta.get("perspective"),
        "rta": rta,
        "movers": out_movers,
        "draws": meta.get("draws"),
        "seed": meta.get("seed"),
        "band": "5th-95th percentile over RTA coefficients drawn from N(coef, se^2)",
        "procedure": meta.get("procedure"),
        "sigma": meta.get("sigma"),
        "reference": meta.get("reference"),
        "baseline_year": meta.get("baseline_year"),
        "max_residual": meta.get("max_residual"),
        "countries": len(table),
        "source_ids": list(meta.get("source_ids") or ()),
        "notes": list(meta.get("notes") or ()),
        "scenario_notes": meta.get("scenario_notes") or "",
    }


def _finite(value) -> float | None:
    x = float(value) + 0.0  # never -0.0
    return x if math.isfinite(x) else None
