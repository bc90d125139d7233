"""Monte Carlo sensitivity of the presence index: 1,000 draws over every country.

The vectorised run (:func:`article2.index.sensitivity.monte_carlo`: scores per
normalisation computed once, draws aggregated in batched ``einsum``) against a
straightforward peer in the same run: a per-draw pandas loop (normalise the DataFrame, weight,
group by pillar, mean, rank) — the way the computation reads in a notebook. Reports time,
peak memory (tracemalloc) and the ratio. The peer draws the same weights and choices (same
seed); it does the same amount of work but simplifies the normalisations (frontier computed
as min-max, no winsorisation), so it is a timing peer, not a correctness reference (the
vectorised run is checked against a per-draw numpy loop in ``tests/test_index.py``).

Run: ``python -m benchmarks index [--draws N]`` (uses the warehouse of the data home; build
it first with ``article2 build``). Timings depend on the machine and its load.
"""

from __future__ import annotations

import sys
import time
import tracemalloc

import numpy as np
import pandas as pd


def _peer(x, d, w, g, v, norms, aggs, noise, draws, seed):
    """Per-draw pandas loop with the same draws as the vectorised run."""
    rng = np.random.default_rng(seed)
    k, p = x.shape[1], v.size
    uw = rng.uniform(-noise, noise, (draws, k))
    uv = rng.uniform(-noise, noise, (draws, p))
    mi = rng.integers(len(norms), size=draws)
    ai = rng.integers(len(aggs), size=draws)
    frame = pd.DataFrame(x)
    pillar = pd.Series(g.argmax(axis=1))
    ranks = []
    for i in range(draws):
        f = frame * d
        method = norms[mi[i]]
        if method == "zscore":
            s = (f - f.mean()) / f.std(ddof=0)
        else:
            s = 100 * (f - f.min()) / (f.max() - f.min())
        if aggs[ai[i]] == "geometric":
            s = np.log1p(s - min(s.min().min(), 0))
        wi = pd.Series(w * (1 + uw[i]))
        num = (s * wi).T.groupby(pillar).sum().T
        den = (s.notna() * wi).T.groupby(pillar).sum().T
        pil = num / den
        vi = v * (1 + uv[i])
        comp = (pil * vi).sum(axis=1) / (pil.notna() * vi).sum(axis=1)
        ranks.append(comp.rank(ascending=False, method="min").to_numpy())
    return np.array(ranks)


def _measure(fn):
    tracemalloc.start()
    t = time.perf_counter()
    out = fn()
    elapsed = time.perf_counter() - t
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return out, elapsed, peak


def main(argv: list[str]) -> None:
    from article2.index import config, inputs
    from article2.index.compute import _arrays, evaluate, matrix
    from article2.index.presence import comparison_set
    from article2.index.sensitivity import monte_carlo

    draws = 1000
    for a in argv:
        if a.startswith("--draws="):
            draws = int(a.split("=", 1)[1])
    spec = config.load(kind="index")
    year = inputs.default_year()
    long = inputs.presence_inputs("CHN", year)
    keep = comparison_set(spec, set(long["iso3"]), year)
    m = matrix(long[long["iso3"].isin(keep)], spec, keep)
    ok = m.coverage >= spec.min_coverage
    evaluate(m, spec)
    d, fr, fl, w, g, v = _arrays(m, spec)
    x = m.values[ok]
    kw = dict(normalisations=spec.normalisations, aggregations=spec.aggregations,
              noise=spec.noise, draws=draws, seed=0)  # fmt: skip
    fast, t_fast, mem_fast = _measure(lambda: monte_carlo(x, d, w, g, v, **kw))
    _, t_peer, mem_peer = _measure(
        lambda: _peer(x, d, w, g, v, ("minmax", "zscore"), spec.aggregations, spec.noise,
                      draws, 0)  # fmt: skip
    )
    n, k = x.shape
    print(f"presence index of CHN, {year}: {n} countries x {k} indicators, {draws} draws "
          f"(normalisations {', '.join(spec.normalisations)}; aggregations "
          f"{', '.join(spec.aggregations)})")  # fmt: skip
    print(f"{'run':<44}{'seconds':>9}{'peak MiB':>10}")
    print(f"{'vectorised (article2.index.sensitivity)':<44}{t_fast:>9.3f}{mem_fast:>10.1f}")
    print(f"{'per-draw pandas loop (peer)':<44}{t_peer:>9.3f}{mem_peer:>10.1f}")
    print(f"peer / vectorised: {t_peer / t_fast:.1f}x time; target < 10 s: "
          f"{'met' if t_fast < 10 else 'NOT met'}")
    del fast


if __name__ == "__main__":
    main(sys.argv[1:])
