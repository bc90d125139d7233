"""``actor_flows_panel`` (all targets at once, for the dashboard's maps) equals ``actor_flows``
(one target, as the country profile computes it) target by target.

Tolerance: 1e-12 relative — both sum the same flows; only summation order may differ.
"""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from article2.indicators.presence import actor_flows
from article2.indicators.presence_panel import actor_flows_panel

CODES = ("AAA", "BBB", "CCC", "DDD", "EEE")
MEMBERS = pd.DataFrame(
    [("A1", 2000, "AAA"), ("A1", 2001, "AAA"), ("BLOC", 2000, "BBB"), ("BLOC", 2000, "CCC"),
     ("BLOC", 2001, "BBB")],
    columns=["actor", "year", "iso3"],
)

_flow = st.tuples(
    st.sampled_from(CODES), st.sampled_from(CODES), st.sampled_from([2000, 2001]),
    st.one_of(st.just(0.0), st.floats(0, 1e9), st.just(float("nan"))),
)


@settings(max_examples=80, deadline=None)
@given(rows=st.lists(_flow, min_size=1, max_size=40, unique_by=lambda r: r[:3]))
def test_panel_equals_per_target(rows):
    flows = pd.DataFrame(rows, columns=["iso3", "partner", "year", "value"])
    flows = flows[flows["iso3"] != flows["partner"]]
    panel = actor_flows_panel(flows, MEMBERS)
    for target, part in flows.groupby("iso3"):
        want = actor_flows(part[["partner", "year", "value"]], MEMBERS)
        got = panel[panel["iso3"] == target].drop(columns="iso3").reset_index(drop=True)
        pd.testing.assert_frame_equal(got, want, check_dtype=False, rtol=1e-12)
    # shares of an actor never exceed 1 and the shares of disjoint actors sum to at most 1
    assert (panel["share"].dropna() <= 1 + 1e-12).all()


def test_missing_columns_named():
    with pytest.raises(ValueError, match="missing columns \\['iso3'\\]"):
        actor_flows_panel(pd.DataFrame({"partner": [], "year": [], "value": []}), MEMBERS)


def test_actor_without_members_in_a_year_has_no_row():
    flows = pd.DataFrame({"iso3": ["DDD"], "partner": ["AAA"], "year": [1999], "value": [1.0]})
    assert actor_flows_panel(flows, MEMBERS).empty
