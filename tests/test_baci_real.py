"""Real BACI rows: the snapshot's extract of release V202301 (HS92, 2021, exporters 4
Afghanistan and 710 South Africa) loads with ``article2 load-baci`` and ``dependencies`` runs
on it.

Reference: the raw file read with pandas in the test (space-padded quantities, CRLF, gzip),
from which one exporter's (South Africa's) shares of each importer's imports and the import and
export concentration (HHI) are computed independently; tolerance relative 1e-9 (sums of a few
hundred doubles in another order).
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
from typer.testing import CliRunner

from article2 import api

pytestmark = pytest.mark.snapshot

TRADE = "BACI_HS92_Y2021_V202301_exporters_4_710.csv.gz"


@pytest.fixture
def loaded(real_snapshot):
    return api.load_baci(real_snapshot / "baci_sample")


@pytest.fixture
def raw(real_snapshot):
    df = pd.read_csv(real_snapshot / "baci_sample" / TRADE, dtype={"k": str})
    df["q"] = pd.to_numeric(df["q"].str.strip().replace("NA", None))
    df["k"] = df["k"].str.zfill(6)
    return df


def test_load_baci_reads_the_real_extract(loaded, raw):
    o = loaded.origin
    assert loaded.years == (2021,) and not loaded.synthetic
    assert o["extract"] == "exporters_4_710" and o["vintage"] == "V202301"
    assert o["country_codes_vintage"] == "V202201" and o["product_codes"] is None
    assert [c["code"] for c in o["country_codes_added"]] == [380]  # Italy's V202301 code
    assert o["rows"] == len(raw) == 71192
    stored = pd.read_parquet(loaded.path / "year=2021" / "data_0.parquet")
    assert len(stored) == len(raw)
    assert stored["v"].sum() == pytest.approx(raw["v"].sum(), rel=1e-12)
    # quantities: space-padded text and padded NA in the raw file
    assert stored["q"].isna().sum() == raw["q"].isna().sum() > 0
    assert stored["q"].sum() == pytest.approx(raw["q"].sum(), rel=1e-12)


def test_one_exporters_shares_and_concentration_equal_raw(loaded, raw):
    table = api.product_indicators(year=2021, country="NAM")  # Namibia (BACI 516)
    raw = raw[raw["v"] > 0]
    nam = raw[raw["j"] == 516]
    m = nam.groupby("k")["v"].sum()
    zaf = nam[nam["i"] == 710].set_index("k")["v"].reindex(m.index).fillna(0.0)
    zaf_share = zaf / m
    hhi = nam.assign(s=nam["v"] / nam["k"].map(m)).groupby("k")["s"].apply(lambda s: (s**2).sum())
    x = raw.groupby(["k", "i"])["v"].sum()
    w = x.groupby("k").sum()
    export_hhi = ((x / x.index.get_level_values("k").map(w).to_numpy()) ** 2).groupby("k").sum()
    got = table.set_index("product")
    assert set(got.index) == set(m.index)
    assert got["imports"].to_numpy() == pytest.approx(m.reindex(got.index).to_numpy(), rel=1e-9)
    top_zaf = got["top_supplier"] == "ZAF"
    assert top_zaf.mean() > 0.9  # South Africa supplies nearly all of Namibia's imports here
    assert got.loc[top_zaf, "top_share"].to_numpy() == pytest.approx(
        zaf_share.reindex(got.index[top_zaf]).to_numpy(), rel=1e-9
    )
    assert got["import_hhi"].to_numpy() == pytest.approx(
        hhi.reindex(got.index).to_numpy(), rel=1e-9
    )
    assert got["export_hhi"].to_numpy() == pytest.approx(
        export_hhi.reindex(got.index).to_numpy(), rel=1e-9
    )


def test_cli_load_baci_and_dependencies_run_on_the_real_rows(real_snapshot):
    from article2.cli import app

    runner = CliRunner()
    r = runner.invoke(app, ["load-baci", str(real_snapshot / "baci_sample")])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["dependencies", "NAM"])
    assert r.exit_code == 0, r.output
    out = re.sub(r"\s+", " ", r.output)
    assert "NAM 2021:" in out and "extract of BACI (exporters_4_710)" in out
