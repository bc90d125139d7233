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
  default is 1e-8, ours 1e-10).
- **Demeaning** (weighted alternating projections, compiled with numba): Gauss–Seidel sweeps
  over the fixed-effect dimensions on the coefficient vector ``α``, accelerated every third
  sweep by the Irons–Tuck extrapolation ``fixest`` uses, stopped when the largest change of a
  fixed-effect coefficient is below ``fixef_tol`` × (1 + the column's scale). **Warm starts**:
  each IRLS iteration starts every column's projection from the coefficients the previous
  iteration found, so after the first iterations a few sweeps suffice.
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
        keep: boolean mask (length of the input) of the rows used.
        mu: fitted means of the rows used.
        eta: linear predictors of the rows used (offset included).
        fixef: per fixed-effect column, the estimated effects by level (identified up to
            normalisation; the sum over dimensions reproduces ``eta − Xβ − offset``).
        iterations: IRLS iterations.
        demean_sweeps: alternating-projection sweeps over all IRLS iterations and columns.
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
            bad = (count == 1) | (total <= 0)
            if bad.any():
                drop = bad[ck]
                idx = np.flatnonzero(keep)[drop]
                keep[idx] = False
                changed = True
        if not changed:
            return keep


def _factorize(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    codes, uniques = pd.factorize(values, sort=True)
    return codes.astype(np.int64), np.asarray(uniques)


# ---------------------------------------------------------------- compiled demeaning


@njit(cache=True)
def _sweep(v, w, codes, offsets, wsum, alpha, out):
    """One Gauss–Seidel sweep of weighted alternating projections: ``out`` = the fixed-effect
    coefficients after projecting ``v − Dα`` on each dimension in turn, starting from ``alpha``.
    Returns the largest absolute change."""
    n = v.shape[0]
    g_dims = codes.shape[0]
    for j in range(alpha.shape[0]):
        out[j] = alpha[j]
    r = np.empty(n)
    for i in range(n):
        s = v[i]
        for g in range(g_dims):
            s -= out[offsets[g] + codes[g, i]]
        r[i] = s
    biggest = 0.0
    num = np.zeros(alpha.shape[0])
    for g in range(g_dims):
        start, stop = offsets[g], offsets[g + 1]
        for j in range(start, stop):
            num[j] = 0.0
        for i in range(n):
            num[start + codes[g, i]] += w[i] * r[i]
        for j in range(start, stop):
            d = num[j] / wsum[j]
            num[j] = d
            out[j] += d
            if abs(d) > biggest:
                biggest = abs(d)
        for i in range(n):
            r[i] -= num[start + codes[g, i]]
    return biggest


@njit(cache=True)
def _demean_column(v, w, codes, offsets, wsum, alpha, tol, maxiter):
    """Demean ``v`` (weights ``w``) by the fixed effects, starting from coefficients ``alpha``
    (updated in place). Irons–Tuck acceleration every third sweep. Returns (residual, sweeps,
    converged)."""
    m = alpha.shape[0]
    gx = np.empty(m)
    ggx = np.empty(m)
    sweeps = 0
    converged = False
    while sweeps < maxiter:
        d1 = _sweep(v, w, codes, offsets, wsum, alpha, gx)
        sweeps += 1
        if d1 < tol:
            for j in range(m):
                alpha[j] = gx[j]
            converged = True
            break
        d2 = _sweep(v, w, codes, offsets, wsum, gx, ggx)
        sweeps += 1
        if d2 < tol:
            for j in range(m):
                alpha[j] = ggx[j]
            converged = True
            break
        # Irons–Tuck: α ← GGα − (Δ2·ΔGG / Δ2·Δ2) ΔGG, ΔGG = GGα − Gα, Δ2 = ΔGG − (Gα − α)
        vprod = 0.0
        ssq = 0.0
        for j in range(m):
            dgg = ggx[j] - gx[j]
            d2j = dgg - (gx[j] - alpha[j])
            vprod += dgg * d2j
            ssq += d2j * d2j
        if ssq > 0.0:
            coef = vprod / ssq
            for j in range(m):
                alpha[j] = ggx[j] - coef * (ggx[j] - gx[j])
        else:
            for j in range(m):
                alpha[j] = ggx[j]
        d3 = _sweep(v, w, codes, offsets, wsum, alpha, gx)
        sweeps += 1
        for j in range(m):
            alpha[j] = gx[j]
        if d3 < tol:
            converged = True
            break
    n = v.shape[0]
    res = np.empty(n)
    for i in range(n):
        s = v[i]
        for g in range(codes.shape[0]):
            s -= alpha[offsets[g] + codes[g, i]]
        res[i] = s
    return res, sweeps, converged


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
    tol: float = 1e-10,
    fixef_tol: float = 1e-11,
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
    keep = _drop_separated_and_singletons(y_all, [c for c, _ in factors])
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
    for it in range(1, maxiter + 1):  # noqa: B007 (used after the loop)
        z = eta - off + y / mu - 1.0
        w = mu
        wsum = _level_weights(w, code_mat, offsets)
        zx = np.empty((n, p))
        scales[0] = max(float(np.abs(z).max()), 1.0)
        for j in range(p):
            col = z if j == 0 else x[:, j - 1]
            res, sweeps, ok = _demean_column(
                np.ascontiguousarray(col),
                w,
                code_mat,
                offsets,
                wsum,
                alphas[j],
                fixef_tol * scales[j],
                fixef_maxiter,
            )
            sweeps_total += sweeps
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
        if crit < tol:
            break
    else:
        raise ValueError(f"IRLS did not converge in {maxiter} iterations")

    bread = np.linalg.inv(xwx)
    scores = (w * resid)[:, None] * xt
    if cluster:
        cl, _ = pd.factorize(data.loc[keep, cluster])
        g = int(cl.max()) + 1
        meat = _cluster_meat(scores, cl.astype(np.int64), g)
        adj = (n - 1) / (n - k) * g / (g - 1)
    else:
        meat = scores.T @ scores
        adj = n / (n - k)
    vcov = adj * bread @ meat @ bread

    # fixed effects: eta - Xβ - offset = Σ_g α_g; the last demeaning's coefficients of z
    # minus those of X weighted by β give them (up to the usual normalisation)
    fe_alpha = alphas[0] - alphas[1:].T @ beta
    fixef = {
        f: pd.Series(fe_alpha[offsets[i] : offsets[i + 1]], index=levels[i], name=f)
        for i, f in enumerate(fixed_effects)
    }
    ll = float(np.sum(y * np.log(np.where(y > 0, mu, 1.0)) - mu))
    ybar = y.mean()
    ll0 = float(np.sum(y * np.log(ybar) - ybar))
    # the log-factorial terms cancel in the ratio's difference; keep pyfixest's definition
    from scipy.special import gammaln

    lf = float(np.sum(gammaln(y + 1)))
    r2 = 1.0 - (ll - lf) / (ll0 - lf)
    names = list(terms)
    return PPMLResult(
        coef=pd.Series(beta, index=names, name="coef"),
        vcov=pd.DataFrame(vcov, index=names, columns=names),
        keep=keep,
        mu=mu,
        eta=eta,
        fixef=fixef,
        iterations=it,
        demean_sweeps=sweeps_total,
        deviance=last,
        pseudo_r2=r2,
    )
