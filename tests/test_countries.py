"""Tests of article2.countries.

Cases live in tests/data/country_cases.tsv (system, code, year, expected, note): add a row to pin a
mapping. ``expected`` is an ISO3 key, ``not a country`` (an aggregate: to_iso3 returns None) or
``unmapped`` (to_iso3 raises UnknownCodeError).

The tests marked ``snapshot`` read the real data snapshot (ARTICLE2_SNAPSHOT, else
../shared/data beside the repository) and are skipped without it.
"""

from __future__ import annotations

import doctest
import os
import warnings
from pathlib import Path

import country_converter
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from article2 import countries
from article2.countries import (
    UnknownCodeError,
    UnmappedCodeWarning,
    country_table,
    group_members,
    map_codes,
    search,
    to_iso3,
)

CASES_FILE = Path(__file__).parent / "data" / "country_cases.tsv"
CASES = pd.read_csv(CASES_FILE, sep="\t", dtype=str, keep_default_na=False)
SNAPSHOT = Path(
    os.environ.get("ARTICLE2_SNAPSHOT") or Path(__file__).parents[2] / "shared" / "data"
)
needs_snapshot = pytest.mark.skipif(not SNAPSHOT.exists(), reason=f"no snapshot at {SNAPSHOT}")


def _case_id(row: pd.Series) -> str:
    year = f"@{row.year}" if row.year else ""
    return f"{row.system}:{row.code!r}{year}"


@pytest.mark.parametrize(
    "case", [row for _, row in CASES.iterrows()], ids=[_case_id(r) for _, r in CASES.iterrows()]
)
def test_case_table(case: pd.Series) -> None:
    year = int(case.year) if case.year else None
    if case.expected == "unmapped":
        with pytest.raises(UnknownCodeError, match=case.system):
            to_iso3(case.code, case.system, year=year)
    elif case.expected == "not a country":
        assert to_iso3(case.code, case.system, year=year) is None
    else:
        assert to_iso3(case.code, case.system, year=year) == case.expected


def test_case_table_covers_every_system_and_outcome() -> None:
    assert set(CASES["system"]) == set(countries._SYSTEMS)
    assert len(CASES) >= 120
    for outcome in ("not a country", "unmapped"):
        assert (CASES["expected"] == outcome).any()


@pytest.mark.parametrize("system", sorted(set(CASES["system"])))
def test_map_codes_agrees_with_to_iso3(system: str) -> None:
    cases = CASES[CASES["system"] == system]
    years = pd.to_numeric(cases["year"]).astype("Int64")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnmappedCodeWarning)
        result = map_codes(cases["code"], system, years=years)
    expected_status = (
        cases["expected"]
        .map({"not a country": "aggregate", "unmapped": "unmapped"})
        .fillna("country")
    )
    assert result.status.tolist() == expected_status.tolist()
    expected_iso3 = cases["expected"].where(expected_status == "country", None)
    assert result.iso3.tolist() == expected_iso3.tolist()


# --------------------------------------------------------------------------- map_codes


def test_map_codes_keeps_index_and_rows_and_counts_unmapped() -> None:
    codes = pd.Series([2, 740.0, "255", 999, None, 999, np.nan, "2"], index=list("abcdefgh"))
    with pytest.warns(UnmappedCodeWarning, match="999"):
        result = map_codes(codes, "cow")
    assert result.iso3.index.equals(codes.index)
    assert result.status.index.equals(codes.index)
    assert result.iso3.dtype == object
    assert result.iso3.tolist() == ["USA", "JPN", "DEU", None, None, None, None, "USA"]
    assert result.status.tolist() == ["country"] * 3 + ["unmapped"] * 4 + ["country"]
    assert result.unmapped == {"999": 2, "": 2}
    assert result.aggregates == {}


def test_map_codes_counts_aggregates() -> None:
    result = map_codes(pd.Series(["WLD", "USA", "EAS", "WLD", "XKX"]), "wb")
    assert result.aggregates == {"WLD": 2, "EAS": 1}
    assert result.iso3.tolist() == [None, "USA", None, None, "XKX"]
    assert result.unmapped == {}


def test_map_codes_accepts_int_float_and_str_dtypes() -> None:
    expected = ["USA", "DEU", "SRB"]
    years = pd.Series([2000, 2000, 2010])
    for codes in (
        pd.Series([2, 255, 345]),
        pd.Series([2.0, 255.0, 345.0]),
        pd.Series(["2", " 255", "345 "]),
        pd.Series(["2", "255", "345"], dtype="string"),
    ):
        assert map_codes(codes, "cow", years=years).iso3.tolist() == expected


def test_map_codes_uses_years_for_codes_that_change_meaning() -> None:
    codes = pd.Series([345] * 4 + [365] * 2)
    years = pd.Series([1910, 1980, 2000, 2010, 1980, 2000])
    result = map_codes(codes, "cow", years=years)
    assert result.iso3.tolist() == ["SRB", "YUG", "SCG", "SRB", "SUN", "RUS"]


def test_map_codes_without_years_warns_and_takes_latest_meaning() -> None:
    with pytest.warns(UserWarning, match="change meaning over time"):
        result = map_codes(pd.Series([345, 2]), "cow")
    assert result.iso3.tolist() == ["SRB", "USA"]
    with pytest.warns(UserWarning, match="change meaning over time"):
        result = map_codes(pd.Series([345, 345]), "cow", years=pd.Series([1980, None]))
    assert result.iso3.tolist() == ["YUG", "SRB"]


def test_map_codes_explicitly_unmapped_codes_do_not_warn() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = map_codes(pd.Series(["pse_gaza", "usa"]), "gapminder")
    assert result.unmapped == {"pse_gaza": 1}


def test_map_codes_rejects_unknown_system_and_misaligned_years() -> None:
    with pytest.raises(ValueError, match="allowed: iso3, iso2, cow"):
        map_codes(pd.Series(["USA"]), "iso4")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="rows"):
        map_codes(pd.Series([2, 20]), "cow", years=pd.Series([2000]))


def test_to_iso3_errors_name_system_code_and_reason() -> None:
    with pytest.raises(UnknownCodeError, match=r"unknown cow code 999"):
        to_iso3(999, "cow")
    with pytest.raises(UnknownCodeError, match=r"gapminder code 'pse_gaza'.*part of Palestine"):
        to_iso3("pse_gaza", "gapminder")
    assert issubclass(UnknownCodeError, ValueError)
    with pytest.warns(UserWarning, match="latest meaning"):
        assert to_iso3(345, "cow") == "SRB"


CODE_POOL = list(CASES["code"]) + [None, np.nan, "", "??", 12345]


@settings(max_examples=60, deadline=None)
@given(
    picks=st.lists(st.integers(0, len(CODE_POOL) - 1), max_size=40),
    system=st.sampled_from(countries._SYSTEMS),
    offset=st.integers(-5, 5),
)
def test_map_codes_invariants(picks: list[int], system: str, offset: int) -> None:
    codes = pd.Series([CODE_POOL[i] for i in picks], dtype=object)
    codes.index = codes.index * 3 + offset  # a non-default index must survive
    years = pd.Series(2000, index=codes.index)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = map_codes(codes, system, years=years)
    assert len(result.iso3) == len(result.status) == len(codes)
    assert result.iso3.index.equals(codes.index)
    assert set(result.status) <= {"country", "aggregate", "unmapped"}
    assert (result.iso3.notna() == (result.status == "country")).all()
    assert sum(result.unmapped.values()) == (result.status == "unmapped").sum()
    assert sum(result.aggregates.values()) == (result.status == "aggregate").sum()
    keys = set(country_table()["iso3"])
    assert set(result.iso3.dropna()) <= keys


# ----------------------------------------------------------------------- mapping tables


@pytest.mark.parametrize("system", countries._SYSTEMS)
def test_rules_of_a_code_partition_the_years(system: str) -> None:
    for code, rules in countries._rules(system).items():
        if len(rules) == 1:
            continue
        assert rules[0].start is None, (system, code, "first rule must be open to the past")
        assert rules[-1].end is None, (system, code, "last rule must be open to the future")
        for before, after in zip(rules, rules[1:], strict=False):
            assert before.end is not None and after.start == before.end + 1, (system, code)


def test_override_rows_are_not_duplicated() -> None:
    """A row of codes.tsv that another row of the same system, code and start shadows is a
    mistake: one of the two would silently do nothing."""
    overrides = countries._overrides()
    duplicated = overrides[overrides.duplicated(["system", "code", "start_year"], keep=False)]
    assert duplicated.empty, duplicated


def test_country_table_shape_and_keys() -> None:
    table = country_table()
    assert list(table.columns) == countries._TABLE_COLUMNS
    assert table["iso3"].is_unique
    assert table["iso3"].str.fullmatch(r"[A-Z]{3}").all()
    assert set(table["kind"]) == {"country", "territory", "historical"}
    assert set(table["successor"].dropna()) <= set(table["iso3"])
    for column in ("un_code", "cow_code", "gw_code", "start_year", "end_year"):
        assert table[column].dtype == "Int64"
    ended = table.dropna(subset=["end_year"])
    assert (ended["start_year"].fillna(0) <= ended["end_year"]).all()
    assert (table.loc[table["kind"] == "historical", "wb_code"].isna()).all()
    table.loc[0, "name"] = "changed"  # a copy: the cached table is not touched
    assert country_table().loc[0, "name"] != "changed"


def test_country_table_rows_for_hard_cases() -> None:
    table = country_table().set_index("iso3")
    assert table.loc["TWN", "kind"] == "country"
    assert table.loc["XKX", "kind"] == "country"
    assert table.loc["HKG", "kind"] == "territory"
    assert table.loc["MAC", "kind"] == "territory"
    assert table.loc["VAT", "gapminder"] == "hos"
    assert table.loc["DDR", "successor"] == "DEU"
    assert table.loc["SUN", "successor"] == "RUS"
    assert pd.isna(table.loc["CSK", "successor"])
    assert table.loc["DEU", "cow_code"] == 255 and table.loc["DEU", "gw_code"] == 260
    assert table.loc["VNM", "un_subregion"] == "South-eastern Asia"
    assert table.loc["VNM", "un_region"] == "Asia"
    assert table.loc["NAM", "iso2"] == "NA"
    assert table.loc["XRV", "kind"] == "historical" and table.loc["XRV", "cow_code"] == 817
    assert table.loc["USA", "un_region"] == "Americas"


def test_country_table_codes_map_back_to_their_row() -> None:
    table = country_table()
    for system, column in (("cow", "cow_code"), ("gw", "gw_code"), ("gapminder", "gapminder")):
        rules = countries._rules(system)
        for iso3, code in table[["iso3", column]].dropna().itertuples(index=False):
            targets = {rule.iso3 for rule in rules[str(code)]}
            assert iso3 in targets, (system, code, iso3)


def test_every_entity_name_maps_to_itself() -> None:
    table = country_table()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mapped = map_codes(table["name"], "name")
    wrong = table.loc[mapped.iso3.to_numpy() != table["iso3"].to_numpy(), ["iso3", "name"]]
    assert wrong.empty, wrong


def test_coco_is_read_without_losing_namibia() -> None:
    """coco.CountryConverter() breaks under pandas 3 (ISO2 'NA'); the module reads coco's file."""
    coco = countries._coco()
    assert coco.loc[coco["ISO3"] == "NAM", "ISO2"].item() == "NA"
    assert Path(country_converter.country_converter.COUNTRY_DATA_FILE).exists()


# -------------------------------------------------------------------------------- groups


def test_g7_members() -> None:
    assert group_members("G7") == ("CAN", "DEU", "FRA", "GBR", "ITA", "JPN", "USA")


def test_eu_membership_by_year() -> None:
    eu2014 = group_members("EU", 2014)
    assert len(eu2014) == 28 and "GBR" in eu2014
    eu2020 = group_members("EU", 2020)
    assert "GBR" in eu2020
    eu2021 = group_members("EU", 2021)
    assert len(eu2021) == 27 and "GBR" not in eu2021
    assert len(group_members("EU", 1958)) == 6
    assert "HRV" not in group_members("EU", 2012) and "HRV" in group_members("EU", 2013)


def test_eu_agrees_with_coco() -> None:
    coco = countries._coco()
    assert set(group_members("EU")) == set(coco.loc[coco["EU27"] != "", "ISO3"])
    assert set(group_members("EU", 2019)) == set(coco.loc[coco["EU28"] != "", "ISO3"])


def test_asean_members() -> None:
    asean = group_members("ASEAN", 2024)
    assert len(asean) == 10 and {"MMR", "VNM", "IDN"} <= set(asean)
    assert "TLS" in group_members("ASEAN")  # admitted October 2025
    assert "VNM" not in group_members("ASEAN", 1990)


def test_other_groups() -> None:
    assert len(group_members("OECD")) == 38
    assert "KOR" not in group_members("OECD", 1990) and "KOR" in group_members("OECD", 2000)
    assert len(group_members("G20")) == 19 and "AUT" not in group_members("G20")
    assert group_members("QUAD") == ("AUS", "IND", "JPN", "USA")
    assert {"TWN", "HKG", "CHN", "USA", "JPN"} <= set(group_members("APEC"))
    assert len(group_members("APEC")) == 21
    assert "PRT" not in group_members("DAC", 1980) and "PRT" in group_members("DAC", 2000)
    assert {"EST", "LTU", "KOR"} <= set(group_members("DAC"))
    indo_pacific = set(group_members("INDO_PACIFIC"))
    assert {"IDN", "VNM", "IND", "AUS", "FJI", "PHL"} <= indo_pacific
    assert "USA" not in indo_pacific


def test_group_members_are_table_keys() -> None:
    keys = set(country_table()["iso3"])
    for group in countries._GROUPS:
        assert set(group_members(group)) <= keys, group


def test_unknown_group_lists_allowed() -> None:
    with pytest.raises(ValueError, match="allowed: EU, G7, G20, OECD, APEC, ASEAN, QUAD, DAC"):
        group_members("NATO")  # type: ignore[arg-type]


# -------------------------------------------------------------------------------- search


def test_docstring_examples_run() -> None:
    assert doctest.testmod(countries).failed == 0


def test_search() -> None:
    assert {"VNM", "XRV", "VDR"} <= set(search("viet")["iso3"])
    assert "VAT" in set(search("HOS")["iso3"])  # gapminder id
    assert set(search("713")["iso3"]) == {"TWN"}  # COW/GW code
    assert list(search("Zzzz").columns) == countries._TABLE_COLUMNS
    assert search("Zzzz").empty


# ------------------------------------------------------------------------------ snapshot

SNAPSHOT_COLUMNS = [
    # (file, code columns, system, year column or None)
    ("cow_trade/cow_dyadic_trade_4.0.csv.gz", ["ccode1", "ccode2"], "cow", "year"),
    ("peace_science/atop_alliance.csv.gz", ["ccode1", "ccode2"], "cow", "year"),
    ("peace_science/cow_igo_ndy.csv.gz", ["ccode1", "ccode2"], "cow", "year"),
    ("peace_science/cow_igo_sy.csv.gz", ["ccode"], "cow", "year"),
    ("peace_science/cow_nmc.csv.gz", ["ccode"], "cow", "year"),
    ("peace_science/cow_capitals.csv.gz", ["ccode"], "cow", "stdate"),
    ("peace_science/cow_contdir.csv.gz", ["ccode1", "ccode2"], "cow", "stdate"),
    ("peace_science/cow_states.csv.gz", ["ccode"], "cow", "styear"),
    ("peace_science/cow_states.csv.gz", ["stateabb"], "cow_abb", "styear"),
    ("peace_science/cow_states.csv.gz", ["statenme"], "name", None),
    ("peace_science/cow_capitals.csv.gz", ["statenme"], "name", None),
    ("aiddata_gcdf/cow_gcdf.csv", ["ccode"], "cow", "year"),
    ("aiddata_gcdf/gw_gcdf.csv", ["gwcode"], "gw", "year"),
    ("comtrade_penppml/trade.csv.gz", ["exp", "imp"], "iso3", "time"),
    ("comtrade_penppml/countries.csv", ["iso"], "iso3", None),
    ("comtrade_penppml/countries.csv", ["name"], "name", None),
    ("wb_gdp/gdp.csv", ["Country Code"], "wb", "Year"),
    ("wb_gdp/gdp.csv", ["Country Name"], "name", None),
    ("wb_population/population.csv", ["Country Code"], "wb", "Year"),
    ("wb_population/population.csv", ["Country Name"], "name", None),
    *[
        (f"agtpa/Chapter{c}Application{a}.dta", ["exporter", "importer"], "iso3", "year")
        for c in (1, 2)
        for a in (1, 2)
    ],
    *[
        (
            f"gapminder/ddf--datapoints--{name}--by--country--time.csv",
            ["country"],
            "gapminder",
            "time",
        )
        for name in (
            "corruption_perception_index_cpi",
            "demox_eiu",
            "freedix_fh",
            "gdp_pcap",
            "pop",
        )
    ],
    *[
        (f"trade_agreements/{name}_mem.csv.gz", ["stateID"], "manystates", "Begin")
        for name in ("desta", "gptad", "huggo")
    ],
    *[
        (f"trade_agreements/{name}_mem.csv.gz", ["StateName"], "name", None)
        for name in ("desta", "gptad", "huggo")
    ],
]


def _read_snapshot(file: str) -> pd.DataFrame:
    path = SNAPSHOT / file
    if path.suffix == ".dta":
        return pd.read_stata(path)
    return pd.read_csv(path, keep_default_na=False, low_memory=False)


def _years(column: pd.Series) -> pd.Series:
    """Year numbers from a year column or from dates such as '1990-10-03' (missing -> NaN)."""
    return pd.to_numeric(column.astype(str).str[:4], errors="coerce")


@pytest.mark.snapshot
@needs_snapshot
@pytest.mark.parametrize(
    ("file", "columns", "system", "year_column"),
    SNAPSHOT_COLUMNS,
    ids=[f"{f}:{s}" for f, _, s, _ in SNAPSHOT_COLUMNS],
)
def test_snapshot_codes_are_all_accounted_for(
    file: str, columns: list[str], system: str, year_column: str | None
) -> None:
    """Every distinct code is a country, an aggregate, or unmapped on purpose (codes.tsv)."""
    frame = _read_snapshot(file)
    for column in columns:
        years = _years(frame[year_column]) if year_column else None
        with warnings.catch_warnings():
            warnings.simplefilter("error", UnmappedCodeWarning)  # a code no table knows
            warnings.filterwarnings("ignore", "change meaning over time")
            result = map_codes(frame[column], system, years=years)
        assert len(result.iso3) == len(frame)
        print(
            f"\n{file}:{column} [{system}] rows={len(frame)} codes={frame[column].nunique()} "
            f"aggregates={result.aggregates} unmapped={result.unmapped}"
        )
        for code in result.unmapped:
            rules = countries._rules_for(code, system)
            assert (code == "") or (rules and rules[-1].status == countries._UNMAPPED), code


@pytest.mark.snapshot
@needs_snapshot
def test_snapshot_codes_and_names_agree() -> None:
    """Where a file carries both a code and a name, both must map to the same key."""
    for file, code_column, system, name_column in (
        ("comtrade_penppml/countries.csv", "iso", "iso3", "name"),
        ("wb_gdp/gdp.csv", "Country Code", "wb", "Country Name"),
        ("wb_population/population.csv", "Country Code", "wb", "Country Name"),
    ):
        frame = _read_snapshot(file)[[code_column, name_column]].drop_duplicates()
        by_code = map_codes(frame[code_column], system)
        by_name = map_codes(frame[name_column], "name")
        assert by_code.status.tolist() == by_name.status.tolist(), file
        assert by_code.iso3.tolist() == by_name.iso3.tolist(), file


@pytest.mark.snapshot
@needs_snapshot
def test_snapshot_cow_and_gw_files_agree() -> None:
    """AidData ships the same recipient-years coded by COW and by GW: the keys must agree."""
    cow = _read_snapshot("aiddata_gcdf/cow_gcdf.csv")
    gw = _read_snapshot("aiddata_gcdf/gw_gcdf.csv")
    amounts = [c for c in cow.columns if c.endswith(("_amt", "_adj"))]
    cow["iso3"] = map_codes(cow["ccode"], "cow", years=cow["year"]).iso3
    gw["iso3"] = map_codes(gw["gwcode"], "gw", years=gw["year"]).iso3
    key = ["year", *amounts]  # rows identified by their amounts, where those are unique
    cow = cow[~cow.duplicated(key, keep=False)]
    gw = gw[~gw.duplicated(key, keep=False)]
    joined = cow.merge(gw, on=key, suffixes=("_cow", "_gw"))
    assert len(joined) > 1500
    disagree = joined[joined["iso3_cow"] != joined["iso3_gw"]]
    assert disagree.empty, disagree[["year", "ccode", "gwcode", "iso3_cow", "iso3_gw"]]
