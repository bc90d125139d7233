"""U.S. foreign assistance per recipient and fiscal year (ForeignAssistance.gov).

**What the figures are.** All U.S. foreign assistance, military included, by U.S. fiscal year
(1 October of the previous calendar year to 30 September): not the OECD DAC's official
development assistance (ODA), which excludes military aid and is counted by calendar year.
U.S. and DAC figures therefore do not add up or compare one to one (:data:`DEFINITION_NOTE`).

Measures (partner ``"USA"``; one row per recipient and fiscal year):

- ``us_aid_obligations`` / ``us_aid_disbursements``: amounts obligated (committed by
  agreement) and disbursed (paid out) in the fiscal year, current USD;
- ``us_aid_obligations_constant`` / ``us_aid_disbursements_constant``: the same in constant
  USD of ForeignAssistance.gov's base year;
- ``us_aid_obligations_pct_gdp`` / ``us_aid_disbursements_pct_gdp``: the current-USD amount as
  a percentage of the recipient's GDP (World Bank, current USD) in the calendar year in which
  the fiscal year ends (which holds nine of its twelve months).

Negative amounts (de-obligations exceeding new obligations) are kept as published.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from article2.measures._channels import TIDY_COLUMNS, Measure, empty, join_ids

__all__ = ["DEFINITION_NOTE", "MEASURES", "PARTIAL_RATIO", "partial_years", "us_assistance"]

#: the latest fiscal year is partial when fewer than this share of the previous year's
#: recipients have obligations in it (the site publishes a fiscal year as agencies report)
PARTIAL_RATIO = 0.8

DEFINITION_NOTE = (
    "U.S. figures are all U.S. foreign assistance (ForeignAssistance.gov), military included, "
    "by U.S. fiscal year (October-September); OECD DAC figures are official development "
    "assistance (ODA, no military aid) by calendar year: the two are not the same measure."
)

_FA = ("us_aid",)
MEASURES: dict[str, Measure] = {
    m.name: m
    for m in (
        Measure("us_aid_obligations", "current USD",
                "U.S. foreign assistance obligated to the recipient in the U.S. fiscal year "
                "(all assistance, military included)", _FA),
        Measure("us_aid_disbursements", "current USD",
                "U.S. foreign assistance disbursed to the recipient in the U.S. fiscal year "
                "(all assistance, military included)", _FA),
        Measure("us_aid_obligations_constant", "constant USD (ForeignAssistance.gov base year)",
                "U.S. obligations in constant dollars", _FA),
        Measure("us_aid_disbursements_constant", "constant USD (ForeignAssistance.gov base year)",
                "U.S. disbursements in constant dollars", _FA),
        Measure("us_aid_obligations_pct_gdp", "% of GDP",
                "U.S. obligations (current USD) as a percentage of the recipient's GDP (current "
                "USD) in the calendar year in which the fiscal year ends", (*_FA, "wb_gdp")),
        Measure("us_aid_disbursements_pct_gdp", "% of GDP",
                "U.S. disbursements (current USD) as a percentage of the recipient's GDP "
                "(current USD) in the calendar year in which the fiscal year ends",
                (*_FA, "wb_gdp")),
    )
}  # fmt: skip

#: warehouse indicator -> measure
_INDICATORS = {
    "us_aid_obligations_current": "us_aid_obligations",
    "us_aid_disbursements_current": "us_aid_disbursements",
    "us_aid_obligations_constant": "us_aid_obligations_constant",
    "us_aid_disbursements_constant": "us_aid_disbursements_constant",
}
INDICATORS = tuple(_INDICATORS)


def us_assistance(aid: pd.DataFrame, gdp: pd.DataFrame) -> pd.DataFrame:
    """U.S. assistance measures per recipient and fiscal year, as a tidy table.

    Args:
        aid: ``country_year`` rows of the ``us_aid_*`` indicators (columns ``iso3, year,
            indicator, value, source_id``; ``year`` is the U.S. fiscal year).
        gdp: GDP rows (``iso3, year, value, source_id``; current USD, calendar years).

    Returns:
        Tidy table (:data:`~article2.measures._channels.TIDY_COLUMNS`), partner ``"USA"``,
        sorted by iso3, measure and year. Percentages are NaN where GDP is missing or zero.
    """
    aid = aid[aid["indicator"].isin(list(_INDICATORS))]
    if aid.empty:
        return empty()
    levels = aid.assign(measure=aid["indicator"].map(_INDICATORS), source_ids=aid["source_id"])
    g = gdp.rename(columns={"value": "gdp", "source_id": "gdp_source_id"})[
        ["iso3", "year", "gdp", "gdp_source_id"]
    ]
    current = levels[levels["measure"].isin(["us_aid_obligations", "us_aid_disbursements"])]
    pct = current.merge(g, on=["iso3", "year"], how="left")
    pct = pct.assign(
        value=100.0 * pct["value"] / pct["gdp"].where(pct["gdp"] > 0),
        measure=pct["measure"] + "_pct_gdp",
        source_ids=[join_ids([a, b]) for a, b in zip(pct["source_id"], pct["gdp_source_id"],
                                                     strict=True)],
    )  # fmt: skip
    cols = ["iso3", "year", "measure", "value", "source_ids"]
    # column by column: the share rows may be all NaN (no GDP), which pandas would not type
    out = pd.DataFrame(
        {c: np.concatenate([levels[c].to_numpy(), pct[c].to_numpy()]) for c in cols}
    ).astype({"value": "float64"})
    out = out.assign(partner="USA", unit=out["measure"].map(lambda m: MEASURES[m].unit))
    out["year"] = out["year"].astype("Int64")
    return out[list(TIDY_COLUMNS)].sort_values(["iso3", "measure", "year"]).reset_index(drop=True)


def partial_years(recipients: pd.DataFrame) -> dict[int, str]:
    """Fiscal years not yet fully reported: the latest year, when fewer than
    :data:`PARTIAL_RATIO` of the previous year's recipients have obligations in it.

    Args:
        recipients: ``year`` and ``n`` (recipients with obligations that fiscal year).

    Returns:
        year -> the reason, in words (empty when the latest year looks complete).
    """
    r = recipients.sort_values("year")
    if len(r) < 2:
        return {}
    (y0, n0), (y1, n1) = r[["year", "n"]].iloc[-2], r[["year", "n"]].iloc[-1]
    if n1 < PARTIAL_RATIO * n0:
        return {int(y1): f"FY{int(y1)} is partial: {int(n1)} recipients with obligations, "
                         f"against {int(n0)} in FY{int(y0)}"}  # fmt: skip
    return {}
