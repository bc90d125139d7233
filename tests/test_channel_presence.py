"""The channels' inputs of the composite index (:mod:`article2.measures.channel_presence`,
:func:`article2.index.inputs.channel_inputs`): equal to the per-country channel measures of the
profile (:mod:`article2.measures.channels`) and to the raw UN DESA file; absent, never zero,
for actors the data do not cover.

Tolerances: 1e-12 relative between the index inputs and the profile's channel measures (the
same numbers, summed in a different order); 1e-9 against the raw file.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

pytestmark = pytest.mark.snapshot

YEAR = 2014
COUNTRIES = ("VNM", "MMR", "IND", "KOR", "PHL", "MEX", "NGA", "DEU")


@pytest.fixture(scope="module")
def channels(real_warehouse):
    from article2.measures.channels import build_channels

    return {c: build_channels(c, path=real_warehouse) for c in COUNTRIES}


@pytest.fixture(scope="module")
def inputs_of(real_warehouse):
    from article2.index import inputs

    cache: dict[str, pd.DataFrame] = {}

    def get(actor: str) -> pd.DataFrame:
        if actor not in cache:
            cache[actor] = inputs.presence_inputs(actor, YEAR, path=real_warehouse)
        return cache[actor]

    return get


def _value(long: pd.DataFrame, iso3: str, indicator: str) -> float | None:
    hit = long[(long["iso3"] == iso3) & (long["indicator"] == indicator)]
    return None if hit.empty else float(hit["value"].iloc[0])


def test_us_inputs_equal_the_profiles_channel_measures(channels, inputs_of):
    long = inputs_of("USA")
    checked = 0
    for c, ch in channels.items():
        for indicator, table, measure in (
            ("us_aid_pct_gdp", "us_aid", "us_aid_obligations_pct_gdp"),
            ("us_goods_trade_pct_gdp", "us_trade", "us_goods_trade_pct_gdp"),
        ):
            want = ch.value(table, measure, YEAR)
            got = _value(long, c, indicator)
            if want is None:
                assert got is None, (c, indicator)
                continue
            assert got == pytest.approx(want, rel=1e-12), (c, indicator)
            checked += 1
    assert checked >= 10


@pytest.mark.parametrize("actor", ["USA", "JPN", "USA+JPN"])
def test_students_share_equals_the_profiles_student_shares(channels, inputs_of, actor):
    long = inputs_of(actor)
    parts = ("USA", "JPN") if actor == "USA+JPN" else (actor,)
    for c, ch in channels.items():
        shares = [ch.value("students", "students_in_partner_share", YEAR, p) for p in parts]
        got = _value(long, c, "students_share")
        if any(s is None for s in shares):
            continue
        assert got == pytest.approx(sum(s for s in shares if s is not None), rel=1e-12), c


def test_migrants_share_equals_the_un_desa_file(inputs_of, real_snapshot):
    """Vietnam-born people in the United States in 2010 (the latest UN DESA year at or before
    2014) as a share of all Vietnam-born people living in another country, from the raw
    file (its five region rows left out)."""
    path = real_snapshot / "undesa_migrant_stock" / (
        "UN_MigrantStockByOriginAndDestination_2019_clean.csv.gz")
    raw = pd.read_csv(path, dtype=str)
    regions = {"Caribbean", "Melanesia", "Micronesia", "Polynesia", "South America"}
    raw = raw[(raw["Year"] == "2010") & ~raw["Dest"].isin(regions | {"Viet Nam"})]
    v = pd.to_numeric(raw["Viet Nam"].str.replace(",", "").str.strip(), errors="coerce")
    by = pd.Series(v.to_numpy(), index=raw["Dest"]).dropna()
    want = 100 * by["United States of America"] / by.sum()
    long = inputs_of("USA")
    hit = long[(long["iso3"] == "VNM") & (long["indicator"] == "migrants_share")]
    assert int(hit["year"].iloc[0]) == 2010
    assert float(hit["value"].iloc[0]) == pytest.approx(want, rel=1e-9)


def test_migrants_share_of_an_alliance_is_the_sum_of_its_members(inputs_of):
    both, usa, jpn = (inputs_of(a) for a in ("USA+JPN", "USA", "JPN"))
    for c in COUNTRIES:
        u, j, s = (_value(t, c, "migrants_share") for t in (usa, jpn, both))
        assert s == pytest.approx((u or 0.0) + (j or 0.0), rel=1e-12), c


@pytest.mark.parametrize(("actor", "absent"), [
    ("CHN", {"students_share", "us_aid_pct_gdp", "us_goods_trade_pct_gdp"}),
    ("EU", {"students_share", "us_aid_pct_gdp", "us_goods_trade_pct_gdp"}),
    ("JPN", {"us_aid_pct_gdp", "us_goods_trade_pct_gdp"}),
])  # fmt: skip
def test_inputs_the_data_cannot_hold_are_absent_not_zero(inputs_of, real_warehouse, actor,
                                                         absent):
    from article2.index.presence import presence_ranking

    long = inputs_of(actor)
    assert not set(long["indicator"]) & absent
    assert "migrants_share" in set(long["indicator"])
    r = presence_ranking(actor, YEAR, path=real_warehouse)
    said = " ".join(r.notes)
    for m in ("students_in_actor_share",) if "students_share" in absent else ():
        assert f"{m}: no value for {actor}" in said
    assert set(r.indicators["indicator"]) & {"students_share", "us_assistance"} == (
        set() if actor != "JPN" else {"students_share"})


def test_catalogue_refuses_an_actor_the_data_do_not_cover(real_warehouse):
    from article2 import warehouse
    from article2.measures import catalogue

    wh = warehouse.open_warehouse(real_warehouse)
    with pytest.raises(ValueError, match=r"students_in_actor_share has no value for CHN.*"):
        catalogue.table(wh, "students_in_actor_share", YEAR, actor="CHN")
    with pytest.raises(ValueError, match=r"BGR, CYP, HRV, MLT, ROU"):
        catalogue.table(wh, "students_in_actor_share", YEAR, actor="EU")
    with pytest.raises(ValueError, match="actor must be USA"):
        catalogue.table(wh, "us_aid_obligations_pct_gdp", YEAR, actor="JPN")
    t = catalogue.table(wh, "us_aid_obligations_pct_gdp", YEAR)
    assert np.isfinite(t["value"]).all() and len(t) > 100
