"""Poisson pseudo-maximum likelihood with high-dimensional fixed effects (compiled).

The estimator of :func:`article2.models.gravity.fit` for PPML when the specification allows it
(see :func:`supported`): the same model, sample rules and standard errors as
``pyfixest.fepois``, computed about ten times faster on gravity panels (figures in
``benchmarks/bench_gravity.py``; ``python -m benchmarks gravity``). pyfixest remains the
reference in the tests and the fallback for everything else.

Model: ``E[y_i | ·] = exp(x_i'β + α_1[g_1(i)] + … + α_G[g_G(i)] + offset_i)``.

Algorithm (Correia, Guimarães & Zylkin 2020, *ppmlhdfe*; Bergé 2018, *fixest*):

- **Sample**: rows in a fixed-effect level whose outcome is zero throughout are separated
  (their fitted mean is 0 at the optimum) and dropped, and so are singletons (levels with one
  row); both rules are applied until nothing changes, as ``fixest``/``ppmlhdfe`` do.
  ``pyfixest`` applies the same two rules (its ``fixef_rm="singleton"`` and ``"fe"``
  separation check); the tests check that both keep the same rows.
- **IRLS**: with ``μ`` the current mean, the working outcome ``z = η − offset + y/μ − 1`` and
  the regressors are demeaned with weights ``μ`` by the fixed effects, ``β`` is the weighted
  least-squares coefficient of the demeaned ``z`` on the demeaned ``X``, and
  ``η = z − (z̃ − X̃β) + offset``. Start ``μ = (y + ȳ)/2``; stop when the relative change in
  deviance ``|D − D_old| / (0.1 + |D|)`` is below ``tol`` (``fixest``'s rule; pyfixest's
  default is 1e-8, ours 1e-9) and the demeaning ran at its final tolerance.
- **Demeaning** (compiled with numba): the largest fixed-effect dimension (the pair in
  3-way gravity) is projected out exactly (weighted means within its levels); the others solve
  the reduced normal equations ``E'W M E β = E'W M v`` (``M`` the within-level projection) by
  conjugate gradients with a Jacobi preconditioner, stopped when the change a Jacobi step
  would make is below ``fixef_tol`` × the column's scale. On the 3-way gravity panels of the
  benchmark this needs about half the passes over the data of alternating projections with
  Irons–Tuck acceleration (``fixest``'s method, which we tried first). **Warm starts**: each
  IRLS iteration starts every column's solve from the coefficients of the previous one, and
  the tolerance tightens with the IRLS criterion (``min(1e-4, 1e-3 × crit)``, floored at
  ``fixef_tol``), so early iterations are cheap (inexact Newton; ppmlhdfe does the same).
- **Standard errors**: as pyfixest computes them for ``fepois``: bread ``(X̃'WX̃)⁻¹``, scores
  ``w_i r_i x̃_i`` (working residual ``r``), cluster-robust (CRV1) meat
  ``Σ_g s_g s_g'`` with the small-sample factor ``(N−1)/(N−K) · G/(G−1)`` (K the number of
  regressors: fixed effects not counted, pyfixest ``ssc(k_fixef="none")``), or
  heteroskedasticity-robust with ``N/(N−K)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numba import njit

__all__ = ["PPMLResult", "fit_ppml", "supported"]


@dataclass(frozen=True)
class PPMLResult:
    """A fitted PPML model.

    Attributes:
        coef: coefficients (index = regressor names).
        vcov: their variance matrix (DataFrame indexed both ways by the names).
        keep: boolean mask (length of the input) of the rows used, counted as pyfixest counts
            them (singletons and separated rows that its one-pass check leaves in are fitted
            exactly, ``μ = y``, and do not change the estimates).
        mu: fitted means of the rows used.
        eta: linear predictors of the rows used (offset included; −inf where ``μ = 0``).
        fixef: per fixed-effect column, the estimated effects by level (identified up to
            normalisation; the sum over dimensions reproduces ``eta − Xβ − offset``).
        iterations: IRLS iterations.
        demean_sweeps: conjugate-gradient iterations of the demeaning, over all IRLS iterations
            and columns.
        sweeps_per_iteration: the same per IRLS iteration (all columns).
        deviance: Poisson deviance at the optimum.
        pseudo_r2: ``1 − loglik / loglik_null`` (as pyfixest reports it).
    """

    coef: pd.Series
    vcov: pd.DataFrame
    keep: np.ndarray
    mu: np.ndarray
    eta: np.ndarray
    fixef: dict[str, pd.Series]
    iterations: int
    demean_sweeps: int
    sweeps_per_iteration: tuple[int, ...]
    deviance: float
    pseudo_r2: float

    @property
    def se(self) -> pd.Series:
        return pd.Series(np.sqrt(np.diag(self.vcov.to_numpy())), index=self.coef.index)


def supported(*, ssc_fixef: str, method: str) -> bool:
    """Whether :func:`fit_ppml` covers a specification (else use pyfixest)."""
    return method == "ppml" and ssc_fixef == "none"


# ---------------------------------------------------------------- sample: separation, singletons


def _drop_separated_and_singletons(y: np.ndarray, codes: list[np.ndarray]) -> np.ndarray:
    """Rows kept after removing, until nothing changes, rows in fixed-effect levels whose
    outcome is zero in every row and rows in singleton levels."""
    keep = np.ones(len(y), dtype=bool)
    while True:
        changed = False
        for c in codes:
            ck = c[keep]
            m = int(ck.max()) + 1 if len(ck) else 0
            count = np.bincount(ck, minlength=m)
            total = np.bincount(ck, weights=y[keep], minlength=m)
            bad = (count == 1) | ((count > 0) & (total <= 0))
            drop = bad[ck]
            if drop.any():
                keep[np.flatnonzero(keep)[drop]] = False
                changed = True
        if not changed:
            return keep


def _pyfixest_sample(y: np.ndarray, codes: list[np.ndarray]) -> np.ndarray:
    """The rows ``pyfixest.fepois`` keeps: singletons removed until none is left, then one
    pass of its ``"fe"`` separation check (rows in levels whose outcome is zero throughout)."""
    keep = np.ones(len(y), dtype=bool)
    while True:
        changed = False
        for c in codes:
            ck = c[keep]
            count = np.bincount(ck, minlength=int(c.max()) + 1)
            drop = count[ck] == 1
            if drop.any():
                keep[np.flatnonzero(keep)[drop]] = False
                changed = True
        if not changed:
            break
    sep = np.zeros(len(y), dtype=bool)
    for c in codes:
        ck = c[keep]
        m = int(c.max()) + 1
        total = np.bincount(ck, weights=y[keep], minlength=m)
        zero = total[ck] <= 0
        sep[np.flatnonzero(keep)[zero]] = True
    return keep & ~sep


def _factorize(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    codes, uniques = pd.factorize(values, sort=True)
    return codes.astype(np.int64), np.asarray(uniques)


# ---------------------------------------------------------------- compiled demeaning


@njit(cache=True)
def _reduced_apply(beta, w, codes, offsets, wp, out):
    """``out = E'W M E β``: the fixed effects of dimensions 1.. (coefficients ``beta``, laid out
    from ``offsets[1]``) projected off the first dimension (weighted within-level demeaning,
    ``M``), weighted sums by level."""
    n = w.shape[0]
    g_dims = codes.shape[0]
    p0 = offsets[1]
    pm = np.zeros(p0)
    t = np.empty(n)
    for i in range(n):
        s = 0.0
        for g in range(1, g_dims):
            s += beta[offsets[g] + codes[g, i]]
        t[i] = s
        pm[codes[0, i]] += w[i] * s
    for j in range(p0):
        pm[j] /= wp[j]
    for j in range(out.shape[0]):
        out[j] = 0.0
    for i in range(n):
        u = w[i] * (t[i] - pm[codes[0, i]])
        for g in range(1, g_dims):
            out[offsets[g] + codes[g, i]] += u
    return pm


@njit(cache=True)
def _demean_column_cg(v, w, codes, offsets, wsum, alpha, tol, maxiter):
    """Demean ``v`` (weights ``w``) by the fixed effects: the first (largest) dimension is
    projected out exactly (weighted within-level means), the others solve the reduced normal
    equations ``E'W M E β = E'W M v`` by conjugate gradients with a Jacobi preconditioner,
    starting from ``alpha`` (updated in place, first dimension's levels first). Stops when
    the preconditioned residual (the change a Jacobi step would make) is below ``tol``.
    Returns (residual, iterations, converged)."""
    n = v.shape[0]
    g_dims = codes.shape[0]
    m = alpha.shape[0]
    p0 = offsets[1]
    wp = wsum[:p0]
    # b = E'W M v, and the Jacobi diagonal Σ_i∈k w_i (1 - w_i / W_p(i))
    vm = np.zeros(p0)
    for i in range(n):
        vm[codes[0, i]] += w[i] * v[i]
    for j in range(p0):
        vm[j] /= wp[j]
    b = np.zeros(m)
    diag = np.zeros(m)
    for i in range(n):
        u = w[i] * (v[i] - vm[codes[0, i]])
        dd = w[i] * (1.0 - w[i] / wp[codes[0, i]])
        for g in range(1, g_dims):
            b[offsets[g] + codes[g, i]] += u
            diag[offsets[g] + codes[g, i]] += dd
    for j in range(p0, m):
        if diag[j] <= 1e-12 * wsum[j]:
            diag[j] = max(wsum[j], 1e-300)
    its = 0
    converged = g_dims == 1
    if g_dims > 1:
        ab = np.zeros(m)
        _reduced_apply(alpha, w, codes, offsets, wp, ab)
        r = np.zeros(m)
        z = np.zeros(m)
        d = np.zeros(m)
        rz = 0.0
        worst = 0.0
        for j in range(p0, m):
            r[j] = b[j] - ab[j]
            z[j] = r[j] / diag[j]
            d[j] = z[j]
            rz += r[j] * z[j]
            if abs(z[j]) > worst:
                worst = abs(z[j])
        if worst < tol:
            converged = True
        q = np.zeros(m)
        while not converged and its < maxiter:
            _reduced_apply(d, w, codes, offsets, wp, q)
            its += 1
            dq = 0.0
            for j in range(p0, m):
                dq += d[j] * q[j]
            if dq <= 0.0:
                converged = True
                break
            step = rz / dq
            worst = 0.0
            rz_new = 0.0
            for j in range(p0, m):
                alpha[j] += step * d[j]
                r[j] -= step * q[j]
                z[j] = r[j] / diag[j]
                rz_new += r[j] * z[j]
                if abs(z[j]) > worst:
                    worst = abs(z[j])
            if worst < tol:
                converged = True
                break
            ratio = rz_new / rz
            rz = rz_new
            for j in range(p0, m):
                d[j] = z[j] + ratio * d[j]
    # first dimension: exact weighted means of what the others leave
    res = np.empty(n)
    pm = np.zeros(p0)
    for i in range(n):
        s = v[i]
        for g in range(1, g_dims):
            s -= alpha[offsets[g] + codes[g, i]]
        res[i] = s
        pm[codes[0, i]] += w[i] * s
    for j in range(p0):
        pm[j] /= wp[j]
        alpha[j] = pm[j]
    for i in range(n):
        res[i] -= pm[codes[0, i]]
    return res, its, converged


@njit(cache=True)
def _level_weights(w, codes, offsets):
    wsum = np.zeros(offsets[-1])
    for g in range(codes.shape[0]):
        for i in range(w.shape[0]):
            wsum[offsets[g] + codes[g, i]] += w[i]
    return wsum


@njit(cache=True)
def _cluster_meat(scores, cluster, n_clusters):
    k = scores.shape[1]
    sums = np.zeros((n_clusters, k))
    for i in range(scores.shape[0]):
        for a in range(k):
            sums[cluster[i], a] += scores[i, a]
    return sums.T @ sums


# ---------------------------------------------------------------- estimator


def _deviance(y: np.ndarray, mu: np.ndarray) -> float:
    with np.errstate(divide="ignore", invalid="ignore"):
        term = np.where(y > 0, y * np.log(y / mu), 0.0)
    return float(2.0 * np.sum(term - (y - mu)))


def fit_ppml(
    data: pd.DataFrame,
    *,
    depvar: str,
    terms: tuple[str, ...],
    fixed_effects: tuple[str, ...],
    cluster: str | None = None,
    offset: str | None = None,
    tol: float = 1e-9,
    fixef_tol: float = 1e-9,
    maxiter: int = 100,
    fixef_maxiter: int = 100_000,
) -> PPMLResult:
    """Fit PPML with fixed effects ``fixed_effects`` (at least one) on ``data``.

    Args:
        data: one row per observation; ``depvar`` non-negative; no missing values in the
            columns used.
        terms: regressors (at least one).
        fixed_effects: fixed-effect columns (any hashable values).
        cluster: column to cluster standard errors by (``None``: heteroskedasticity-robust).
        offset: column entering the linear index with coefficient 1.
        tol: IRLS stopping rule on the relative change in deviance.
        fixef_tol: demeaning stopping rule (largest coefficient change, relative to the
            column's scale).

    Raises:
        ValueError: no fixed effects or regressors, negative or missing outcomes, missing
            values, an empty sample after separation, regressors collinear with the fixed
            effects, no convergence.
    """
    if not fixed_effects:
        raise ValueError("fit_ppml needs at least one fixed effect (use pyfixest without)")
    if not terms:
        raise ValueError("fit_ppml needs at least one regressor")
    cols = [depvar, *terms, *fixed_effects, *([cluster] if cluster else [])]
    cols += [offset] if offset else []
    missing = data[cols].isna().any()
    if missing.any():
        raise ValueError(f"missing values in columns {sorted(missing[missing].index)}")
    y_all = data[depvar].to_numpy(dtype=float)
    if np.any(y_all < 0):
        raise ValueError(f"{depvar} must be non-negative")
    factors = [_factorize(data[f]) for f in fixed_effects]
    # estimate on the rows left after dropping separated rows and singletons until nothing
    # changes; report on pyfixest's (larger) sample: the extra rows are singletons or
    # separated, do not change β and are fitted exactly (μ = y) at the optimum
    keep = _drop_separated_and_singletons(y_all, [c for c, _ in factors])
    keep_rep = _pyfixest_sample(y_all, [c for c, _ in factors]) | keep
    if not keep.any():
        raise ValueError("no observations left after dropping separated rows and singletons")
    y = y_all[keep]
    x = data.loc[keep, list(terms)].to_numpy(dtype=float)
    off = data.loc[keep, offset].to_numpy(dtype=float) if offset else np.zeros(len(y))
    codes = []
    levels = []
    for c, names in factors:
        kc, uniq = pd.factorize(c[keep], sort=True)
        codes.append(kc.astype(np.int64))
        levels.append(names[uniq])
    sizes = [int(c.max()) + 1 for c in codes]
    # sweep the largest dimension first (fewer sweeps on gravity panels)
    order = sorted(range(len(codes)), key=lambda i: -sizes[i])
    codes = [codes[i] for i in order]
    sizes = [sizes[i] for i in order]
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    code_mat = np.ascontiguousarray(np.vstack(codes))
    n, k = x.shape
    p = k + 1
    alphas = np.zeros((p, offsets[-1]))  # warm starts, one coefficient vector per column
    scales = np.concatenate([[1.0], np.maximum(np.abs(x).max(axis=0), 1e-300)])

    mu = (y + y.mean()) / 2.0
    eta = np.log(mu)
    last = _deviance(y, mu)
    sweeps_total = 0
    beta = np.zeros(k)
    crit = 1.0
    trace = []
    for it in range(1, maxiter + 1):  # noqa: B007 (used after the loop)
        # inexact Newton: loose projections while IRLS is far from its optimum, ``fixef_tol``
        # once the deviance has nearly stopped changing (ppmlhdfe tightens the same way)
        inner = max(fixef_tol, min(1e-4, crit * 1e-3))
        trace.append(0)
        z = eta - off + y / mu - 1.0
        w = mu
        wsum = _level_weights(w, code_mat, offsets)
        zx = np.empty((n, p))
        scales[0] = max(float(np.abs(z).max()), 1.0)
        for j in range(p):
            col = z if j == 0 else x[:, j - 1]
            res, sweeps, ok = _demean_column_cg(
                np.ascontiguousarray(col),
                w,
                code_mat,
                offsets,
                wsum,
                alphas[j],
                inner * scales[j],
                fixef_maxiter,
            )
            sweeps_total += sweeps
            trace[-1] += sweeps
            if not ok:
                raise ValueError(f"demeaning did not converge in {fixef_maxiter} sweeps")
            zx[:, j] = res
        zt, xt = zx[:, 0], zx[:, 1:]
        sw = np.sqrt(w)
        wx = xt * sw[:, None]
        xwx = wx.T @ wx
        if np.linalg.matrix_rank(xwx) < k:
            raise ValueError(f"regressors {list(terms)} are collinear with the fixed effects")
        beta = np.linalg.solve(xwx, wx.T @ (zt * sw))
        resid = zt - xt @ beta
        eta = z - resid + off
        mu = np.exp(eta)
        dev = _deviance(y, mu)
        crit = abs(dev - last) / (0.1 + abs(last))
        last = dev
        if crit < tol and inner <= fixef_tol:
            break
    else:
        raise ValueError(f"IRLS did not converge in {maxiter} iterations")

    bread = np.linalg.inv(xwx)
    scores = (w * resid)[:, None] * xt
    n_rep = int(keep_rep.sum())  # the extra rows have zero scores
    if cluster:
        cl, _ = pd.factorize(data.loc[keep, cluster])
        g = int(cl.max()) + 1
        meat = _cluster_meat(scores, cl.astype(np.int64), g)
        g = int(data.loc[keep_rep, cluster].nunique())
        adj = (n_rep - 1) / (n_rep - k) * g / (g - 1)
    else:
        meat = scores.T @ scores
        adj = n_rep / (n_rep - k)
    vcov = adj * bread @ meat @ bread

    # fixed effects: eta - Xβ - offset = Σ_g α_g; the last demeaning's coefficients of z
    # minus those of X weighted by β give them (up to the usual normalisation)
    fe_alpha = alphas[0] - alphas[1:].T @ beta
    fixef = {
        fixed_effects[i]: pd.Series(
            fe_alpha[offsets[pos] : offsets[pos + 1]], index=levels[i], name=fixed_effects[i]
        )
        for pos, i in enumerate(order)
    }
    ll = float(np.sum(y * np.log(np.where(y > 0, mu, 1.0)) - mu))
    ybar = y.mean()
    ll0 = float(np.sum(y * np.log(ybar) - ybar))
    # the log-factorial terms cancel in the ratio's difference; keep pyfixest's definition
    from scipy.special import gammaln

    lf = float(np.sum(gammaln(y + 1)))
    r2 = 1.0 - (ll - lf) / (ll0 - lf)
    coef_names = list(terms)
    mu_rep = y_all[keep_rep].copy()
    mu_rep[keep[keep_rep]] = mu
    with np.errstate(divide="ignore"):
        eta_rep = np.log(mu_rep)
    eta_rep[keep[keep_rep]] = eta
    return PPMLResult(
        coef=pd.Series(beta, index=coef_names, name="coef"),
        vcov=pd.DataFrame(vcov, index=coef_names, columns=coef_names),
        keep=keep_rep,
        mu=mu_rep,
        eta=eta_rep,
        fixef=fixef,
        iterations=it,
        demean_sweeps=sweeps_total,
        sweeps_per_iteration=tuple(trace),
        deviance=last,
        pseudo_r2=r2,
    )
