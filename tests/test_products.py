"""Product-level indicators, the BACI reader and the synthetic generator.

References: values computed by hand for a tiny BACI-layout fixture (written out below), a
straightforward pandas implementation for the property tests, and the all-years relational SQL
of :mod:`article2.indicators.products` for the year-by-year fast path
(:mod:`article2.indicators.products_stream`). Tolerance: 1e-12 relative (the only differences
are floating-point summation order); counts, codes and flags exactly.
"""

from __future__ import annotations

import json

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from article2 import api
from article2.cli import app
from article2.errors import SourceError
from article2.indicators import products_stream
from article2.indicators.products import GeoDepThresholds, indicator_query

TOL = 1e-12
COUNTRIES = "country_code,country_name,country_iso2,country_iso3\n156,China,CN,CHN\n392,Japan,JP,JPN\n704,Viet Nam,VN,VNM\n840,USA,US,USA\n"
PRODUCTS = "code,description\n010101,Horses\n850440,Static converters\n"


def _year_rows(t: int) -> list[str]:
    return [
        f"{t},156,704,850440,60,1.5",
        f"{t},840,704,850440,30,NA",
        f"{t},392,704,850440,10,",
        f"{t},704,840,850440,20,0.2",
        f"{t},156,840,850440,300,3",
        f"{t},156,392,850440,100,1",
        f"{t},840,704,010101,50,5",
        f"{t},392,704,010101,50,5",
    ]


def write_fixture(folder, years=(2020, 2021, 2022)):
    folder.mkdir(parents=True, exist_ok=True)
    for t in years:
        (folder / f"BACI_HS17_Y{t}_V202401.csv").write_text(
            "t,i,j,k,v,q\n" + "\n".join(_year_rows(t)) + "\n"
        )
    (folder / "country_codes_V202401.csv").write_text(COUNTRIES)
    (folder / "product_codes_HS17_V202401.csv").write_text(PRODUCTS)
    return folder


# ------------------------------------------------------------------ hand-computed values


def test_every_indicator_against_hand_computed_values(tmp_path):
    loaded = api.load_baci(write_fixture(tmp_path / "baci"))
    assert loaded.years == (2020, 2021, 2022) and not loaded.synthetic
    table = api.product_indicators(year=2022, allies=("USA", "JPN"))
    row = table[(table.importer == "VNM") & (table["product"] == "850440")].iloc[0]
    assert row.imports == 100 and row.exports == 20 and row.n_suppliers == 3
    assert row.import_hhi == pytest.approx(0.36 + 0.09 + 0.01, rel=TOL)
    assert row.top_supplier == "CHN" and row.top_share == pytest.approx(0.6, rel=TOL)
    assert row.china_share == pytest.approx(0.6, rel=TOL)
    # exporters: CHN 460, USA 30, JPN 10, VNM 20; world 520
    assert row.world_exports == 520
    assert row.export_hhi == pytest.approx((460**2 + 30**2 + 10**2 + 20**2) / 520**2, rel=TOL)
    assert row.allied_share == pytest.approx(40 / 520, rel=TOL)
    assert row.import_export_ratio == pytest.approx(5.0, rel=TOL)
    assert row.criteria_met and row.years_met == 3 and row.years_known == 3 and row.geodep
    assert row.china_top and row.chapter == "85" and row.section == "XVI"
    assert row.source_id == "baci/HS17_V202401" and not row.synthetic
    # allies supply 7.7% < 30%, China supplies 60%: a chokepoint
    assert row.chokepoint

    horses = table[(table.importer == "VNM") & (table["product"] == "010101")].iloc[0]
    assert horses.import_hhi == pytest.approx(0.5, rel=TOL)
    assert horses.top_supplier == "JPN"  # tie between JPN and USA: the smaller code (392)
    assert horses.china_share == 0 and horses.exports == 0
    assert pd.isna(horses.import_export_ratio) and horses.criteria_met  # M > X = 0
    assert horses.allied_share == pytest.approx(1.0, rel=TOL) and not horses.chokepoint

    report = api.dependencies("VNM", year=2022, allies=("USA", "JPN"))
    s = report.summary.iloc[0]
    assert (s.products, s.dependent, s.dependent_value) == (2, 2, 200)
    assert (s.dependent_china_top, s.chokepoints, s.chokepoint_value) == (1, 1, 100)
    assert report.chokepoints["product"].tolist() == ["850440"]

    cross = api.dependency_table(year=2022, allies=("USA", "JPN"))
    assert set(cross.importer) == {"VNM", "USA", "JPN"}


def test_default_allies_use_eu_membership_and_reject_china(tmp_path):
    api.load_baci(write_fixture(tmp_path / "baci"))
    t = api.product_indicators(year=2022, country="VNM")  # default set includes USA and JPN
    assert t.loc[t["product"] == "850440", "allied_share"].iloc[0] == pytest.approx(40 / 520)
    with pytest.raises(ValueError, match="China"):
        api.product_indicators(year=2022, allies=("USA", "CHN"))
    with pytest.raises(ValueError, match="unknown ally"):
        api.product_indicators(year=2022, allies=("XXX",))


# ------------------------------------------------------------------ GeoDep window edges


def _geodep(pattern: dict[int, str | None], impl, coverage=range(2018, 2023)) -> dict:
    """Importer 1 of product 000001 meets the criteria in years marked "met" (one supplier),
    not in years marked "not" (three equal suppliers: HHI 1/3), and imports nothing in None."""
    rows = []
    for t, state in pattern.items():
        if state == "met":
            rows.append((t, 10, 1, "000001", 5.0))
        elif state == "not":
            rows += [(t, s, 1, "000001", 5.0) for s in (10, 11, 12)]
    con = duckdb.connect()
    con.register("trade", pd.DataFrame(rows, columns=["t", "i", "j", "k", "v"]))
    con.register("allies", pd.DataFrame({"t": [2018], "i": [11]}))
    con.register("china", pd.DataFrame({"i": [10]}))
    con.register("coverage", pd.DataFrame({"t": list(coverage)}))
    out = _indicators(con, impl, years=list(coverage), china=10)
    return {int(r.t): (None if pd.isna(r.geodep) else bool(r.geodep)) for r in out.itertuples()}


IMPLS = ("reference", "stream")


def _indicators(con, impl, *, years, china, thresholds=GeoDepThresholds()):  # noqa: B008
    """Every row for ``years`` from the view ``trade`` on ``con``, by either implementation."""
    if impl == "reference":
        sql, params = indicator_query(first=min(years), last=max(years), thresholds=thresholds)
        out = con.execute(sql + " ORDER BY t, j, k", params).df()
        return out.astype({"geodep": "boolean"})  # NULL as pd.NA, as below
    allies = con.execute("SELECT t, i FROM allies").df()
    coverage = con.execute("SELECT t FROM coverage").df()["t"].tolist()

    def year_parts(t):  # parts of 7 rows: products cut between parts are put together
        flows = con.execute(
            "SELECT CAST(i AS SMALLINT) AS i, CAST(j AS SMALLINT) AS j, "
            f"CAST(k AS INTEGER) AS p, v FROM trade WHERE t = {t} ORDER BY p, j, i"
        ).df()
        table = pa.Table.from_pandas(flows, preserve_index=False)
        return products_stream.loaders(table.to_batches(max_chunksize=7))

    parts = []
    products_stream.run_years(
        years=years,
        first=min(years),
        last=max(years),
        parts=year_parts,
        china=china,
        allies={int(t): g["i"].tolist() for t, g in allies.groupby("t")},
        coverage=coverage,
        thresholds=thresholds,
        sink=lambda _t, table: parts.append(table.to_pandas().astype({"k": object})),
        threads=2,
    )
    out = pd.concat(parts, ignore_index=True).sort_values(["t", "j", "k"], ignore_index=True)
    return out.astype({"geodep": "boolean"})


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        # first year of the data: one known year, undecidable whatever it shows
        ({2018: "met"}, {2018: None}),
        ({2018: "not"}, {2018: None}),
        # second year: two known years decide when both meet or both fail
        ({2018: "met", 2019: "met"}, {2018: None, 2019: True}),
        ({2018: "not", 2019: "not"}, {2018: None, 2019: False}),
        ({2018: "met", 2019: "not"}, {2018: None, 2019: None}),
        # full windows: two of three, order does not matter; one of three is not enough
        ({2018: "met", 2019: "not", 2020: "met"}, {2018: None, 2019: None, 2020: True}),
        ({2018: "not", 2019: "met", 2020: "not"}, {2018: None, 2019: None, 2020: False}),
        # 2018 is inside the coverage without imports: known and not met
        ({2019: "met", 2020: "not", 2021: "not"}, {2019: None, 2020: False, 2021: False}),
        # a year without imports inside the coverage counts as not met
        ({2020: "met", 2021: None, 2022: "met"}, {2020: False, 2022: True}),
        ({2019: "met", 2020: None, 2021: None, 2022: "met"}, {2019: None, 2022: False}),
        # the window trails: 2018 and 2019 still count in 2020, no longer in 2021
        (
            {2018: "met", 2019: "met", 2020: "not", 2021: "not"},
            {2018: None, 2019: True, 2020: True, 2021: False},
        ),
    ],
)
@pytest.mark.parametrize("impl", IMPLS)
def test_geodep_two_of_three_years_at_the_edges(pattern, expected, impl):
    assert _geodep(pattern, impl) == expected


def test_geodep_window_is_configurable():
    sql, params = indicator_query(
        first=2018, last=2019, thresholds=GeoDepThresholds(window=1, min_years=1)
    )
    assert params["window"] == 1 and params["min_years"] == 1
    with pytest.raises(ValueError):
        indicator_query(first=2018, last=2019, thresholds=GeoDepThresholds(min_years=4))
    with pytest.raises(ValueError):
        products_stream.GeoDepWindow(GeoDepThresholds(min_years=4), coverage=[2018])


@pytest.mark.parametrize(
    "thresholds",
    [GeoDepThresholds(window=1, min_years=1), GeoDepThresholds(window=4, min_years=3)],
)
def test_stream_window_matches_reference_for_other_windows(thresholds):
    pattern = {2018: "met", 2019: "met", 2020: "not", 2021: "met", 2022: "met"}
    rows = []
    for t, state in pattern.items():
        suppliers = (10,) if state == "met" else (10, 11, 12)
        rows += [(t, s, 1, "000001", 5.0) for s in suppliers]
    con = duckdb.connect()
    con.register("trade", pd.DataFrame(rows, columns=["t", "i", "j", "k", "v"]))
    con.register("allies", pd.DataFrame({"t": [2018], "i": [11]}))
    con.register("china", pd.DataFrame({"i": [10]}))
    con.register("coverage", pd.DataFrame({"t": list(pattern)}))
    ref, fast = (
        _indicators(con, impl, years=list(pattern), china=10, thresholds=thresholds)
        for impl in IMPLS
    )
    pd.testing.assert_frame_equal(fast, ref, check_dtype=False)
    if thresholds.window == 1:  # a one-year window: the flag is that year's criteria
        assert (fast["geodep"] == fast["criteria_met"]).all()


# ------------------------------------------------------------------ properties


def _run(trade: pd.DataFrame, files: int = 1, tmp=None, impl="reference") -> pd.DataFrame:
    con = duckdb.connect()
    if files == 1:
        con.register("trade", trade)
    else:
        parts = np.array_split(np.arange(len(trade)), files)
        paths = []
        for n, idx in enumerate(parts):
            p = tmp / f"part{n}.parquet"
            trade.iloc[idx].to_parquet(p, index=False)
            paths.append(f"'{p}'")
        con.execute(f"CREATE VIEW trade AS SELECT * FROM read_parquet([{', '.join(paths)}])")
    years = sorted(trade["t"].unique().tolist())
    con.register("allies", pd.DataFrame({"t": years, "i": [2] * len(years)}))
    con.register("china", pd.DataFrame({"i": [1]}))
    con.register("coverage", pd.DataFrame({"t": years}))
    return _indicators(con, impl, years=years, china=1)


def _reference(trade: pd.DataFrame) -> pd.DataFrame:
    """Straightforward pandas reference for the within-year indicators."""
    g = trade.groupby(["t", "j", "k"])["v"]
    m = g.sum().rename("imports")
    share = trade["v"] / g.transform("sum")
    hhi = (share**2).groupby([trade.t, trade.j, trade.k]).sum().rename("import_hhi")
    x = trade.groupby(["t", "i", "k"])["v"].sum()
    w = x.groupby(level=["t", "k"]).sum()
    ehhi = ((x / w.reindex(x.index.droplevel("i")).to_numpy()) ** 2).groupby(level=["t", "k"])
    out = pd.concat([m, hhi], axis=1).reset_index()
    out = out.merge(ehhi.sum().rename("export_hhi").reset_index(), on=["t", "k"])
    return out.sort_values(["t", "j", "k"], ignore_index=True)


trade_frames = st.lists(
    st.tuples(
        st.sampled_from([2020, 2021, 2022]),
        st.integers(1, 6),
        st.integers(1, 6),
        st.sampled_from(["000001", "000002", "850440"]),
        st.floats(0.001, 1e6, allow_nan=False),
    ),
    min_size=1,
    max_size=60,
).map(
    lambda rows: (
        pd.DataFrame(rows, columns=["t", "i", "j", "k", "v"])
        .drop_duplicates(["t", "i", "j", "k"])
        .reset_index(drop=True)
    )
)


@settings(max_examples=60, deadline=None)
@given(trade_frames, st.randoms(use_true_random=False))
def test_properties_bounds_shares_and_order_invariance(trade, rnd):
    out = _run(trade)
    ref = _reference(trade)
    assert len(out) == len(ref)
    np.testing.assert_allclose(out["imports"], ref["imports"], rtol=TOL)
    np.testing.assert_allclose(out["import_hhi"], ref["import_hhi"], rtol=1e-9)
    np.testing.assert_allclose(out["export_hhi"], ref["export_hhi"], rtol=1e-9)
    eps = 1e-12
    assert (out["import_hhi"] >= 1 / out["n_suppliers"] - eps).all()
    assert (out["import_hhi"] <= 1 + eps).all()
    for col in ("top_share", "china_share", "allied_share"):
        assert out[col].between(-eps, 1 + eps).all()
    assert (out["top_share"] >= out["china_share"] - eps).all()
    # supplier shares sum to one: the top share plus all others equals the total
    sums = trade.groupby(["t", "j", "k"])["v"].apply(lambda v: (v / v.sum()).sum())
    np.testing.assert_allclose(sums.to_numpy(), 1.0, rtol=1e-12)
    # world exports of a product equal the sum of every importer's imports of it
    w = out.groupby(["t", "k"]).agg(imports=("imports", "sum"), world=("world_exports", "first"))
    np.testing.assert_allclose(w["imports"], w["world"], rtol=1e-9)
    # shuffled rows: identical results, by both implementations
    shuffled = trade.sample(frac=1.0, random_state=rnd.randint(0, 2**31)).reset_index(drop=True)
    pd.testing.assert_frame_equal(_run(shuffled), out, rtol=1e-9)
    _assert_same(_run(shuffled, impl="stream"), out)


COUNTS = ["t", "j", "k", "n_suppliers", "top_supplier", "criteria_met", "years_met",
          "years_known", "geodep"]  # fmt: skip


def _assert_same(fast: pd.DataFrame, ref: pd.DataFrame) -> None:
    """Same rows and columns; counts, codes and flags exactly, values within TOL relative."""
    assert list(fast.columns) == list(ref.columns) and len(fast) == len(ref)
    for col in ref.columns:
        a, b = fast[col].to_numpy(), ref[col].to_numpy()
        if col in COUNTS or ref[col].dtype == object:
            assert pd.Series(a).astype(object).equals(pd.Series(b).astype(object)), col
        else:
            np.testing.assert_allclose(a.astype(float), b.astype(float), rtol=TOL, err_msg=col)


@pytest.mark.parametrize("impl", IMPLS)
def test_zero_flows_supply_nothing(impl):
    """A flow of value 0 is no supplier; an importer whose flows of a product are all 0 has no
    row for it (both implementations)."""
    trade = pd.DataFrame(
        [(2020, 1, 5, "000001", 4.0), (2020, 2, 5, "000001", 0.0), (2020, 3, 5, "000001", 1.0),
         (2020, 1, 6, "000002", 0.0), (2020, 2, 6, "000001", 3.0)],
        columns=["t", "i", "j", "k", "v"],
    )  # fmt: skip
    out = _run(trade, impl=impl).set_index(["j", "k"])
    assert list(out.index) == [(5, "000001"), (6, "000001")]
    row = out.loc[(5, "000001")]
    assert row.n_suppliers == 2 and row.import_hhi == pytest.approx(0.8**2 + 0.2**2, rel=TOL)
    assert row.top_supplier == 1 and row.world_exports == 8.0


def _batch(p, j, i, v=None):
    n = len(p)
    return pa.record_batch(
        {
            "i": pa.array(i, pa.int16()),
            "j": pa.array(j, pa.int16()),
            "p": pa.array(p, pa.int32()),
            "v": pa.array(v or [1.0] * n, pa.float64()),
        }
    )


@pytest.mark.parametrize(
    "batches",
    [
        [_batch([1, 1, 2], [1, 1, 1], [2, 1, 1])],  # exporters out of order
        [_batch([1, 1], [1, 1], [1, 1])],  # a repeated row
        [_batch([2, 1], [1, 1], [1, 1])],  # products out of order
        [_batch([1, 1], [2, 1], [1, 1])],  # importers out of order
        [_batch([1, 2], [1, 1], [1, 1]), _batch([1, 3], [1, 1], [2, 1])],  # across batches
        [_batch([1, 2], [1, 1], [1, 1]), _batch([2], [1], [1])],  # a row repeated across them
    ],
)
def test_stream_rejects_flows_out_of_order(batches):
    with pytest.raises(ValueError, match="2021.*not sorted"):
        products_stream.year_indicators(batches, year=2021, china=None, allied=[])


def test_stream_rejects_negative_country_codes():
    with pytest.raises(ValueError, match="2021.*negative country code"):
        products_stream.year_indicators(
            [_batch([1, 1], [1, 1], [-3, 1])], year=2021, china=None, allied=[]
        )


def test_stream_carries_products_cut_between_batches():
    """Any cut of the same sorted rows into batches (empty ones included) gives the same
    numbers, with or without a thread pool."""
    from concurrent.futures import ThreadPoolExecutor

    rng = np.random.default_rng(7)
    flows = (
        pd.DataFrame(
            {
                "p": rng.integers(1, 9, 400),
                "j": rng.integers(1, 6, 400),
                "i": rng.integers(1, 6, 400),
                "v": rng.lognormal(0, 2, 400),
            }
        )
        .drop_duplicates(["p", "j", "i"])
        .sort_values(["p", "j", "i"], ignore_index=True)
    )
    whole = _batch(flows.p.tolist(), flows.j.tolist(), flows.i.tolist(), flows.v.tolist())
    one = products_stream.year_indicators([whole], year=2020, china=1, allied=[2, 3])
    with ThreadPoolExecutor(2) as pool:
        for size in (1, 2, 5, 64, 1000):
            batches = [whole.slice(0, 0), *whole.to_pandas().pipe(pa.Table.from_pandas)
                       .to_batches(max_chunksize=size), whole.slice(0, 0)]  # fmt: skip
            got = products_stream.year_indicators(
                batches, year=2020, china=1, allied=[2, 3], pool=pool
            )
            for name, want in one.items():
                np.testing.assert_allclose(got[name], want, rtol=TOL, err_msg=f"{name} {size}")


def test_thread_setting_gives_the_same_rows_and_rejects_nonsense(tmp_path, monkeypatch):
    api.load_baci(write_fixture(tmp_path / "baci"))
    monkeypatch.setenv("ARTICLE2_THREADS", "1")
    one = api.product_indicators(year=2022)
    monkeypatch.setenv("ARTICLE2_THREADS", "3")
    pd.testing.assert_frame_equal(api.product_indicators(year=2022), one)
    monkeypatch.setenv("ARTICLE2_THREADS", "two")
    with pytest.raises(ValueError, match="ARTICLE2_THREADS must be a positive whole number"):
        api.product_indicators(year=2022)


def test_store_of_an_older_layout_is_refused_with_how_to_reload(tmp_path):
    loaded = api.load_baci(write_fixture(tmp_path / "baci"))
    origin = json.loads((loaded.path / "origin.json").read_text())
    origin["layout"] = 1
    (loaded.path / "origin.json").write_text(json.dumps(origin))
    with pytest.raises(FileNotFoundError, match="older layout.*load-baci"):
        api.product_indicators(year=2022)


def test_results_unchanged_when_rows_are_split_across_files(tmp_path):
    rng = np.random.default_rng(3)
    n = 3000
    trade = pd.DataFrame(
        {
            "t": rng.choice([2020, 2021, 2022], n),
            "i": rng.integers(1, 30, n),
            "j": rng.integers(1, 30, n),
            "k": rng.choice([f"{c:06d}" for c in range(1, 40)], n),
            "v": rng.lognormal(2, 2, n).round(3),
        }
    ).drop_duplicates(["t", "i", "j", "k"], ignore_index=True)
    one = _run(trade)
    pd.testing.assert_frame_equal(_run(trade, files=4, tmp=tmp_path), one, rtol=1e-9)
    _assert_same(_run(trade, files=4, tmp=tmp_path, impl="stream"), one)


def test_stream_path_equals_reference_on_generated_years(tmp_path):
    """The year-by-year path used by the API and the benchmark gives the rows of the all-years
    reference SQL on four years of SYNTHETIC data loaded from files (window edges included)."""
    from article2 import dependence
    from article2.synthetic.baci import generate

    g = generate(
        tmp_path / "gen", years=range(2019, 2023), seed=5, rows_per_year=40_000,
        n_countries=60, n_products=300,
    )  # fmt: skip
    loaded = api.load_baci(g.folder)
    assert loaded.origin["sort_order"] == ["k", "j", "i"]
    codes = pd.read_parquet(loaded.countries)
    con = dependence._connect(codes)
    con.register("allies", dependence._ally_codes(dependence.DEFAULT_ALLIES, loaded.years, codes))
    con.register("coverage", pd.DataFrame({"t": list(loaded.years)}))
    con.execute(
        f"CREATE VIEW trade AS SELECT t, i, j, k, v FROM read_parquet('{loaded.trade_glob}')"
    )
    con.execute("CREATE VIEW china AS SELECT code AS i FROM codes WHERE iso3 = 'CHN'")
    ref = _indicators(con, "reference", years=list(loaded.years), china=None)
    assert ref["geodep"].any() and ref["criteria_met"].any() and len(ref) > 10_000
    origin = dependence.write_indicators(tmp_path / "out", allow_synthetic=True)
    assert origin["synthetic"] is True and origin["rows"] == len(ref)
    files = f"{tmp_path}/out/year=*/*.parquet"
    fast = duckdb.sql(f"FROM read_parquet('{files}', hive_partitioning = false)").df()
    fast = fast.sort_values(["t", "j", "k"], ignore_index=True)
    assert (fast["synthetic"]).all() and (fast["source_id"] == loaded.origin["source_id"]).all()
    _assert_same(fast[ref.columns].astype({"t": ref["t"].dtype}), ref)
    # one importer, one year (the API's path): the same rows as the reference's
    vnm = api.product_indicators(year=2022, country="VNM", allow_synthetic=True)
    code = int(con.execute("SELECT code FROM codes WHERE iso3 = 'VNM'").fetchone()[0])
    want = ref[(ref.t == 2022) & (ref.j == code)].set_index("k")
    got = vnm.set_index("product").loc[want.index]
    for col in ("imports", "exports", "import_hhi", "export_hhi", "allied_share", "china_share"):
        np.testing.assert_allclose(got[col], want[col], rtol=TOL, err_msg=col)
    assert got["geodep"].astype(object).equals(want["geodep"].astype(object))


# ------------------------------------------------------------------ reader errors


@pytest.mark.parametrize(
    ("edit", "message", "row", "field"),
    [
        (lambda s: s.replace("t,i,j,k,v,q", "year,i,j,k,v,q"), "wrong header", None, None),
        (lambda s: s.replace("2022,840,704,850440,30,NA", "2022,840,704,850440,thirty,NA"),
         "not a non-negative number", 2, "v"),
        (lambda s: s.replace("2022,392,704,850440,10,", "2022,392,704,850440,10,x"),
         "not a non-negative number or NA", 3, "q"),
        (lambda s: s.replace("2022,156,840,850440,300", "2022,999,840,850440,300"),
         "country code 999 not in the country-code file", 5, "i"),
        (lambda s: s.replace("2022,392,704,010101", "2022,392,704,999999"),
         "product code 999999 not in the product-code file", 8, "k"),
        (lambda s: s.replace("2022,704,840", "2021,704,840"), "year 2021 in the file of year 2022",
         4, "t"),
        (lambda s: s + "2022,156,704,850440,1,1\n", "repeated", 9, None),
    ],
)  # fmt: skip
def test_reader_rejects_malformed_files_with_file_row_field(tmp_path, edit, message, row, field):
    folder = write_fixture(tmp_path / "baci")
    bad = folder / "BACI_HS17_Y2022_V202401.csv"
    bad.write_text(edit(bad.read_text()))
    with pytest.raises(SourceError) as err:
        api.load_baci(folder)
    assert message in str(err.value) and err.value.file == str(bad)
    assert err.value.row == row and err.value.field == field


def test_failed_load_leaves_previous_data_and_missing_code_file_is_named(tmp_path):
    folder = write_fixture(tmp_path / "baci")
    first = api.load_baci(folder)
    (folder / "BACI_HS17_Y2022_V202401.csv").write_text("t,i,j,k,v,q\n2022,1,2,3,x,1\n")
    with pytest.raises(SourceError):
        api.load_baci(folder)
    again = api.product_indicators(year=2022, country="VNM")
    assert len(again) == 2 and (first.path / "year=2022").is_dir()
    (folder / "product_codes_HS17_V202401.csv").unlink()
    with pytest.raises(FileNotFoundError, match="product_codes_HS17_V202401.csv"):
        api.load_baci(folder)


# ------------------------------------------------------------------ generator and CLI


def test_generator_is_deterministic_and_marked_synthetic(tmp_path):
    a = api.generate_baci(tmp_path / "a", years=[2021, 2022], seed=7, rows_per_year=3000)
    b = api.generate_baci(tmp_path / "b", years=[2021, 2022], seed=7, rows_per_year=3000)
    for fa, fb in zip(a.trade_files, b.trade_files, strict=True):
        assert fa.read_bytes() == fb.read_bytes() and "SYNTHETIC" in fa.name
    assert a.rows[0] > 1500 and "SYNTHETIC" in (a.folder / "SYNTHETIC.txt").read_text()
    c = api.generate_baci(tmp_path / "c", years=[2021], seed=8, rows_per_year=3000)
    assert c.trade_files[0].read_bytes() != a.trade_files[0].read_bytes()
    df = pd.read_csv(a.trade_files[0], dtype={"k": str}, keep_default_na=False)
    assert list(df.columns) == ["t", "i", "j", "k", "v", "q"]
    assert df["k"].str.len().eq(6).all() and (df["q"] == "NA").any()
    loaded = api.load_baci(a.folder)
    assert loaded.synthetic and loaded.origin["synthetic"] is True
    assert "SYNTHETIC" in loaded.origin["title"]


def test_synthetic_data_never_reaches_briefs_or_the_dashboard(tmp_path):
    from article2.briefs.capabilities import _call
    from article2.dependence import SyntheticDataError
    from article2.web.capabilities import NotInBuild, call

    g = api.generate_baci(tmp_path / "g", years=[2021, 2022], seed=7, rows_per_year=3000)
    api.load_baci(g.folder)
    for fn in (api.dependencies, api.product_indicators, api.dependency_table):
        args = ("VNM",) if fn is api.dependencies else ()
        with pytest.raises(SyntheticDataError, match="SYNTHETIC"):
            fn(*args)
    # the brief gets no rows (its section is left out and "What this brief lacks" says no
    # product-level data is loaded); the dashboard says why it has none
    rows = _call("dependencies", "VNM", 2022)
    assert rows.empty
    with pytest.raises(NotInBuild, match="SYNTHETIC"):
        call("dependencies", "VNM")
    # asked for knowingly, the rows say they are synthetic
    report = api.dependencies("VNM", allow_synthetic=True)
    assert report.synthetic and report.origin["synthetic"] is True


def test_cli_load_generate_and_dependencies(tmp_path):
    runner = CliRunner()
    r = runner.invoke(app, ["dependencies", "VNM"])
    assert r.exit_code == 1 and "article2 load-baci" in r.output
    out = tmp_path / "gen"
    r = runner.invoke(app, ["generate-baci", "--years", "2020-2022", "--out", str(out),
                            "--rows", "4000"])  # fmt: skip
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["load-baci", str(out), "--format", "json"])
    assert r.exit_code == 0, r.output
    assert len(json.loads(r.stdout)) == 5
    r = runner.invoke(app, ["dependencies", "VNM", "--all", "--format", "json",
                            "--allies", "USA,JPN,EU"])  # fmt: skip
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)
    assert all(x["importer"] == "VNM" and x["geodep"] and x["synthetic"] for x in rows)
    r = runner.invoke(app, ["dependencies", "VNM", "--year", "1990"])
    assert r.exit_code == 1 and "not loaded" in r.output
