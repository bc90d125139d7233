"""Profile figures recomputed directly from the raw files of the snapshot.

Tolerance: relative 1e-9. The test reads the same raw numbers with pandas and maps codes with
:mod:`article2.countries`, so the only difference allowed is floating-point summation order.
COW flows are in USD millions in the raw file (the warehouse stores USD); -9 means missing.
"""

from __future__ import annotations

import gzip

import numpy as np
import pandas as pd
import pytest

from article2 import countries
from article2.profiles import build_profile

pytestmark = pytest.mark.snapshot
RTOL = 1e-9


@pytest.fixture(scope="module")
def cow_raw(real_snapshot) -> pd.DataFrame:
    path = real_snapshot / "cow_trade" / "cow_dyadic_trade_4.0.csv.gz"
    with gzip.open(path, "rt") as fh:
        df = pd.read_csv(fh, usecols=["ccode1", "ccode2", "year", "flow1", "flow2"])
    return df[df["year"].isin([2004, 2009, 2014])].reset_index(drop=True)


@pytest.fixture(scope="module")
def comtrade_raw(real_snapshot) -> pd.DataFrame:
    path = real_snapshot / "comtrade_penppml" / "trade.csv.gz"
    with gzip.open(path, "rt") as fh:
        df = pd.read_csv(fh, usecols=["exp", "imp", "time", "export"], keep_default_na=False,
                         na_values=[""])  # fmt: skip
    return df[df["time"] == 2012].reset_index(drop=True)


def _cow_flows(raw: pd.DataFrame, iso3: str, year: int) -> pd.DataFrame:
    """Partner flows of ``iso3`` from the COW rows where it is state 1 (flow1 = its imports
    from state 2, flow2 = its exports to state 2)."""
    y = raw[raw["year"] == year]
    code1 = countries.map_codes(y["ccode1"].astype(str), "cow", years=y["year"]).iso3
    y = y[code1.to_numpy() == iso3]
    partner = countries.map_codes(y["ccode2"].astype(str), "cow", years=y["year"]).iso3
    out = pd.DataFrame(
        {
            "partner": partner.to_numpy(),
            "imports": y["flow1"].where(y["flow1"] >= 0).to_numpy() * 1e6,
            "exports": y["flow2"].where(y["flow2"] >= 0).to_numpy() * 1e6,
        }
    )
    return out[out["partner"].notna()]


def _fig(p, actor, channel):
    return next(f for f in p.figures if f.section == "trade" and f.actor == actor
                and f.channel == channel)  # fmt: skip


@pytest.mark.parametrize("iso3", ["VNM", "MMR"])
def test_cow_shares_match_raw_file(real_warehouse, cow_raw, iso3):
    p = build_profile(iso3, year=2014, trade_source="cow", path=real_warehouse)
    flows = _cow_flows(cow_raw, iso3, 2014)
    for channel in ("imports", "exports"):
        col = flows[["partner", channel]].dropna()
        total = col[channel].sum()
        for actor in ("USA", "JPN", "CHN"):
            level = col.loc[col["partner"] == actor, channel].sum()
            f = _fig(p, actor, channel)
            assert f.value == pytest.approx(level, rel=RTOL)
            assert f.share == pytest.approx(level / total, rel=RTOL)
            assert f.source_ids == ("cow_trade/cow_dyadic_trade_4.0.csv.gz",)
        both = col.loc[col["partner"].isin(["USA", "JPN"]), channel].sum() / total
        assert _fig(p, "USA+JPN", channel).share == pytest.approx(both, rel=RTOL)
        eu = countries.group_members("EU", 2014)
        eu_share = col.loc[col["partner"].isin(eu), channel].sum() / total
        assert _fig(p, "EU", channel).share == pytest.approx(eu_share, rel=RTOL)


def test_cow_five_and_ten_year_changes_match_raw_file(real_warehouse, cow_raw):
    p = build_profile("VNM", year=2014, trade_source="cow", path=real_warehouse)
    f = _fig(p, "CHN", "imports")
    assert (f.base_year_5y, f.base_year_10y) == (2009, 2004)
    shares = {}
    for y in (2004, 2009, 2014):
        col = _cow_flows(cow_raw, "VNM", y)[["partner", "imports"]].dropna()
        shares[y] = col.loc[col["partner"] == "CHN", "imports"].sum() / col["imports"].sum()
    assert f.share_delta_5y == pytest.approx(shares[2014] - shares[2009], rel=RTOL)
    assert f.share_delta_10y == pytest.approx(shares[2014] - shares[2004], rel=RTOL)


@pytest.mark.parametrize("iso3", ["VNM", "MMR"])
def test_comtrade_shares_match_raw_file(real_warehouse, comtrade_raw, iso3):
    p = build_profile(iso3, year=2012, trade_source="comtrade", path=real_warehouse)
    raw = comtrade_raw.dropna(subset=["export"])
    status_exp = countries.map_codes(raw["exp"], "iso3").status.to_numpy()
    status_imp = countries.map_codes(raw["imp"], "iso3").status.to_numpy()
    raw = raw[(status_exp == "country") & (status_imp == "country")]
    for channel, own, other in (("imports", "imp", "exp"), ("exports", "exp", "imp")):
        mine = raw[raw[own] == iso3]
        total = mine["export"].sum()
        for actor in ("USA", "JPN", "CHN"):
            level = mine.loc[mine[other] == actor, "export"].sum()
            f = _fig(p, actor, channel)
            assert f.value == pytest.approx(level, rel=RTOL)
            assert f.share == pytest.approx(level / total, rel=RTOL)
            assert f.source_ids == ("comtrade_penppml/trade.csv.gz",)


def test_exposure_china_share_agrees_with_presence(real_warehouse):
    """The SQL path (all countries) and the per-target path give the same China shares."""
    p = build_profile("VNM", year=2014, path=real_warehouse)
    exp = {e.measure: e for e in p.exposure}
    assert exp["china_share_imports"].value == pytest.approx(_fig(p, "CHN", "imports").share,
                                                             rel=RTOL)  # fmt: skip
    assert exp["china_share_exports"].value == pytest.approx(_fig(p, "CHN", "exports").share,
                                                             rel=RTOL)  # fmt: skip
    assert 0 <= exp["china_share_imports"].percentile <= 100
    gdp = next(f for f in p.figures if f.channel == "GDP").value
    assert gdp is not None


def test_chinese_finance_matches_raw_file(real_warehouse, real_snapshot):
    raw = pd.read_csv(real_snapshot / "aiddata_gcdf" / "cow_gcdf.csv")
    vnm = raw[(raw["ccode"] == 816) & (raw["year"] == 2015)]
    p = build_profile("VNM", year=2015, path=real_warehouse)
    fin = {f.channel: f for f in p.figures if f.section == "finance" and f.actor == "CHN"}
    assert fin["ODA-like"].value == pytest.approx(float(vnm["oda_amt"].iloc[0]), rel=RTOL)
    assert fin["OOF-like"].value == pytest.approx(float(vnm["oof_amt"].iloc[0]), rel=RTOL)
    others = [f for f in p.figures if f.section == "finance" and f.actor != "CHN"]
    assert others and all(f.value is None and f.note == "no data in this snapshot"
                          for f in others)  # fmt: skip


def test_no_chinese_finance_record_is_not_zero(real_warehouse):
    p = build_profile("KOR", year=2015, path=real_warehouse)
    fin = [f for f in p.figures if f.section == "finance" and f.actor == "CHN"
           and not f.channel.startswith("total")]  # fmt: skip
    assert all(f.value is None and f.note == "no record" for f in fin)


def test_unknown_code_and_year_messages(real_warehouse):
    from article2.profiles import UnknownCountryError, YearOutOfCoverageError

    with pytest.raises(UnknownCountryError, match="VNM"):
        build_profile("viet", path=real_warehouse)
    with pytest.raises(YearOutOfCoverageError, match="trade_cow 1870–2014"):
        build_profile("VNM", year=2090, path=real_warehouse)
    with pytest.raises(ValueError, match="allowed: cow, comtrade"):
        build_profile("VNM", trade_source="baci", path=real_warehouse)  # type: ignore[arg-type]
    p = build_profile("VNM", year=2014, trade_source="comtrade", path=real_warehouse)
    assert p.years["trade"] is None and any("2012, 2016" in n for n in p.notes)


def test_profile_is_frozen_and_serialises(real_warehouse):
    import dataclasses
    import json

    p = build_profile("VNM", path=real_warehouse)
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.iso3 = "X"  # type: ignore[misc]
    d = json.loads(json.dumps(p.to_dict()))
    usa = d["presence"]["trade"]["USA"]["exports"]
    assert {"value", "unit", "share", "year", "source_ids"} <= set(usa)
    frame = p.to_frame()
    assert frame["source_ids"].str.len().gt(0).sum() > 0.8 * len(frame)
    assert not np.isnan(frame.loc[frame["section"] == "trade", "share"]).any()
