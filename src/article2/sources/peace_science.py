"""Peace-science tables: COW states, capitals, contiguity, IGOs, NMC and ATOP alliances.

Producers: Correlates of War Project (https://correlatesofwar.org/data-sets/) and the
Alliance Treaty Obligations and Provisions project (https://www.atopdata.org/), as packaged by
the peacesciencer R package (Steve Miller, https://svmiller.com/peacesciencer/).
Formats read here: CSV (optionally gzipped) with COW numeric state codes:

- ``cow_states``: stateabb, ccode, statenme, styear, stmonth, stday, endyear, endmonth, endday
- ``cow_capitals``: ccode, statenme, capital, stdate, enddate, lat, lng
- ``cow_contdir``: ccode1, ccode2, conttype, stdate, enddate (COW Direct Contiguity 3.2)
- ``cow_igo_ndy``: ccode1, ccode2, year, dyadigos (non-directed dyad-years; shared IGOs)
- ``cow_igo_sy``: ccode, year, sum_igo_full, sum_igo_associate, sum_igo_observer, sum_igo_anytype
- ``cow_nmc``: ccode, year, milex, milper, irst, pec, tpop, upop, cinc (NMC 6.0; -9 = missing)
- ``atop_alliance``: ccode1, ccode2, year, atop_defense, atop_offense, atop_neutral,
  atop_nonagg, atop_consul (ATOP 5.1 directed dyad-years, 0/1)
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from article2.provenance import Origin
from article2.sources import _base as b

__all__ = ["INDICATORS", "ORIGIN", "read"]

ORIGIN = Origin(
    source_id="peace_science",
    dataset="peace_science",
    title="Correlates of War and ATOP tables (via peacesciencer)",
    producer="Correlates of War Project; ATOP; packaged by peacesciencer (Steve Miller)",
    license="package GPL-2; underlying data free with citation",
    sha256="",
    citation="Miller, S. (2022). peacesciencer: An R Package for Quantitative Peace Science "
    "Research. Conflict Management and Peace Science 39(6).",
    url="https://svmiller.com/peacesciencer/",
)

NMC = {
    "milex": (
        "nmc_milex",
        "thousands of current USD (pre-1914: UK pounds)",
        "Military expenditure",
    ),
    "milper": ("nmc_milper", "thousands of persons", "Military personnel"),
    "irst": ("nmc_irst", "thousands of tons", "Iron and steel production"),
    "pec": ("nmc_pec", "thousands of coal-ton equivalents", "Primary energy consumption"),
    "tpop": ("nmc_tpop", "thousands of persons", "Total population"),
    "upop": ("nmc_upop", "thousands of persons", "Urban population"),
    "cinc": ("nmc_cinc", "share of system total", "Composite Index of National Capability"),
}
IGO_SY = {
    "sum_igo_full": ("igo_full", "count", "IGOs of which the state is a full member"),
    "sum_igo_associate": (
        "igo_associate",
        "count",
        "IGOs of which the state is an associate member",
    ),
    "sum_igo_observer": ("igo_observer", "count", "IGOs in which the state is an observer"),
    "sum_igo_anytype": ("igo_anytype", "count", "IGOs with any kind of membership"),
}
ATOP = {
    f"atop_{k}": (f"atop_{k}", "0/1", f"ATOP {desc} obligation between o and d")
    for k, desc in [
        ("defense", "defense"),
        ("offense", "offense"),
        ("neutral", "neutrality"),
        ("nonagg", "non-aggression"),
        ("consul", "consultation"),
    ]
}

#: indicator -> (unit, description, directed)
INDICATORS = {
    **{v[0]: (v[1], v[2], False) for v in NMC.values()},
    **{v[0]: (v[1], v[2], False) for v in IGO_SY.values()},
    **{v[0]: (v[1], v[2], True) for v in ATOP.values()},
    "igo_shared": ("count", "IGOs in which both states are full members (COW IGO dyadigos)", False),
}


def read(path: Path, origin: Origin) -> b.ReadResult:
    """Dispatch on the file name (``cow_states``, ``cow_capitals``, ...)."""
    stem = path.name.split(".")[0]
    readers = {
        "cow_states": _states,
        "cow_capitals": _capitals,
        "cow_contdir": _contiguity,
        "cow_igo_ndy": _igo_dyads,
        "cow_igo_sy": _igo_state_year,
        "cow_nmc": _nmc,
        "atop_alliance": _atop,
    }
    if stem not in readers:
        raise ValueError(f"{origin.source_id}: no reader for {stem!r}; known: {', '.join(readers)}")
    return readers[stem](path, origin.source_id)


def _country_year(path: Path, sid: str, spec: dict[str, tuple[str, str, str]]) -> b.ReadResult:
    df = b.read_csv_text(path, sid, ("ccode", "year", *spec))
    q = b.Quarantine(sid)
    report: list[pd.DataFrame] = []
    year = b.to_number(df, "year", q, integer=True)
    values = {c: b.to_number(df, c, q, missing=("-9",), nonnegative=True) for c in spec}
    iso = b.map_country(df, "ccode", "cow", q, years=year, report=report).iso3
    frame = pd.DataFrame({"iso3": iso, "year": year, "_row": df.index, **values})
    b.flag_duplicates(df.drop(index=q.bad_index()), ["ccode", "year"], q, "ccode")
    frame = frame.drop(index=q.bad_index())
    obs = b.melt_obs(frame, ["iso3", "year"], {c: v[0] for c, v in spec.items()})
    obs = b.resolve_observations(obs, ["iso3", "year", "indicator"], q)
    obs["year"] = obs["year"].astype("int32")
    return b.finish({"country_year": obs}, len(df), q, report)


def _nmc(path: Path, sid: str) -> b.ReadResult:
    return _country_year(path, sid, NMC)


def _igo_state_year(path: Path, sid: str) -> b.ReadResult:
    return _country_year(path, sid, IGO_SY)


def _dyads(path: Path, sid: str, spec: dict[str, str], *, both_directions: bool) -> b.ReadResult:
    df = b.read_csv_text(path, sid, ("ccode1", "ccode2", "year", *spec))
    q = b.Quarantine(sid)
    report: list[pd.DataFrame] = []
    year = b.to_number(df, "year", q, integer=True)
    values = {c: b.to_number(df, c, q, missing=("-9",), nonnegative=True) for c in spec}
    iso1 = b.map_country(df, "ccode1", "cow", q, years=year, report=report).iso3
    iso2 = b.map_country(df, "ccode2", "cow", q, years=year, report=report).iso3
    frame = pd.DataFrame({"iso3_o": iso1, "iso3_d": iso2, "year": year, "_row": df.index, **values})
    b.flag_duplicates(df.drop(index=q.bad_index()), ["ccode1", "ccode2", "year"], q, "ccode1")
    frame = frame.drop(index=q.bad_index())
    keys = ["iso3_o", "iso3_d", "year"]
    obs = b.melt_obs(frame, keys, spec)
    if both_directions:
        flipped = obs.rename(columns={"iso3_o": "iso3_d", "iso3_d": "iso3_o"})
        obs = pd.concat([obs, flipped], ignore_index=True)
    obs = b.resolve_observations(obs, [*keys, "indicator"], q)
    obs["year"] = obs["year"].astype("int32")
    return b.finish({"dyad_year": obs}, len(df), q, report)


def _igo_dyads(path: Path, sid: str) -> b.ReadResult:
    return _dyads(path, sid, {"dyadigos": "igo_shared"}, both_directions=True)


def _atop(path: Path, sid: str) -> b.ReadResult:
    return _dyads(path, sid, {c: v[0] for c, v in ATOP.items()}, both_directions=False)


def _date_col(df: pd.DataFrame, col: str, q: b.Quarantine) -> pd.Series:
    dates, precision = b.parse_dates(df[col])
    q.add(
        dates.isna() & precision.isna() & ~df[col].str.strip().isin(b.MISSING_TOKENS),
        col,
        "not a date (YYYY-MM-DD)",
        df[col],
    )
    return dates


def _states(path: Path, sid: str) -> b.ReadResult:
    cols = (
        "stateabb",
        "ccode",
        "statenme",
        "styear",
        "stmonth",
        "stday",
        "endyear",
        "endmonth",
        "endday",
    )
    df = b.read_csv_text(path, sid, cols)
    q = b.Quarantine(sid)
    report: list[pd.DataFrame] = []
    parts = {c: b.to_number(df, c, q, integer=True) for c in cols[3:]}
    code = b.to_number(df, "ccode", q, integer=True)
    start = pd.to_datetime(
        pd.DataFrame({"year": parts["styear"], "month": parts["stmonth"], "day": parts["stday"]}),
        errors="coerce",
    )
    end = pd.to_datetime(
        pd.DataFrame(
            {"year": parts["endyear"], "month": parts["endmonth"], "day": parts["endday"]}
        ),
        errors="coerce",
    )
    q.add(start.isna() & parts["styear"].notna(), "styear", "invalid start date")
    iso = b.map_country(df, "ccode", "cow", q, years=parts["endyear"], report=report).iso3
    out = pd.DataFrame(
        {
            "iso3": iso,
            "cow_code": code,
            "cow_abb": df["stateabb"].str.strip(),
            "name": df["statenme"],
            "start_date": start,
            "end_date": end,
            "_row": df.index,
        }
    )
    b.flag_duplicates(out.drop(index=q.bad_index()), ["cow_code", "start_date"], q, "ccode")
    return b.finish({"state_system": out}, len(df), q, report)


def _capitals(path: Path, sid: str) -> b.ReadResult:
    df = b.read_csv_text(
        path, sid, ("ccode", "statenme", "capital", "stdate", "enddate", "lat", "lng")
    )
    q = b.Quarantine(sid)
    report: list[pd.DataFrame] = []
    code = b.to_number(df, "ccode", q, integer=True)
    start = _date_col(df, "stdate", q)
    end = _date_col(df, "enddate", q)
    lat = b.to_number(df, "lat", q)
    lng = b.to_number(df, "lng", q)
    q.add(lat.abs() > 90, "lat", "latitude outside [-90, 90]", df["lat"])
    q.add(lng.abs() > 180, "lng", "longitude outside [-180, 180]", df["lng"])
    iso = b.map_country(df, "ccode", "cow", q, years=end.dt.year, report=report).iso3
    out = pd.DataFrame(
        {
            "iso3": iso,
            "cow_code": code,
            "name": df["statenme"],
            "capital": df["capital"],
            "start_date": start,
            "end_date": end,
            "lat": lat,
            "lng": lng,
            "_row": df.index,
        }
    )
    b.flag_duplicates(out.drop(index=q.bad_index()), ["cow_code", "start_date"], q, "ccode")
    return b.finish({"capitals": out}, len(df), q, report)


def _contiguity(path: Path, sid: str) -> b.ReadResult:
    df = b.read_csv_text(path, sid, ("ccode1", "ccode2", "conttype", "stdate", "enddate"))
    q = b.Quarantine(sid)
    report: list[pd.DataFrame] = []
    c1 = b.to_number(df, "ccode1", q, integer=True)
    c2 = b.to_number(df, "ccode2", q, integer=True)
    ctype = b.to_number(df, "conttype", q, integer=True)
    # 1 = land or river border ... 5 = up to 400 miles of water; the peacesciencer copy also has
    # 0 in 180 rows, kept as delivered
    q.add(
        ~ctype.isin([0, 1, 2, 3, 4, 5]) & ctype.notna(),
        "conttype",
        "contiguity type not in 0..5",
        df["conttype"],
    )
    start = _date_col(df, "stdate", q)
    end = _date_col(df, "enddate", q)
    iso1 = b.map_country(df, "ccode1", "cow", q, years=end.dt.year, report=report).iso3
    iso2 = b.map_country(df, "ccode2", "cow", q, years=end.dt.year, report=report).iso3
    out = pd.DataFrame(
        {
            "iso3_a": iso1,
            "iso3_b": iso2,
            "cow_a": c1,
            "cow_b": c2,
            "conttype": ctype,
            "start_date": start,
            "end_date": end,
            "_row": df.index,
        }
    )
    b.flag_duplicates(out.drop(index=q.bad_index()), ["cow_a", "cow_b", "start_date"], q, "ccode1")
    flipped = out.rename(
        columns={"iso3_a": "iso3_b", "iso3_b": "iso3_a", "cow_a": "cow_b", "cow_b": "cow_a"}
    )
    both = pd.concat([out, flipped], ignore_index=True).drop_duplicates(
        ["cow_a", "cow_b", "start_date"]
    )
    return b.finish({"contiguity": both}, len(df), q, report)
