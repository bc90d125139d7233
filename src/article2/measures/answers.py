"""Direct answers to the report's questions about one country: its top five partners per
channel, its GDP rank, its population growth, its governance scores and the trade agreements
it signed that never entered into force for it.

Each answer is a pure function of tidy tables (``top_partners``, ``gdp_rank``,
``population_growth``, ``governance_latest``, ``never_in_force``) and a selection from the
warehouse handle that feeds it (``*_rows`` / :func:`table`); :func:`build_answers` gathers them
for one country as :class:`Answers`. Every answer has a :class:`~article2.measures.Measure`
record in :data:`MEASURES`, registered in :mod:`article2.measures.catalogue`.

Definitions:

- **Top five partners** (``top_*``): the five partners with the largest positive value in the
  year, ties broken by ISO3 code; ``share`` is the partner's value as a percentage of the sum
  over every partner country of the country in that year and data set (the country itself
  excluded). Channels: trade (exports to and imports from, in the profile's trade source),
  migrants (destinations of the people born in the country; origins of the people living in
  it; UN DESA 2019) and tertiary students (destinations; OECD, 40 reporting destinations, China
  not among them, so students in China are missing and shares are of students in the
  reporting destinations). U.S. assistance has one donor and DOTS one reporter (the United
  States), so neither has partners to rank; Chinese official finance has one lender.
- **GDP rank**: 1 = the largest GDP (World Bank, current USD, positive values) among the ``n``
  countries with GDP in the year (ties share the lower rank).
- **Population growth** (World Bank WDI population): on the year before,
  ``100·(p_t/p_{t−1} − 1)``, and annualised over five years, ``100·((p_t/p_{t−5})^{1/5} − 1)``.
- **Governance**: the snapshot holds three governance scores (Gapminder's copies of
  Transparency International's Corruption Perceptions Index, the EIU Democracy Index and
  Freedom House's rating); each is its latest observation at or before the year. It holds no
  World Bank Worldwide Governance Indicators.
- **Signed, never in force**: agreements of the merged registry the country signed but is not
  a party to at any date. Curated records list signatories with a citation (e.g. the
  Trans-Pacific Partnership, signed 4 February 2016); for DESTA-only agreements the evidence is
  weaker: DESTA records a signature and no entry into force for the country or the agreement.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from article2.measures import Measure, economy, identity
from article2.measures import agreements as agreements_m
from article2.measures import trade as trade_m
from article2.sources import gapminder
from article2.warehouse import Warehouse

__all__ = [
    "GOVERNANCE",
    "MEASURES",
    "TOP",
    "TOP_CHANNELS",
    "Answers",
    "build_answers",
    "gdp_rank",
    "governance_latest",
    "never_in_force",
    "population_growth",
    "table",
    "top_partners",
]

#: how many partners an answer lists
TOP = 5
MIGRANTS_SOURCE = "undesa_migrant_stock/UN_MigrantStockByOriginAndDestination_2019_clean.csv.gz"
STUDENTS_SOURCE = "oecd_students/OECD_Intl_Student_Enrollment_2013_2019.csv.gz"
POPULATION_SOURCE = "wb_population/population.csv"
#: answer -> Gapminder indicator of the warehouse
GOVERNANCE: dict[str, str] = {
    "governance_cpi": "gm_cpi",
    "governance_democracy_eiu": "gm_democracy_eiu",
    "governance_freedom_fh": "gm_freedom_fh",
}
_GM_FILES = {
    "gm_cpi": "gapminder/ddf--datapoints--corruption_perception_index_cpi--by--country--time.csv",
    "gm_democracy_eiu": "gapminder/ddf--datapoints--demox_eiu--by--country--time.csv",
    "gm_freedom_fh": "gapminder/ddf--datapoints--freedix_fh--by--country--time.csv",
}
_GM_UNITS = {ind: unit for ind, (unit, _, _) in gapminder.INDICATORS.items()}
_TRADE_IDS = ("cow_trade/cow_dyadic_trade_4.0.csv.gz", "comtrade_penppml/trade.csv.gz")
_SHARE = ("share: the partner's value as a percentage of the sum over every partner country in "
          "the year; the five largest positive values, ties by ISO3 code")  # fmt: skip

MEASURES: dict[str, Measure] = {
    m.name: m
    for m in (
        Measure("top_export_partners", "Top 5 export destinations", "current USD",
                "The five countries the country exports most goods to in the year, in the "
                f"profile's trade source (COW: mirror of importers' reports); {_SHARE}.",
                _TRADE_IDS),
        Measure("top_import_partners", "Top 5 import origins", "current USD",
                "The five countries the country imports most goods from in the year, in the "
                f"profile's trade source; {_SHARE}.", _TRADE_IDS),
        Measure("top_migrant_destinations", "Top 5 destinations of emigrants", "persons",
                "The five countries where most people born in the country (citizens where the "
                f"birthplace is unknown) live at mid-year (UN DESA 2019); {_SHARE}.",
                (MIGRANTS_SOURCE,)),
        Measure("top_migrant_origins", "Top 5 origins of immigrants", "persons",
                "The five countries of birth of most of the international migrants living in "
                f"the country at mid-year (UN DESA 2019); {_SHARE}.", (MIGRANTS_SOURCE,)),
        Measure("top_student_destinations", "Top 5 destinations of tertiary students abroad",
                "persons",
                "The five destinations enrolling most of the country's international tertiary "
                "students (OECD, 40 reporting destinations; China is not among them, so shares "
                f"are of students in the reporting destinations); {_SHARE}.", (STUDENTS_SOURCE,)),
        Measure("gdp_rank", "GDP rank", "rank (1 = largest)",
                "Rank of the country's GDP (current USD, World Bank WDI, positive values) among "
                "the n countries with GDP in the year; ties share the lower rank.",
                (economy.GDP_SOURCE,)),
        Measure("population_growth_1y", "Population growth on the year before", "% per year",
                "100·(p_t/p_{t−1} − 1), population total (World Bank WDI SP.POP.TOTL).",
                (POPULATION_SOURCE,)),
        Measure("population_growth_5y", "Population growth, 5-year annualised", "% per year",
                "100·((p_t/p_{t−5})^{1/5} − 1), population total (World Bank WDI SP.POP.TOTL).",
                (POPULATION_SOURCE,)),
        Measure("governance_cpi", "Corruption Perceptions Index", _GM_UNITS["gm_cpi"],
                "Transparency International's Corruption Perceptions Index (Gapminder's copy); "
                "latest observation at or before the year.", (_GM_FILES["gm_cpi"],)),
        Measure("governance_democracy_eiu", "Democracy Index (EIU)",
                _GM_UNITS["gm_democracy_eiu"],
                "The Economist Intelligence Unit's Democracy Index on Gapminder's 0-100 scale; "
                "latest observation at or before the year.", (_GM_FILES["gm_democracy_eiu"],)),
        Measure("governance_freedom_fh", "Freedom House rating", "rating 1-7 (1 = most free)",
                "Freedom House's rating as Gapminder publishes it (1 = most free, 7 = least "
                "free); latest observation at or before the year.", (_GM_FILES["gm_freedom_fh"],)),
        Measure("signed_never_in_force", "Agreements signed, never in force", "agreements",
                "Trade agreements of the merged registry the country signed but is a party to "
                "at no date: curated records' signatories (with citations) and DESTA-only "
                "agreements with a signature and no entry into force recorded; value = their "
                "number, signed on or before 31 December of the year.",
                ("article2 curated agreement registry", "trade_agreements/desta.csv.gz",
                 "trade_agreements/desta_mem.csv.gz")),
    )
}  # fmt: skip

#: top-partner answer -> (channel label, measure name)
TOP_CHANNELS: dict[str, str] = {
    "top_export_partners": "trade: exports",
    "top_import_partners": "trade: imports",
    "top_migrant_destinations": "migrants: destinations",
    "top_migrant_origins": "migrants: origins",
    "top_student_destinations": "students: destinations",
}
TOP_COLUMNS = ["iso3", "year", "rank", "partner", "value", "share", "source_id"]

# ------------------------------------------------------------------- pure definitions


def top_partners(flows: pd.DataFrame, n: int = TOP) -> pd.DataFrame:
    """The ``n`` largest partners of every country and year.

    Args:
        flows: ``iso3, partner, year, value, source_id`` (rows of one pair and year are added).

    Returns:
        ``iso3, year, rank, partner, value, share, source_id``: ``rank`` 1..n by value (ties by
        partner code), ``share`` the value as a percentage of the country's sum over every
        partner in the year; only positive values; the country is never its own partner.
    """
    f = flows[(flows["partner"] != flows["iso3"]) & flows["value"].notna()]
    if f.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in TOP_COLUMNS})
    g = f.groupby(["iso3", "year", "partner"], as_index=False).agg(
        value=("value", "sum"), source_id=("source_id", lambda s: ";".join(sorted(set(s)))))
    total = g.groupby(["iso3", "year"])["value"].transform("sum")
    g = g.assign(share=100.0 * g["value"] / total.where(total > 0))
    g = g[g["value"] > 0].sort_values(["iso3", "year", "value", "partner"],
                                      ascending=[True, True, False, True])  # fmt: skip
    g["rank"] = g.groupby(["iso3", "year"]).cumcount() + 1
    out = g[g["rank"] <= n].astype({"year": int, "rank": int})
    return out[TOP_COLUMNS].reset_index(drop=True)


def gdp_rank(gdp: pd.DataFrame) -> pd.DataFrame:
    """``iso3, year, value`` (rank, 1 = largest), ``n`` (countries with GDP that year),
    ``gdp``, ``source_id`` from positive GDP rows ``iso3, year, value, source_id``."""
    g = gdp[gdp["value"] > 0]
    rank = g.groupby("year")["value"].rank(ascending=False, method="min")
    n = g.groupby("year")["iso3"].transform("count")
    out = pd.DataFrame({"iso3": g["iso3"], "year": g["year"].astype(int),
                        "value": rank.astype(float), "n": n.astype(int), "gdp": g["value"],
                        "source_id": g["source_id"]})  # fmt: skip
    return out.sort_values(["year", "value", "iso3"]).reset_index(drop=True)


def population_growth(pop: pd.DataFrame) -> pd.DataFrame:
    """``iso3, year, measure, value, base_year, source_id``: ``population_growth_1y`` and
    ``population_growth_5y`` (annualised) from population rows ``iso3, year, value,
    source_id``; NaN where the base year is missing or not positive."""
    p = pop.set_index(["iso3", "year"])["value"]
    sid = pop.set_index(["iso3", "year"])["source_id"]
    parts = []
    for k, name in ((1, "population_growth_1y"), (5, "population_growth_5y")):
        base = p.copy()
        base.index = pd.MultiIndex.from_arrays(
            [base.index.get_level_values(0), base.index.get_level_values(1) + k])
        b = base.reindex(p.index)
        with np.errstate(all="ignore"):
            v = 100.0 * ((p / b.where(b > 0)) ** (1.0 / k) - 1.0)
        parts.append(pd.DataFrame({"iso3": p.index.get_level_values(0),
                                   "year": p.index.get_level_values(1).astype(int),
                                   "measure": name, "value": v.to_numpy(),
                                   "base_year": p.index.get_level_values(1).astype(int) - k,
                                   "source_id": sid.to_numpy()}))  # fmt: skip
    out = pd.concat(parts, ignore_index=True)
    return out.sort_values(["iso3", "measure", "year"]).reset_index(drop=True)


def governance_latest(rows: pd.DataFrame, year: int | None = None) -> pd.DataFrame:
    """Each country's latest observation at or before ``year`` (any year when None) of each
    governance indicator: ``iso3, measure, year, value, source_id`` from rows ``iso3, year,
    indicator, value, source_id``."""
    r = rows[rows["value"].notna() & rows["indicator"].isin(list(GOVERNANCE.values()))]
    if year is not None:
        r = r[r["year"] <= int(year)]
    if r.empty:
        return pd.DataFrame(columns=["iso3", "measure", "year", "value", "source_id"])
    last = r.loc[r.groupby(["iso3", "indicator"])["year"].idxmax()]
    by_ind = {v: k for k, v in GOVERNANCE.items()}
    out = last.assign(measure=last["indicator"].map(by_ind), year=last["year"].astype(int))
    return out[["iso3", "measure", "year", "value", "source_id"]].sort_values(
        ["iso3", "measure"]).reset_index(drop=True)


NEVER_COLUMNS = ["iso3", "agreement_id", "title", "signature", "source", "evidence",
                 "citation"]  # fmt: skip


def never_in_force(
    agreements: pd.DataFrame, memberships: pd.DataFrame, signatories: pd.DataFrame
) -> pd.DataFrame:
    """Agreements each country signed and is a party to at no date.

    Args:
        agreements: the merged registry's agreements (``agreement_id, source, title,
            signature, citation_body, citation_document, citation_url``).
        memberships: its member spells (``agreement_id, source, iso3, since``; ``since`` NaT
            when no entry into force is recorded).
        signatories: curated signatories (``agreement_id, iso3``).

    Returns:
        Columns of :data:`NEVER_COLUMNS`, one row per country and agreement, by country and
        signature date.
    """
    cur = agreements[agreements["source"] == "curated"]
    in_force = memberships[memberships["since"].notna()][["agreement_id", "source", "iso3"]]
    sig = signatories.assign(source="curated").merge(
        in_force, on=["agreement_id", "source", "iso3"], how="left", indicator=True)
    sig = sig[sig["_merge"] == "left_only"].drop(columns="_merge").merge(cur, on=["agreement_id",
                                                                                 "source"])
    sig = sig.assign(evidence="curated record: signatory, not a party at any date")
    des = agreements[agreements["source"] == "desta"]
    never = memberships[memberships["source"] == "desta"]
    never = (never.assign(ever=never["since"].notna())
             .groupby(["agreement_id", "iso3"], as_index=False)["ever"].any())
    never = never[~never["ever"]].drop(columns="ever").assign(source="desta")
    never = never.merge(des, on=["agreement_id", "source"])
    never = never[never["signature"].notna()].assign(
        evidence="DESTA: signed; no entry into force recorded")
    out = pd.concat([sig, never], ignore_index=True)
    if out.empty:
        return pd.DataFrame(columns=NEVER_COLUMNS)
    out["signature"] = pd.to_datetime(out["signature"])

    def cite(r) -> str:
        parts = [r.citation_body, r.citation_document, r.citation_url]
        return "; ".join(str(p) for p in parts if isinstance(p, str) and p)

    out["citation"] = [cite(r) for r in out.itertuples(index=False)]
    return out[NEVER_COLUMNS].sort_values(["iso3", "signature", "agreement_id"]).reset_index(
        drop=True)


# ------------------------------------------------------------- selections from the warehouse


def trade_rows(wh: Warehouse, source: str, flow: str, *, year: int | None = None,
               iso3: str | None = None) -> pd.DataFrame:
    """``iso3, partner, year, value, source_id``: the country's ``flow`` (``exports`` or
    ``imports``) with each partner in the trade ``source``."""
    f = trade_m.flows(wh, source, iso3=iso3, year=year)
    f = f[f["flow"] == flow]
    return f.assign(source_id=";".join(trade_m.source_ids(wh, source)))[
        ["iso3", "partner", "year", "value", "source_id"]]


def _dyads(wh: Warehouse, indicator: str, me: str, other: str, *, year: int | None,
           iso3: str | None) -> pd.DataFrame:
    conds = ["indicator = ?", "value IS NOT NULL"]
    params: list[object] = [indicator]
    if year is not None:
        conds.append("year = ?")
        params.append(int(year))
    if iso3 is not None:
        conds.append(f"{me} = ?")
        params.append(iso3)
    t = wh.sql(f"SELECT {me} AS iso3, {other} AS partner, year, value, source_id FROM dyad_year "
               f"WHERE {' AND '.join(conds)}", params)  # fmt: skip
    return t.astype({"year": int})


def migrant_rows(wh: Warehouse, direction: str, *, year: int | None = None,
                 iso3: str | None = None) -> pd.DataFrame:
    """Migrant stock: ``direction`` ``destinations`` (partner = where the country's emigrants
    live) or ``origins`` (partner = where the country's immigrants were born)."""
    if direction == "destinations":
        return _dyads(wh, "migrant_stock", "iso3_o", "iso3_d", year=year, iso3=iso3)
    return _dyads(wh, "migrant_stock", "iso3_d", "iso3_o", year=year, iso3=iso3)


def student_rows(wh: Warehouse, *, year: int | None = None,
                 iso3: str | None = None) -> pd.DataFrame:
    """International tertiary students: partner = the destination."""
    return _dyads(wh, "intl_students", "iso3_o", "iso3_d", year=year, iso3=iso3)


def population_rows(wh: Warehouse, iso3: str | None = None) -> pd.DataFrame:
    """World Bank population rows (countries only)."""
    cond, params = "", [POPULATION_SOURCE]
    if iso3 is not None:
        cond, params = " AND iso3 = ?", [POPULATION_SOURCE, iso3]
    return wh.sql("SELECT iso3, year, value, source_id FROM country_year WHERE indicator = "
                  f"'population' AND source_id = ? AND value IS NOT NULL{cond}",
                  params).astype({"year": int})  # fmt: skip


def governance_rows(wh: Warehouse, iso3: str | None = None) -> pd.DataFrame:
    """The Gapminder governance rows (``iso3, year, indicator, value, source_id``) of ``iso3``
    (every country when None)."""
    where = [] if iso3 is None else [iso3]
    return wh.sql("SELECT iso3, year, indicator, value, source_id FROM country_year "
                  "WHERE list_contains(?, indicator) AND value IS NOT NULL "
                  "AND (len(?) = 0 OR list_contains(?, iso3))",
                  [list(GOVERNANCE.values()), where, where]).astype({"year": int})  # fmt: skip


def never_in_force_all(wh: Warehouse) -> pd.DataFrame:
    """:func:`never_in_force` over the merged registry of this build and the curated
    signatories."""

    def compute() -> pd.DataFrame:
        from article2.agreements.registry import load_curated

        reg = agreements_m.registry(wh)
        return never_in_force(reg.agreements, reg.memberships, load_curated().signatories)

    return wh.cached(("never_in_force",), compute)


def _top(wh: Warehouse, name: str, *, year: int | None, iso3: str | None,
         source: str) -> pd.DataFrame:
    if name == "top_export_partners":
        rows = trade_rows(wh, source, "exports", year=year, iso3=iso3)
    elif name == "top_import_partners":
        rows = trade_rows(wh, source, "imports", year=year, iso3=iso3)
    elif name == "top_migrant_destinations":
        rows = migrant_rows(wh, "destinations", year=year, iso3=iso3)
    elif name == "top_migrant_origins":
        rows = migrant_rows(wh, "origins", year=year, iso3=iso3)
    else:
        rows = student_rows(wh, year=year, iso3=iso3)
    return top_partners(rows)


def table(wh: Warehouse, name: str, year: int, *, source: str = "cow") -> pd.DataFrame:
    """Answer ``name`` of every country with a value in ``year``: ``iso3, year, value,
    source_id`` (top partners add ``rank, partner, share``; ``gdp_rank`` adds ``n``;
    ``signed_never_in_force`` lists the agreements in ``agreements``)."""
    if name not in MEASURES:
        raise ValueError(f"unknown answer {name!r}; allowed: {', '.join(MEASURES)}")
    year = int(year)
    if name in TOP_CHANNELS:
        return _top(wh, name, year=year, iso3=None, source=source)
    if name == "gdp_rank":
        r = gdp_rank(economy.gdp(wh, year))
        return r[["iso3", "year", "value", "n", "source_id"]]
    if name.startswith("population_growth"):
        g = population_growth(population_rows(wh))
        g = g[(g["measure"] == name) & (g["year"] == year) & g["value"].notna()]
        return g[["iso3", "year", "value", "base_year", "source_id"]].reset_index(drop=True)
    if name in GOVERNANCE:
        g = governance_latest(governance_rows(wh), year)
        g = g[g["measure"] == name]
        return g[["iso3", "year", "value", "source_id"]].reset_index(drop=True)
    nv = never_in_force_all(wh)
    nv = nv[nv["signature"] <= pd.Timestamp(f"{year}-12-31")]
    out = nv.groupby("iso3", as_index=False).agg(
        value=("agreement_id", "count"), agreements=("agreement_id", ";".join),
        source_id=("source", lambda s: ";".join(sorted(set(s)))))
    return out.assign(year=year)[["iso3", "year", "value", "agreements", "source_id"]]


# ----------------------------------------------------------------------- one country


@dataclass(frozen=True)
class Answers:
    """The direct answers for one country.

    Attributes:
        iso3: the country.
        top: answer name -> ``year, rank, partner, partner_name, value, share, source_id``
            (every year the profile shows: the trade year; every people-flow year up to the
            requested year).
        facts: one row per scalar answer: ``measure, year, value, n, base_year, source_id``
            (GDP rank, population growth, governance scores).
        never_in_force: agreements signed and never in force for the country
            (:data:`NEVER_COLUMNS` without ``iso3``).
        notes: what is not answered and why.
    """

    iso3: str
    top: Mapping[str, pd.DataFrame]
    facts: pd.DataFrame
    never_in_force: pd.DataFrame
    notes: tuple[str, ...] = dataclasses.field(default=())

    def fact(self, measure: str) -> dict | None:
        """One scalar answer as a dict (None when absent)."""
        hit = self.facts[self.facts["measure"] == measure]
        return None if hit.empty else _row(hit.iloc[0].to_dict())

    def to_dict(self) -> dict:
        """JSON-ready: top partners per answer, the scalar answers, the agreements and notes;
        each with the measure's label, unit and definition from :data:`MEASURES`."""
        nv = self.never_in_force.assign(
            signature=self.never_in_force["signature"].dt.strftime("%Y-%m-%d"))
        return {
            "iso3": self.iso3,
            "top_partners": {
                k: [_row(r) for r in t.to_dict("records")] for k, t in self.top.items()
            },
            "facts": {r["measure"]: _row({k: v for k, v in r.items() if k != "measure"})
                      for r in self.facts.to_dict("records")},  # fmt: skip
            "signed_never_in_force": [_row(r) for r in nv.to_dict("records")],
            "notes": list(self.notes),
        }


def _row(d: dict) -> dict:
    out = {}
    for k, v in d.items():
        if isinstance(v, np.generic):
            v = v.item()
        if isinstance(v, float) and not np.isfinite(v):
            v = None
        if v is pd.NA or v is pd.NaT:
            v = None
        if k == "source_id":
            k, v = "source_ids", [s for s in str(v).split(";") if s]
        out[k] = v
    return out


NOTES = (
    "No top partners for U.S. assistance (one donor), U.S. goods trade (IMF DOTS: the United "
    "States' reports only) or Chinese official finance (one lender).",
    "Students: the OECD's 40 reporting destinations; China is not among them.",
    "Governance: the snapshot holds Transparency International's CPI, the EIU Democracy Index "
    "and Freedom House's rating (Gapminder copies); it holds no World Bank Worldwide Governance "
    "Indicators.",
)


def _at_or_before(years, year: int | None) -> list[int]:
    ys = sorted({int(y) for y in years})
    return ys if year is None else [y for y in ys if y <= year]


def build_answers(
    wh: Warehouse, iso3: str, *, year: int | None = None, trade_source: str = "cow",
    trade_year: int | None = None,
) -> Answers:
    """The answers for ``iso3`` in ``year`` (None: the latest year of each answer's data).

    ``trade_year`` is the profile's trade year (default: the latest year of ``trade_source``
    with data for the country at or before ``year``); people flows are given for every year
    with data up to ``year``.
    """
    names = identity.names(wh)
    top: dict[str, pd.DataFrame] = {}
    ty = trade_year
    if ty is None:
        ty = trade_m.latest_year(wh, iso3, trade_source)
        if ty is not None and year is not None and ty > year:
            ys = _at_or_before(trade_m.years(wh, trade_source), year)
            ty = ys[-1] if ys else None
    for name in TOP_CHANNELS:
        if name.startswith("top_export") or name.startswith("top_import"):
            t = _top(wh, name, year=ty, iso3=iso3, source=trade_source) if ty else None
        else:
            t = _top(wh, name, year=None, iso3=iso3, source=trade_source)
            if year is not None:
                t = t[t["year"] <= year]
        if t is None or t.empty:
            top[name] = pd.DataFrame(columns=[*TOP_COLUMNS[1:], "partner_name"])
            continue
        t = t.assign(partner_name=t["partner"].map(names).fillna(t["partner"]))
        top[name] = t.drop(columns="iso3").sort_values(["year", "rank"],
                                                       ascending=[False, True]).reset_index(
            drop=True)  # fmt: skip
    facts = []
    gdp = economy.gdp(wh)
    gy = _at_or_before(gdp.loc[gdp["iso3"] == iso3, "year"], year)
    if gy:
        r = gdp_rank(gdp[gdp["year"] == gy[-1]])
        r = r[r["iso3"] == iso3]
        facts.append(r.assign(measure="gdp_rank")[["measure", "year", "value", "n",
                                                   "source_id"]])  # fmt: skip
    pg = population_growth(population_rows(wh, iso3))
    pg = pg[pg["value"].notna()]
    if year is not None:
        pg = pg[pg["year"] <= year]
    if not pg.empty:
        last = pg.loc[pg.groupby("measure")["year"].idxmax()]
        facts.append(last[["measure", "year", "value", "base_year", "source_id"]])
    gv = governance_latest(governance_rows(wh, iso3), year)
    if not gv.empty:
        facts.append(gv[["measure", "year", "value", "source_id"]])
    cols = ["measure", "year", "value", "n", "base_year", "source_id"]
    f = pd.concat(facts, ignore_index=True) if facts else pd.DataFrame(columns=cols)
    f = f.reindex(columns=cols).astype({"n": "Int64", "base_year": "Int64", "year": "Int64"})
    order = {m: i for i, m in enumerate(MEASURES)}
    f = f.sort_values("measure", key=lambda s: s.map(order)).reset_index(drop=True)
    nv = never_in_force_all(wh)
    nv = nv[nv["iso3"] == iso3]
    if year is not None:
        nv = nv[nv["signature"] <= pd.Timestamp(f"{year}-12-31")]
    return Answers(iso3=iso3, top=top, facts=f, never_in_force=nv.drop(columns="iso3")
                   .reset_index(drop=True), notes=NOTES)  # fmt: skip
