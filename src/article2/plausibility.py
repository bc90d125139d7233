"""Order-of-magnitude checks of money values at build time, against GDP already in the warehouse.

A reader that misreads a unit (a display scale applied as a multiplier, millions taken for
units, thousands for millions) loads numbers that are wrong by 10^3, 10^6 or 10^9 without any
other symptom. Every US-dollar indicator is therefore set against an independent order of
magnitude from another source in the same warehouse, and a build with a value off by 10^3 or
more stops, naming the file, the indicator and example rows; the previous warehouse stays.

Reference: GDP in current US dollars, the first available per country-year of ``gdp_usd``
(World Bank snapshot), ``wdi_gdp_usd`` (World Bank API), ``weo_gdp_usd`` (IMF WEO), and
population (``population``, ``wdi_population``, ``gm_pop``). Checks and tolerances:

1. **GDP against GDP and population.** Two GDP sources over the same country-years must agree
   within a factor of :data:`GDP_AGREE` in the median; each GDP source's median GDP per head
   must lie in :data:`PER_HEAD` (US dollars). A GDP off by 10^3 fails both.
2. **Country-year money values against the country's GDP**, e.g. a reporter's goods exports
   to the world, ODA received, China's finance commitments: no row may exceed
   :data:`ROW_MAX` times GDP, and the median ratio of the non-zero values must not exceed the
   bound of the indicator's family (:data:`FAMILIES`).
3. **Dyad money values**, e.g. bilateral trade, aid, direct investment positions: no row may
   exceed :data:`ROW_MAX` times the larger GDP of the pair; summed over partners, the median
   over economy-years of the total against the economy's GDP must not exceed the family's
   bound on both sides (origin totals and destination totals); and a partner's flow may not
   exceed :data:`WORLD_MAX` times the economy's own world total of the same indicator
   (``<indicator>_world``) when the source gives one.

The family bounds are set from what real data give, with a margin on both sides. Measured on
the snapshot warehouse: goods trade totals are 0.16-0.23 times GDP in the median (COW,
Comtrade), the largest bilateral flow 3.5 times the larger GDP; China's finance commitments
0.001-0.006 times the recipient's GDP in the median of non-zero values, at most 5.4; military
expenditure 0.018 in the median, at most 32. Direct investment positions reach about 50 times
GDP for one economy (Luxembourg) but their median is under 1. A 10^3 error of a typical value
crosses its family's bound. Non-finite values are left to the build's value checks and
skipped here. Values too low by 10^3 are caught for GDP by check 1 and for
totals by :data:`MEDIAN_MIN`.
"""

from __future__ import annotations

import re

import duckdb
import pandas as pd

from article2.errors import SourceError

__all__ = [
    "GDP",
    "GDP_AGREE",
    "FAMILIES",
    "MEDIAN_MIN",
    "PER_HEAD",
    "POPULATION",
    "ROW_MAX",
    "WORLD_MAX",
    "ImplausibleValuesError",
    "check",
    "unit_factor",
]

GDP = ("gdp_usd", "wdi_gdp_usd", "weo_gdp_usd")
POPULATION = ("population", "wdi_population", "gm_pop")
GDP_AGREE = 3.0
PER_HEAD = (50.0, 500_000.0)
ROW_MAX = 1_000.0
#: (indicator name pattern, largest plausible median ratio to GDP, what it is); first match
FAMILIES: tuple[tuple[str, float, str], ...] = (
    (r"position", 20.0, "direct investment positions"),
    (r"oda|aid|cn_of|assistance", 0.2, "aid and official finance"),
    (r"milex", 0.5, "military expenditure"),
    (r"trade|export|import", 2.0, "goods trade"),
    (r"", 1.0, "money amounts"),
)
MEDIAN_MIN = 1e-6
WORLD_MAX = 2.0
EXAMPLES = 5


class ImplausibleValuesError(SourceError):
    """Values of a source are off by orders of magnitude against GDP (a unit error)."""


def unit_factor(unit: str) -> float | None:
    """US dollars per unit of ``unit``, or None for a unit that is not a US-dollar amount."""
    u = unit.strip().lower()
    if "usd" not in u or "%" in u or "percent" in u or "per " in u:
        return None
    if re.match(r"^(current |constant \d{4} )?usd$", u):
        return 1.0
    for word, factor in (("thousand", 1e3), ("million", 1e6), ("billion", 1e9)):
        if word in u:
            return factor
    return None


def _bound(indicator: str) -> tuple[float, str]:
    for pattern, bound, what in FAMILIES:
        if re.search(pattern, indicator):
            return bound, what
    return 1.0, "money amounts"


def _fmt(x: float) -> str:
    return f"{x:,.4g}"


def _fail(source_id: str, indicator: str, what: str, rows: pd.DataFrame) -> ImplausibleValuesError:
    examples = "; ".join(rows["label"].head(EXAMPLES))
    return ImplausibleValuesError(
        f"indicator {indicator!r}: {what} (a unit error of 10^3 or more?); rows: {examples}",
        file=source_id,
    )


def _reference(con: duckdb.DuckDBPyConnection, names: tuple[str, ...], name: str) -> None:
    order = " ".join(f"WHEN '{n}' THEN {i}" for i, n in enumerate(names))
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {name} AS
        SELECT iso3, year, value FROM (
            SELECT iso3, year, value, row_number() OVER (
                PARTITION BY iso3, year ORDER BY CASE indicator {order} END) AS rn
            FROM country_year
            WHERE indicator IN ({", ".join(f"'{n}'" for n in names)})
              AND isfinite(value) AND value > 0)
        WHERE rn = 1"""
    )


def _scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list | dict | None = None):
    """The first column of the first row of ``sql`` (None when it returns no row)."""
    row = con.execute(sql, params or []).fetchone()
    return None if row is None else row[0]


def _check_gdp(con: duckdb.DuckDBPyConnection) -> None:
    gdps = con.execute(
        "SELECT DISTINCT source_id, indicator FROM country_year WHERE indicator IN "
        f"({', '.join(repr(g) for g in GDP)}) ORDER BY 1"
    ).fetchall()
    for sid, ind in gdps:
        per_head = _scalar(
            con,
            """SELECT median(g.value / p.value) FROM country_year g
            JOIN _pop p USING (iso3, year)
            WHERE g.source_id = ? AND g.indicator = ? AND isfinite(g.value) AND g.value > 0""",
            [sid, ind],
        )
        if per_head is not None and not (PER_HEAD[0] <= per_head <= PER_HEAD[1]):
            rows = con.execute(
                """SELECT g.iso3 || ' ' || g.year || ': ' || g.value || ' USD for '
                    || p.value || ' people' AS label
                FROM country_year g JOIN _pop p USING (iso3, year)
                WHERE g.source_id = ? AND g.indicator = ? ORDER BY g.value DESC LIMIT 5""",
                [sid, ind],
            ).df()
            raise _fail(
                sid,
                ind,
                f"median GDP per head is {_fmt(per_head)} USD (plausible: "
                f"{_fmt(PER_HEAD[0])}-{_fmt(PER_HEAD[1])})",
                rows,
            )
    for i, (sid_a, ind_a) in enumerate(gdps):
        for sid_b, ind_b in gdps[i + 1 :]:
            ratio = _scalar(
                con,
                """SELECT median(a.value / b.value) FROM country_year a
                JOIN country_year b USING (iso3, year)
                WHERE a.source_id = ? AND a.indicator = ? AND b.source_id = ?
                  AND b.indicator = ? AND isfinite(a.value) AND isfinite(b.value)
                  AND a.value > 0 AND b.value > 0""",
                [sid_a, ind_a, sid_b, ind_b],
            )
            if ratio is not None and not (1 / GDP_AGREE <= ratio <= GDP_AGREE):
                rows = con.execute(
                    """SELECT a.iso3 || ' ' || a.year || ': ' || a.value || ' against '
                        || b.value || ' in ' || b.source_id AS label
                    FROM country_year a JOIN country_year b USING (iso3, year)
                    WHERE a.source_id = ? AND a.indicator = ? AND b.source_id = ?
                      AND b.indicator = ? ORDER BY a.value DESC LIMIT 5""",
                    [sid_a, ind_a, sid_b, ind_b],
                ).df()
                raise _fail(
                    sid_a,
                    ind_a,
                    f"GDP is {_fmt(ratio)} times the GDP of {sid_b} ({ind_b}) in the median "
                    f"(the two must agree within a factor of {GDP_AGREE:g})",
                    rows,
                )


def _check_country(con, sid: str, ind: str, factor: float) -> None:
    base = """FROM country_year c JOIN _gdp g USING (iso3, year)
        WHERE c.source_id = $sid AND c.indicator = $ind AND isfinite(c.value)"""
    par = {"sid": sid, "ind": ind}
    label = "c.iso3 || ' ' || c.year || ': ' || c.value || ' (GDP ' || g.value || ')'"
    bad = con.execute(
        f"SELECT {label} AS label {base} AND abs(c.value) * {factor} > {ROW_MAX} * g.value "
        "ORDER BY abs(c.value) / g.value DESC",
        par,
    ).df()
    if len(bad):
        raise _fail(sid, ind, f"{len(bad)} rows exceed {ROW_MAX:g} times the country's GDP", bad)
    med = _scalar(
        con, f"SELECT median(abs(c.value) * {factor} / g.value) {base} AND c.value <> 0", par
    )
    bound, what = _bound(ind)
    if med is not None and med > bound:
        rows = con.execute(
            f"SELECT {label} AS label {base} ORDER BY abs(c.value) / g.value DESC", par
        ).df()
        raise _fail(
            sid,
            ind,
            f"the median non-zero value is {_fmt(med)} times GDP (at most {bound:g} for {what})",
            rows,
        )


def _check_dyad(con, sid: str, ind: str, factor: float) -> None:
    where = "d.source_id = $sid AND d.indicator = $ind AND isfinite(d.value)"
    par = {"sid": sid, "ind": ind}
    label = (
        "d.iso3_o || '->' || d.iso3_d || ' ' || d.year || ': ' || d.value || ' (GDP '"
        " || coalesce(go.value::VARCHAR, '?') || ', ' || coalesce(gd.value::VARCHAR, '?') || ')'"
    )
    joins = """LEFT JOIN _gdp go ON go.iso3 = d.iso3_o AND go.year = d.year
        LEFT JOIN _gdp gd ON gd.iso3 = d.iso3_d AND gd.year = d.year"""
    bad = con.execute(
        f"""SELECT {label} AS label FROM dyad_year d {joins}
        WHERE {where} AND greatest(go.value, gd.value) IS NOT NULL
          AND abs(d.value) * {factor} > {ROW_MAX} * greatest(go.value, gd.value)
        ORDER BY abs(d.value) DESC""",
        par,
    ).df()
    if len(bad):
        raise _fail(
            sid, ind, f"{len(bad)} rows exceed {ROW_MAX:g} times the larger GDP of the pair", bad
        )
    medians = {}
    for side in ("o", "d"):
        medians[side] = _scalar(
            con,
            f"""SELECT median(t.total * {factor} / g.value) FROM (
                SELECT d.iso3_{side} AS iso3, d.year, sum(abs(d.value)) AS total
                FROM dyad_year d WHERE {where} GROUP BY 1, 2) t
            JOIN _gdp g USING (iso3, year) WHERE t.total > 0""",
            par,
        )
    known = [m for m in medians.values() if m is not None]
    bound, what = _bound(ind)
    if known and (min(known) > bound or max(known) < MEDIAN_MIN):
        rows = con.execute(
            f"SELECT {label} AS label FROM dyad_year d {joins} WHERE {where} "
            "ORDER BY abs(d.value) DESC",
            par,
        ).df()
        raise _fail(
            sid,
            ind,
            "summed over partners, the median economy's total is "
            f"{_fmt(min(known) if min(known) > bound else max(known))} times its GDP "
            f"(plausible for {what}: {MEDIAN_MIN:g}-{bound:g}; origin side "
            f"{_fmt(medians['o'] or 0)}, destination side {_fmt(medians['d'] or 0)})",
            rows,
        )
    world = f"{ind}_world"
    has_world = _scalar(
        con,
        "SELECT count(*) FROM country_year WHERE source_id = $sid AND indicator = $world",
        {"sid": sid, "world": world},
    )
    if has_world:
        bad = con.execute(
            f"""SELECT d.iso3_o || '->' || d.iso3_d || ' ' || d.year || ': ' || d.value
                || ' against the world total ' || greatest(wo.value, wd.value) AS label
            FROM dyad_year d
            LEFT JOIN country_year wo ON wo.source_id = d.source_id AND wo.indicator = $world
                AND wo.iso3 = d.iso3_o AND wo.year = d.year
            LEFT JOIN country_year wd ON wd.source_id = d.source_id AND wd.indicator = $world
                AND wd.iso3 = d.iso3_d AND wd.year = d.year
            WHERE {where} AND greatest(wo.value, wd.value) > 0
              AND abs(d.value) > {WORLD_MAX} * greatest(wo.value, wd.value)
            ORDER BY abs(d.value) DESC""",
            {**par, "world": world},
        ).df()
        if len(bad):
            raise _fail(
                sid,
                ind,
                f"{len(bad)} partner flows exceed {WORLD_MAX:g} times the economy's own world "
                f"total ({world})",
                bad,
            )


def check(con: duckdb.DuckDBPyConnection) -> None:
    """Run every check on the warehouse being built (see the module docstring).

    Raises:
        ImplausibleValuesError: naming the file (source_id), the indicator, what is off and by
            how much, and up to five example rows.
    """
    _reference(con, GDP, "_gdp")
    _reference(con, POPULATION, "_pop")
    try:
        _check_gdp(con)
        registry = con.execute(
            "SELECT DISTINCT indicator, source_id, table_name, unit FROM indicators "
            "WHERE table_name IN ('country_year', 'dyad_year') ORDER BY source_id, indicator"
        ).fetchall()
        for ind, sid, table, unit in registry:
            factor = unit_factor(unit or "")
            if factor is None or ind in GDP:
                continue
            if table == "country_year":
                _check_country(con, sid, ind, factor)
            else:
                _check_dyad(con, sid, ind, factor)
    finally:
        con.execute("DROP TABLE IF EXISTS _gdp")
        con.execute("DROP TABLE IF EXISTS _pop")
