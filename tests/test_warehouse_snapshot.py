"""The warehouse built from the real snapshot, checked against the raw files themselves.

Reference values are read directly from the raw files with pandas in the test (independently
of the readers). Tolerance: exact for counts; relative 1e-12 for values (unit conversions
such as COW's USD millions -> USD are exact multiplications by 10^6).
"""

from __future__ import annotations

import gzip
import json
import zipfile

import numpy as np
import pandas as pd
import pytest

from article2 import countries, warehouse

pytestmark = pytest.mark.snapshot


#: datasets the warehouse lists but does not read: real BACI rows go to the product store
#: (``article2 load-baci``), not to the warehouse
LOADED_ELSEWHERE = frozenset({"baci_sample"})


def q(path, sql, params=()):
    return warehouse.query(sql, list(params), path=path)


def _raw_rows(snapshot, file: str) -> int:
    path = snapshot / file
    if file.endswith(".dta"):
        return len(pd.read_stata(path))
    if file.endswith(".json"):
        return len(json.loads(path.read_text())["resources"])
    if file.endswith(".xls"):
        return len(pd.read_excel(path, dtype=str))
    if file.endswith(".zip"):  # one .xls inside
        with zipfile.ZipFile(path) as zf, zf.open(zf.namelist()[0]) as fh:
            return len(pd.read_excel(fh, dtype=str))

    return len(pd.read_csv(path, dtype=str, keep_default_na=False))


def test_every_manifest_file_is_a_source_with_checksum_licence_and_rows(
    real_snapshot, real_warehouse
):
    manifest = json.loads((real_snapshot / "MANIFEST.json").read_text())["files"]
    src = q(real_warehouse, "SELECT * FROM sources").set_index("source_id")
    assert set(src.index) == {f["file"] for f in manifest}
    for f in manifest:
        row = src.loc[f["file"]]
        assert row.sha256 == f["sha256"]
        assert row.license == f["license"]
        if f["dataset"] in LOADED_ELSEWHERE:
            assert row.status == "no reader", f["file"]
            continue
        assert row.status == "loaded"
        assert row.rows_loaded > 0, f["file"]


def test_loaded_plus_rejected_equals_raw_rows(real_snapshot, real_warehouse):
    src = q(real_warehouse, "SELECT * FROM sources WHERE status = 'loaded'")
    for r in src.itertuples():
        raw = _raw_rows(real_snapshot, r.source_id)
        assert r.rows_read == raw, r.source_id
        assert r.rows_loaded + r.rows_rejected == raw, r.source_id
    # and the quarantine table holds exactly the rejected rows
    qc = q(real_warehouse, "SELECT source_id, count(DISTINCT row) AS n FROM quarantine GROUP BY 1")
    merged = src.merge(qc, on="source_id", how="left").fillna({"n": 0})
    assert (merged.n == merged.rows_rejected).all()


def test_us_imports_from_vietnam_2014_cow(real_snapshot, real_warehouse):
    raw = pd.read_csv(real_snapshot / "cow_trade/cow_dyadic_trade_4.0.csv.gz")
    ref = raw[(raw.ccode1 == 2) & (raw.ccode2 == 816) & (raw.year == 2014)].flow1.item()
    got = q(
        real_warehouse,
        "SELECT value FROM dyad_year WHERE iso3_o='VNM' AND iso3_d='USA' "
        "AND year=2014 AND indicator='trade_cow'",
    ).value.item()
    assert got == pytest.approx(ref * 1e6, rel=1e-12)
    assert 25e9 < got < 40e9  # sanity: U.S. imports from Vietnam were about $30 billion


def test_china_gdp_2020_world_bank(real_snapshot, real_warehouse):
    raw = pd.read_csv(real_snapshot / "wb_gdp/gdp.csv")
    ref = raw[(raw["Country Code"] == "CHN") & (raw.Year == 2020)].Value.item()
    got = q(
        real_warehouse,
        "SELECT value FROM country_year WHERE iso3='CHN' AND year=2020 AND indicator='gdp_usd'",
    ).value.item()
    assert got == pytest.approx(ref, rel=1e-12)


def test_world_bank_aggregates_are_kept_apart(real_warehouse):
    agg = q(real_warehouse, "SELECT DISTINCT code FROM aggregate_year")
    assert {"WLD", "EAS", "HIC"} <= set(agg.code)
    cy = q(real_warehouse, "SELECT DISTINCT iso3 FROM country_year WHERE indicator='gdp_usd'")
    assert not {"WLD", "EAS", "HIC"} & set(cy.iso3)


def test_cow_sample_matches_raw(real_snapshot, real_warehouse):
    """200 random raw rows with a reported flow: the warehouse holds that flow, in USD."""
    raw = pd.read_csv(real_snapshot / "cow_trade/cow_dyadic_trade_4.0.csv.gz")
    raw = raw[(raw.flow1 >= 0) & (raw.year >= 1995)].sample(200, random_state=1)
    wh = q(
        real_warehouse,
        "SELECT iso3_o, iso3_d, year, value FROM dyad_year "
        "WHERE indicator='trade_cow' AND year >= 1995",
    )
    wh = wh.set_index(["iso3_o", "iso3_d", "year"]).value
    checked = 0
    for r in raw.itertuples():
        o = countries.to_iso3(r.ccode2, "cow", year=r.year)
        d = countries.to_iso3(r.ccode1, "cow", year=r.year)
        if (o, d, r.year) in wh.index:
            assert wh.loc[(o, d, r.year)] == pytest.approx(r.flow1 * 1e6, rel=1e-12)
            checked += 1
    assert checked >= 190


def test_comtrade_exports_japan_to_vietnam(real_snapshot, real_warehouse):
    raw = pd.read_csv(
        real_snapshot / "comtrade_penppml/trade.csv.gz", usecols=["exp", "imp", "time", "export"]
    )
    ref = raw[(raw.exp == "JPN") & (raw.imp == "VNM") & (raw.time == 2016)].export.item()
    got = q(
        real_warehouse,
        "SELECT value FROM dyad_year WHERE iso3_o='JPN' AND iso3_d='VNM' "
        "AND year=2016 AND indicator='trade_comtrade'",
    ).value.item()
    assert got == pytest.approx(ref, rel=1e-12)


def test_gapminder_projection_and_aiddata(real_snapshot, real_warehouse):
    gm = pd.read_csv(real_snapshot / "gapminder/ddf--datapoints--gdp_pcap--by--country--time.csv")
    ref = gm[(gm.country == "vnm") & (gm.time == 2030)].gdp_pcap.item()
    got = q(
        real_warehouse,
        "SELECT value FROM country_year WHERE iso3='VNM' AND year=2030 AND indicator='gm_gdp_pcap'",
    ).value.item()
    assert got == pytest.approx(ref, rel=1e-12)
    ad = pd.read_csv(real_snapshot / "aiddata_gcdf/cow_gcdf.csv")
    row = ad[(ad.ccode == 775)].sort_values("year").iloc[-1]
    got = q(
        real_warehouse,
        "SELECT value FROM country_year WHERE iso3='MMR' AND year=? "
        "AND indicator='cn_of_oof' AND source_id='aiddata_gcdf/cow_gcdf.csv'",
        [int(row.year)],
    ).value.item()
    assert got == pytest.approx(row.oof_amt, rel=1e-12)


def test_alliances_and_igos(real_warehouse):
    atop = q(
        real_warehouse,
        "SELECT value FROM dyad_year WHERE iso3_o='USA' AND iso3_d='JPN' "
        "AND year=2010 AND indicator='atop_defense'",
    )
    assert atop.value.item() == 1
    igo = q(
        real_warehouse,
        "SELECT iso3_o, value FROM dyad_year WHERE year=2014 AND "
        "indicator='igo_shared' AND ((iso3_o='USA' AND iso3_d='JPN') OR (iso3_o='JPN' AND iso3_d='USA'))",
    )
    assert len(igo) == 2 and igo.value.nunique() == 1


def test_agtpa_and_memberships(real_snapshot, real_warehouse):
    raw = pd.read_stata(real_snapshot / "agtpa/Chapter1Application1.dta")
    n = q(
        real_warehouse,
        "SELECT count(*) AS n, sum(trade) AS s FROM gravity_agtpa "
        "WHERE application='Chapter1Application1'",
    )
    assert n.n.item() == len(raw)
    assert n.s.item() == pytest.approx(raw.trade.sum(), rel=1e-9)
    assert set(q(real_warehouse, "SELECT DISTINCT exporter FROM gravity_agtpa").exporter) >= {
        "ROU",
        "USA",
    }
    mem = pd.read_csv(real_snapshot / "trade_agreements/desta_mem.csv.gz", dtype=str)
    loaded = q(
        real_warehouse, "SELECT count(*) AS n FROM memberships WHERE catalogue='desta'"
    ).n.item()
    rejected = q(
        real_warehouse,
        "SELECT count(DISTINCT row) AS n FROM quarantine WHERE "
        "source_id='trade_agreements/desta_mem.csv.gz'",
    ).n.item()
    assert loaded + rejected == len(mem)


def test_every_observation_points_to_a_source(real_warehouse):
    for table in ("country_year", "dyad_year", "memberships", "gravity_agtpa"):
        orphans = q(
            real_warehouse,
            f"SELECT count(*) AS n FROM {table} t WHERE NOT EXISTS "
            "(SELECT 1 FROM sources s WHERE s.source_id = t.source_id)",
        ).n.item()
        assert orphans == 0, table


def test_country_keys_are_in_the_identity_table(real_warehouse):
    missing = q(
        real_warehouse,
        """
        SELECT DISTINCT k FROM (
            SELECT iso3 AS k FROM country_year UNION ALL SELECT iso3_o FROM dyad_year
            UNION ALL SELECT iso3_d FROM dyad_year)
        WHERE k NOT IN (SELECT iso3 FROM countries)""",
    )
    assert missing.empty, missing.k.tolist()


def test_no_silent_drops_every_rejection_has_a_reason(real_warehouse):
    bad = q(
        real_warehouse, "SELECT count(*) AS n FROM quarantine WHERE reason IS NULL OR reason = ''"
    )
    assert bad.n.item() == 0
    assert np.isfinite(q(real_warehouse, "SELECT sum(rows) AS n FROM unmapped").n.item())


def test_gzip_is_read_not_decompressed_to_disk(real_snapshot):
    # the raw files stay as delivered: the build only reads them
    with gzip.open(real_snapshot / "peace_science/cow_states.csv.gz", "rt") as fh:
        assert fh.readline().startswith("stateabb")
