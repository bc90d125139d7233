"""The compiled PPML estimator (:mod:`article2.models.ppml`) against pyfixest's ``fepois``.

Reference: pyfixest run to convergence (``fixef_tol=1e-8``, ``iwls_tol=1e-12``): at its
default demeaning tolerance pyfixest's own pair-clustered standard errors are up to ~4e-4
(relative) from their converged values on 3-way gravity panels. Tolerances: coefficients 1e-6
relative, standard errors 1e-4 relative, the same rows used. Panels are generated (seeded,
with zero flows, pairs that never trade and singletons) and small, to keep the suite fast.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from article2.models import ppml
from article2.models.gravity import GravitySpec, fit

pf = pytest.importorskip("pyfixest")


def _panel(n: int, years: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    size = rng.lognormal(0, 1.2, n)
    xy = rng.uniform(0, 100, (n, 2))
    dist = np.sqrt(((xy[:, None] - xy[None]) ** 2).sum(-1)) + 1.0
    np.fill_diagonal(dist, 0.5)
    rows = []
    rta0 = np.triu((rng.uniform(size=(n, n)) < 0.25).astype(float), 1)
    start = np.triu(rng.integers(0, years + 1, (n, n)), 1)
    for t in range(years):
        rta = rta0 * (t >= start)
        rta = rta + rta.T
        mu = np.outer(size, size) / dist * np.exp(0.4 * rta) * 5
        trade = rng.poisson(mu).astype(float)
        i, j = np.meshgrid(range(n), range(n), indexing="ij")
        rows.append(
            pd.DataFrame(
                {
                    "exporter": i.ravel(),
                    "importer": j.ravel(),
                    "year": t,
                    "trade": trade.ravel(),
                    "rta": rta.ravel(),
                    "log_dist": np.log(dist).ravel(),
                    "lang": ((i + j) % 3 == 0).ravel().astype(float),
                }
            )
        )
    df = pd.concat(rows, ignore_index=True)
    df.loc[(df["exporter"] == 1) & (df["importer"] == 2), "trade"] = 0.0  # a pair never trades
    df["exp_year"] = df["exporter"].astype(str) + "_" + df["year"].astype(str)
    df["imp_year"] = df["importer"].astype(str) + "_" + df["year"].astype(str)
    df["pair"] = df["exporter"].astype(str) + "_" + df["importer"].astype(str)
    df["pair_id"] = df["pair"]
    df["off"] = rng.normal(0, 0.1, len(df))
    return df


def _reference(df, fml, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pf.fepois(
            fml,
            data=df,
            ssc=pf.ssc(k_fixef="none"),
            demeaner=pf.MapDemeaner(fixef_tol=1e-8, fixef_maxiter=1_000_000),
            iwls_tol=1e-12,
            **kw,
        )


CASES = [
    ("rta", ("exp_year", "imp_year", "pair"), "pair_id", None),
    ("rta + log_dist + lang", ("exp_year", "imp_year"), "pair_id", None),
    ("rta + lang", ("exp_year", "imp_year"), None, "off"),
    ("rta", ("exp_year", "imp_year", "pair"), "pair_id", "off"),
]


@pytest.mark.parametrize(("rhs", "fes", "cluster", "offset"), CASES)
@pytest.mark.parametrize("seed", [0, 1])
def test_same_estimates_as_pyfixest(rhs, fes, cluster, offset, seed):
    df = _panel(18, 4, seed)
    # pairs that never trade are dropped first (as the book does): with them pyfixest's
    # tight reference does not converge (their fitted flows go to zero)
    df = df[df.groupby("pair")["trade"].transform("sum") > 0]
    terms = tuple(t.strip() for t in rhs.split("+"))
    ours = ppml.fit_ppml(
        df, depvar="trade", terms=terms, fixed_effects=fes, cluster=cluster, offset=offset
    )
    kw = {"vcov": {"CRV1": cluster} if cluster else "hetero"}
    if offset:
        kw["offset"] = offset
    ref = _reference(df, f"trade ~ {rhs} | {' + '.join(fes)}", **kw)
    assert int(ours.keep.sum()) == int(ref._N)
    np.testing.assert_allclose(ours.coef.to_numpy(), ref.coef().to_numpy(), rtol=1e-6)
    np.testing.assert_allclose(ours.se.to_numpy(), ref.se().to_numpy(), rtol=1e-4)
    np.testing.assert_allclose(ours.mu, np.asarray(ref._Y_hat_response).ravel(), rtol=1e-5)


def test_separation_and_singletons_are_dropped():
    df = _panel(12, 3, 5)
    ours = ppml.fit_ppml(df, depvar="trade", terms=("rta",), fixed_effects=("pair", "exp_year"))
    never = (df["exporter"] == 1) & (df["importer"] == 2)
    assert not ours.keep[never.to_numpy()].any()
    # a fixed-effect level with one row is a singleton
    one = pd.concat([df, df.iloc[[0]].assign(pair="lonely", trade=3.0)], ignore_index=True)
    r = ppml.fit_ppml(one, depvar="trade", terms=("rta",), fixed_effects=("pair", "exp_year"))
    assert not r.keep[-1]


def test_fit_uses_the_compiled_estimator_and_falls_back():
    df = _panel(14, 3, 2)
    spec = GravitySpec(terms=("rta",), fixed_effects=("exp_year", "imp_year", "pair"))
    fast = fit(spec, df)
    slow = fit(GravitySpec(**{**spec.__dict__, "engine": "pyfixest"}), df)
    assert fast.engine_used == "article2" and slow.engine_used == "pyfixest"
    assert fast.nobs == slow.nobs and fast.n_dropped == slow.n_dropped
    np.testing.assert_allclose(fast.coef, slow.coef, rtol=1e-6)
    sub = df.loc[fast.fitted.index[:80]]
    ours, ref = fast.predict(sub), slow.predict(sub)
    est = ~np.isnan(ours)  # NaN: a level only singletons or separated rows have
    assert est.mean() > 0.8
    np.testing.assert_allclose(ours[est], ref[est], rtol=1e-4)  # pyfixest default tolerance
    np.testing.assert_allclose(fast.fitted.sort_index(), slow.fitted.sort_index(), rtol=1e-4)
    # log distance is constant within pairs: collinear with the pair effects -> pyfixest
    coll = fit(GravitySpec(**{**spec.__dict__, "terms": ("rta", "log_dist")}), df)
    assert coll.engine_used == "pyfixest"
    with pytest.raises(ValueError, match="engine 'fast' not allowed"):
        GravitySpec(terms=("rta",), engine="fast")


def test_bad_input_is_named():
    df = _panel(6, 2, 0)
    with pytest.raises(ValueError, match="non-negative"):
        ppml.fit_ppml(
            df.assign(trade=-1.0), depvar="trade", terms=("rta",), fixed_effects=("pair",)
        )
    with pytest.raises(ValueError, match=r"missing values in columns \['rta'\]"):
        ppml.fit_ppml(
            df.assign(rta=np.nan), depvar="trade", terms=("rta",), fixed_effects=("pair",)
        )
    with pytest.raises(ValueError, match="at least one fixed effect"):
        ppml.fit_ppml(df, depvar="trade", terms=("rta",), fixed_effects=())
