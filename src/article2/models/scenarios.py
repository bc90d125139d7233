"""Named counterfactual scenarios: a YAML file says what changes; this module runs it.

A scenario file::

    name: agtpa-nafta
    title: General-equilibrium effects of NAFTA
    data: agtpa                      # agtpa (an Advanced Guide dataset) | comtrade
    application: Chapter2Application2
    estimation_years: [1986, 1990, 1994, 1998, 2002, 2006]
    baseline_year: 1994
    reference: DEU                   # its inward multilateral resistance is the numeraire
    sigma: 7
    perspective: baseline            # counterfactual | baseline (see below)
    procedure: exact                 # exact | agtpa (article2.models.ge.solve)
    draws: 200                       # coefficient draws behind the 90 % bands (0: none)
    seed: 0                          # the draws' generator seed
    change:
      kind: agreement_remove         # agreement_remove | agreement_join | pair_cost
      agreement: NAFTA               # the agreement's name, for readers (optional)
      members: [CAN, MEX, USA]

Changes:

- ``agreement_remove``: the RTA dummy is set to 0 for every pair of ``members``;
- ``agreement_join``: set to 1 between each of ``joining`` and each of ``members`` (both
  directions) — e.g. the U.S. joins CPTPP;
- ``pair_cost``: trade costs of the ``pairs`` (``[exporter, importer]``; both directions
  unless ``directed: true``) rise by the ad-valorem equivalent ``ad_valorem`` (0.25 = +25%),
  i.e. ``τ̂ = (1 + ave)^(1-σ)``.

Agreement changes are priced with the RTA coefficient β estimated by PPML with exporter-year,
importer-year and pair fixed effects (``τ̂_ij = exp(β ΔRTA_ij)``).

Uncertainty: every run of an agreement change also solves the counterfactual for ``draws``
(the file's ``draws``, default 200; the command line may override it) values of the RTA coefficient drawn from its estimated normal distribution
``N(β̂, se²)`` (pair-clustered s.e.; NumPy generator seeded with ``seed``, default 0), and the
table carries the 5th and 95th percentiles of the full-endowment export and real-GDP changes
(``exports_full_p05``/``_p95``, ``real_gdp_p05``/``_p95``): a 90 % band for the estimation
uncertainty of β, the baseline flows held fixed. ``pair_cost`` changes use no estimate, so they
carry no band (NaN).

Library warnings raised while a scenario runs (pyfixest, NumPy, pandas, ...) are not printed:
:func:`library_notes` collects them and :class:`ScenarioResult` carries them in ``notes`` as
plain sentences without file paths.

``perspective: counterfactual`` reports % changes from the baseline to the counterfactual;
``perspective: baseline`` reports the effect of what the counterfactual removes, i.e. % changes
from the counterfactual to the baseline — how the Advanced Guide reports NAFTA's effects.

Baselines:

- ``agtpa`` follows the Advanced Guide (Chapter 2, Application 2): pair fixed effects from the
  panel give the trade costs ``t_ij = exp(μ_ij + β RTA_ij)`` of the baseline year; pairs without
  an estimate (no trade in any year) get the prediction of a PPML regression of ``exp(μ_ij)``
  on log distance, contiguity, language and colony with exporter and importer effects; the
  baseline flows solve the model for these costs and the observed output and expenditure.
- ``comtrade`` uses the observed flows of the baseline year (exact hat algebra) for countries
  with GDP data; intra-national flows, which the extract lacks, are GDP minus exports, floored
  at ``domestic_floor`` × GDP (a proxy: GDP is value added, trade is gross).
"""

from __future__ import annotations

import dataclasses
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import yaml

from article2.models import ge
from article2.models.gravity import GravityResult, GravitySpec, fit

__all__ = [
    "Change",
    "Scenario",
    "ScenarioResult",
    "bands",
    "library_notes",
    "load_scenario",
    "parse_scenario",
    "record",
    "result_name",
    "run_agtpa",
    "run_comtrade",
    "tau_hat",
    "with_options",
]

DataKind = Literal["agtpa", "comtrade"]
ChangeKind = Literal["agreement_remove", "agreement_join", "pair_cost"]
Perspective = Literal["counterfactual", "baseline"]
Procedure = ge.Procedure


_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


def result_name(value, where: str = "scenario") -> str:
    """``value`` as the file name of a stored scenario result (``<name>.json`` in the data
    home's scenario folder): letters, digits, ``.``, ``_`` and ``-`` only, 1-100 characters,
    starting with a letter or digit, no ``..``. So no name can reach outside that folder
    (no separator, no parent, no absolute path).

    Raises:
        ValueError: naming ``where``, the key ``name`` and the allowed form.
    """
    text = value if isinstance(value, str) else None
    if text is None or not _NAME.fullmatch(text) or ".." in text:
        raise ValueError(
            f"{where}: key 'name' {value!r} is not allowed; a name is 1-100 letters, digits, "
            "'.', '_' or '-', starting with a letter or digit, without '..' or '/' (it names "
            "the result file <data home>/outputs/scenarios/<name>.json)"
        )
    return text


@dataclass(frozen=True)
class Change:
    """A change in trade costs (see the module docstring)."""

    kind: ChangeKind
    members: tuple[str, ...] = ()
    joining: tuple[str, ...] = ()
    pairs: tuple[tuple[str, str], ...] = ()
    ad_valorem: float = 0.0
    directed: bool = False
    agreement: str | None = None


@dataclass(frozen=True)
class Scenario:
    """A scenario file, parsed and checked."""

    name: str
    title: str
    data: DataKind
    change: Change
    baseline_year: int
    estimation_years: tuple[int, ...]
    reference: str
    sigma: float = 7.0
    perspective: Perspective = "counterfactual"
    application: str = "Chapter2Application2"
    domestic_floor: float = 0.1
    notes: str = ""
    procedure: ge.Procedure = "exact"
    draws: int = 200
    seed: int = 0


@dataclass(frozen=True)
class ScenarioResult:
    """What a scenario run gives.

    Attributes:
        scenario: the scenario.
        table: one row per country: iso3, % changes (``exports_cdl``, ``exports_full``,
            ``real_gdp``, ``imr``, ``omr`` — full endowment — ``imr_cdl``, ``omr_cdl``,
            ``price``), baseline ``output`` and ``exports``.
        rta_coef, rta_se: the estimated RTA coefficient and its pair-clustered s.e. (None for
            ``pair_cost``-only runs that need no estimate are still reported when estimated).
        ge: the solver's result (diagnostics: iterations, max residual, procedure).
        countries: ISO3 codes in solver order.
        source_ids: raw files the numbers come from.
        draws, seed: coefficient draws behind the 90 % bands (``*_p05``, ``*_p95`` columns
            of ``table``) and the generator's seed; 0 draws = no band columns.
        procedure: how the full-endowment counterfactual was solved (``ge.solve``).
        notes: what libraries warned about during the run, in plain words
            (:func:`library_notes`).
    """

    scenario: Scenario
    table: pd.DataFrame
    rta_coef: float | None
    rta_se: float | None
    ge: ge.GEResult = field(repr=False)
    countries: tuple[str, ...]
    source_ids: tuple[str, ...]
    draws: int = 0
    seed: int = 0
    procedure: Procedure = "exact"
    notes: tuple[str, ...] = ()


def parse_scenario(raw: dict, *, where: str = "scenario") -> Scenario:
    """Check a scenario mapping (from YAML) and build a :class:`Scenario`.

    The schema and the allowed range of every number are in
    :mod:`article2.models.scenario_file`.

    Raises:
        DocumentError: a missing, unknown, mistyped or out-of-range field (a ValueError); the
            message names ``where`` and the field.
    """
    from article2.models import scenario_file

    doc = scenario_file.check(raw, where)
    ch = doc.change
    change = Change(
        kind=ch.kind,
        members=tuple(ch.members) if hasattr(ch, "members") else (),
        joining=tuple(getattr(ch, "joining", ())),
        pairs=tuple((a, b) for a, b in getattr(ch, "pairs", ())),
        ad_valorem=float(getattr(ch, "ad_valorem", 0.0)),
        directed=bool(getattr(ch, "directed", False)),
        agreement=getattr(ch, "agreement", None),
    )
    return Scenario(
        name=result_name(doc.name, where),
        title=doc.title if doc.title is not None else doc.name,
        data=doc.data,
        change=change,
        baseline_year=doc.baseline_year,
        estimation_years=tuple(doc.estimation_years or (doc.baseline_year,)),
        reference=doc.reference,
        sigma=float(doc.sigma),
        perspective=doc.perspective,
        application=doc.application,
        domestic_floor=float(doc.domestic_floor),
        notes=doc.notes,
        procedure=doc.procedure,
        draws=doc.draws,
        seed=doc.seed,
    )


def with_options(
    scenario: Scenario,
    *,
    procedure: str | None = None,
    draws: int | None = None,
    seed: int | None = None,
    where: str = "options",
) -> Scenario:
    """``scenario`` with the run options that are given (not None) replacing the file's.

    Raises:
        DocumentError: a value the scenario file would refuse (a ValueError naming ``where``,
            the key and the allowed values).
    """
    from article2.models import scenario_file

    given = {"procedure": procedure, "draws": draws, "seed": seed}
    given = {k: v for k, v in given.items() if v is not None}
    if not given:
        return scenario
    opts = scenario_file.check_options(given, where)
    return dataclasses.replace(scenario, **{k: getattr(opts, k) for k in given})


def _library(filename: str) -> str:
    """The package a warning comes from, by the path of the file that raised it."""
    parts = re.split(r"[\\/]", filename or "")
    for marker in ("site-packages", "dist-packages"):
        if marker in parts:
            rest = parts[parts.index(marker) + 1 :]
            if rest:
                return re.sub(r"\.py$", "", rest[0])
    if "article2" in parts:
        return "article2"
    return "Python"


# two or more path parts after a separator, not inside a word ("and/or" is not a path)
_PATH = re.compile(r"(?<![\w.])(?:[A-Za-z]:)?(?:[\\/][^\s\\/:'\"]+){2,}[\\/]?")


def _plain(message: str) -> str:
    """``message`` on one line, every file path replaced by its last part."""
    text = " ".join(str(message).split())
    return _PATH.sub(lambda m: re.split(r"[\\/]", m.group(0).rstrip("/\\"))[-1], text)


@contextmanager
def library_notes() -> Iterator[list[str]]:
    """Collect the warnings raised inside the block instead of printing them.

    Yields a list that, when the block ends, holds one plain sentence per distinct warning
    (``"pyfixest warned (FutureWarning): ..."``, with ``(N times)`` when repeated), without
    file paths. Warnings turned into errors elsewhere (``-W error``) are still recorded, not
    raised.
    """
    notes: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            yield notes
        finally:
            counts: dict[str, int] = {}
            for w in caught:
                text = (
                    f"{_library(w.filename)} warned ({w.category.__name__}): "
                    f"{_plain(str(w.message))}"
                )
                counts[text] = counts.get(text, 0) + 1
            notes.extend(t if n == 1 else f"{t} ({n} times)" for t, n in counts.items())


def load_scenario(path: Path | str) -> Scenario:
    """Read and check a scenario YAML file.

    Raises:
        FileNotFoundError: no such file.
        DocumentError: not readable as UTF-8 YAML, or not a valid scenario (a ValueError
            naming the file and the field).
    """
    from article2.validation import DocumentError

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"scenario file not found: {path}")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise DocumentError(f"{path}: not valid YAML ({exc})", file=str(path)) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise DocumentError(f"{path}: cannot be read as UTF-8 text ({exc})", file=str(path)) from exc
    return parse_scenario(raw, where=str(path))


def tau_hat(
    change: Change,
    countries: list[str] | tuple[str, ...],
    rta: np.ndarray,
    *,
    beta: float | None,
    sigma: float,
) -> np.ndarray:
    """Trade-cost changes ``t'/t`` (N, N, power 1-σ) of ``change`` given the baseline RTA matrix.

    Raises:
        ValueError: a country of the change is not in ``countries``; an agreement change
            without an RTA coefficient.
    """
    idx = {c: i for i, c in enumerate(countries)}
    named = set(change.members) | set(change.joining) | {c for p in change.pairs for c in p}
    missing = sorted(named - set(idx))
    if missing:
        raise ValueError(f"countries {missing} of the scenario are not in the baseline data")
    n = len(countries)
    tau = np.ones((n, n))
    if change.kind in ("agreement_remove", "agreement_join"):
        if beta is None:
            raise ValueError("an agreement change needs an estimated RTA coefficient")
        new = np.asarray(rta, dtype=float).copy()
        if change.kind == "agreement_remove":
            m = [idx[c] for c in change.members]
            new[np.ix_(m, m)] = 0.0
        else:
            m = [idx[c] for c in change.members]
            j = [idx[c] for c in change.joining]
            new[np.ix_(j, m)] = 1.0
            new[np.ix_(m, j)] = 1.0
        np.fill_diagonal(new, np.diag(rta))
        tau = np.exp(beta * (new - rta))
    else:
        factor = (1.0 + change.ad_valorem) ** (1.0 - sigma)
        for a, b in change.pairs:
            tau[idx[a], idx[b]] = factor
            if not change.directed:
                tau[idx[b], idx[a]] = factor
    return tau


def _pct(ratio: np.ndarray, perspective: Perspective) -> np.ndarray:
    r = np.asarray(ratio, dtype=float)
    return (1.0 / r - 1.0) * 100.0 if perspective == "baseline" else (r - 1.0) * 100.0


def _table(countries, res: ge.GEResult, perspective: Perspective) -> pd.DataFrame:
    x = res.flows_base
    return pd.DataFrame(
        {
            "iso3": list(countries),
            "exports_cdl": _pct(res.exports_cdl, perspective),
            "exports_full": _pct(res.exports_full, perspective),
            "real_gdp": _pct(res.real_gdp_full, perspective),
            "imr": _pct(res.imr_full, perspective),
            "omr": _pct(res.omr_full, perspective),
            "imr_cdl": _pct(res.imr_cdl, perspective),
            "omr_cdl": _pct(res.omr_cdl, perspective),
            "price": _pct(res.price_full, perspective),
            "output": x.sum(axis=1),
            "exports": x.sum(axis=1) - np.diag(x),
        }
    )


def _square(df: pd.DataFrame, countries: list[str], value: str) -> np.ndarray:
    m = df.pivot_table(index="exporter", columns="importer", values=value, aggfunc="sum")
    return m.reindex(index=countries, columns=countries).fillna(0.0).to_numpy()


def _rta_fit(panel: pd.DataFrame, years: tuple[int, ...], *, international_only: bool):
    spec = GravitySpec(
        terms=("rta",),
        fixed_effects=("exp_year", "imp_year", "pair"),
        years=years,
        drop_zero_pairs=True,
        international_only=international_only,
    )
    return fit(spec, panel)


def _agtpa_costs(panel: pd.DataFrame, stage1: GravityResult, year: int) -> pd.DataFrame:
    """Baseline-year rows with ``tij_bar = exp(pair effect)``, filled in by the second stage."""
    d = panel[panel["year"] == year].copy()
    mu = stage1.fixed_effects["pair"]
    d["tij_bar"] = np.exp(d["pair"].map(mu))
    intl = d[d["exporter"] != d["importer"]]
    spec2 = GravitySpec(
        terms=("log_dist", "cntg", "lang", "clny"),
        fixed_effects=("exporter", "importer"),
        depvar="tij_bar",
        cluster="pair_id",
    )
    stage2 = fit(spec2, intl[intl["tij_bar"].notna()])
    pred = pd.Series(stage2.predict(intl), index=intl.index)
    missing = d["tij_bar"].isna() & (d["exporter"] != d["importer"])
    d.loc[missing, "tij_bar"] = pred[missing[missing].index]
    if d["tij_bar"].isna().any():
        bad = d.loc[d["tij_bar"].isna(), ["exporter", "importer"]].head().to_dict("records")
        raise ValueError(f"no trade cost for pairs {bad} (also not predicted by stage 2)")
    return d


BAND_COLUMNS = ("exports_full", "real_gdp")


def bands(
    scenario: Scenario,
    countries: list[str],
    x: np.ndarray,
    rta: np.ndarray,
    beta: float,
    se: float,
    *,
    draws: int,
    seed: int,
    tol: float,
    procedure: ge.Procedure = "exact",
) -> pd.DataFrame:
    """5th and 95th percentiles of the full-endowment export and real-GDP changes (%, in the
    scenario's perspective) over ``draws`` RTA coefficients drawn from ``N(beta, se²)``.

    Returns one row per country (``countries`` order) with columns ``<col>_p05`` and
    ``<col>_p95`` for ``col`` in ``BAND_COLUMNS``.

    Raises:
        ValueError: ``draws`` < 2 or a non-finite/negative ``se``.
    """
    if draws < 2:
        raise ValueError(f"bands need at least 2 draws, got {draws}")
    if not (np.isfinite(se) and se >= 0):
        raise ValueError(f"the RTA coefficient's standard error must be finite and >= 0: {se}")
    rng = np.random.default_rng(seed)
    ref = countries.index(scenario.reference)
    out = {c: np.empty((draws, len(countries))) for c in BAND_COLUMNS}
    for d, b in enumerate(rng.normal(beta, se, draws)):
        tau = tau_hat(scenario.change, countries, rta, beta=float(b), sigma=scenario.sigma)
        res = ge.solve(x, tau, sigma=scenario.sigma, reference=ref, tol=tol, procedure=procedure)
        out["exports_full"][d] = _pct(res.exports_full, scenario.perspective)
        out["real_gdp"][d] = _pct(res.real_gdp_full, scenario.perspective)
    cols = {}
    for c in BAND_COLUMNS:
        cols[f"{c}_p05"] = np.percentile(out[c], 5, axis=0)
        cols[f"{c}_p95"] = np.percentile(out[c], 95, axis=0)
    return pd.DataFrame(cols)


def _solve(
    scenario: Scenario,
    countries: list[str],
    x: np.ndarray,
    rta: np.ndarray,
    beta: float,
    se: float,
    source_ids: tuple[str, ...],
    tol: float,
    *,
    procedure: ge.Procedure = "exact",
    draws: int = 200,
    seed: int = 0,
) -> ScenarioResult:
    """The counterfactual of ``scenario`` from baseline flows ``x`` (domestic on the diagonal)
    and the RTA matrix, with the estimated RTA coefficient ``beta`` (standard error ``se``),
    and its 90 % bands from ``draws`` coefficient draws (none if ``draws`` is 0)."""
    tau = tau_hat(scenario.change, countries, rta, beta=beta, sigma=scenario.sigma)
    ref = countries.index(scenario.reference)
    res = ge.solve(x, tau, sigma=scenario.sigma, reference=ref, tol=tol, procedure=procedure)
    table = _table(countries, res, scenario.perspective)
    if draws:
        if scenario.change.kind == "pair_cost":
            for c in BAND_COLUMNS:
                table[f"{c}_p05"] = table[f"{c}_p95"] = np.nan
        else:
            band = bands(
                scenario,
                countries,
                x,
                rta,
                beta,
                se,
                draws=draws,
                seed=seed,
                tol=tol,
                procedure=procedure,
            )
            table = pd.concat([table, band], axis=1)
    return ScenarioResult(
        scenario=scenario,
        table=table,
        rta_coef=beta,
        rta_se=se,
        ge=res,
        countries=tuple(countries),
        source_ids=source_ids,
        draws=draws,
        seed=seed,
        procedure=procedure,
    )


def run_agtpa(
    scenario: Scenario,
    panel: pd.DataFrame,
    *,
    tol: float = 1e-10,
    procedure: ge.Procedure | None = None,
    draws: int | None = None,
    seed: int | None = None,
) -> ScenarioResult:
    """Run a scenario on an Advanced Guide panel (:func:`article2.models.data.agtpa_panel`).

    ``procedure``: the full-endowment solution (:func:`article2.models.ge.solve`; ``"agtpa"``
    reproduces the book's tables); ``draws``/``seed``: the 90 % bands (module docstring).
    Each left as None takes the scenario's value. Library warnings go to the result's
    ``notes`` (:func:`library_notes`).
    """
    scenario = with_options(scenario, procedure=procedure, draws=draws, seed=seed)
    with library_notes() as notes:
        result = _run_agtpa(scenario, panel, tol=tol)
    return dataclasses.replace(result, notes=tuple(notes))


def _run_agtpa(scenario: Scenario, panel: pd.DataFrame, *, tol: float) -> ScenarioResult:
    if "rta" not in panel:
        raise ValueError(f"dataset {scenario.application} has no RTA column")
    stage1 = _rta_fit(panel, scenario.estimation_years, international_only=False)
    beta = float(stage1.coef["rta"])
    d = _agtpa_costs(panel, stage1, scenario.baseline_year)
    countries = sorted(set(d["exporter"]) | set(d["importer"]))
    if scenario.reference not in countries:
        raise ValueError(f"reference country {scenario.reference} not in the data")
    d["t_bln"] = d["tij_bar"] * np.exp(beta * d["rta"])
    t = _square(d, countries, "t_bln")
    trade = _square(d, countries, "trade")
    rta = _square(d, countries, "rta")
    y, e = trade.sum(axis=1), trade.sum(axis=0)
    mr = ge.solve_mr(t, y, e, reference=countries.index(scenario.reference))
    x = ge.baseline_flows(t, y, e, mr)
    source_ids = tuple(sorted(panel["source_id"].unique()))
    return _solve(
        scenario,
        countries,
        x,
        rta,
        beta,
        float(stage1.se["rta"]),
        source_ids,
        tol,
        procedure=scenario.procedure,
        draws=scenario.draws,
        seed=scenario.seed,
    )


def run_comtrade(
    scenario: Scenario,
    panel: pd.DataFrame,
    gdp: pd.Series,
    *,
    tol: float = 1e-10,
    procedure: ge.Procedure | None = None,
    draws: int | None = None,
    seed: int | None = None,
) -> ScenarioResult:
    """Run a scenario on the Comtrade extract (:func:`article2.models.data.comtrade_panel`)
    with GDP of the baseline year (:func:`article2.models.data.comtrade_gdp`); options as
    :func:`run_agtpa`."""
    scenario = with_options(scenario, procedure=procedure, draws=draws, seed=seed)
    with library_notes() as notes:
        result = _run_comtrade(scenario, panel, gdp, tol=tol)
    return dataclasses.replace(result, notes=tuple(notes))


def _run_comtrade(
    scenario: Scenario, panel: pd.DataFrame, gdp: pd.Series, *, tol: float
) -> ScenarioResult:
    stage1 = _rta_fit(panel, scenario.estimation_years, international_only=True)
    beta, se = float(stage1.coef["rta"]), float(stage1.se["rta"])
    d = panel[panel["year"] == scenario.baseline_year]
    exporters = set(d.loc[d["trade"] > 0, "exporter"])
    importers = set(d.loc[d["trade"] > 0, "importer"])
    countries = sorted(exporters & importers & set(gdp.index))
    if scenario.reference not in countries:
        raise ValueError(f"reference country {scenario.reference} not in the baseline data")
    x = _square(d, countries, "trade")
    rta = _square(d, countries, "rta")
    np.fill_diagonal(x, 0.0)
    g = gdp.reindex(countries).to_numpy()
    exports = x.sum(axis=1)
    np.fill_diagonal(x, np.maximum(g - exports, scenario.domestic_floor * g))
    source_ids = tuple(sorted(panel["source_id"].unique())) + ("wb_gdp/gdp.csv",)
    return _solve(
        scenario,
        countries,
        x,
        rta,
        beta,
        se,
        source_ids,
        tol,
        procedure=scenario.procedure,
        draws=scenario.draws,
        seed=scenario.seed,
    )


def record(result: ScenarioResult, *, file: Path | str | None = None) -> dict:
    """The stored form of a result (JSON-ready apart from NaN): the scenario, the change, the
    RTA estimate, the run options, the solver's diagnostics, sources, notes and ``table``
    (one record per country). :mod:`article2.models.scenario_report` reads it back."""
    sc = result.scenario
    ch = sc.change
    change: dict = {"kind": ch.kind, "agreement": ch.agreement}
    if ch.kind == "pair_cost":
        change |= {
            "pairs": [list(p) for p in ch.pairs],
            "ad_valorem": ch.ad_valorem,
            "directed": ch.directed,
        }
    else:
        change["members"] = list(ch.members)
        if ch.kind == "agreement_join":
            change["joining"] = list(ch.joining)
    return {
        "name": sc.name,
        "title": sc.title,
        "file": str(Path(file).resolve()) if file is not None else None,
        "change": change,
        "perspective": sc.perspective,
        "rta_coef": result.rta_coef,
        "rta_se": result.rta_se,
        "sigma": sc.sigma,
        "reference": sc.reference,
        "baseline_year": sc.baseline_year,
        "estimation_years": list(sc.estimation_years),
        "procedure": result.procedure,
        "draws": result.draws,
        "seed": result.seed,
        "iterations_full": result.ge.iterations_full,
        "max_residual": result.ge.max_residual,
        "source_ids": list(result.source_ids),
        "notes": list(result.notes),
        "scenario_notes": " ".join(sc.notes.split()),
        "table": result.table.to_dict("records"),
    }
