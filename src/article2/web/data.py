"""Every query the dashboard makes, and the registry of indicators it can show.

The registry maps an indicator *name* (what a URL may contain) to a fixed SQL template and its
parameters; user input only ever selects an entry and fills ``?`` parameters, never SQL text.

Indicators available from the warehouse today:

``trade_share_<actor>`` / ``import_share_<actor>`` / ``export_share_<actor>``
    Share (%) of a country's trade (imports + exports), imports or exports that is with an actor:
    the United States, Japan, China, the EU (members in that year, from
    :func:`article2.countries.group_members`) or the United States and Japan together. Flows are
    COW Dyadic Trade 4.0 (``trade_cow``: imports of d from o as reported by d, current USD, to
    2014); a country's exports to k are k's reported imports from it. The denominator is the
    country's total over all partners with a reported flow. A country is not its own partner: its
    share with itself is missing (the USA has no "share with the USA").
``balance_usajpn_chn``
    Alliance-vs-China balance: trade share with the USA and Japan minus trade share with China,
    in percentage points.
``cn_finance_pct_gdp``
    Chinese official finance commitments (AidData GCDF 3.0 ODA-like + OOF-like + vague, constant
    2021 USD, COW-coded file) as % of GDP (World Bank, current USD). The numerator is in constant
    2021 dollars and the denominator in current dollars, so the ratio is an approximation that is
    closest for years near 2021.
``igo_shared_usa`` / ``igo_shared_jpn``
    IGOs in which the country and the USA / Japan are both full members (COW IGO 3.0, to 2014).
``exposure_<measure>``
    Coercion exposure to China (:data:`article2.indicators.coercion.MEASURES`), from
    :func:`article2.profiles.exposure_table`: the same table each country profile reads, so the
    map value and percentile of a country are those of its profile for that year. Map layers
    only (one year at a time).
``agreement_<actor>``
    The report's map (:func:`article2.api.architecture`): for the USA, Japan, China or the EU
    at a date, each country's class — trade agreement in force with the actor, WTO member
    without one, neither (categorical). Map layers only.

Every number comes from the measures layer (:mod:`article2.measures`), the same functions the
profile, the brief and the index read: trade shares from :func:`article2.measures.trade.shares`,
Chinese official finance from :func:`article2.measures.finance.pct_gdp`, exposure from
:func:`article2.measures.exposure.exposure`. Actors are the codes of
:data:`article2.measures.members.ACTORS`; indicator names carry their URL form
(:func:`article2.measures.members.slug`: ``USA+JPN`` -> ``usajpn``).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pandas as pd

from article2 import warehouse
from article2.measures import economy, identity
from article2.measures import exposure as exp_m
from article2.measures import finance as fin_m
from article2.measures import ties as ties_m
from article2.measures import trade as trade_m
from article2.measures import us_aid as us_aid_m
from article2.measures.members import ACTOR_NAMES, slug

__all__ = [
    "ACTORS",
    "AGREEMENT_ACTORS",
    "AGREEMENT_FIRST_YEAR",
    "AGREEMENT_SOURCE",
    "PROVENANCE_COLUMNS",
    "TIES_SOURCES",
    "Indicator",
    "Store",
    "registry",
]

Kind = Literal["share", "balance", "cn_finance", "igo", "exposure", "agreement", "us_aid"]
Direction = Literal["trade", "import", "export"]

TRADE_SOURCE = "cow_trade/cow_dyadic_trade_4.0.csv.gz"
AIDDATA_SOURCE = "aiddata_gcdf/cow_gcdf.csv"
GDP_SOURCE = "wb_gdp/gdp.csv"
IGO_SOURCE = "peace_science/cow_igo_ndy.csv.gz"
ATOP_SOURCE = "peace_science/atop_alliance.csv.gz"
#: the curated agreement registry (committed YAML files, one citation per agreement)
AGREEMENT_SOURCE = "article2 curated agreement registry"
US_AID_SOURCE = "us_aid/us_foreign_aid_country.csv.gz"
AGREEMENT_ACTORS: tuple[str, ...] = ("USA", "JPN", "CHN", "EU")
AGREEMENT_ACTOR_LABELS = {"USA": "the United States", "JPN": "Japan", "CHN": "China",
                          "EU": "the EU"}
#: first year of the agreement layers (GATT 1947 in force from 1 January 1948)
AGREEMENT_FIRST_YEAR = 1948
#: sources of :meth:`Store.ties`
TIES_SOURCES = (TRADE_SOURCE, ATOP_SOURCE)

#: actor code -> label (the one actor vocabulary, :data:`article2.measures.members.ACTORS`)
ACTORS: dict[str, str] = dict(ACTOR_NAMES)
_FLOW = {"trade": "trade", "import": "imports", "export": "exports"}
_DIRECTION_LABEL = {"trade": "Trade", "import": "Imports", "export": "Exports"}

#: columns every download carries, after the data columns
PROVENANCE_COLUMNS = ("source_id", "source_title", "license", "vintage")


@dataclass(frozen=True)
class Indicator:
    """One entry of the registry.

    Attributes:
        name: the key used in URLs and the API.
        label: short human label.
        unit: unit of ``value``.
        description: what it measures, from which source, with caveats.
        kind: which SQL template computes it.
        sources: source_ids (rows of the ``sources`` table) the numbers come from.
        actor, direction: for trade shares, the partner actor and the flow direction.
        warehouse_indicators: the warehouse indicators read.
    """

    name: str
    label: str
    unit: str
    description: str
    kind: Kind
    sources: tuple[str, ...]
    actor: str | None = None
    direction: Direction | None = None
    warehouse_indicators: tuple[str, ...] = field(default=())
    measure: str | None = None

    @property
    def categorical(self) -> bool:
        """Whether values are classes (the agreement layers) rather than numbers."""
        return self.kind == "agreement"

    @property
    def has_series(self) -> bool:
        """Whether the indicator has a per-country series over time (map-only layers do not)."""
        return self.kind not in ("exposure", "agreement")


def _build_registry() -> dict[str, Indicator]:
    reg: dict[str, Indicator] = {}
    for direction in ("trade", "import", "export"):
        for actor, label in ACTORS.items():
            name = f"{direction}_share_{slug(actor)}"
            what = {"trade": "trade (imports + exports)", "import": "imports",
                    "export": "exports"}[direction]  # fmt: skip
            reg[name] = Indicator(
                name=name,
                label=f"{_DIRECTION_LABEL[direction]} share with {label}",
                unit="% of the country's " + what,
                description=(
                    f"Share of the country's {what} that is with {label}"
                    + (" (EU members in that year)" if actor == "EU" else "")
                    + ". COW Dyadic Trade 4.0, importer-reported, current USD, to 2014."
                ),
                kind="share",
                sources=(TRADE_SOURCE,),
                actor=actor,
                direction=direction,
                warehouse_indicators=("trade_cow",),
            )
    reg["balance_usajpn_chn"] = Indicator(
        name="balance_usajpn_chn",
        label="Alliance-vs-China balance (trade)",
        unit="percentage points",
        description="Trade share with the United States and Japan minus trade share with China "
        "(COW Dyadic Trade 4.0, to 2014). Positive: more trade with the allies than with China.",
        kind="balance",
        sources=(TRADE_SOURCE,),
        warehouse_indicators=("trade_cow",),
    )
    reg["cn_finance_pct_gdp"] = Indicator(
        name="cn_finance_pct_gdp",
        label=fin_m.CN_OF_PCT_GDP.label,
        unit="% of GDP",
        description=fin_m.CN_OF_PCT_GDP.definition + " AidData GCDF 3.0 (constant 2021 USD) "
        "over World Bank GDP (current USD): an approximation, closest near 2021.",
        kind="cn_finance",
        sources=fin_m.CN_OF_PCT_GDP.source_ids,
        measure=fin_m.CN_OF_PCT_GDP.name,
        warehouse_indicators=("cn_of_oda", "cn_of_oof", "cn_of_vague", "gdp_usd"),
    )
    for actor in ("USA", "JPN"):
        reg[f"igo_shared_{slug(actor)}"] = Indicator(
            name=f"igo_shared_{slug(actor)}",
            label=f"IGOs shared with {ACTORS[actor]}",
            unit="count",
            description=f"Intergovernmental organisations in which the country and "
            f"{ACTORS[actor]} are both full members (COW IGO 3.0, to 2014).",
            kind="igo",
            sources=(IGO_SOURCE,),
            actor=actor,
            warehouse_indicators=("igo_shared",),
        )
    for measure, (unit, label) in exp_m.MEASURES.items():
        finance = measure == "china_finance_pct_gdp"
        reg[f"exposure_{measure}"] = Indicator(
            name=f"exposure_{measure}",
            label=f"Exposure: {label}",
            unit=unit,
            description=f"Coercion exposure to China: {label}; hover a country for its "
            "percentile among all countries with a value that year (100 = most exposed), as in "
            "its profile. "
            + ("AidData GCDF 3.0 commitments over World Bank GDP." if finance else
               "COW Dyadic Trade 4.0 (importer-reported, to 2014)"
               + (" and World Bank GDP." if "gdp" in measure else ".")),
            kind="exposure",
            sources=(AIDDATA_SOURCE, GDP_SOURCE) if finance else (
                (TRADE_SOURCE, GDP_SOURCE) if "gdp" in measure else (TRADE_SOURCE,)),
            measure=measure,
            warehouse_indicators=("cn_of_oda", "cn_of_oof", "cn_of_vague", "gdp_usd") if finance
            else (("trade_cow", "gdp_usd") if "gdp" in measure else ("trade_cow",)),
        )
    reg["us_aid_pct_gdp"] = Indicator(
        name="us_aid_pct_gdp",
        label="U.S. foreign assistance obligated, % of GDP",
        unit="% of GDP",
        description="U.S. foreign assistance obligated to the country in the U.S. fiscal year "
        "(all assistance, military included: not ODA), as a percentage of its GDP (World Bank, "
        "current USD) in the calendar year in which the fiscal year ends "
        "(ForeignAssistance.gov). The latest fiscal year, when only partly reported, is left "
        "out.",
        kind="us_aid",
        sources=(US_AID_SOURCE, GDP_SOURCE),
        measure="us_aid_obligations_pct_gdp",
        warehouse_indicators=("us_aid_obligations_current", "gdp_usd"),
    )
    for actor in AGREEMENT_ACTORS:
        reg[f"agreement_{actor.lower()}"] = Indicator(
            name=f"agreement_{actor.lower()}",
            label=f"Trade agreements with {AGREEMENT_ACTOR_LABELS[actor]}",
            unit="class",
            description=f"The report's map for {AGREEMENT_ACTOR_LABELS[actor]} at a date: "
            "trade agreement in force with it, WTO member without one, or neither (curated "
            "agreement registry with citations).",
            kind="agreement",
            sources=(AGREEMENT_SOURCE,),
            actor=actor,
        )
    return reg


_REGISTRY = _build_registry()


def registry() -> dict[str, Indicator]:
    """The indicator registry: name -> :class:`Indicator` (a fresh dict)."""
    return dict(_REGISTRY)


# -- SQL templates: fixed text, user values only as parameters -----------------------------------

class Store:
    """Read-only access to the warehouse for the web app, with per-request cursors and caches.

    It holds the :class:`~article2.warehouse.Warehouse` handle of the build it serves (each
    query runs on its own cursor, so the server's worker threads never share one); its caches
    belong to that handle's build.
    """

    def __init__(self, path: Path | warehouse.Warehouse | None = None) -> None:
        self.wh = warehouse.open_warehouse(path)
        self.path = self.wh.path
        # bound caches per instance (functools.lru_cache on methods would pin self globally)
        self.indicator_values = functools.lru_cache(maxsize=512)(self._indicator_values)
        self.country_series = functools.lru_cache(maxsize=2048)(self._country_series)
        self.available_years = functools.lru_cache(maxsize=64)(self._available_years)
        self.provenance = functools.lru_cache(maxsize=64)(self._provenance)
        self.ties = functools.lru_cache(maxsize=1024)(self._ties)
        self.classification = functools.lru_cache(maxsize=64)(self._classification)
        self.share_panel = functools.lru_cache(maxsize=256)(self._share_panel)
        self._country_table = identity.countries(self.wh)
        self._panels: dict[str, dict[str, pd.DataFrame]] = {}
        self._empty_panels: dict[str, pd.DataFrame] = {}

    def close(self) -> None:
        """Nothing to release: the handle belongs to its build (see
        :func:`article2.warehouse.open_warehouse`)."""

    def sources(self, columns: tuple[str, ...]) -> pd.DataFrame:
        """``columns`` of the provenance table, one row per raw file
        (:func:`article2.measures.identity.sources`)."""
        return identity.sources(self.wh, None, columns)

    # -- identity ---------------------------------------------------------------------------------

    def countries(self) -> pd.DataFrame:
        """The ``countries`` table (iso3, name, kind, region, sub-region, UN numeric code)."""
        return self._country_table.copy()

    def country(self, iso3: str) -> dict | None:
        """One row of ``countries`` as a dict, or None when ``iso3`` is not a key."""
        rows = self._country_table[self._country_table["iso3"] == iso3]
        if rows.empty:
            return None
        row = rows.iloc[0]
        return {k: (None if pd.isna(v) else (v.item() if hasattr(v, "item") else v))
                for k, v in row.items()}  # fmt: skip

    # -- indicators -------------------------------------------------------------------------------

    def _compute(self, ind: Indicator, *, year: int | None, iso3: str | None) -> pd.DataFrame:
        if ind.kind in ("share", "balance"):
            panel = self.share_panel(_FLOW[ind.direction or "trade"], year, iso3)

            def share(actor: str) -> pd.DataFrame:
                frame = panel[panel["actor"] == actor][["iso3", "year", "share"]]
                frame = frame.rename(columns={"share": "value"})
                frame["value"] = 100 * frame["value"].astype(float)
                return frame

            if ind.kind == "share":
                frame = share(ind.actor or "")
            else:
                allies = share("USA+JPN").set_index(["iso3", "year"])["value"]
                china = share("CHN").set_index(["iso3", "year"])["value"]
                frame = (allies - china).rename("value").reset_index()
        elif ind.kind == "exposure":
            if year is None or iso3 is not None:
                raise ValueError(f"{ind.name} is a map layer: one year for all countries")
            return self._exposure(ind, year)
        elif ind.kind == "agreement":
            raise ValueError(f"{ind.name} is a classification: use Store.classification")
        elif ind.kind == "cn_finance":
            frame = fin_m.pct_gdp(self.wh, year)
            if iso3:
                frame = frame[frame["iso3"] == iso3]
        elif ind.kind == "us_aid":
            table, partial = self.us_aid()
            frame = table[(table["measure"] == ind.measure) & ~table["year"].isin(list(partial))]
            frame = frame.dropna(subset=["value"])
            if year is not None:
                frame = frame[frame["year"] == year]
            if iso3:
                frame = frame[frame["iso3"] == iso3]
        else:  # igo
            frame = ties_m.igo_shared(self.wh, ind.actor or "", year=year, iso3=iso3)
        frame = frame[["iso3", "year", "value"]].copy()
        frame["year"] = frame["year"].astype(int)
        frame["value"] = frame["value"].astype(float)
        return frame.sort_values(["iso3", "year"], ignore_index=True)

    def _indicator_values(self, name: str, year: int) -> pd.DataFrame:
        """All countries' values of indicator ``name`` in ``year`` (iso3, name, year, value)."""
        ind = _REGISTRY[name]
        frame = self._compute(ind, year=year, iso3=None)
        names = self._country_table.set_index("iso3")["name"]
        frame.insert(1, "name", frame["iso3"].map(names))
        return frame

    def _share_panel(self, flow: str, year: int | None, iso3: str | None) -> pd.DataFrame:
        """Every actor's share for the targets selected (one country over all years, or all
        countries in one year): :func:`article2.measures.trade.shares`; one country's rows come
        from the all-countries panel when :meth:`prepare` has computed it."""
        by_country = self._panels.get(flow)
        if by_country is not None and year is None and iso3 is not None:
            return by_country.get(iso3, self._empty_panels[flow])
        return trade_m.shares(self.wh, "cow", flow=flow, year=year, iso3=iso3)

    def prepare(self, flows: tuple[str, ...] = ("trade",)) -> None:
        """Compute the share panel of every country over all years once (one pass over the
        trade table: seconds), so that a country's series costs a look-up instead of a pass of
        its own (``shares(iso3=...)`` returns the same rows: see ``tests/test_dashboard_cold``)."""
        self.us_aid()
        for flow in flows:
            panel = trade_m.shares(self.wh, "cow", flow=flow)
            self._empty_panels[flow] = panel.iloc[0:0]
            self._panels[flow] = {k: g.reset_index(drop=True)
                                  for k, g in panel.groupby("iso3", sort=False)}  # fmt: skip

    def _exposure(self, ind: Indicator, year: int) -> pd.DataFrame:
        """One coercion-exposure measure of every country with a value in ``year``, with its
        percentile: :func:`article2.measures.exposure.exposure`."""
        frame = exp_m.exposure(self.wh, ind.measure or "", year)
        frame = frame[["iso3", "year", "value", "percentile", "n"]].rename(
            columns={"n": "n_countries"})
        return frame.sort_values("iso3", ignore_index=True)

    def _classification(self, actor: str, at: str) -> pd.DataFrame:
        """The report's map for ``actor`` at date ``at`` (ISO text): iso3, name, at, value (the
        class), label, agreements, wto_basis and the citations of the agreements listed."""
        from article2 import api
        from article2.agreements.map import LABELS

        table = api.architecture(actor, at, wh=self.wh)
        reg = api.agreement_registry(wh=self.wh).agreements
        cites = {
            r.agreement_id: f"{r.agreement_id}: {r.citation_body}, {r.citation_document}"
            for r in reg[reg["source"] == "curated"].itertuples()
        }
        names = self._country_table.set_index("iso3")["name"]
        out = pd.DataFrame({
            "iso3": table["iso3"],
            "name": table["iso3"].map(names),
            "at": at,
            "value": table["class"],
            "label": table["class"].map(LABELS),
            "agreements": table["agreements"].fillna(""),
            "wto_basis": table["wto_basis"],
            "citations": [
                "; ".join(cites.get(a.strip(), a.strip()) for a in str(ids).split(",") if a.strip())
                for ids in table["agreements"].fillna("")
            ],
        })  # fmt: skip
        return out.sort_values("iso3", ignore_index=True)

    @functools.cached_property
    def _us_aid(self) -> tuple[pd.DataFrame, dict[int, str]]:
        aid = economy.panel(self.wh, us_aid_m.INDICATORS)
        aid = aid[aid["iso3"].isin(self._country_table["iso3"])].reset_index(drop=True)
        table = us_aid_m.us_assistance(aid, economy.gdp(self.wh))
        table["year"] = table["year"].astype(int)
        obligated = aid[(aid["indicator"] == "us_aid_obligations_current") & aid["value"].notna()]
        recipients = obligated.groupby("year", as_index=False)["iso3"].nunique()
        return table, us_aid_m.partial_years(recipients.rename(columns={"iso3": "n"}))

    def us_aid(self) -> tuple[pd.DataFrame, dict[int, str]]:
        """U.S. assistance of every recipient (:func:`article2.measures.us_aid.us_assistance`,
        the profile's measure) and the fiscal years left out as partly reported
        (:func:`article2.measures.us_aid.partial_years`, as the profile's channel)."""
        return self._us_aid

    def _country_series(self, name: str, iso3: str) -> pd.DataFrame:
        """One country's values of indicator ``name`` over all years (iso3, year, value)."""
        return self._compute(_REGISTRY[name], year=None, iso3=iso3)

    def _available_years(self, name: str) -> tuple[int, ...]:
        """Years in which indicator ``name`` has at least one value."""
        ind = _REGISTRY[name]
        if ind.kind == "agreement":
            import datetime as dt

            return tuple(range(AGREEMENT_FIRST_YEAR, dt.date.today().year + 1))
        if ind.kind == "exposure":
            return self.available_years(
                "cn_finance_pct_gdp" if ind.measure == "china_finance_pct_gdp" else "trade_share_usa"
            )
        if ind.kind in ("share", "balance"):
            return trade_m.years(self.wh, "cow")
        if ind.kind == "cn_finance":
            return tuple(sorted(int(y) for y in fin_m.pct_gdp(self.wh)["year"].unique()))
        if ind.kind == "us_aid":
            return tuple(sorted(int(y) for y in self._compute(ind, year=None, iso3=None)["year"]
                                .unique()))
        return ties_m.igo_years(self.wh, ind.actor or "")

    def _provenance(self, sources: tuple[str, ...]) -> dict[str, str]:
        """Provenance of ``sources``: ids, titles, licences and vintages, each "; "-joined."""
        src = identity.sources(self.wh, list(sources))[["source_id", "title", "license",
                                                          "vintage"]]  # fmt: skip
        if AGREEMENT_SOURCE in sources:
            src = pd.concat([src, pd.DataFrame([self._registry_provenance()])], ignore_index=True)
        return {
            "source_id": "; ".join(src["source_id"].astype(str)),
            "source_title": "; ".join(src["title"].fillna("").astype(str)),
            "license": "; ".join(src["license"].fillna("").astype(str)),
            "vintage": "; ".join(src["vintage"].fillna("").astype(str)),
        }

    def _registry_provenance(self) -> dict[str, str]:
        """The curated agreement registry is committed with the package, not a raw file: its
        provenance is the registry itself (each row's ``citations`` cite the agreements)."""
        from article2 import api

        checked = api.agreement_registry(wh=self.wh).agreements["checked"].dropna()
        return {
            "source_id": AGREEMENT_SOURCE,
            "title": "Trade agreements and WTO accessions, curated with a citation per "
            "agreement (article2/agreements/curated/*.yaml)",
            "license": "facts with citations to their official sources",
            "vintage": "checked " + (str(checked.max().date()) if len(checked) else "?"),
        }

    def with_provenance(self, frame: pd.DataFrame, sources: tuple[str, ...]) -> pd.DataFrame:
        """``frame`` with the provenance columns of ``sources`` appended."""
        out = frame.copy()
        for column, value in self.provenance(tuple(sources)).items():
            out[column] = value
        return out

    # -- ties -------------------------------------------------------------------------------------

    def latest_trade_year(self, iso3: str) -> int | None:
        """:func:`article2.measures.trade.latest_year` (COW)."""
        return trade_m.latest_year(self.wh, iso3, "cow")

    def _ties(self, iso3: str, year: int, limit: int = 15) -> pd.DataFrame:
        """Top trading partners of ``iso3`` in ``year``: imports, exports, total, share (%)
        (:func:`article2.measures.ties.top_partners`)."""
        frame = ties_m.top_partners(self.wh, iso3, year, limit)
        frame.insert(0, "year", year)
        frame.insert(0, "iso3", iso3)
        return frame
