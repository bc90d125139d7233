"""Case-study selection on the real snapshot.

Tolerances: projected growth is recomputed from the raw Gapminder files to 1e-9 relative
(same formula, same numbers); contributions must add up to score − mean score to 1e-9.
"""

from __future__ import annotations

import csv
import json
from dataclasses import replace

import numpy as np
import pytest

from article2.index import config as cfg

TOL = 1e-9
pytestmark = pytest.mark.snapshot


@pytest.fixture(scope="module")
def ranking(real_warehouse):
    from article2.index.selection import selection_ranking

    return selection_ranking(draws=300, seed=0, path=real_warehouse)


def _gapminder(snapshot, name, geo):
    path = snapshot / "gapminder" / f"ddf--datapoints--{name}--by--country--time.csv"
    with path.open(newline="") as fh:
        return {int(r["time"]): float(r[name]) for r in csv.DictReader(fh) if r["country"] == geo}


def test_growth_matches_raw_gapminder_for_vietnam(ranking, real_snapshot, real_warehouse):
    from article2 import warehouse
    from article2.index import inputs

    p0 = int(warehouse.query("SELECT max(year) AS y FROM country_year WHERE indicator = 'gdp_usd'",
                             path=real_warehouse)["y"].iloc[0]) + 1  # fmt: skip
    gdp = _gapminder(real_snapshot, "gdp_pcap", "vnm")
    pop = _gapminder(real_snapshot, "pop", "vnm")
    raw = inputs.selection_inputs(["VNM"], 2014, path=real_warehouse).set_index("indicator")
    for h in (10, 20):
        expected = (gdp[p0 + h] * pop[p0 + h] / (gdp[p0] * pop[p0])) ** (1 / h) - 1
        assert raw.loc[f"gdp_growth_{h}y", "value"] == pytest.approx(expected, rel=TOL)


def test_candidates_exclude_actors_and_cover_the_case_countries(ranking):
    t = ranking.table
    assert not t["iso3"].isin(["USA", "JPN", "CHN"]).any()
    scored = t.dropna(subset=["rank"])
    assert {"MMR", "VNM", "IND", "KOR"} <= set(scored["iso3"])
    assert scored["score"].between(0, 100).all()
    assert (scored["rank_p05"] <= scored["median_rank"]).all()
    assert (scored["median_rank"] <= scored["rank_p95"]).all()


def test_contributions_add_up_to_distance_from_mean(ranking):
    crit = ["growth", "size", "strategic", "governance"]
    t = ranking.table.dropna(subset=["score"]).set_index("iso3")
    full = t[t[crit].notna().all(axis=1)]
    total = ranking.contributions.groupby("iso3")["contribution"].sum().reindex(full.index)
    expected = full["score"] - t[crit].mean().mean()  # equal weights: S_c − Σ_p mean_p / 4
    np.testing.assert_allclose(total.to_numpy(), expected.to_numpy(), atol=TOL * 100)


def test_criterion_weight_moves_results_as_documented(real_warehouse):
    """All weight on size reproduces the ranking by log GDP."""
    from article2.index import inputs
    from article2.index.aggregate import rank_desc
    from article2.index.selection import selection_ranking

    spec = cfg.load(kind="selection")
    spec = replace(spec, groups=tuple((g, 1.0 if g == "size" else 0.0) for g, _ in spec.groups))
    r = selection_ranking(spec=spec, draws=0, path=real_warehouse)
    t = r.table.dropna(subset=["rank"]).set_index("iso3")
    t = t[t["size"].notna()]
    raw = inputs.selection_inputs(list(t.index), 2014, path=real_warehouse)
    size = raw[raw["indicator"] == "gdp_log"].set_index("iso3")["value"].reindex(t.index)
    np.testing.assert_array_equal(t["rank"].rank(method="min").to_numpy(),
                                  rank_desc(size.to_numpy()))  # fmt: skip


@pytest.fixture
def real_home(real_warehouse, monkeypatch):
    monkeypatch.setenv("ARTICLE2_HOME", str(real_warehouse.parent))
    return real_warehouse.parent


def test_api_rank_and_cli(real_home):
    from typer.testing import CliRunner

    from article2 import api
    from article2.cli import app

    frame = api.rank(draws=100)
    for col in ("iso3", "name", "score", "rank", "median_rank", "rank_p05", "rank_p95",
                "most_influential"):  # fmt: skip
        assert col in frame.columns
    one = api.rank("VNM", draws=100)
    assert list(one["criterion"]) == ["growth", "size", "strategic", "governance"]
    assert one["rank"].nunique() == 1
    with pytest.raises(ValueError, match="not among the"):
        api.rank("DEU", draws=10)
    out = CliRunner().invoke(app, ["rank", "--draws", "50", "--format", "json"])
    assert out.exit_code == 0, out.output
    rows = json.loads(out.stdout)
    assert rows[0]["rank"] == 1
    out = CliRunner().invoke(app, ["index", "--actor", "JPN", "--draws", "0", "--format", "csv"])
    assert out.exit_code == 0 and out.stdout.startswith("iso3,name,actor,score")
    chart = api.rank_chart(frame).to_dict()
    assert chart["layer"]
