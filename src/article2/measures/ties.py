"""Political ties as dyad-year rows: ATOP alliance obligations and COW shared IGO
memberships."""

from __future__ import annotations

import pandas as pd

from article2.measures import Measure
from article2.warehouse import Warehouse

__all__ = ["ATOP_INDICATORS", "IGO_SHARED", "alliance_counts", "dyad_rows", "dyads_with",
           "igo_mean", "igo_shared", "igo_years", "top_partners", "years_with"]

ATOP_INDICATORS: tuple[str, ...] = (
    "atop_defense", "atop_offense", "atop_neutral", "atop_nonagg", "atop_consul",
)  # fmt: skip


def dyad_rows(
    wh: Warehouse, iso3: str, indicators: tuple[str, ...], partners: tuple[str, ...]
) -> pd.DataFrame:
    """Rows with ``iso3`` as the second state and one of ``partners`` as the first: columns
    ``partner, year, indicator, value, source_id``."""
    im = ", ".join("?" * len(indicators))
    pm = ", ".join("?" * len(partners))
    return wh.sql(
        f"SELECT iso3_o AS partner, year, indicator, value, source_id FROM dyad_year "
        f"WHERE iso3_d = ? AND indicator IN ({im}) AND iso3_o IN ({pm})",
        [iso3, *indicators, *partners],
    )


IGO_SHARED = Measure(
    "igo_shared", "IGOs shared with an actor", "count",
    "Intergovernmental organisations in which the country and the actor state are both full "
    "members (COW IGO 3.0, to 2014).",
    ("peace_science/cow_igo_ndy.csv.gz",),
)  # fmt: skip


def igo_shared(
    wh: Warehouse, state: str, *, year: int | None = None, iso3: str | None = None
) -> pd.DataFrame:
    """:data:`IGO_SHARED` with ``state`` (USA or JPN) of every country (in ``year``; of one
    country ``iso3``): columns ``iso3, year, value``."""
    conds = ["indicator = 'igo_shared'", "iso3_d = ?", "iso3_o <> iso3_d"]
    params: list[str | int] = [state]
    if year is not None:
        conds.append("year = ?")
        params.append(int(year))
    if iso3:
        conds.append("iso3_o = ?")
        params.append(iso3)
    return wh.sql(
        f"SELECT iso3_o AS iso3, year, value FROM dyad_year WHERE {' AND '.join(conds)}", params
    )


def igo_years(wh: Warehouse, state: str) -> tuple[int, ...]:
    """Years with shared-IGO data for ``state``."""
    return wh.cached(("igo_years", state), lambda: tuple(int(r[0]) for r in wh.rows(
        "SELECT DISTINCT year FROM dyad_year WHERE indicator = 'igo_shared' AND iso3_d = ? "
        "ORDER BY 1", [state])))  # fmt: skip


def top_partners(wh: Warehouse, iso3: str, year: int, limit: int = 15) -> pd.DataFrame:
    """The top trading partners of ``iso3`` in ``year`` (COW): partner, partner_name,
    imports_usd, exports_usd, trade_usd, share_pct of the country's trade, and whether an ATOP
    defence pact links them (defense_pact)."""
    return wh.sql(
        """
        WITH f AS (
            SELECT iso3_o AS partner, value AS imports, 0.0 AS exports FROM dyad_year
            WHERE indicator = 'trade_cow' AND year = ? AND iso3_d = ? AND value IS NOT NULL
            UNION ALL
            SELECT iso3_d AS partner, 0.0, value FROM dyad_year
            WHERE indicator = 'trade_cow' AND year = ? AND iso3_o = ? AND value IS NOT NULL
        ), t AS (
            SELECT partner, sum(imports) AS imports_usd, sum(exports) AS exports_usd,
                   sum(imports) + sum(exports) AS trade_usd FROM f GROUP BY partner
        )
        SELECT t.partner, c.name AS partner_name, t.imports_usd, t.exports_usd, t.trade_usd,
               100 * t.trade_usd / nullif(sum(t.trade_usd) OVER (), 0) AS share_pct,
               a.value AS defense_pact
        FROM t LEFT JOIN countries c ON c.iso3 = t.partner
        LEFT JOIN dyad_year a ON a.indicator = 'atop_defense' AND a.iso3_o = ?
            AND a.iso3_d = t.partner AND a.year = ?
        ORDER BY t.trade_usd DESC, t.partner LIMIT ?
        """,
        [year, iso3, year, iso3, iso3, year, limit],
    )


def years_with(wh: Warehouse, indicator: str, iso3: str) -> list[int]:
    """Years in which ``iso3`` has a row of dyad ``indicator`` as the second state."""
    return [r[0] for r in wh.rows(
        "SELECT DISTINCT year FROM dyad_year WHERE indicator = ? AND iso3_d = ?", [indicator, iso3]
    )]  # fmt: skip


def dyads_with(
    wh: Warehouse, iso3: str, indicators: tuple[str, ...], year: int, partners: list[str]
) -> pd.DataFrame:
    """Rows of ``indicators`` in ``year`` between ``iso3`` and any of ``partners``, either
    direction: columns ``iso3_o, iso3_d, indicator, value``."""
    ph = ", ".join("?" for _ in partners)
    ip = ", ".join("?" for _ in indicators)
    return wh.sql(
        f"""
        SELECT iso3_o, iso3_d, indicator, value FROM dyad_year
        WHERE indicator IN ({ip}) AND year = ?
          AND ((iso3_d = ? AND iso3_o IN ({ph})) OR (iso3_o = ? AND iso3_d IN ({ph})))
        """,
        [*indicators, year, iso3, *partners, iso3, *partners],
    )


def alliance_counts(
    wh: Warehouse, year: int, partners, indicators: tuple[str, ...]
) -> pd.DataFrame:
    """Per country in the ATOP year: how many of ``partners`` it has an obligation of any of
    ``indicators`` with (either direction) in ``year``; 0 for countries without one (ATOP codes
    every alliance). Columns ``iso3, value``."""
    ph = ", ".join("?" for _ in indicators)
    return wh.sql(
        f"""
        WITH r AS (SELECT iso3_o, iso3_d FROM dyad_year
                   WHERE indicator IN ({ph}) AND year = ? AND value > 0),
        pairs AS (SELECT iso3_d AS iso3, iso3_o AS p FROM r
                  UNION SELECT iso3_o AS iso3, iso3_d AS p FROM r),
        universe AS (SELECT DISTINCT iso3_o AS iso3 FROM dyad_year
                     WHERE indicator = 'atop_defense' AND year = ?
                     UNION SELECT DISTINCT iso3_d FROM dyad_year
                     WHERE indicator = 'atop_defense' AND year = ?)
        SELECT u.iso3, count(DISTINCT pairs.p) FILTER (WHERE pairs.p IN (SELECT iso3 FROM _partners))
               AS value
        FROM universe u LEFT JOIN pairs ON pairs.iso3 = u.iso3
        GROUP BY u.iso3
        """,
        [*indicators, year, year, year],
        tables={"_partners": pd.DataFrame({"iso3": list(partners)})},
    )


def igo_mean(wh: Warehouse, year: int, partners) -> pd.DataFrame:
    """Per country: shared IGO memberships in ``year`` averaged over ``partners`` (columns
    ``iso3, value``)."""
    return wh.sql(
        "SELECT iso3_d AS iso3, avg(value) AS value FROM dyad_year WHERE indicator = "
        "'igo_shared' AND year = ? AND iso3_o IN (SELECT iso3 FROM _partners) GROUP BY 1",
        [year],
        tables={"_partners": pd.DataFrame({"iso3": list(partners)})},
    )
