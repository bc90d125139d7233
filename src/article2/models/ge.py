"""General-equilibrium counterfactuals of the structural gravity model (pure numpy).

The model (Anderson & van Wincoop 2003; Yotov, Piermartini, Monteiro & Larch 2016, *An
Advanced Guide to Trade Policy Analysis*, Chapter 2) with N countries, elasticity of
substitution σ and bilateral trade costs entering as ``t_ij = T_ij^(1-σ)``:

    X_ij = Y_i E_j t_ij / (Π_i P_j)                         (1) gravity
    Π_i  = Σ_j t_ij E_j / P_j                                (2) outward multilateral resistance
    P_j  = Σ_i t_ij Y_i / Π_i                                (3) inward multilateral resistance
    Y_i  = p_i Q_i ,  E_j = φ_j Y_j                          (4) output, expenditure

(Π and P are the book's OMR and IMR "in power 1-σ"; the book's normalisation replaces world
output by the reference country's expenditure, which only rescales Π and P.) Trade imbalances
are handled as in the book: the ratio φ_j = E_j / Y_j of each country is held at its baseline
value — in the exact solution up to one common factor λ that keeps world expenditure equal to
world output (``E'_j = λ φ_j Y'_j``). The level of prices is pinned by the reference country:
its inward multilateral resistance is 1 in the baseline and in every counterfactual.

Two procedures compute the full-endowment effects (``procedure=``; see docs/methods/gravity.md):

- ``"exact"`` (the default): the fixed point below, solved until every equilibrium condition
  holds to ``tol``;
- ``"agtpa"``: the Advanced Guide's own iterative procedure (Chapter 2, the Stata code of its
  applications), step by step: each iteration scales the fitted flows by the last step's changes
  in factory-gate prices and multilateral resistances, re-fits exporter and importer effects by
  PPML with the counterfactual costs as offset, and stops when the standard deviation and the
  largest step change in prices are both ≤ 0.01. It reproduces the book's tables (to 1e-4
  percentage points), but its iterates alternate around the exact solution and the rule stops
  them early (NAFTA: after 3 iterations, with a market-clearing residual of 4e-3); continued,
  they do not converge. Use it to replicate the book, not for new results.

A counterfactual changes trade costs by ``τ̂_ij = t'_ij / t_ij``. Written in changes
("exact hat algebra"; x̂ = x'/x) around a baseline that satisfies (1)–(4):

- **conditional** (output and expenditure fixed, only the MRs adjust):
  ``Π̂_i = Σ_j (X_ij/Y_i) τ̂_ij / P̂_j`` and ``P̂_j = Σ_i (X_ij/E_j) τ̂_ij / Π̂_i``,
  ``P̂_ref = 1``; solved by alternating (Sinkhorn) updates;
- **full endowment** (factory-gate prices p_i adjust with endowments Q_i fixed):
  ``P̂_j = Σ_i (X_ij/E_j) τ̂_ij p̂_i^(1-σ)`` and ``p̂_i^σ = Σ_j (X_ij/Y_i) τ̂_ij p̂_j / P̂_j``,
  with ``Ŷ_i = p̂_i``, ``Ê_j = λ p̂_j``, ``λ = Σ p̂_i Y_i / Σ p̂_j E_j`` and ``P̂_ref = 1``;
  ``p̂_i^σ = λ Σ_j (X_ij/Y_i) τ̂_ij p̂_j / P̂_j``, solved by fixed-point updates of ``log p̂``.

Counterfactual flows are ``X'_ij = X_ij τ̂_ij Ŷ_i Ê_j / (Π̂_i P̂_j)``. Reported changes
(:class:`GEResult`): exports (international flows, i ≠ j), factory-gate prices, output, the
MRs in price units (``P̂^(1/(1-σ))``, ``Π̂^(1/(1-σ))``) and real GDP ``Ŷ_i / P̂_i^(1/(1-σ))``,
which is also welfare (real expenditure) since φ is constant. Real GDP and welfare changes do
not depend on the choice of reference country; nominal quantities and MRs do.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np

__all__ = [
    "PROCEDURES",
    "GEResult",
    "MRSolution",
    "Procedure",
    "baseline_flows",
    "equilibrium_residual",
    "solve",
    "solve_mr",
]


Procedure = Literal["exact", "agtpa"]
PROCEDURES: tuple[str, ...] = get_args(Procedure)


@dataclass(frozen=True)
class MRSolution:
    """Multilateral resistances solving (2)–(3) for given t, Y, E with ``P_ref = 1``.

    Attributes:
        omr, imr: Π (N,) and P (N,), in power 1-σ.
        iterations: alternating updates used.
        max_residual: max relative residual of (2)–(3) at the solution.
    """

    omr: np.ndarray
    imr: np.ndarray
    iterations: int
    max_residual: float


@dataclass(frozen=True)
class GEResult:
    """Changes from a baseline to a counterfactual (ratios x'/x; 1 = no change).

    All arrays have shape (N,) in the order of the baseline's countries, except ``flows_*``
    (N, N; exporter × importer, levels).

    Attributes:
        reference: index of the reference country (P̂_ref = 1).
        sigma: elasticity of substitution.
        exports_cdl, exports_full: international exports (Σ_{j≠i} X_ij), conditional / full
            endowment.
        omr_cdl, imr_cdl, omr_full, imr_full: Π̂ and P̂ in price units (power 1/(1-σ)).
        price_full: factory-gate prices p̂ (= Ŷ = Ê).
        real_gdp_full: Ŷ / P̂ (price units) — also the welfare change.
        flows_base, flows_cdl, flows_full: bilateral flows.
        iterations_cdl, iterations_full: iterations of each solve.
        expenditure_factor: λ, the common factor on the expenditure/output ratios that keeps
            world expenditure equal to world output (1 when trade is balanced; 1 by
            construction for ``procedure="agtpa"``, which does not rescale expenditure).
        max_residual: largest relative residual of the equilibrium conditions (market
            clearing of the full-endowment flows and the MR definitions) over both solutions.
            Below ``tol`` for ``procedure="exact"``; for ``"agtpa"`` it measures how far the
            book's stopping point is from an equilibrium.
        tol: the convergence tolerance used (for ``"agtpa"`` the conditional solve's; the
            full-endowment iteration stops by the book's rule, ``criterion``).
        procedure: ``"exact"`` or ``"agtpa"`` (see the module docstring).
        agtpa_steps: for ``"agtpa"``, per iteration the mean, standard deviation, minimum and
            maximum of the stopping rule's ``p̂_s-1 − p̂_s-2`` over the exporter × importer
            rows — what the book's Stata code prints (``summarize dif_change_pi``); empty
            for ``"exact"``.
    """

    reference: int
    sigma: float
    exports_cdl: np.ndarray
    exports_full: np.ndarray
    omr_cdl: np.ndarray
    imr_cdl: np.ndarray
    omr_full: np.ndarray
    imr_full: np.ndarray
    price_full: np.ndarray
    real_gdp_full: np.ndarray
    flows_base: np.ndarray
    flows_cdl: np.ndarray
    flows_full: np.ndarray
    iterations_cdl: int
    iterations_full: int
    expenditure_factor: float
    max_residual: float
    tol: float
    procedure: Procedure = "exact"
    agtpa_steps: tuple[tuple[float, float, float, float], ...] = ()


def _check_square(name: str, a: np.ndarray, n: int | None = None) -> np.ndarray:
    a = np.asarray(a, dtype=float)
    if a.ndim != 2 or a.shape[0] != a.shape[1] or (n is not None and a.shape[0] != n):
        raise ValueError(f"{name} must be a square (N, N) array, got shape {a.shape}")
    if not np.all(np.isfinite(a)) or np.any(a < 0):
        raise ValueError(f"{name} must be finite and non-negative")
    return a


def solve_mr(
    t: np.ndarray,
    output: np.ndarray,
    expenditure: np.ndarray,
    *,
    reference: int,
    tol: float = 1e-12,
    max_iter: int = 100_000,
) -> MRSolution:
    """Solve (2)–(3) for Π and P given ``t`` (N, N), Y (N,), E (N,), with ``P_ref = 1``.

    This is the system the book solves by PPML with exporter and importer fixed effects and
    the trade costs as an offset: the fitted flows ``Y_i E_j t_ij / (Π_i P_j)`` equal the PPML
    fitted values.

    Raises:
        ValueError: bad shapes or values; RuntimeError: no convergence in ``max_iter``.
    """
    t = _check_square("t", t)
    y = np.asarray(output, dtype=float)
    e = np.asarray(expenditure, dtype=float)
    n = t.shape[0]
    if y.shape != (n,) or e.shape != (n,):
        raise ValueError("output and expenditure must have shape (N,)")
    inv_p = np.ones(n)
    for it in range(1, max_iter + 1):  # noqa: B007 (used after the loop)
        omr = t @ (e * inv_p)
        imr = t.T @ (y / omr)
        imr = imr / imr[reference]
        step = np.max(np.abs(np.log(imr) + np.log(inv_p)))
        inv_p = 1.0 / imr
        if step < tol:
            break
    else:
        raise RuntimeError(f"multilateral resistances did not converge in {max_iter} iterations")
    omr = t @ (e * inv_p)
    imr = t.T @ (y / omr)
    # with P_ref = 1 fixed the pair (Π, P) is unique; report how well (3) holds
    res = float(np.max(np.abs(imr * inv_p - 1.0)))
    return MRSolution(omr=omr, imr=1.0 / inv_p, iterations=it, max_residual=res)


def baseline_flows(t: np.ndarray, output: np.ndarray, expenditure: np.ndarray, mr: MRSolution):
    """Flows (1) implied by trade costs, output, expenditure and their MRs: (N, N)."""
    y = np.asarray(output, dtype=float)
    e = np.asarray(expenditure, dtype=float)
    return (y / mr.omr)[:, None] * np.asarray(t, dtype=float) * (e / mr.imr)[None, :]


def _intl(x: np.ndarray) -> np.ndarray:
    return x.sum(axis=1) - np.diag(x)


def solve(
    flows: np.ndarray,
    tau_hat: np.ndarray,
    *,
    sigma: float,
    reference: int,
    tol: float = 1e-10,
    max_iter: int = 100_000,
    procedure: Procedure = "exact",
    criterion: float = 0.01,
) -> GEResult:
    """Conditional and full-endowment effects of the trade-cost change ``tau_hat``.

    Args:
        flows: baseline flows X (N, N), exporter × importer, including intra-national flows on
            the diagonal, consistent with (1)–(3) (observed flows are, by construction: Y and
            E are their row and column sums).
        tau_hat: ``t'_ij / t_ij`` (N, N) in power 1-σ, e.g. ``exp(β_RTA ΔRTA_ij)`` or
            ``(1 + ave_ij)^(1-σ)``; ones = no change.
        sigma: elasticity of substitution (> 1).
        reference: index of the reference country whose IMR is the numeraire.
        tol: convergence tolerance: iterations stop when the largest relative residual of
            the equilibrium conditions (market clearing; the MR definitions) is below it.
        procedure: ``"exact"`` (default) solves the full-endowment fixed point to ``tol``;
            ``"agtpa"`` runs the Advanced Guide's iterative procedure (:func:`_agtpa_full`).
        criterion: the ``"agtpa"`` stopping rule: the standard deviation and the largest
            change between two iterations' factory-gate price steps both ≤ ``criterion``
            (the book's 0.01).

    Raises:
        ValueError: bad shapes or values (every country needs positive output and
            expenditure), an unknown procedure; RuntimeError: no convergence in ``max_iter``.
    """
    x = _check_square("flows", flows)
    n = x.shape[0]
    tau = _check_square("tau_hat", tau_hat, n)
    if not sigma > 1:
        raise ValueError(f"sigma must be > 1, got {sigma}")
    if not 0 <= reference < n:
        raise ValueError(f"reference index {reference} outside 0..{n - 1}")
    if procedure not in PROCEDURES:
        raise ValueError(f"procedure {procedure!r} not allowed; choose one of {PROCEDURES}")
    y = x.sum(axis=1)
    e = x.sum(axis=0)
    if np.any(y <= 0) or np.any(e <= 0):
        bad = np.flatnonzero((y <= 0) | (e <= 0)).tolist()
        raise ValueError(f"countries at indices {bad} have zero output or expenditure")
    a = x * tau  # X_ij τ̂_ij
    sx = a / y[:, None]  # (X_ij / Y_i) τ̂_ij
    sm = a / e[None, :]  # (X_ij / E_j) τ̂_ij

    # conditional: Y, E fixed
    inv_p = np.ones(n)
    for it_c in range(1, max_iter + 1):  # noqa: B007 (used after the loop)
        omr_c = sx @ inv_p
        imr_c = sm.T @ (1.0 / omr_c)
        # residual of P̂ = Σ_i (X_ij/E_j) τ̂_ij / Π̂_i at the current iterate (column sums)
        if np.max(np.abs(imr_c * inv_p - 1.0)) < tol:
            break
        inv_p = imr_c[reference] / imr_c
    else:
        raise RuntimeError(f"conditional solve did not converge in {max_iter} iterations")
    omr_c = sx @ inv_p
    imr_c = 1.0 / inv_p
    flows_c = a / omr_c[:, None] / imr_c[None, :]

    if procedure == "agtpa":
        p, omr_f, imr_f, flows_f, it_f, steps = _agtpa_full(
            x, tau, sigma=sigma, reference=reference, criterion=criterion, max_iter=max_iter
        )
        lam = 1.0
        out_f, exp_f = p * y, p * e
    else:
        steps = ()
        p, omr_f, imr_f, flows_f, lam, it_f = _exact_full(
            sx, sm, a, y, e, sigma=sigma, reference=reference, tol=tol, max_iter=max_iter
        )
        out_f, exp_f = p * y, lam * p * e

    # residuals: market clearing (full), MR definitions (conditional)
    res_full = np.max(np.abs(flows_f.sum(axis=1) / out_f - 1.0))
    res_full = max(res_full, np.max(np.abs(flows_f.sum(axis=0) / exp_f - 1.0)))
    res_full = max(res_full, abs(imr_f[reference] - 1.0))
    res_cdl = np.max(np.abs(flows_c.sum(axis=1) / y - 1.0))
    res_cdl = max(res_cdl, np.max(np.abs(flows_c.sum(axis=0) / e - 1.0)))
    k = 1.0 / (1.0 - sigma)
    return GEResult(
        reference=reference,
        sigma=float(sigma),
        exports_cdl=_intl(flows_c) / _intl(x),
        exports_full=_intl(flows_f) / _intl(x),
        omr_cdl=omr_c**k,
        imr_cdl=imr_c**k,
        omr_full=omr_f**k,
        imr_full=imr_f**k,
        price_full=p,
        real_gdp_full=p / imr_f**k,
        flows_base=x,
        flows_cdl=flows_c,
        flows_full=flows_f,
        iterations_cdl=it_c,
        iterations_full=it_f,
        expenditure_factor=float(lam),
        max_residual=float(max(res_full, res_cdl)),
        tol=tol,
        procedure=procedure,
        agtpa_steps=steps,
    )


def _exact_full(sx, sm, a, y, e, *, sigma, reference, tol, max_iter):
    """The full-endowment fixed point (see the module docstring), solved to ``tol``.

    Returns p̂, Π̂ and P̂ (power 1-σ), counterfactual flows, λ and the iterations used.
    """
    n = len(y)
    log_p = np.zeros(n)
    py, pe = y / y.sum(), e / y.sum()
    for it_f in range(1, max_iter + 1):  # noqa: B007 (used after the loop)
        p = np.exp(log_p)
        lam = (p @ py) / (p @ pe)
        imr_f = sm.T @ p ** (1.0 - sigma)
        rhs = lam * (sx @ (p / imr_f))
        # residual of p̂^σ = λ Σ_j (X_ij/Y_i) τ̂_ij p̂_j / P̂_j (market clearing, row sums)
        if np.max(np.abs(rhs / p**sigma - 1.0)) < tol and abs(imr_f[reference] - 1.0) < tol:
            break
        new = np.log(rhs) / sigma
        # normalise: P̂_ref = 1  (P̂ scales as c^(1-σ) when p̂ scales by c)
        imr_new_ref = sm[:, reference] @ np.exp(new * (1.0 - sigma))
        log_p = new - np.log(imr_new_ref) / (1.0 - sigma)
    else:
        raise RuntimeError(f"full-endowment solve did not converge in {max_iter} iterations")
    p = np.exp(log_p)
    lam = (p @ py) / (p @ pe)
    imr_f = sm.T @ p ** (1.0 - sigma)
    omr_f = lam * (sx @ (p / imr_f))  # Π̂ = Σ_j (X_ij/Y_i) τ̂ Ê_j / P̂_j
    flows_f = a * (p ** (1.0 - sigma))[:, None] * (lam * p / imr_f)[None, :]

    return p, omr_f, imr_f, flows_f, float(lam), it_f


def _two_way_ppml(trade: np.ndarray, t: np.ndarray, reference: int):
    """Exporter and importer effects of a PPML fit of ``trade`` with offset ``log t``.

    With exporter and importer effects only, the PPML first-order conditions say that the
    fitted flows ``exp(a_i + b_j) t_ij`` have the row and column sums of ``trade`` (Fally
    2015), which is (2)–(3) with those sums as output and expenditure: ``exp(a_i) = Y_i E_ref /
    Π_i`` and ``exp(b_j) = E_j / (P_j E_ref)`` (``b_ref = 0``, the book's omitted importer
    effect). Returns ``(exp(a), exp(b))``.
    """
    y, e = trade.sum(axis=1), trade.sum(axis=0)
    mr = solve_mr(t, y, e, reference=reference, tol=1e-13)
    return y * e[reference] / mr.omr, e / (mr.imr * e[reference])


def _agtpa_full(x, tau, *, sigma, reference, criterion, max_iter):
    """The Advanced Guide's full-endowment procedure (Chapter 2; the Stata code of its
    applications ``TradeWithoutBorder.do`` and ``RTAsEffects.do``), step for step.

    Notation of the book: π (exporter effects), χ (importer effects, χ_ref = 1), E_R (the
    reference country's expenditure), φ = E/Y (baseline), s = 0 baseline, s = 1 conditional.
    Each iteration s ≥ 2:

    1. ``trade_s = fitted_{s-1} · p̂_i,{s-1} p̂_j,{s-1} / (Ω̂_i,{s-1} Φ̂_j,{s-1})`` (step changes;
       Ω̂ = Φ̂ = 1 for s - 1 = 1);
    2. PPML of ``trade_s`` on exporter and importer effects, offset ``log t'`` → π_s, χ_s,
       fitted_s;
    3. ``Y_s`` = row sums of fitted_s, ``E_s = φ Y_s``, ``E_R,s = E_s[ref]``;
    4. ``p̂_i,s = ((π_s/π_{s-1}) / (E_R,s/E_R,{s-1}))^(1/(1-σ))``,
       ``OMR_s = Y_s E_R,s / π_s``, ``IMR_s = E_s / (χ_s E_R,s)``, Ω̂_s and Φ̂_s their ratios to
       s - 1;
    5. stop when the sd (over the exporter × importer rows, as Stata's ``summarize``) and the
       absolute maximum of ``p̂_{s-1} - p̂_{s-2}`` are both ≤ ``criterion`` (``p̂_0 = 0``).

    Then with S the last iteration: ``p̂ = ((π_S/π_0) / (E_R,S/E_R,0))^(1/(1-σ))``,
    ``Y' = p̂ Y``, ``E' = φ Y'``, ``OMR' = Y' E_R,S / π_S``, ``IMR' = E_S / (χ_S E_R,S)`` and
    ``X'_ij = Y'_i E'_j t'_ij / (IMR'_j OMR'_i)``.

    Returns p̂, Π̂ and P̂ (power 1-σ, relative to the baseline), X', the iterations and the
    (mean, sd, min, max) of the stopping rule's differences per iteration.

    Raises:
        RuntimeError: the stopping rule is not met in ``max_iter`` iterations.
    """
    n = x.shape[0]
    k = 1.0 / (1.0 - sigma)
    y, e = x.sum(axis=1), x.sum(axis=0)
    phi = e / y
    t0, t1 = x, x * tau  # baseline costs absorbed in the flows: π_0 = χ_0 = 1 up to scale
    pi0, chi0 = _two_way_ppml(x, t0, reference)
    er0 = e[reference]
    omr0, imr0 = y * er0 / pi0, e / (chi0 * er0)
    pi, chi = _two_way_ppml(x, t1, reference)  # conditional (s = 1)
    fitted = pi[:, None] * chi[None, :] * t1
    er = er0
    omr, imr = y * er / pi, e / (chi * er)
    step = ((pi / pi0) / (er / er0)) ** k
    step_prev = np.zeros(n)
    d_omr, d_imr = np.ones(n), np.ones(n)
    steps = []
    for it in range(1, max_iter + 1):  # noqa: B007 (used after the loop)
        trade = fitted * np.outer(step, step) / np.outer(d_omr, d_imr)
        pi_new, chi_new = _two_way_ppml(trade, t1, reference)
        fitted = pi_new[:, None] * chi_new[None, :] * t1
        out = fitted.sum(axis=1)
        exp_s = phi * out
        er_new = exp_s[reference]
        step_new = ((pi_new / pi) / (er_new / er)) ** k
        omr_new, imr_new = out * er_new / pi_new, exp_s / (chi_new * er_new)
        d_omr, d_imr = omr_new / omr, imr_new / imr
        dif = step - step_prev
        # Stata's summarize over the N × N rows (each exporter's value N times), n - 1 divisor
        sd = np.sqrt(n * np.sum((dif - dif.mean()) ** 2) / (n * n - 1))
        stop = sd <= criterion and abs(dif.max()) <= criterion
        steps.append((float(dif.mean()), float(sd), float(dif.min()), float(dif.max())))
        step_prev, step = step, step_new
        pi, chi, er, omr, imr = pi_new, chi_new, er_new, omr_new, imr_new
        if stop:
            break
    else:
        raise RuntimeError(f"the Advanced Guide's iteration did not stop in {max_iter} steps")
    p = ((pi / pi0) / (er / er0)) ** k
    out_f = p * y
    exp_f = phi * out_f
    omr_f = out_f * er / pi
    imr_f = exp_s / (chi * er)
    flows = out_f[:, None] * exp_f[None, :] * t1 / (omr_f[:, None] * imr_f[None, :])
    return p, omr_f / omr0, imr_f / imr0, flows, it, tuple(steps)


def equilibrium_residual(
    flows: np.ndarray, tau_hat: np.ndarray, price: np.ndarray, *, sigma: float
) -> float:
    """Largest relative market-clearing residual of candidate factory-gate price changes.

    An independent check of a full-endowment solution, whichever solver produced it: with
    ``p̂`` given, the inward MRs follow from their definition,
    ``P̂_j = Σ_i (X_ij/E_j) τ̂_ij p̂_i^(1-σ)``, expenditure from the fixed ratios,
    ``Ê_j = λ p̂_j`` with ``λ = Σ p̂_i Y_i / Σ p̂_j E_j``, and flows from gravity,
    ``X'_ij = X_ij τ̂_ij p̂_i^(1-σ) Ê_j / P̂_j``; the residual is
    ``max_i |Σ_j X'_ij / (p̂_i Y_i) - 1|`` (output equals sales). It is 0 at an equilibrium
    and does not depend on the numeraire (scaling p̂ by c scales both sides by c).

    Args:
        flows: baseline flows X (N, N), exporter × importer, with intra-national flows.
        tau_hat: trade-cost change (N, N) in power 1-σ.
        price: candidate p̂ (N,), positive.
        sigma: elasticity of substitution (> 1).

    Raises:
        ValueError: bad shapes or values.
    """
    x = _check_square("flows", flows)
    n = x.shape[0]
    tau = _check_square("tau_hat", tau_hat, n)
    p = np.asarray(price, dtype=float)
    if p.shape != (n,) or not np.all(np.isfinite(p)) or np.any(p <= 0):
        raise ValueError(f"price must be a positive finite array of shape ({n},)")
    if not sigma > 1:
        raise ValueError(f"sigma must be > 1, got {sigma}")
    y, e = x.sum(axis=1), x.sum(axis=0)
    a = x * tau
    lam = (p @ y) / (p @ e)
    imr = (a / e[None, :]).T @ p ** (1.0 - sigma)
    new = a * (p ** (1.0 - sigma))[:, None] * (lam * p / imr)[None, :]
    return float(np.max(np.abs(new.sum(axis=1) / (p * y) - 1.0)))
