"""Invariants of the pure indicator functions (hypothesis): shares of all partners sum to 1,
HHI in [1/n, 1], USA+JPN share = USA share + JPN share over the same denominator, results
unchanged when input rows are shuffled, alignment measures within their bounds.

Tolerance: 1e-9 absolute on sums of shares (floating-point summation only)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from article2.indicators import alignment as al
from article2.indicators import coercion as co
from article2.indicators import presence as pr

PARTNERS = ["USA", "JPN", "CHN", "DEU", "FRA", "KOR", "IND", "AUS"]
flows_strategy = st.lists(
    st.tuples(
        st.sampled_from(PARTNERS),
        st.integers(2000, 2003),
        st.floats(0, 1e12, allow_nan=False, allow_infinity=False),
    ),
    min_size=1,
    max_size=40,
    unique_by=lambda r: (r[0], r[1]),
)


def _frame(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["partner", "year", "value"])


def _members(years) -> pd.DataFrame:
    rows = []
    for y in years:
        rows += [("USA", y, "USA"), ("JPN", y, "JPN"), ("CHN", y, "CHN")]
        rows += [("EU", y, "DEU"), ("EU", y, "FRA")]
        rows += [("USA+JPN", y, "USA"), ("USA+JPN", y, "JPN")]
    return pd.DataFrame(rows, columns=["actor", "year", "iso3"])


@given(flows_strategy)
def test_shares_of_all_partners_sum_to_one(rows):
    out = pr.partner_shares(_frame(rows))
    for _, g in out.groupby("year"):
        if g["total"].iloc[0] > 0:
            assert g["share"].sum() == pytest.approx(1.0, abs=1e-9)
        else:
            assert g["share"].isna().all()


@given(st.lists(st.floats(0, 1e12, allow_nan=False), min_size=1, max_size=50))
def test_hhi_is_between_one_over_n_and_one(values):
    h = pr.hhi(values)
    n = sum(v > 0 for v in values)
    if n == 0:
        assert np.isnan(h)
    else:
        assert 1 / n - 1e-12 <= h <= 1 + 1e-12


@given(flows_strategy)
def test_alliance_share_is_sum_of_member_shares(rows):
    f = _frame(rows)
    out = pr.actor_flows(f, _members(sorted(f["year"].unique())))
    s = out.set_index(["actor", "year"])["share"]
    for y in f["year"].unique():
        a, u, j = s[("USA+JPN", y)], s[("USA", y)], s[("JPN", y)]
        if np.isnan(a):
            assert np.isnan(u) and np.isnan(j)
        else:
            assert a == pytest.approx(u + j, abs=1e-9)


@settings(max_examples=50)
@given(flows_strategy, st.randoms(use_true_random=False))
def test_results_unchanged_when_rows_are_shuffled(rows, rnd):
    f = _frame(rows)
    shuffled = f.sample(frac=1.0, random_state=rnd.randint(0, 2**31)).reset_index(drop=True)
    m = _members(sorted(f["year"].unique()))
    pd.testing.assert_frame_equal(pr.partner_shares(f), pr.partner_shares(shuffled))
    pd.testing.assert_frame_equal(
        pr.actor_flows(f, m), pr.actor_flows(shuffled, m.sample(frac=1.0, random_state=1)),
        check_exact=False, rtol=1e-12,
    )  # fmt: skip
    assert pr.hhi(f["value"]) == pytest.approx(pr.hhi(shuffled["value"]), rel=1e-12,
                                               nan_ok=True)  # fmt: skip


shares_st = st.floats(0, 1, allow_nan=False)


@given(shares_st, shares_st, shares_st)
def test_alignment_measures_are_bounded(s_u, s_j, s_c):
    o = al.overlap(s_u, s_j)
    assert 0 <= o <= min(s_u, s_j) + 1e-15
    k = al.complementarity(s_u, s_j)
    assert np.isnan(k) or 0 <= k <= 1
    b = al.balance(s_u + s_j, s_c)
    assert np.isnan(b) or 0 <= b <= 1
    # relabelling the two allies does not change overlap or complementarity
    assert al.overlap(s_j, s_u) == o
    assert al.complementarity(s_j, s_u) == k or (np.isnan(k) and np.isnan(al.complementarity(s_j, s_u)))


def test_align_trend_and_pattern():
    shares = {
        "USA": {2004: 0.1, 2009: 0.1, 2014: 0.2},
        "JPN": {2004: 0.1, 2009: 0.1, 2014: 0.0},
        "CHN": {2004: 0.2, 2009: 0.2, 2014: 0.2},
        "USA+JPN": {2004: 0.2, 2009: 0.2, 2014: 0.2},
    }
    a = al.align("imports", 2014, shares, {"USA": 1.5, "JPN": 0.0})
    assert a.balance == 0.5 and a.balance_change_5y.delta == 0.0
    assert a.balance_change_10y.base_year == 2004
    assert a.pattern == "USA strong, JPN weak" and a.lead == "USA"
    assert a.complementarity == 1.0 and a.overlap == 0.0


def test_change_uses_latest_year_at_or_before_the_lag():
    c = pr.change({2004: 1.0, 2008: 2.0, 2012: 3.0, 2016: 6.0}, 2016, 5)
    assert (c.base_year, c.delta, c.growth) == (2008, 4.0, 2.0)
    assert pr.change({2016: 1.0}, 2016, 5).base_year is None


def test_intensity_and_percentile_known_values():
    assert pr.intensity(0.2, 10.0, 100.0) == pytest.approx(2.0)
    assert np.isnan(pr.intensity(0.2, 0.0, 100.0))
    assert co.percentile(3.0, [1.0, 2.0, 3.0, 4.0]) == 75.0
    assert pr.bandwidth(np.expm1(5.0), 0.0, 10.0) == pytest.approx(0.5)


def test_exposure_measures_from_sums():
    sums = pd.DataFrame(
        {"iso3": ["VNM", "CHN"], "m_total": [10.0, 5.0], "m_chn": [4.0, 0.0],
         "m_sumsq": [4**2 + 6**2, 25.0], "x_total": [8.0, 5.0], "x_chn": [2.0, 0.0],
         "x_sumsq": [2**2 + 6**2, 25.0], "gdp": [100.0, 1000.0],
         "cn_finance": [1.0, np.nan], "gdp_finance": [200.0, np.nan]}
    )  # fmt: skip
    out = co.exposure_measures(sums)
    assert out.loc["VNM", "china_share_imports"] == 0.4
    assert out.loc["VNM", "hhi_import_partners"] == pytest.approx(0.52)
    assert out.loc["VNM", "exports_to_china_pct_gdp"] == pytest.approx(2.0)
    assert out.loc["VNM", "china_finance_pct_gdp"] == pytest.approx(0.5)
    assert np.isnan(out.loc["CHN", "china_share_imports"])


def test_bad_input_names_the_missing_column():
    with pytest.raises(ValueError, match="partner"):
        pr.partner_shares(pd.DataFrame({"year": [1], "value": [1.0]}))
