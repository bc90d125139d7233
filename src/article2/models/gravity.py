"""Gravity estimation: PPML (and OLS) with high-dimensional fixed effects.

A :class:`GravitySpec` says what to estimate — dependent variable, regressors, fixed effects,
cluster variable, offset and sample filters — and :func:`fit` returns a frozen
:class:`GravityResult`. The estimators are those of Yotov, Piermartini, Monteiro & Larch (2016),
*An Advanced Guide to Trade Policy Analysis*, Chapter 1:

- PPML: ``E[X_ij,t | ·] = exp(x_ij,t'β + π_i,t + χ_j,t [+ μ_ij])``. With fixed effects,
  regressors and the default small-sample correction (``engine="auto"``) it is estimated by
  :func:`article2.models.ppml.fit_ppml` (compiled IRLS; same estimates as ``pyfixest.fepois``,
  about ten times faster on gravity panels); otherwise, or with ``engine="pyfixest"``, or if
  that estimator refuses the problem (e.g. a regressor collinear with the fixed effects), by
  ``pyfixest.fepois``. Observations separated by the fixed effects (e.g. pairs whose trade is
  zero in every year when pair effects are included) and singletons are dropped (as pyfixest
  does it: ``fixef_rm="singleton"`` plus its separation check), and counted in ``n_dropped``.
- OLS: ``log X_ij,t = x_ij,t'β + FE + ε`` (positive flows only), by ``pyfixest.feols``.

Standard errors are clustered by ``spec.cluster`` (the country pair in the book), with
pyfixest's default small-sample adjustments (those of R ``fixest``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, get_args

import numpy as np
import pandas as pd

from article2.models.ppml import fit_ppml, supported

__all__ = ["Method", "GravityResult", "GravitySpec", "fit"]

Method = Literal["ppml", "ols"]
_METHODS = get_args(Method)
_ENGINES = ("auto", "pyfixest")


@dataclass(frozen=True)
class GravitySpec:
    """What to estimate.

    Attributes:
        terms: regressors (column names of the data), e.g. ``("log_dist", "cntg", "rta")``.
        fixed_effects: fixed-effect columns, e.g. ``("exp_year", "imp_year", "pair")``.
        depvar: dependent variable (trade in levels; OLS takes its log itself).
        method: ``"ppml"`` or ``"ols"``.
        cluster: column to cluster standard errors by (``None``: heteroskedasticity-robust).
        offset: column added to the linear index with coefficient 1 (PPML only).
        years: keep only these years (``None``: all).
        international_only: drop intra-national flows (exporter == importer).
        positive_only: drop zero flows (always done for OLS).
        drop_zero_pairs: drop pairs (``pair_id``, else exporter-importer) whose flows are zero
            in every kept year (needed with pair fixed effects; the book does it before
            estimation).
        ssc_fixef: how fixed effects count in the small-sample correction of clustered
            standard errors (pyfixest ``ssc(k_fixef=...)``). ``"none"`` reproduces the
            Advanced Guide's Stata ``ppml``/``reg`` clustered errors (and R ``capybara``).
        engine: ``"auto"`` (the compiled PPML estimator where it applies, else pyfixest) or
            ``"pyfixest"`` (always pyfixest; the reference).
    """

    terms: tuple[str, ...]
    fixed_effects: tuple[str, ...] = ()
    depvar: str = "trade"
    method: Method = "ppml"
    cluster: str | None = "pair_id"
    offset: str | None = None
    years: tuple[int, ...] | None = None
    international_only: bool = False
    positive_only: bool = False
    drop_zero_pairs: bool = False
    ssc_fixef: Literal["none", "nonnested", "full"] = "none"
    engine: Literal["auto", "pyfixest"] = "auto"

    def __post_init__(self) -> None:
        if self.method not in _METHODS:
            raise ValueError(f"method {self.method!r} not allowed; choose one of {_METHODS}")
        if self.engine not in _ENGINES:
            raise ValueError(f"engine {self.engine!r} not allowed; choose one of {_ENGINES}")
        if self.offset and self.method != "ppml":
            raise ValueError("an offset is only supported with method='ppml'")

    def formula(self) -> str:
        lhs = f"np.log({self.depvar})" if self.method == "ols" else self.depvar
        rhs = " + ".join(self.terms) if self.terms else "1"
        if self.method == "ols" and not self.terms:
            rhs = "1"
        fe = " + ".join(self.fixed_effects)
        return f"{lhs} ~ {rhs}" + (f" | {fe}" if fe else "")


@dataclass(frozen=True)
class GravityResult:
    """An estimated gravity equation.

    Attributes:
        spec: the specification estimated.
        coef: coefficient per regressor (index = ``spec.terms``, plus ``Intercept`` without
            fixed effects).
        se: standard errors (clustered by ``spec.cluster``), same index.
        vcov: variance matrix of ``coef`` (DataFrame indexed both ways by the regressors).
        fixed_effects: fixed-effect column -> Series of estimated effects by level (in the
            normalisation pyfixest uses; only differences within a dimension are identified).
        fitted: fitted values (levels of trade for both methods' conventions: PPML mean,
            OLS ``exp`` of the linear prediction), indexed like the rows used.
        nobs: observations used.
        n_dropped: rows of the filtered sample that the estimator dropped (separation,
            singletons, missing values).
        r2: pseudo R² (PPML, as pyfixest reports it) or R² (OLS).
        iterations: IRLS iterations (PPML) or 1 (OLS).
        model: the pyfixest model (for :meth:`predict`; ``None`` when ``engine_used`` is
            ``"article2"``, which predicts from ``coef`` and ``fixed_effects``).
        engine_used: ``"article2"`` (:mod:`article2.models.ppml`) or ``"pyfixest"``.
    """

    spec: GravitySpec
    coef: pd.Series
    se: pd.Series
    vcov: pd.DataFrame
    fixed_effects: dict[str, pd.Series] = field(repr=False)
    fitted: pd.Series = field(repr=False)
    nobs: int
    n_dropped: int
    r2: float
    iterations: int
    model: Any = field(default=None, repr=False, compare=False)
    engine_used: str = "pyfixest"

    def predict(self, newdata: pd.DataFrame) -> np.ndarray:
        """Predicted levels for ``newdata`` (PPML mean; uses the estimated fixed effects;
        NaN where a fixed-effect level was not estimated)."""
        if self.engine_used == "article2":
            eta = newdata[list(self.coef.index)].to_numpy(dtype=float) @ self.coef.to_numpy()
            for name, effects in self.fixed_effects.items():
                eta = eta + newdata[name].map(effects).to_numpy(dtype=float)
            if self.spec.offset:
                eta = eta + newdata[self.spec.offset].to_numpy(dtype=float)
            return np.exp(eta)
        if self.model is None:
            raise ValueError("this result carries no fitted model to predict with")
        out = self.model.predict(newdata=newdata, type="response")
        return np.asarray(out, dtype=float)

    def table(self) -> pd.DataFrame:
        """Coefficients, standard errors, z statistics."""
        return pd.DataFrame(
            {"coef": self.coef, "se": self.se, "z": self.coef / self.se}
        ).rename_axis("term")


def sample(spec: GravitySpec, data: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``data`` that ``spec``'s filters keep (a copy; ``data`` is not changed)."""
    needed = set(spec.terms) | set(spec.fixed_effects) | {spec.depvar}
    needed |= {c for c in (spec.cluster, spec.offset) if c}
    if spec.international_only or spec.drop_zero_pairs:
        needed |= {"exporter", "importer"}
    missing = sorted(needed - set(data.columns))
    if missing:
        raise KeyError(f"gravity data lacks columns {missing}; it has {sorted(data.columns)}")
    d = data
    if spec.years is not None:
        d = d[d["year"].isin(spec.years)]
    if spec.international_only:
        d = d[d["exporter"] != d["importer"]]
    if spec.positive_only or spec.method == "ols":
        d = d[d[spec.depvar] > 0]
    if spec.drop_zero_pairs:
        key = d["pair_id"] if "pair_id" in d.columns else d["exporter"] + "|" + d["importer"]
        total = d.groupby(key)[spec.depvar].transform("sum")
        d = d[total > 0]
    return d.copy()


def fit(spec: GravitySpec, data: pd.DataFrame) -> GravityResult:
    """Estimate ``spec`` on ``data`` (one row per exporter × importer × year).

    Raises:
        KeyError: a column the spec names is missing (the message lists the columns).
        ValueError: the sample is empty after filtering.
    """
    import pyfixest as pf  # heavy; imported when used

    d = sample(spec, data)
    if d.empty:
        raise ValueError(f"no observations left after the sample filters of {spec}")
    d = d.reset_index(drop=False).rename(columns={"index": "_row"})
    if (
        spec.engine == "auto"
        and spec.fixed_effects
        and spec.terms
        and supported(ssc_fixef=spec.ssc_fixef, method=spec.method)
    ):
        try:
            return _fit_compiled(spec, d)
        except ValueError:
            pass  # e.g. a regressor collinear with the fixed effects: pyfixest handles it
    vcov = {"CRV1": spec.cluster} if spec.cluster else "hetero"
    kwargs = {"data": d, "vcov": vcov, "ssc": pf.ssc(k_fixef=spec.ssc_fixef)}
    if spec.method == "ppml":
        if spec.offset:
            kwargs["offset"] = spec.offset
        model = pf.fepois(spec.formula(), **kwargs)
    else:
        model = pf.feols(spec.formula(), **kwargs)
    coef = model.coef()
    se = model.se()
    names = list(coef.index)
    vc = pd.DataFrame(np.asarray(model._vcov), index=names, columns=names)
    # rows kept by the estimator (missing values, singletons and separated rows dropped)
    used = np.ones(len(d), dtype=bool)
    dropped: set[int] = set()
    for attr in ("na_index", "_na_index"):
        value = getattr(model, attr, None)
        if value is not None:
            dropped |= {int(i) for i in value}
    if dropped:
        used[np.fromiter(sorted(dropped), dtype=int)] = False
    rows = d.loc[used, "_row"].to_numpy()
    yhat = np.asarray(model._Y_hat_response if spec.method == "ppml" else model._Y_hat_link)
    yhat = yhat.ravel()
    if spec.method == "ols":
        yhat = np.exp(yhat)
    fitted = pd.Series(yhat, index=rows, name="fitted")
    fes: dict[str, pd.Series] = {}
    if spec.fixed_effects:
        model.fixef()
        for key, values in model._fixef_dict.items():
            name = key.removeprefix("C(").split(")")[0]
            fes[name] = pd.Series(values, name=name).sort_index()
    r2 = float(getattr(model, "_pseudo_r2", np.nan) if spec.method == "ppml" else model._r2)
    return GravityResult(
        spec=spec,
        coef=coef.rename("coef"),
        se=se.rename("se"),
        vcov=vc,
        fixed_effects=fes,
        fitted=fitted,
        nobs=int(model._N),
        n_dropped=int(len(d) - model._N),
        r2=r2,
        iterations=int(getattr(model, "_iter", 1) or 1),
        model=model,
    )


def _fit_compiled(spec: GravitySpec, d: pd.DataFrame) -> GravityResult:
    """PPML by :func:`article2.models.ppml.fit_ppml` on the filtered sample ``d`` (with its
    original row labels in ``_row``); rows with missing values are dropped first."""
    cols = [spec.depvar, *spec.terms, *spec.fixed_effects]
    cols += [c for c in (spec.cluster, spec.offset) if c]
    ok = d[d[cols].notna().all(axis=1)]
    if ok.empty:
        raise ValueError("no complete rows")
    r = fit_ppml(
        ok,
        depvar=spec.depvar,
        terms=spec.terms,
        fixed_effects=spec.fixed_effects,
        cluster=spec.cluster,
        offset=spec.offset,
    )
    rows = ok.loc[r.keep, "_row"].to_numpy()
    nobs = int(r.keep.sum())
    return GravityResult(
        spec=spec,
        coef=r.coef.rename("coef"),
        se=r.se.rename("se"),
        vcov=r.vcov,
        fixed_effects={k: v.sort_index() for k, v in r.fixef.items()},
        fitted=pd.Series(r.mu, index=rows, name="fitted"),
        nobs=nobs,
        n_dropped=int(len(d) - nobs),
        r2=float(r.pseudo_r2),
        iterations=r.iterations,
        model=None,
        engine_used="article2",
    )
