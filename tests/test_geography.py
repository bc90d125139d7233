"""Distance between capitals, internal distance and contiguity of the gravity panels.

References and tolerances:
- distances: the haversine formula computed here by hand with :mod:`math` from the raw
  ``peace_science/cow_capitals.csv.gz`` coordinates (R = 6371.0088 km), relative 1e-9; the
  pure function against the spherical law of cosines (an independent formula), relative 1e-6
  for points more than 1 km apart;
- contiguity: known pairs of COW direct contiguity 3.2 (USA–CAN and CHN–VNM share a land
  border; USA–JPN do not; CHN–JPN are separated by up to 400 miles of water, class 5): exact;
- internal distance: a quarter of the distance to the nearest foreign capital (Wei 1996),
  relative 1e-12.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from article2.models import data, geography

R = 6371.0088


def _by_hand(lat1, lng1, lat2, lng2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * R * math.asin(math.sqrt(h))


lat = st.floats(min_value=-89.0, max_value=89.0)
lng = st.floats(min_value=-180.0, max_value=180.0)


@settings(max_examples=200, deadline=None)
@given(lat, lng, lat, lng)
def test_haversine_matches_law_of_cosines(a, b, c, d):
    h = float(geography.haversine_km(a, b, c, d))
    assert h == pytest.approx(float(geography.haversine_km(c, d, a, b)), rel=1e-12, abs=1e-9)
    p1, p2, dl = math.radians(a), math.radians(c), math.radians(d - b)
    cosang = math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(dl)
    loc = R * math.acos(max(-1.0, min(1.0, cosang)))
    if loc > 1.0:
        assert h == pytest.approx(loc, rel=1e-6)
    assert 0 <= h <= math.pi * R + 1e-6


def _caps():
    return pd.DataFrame(
        {
            "iso3": ["AAA", "BBB", "CCC"],
            "capital": ["a", "b", "c"],
            "start_date": pd.to_datetime(["1900-01-01"] * 3),
            "end_date": pd.to_datetime(["2024-12-31"] * 3),
            "lat": [0.0, 0.0, 10.0],
            "lng": [0.0, 1.0, 0.0],
            "source_id": "caps.csv",
        }
    )


def test_pair_geography_conventions():
    cont = pd.DataFrame(
        {
            "iso3_a": ["AAA", "BBB", "AAA"],
            "iso3_b": ["BBB", "AAA", "CCC"],
            "conttype": [1, 1, 3],
            "start_date": pd.to_datetime(["1950-01-01", "1950-01-01", "1950-01-01"]),
            "end_date": pd.to_datetime(["2016-12-01", "2016-12-01", "2000-06-01"]),
            "source_id": "cont.csv",
        }
    )
    g = geography.pair_geography(_caps(), cont, 2020).set_index(["exporter", "importer"])
    ab = _by_hand(0, 0, 0, 1)
    assert g.loc[("AAA", "BBB"), "dist"] == pytest.approx(ab, rel=1e-12)
    assert g.loc[("AAA", "AAA"), "dist"] == pytest.approx(0.25 * ab, rel=1e-12)
    # after the table's last date, the status in force on that date
    assert g.loc[("AAA", "BBB"), "contig"] == 1 and g.loc[("BBB", "AAA"), "contig"] == 1
    assert g.loc[("AAA", "CCC"), "contig"] == 0 and g.loc[("AAA", "CCC"), "conttype"] == 0
    g2000 = geography.pair_geography(_caps(), cont, 2000).set_index(["exporter", "importer"])
    assert g2000.loc[("CCC", "AAA"), "conttype"] == 3 and g2000.loc[("CCC", "AAA"), "contig"] == 0
    assert set(g["dist_source_id"]) == {"caps.csv"} and set(g["contig_source_id"]) == {"cont.csv"}


def test_bad_tables_name_the_missing_columns():
    with pytest.raises(ValueError, match=r"capitals table lacks columns \['lat'\]"):
        geography.capitals_in_year(_caps().drop(columns="lat"), 2000)


@pytest.mark.snapshot
def test_comtrade_panel_distance_and_contiguity(real_warehouse, real_snapshot):
    raw = pd.read_csv(real_snapshot / "peace_science" / "cow_capitals.csv.gz")
    raw = raw[pd.to_datetime(raw["enddate"]) >= "2016-07-01"].set_index("statenme")
    usa, jpn = raw.loc["United States of America"], raw.loc["Japan"]
    chn, vnm = raw.loc["China"], raw.loc["Vietnam"]
    # the capital-distance geography (the fallback where GeoDist lacks a country; see
    # tests/test_geodist.py for the GeoDist geography the panel uses by default)
    panel = data.comtrade_panel((2016,), path=real_warehouse, geodist=False)
    p = panel.set_index(["exporter", "importer"])
    for (a, b), (ca, cb) in {("USA", "JPN"): (usa, jpn), ("CHN", "VNM"): (chn, vnm)}.items():
        want = _by_hand(ca["lat"], ca["lng"], cb["lat"], cb["lng"])
        assert p.loc[(a, b), "dist"] == pytest.approx(want, rel=1e-9)
        assert p.loc[(b, a), "dist"] == pytest.approx(want, rel=1e-9)
        assert p.loc[(a, b), "log_dist"] == pytest.approx(math.log(want), rel=1e-9)
    assert p.loc[("USA", "CAN"), "contig"] == 1
    assert p.loc[("CAN", "USA"), "contig"] == 1
    assert p.loc[("USA", "JPN"), "contig"] == 0
    assert p.loc[("CHN", "VNM"), "contig"] == 1
    assert p.loc[("CHN", "JPN"), "contig"] == 0 and p.loc[("CHN", "JPN"), "conttype"] == 5
    assert set(panel["contig_source_id"]) == {"peace_science/cow_contdir.csv.gz"}
    has = panel["dist"].notna()
    assert set(panel.loc[has, "dist_source_id"]) == {"peace_science/cow_capitals.csv.gz"}
    # internal distance: a quarter of the nearest foreign capital (Washington -> Ottawa)
    g = data.geography((2016,), path=real_warehouse, geodist=False)
    usa_row = g[g["exporter"] == "USA"]
    foreign = usa_row.loc[usa_row["importer"] != "USA", "dist"]
    internal = usa_row.loc[usa_row["importer"] == "USA", "dist"].item()
    assert internal == pytest.approx(0.25 * foreign.min(), rel=1e-12)
    assert usa_row.loc[usa_row["dist"] == foreign.min(), "importer"].item() == "CAN"
    assert np.all(g["dist"] > 0)
