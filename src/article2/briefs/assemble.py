"""Collect every number of a country brief from the warehouse, with its unit, year and source.

This is the only module of :mod:`article2.briefs` that queries the warehouse; all SQL is here
and parameterised. Figures that are computed (shares, sums, ratios, percentiles) are computed
by the pure functions at the bottom of this module from the tables the queries return.

Trade: Correlates of War Dyadic Trade 4.0 (``trade_cow``: imports of d from o as reported by
the importer d, current USD, 1870-2014). A country's imports from actor A are
``trade_cow[o=A, d=B]``; its exports to A are A's reported imports from it,
``trade_cow[o=B, d=A]`` (mirror data). Shares follow METHODS.md:
``s = flow(A->B) / sum_k flow(k->B)``. The EU is the sum over its members of each year
(:func:`article2.countries.group_members`), "USA+JPN" the sum of the two.

Chinese official finance: AidData GCDF 3.0 aggregated by recipient and year
(``aiddata_gcdf/cow_gcdf.csv``; ODA-like, OOF-like and vague kept apart; constant 2021 USD).
A recipient absent from the file has no record, which is not the same as zero; the snapshot
holds no official finance of the other actors.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from article2 import countries as _countries
from article2 import warehouse
from article2.indicators import presence

__all__ = [
    "ACTORS",
    "TRADE_SOURCE",
    "AIDDATA_SOURCE",
    "BriefData",
    "Figure",
    "brief_data",
    "brief_countries",
    "exposure_table",
    "trade_shares",
]

#: actors in the order briefs show them
ACTORS: tuple[str, ...] = ("USA", "JPN", "CHN", "EU", "USA+JPN")
ACTOR_NAMES = {
    "USA": "the United States",
    "JPN": "Japan",
    "CHN": "China",
    "EU": "the EU",
    "USA+JPN": "the United States and Japan together",
}
TRADE_SOURCE = "cow_trade/cow_dyadic_trade_4.0.csv.gz"
TRADE_INDICATOR = "trade_cow"
AIDDATA_SOURCE = "aiddata_gcdf/cow_gcdf.csv"
OF_INDICATORS = ("cn_of_oda", "cn_of_oof", "cn_of_vague")
ATOP_INDICATORS = ("atop_defense", "atop_offense", "atop_neutral", "atop_nonagg", "atop_consul")
#: years of trade history shown in charts and tables, ending in the brief's year
WINDOW = 25


@dataclass(frozen=True)
class Figure:
    """One number printed in a brief.

    Attributes:
        key: stable identifier, e.g. ``"trade.imports.share.JPN.2014"``.
        label: what the number is, in words.
        value: the number (shares as fractions in [0, 1]; money in its unit).
        unit: ``"share"``, ``"share_diff"``, ``"index"``, ``"percentile"``, ``"count"``,
            ``"0/1"`` or the
            warehouse unit (``"current USD"``, ``"persons"``, ...).
        year: the year it refers to (first year of a period for sums; see ``period``).
        source_id: the raw file it comes from (``sources.source_id``); several joined by ``;``.
        indicator: the warehouse indicator(s) it is made from.
        method: ``"value"`` (a warehouse value as stored), ``"share"``, ``"sum"``, ``"ratio"``,
            ``"difference"`` (of two shares), ``"percentile"`` or ``"count"``.
        period: ``(first, last)`` year for sums over years, else ``None``.
    """

    key: str
    label: str
    value: float
    unit: str
    year: int
    source_id: str
    indicator: str
    method: str = "value"
    period: tuple[int, int] | None = None


@dataclass(frozen=True)
class BriefData:
    """Everything a brief prints for one country and year.

    Attributes:
        iso3, name, year: the country and the brief's reference year.
        un_code: ISO 3166-1 numeric code (for the locator map), or None.
        figures: every number, keyed by ``Figure.key``.
        trade: long table of trade shares (columns: year, flow ["imports"|"exports"], actor,
            value [USD], total [USD], share) over the window ending in ``year``.
        exposure: one row per exposure measure (columns: measure, label, value, unit,
            percentile, n, year, source_id); empty if no data.
        agreements: agreements in force in ``year`` that include the country (columns:
            agreement_id, title, force, with_USA, with_JPN, with_CHN, with_EU).
        sources: provenance rows (source_id, title, producer, license, vintage, url) of every
            source a figure uses.
        missing: what the warehouse lacks for this country (plain sentences).
    """

    iso3: str
    name: str
    year: int
    un_code: int | None
    figures: dict[str, Figure]
    trade: pd.DataFrame = field(repr=False)
    exposure: pd.DataFrame = field(repr=False)
    agreements: pd.DataFrame = field(repr=False)
    sources: pd.DataFrame = field(repr=False)
    missing: tuple[str, ...] = ()
    warehouse: str | None = None

    def get(self, key: str) -> Figure | None:
        return self.figures.get(key)

    @property
    def thin(self) -> bool:
        """True when the country has no trade data (the brief is then a short one)."""
        return self.trade.empty


# --------------------------------------------------------------------------- queries


def _q(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> pd.DataFrame:
    return con.execute(sql, params).df()


def brief_countries(path: Path | None = None) -> list[str]:
    """Every country (kind 'country' or 'historical') with at least one observation."""
    sql = """
        SELECT c.iso3 FROM countries c
        WHERE c.kind IN ('country', 'historical') AND (
            EXISTS (SELECT 1 FROM country_year y WHERE y.iso3 = c.iso3)
            OR EXISTS (SELECT 1 FROM dyad_year d WHERE d.iso3_d = c.iso3 AND d.indicator = ?))
        ORDER BY c.iso3"""
    return warehouse.query(sql, [TRADE_INDICATOR], path=path)["iso3"].tolist()


def _trade_partner_flows(con, iso3: str, first: int, last: int) -> pd.DataFrame:
    """Imports of ``iso3`` by partner (flow='imports') and partners' imports from it
    (flow='exports'), columns: year, flow, partner, value."""
    sql = """
        SELECT year, 'imports' AS flow, iso3_o AS partner, value FROM dyad_year
        WHERE indicator = ? AND source_id = ? AND iso3_d = ? AND year BETWEEN ? AND ?
        UNION ALL
        SELECT year, 'exports' AS flow, iso3_d AS partner, value FROM dyad_year
        WHERE indicator = ? AND source_id = ? AND iso3_o = ? AND year BETWEEN ? AND ?"""
    p = [TRADE_INDICATOR, TRADE_SOURCE, iso3, first, last]
    return _q(con, sql, p + p)


def _latest_trade_year(con, iso3: str) -> int | None:
    sql = "SELECT max(year) FROM dyad_year WHERE indicator = ? AND source_id = ? AND iso3_d = ?"
    value = con.execute(sql, [TRADE_INDICATOR, TRADE_SOURCE, iso3]).fetchone()[0]
    return None if value is None else int(value)


def _country_values(con, iso3: str, indicators: tuple[str, ...]) -> pd.DataFrame:
    marks = ", ".join("?" * len(indicators))
    sql = f"""SELECT year, indicator, value, source_id FROM country_year
              WHERE iso3 = ? AND indicator IN ({marks}) AND value IS NOT NULL
              ORDER BY indicator, year"""
    return _q(con, sql, [iso3, *indicators])


def _dyad_values(con, iso3: str, indicators: tuple[str, ...], partners: tuple[str, ...]):
    im = ", ".join("?" * len(indicators))
    pm = ", ".join("?" * len(partners))
    sql = f"""SELECT iso3_o AS partner, year, indicator, value, source_id FROM dyad_year
              WHERE iso3_d = ? AND indicator IN ({im}) AND iso3_o IN ({pm})"""
    return _q(con, sql, [iso3, *indicators, *partners])


def _agreements_in_force(con, path: Path, iso3: str, year: int) -> pd.DataFrame:
    """Trade agreements in force on 31 December of ``year`` with ``iso3`` as a party, and
    which of the actors (or any EU member of that year) are parties too: the agreement
    registry's query (curated records and DESTA-only agreements, the curated record winning
    on conflict), the same one the profile and the architecture map count."""
    from article2.agreements import queries as q
    from article2.profiles import _agreement_registry, _key

    reg = _agreement_registry(_key(path))
    at = f"{year}-12-31"
    everyone = [r[0] for r in con.execute("SELECT iso3 FROM countries").fetchall()]
    cols = ["agreement_id", "title", "force", "with_USA", "with_JPN", "with_CHN", "with_EU"]
    partners = {
        "USA": {"USA"},
        "JPN": {"JPN"},
        "CHN": {"CHN"},
        "EU": set(_countries.group_members("EU", year)),
    }
    found = q.agreements_with_each(
        reg.agreements, reg.memberships, iso3, {"any": everyone, **partners}, at,
        sources=("curated", "desta"),
    )  # fmt: skip
    ids = found["any"]
    if not ids:
        return pd.DataFrame(columns=[*cols, "source"])
    with_actor = {a: set(found[a]) for a in partners}
    meta = reg.agreements.drop_duplicates("agreement_id").set_index("agreement_id")
    rows = []
    for aid in ids:
        m = meta.loc[aid]
        start = m["provisional"] if pd.notna(m.get("provisional")) else m["force"]
        start = m["signature"] if pd.isna(start) else start
        rows.append(
            {
                "agreement_id": aid,
                "title": m["title"],
                "force": float(pd.Timestamp(start).year) if pd.notna(start) else np.nan,
                **{f"with_{a}": aid in with_actor[a] for a in partners},
                "source": m["source"],
            }
        )
    return pd.DataFrame(rows).sort_values(["force", "title"]).reset_index(drop=True)


def _sources(con, ids: list[str]) -> pd.DataFrame:
    if not ids:
        return pd.DataFrame(columns=["source_id", "title", "producer", "license", "vintage", "url"])
    marks = ", ".join("?" * len(ids))
    sql = f"""SELECT source_id, title, producer, license, vintage, url FROM sources
              WHERE source_id IN ({marks}) ORDER BY source_id"""
    return _q(con, sql, ids)


def _exposure_inputs(path: Path, year: int) -> pd.DataFrame:
    """Cached per warehouse file version (path, modification time) and year."""
    stat = path.stat()
    return _exposure_inputs_cached(str(path), stat.st_mtime_ns, year)


@functools.lru_cache(maxsize=8)
def _exposure_inputs_cached(path_key: str, _mtime: int, year: int) -> pd.DataFrame:
    """Per country in ``year``: GDP, imports total and from China, exports to China, import
    HHI and cumulative Chinese official finance 2000..year (wide table)."""
    sql = """
        WITH imp AS (
            SELECT iso3_d AS iso3, sum(value) AS imports,
                   sum(value) FILTER (WHERE iso3_o = 'CHN') AS imports_chn,
                   count(*) AS n_partners
            FROM dyad_year WHERE indicator = ? AND source_id = ? AND year = ?
            GROUP BY iso3_d HAVING sum(value) > 0),
        hhi AS (
            SELECT d.iso3_d AS iso3, sum(power(d.value / imp.imports, 2)) AS import_hhi
            FROM dyad_year d JOIN imp ON imp.iso3 = d.iso3_d
            WHERE d.indicator = ? AND d.source_id = ? AND d.year = ? GROUP BY d.iso3_d),
        exp AS (
            SELECT iso3_o AS iso3, sum(value) AS exports_chn FROM dyad_year
            WHERE indicator = ? AND source_id = ? AND year = ? AND iso3_d = 'CHN'
            GROUP BY iso3_o),
        gdp AS (
            SELECT iso3, value AS gdp FROM country_year
            WHERE indicator = 'gdp_usd' AND year = ? AND value > 0),
        fin AS (
            SELECT iso3, sum(value) AS cn_of FROM country_year
            WHERE indicator IN ('cn_of_oda', 'cn_of_oof', 'cn_of_vague') AND source_id = ?
              AND year <= ? GROUP BY iso3)
        SELECT coalesce(imp.iso3, gdp.iso3) AS iso3, gdp.gdp, imp.imports, imp.imports_chn,
               hhi.import_hhi, exp.exports_chn, fin.cn_of
        FROM imp FULL JOIN gdp ON gdp.iso3 = imp.iso3
        LEFT JOIN hhi ON hhi.iso3 = coalesce(imp.iso3, gdp.iso3)
        LEFT JOIN exp ON exp.iso3 = coalesce(imp.iso3, gdp.iso3)
        LEFT JOIN fin ON fin.iso3 = coalesce(imp.iso3, gdp.iso3)"""
    t = [TRADE_INDICATOR, TRADE_SOURCE, year]
    return warehouse.query(sql, [*t, *t, *t, year, AIDDATA_SOURCE, year], path=Path(path_key))


# --------------------------------------------------------------------------- pure computation


def trade_shares(flows: pd.DataFrame, eu_members: dict[int, tuple[str, ...]]) -> pd.DataFrame:
    """Each actor's share of a country's imports and exports per year.

    Args:
        flows: columns year, flow, partner, value (USD), one row per partner-year-flow.
        eu_members: year -> EU member ISO3 keys of that year.

    Returns:
        Columns year, flow, actor, value, total, share with one row per year, flow and actor
        of :data:`ACTORS` (years whose total is zero are dropped). ``share = value / total``.
    """
    cols = ["year", "flow", "actor", "value", "total", "share"]
    f = flows.dropna(subset=["value"])
    if f.empty:
        return pd.DataFrame(columns=cols)
    members = pd.DataFrame(
        [
            (actor, int(y), m)
            for y in sorted(f["year"].unique())
            for actor, ms in (
                ("USA", ("USA",)),
                ("JPN", ("JPN",)),
                ("CHN", ("CHN",)),
                ("EU", eu_members.get(int(y), ())),
                ("USA+JPN", ("USA", "JPN")),
            )
            for m in ms
        ],
        columns=["actor", "year", "iso3"],
    )
    parts = []
    for flow, g in f.groupby("flow", sort=True):
        shares = presence.actor_flows(g[["partner", "year", "value"]], members)
        # an actor with no members that year (the EU before 1958) still gets a zero row
        grid = g.groupby("year", as_index=False)["value"].sum().rename(columns={"value": "total"})
        grid = grid.merge(pd.DataFrame({"actor": list(ACTORS)}), how="cross")
        out = grid.merge(shares[["actor", "year", "value"]], on=["actor", "year"], how="left")
        parts.append(out.assign(flow=flow))
    out = pd.concat(parts, ignore_index=True)
    out = out[out["total"] > 0].fillna({"value": 0.0})
    out["share"] = out["value"] / out["total"]
    out["year"] = out["year"].astype(int)
    order = {a: i for i, a in enumerate(ACTORS)}
    out = out.sort_values(
        ["flow", "year", "actor"], key=lambda s: s.map(order) if s.name == "actor" else s
    )
    return out[cols].reset_index(drop=True)


def exposure_table(inputs: pd.DataFrame) -> pd.DataFrame:
    """Country-level coercion-exposure measures (METHODS.md) and their percentiles.

    Args:
        inputs: one row per country with iso3, gdp, imports, imports_chn, import_hhi,
            exports_chn, cn_of (any may be NaN).

    Returns:
        Long table iso3, measure, value, percentile, n: ``exports_chn_gdp`` (exports to China /
        GDP), ``imports_chn_share`` (imports from China / total imports), ``import_hhi``
        (Herfindahl index of import partners), ``cn_of_gdp`` (cumulative Chinese official
        finance commitments / GDP; countries without an AidData record are left out, not
        zeroed). ``percentile`` = 100 x share of the ``n`` countries with a value that have a
        value <= this one (higher = more exposed).
    """
    t = inputs.set_index("iso3")
    measures = {
        "exports_chn_gdp": t["exports_chn"].fillna(0.0).where(t["imports"].notna()) / t["gdp"],
        "imports_chn_share": t["imports_chn"].fillna(0.0) / t["imports"],
        "import_hhi": t["import_hhi"],
        "cn_of_gdp": t["cn_of"] / t["gdp"],
    }
    rows = []
    for measure, s in measures.items():
        s = s.replace([np.inf, -np.inf], np.nan).dropna()
        pct = s.rank(method="max", pct=True) * 100.0
        rows.append(
            pd.DataFrame(
                {
                    "iso3": s.index,
                    "measure": measure,
                    "value": s.to_numpy(),
                    "percentile": pct.to_numpy(),
                    "n": len(s),
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


# --------------------------------------------------------------------------- assembly

_EXPOSURE_LABELS = {
    "exports_chn_gdp": ("Exports to China, % of GDP", "percent"),
    "imports_chn_share": ("China's share of imports", "percent"),
    "import_hhi": ("Concentration of import partners (HHI)", "index"),
    "cn_of_gdp": ("Chinese official finance since 2000, % of GDP", "percent"),
}


def brief_data(iso3: str, year: int | None = None, *, path: Path | None = None) -> BriefData:
    """Collect the :class:`BriefData` of ``iso3`` for ``year`` (default: the latest year with
    trade data for the country, else the latest year with GDP, else 2014).

    Raises:
        ValueError: when ``iso3`` is not a key of the identity table.
    """
    path = Path(path) if path else Path(warehouse.paths.warehouse_path())
    iso3 = iso3.upper()
    with warehouse.connect(path) as con:
        ident = _q(con, "SELECT name, un_code FROM countries WHERE iso3 = ?", [iso3])
        if ident.empty:
            raise ValueError(
                f"unknown country {iso3!r}: not a key of the identity table "
                "(search with `article2 countries NAME`)"
            )
        name = str(ident["name"].iloc[0])
        un_code = None if pd.isna(ident["un_code"].iloc[0]) else int(ident["un_code"].iloc[0])
        if year is None:
            year = _latest_trade_year(con, iso3)
            if year is None:
                gdp_years = _country_values(con, iso3, ("gdp_usd",))
                year = int(gdp_years["year"].max()) if len(gdp_years) else 2014
        first = year - WINDOW + 1
        flows = _trade_partner_flows(con, iso3, first, year)
        eu = {y: _countries.group_members("EU", y) for y in range(first, year + 1)}
        trade = trade_shares(flows, eu)
        macro = _country_values(con, iso3, ("gdp_usd", "population", "gm_gdp_pcap", "gm_pop"))
        finance = _country_values(con, iso3, OF_INDICATORS)
        finance = finance[finance["source_id"] == AIDDATA_SOURCE]
        ties = _dyad_values(con, iso3, (*ATOP_INDICATORS, "igo_shared"), ("USA", "JPN", "CHN"))
        agreements = _agreements_in_force(con, path, iso3, year)
        exposure_all = exposure_table(_exposure_inputs(path, year))
        figures, missing = _figures(
            iso3, year, trade, macro, finance, ties, agreements, exposure_all
        )
        exposure = _exposure_rows(iso3, year, exposure_all)
        used = sorted({s for f in figures.values() for s in f.source_id.split(";")})
        sources = _sources(con, used)
    return BriefData(
        iso3=iso3,
        name=name,
        year=year,
        un_code=un_code,
        figures=figures,
        trade=trade,
        exposure=exposure,
        agreements=agreements,
        sources=sources,
        missing=tuple(missing),
        warehouse=str(path),
    )


def _exposure_rows(iso3: str, year: int, table: pd.DataFrame) -> pd.DataFrame:
    mine = table[table["iso3"] == iso3]
    rows = []
    for r in mine.itertuples(index=False):
        label, unit = _EXPOSURE_LABELS[r.measure]
        rows.append(
            {
                "measure": r.measure,
                "label": label,
                "value": r.value,
                "unit": unit,
                "percentile": r.percentile,
                "n": r.n,
                "year": year,
            }
        )
    return pd.DataFrame(
        rows, columns=["measure", "label", "value", "unit", "percentile", "n", "year"]
    )


def _figures(iso3, year, trade, macro, finance, ties, agreements, exposure_all):
    """Build the flat dict of :class:`Figure` and the list of what is missing."""
    figs: dict[str, Figure] = {}
    missing: list[str] = []

    def add(f: Figure) -> None:
        figs[f.key] = f

    # macro: latest value at or before the year; projections for gm_*
    labels = {
        "gdp_usd": "GDP",
        "population": "Population",
        "gm_gdp_pcap": "GDP per capita (PPP)",
        "gm_pop": "Population (Gapminder)",
    }
    for ind in ("gdp_usd", "population"):
        rows = macro[(macro["indicator"] == ind) & (macro["year"] <= year)]
        if rows.empty:
            missing.append(f"{labels[ind]} (World Bank) for {year} or earlier")
            continue
        r = rows.iloc[-1]
        add(
            Figure(
                f"macro.{ind}",
                labels[ind],
                float(r.value),
                _unit(ind),
                int(r.year),
                r.source_id,
                ind,
            )
        )
    for ind in ("gm_gdp_pcap", "gm_pop"):
        rows = macro[macro["indicator"] == ind]
        if rows.empty:
            missing.append(f"{labels[ind]} projections (Gapminder)")
            continue
        for y in (year, 2030, 2050):
            hit = rows[rows["year"] == y]
            if len(hit):
                r = hit.iloc[0]
                add(
                    Figure(
                        f"macro.{ind}.{y}",
                        labels[ind],
                        float(r.value),
                        _unit(ind),
                        y,
                        r.source_id,
                        ind,
                    )
                )
    # trade shares
    if trade.empty:
        missing.append(
            f"bilateral trade (COW Dyadic Trade, importer-reported) for {year - WINDOW + 1}-{year}"
        )
    for r in trade.itertuples(index=False):
        add(
            Figure(
                f"trade.{r.flow}.share.{r.actor}.{r.year}",
                f"{r.actor} share of {r.flow}",
                float(r.share),
                "share",
                int(r.year),
                TRADE_SOURCE,
                TRADE_INDICATOR,
                "share",
            )
        )
    for (y, flow), g in trade.groupby(["year", "flow"]):
        add(
            Figure(
                f"trade.{flow}.total.{y}",
                f"Total {flow}",
                float(g["total"].iloc[0]),
                "current USD",
                int(y),
                TRADE_SOURCE,
                TRADE_INDICATOR,
                "sum",
            )
        )
        share = g.set_index("actor")["share"]
        add(
            Figure(
                f"trade.{flow}.balance.{y}",
                f"USA+JPN minus CHN share of {flow}",
                float(share["USA+JPN"] - share["CHN"]),
                "share_diff",
                int(y),
                TRADE_SOURCE,
                TRADE_INDICATOR,
                "difference",
            )
        )
    # official finance: China only (AidData); absent = no record
    if finance.empty:
        missing.append("Chinese official finance: no AidData record (absent, not zero)")
    else:
        first, last = int(finance["year"].min()), int(finance["year"].max())
        for ind in OF_INDICATORS:
            s = finance.loc[finance["indicator"] == ind, "value"].sum()
            add(
                Figure(
                    f"finance.{ind}.total",
                    f"Chinese {ind[6:].upper()}-like commitments",
                    float(s),
                    "constant 2021 USD",
                    first,
                    AIDDATA_SOURCE,
                    ind,
                    "sum",
                    (first, last),
                )
            )
        add(
            Figure(
                "finance.cn_of.total",
                "Chinese official finance commitments",
                float(finance["value"].sum()),
                "constant 2021 USD",
                first,
                AIDDATA_SOURCE,
                ",".join(OF_INDICATORS),
                "sum",
                (first, last),
            )
        )
    missing.append("official finance of the U.S., Japan and the EU: no data in this snapshot")
    missing.append("investment and people flows: no data in this snapshot")
    # alliances and IGOs: latest year <= brief year
    for ind in (*ATOP_INDICATORS, "igo_shared"):
        rows = ties[(ties["indicator"] == ind) & (ties["year"] <= year)]
        if rows.empty:
            continue
        y = int(rows["year"].max())
        for r in rows[rows["year"] == y].itertuples(index=False):
            add(
                Figure(
                    f"ties.{ind}.{r.partner}",
                    ind,
                    float(r.value),
                    "0/1" if ind.startswith("atop") else "count",
                    y,
                    r.source_id,
                    ind,
                )
            )
    if not any(k.startswith("ties.atop") for k in figs):
        missing.append("alliance obligations (ATOP 5.1 ends in 2018)")
    if not any(k.startswith("ties.igo") for k in figs):
        missing.append("shared IGO memberships (COW IGO 3.0 ends in 2014)")
    # agreements
    src_id = "trade_agreements/desta.csv.gz;trade_agreements/desta_mem.csv.gz"
    add(
        Figure(
            "agreements.count",
            "Trade agreements in force (agreement registry: curated and DESTA)",
            float(len(agreements)),
            "count",
            year,
            src_id,
            "desta",
            "count",
        )
    )
    for actor in ("USA", "JPN", "CHN", "EU"):
        n = int(agreements[f"with_{actor}"].fillna(False).sum()) if len(agreements) else 0
        add(
            Figure(
                f"agreements.with_{actor}",
                f"Agreements in force with {actor}",
                float(n),
                "count",
                year,
                src_id,
                "desta",
                "count",
            )
        )
    # exposure
    mine = exposure_all[exposure_all["iso3"] == iso3]
    for r in mine.itertuples(index=False):
        sid = {"cn_of_gdp": f"{AIDDATA_SOURCE};wb_gdp/gdp.csv", "import_hhi": TRADE_SOURCE}.get(
            r.measure, f"{TRADE_SOURCE};wb_gdp/gdp.csv"
        )
        label, unit = _EXPOSURE_LABELS[r.measure]
        add(
            Figure(
                f"exposure.{r.measure}",
                label,
                float(r.value),
                "index" if unit == "index" else "share",
                year,
                sid,
                r.measure,
                "ratio",
            )
        )
        add(
            Figure(
                f"exposure.{r.measure}.percentile",
                f"{label}: percentile",
                float(r.percentile),
                "percentile",
                year,
                sid,
                r.measure,
                "percentile",
            )
        )
        add(
            Figure(
                f"exposure.{r.measure}.n",
                f"{label}: countries compared",
                float(r.n),
                "count",
                year,
                sid,
                r.measure,
                "count",
            )
        )
    if mine.empty:
        missing.append(f"coercion-exposure measures for {year} (need trade and GDP)")
    return figs, missing


def _unit(indicator: str) -> str:
    return {
        "gdp_usd": "current USD",
        "population": "persons",
        "gm_gdp_pcap": "PPP constant 2021 international $",
        "gm_pop": "persons",
    }[indicator]
