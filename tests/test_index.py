"""Composite index: normalisation, aggregation, sensitivity and spec validation.

Tolerances: hand-computed cases are compared to 1e-9 (exact arithmetic up to floating point);
inputs read from the warehouse are compared with values computed directly from the raw
snapshot file to 1e-9 relative (the same additions in a different order).
"""

from __future__ import annotations

import csv
import gzip

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from article2.index import config as cfg
from article2.index.aggregate import composite, group_matrix, rank_desc
from article2.index.normalise import normalise, winsorise
from article2.index.sensitivity import monte_carlo

TOL = 1e-9

# ---------------------------------------------------------------- hand-computed small cases


def test_minmax_hand_case():
    x = np.array([[1.0, 10.0], [3.0, 20.0], [5.0, np.nan]])
    s = normalise(x, np.array([1, -1]), "minmax")
    np.testing.assert_allclose(s[:, 0], [0, 50, 100], atol=TOL)
    np.testing.assert_allclose(s[:2, 1], [100, 0], atol=TOL)  # less is more
    assert np.isnan(s[2, 1])  # missing stays missing


def test_frontier_hand_case():
    x = np.array([[0.2], [0.5], [1.5]])
    s = normalise(x, np.array([1]), "frontier", frontier=np.array([1.0]), floor=np.array([0.0]))
    np.testing.assert_allclose(s[:, 0], [20, 50, 100], atol=TOL)  # clipped at the frontier
    # no fixed goalposts: distance to the leader, floor 0 on non-negative data
    s = normalise(x, np.array([1]), "frontier")
    np.testing.assert_allclose(s[:, 0], [100 * 0.2 / 1.5, 100 * 0.5 / 1.5, 100], atol=TOL)


def test_zscore_hand_case():
    x = np.array([[1.0], [2.0], [3.0]])
    s = normalise(x, np.array([1]), "zscore")
    sd = np.sqrt(2 / 3)
    np.testing.assert_allclose(s[:, 0], [-1 / sd, 0, 1 / sd], atol=TOL)


def test_winsorise_hand_case():
    x = np.array([[0.0], [1.0], [2.0], [3.0], [100.0]])
    w = winsorise(x, 0.0, 0.75)
    assert w[-1, 0] == pytest.approx(3.0) and w[0, 0] == 0.0


def test_arithmetic_and_geometric_hand_case():
    s = np.array([[0.0, 100.0, 50.0], [50.0, 50.0, np.nan]])
    g = group_matrix(["a", "a", "b"], ["a", "b"])
    comp, pil = composite(s, np.array([1.0, 3.0, 1.0]), g, np.array([1.0, 1.0]), "arithmetic")
    # pillar a of country 0: (1·0 + 3·100)/4 = 75; composite (75 + 50)/2
    np.testing.assert_allclose(pil[0], [75, 50], atol=TOL)
    np.testing.assert_allclose(comp, [62.5, 50.0], atol=TOL)  # country 1: pillar b missing
    comp, pil = composite(s, np.array([1.0, 3.0, 1.0]), g, np.array([1.0, 1.0]), "geometric")
    pa = np.exp((np.log(1) + 3 * np.log(101)) / 4) - 1
    np.testing.assert_allclose(pil[0, 0], pa, atol=TOL)
    np.testing.assert_allclose(comp[0], np.sqrt((1 + pa) * 51) - 1, atol=TOL)


def test_rank_desc_ties_and_missing():
    r = rank_desc(np.array([3.0, 1.0, 3.0, np.nan, 2.0]))
    np.testing.assert_array_equal(r[[0, 1, 2, 4]], [1, 4, 1, 3])
    assert np.isnan(r[3])


def test_unknown_options_list_allowed_values():
    with pytest.raises(ValueError, match="allowed: minmax, frontier, zscore"):
        normalise(np.ones((2, 1)), np.ones(1), "rank")
    with pytest.raises(ValueError, match="allowed: arithmetic, geometric"):
        composite(np.ones((2, 1)), np.ones(1), np.ones((1, 1)), np.ones(1), "harmonic")


# ---------------------------------------------------------------------------- invariants

matrices = arrays(
    float,
    st.tuples(st.integers(2, 12), st.integers(1, 5)),
    elements=st.floats(-1e3, 1e3, allow_nan=False),
)


@settings(max_examples=60, deadline=None)
@given(x=matrices, method=st.sampled_from(["minmax", "frontier"]),
       agg=st.sampled_from(["arithmetic", "geometric"]), seed=st.integers(0, 10))  # fmt: skip
def test_index_stays_in_bounds(x, method, agg, seed):
    rng = np.random.default_rng(seed)
    k = x.shape[1]
    x = np.where(rng.random(x.shape) < 0.2, np.nan, x)
    s = normalise(x, rng.choice([-1, 1], k), method)
    assert np.all((s[~np.isnan(s)] >= 0) & (s[~np.isnan(s)] <= 100))
    g = group_matrix([f"p{i % 2}" for i in range(k)], ["p0", "p1"])
    comp, _ = composite(s, rng.random(k) + 0.01, g, rng.random(2) + 0.01, agg)
    ok = ~np.isnan(comp)
    assert np.all((comp[ok] >= -1e-9) & (comp[ok] <= 100 + 1e-9))


@settings(max_examples=60, deadline=None)
@given(x=arrays(float, st.tuples(st.integers(3, 10), st.just(3)),
                elements=st.floats(0, 1, allow_nan=False)),
       new=arrays(float, 3, elements=st.floats(0, 1, allow_nan=False)))  # fmt: skip
def test_fixed_frontier_rank_unaffected_by_an_added_country(x, new):
    d = np.ones(3)
    fr, fl = np.ones(3), np.zeros(3)
    g = group_matrix(["a", "a", "b"], ["a", "b"])
    w, v = np.array([1.0, 2.0, 1.0]), np.array([1.0, 1.0])
    before, _ = composite(normalise(x, d, "frontier", frontier=fr, floor=fl), w, g, v)
    x2 = np.vstack([x, new])
    after, _ = composite(normalise(x2, d, "frontier", frontier=fr, floor=fl), w, g, v)
    np.testing.assert_allclose(after[:-1], before, atol=TOL)  # same scores
    np.testing.assert_array_equal(rank_desc(after[:-1]), rank_desc(before))  # same order


def _toy(n=30, k=4, seed=1):
    rng = np.random.default_rng(seed)
    x = rng.random((n, k))
    return x, np.ones(k), np.ones(k), group_matrix(["a", "a", "b", "b"][:k], ["a", "b"]), np.ones(2)


def test_zero_noise_gives_zero_rank_spread():
    x, d, w, g, v = _toy()
    s = monte_carlo(x, d, w, g, v, noise=0.0, draws=200, seed=3)
    np.testing.assert_array_equal(s.rank_p05, s.rank_p95)
    assert set(s.most_influential) == {"none"}


def test_same_seed_same_result_different_seed_different_draws():
    x, d, w, g, v = _toy()
    kw = dict(normalisations=("minmax", "zscore", "frontier"),
              aggregations=("arithmetic", "geometric"), noise=0.25, draws=300)  # fmt: skip
    a = monte_carlo(x, d, w, g, v, seed=7, **kw)
    b = monte_carlo(x, d, w, g, v, seed=7, **kw)
    c = monte_carlo(x, d, w, g, v, seed=8, **kw)
    np.testing.assert_array_equal(a.ranks, b.ranks)
    assert a.most_influential == b.most_influential
    assert not np.array_equal(a.ranks, c.ranks)


def test_vectorised_draws_equal_a_per_draw_loop():
    x, d, w, g, v = _toy(n=15)
    s = monte_carlo(x, d, w, g, v, normalisations=("minmax", "zscore"),
                    aggregations=("arithmetic", "geometric"), draws=50, seed=2)  # fmt: skip
    rng = np.random.default_rng(2)
    uw = rng.uniform(-0.25, 0.25, (50, 4))
    uv = rng.uniform(-0.25, 0.25, (50, 2))
    for i in range(50):
        sc = normalise(x, d, s.normalisation[i])
        if s.normalisation[i] == "zscore" and s.aggregation[i] == "geometric":
            sc = sc - min(sc.min(), 0)
        comp, _ = composite(sc, w * (1 + uw[i]), g, v * (1 + uv[i]), s.aggregation[i])
        np.testing.assert_array_equal(rank_desc(comp), s.ranks[i])


def test_sensitivity_names_the_factor_that_moves_ranks():
    x, d, w, g, v = _toy()
    s = monte_carlo(x, d, w, g, v, normalisations=("minmax",), aggregations=("arithmetic",),
                    noise=0.5, draws=400, seed=0, group_names=("a", "b"))  # fmt: skip
    assert "normalisation" not in set(s.most_influential)
    assert (s.influence["normalisation"] < 1e-12).all()
    assert (s.rank_p95 >= s.median_rank).all() and (s.median_rank >= s.rank_p05).all()


# ------------------------------------------------------------------------------ the spec


def test_default_specs_load():
    idx = cfg.load(kind="index")
    sel = cfg.load(kind="selection")
    assert idx.group_names == ("economic", "security", "diplomatic", "people")
    assert sel.group_names == ("growth", "size", "strategic", "governance")
    assert {i.source for i in idx.indicators} <= set(cfg.INDEX_SOURCES)
    assert {i.source for i in sel.indicators} <= set(cfg.SELECTION_SOURCES)


@pytest.mark.parametrize(
    ("old", "new", "match"),
    [
        ('normalisation = "minmax"', 'normalisation = "rank"',
         r"compute\.normalisation: 'rank' not allowed; allowed: minmax, frontier, zscore"),
        ('aggregation = "arithmetic"', 'aggregation = "median"',
         r"compute\.aggregation: .* allowed: arithmetic, geometric"),
        ('direction = "+"', 'direction = "up"', r"indicators\[0\]\.direction: .* allowed: \+, -"),
        ('pillar = "economic"', 'pillar = "economy"', r"indicators\[0\]\.pillar: .*allowed: economic"),
        ('source = "trade_share_exports"', 'source = "gdp"', r"indicators\[0\]\.source"),
        ('version = "1"', 'version = "9"', r"version: '9' not supported"),
        ("weight_noise = 0.25", "weight_noise = 2", r"sensitivity\.weight_noise"),
        ('set = "all"', 'set = "MARS"', r"comparison\.set: 'MARS' not allowed"),
        ("[compute]", "[compute]\nspeed = 1", r"compute: unknown keys \['speed'\]"),
    ],
)  # fmt: skip
def test_config_errors_name_file_and_key(tmp_path, old, new, match):
    text = cfg.default_path("index").read_text()
    assert old in text
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace(old, new, 1))
    with pytest.raises(cfg.ConfigError, match=match) as exc:
        cfg.load(bad, kind="index")
    assert str(bad) in str(exc.value)


def test_config_not_toml_and_missing(tmp_path):
    p = tmp_path / "x.toml"
    p.write_text("version = = 1")
    with pytest.raises(cfg.ConfigError, match="not valid TOML"):
        cfg.load(p)
    with pytest.raises(cfg.ConfigError, match="no such config file"):
        cfg.load(tmp_path / "nope.toml")


# -------------------------------------------------------------- the index on the real data


@pytest.fixture(scope="module")
def usa_jpn(real_warehouse):
    from article2.index.presence import presence_ranking

    return presence_ranking("USA+JPN", spec=cfg.load(), draws=200, seed=0, path=real_warehouse)


@pytest.mark.snapshot
def test_presence_index_table(usa_jpn):
    t = usa_jpn.table
    assert not t["iso3"].isin(["USA", "JPN"]).any()  # actors excluded
    scored = t.dropna(subset=["score"])
    assert len(scored) > 150
    assert scored["score"].between(0, 100).all()
    assert (scored["rank_p05"] <= scored["rank_p95"]).all()
    assert usa_jpn.notes[0].startswith("index year 2014")
    assert usa_jpn.indicators["source_id"].str.len().gt(0).all()


@pytest.mark.snapshot
def test_all_weight_on_one_indicator_reproduces_its_ranking(real_warehouse):
    from article2.index.presence import presence_ranking

    spec = cfg.load().with_weights(imports_share=1.0, exports_share=0.0, defence_pact=0.0,
                                   any_alliance=0.0, shared_igos=0.0, agreements=0.0,
                                   us_assistance=0.0, us_goods_trade=0.0, emigrants_share=0.0,
                                   students_share=0.0)  # fmt: skip
    from dataclasses import replace

    spec = replace(spec, groups=(("economic", 1.0), ("security", 0.0), ("diplomatic", 0.0),
                                 ("people", 0.0)), winsorise=(0.0, 1.0))  # fmt: skip
    r = presence_ranking("USA+JPN", spec=spec, path=real_warehouse)
    from article2.index import inputs

    raw = inputs.presence_inputs("USA+JPN", 2014, path=real_warehouse)
    share = raw[raw["indicator"] == "trade_share_imports"].set_index("iso3")["value"]
    t = r.table.dropna(subset=["rank"]).set_index("iso3")
    expected = rank_desc(share.reindex(t.index).to_numpy())
    np.testing.assert_array_equal(t["rank"].to_numpy(), expected)


@pytest.mark.snapshot
def test_trade_share_matches_raw_cow_file(real_warehouse, real_snapshot):
    """USA+JPN share of Vietnam's 2014 imports, recomputed from the raw COW file."""
    from article2.index import inputs

    path = real_snapshot / "cow_trade" / "cow_dyadic_trade_4.0.csv.gz"
    vnm, partners = "816", {"2", "740"}  # COW codes: Vietnam; USA, Japan
    flows: dict[str, float] = {}
    with gzip.open(path, "rt", newline="") as fh:
        for row in csv.DictReader(fh):
            # each pair is listed in both orders: read Vietnam's imports (flow1) once per partner
            if row["year"] == "2014" and row["ccode1"] == vnm and float(row["flow1"]) >= 0:
                flows[row["ccode2"]] = float(row["flow1"])
    tot = sum(flows.values())
    act = sum(v for k, v in flows.items() if k in partners)
    raw = inputs.presence_inputs("USA+JPN", 2014, path=real_warehouse)
    got = raw[(raw["iso3"] == "VNM") & (raw["indicator"] == "trade_share_imports")]["value"]
    assert got.iloc[0] == pytest.approx(act / tot, rel=TOL)
