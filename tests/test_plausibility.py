"""Build-time order-of-magnitude checks: a unit error of 10^3 or more stops the build.

The fixtures are the official answer shapes of :mod:`tests.fixtures.official` with values of
the real order of magnitude (GDP, population and goods trade of Japan, the United States and
Viet Nam in 2023-2024, rounded); the faulty ones are the same answers times 10^3 or 10^6, which
is what a reader applying the IMF's display ``SCALE`` (6) as a multiplier produced.
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from article2 import paths, plausibility, warehouse
from article2.cli import app
from article2.sources import imf_imts, oecd_dac2a, wdi_api
from tests.fixtures import official

pytestmark = pytest.mark.network
runner = CliRunner()

GDP = [("JPN", "Japan", 2024, 4.03e12), ("USA", "United States", 2024, 2.9e13),
       ("VNM", "Viet Nam", 2024, 4.76e11)]  # fmt: skip
POP = [("JPN", "Japan", 2024, 124.0e6), ("USA", "United States", 2024, 340.0e6),
       ("VNM", "Viet Nam", 2024, 101.0e6)]  # fmt: skip
IMTS = [
    ("JPN", "XG_FOB_USD", "USA", "A", "2024", 148.0e9),
    ("JPN", "XG_FOB_USD", "VNM", "A", "2024", 19.0e9),
    ("JPN", "XG_FOB_USD", "G001", "A", "2024", 707.0e9),
    ("VNM", "XG_FOB_USD", "USA", "A", "2024", 119.0e9),
    ("VNM", "XG_FOB_USD", "G001", "A", "2024", 405.0e9),
    ("USA", "MG_CIF_USD", "JPN", "A", "2024", 152.0e9),
    ("USA", "MG_CIF_USD", "VNM", "A", "2024", 137.0e9),
]


@pytest.fixture
def server(httpserver, monkeypatch):
    monkeypatch.setenv("ARTICLE2_WDI_URL", httpserver.url_for("/v2"))
    monkeypatch.setenv("ARTICLE2_IMF_URL", httpserver.url_for("/imf"))
    monkeypatch.setenv("ARTICLE2_OECD_URL", httpserver.url_for("/oecd"))
    monkeypatch.setenv("ARTICLE2_FETCH_BACKOFF", "0.001")
    monkeypatch.delenv("ARTICLE2_SNAPSHOT", raising=False)
    monkeypatch.setattr(paths, "_default_snapshot_candidates", lambda: [])
    pages = {"NY.GDP.MKTP.CD": GDP, "SP.POP.TOTL": POP}
    for code in wdi_api.SERIES:
        httpserver.expect_request(f"/v2/country/all/indicator/{code}").respond_with_data(
            official.wdi_page(
                code, pages.get(code, [("JPN", "Japan", 2024, None)]), page=1, pages=1
            )
        )
    return httpserver


def serve_imts(server, factor: float) -> None:
    rows = [(*r[:5], repr(r[5] * factor)) for r in IMTS]
    server.expect_request(f"/imf/data/{imf_imts.FLOW}/.XG_FOB_USD+MG_CIF_USD..A").respond_with_data(
        official.imf_imts_csv(rows)
    )


def test_values_of_the_right_order_build(server):
    serve_imts(server, 1.0)
    wdi_api.fetch()
    imf_imts.fetch(vintage="ok")
    warehouse.build()
    assert warehouse.query("SELECT count(*) n FROM dyad_year").n[0] == 5


@pytest.mark.parametrize("factor", [1e6, 1e3])
def test_a_unit_error_fails_the_build_naming_file_indicator_rows_and_keeps_the_warehouse(
    server, factor
):
    serve_imts(server, 1.0)
    wdi_api.fetch()
    imf_imts.fetch(vintage="2025-01")
    warehouse.build()
    before = paths.warehouse_path().read_bytes()
    server.clear()
    serve_imts(server, factor)
    imf_imts.fetch(vintage="2025-02")  # the newer vintage is the one the build uses
    r = runner.invoke(app, ["build"])
    out = " ".join(r.output.split())
    assert r.exit_code == 1, out
    assert "raw/imf_imts/2025-02/imf_imts.csv" in out
    assert "indicator 'trade_imf_exports" in out  # the file's first money indicator
    assert "JPN->USA 2024" in out or "JPN 2024" in out  # the rows
    assert "unit error" in out and "previous warehouse (if any) is unchanged" in out
    assert "Traceback" not in out
    assert paths.warehouse_path().read_bytes() == before


def test_gdp_off_by_a_thousand_is_caught_against_population(server):
    server.clear()
    server.expect_request("/v2/country/all/indicator/NY.GDP.MKTP.CD").respond_with_data(
        official.wdi_page(
            "NY.GDP.MKTP.CD", [(c, n, y, v * 1e3) for c, n, y, v in GDP], page=1, pages=1
        )
    )
    for code in wdi_api.SERIES:
        if code != "NY.GDP.MKTP.CD":
            rows = POP if code == "SP.POP.TOTL" else [("JPN", "Japan", 2024, None)]
            server.expect_request(f"/v2/country/all/indicator/{code}").respond_with_data(
                official.wdi_page(code, rows, page=1, pages=1)
            )
    wdi_api.fetch()
    with pytest.raises(
        plausibility.ImplausibleValuesError, match=r"median GDP per head is 3.*e\+07"
    ):
        warehouse.build()


def test_oecd_aid_times_a_million_is_caught(server):
    wdi_api.fetch()
    rows = [("JPN", "VNM", "206", "2024", "1234.5e6"), ("USA", "VNM", "206", "2024", "120e6")]
    server.expect_request(f"/oecd/data/{oecd_dac2a.FLOW}/{oecd_dac2a.KEY}").respond_with_data(
        official.oecd_dac2a_csv(rows)  # OBS_VALUE already in dollars, UNIT_MULT 6 on top
    )
    oecd_dac2a.fetch(vintage="v")
    with pytest.raises(plausibility.ImplausibleValuesError, match="oda_dac_usd"):
        warehouse.build()


def test_unit_factor():
    assert plausibility.unit_factor("current USD") == 1.0
    assert plausibility.unit_factor("constant 2021 USD") == 1.0
    assert plausibility.unit_factor("thousands of current USD (pre-1914: UK pounds)") == 1e3
    assert plausibility.unit_factor("percent of GDP") is None
    assert plausibility.unit_factor("persons") is None


def test_aid_times_a_thousand_is_caught_by_its_family_bound(server, monkeypatch):
    """China's commitments are about 0.001 of the recipient's GDP in the median (snapshot);
    times 10^3 they cross the aid family's bound of 0.2 although no row exceeds 1000x GDP."""
    from article2.sources import aiddata_projects

    monkeypatch.setenv("ARTICLE2_AIDDATA_URL", server.url_for("/aid/gcdf.zip"))
    wdi_api.fetch()
    rows = [("1", "VNM", 2024, "Yes", "ODA-like", 250.0e6 * 1e3, 250.0e6 * 1e3)]
    server.expect_request("/aid/gcdf.zip").respond_with_data(official.gcdf_zip(rows))
    aiddata_projects.fetch()
    with pytest.raises(plausibility.ImplausibleValuesError, match="at most 0.2 for aid"):
        warehouse.build()


@pytest.mark.snapshot
def test_real_snapshot_passes_and_each_money_indicator_times_1000_fails(real_warehouse, tmp_path):
    """The independent reference is the real data: the snapshot's own values must pass, and
    every US-dollar indicator of it multiplied by 10^3 must be caught (measured: 17 of 17)."""
    import shutil

    import duckdb

    copy = tmp_path / "w.duckdb"
    shutil.copy(real_warehouse, copy)
    con = duckdb.connect(str(copy))
    plausibility.check(con)
    money = [
        (ind, sid, table)
        for ind, sid, table, unit in con.execute(
            "SELECT DISTINCT indicator, source_id, table_name, unit FROM indicators "
            "WHERE table_name IN ('country_year', 'dyad_year')"
        ).fetchall()
        if plausibility.unit_factor(unit or "") is not None and ind not in plausibility.GDP
    ]
    assert len(money) >= 10
    missed = []
    for ind, sid, table in money:
        q = f"UPDATE {table} SET value = value * $f WHERE indicator = $i AND source_id = $s"
        con.execute(q, {"f": 1e3, "i": ind, "s": sid})
        try:
            plausibility.check(con)
            missed.append((sid, ind))
        except plausibility.ImplausibleValuesError as exc:
            assert sid in str(exc) and repr(ind) in str(exc)
        con.execute(q, {"f": 1e-3, "i": ind, "s": sid})
    assert missed == []


def test_non_finite_values_are_not_taken_for_unit_errors(tmp_path):
    """NaN sorts above every number in DuckDB: it must not read as a value 1000x GDP."""
    import duckdb

    from article2 import schema

    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    for table in ("indicators", "country_year", "dyad_year"):
        con.execute(schema.ddl(table))
    con.execute("INSERT INTO indicators VALUES ('x_usd', 's', 'country_year', 'USD', '', false)")
    con.execute(
        "INSERT INTO country_year VALUES ('VNM', 2024, 'gdp_usd', 4.76e11, 'g'), "
        "('VNM', 2023, 'gdp_usd', 4.3e11, 'g'), ('VNM', 2023, 'population', 100e6, 'p'), "
        "('VNM', 2024, 'population', 101e6, 'p'), ('VNM', 2024, 'x_usd', 'NaN', 's'), "
        "('VNM', 2023, 'x_usd', 1e9, 's')"
    )
    plausibility.check(con)
    con.execute("UPDATE country_year SET value = 1e15 WHERE indicator = 'x_usd' AND year = 2023")
    with pytest.raises(plausibility.ImplausibleValuesError, match="VNM 2023"):
        plausibility.check(con)
