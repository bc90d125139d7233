"""The Python API: what the CLI, the web app and notebooks call.

>>> import article2.api as a2            # doctest: +SKIP
>>> a2.build()                           # doctest: +SKIP
>>> a2.sources().head()                  # doctest: +SKIP
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from article2 import countries as _countries
from article2 import warehouse
from article2.profiles import (
    Profile,
    TradeSource,
    build_profile,
    compare_frame,
    shared_trade_source,
)
from article2.warehouse import BuildReport, build

if TYPE_CHECKING:  # types only: these modules import this one at run time
    from article2.index.config import Kind as SpecKind

__all__ = [
    "CASE_COUNTRIES",
    "BuildReport",
    "build",
    "countries",
    "quarantine",
    "run_scenario",
    "scenario_result",
    "sources",
    "unmapped",
    "write_outputs",
    # trade architecture and recommendations
    "agreement_conflicts",
    "agreement_gaps",
    "agreement_registry",
    "agreements",
    "architecture",
    "architecture_dates",
    "architecture_map",
    "desta_cleaning",
    "recs",
    "trade_coverage",
    "load_baci",
    "generate_baci",
    "product_indicators",
    "dependencies",
    "dependency_table",
]


def sources() -> pd.DataFrame:
    """The provenance table: one row per raw file with origin, licence, SHA-256 and row counts."""
    from article2.measures import identity

    return identity.build_table(warehouse.open_warehouse(), "sources")


def unmapped() -> pd.DataFrame:
    """Codes in the sources that are not countries (unmapped or aggregates), with row counts."""
    from article2.measures import identity

    return identity.build_table(warehouse.open_warehouse(), "unmapped")


def quarantine(source_id: str | None = None) -> pd.DataFrame:
    """Rows rejected by the build, with row number, field, value and reason."""
    from article2.measures import identity

    return identity.build_table(warehouse.open_warehouse(), "quarantine", source_id or None)


def countries(query: str | None = None) -> pd.DataFrame:
    """The identity table, optionally filtered by a search text (name or any code)."""
    return _countries.search(query) if query else _countries.country_table()


def write_outputs(folder: Path) -> list[Path]:
    """Write the main job's outputs into ``folder`` and return their paths (the case
    countries' briefs are written by :func:`article2.briefs.write_case_briefs`, which the
    ``run`` command calls after this)."""
    from article2.measures import identity

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in {
        "sources.csv": sources(),
        "unmapped.csv": unmapped(),
        "quarantine_summary.csv": identity.quarantine_summary(warehouse.open_warehouse()),
    }.items():
        path = folder / name
        frame.to_csv(path, index=False)
        written.append(path)
    written += _write_capability_outputs(folder)
    return written


def fetch(source: str, *, vintage: str | None = None, **options) -> list[Path]:
    """Download the current data of one official source into the data home.

    ``source`` is one of :data:`article2.sources.fetched.FETCHERS`; ``vintage`` names the
    folder (and, where the source offers it, pins the release). Returns the files written.
    The next :func:`build` loads them.
    """
    from article2.sources import fetched

    return fetched.module(source).fetch(vintage=vintage, **options)


def fetch_status() -> pd.DataFrame:
    """Per online source: vintage in use, when it was fetched, vintage in the warehouse, staleness."""
    from article2 import config, paths
    from article2.errors import WarehouseMissingError
    from article2.sources import fetched

    try:
        from article2.measures import identity

        built = identity.sources(warehouse.open_warehouse(), columns=("source_id", "vintage"))
    except WarehouseMissingError:
        built = None
    return fetched.status(paths.raw_dir(), built, stale_days=config.value("stale_days"))


__all__ += ["fetch", "fetch_status"]
# --------------------------------------------------------------------- presence profiles


def profile(
    iso3: str, *, year: int | None = None, trade_source: TradeSource | None = None
) -> Profile:
    """Presence profile of one country: trade, official finance, ties and economy for the
    USA, JPN, CHN, the EU and USA+JPN, with U.S.–Japan alignment and coercion exposure.

    ``year`` None takes the latest year with data for each channel (stated in
    ``Profile.years``); ``trade_source`` is ``"cow"`` (importer-reported, annual to 2014),
    ``"comtrade"`` (exporter-reported, every 4 years to 2016) or ``"imf"`` (IMF IMTS, once
    fetched); None takes the annual source with the newest year for the country (IMF IMTS
    once fetched, else COW).

    >>> import article2                                  # doctest: +SKIP
    >>> article2.profile("VNM", year=2014).to_frame()    # doctest: +SKIP
    """
    return build_profile(iso3, year=year, trade_source=trade_source)


def compare(
    iso3s: list[str] | tuple[str, ...],
    *,
    year: int | None = None,
    trade_source: TradeSource | None = None,
) -> pd.DataFrame:
    """Several countries' profiles side by side: one row per measure, a column per country
    (``trade_source`` None: one source for all, :func:`article2.profiles.shared_trade_source`)."""
    source = trade_source or shared_trade_source(iso3s)
    return compare_frame(
        [build_profile(c, year=year, trade_source=source, channels=False, answers=False)
         for c in iso3s]  # fmt: skip
    )


def measure(
    name: str, year: int, *, actor: str | None = None, flow: str = "trade", source: str = "cow"
) -> pd.DataFrame:
    """One measure of the measures layer for every country with a value in ``year``: columns
    ``iso3, year, value, source_id`` (exposure measures add ``percentile`` and ``n``). Names:
    :data:`article2.measures.catalogue.MEASURES` (``trade_share`` takes ``actor`` and
    ``flow``).

    >>> import article2.api as a2                                       # doctest: +SKIP
    >>> a2.measure("china_finance_pct_gdp", 2014).query("iso3 == 'VNM'")  # doctest: +SKIP
    """
    from article2.measures import catalogue

    return catalogue.table(
        warehouse.open_warehouse(), name, year, actor=actor, flow=flow, source=source
    )


def measure_catalogue() -> pd.DataFrame:
    """Every measure: name, label, unit, definition and source ids."""
    from dataclasses import asdict

    from article2.measures import catalogue

    rows = [{**asdict(m), "source_ids": ";".join(m.source_ids)} for m in catalogue.MEASURES.values()]
    return pd.DataFrame(rows)


def answers(iso3: str, *, year: int | None = None, trade_source: TradeSource = "cow"):
    """The direct answers for one country (:class:`article2.measures.answers.Answers`): top
    five partners per channel, GDP rank, population growth, governance scores, agreements
    signed and never in force; the same object as ``profile(iso3).answers``.

    >>> import article2.api as a2                                        # doctest: +SKIP
    >>> a2.answers("VNM").top["top_migrant_destinations"].head()          # doctest: +SKIP
    """
    p = build_profile(iso3, year=year, trade_source=trade_source, channels=False)
    return p.answers


__all__ += ["Profile", "answers", "compare", "country_architecture", "measure", "measure_catalogue", "profile"]
# --- trade architecture and recommendations -------------------------------------------------


def agreement_registry(*, wh=None):
    """The agreement registry (curated facts + cleaned DESTA); see :mod:`article2.agreements`.
    Read once per build of the warehouse ``wh`` (a :class:`~article2.warehouse.Warehouse` or a
    path; default: the user's)."""
    from article2.agreements.registry import load_registry

    handle = warehouse.open_warehouse(wh)
    return handle.cached(("load_registry",), lambda: load_registry(handle.path))


def agreements(
    *,
    between: tuple[str, str] | None = None,
    member: str | None = None,
    at=None,
    source: str | None = None,
) -> pd.DataFrame:
    """Agreements in force at ``at`` (default today): between two countries, or of one member,
    or all. The registry the map reads: curated records, and the DESTA-only agreements where no
    curated record covers the same agreement (curated dates win; ``source`` limits to one of
    the two). DESTA records the curated rulings say are no free trade agreement are listed with
    ``rta`` False."""
    import datetime as dt

    from article2.agreements import queries as q
    from article2.agreements.merge import merge

    if source and source not in ("curated", "desta"):
        raise ValueError(f"unknown source {source!r}; allowed: curated, desta")
    try:
        day = at if isinstance(at, dt.date) else dt.date.fromisoformat(at) if at else None
        at = pd.Timestamp(day or dt.date.today())
    except (TypeError, ValueError) as exc:
        raise ValueError(f"--at {at!r} is not a date (YYYY-MM-DD)") from exc
    full = agreement_registry()
    reg = merge(full.agreements, full.memberships, full.desta_overrides, keep_not_fta=True)
    sources = (source,) if source else ("curated", "desta")
    if between:
        return q.agreements_between(reg.agreements, reg.memberships, *between, at, sources=sources)
    if member:
        return q.agreements_between(
            reg.agreements, reg.memberships, member, member, at, sources=sources
        )
    m = reg.memberships[reg.memberships.source.isin(sources)]
    active = m[(m.since <= at) & (m.until.isna() | (m.until > at))]
    n = active.groupby(["agreement_id", "source"]).iso3.nunique().rename("members").reset_index()
    out = reg.agreements.merge(n, on=["agreement_id", "source"])
    return out[
        ["agreement_id", "source", "title", "kind", "rta", "signature", "force", "members"]
    ].sort_values(["source", "agreement_id"], ignore_index=True)


def agreement_gaps() -> pd.DataFrame:
    """Curated facts known to be missing (e.g. WTO members whose accession date is not entered)."""
    return agreement_registry().gaps


def desta_cleaning() -> pd.DataFrame:
    """The log of DESTA records dropped or flagged by the cleaning rules."""
    return agreement_registry().cleaning


def agreement_conflicts() -> pd.DataFrame:
    """Differences between curated facts and DESTA (reported, not resolved)."""
    from article2.agreements.conflicts import conflicts

    reg = agreement_registry()
    return conflicts(reg.agreements, reg.memberships)


def architecture(actor: str = "USA", at=None, *, wh=None) -> pd.DataFrame:
    """The report's map as a table: every country's class for ``actor`` (USA, JPN, CHN, EU),
    counting curated agreements and DESTA-only ones (the curated record wins on conflict), in
    the warehouse ``wh`` (default: the user's)."""
    import datetime as dt

    from article2.agreements import queries as q
    from article2.agreements.map import map_countries
    from article2.agreements.merge import merge

    q.check_actor(actor)
    reg = agreement_registry(wh=wh)
    merged = merge(reg.agreements, reg.memberships, reg.desta_overrides)
    return q.classify(
        merged.agreements,
        merged.memberships,
        map_countries(),
        actor,
        pd.Timestamp(at or dt.date.today()),
        undated_wto=tuple(reg.gaps[reg.gaps.kind == "undated"].iso3),
        sources=("curated", "desta"),
    )


def architecture_dates() -> tuple[str, ...]:
    """ISO dates on which :func:`architecture` can change for some actor (memberships of the
    merged registry begin or end; the WTO starts): the map at any date equals the map at the
    latest of these dates on or before it."""
    from article2.agreements import queries as q
    from article2.agreements.merge import merge

    reg = agreement_registry()
    merged = merge(reg.agreements, reg.memberships, reg.desta_overrides)
    return tuple(str(d.date()) for d in q.change_dates(merged.memberships))


ARCHITECTURE_ACTORS: tuple[str, ...] = ("USA", "JPN", "CHN", "EU")


def country_architecture(iso3: str, at=None, *, wh=None) -> pd.DataFrame:
    """One country's class on the report's map for each actor (USA, JPN, CHN, EU) at ``at``
    (default today): columns of :func:`architecture` plus ``actor``. The world classification
    is computed once per (actor, date) and build of the warehouse (a cache of the
    :class:`~article2.warehouse.Warehouse` handle, so a rebuild is never served a stale map)."""
    import datetime as dt

    at = str(pd.Timestamp(at or dt.date.today()).date())
    handle = warehouse.open_warehouse(wh)
    rows = []
    for actor in ARCHITECTURE_ACTORS:
        table = handle.cached(("architecture", actor, at),
                              functools.partial(architecture, actor, at, wh=handle))  # fmt: skip
        rows.append(table[table["iso3"] == iso3].assign(actor=actor))
    return pd.concat(rows, ignore_index=True)


def architecture_map(actor: str, at, out: Path) -> Path:
    """Render the map for ``actor`` at ``at`` to ``out`` (.svg or .png)."""
    from article2.agreements.map import render

    table = architecture(actor, at)
    return render(
        table, Path(out), title=f"Trade agreements in force with {actor}, {pd.Timestamp(at).date()}"
    )


def trade_coverage(
    actor: str = "USA", year: int = 2014, *, indicator: str = "trade_cow"
) -> pd.DataFrame:
    """Share of each country's trade with ``actor`` and whether an agreement covers it
    (classification on 31 December of ``year``; trade from ``dyad_year``)."""
    from article2.agreements import queries as q

    allowed = ("trade_cow", "trade_comtrade")
    if indicator not in allowed:
        raise ValueError(f"unknown indicator {indicator!r}; allowed: {', '.join(allowed)}")
    from article2.measures import trade as trade_m

    source = {"trade_cow": "cow", "trade_comtrade": "comtrade"}[indicator]
    trade = trade_m.dyads(warehouse.open_warehouse(), source, year)
    at = pd.Timestamp(f"{year}-12-31")
    reg = agreement_registry()
    cls = architecture(actor, at)
    out = q.trade_coverage(trade, cls, q.actor_states(reg.memberships, actor, at))
    out.insert(1, "actor", actor)
    out.insert(2, "year", year)
    out["source_id"] = ", ".join(sorted(set(trade.source_id)))
    return out


def recs(
    *, country: str | None = None, actor: str | None = None, status: str | None = None, at=None
) -> pd.DataFrame:
    """The recommendation records with their latest status (computed ones kept current from the
    agreement registry)."""
    import datetime as dt

    from article2.agreements.registry import load_curated
    from article2.recommendations import records as r
    from article2.recommendations.tracker import track

    if actor is not None and actor not in r.ACTORS:
        raise ValueError(f"unknown actor {actor!r}; allowed: {', '.join(r.ACTORS)}")
    if status is not None and status not in r.STATUSES:
        raise ValueError(f"unknown status {status!r}; allowed: {', '.join(r.STATUSES)}")
    recs_ = track(r.load_records(), load_curated().memberships, at or dt.date.today())
    frame = r.to_frame(recs_)
    if country:
        frame = frame[frame.countries.str.split(",").apply(lambda c: country in c)]
    if actor:
        frame = frame[frame.actor == actor]
    if status:
        frame = frame[frame.status == status]
    return frame.reset_index(drop=True)


# --- gravity scenarios -------------------------------------------------------------------


def _json_text(obj, *, indent: int, default=str) -> str:
    """JSON text of ``obj`` with NaN and infinities as null (JSON has neither)."""
    import json
    import math

    def clean(v):
        if isinstance(v, float) and not math.isfinite(v):
            return None
        if isinstance(v, dict):
            return {k: clean(x) for k, x in v.items()}
        if isinstance(v, list | tuple):
            return [clean(x) for x in v]
        return v

    return json.dumps(clean(obj), indent=indent, default=default, allow_nan=False)


def _scenario_store() -> Path:
    from article2 import paths

    return paths.outputs_dir() / "scenarios"


def run_scenario(
    file: Path | str,
    *,
    save: bool = True,
    procedure: str | None = None,
    draws: int | None = None,
    seed: int | None = None,
):
    """Run a scenario YAML file (see :mod:`article2.models.scenarios`) on the warehouse.

    ``procedure``, ``draws`` and ``seed``, when given, replace the file's (checked as the file
    would be: a ValueError naming the option and the allowed values).

    Returns a :class:`article2.models.scenarios.ScenarioResult` (``.table`` has one row per
    country; ``.notes`` what libraries warned about). With ``save``, the result is stored in
    the data home (:func:`article2.models.scenarios.record`) so that :func:`scenario_result`
    can show it again.
    """
    import dataclasses

    from article2.models import data, scenarios

    sc = scenarios.with_options(
        scenarios.load_scenario(file), procedure=procedure, draws=draws, seed=seed
    )
    with scenarios.library_notes() as notes:
        if sc.data == "agtpa":
            result = scenarios.run_agtpa(sc, data.agtpa_panel(sc.application))
        else:
            result = scenarios.run_comtrade(
                sc, data.comtrade_panel(sc.estimation_years), data.comtrade_gdp(sc.baseline_year)
            )
    result = dataclasses.replace(result, notes=tuple(notes) + result.notes)
    if save:
        store = _scenario_store()
        store.mkdir(parents=True, exist_ok=True)
        target = store / f"{scenarios.result_name(sc.name)}.json"
        target.write_text(_json_text(scenarios.record(result, file=file), indent=1, default=float))
    return result


def scenario_result(name: str) -> tuple[dict, pd.DataFrame]:
    """A stored scenario result: (metadata, table). Raises FileNotFoundError listing stored names."""
    import json

    from article2.models.scenarios import result_name

    path = _scenario_store() / f"{result_name(name, 'scenario result')}.json"
    if not path.is_file():
        have = sorted(p.stem for p in _scenario_store().glob("*.json"))
        raise FileNotFoundError(f"no stored scenario {name!r}; stored: {have or 'none'}")
    meta = json.loads(path.read_text())
    table = pd.DataFrame(meta.pop("table"))
    return meta, table


# ---------------------------------------------------------------- product-level dependence


def load_baci(folder: Path):
    """Validate a folder of CEPII BACI files (real or generated) and load it as the current
    product-level data (Parquet partitioned by year; atomic). Returns the load's record."""
    from article2.sources import baci

    return baci.load(Path(folder))


def generate_baci(out: Path, *, years, seed: int = 0, rows_per_year: int = 10_000_000):
    """Write SYNTHETIC BACI-shaped files (not real data) for tests and benchmarks."""
    from article2.synthetic import baci as synthetic_baci

    return synthetic_baci.generate(Path(out), years=years, seed=seed, rows_per_year=rows_per_year)


def product_indicators(*, year: int | None = None, country: str | None = None, **options):
    """Every product-level indicator per importer (or ``country``) and HS6 product in ``year``;
    options: ``allies``, ``thresholds``, ``rule``, ``allow_synthetic`` (SYNTHETIC data is
    refused unless True; see :mod:`article2.dependence`)."""
    from article2 import dependence

    return dependence.indicator_table(year=year, country=country, **options)


def dependencies(country: str, *, year: int | None = None, **options):
    """A country's GeoDep-dependent products and chokepoints with counts and values (options
    as :func:`product_indicators`; SYNTHETIC data refused unless ``allow_synthetic=True``)."""
    from article2 import dependence

    return dependence.country_report(country, year=year, **options)


def dependency_table(*, year: int | None = None, **options) -> pd.DataFrame:
    """Cross-country table: dependent products, values and chokepoints per importer."""
    from article2 import dependence

    return dependence.cross_country(year=year, **options)


# --------------------------------------------------------------------- main-job outputs

#: The report's case-study countries (Myanmar, Vietnam, India, South Korea).
CASE_COUNTRIES: tuple[str, ...] = ("MMR", "VNM", "IND", "KOR")


def _write_capability_outputs(folder: Path) -> list[Path]:
    """Profiles of the case countries, the recommendations and the report's map (U.S., at the
    report's date and today)."""
    import datetime as dt

    written: list[Path] = []
    profiles_dir = folder / "profiles"
    profiles_dir.mkdir(exist_ok=True)
    for iso3 in CASE_COUNTRIES:
        path = profiles_dir / f"{iso3}.json"
        path.write_text(_json_text(profile(iso3).to_dict(), indent=2))
        written.append(path)
    path = folder / "recommendations.csv"
    recs().to_csv(path, index=False)
    written.append(path)
    maps_dir = folder / "maps"
    maps_dir.mkdir(exist_ok=True)
    for at in ("2019-01-01", dt.date.today().isoformat()):
        written.append(architecture_map("USA", at, maps_dir / f"architecture-USA-{at}.svg"))
    return written


# --- composite presence index and case-study selection (article2.index) -----------------

#: Okabe-Ito colours (Okabe & Ito 2008, "Color Universal Design"): other candidates, case countries
_OKABE_ITO = {"grey": "#999999", "blue": "#0072B2", "vermillion": "#D55E00"}


def _index_spec(config, kind: SpecKind):
    from article2.index import config as cfg

    if config is None or hasattr(config, "indicators"):
        return config or cfg.load(kind=kind)
    return cfg.load(config, kind=kind)


def _spec_key(config) -> tuple:
    if config is None:
        return ("default",)
    if hasattr(config, "digest"):
        return (config.file, config.digest, hash(config))
    p = Path(config)
    return (str(p.resolve()), p.stat().st_mtime_ns if p.is_file() else 0)


def _wh_key() -> tuple:
    """The build of the warehouse in use (:attr:`article2.warehouse.Warehouse.version`)."""
    return warehouse.open_warehouse().version


@functools.lru_cache(maxsize=16)
def _presence_cached(wh, spec_key, config, actor, year, draws, seed):
    from article2.index.presence import presence_ranking

    return presence_ranking(
        actor, year, spec=_index_spec(config, "index"), draws=draws, seed=seed, path=Path(wh[0])
    )


@functools.lru_cache(maxsize=16)
def _selection_cached(wh, spec_key, config, region, draws, seed, year):
    from article2.index.selection import selection_ranking

    return selection_ranking(
        region=region, spec=_index_spec(config, "selection"), draws=draws, seed=seed, year=year,
        path=Path(wh[0]),
    )  # fmt: skip


def _with_names(frame: pd.DataFrame) -> pd.DataFrame:
    names = _countries.country_table().set_index("iso3")["name"]
    out = frame.copy()
    out.insert(1, "name", out["iso3"].map(names).fillna(out["iso3"]))
    return out


def presence_index(
    actor: str = "USA+JPN",
    year: int | None = None,
    config=None,
    *,
    draws: int = 1000,
    seed: int = 0,
) -> pd.DataFrame:
    """Composite presence index of ``actor`` (USA, JPN, CHN, EU, USA+JPN) in every country:
    score (0–100), rank, Monte Carlo rank band, pillar scores, coverage. ``year`` None takes
    the latest year of COW trade, shared IGOs and ATOP (2014); ``config`` is a spec file (see
    ``article2 index-config``) or a loaded :class:`article2.index.config.Spec`.
    ``frame.attrs`` holds ``notes``, ``indicators`` (with source ids), ``config`` and ``year``.
    """
    cfg_arg = config if config is None or hasattr(config, "indicators") else str(config)
    r = _presence_cached(_wh_key(), _spec_key(config), cfg_arg, actor, year, draws, seed)
    out = _with_names(r.table)
    out.insert(2, "actor", actor)
    out.attrs.update(notes=list(r.notes), indicators=r.indicators.to_dict("records"),
                     config=_index_spec(config, "index").file)  # fmt: skip
    return out


def rank(
    iso3: str | None = None,
    *,
    region: str | None = None,
    config=None,
    draws: int = 1000,
    seed: int = 0,
    year: int | None = None,
) -> pd.DataFrame:
    """Case-study selection: every candidate (default: Indo-Pacific third countries) with
    score, rank, median rank and 5th–95th percentile band over ``draws`` Monte Carlo draws,
    the choice that moves its rank most, and its criterion scores.

    With ``iso3``: that country's ranking, one row per criterion (growth, size, strategic,
    governance) with the criterion's score, weight and contribution (points above or below the
    average candidate; positive raises the country). ``frame.attrs["notes"]`` says which years
    and sources were used.
    """
    cfg_arg = config if config is None or hasattr(config, "indicators") else str(config)
    r = _selection_cached(_wh_key(), _spec_key(config), cfg_arg, region, draws, seed, year)
    table = _with_names(r.table)
    table["case_country"] = table["iso3"].isin(CASE_COUNTRIES)
    attrs = {"notes": list(r.notes), "indicators": r.indicators.to_dict("records"),
             "draws": draws, "seed": seed}  # fmt: skip
    if iso3 is None:
        table.attrs.update(attrs)
        return table
    code = str(iso3).strip().upper()
    row = table[table["iso3"] == code]
    if row.empty:
        raise ValueError(
            f"{code} is not among the {len(table)} candidates "
            f"({region or 'default region of the selection config'}); candidates: "
            f"{', '.join(table['iso3'])}"
        )
    if pd.isna(row["rank"].iloc[0]):
        raise ValueError(f"{code} is a candidate but has too little data to be ranked: "
                         + "; ".join(n for n in r.notes if code in n))  # fmt: skip
    contrib = r.contributions[r.contributions["iso3"] == code].rename(
        columns={"group": "criterion", "score": "criterion_score"}
    )
    keep = ["iso3", "name", "score", "rank", "median_rank", "rank_p05", "rank_p95",
            "most_influential"]  # fmt: skip
    out = row[keep].merge(contrib, on="iso3")
    out.attrs.update(attrs, candidates=int(table["rank"].notna().sum()))
    return out


def rank_chart(frame: pd.DataFrame, *, top: int | None = None):
    """Altair chart of ranks with their 5th–95th percentile bands (one row per country,
    best first); the report's case countries in vermillion, others in blue (Okabe-Ito)."""
    import altair as alt

    f = frame.dropna(subset=["rank"]).sort_values("rank")
    if top:
        f = f.head(top)
    f = f.assign(
        case=f["iso3"].isin(CASE_COUNTRIES).map({True: "report's case country", False: "other"}),
        label=f["name"] + " (" + f["iso3"] + ")",
    )[["iso3", "label", "rank", "median_rank", "rank_p05", "rank_p95", "score", "case"]]
    order = list(f["label"])
    colour = alt.Color(
        "case:N",
        title=None,
        scale=alt.Scale(domain=["report's case country", "other"],
                        range=[_OKABE_ITO["vermillion"], _OKABE_ITO["blue"]]),  # fmt: skip
        legend=alt.Legend(orient="bottom"),
    )
    y = alt.Y("label:N", sort=order, title=None)
    base = alt.Chart(alt.Data(values=f.to_dict("records")))
    band = base.mark_rule(strokeWidth=2, opacity=0.6).encode(
        y=y, x=alt.X("rank_p05:Q", title="rank (1 = first); bar: 5th–95th percentile over draws",
                     scale=alt.Scale(reverse=False, zero=False)),  # fmt: skip
        x2="rank_p95:Q", color=colour,
    )
    point = base.mark_point(filled=True, size=50).encode(
        y=y, x="rank:Q", color=colour,
        tooltip=["label:N", "rank:Q", "median_rank:Q", "rank_p05:Q", "rank_p95:Q",
                 alt.Tooltip("score:Q", format=".1f")],
    )  # fmt: skip
    median = base.mark_tick(color=_OKABE_ITO["grey"], thickness=2, size=10).encode(
        y=y, x="median_rank:Q"
    )
    return (band + median + point).properties(
        width=420, height=max(120, 14 * len(f)),
        title="Case-study candidates: rank (dot), median rank (tick), 5–95% band",
    )  # fmt: skip


__all__ += ["presence_index", "rank", "rank_chart"]
