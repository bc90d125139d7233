"""Country identity: one key (ISO3) for every code system found in the sources.

``country_converter`` (coco) is the engine: its country table supplies the ISO3, ISO2, UN and
Gleditsch-Ward codes, names, regions and the name regexes. Committed tables in
``data/countries/`` supply what coco lacks or gets wrong, one decision per row with its reason in
the ``note`` column:

``entities.tsv``
    entities coco lacks (dissolved states with ISO 3166-3 codes, entities without an ISO code
    under user-assigned ``X??`` codes) and attributes where this module disagrees with coco
    (kind, region, canonical COW/GW code shown in :func:`country_table`).
``cow.tsv``
    every Correlates of War state code and abbreviation (coco has none), with year ranges where
    the meaning of a code changes (345 Serbia/Yugoslavia/Serbia and Montenegro/Serbia, 365
    Russia/Soviet Union/Russia).
``codes.tsv``
    per code system: codes coco maps wrongly or not at all (every code of the systems coco does
    not know: ``imf``, the IMF's numeric area codes of the Direction of Trade Statistics;
    ``fa_gov``, ForeignAssistance.gov's ISO3-like codes with its own region codes; ``cepii``,
    CEPII GeoDist's ISO3 with its legacy codes), regional and income aggregates and
    other non-country categories (``status`` "aggregate"), and codes that are deliberately left
    unmapped with a reason (``status`` "unmapped").
``groups.tsv``
    group memberships coco lacks or has without dates (EU, G20, ASEAN, QUAD, DAC,
    INDO_PACIFIC); OECD (with accession years), G7 and APEC come from coco.

Precedence when two sources disagree about a code: ``codes.tsv`` > coco > ``cow.tsv`` and
``entities.tsv``. Names are matched on exact ``codes.tsv`` names first, then the regexes of
``entities.tsv`` (so that "Papal States" is not the Holy See and "Northern Cyprus" not Cyprus),
then coco's regexes.

Years: a rule may hold for a range of years (both ends inclusive, open where blank). Without a
year, a code whose meaning changes over time takes its latest meaning and a warning says so.

coco is read from its data file rather than through ``coco.CountryConverter``: the converter
cannot be constructed under pandas 3 (Namibia's ISO2 "NA" is read as missing).
"""

from __future__ import annotations

import functools
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, NamedTuple, get_args

import numpy as np
import pandas as pd

__all__ = [
    "ACTORS",
    "CodeMapping",
    "CodeSystem",
    "Group",
    "UnknownCodeError",
    "UnmappedCodeWarning",
    "actor_members",
    "country_table",
    "group_members",
    "map_codes",
    "search",
    "to_iso3",
]

CodeSystem = Literal[
    "iso3", "iso2", "cow", "cow_abb", "gw", "gapminder", "wb", "name", "manystates", "imf",
    "fa_gov", "cepii"
]
Group = Literal["EU", "G7", "G20", "OECD", "APEC", "ASEAN", "QUAD", "DAC", "INDO_PACIFIC"]
Status = Literal["country", "aggregate", "unmapped"]

_SYSTEMS: tuple[str, ...] = get_args(CodeSystem)
_GROUPS: tuple[str, ...] = get_args(Group)
_STATUSES: tuple[str, ...] = get_args(Status)
_COUNTRY, _AGGREGATE, _UNMAPPED = range(3)
_STATUS_LABELS = np.array(_STATUSES, dtype=object)

_DATA = Path(__file__).parent / "data" / "countries"
_NUMERIC_SYSTEMS = frozenset({"cow", "gw", "imf"})
# Systems that are ISO3 at heart: every entity key maps to itself, and the iso3 rows of codes.tsv
# (old ISO and Comtrade codes) apply to them too.
_ISO3_LIKE = frozenset({"iso3", "wb", "manystates", "fa_gov", "cepii"})
_CONTINENT_TO_UN_REGION = {
    "Africa": "Africa",
    "America": "Americas",
    "Asia": "Asia",
    "Europe": "Europe",
    "Oceania": "Oceania",
}
_TABLE_COLUMNS = [
    "iso3", "name", "kind", "iso2", "un_code", "cow_code", "cow_abb", "gw_code", "gapminder",
    "wb_code", "continent", "un_region", "un_subregion", "start_year", "end_year", "successor",
]  # fmt: skip


class UnknownCodeError(ValueError):
    """A code that maps to no country (unknown, or deliberately left unmapped)."""


class UnmappedCodeWarning(UserWarning):
    """Codes that no table knows: add them to ``data/countries/codes.tsv``."""


@dataclass(frozen=True)
class CodeMapping:
    """The result of :func:`map_codes`.

    Attributes
    ----------
    iso3
        Aligned to the input (same index and length); object dtype; the ISO3 key, or None for
        aggregates and unmapped codes.
    status
        Aligned to the input; object dtype; "country" (a key of :func:`country_table`, which
        includes territories and historical states), "aggregate" (a regional or income aggregate,
        a bloc or another non-country category) or "unmapped".
    unmapped
        Normalised code (str) -> number of input rows with it, for every unmapped code; missing
        values count under "".
    aggregates
        Normalised code (str) -> number of input rows with it, for every aggregate code.
    """

    iso3: pd.Series
    status: pd.Series
    unmapped: dict[str, int]
    aggregates: dict[str, int]


class _Rule(NamedTuple):
    start: int | None  # first year the rule holds (None: open)
    end: int | None  # last year the rule holds (None: open)
    iso3: str | None
    status: int
    note: str


# ---------------------------------------------------------------------------------- tables


def _read_tsv(name: str) -> pd.DataFrame:
    return pd.read_csv(
        _DATA / name, sep="\t", dtype=str, keep_default_na=False, encoding="utf-8"
    ).apply(lambda col: col.str.strip())


def _year(value: str) -> int | None:
    return int(value) if value else None


@functools.cache
def _coco() -> pd.DataFrame:
    """coco's country table, read so that Namibia's "NA" stays a code (all columns str)."""
    import country_converter

    path = country_converter.country_converter.COUNTRY_DATA_FILE
    return pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False, encoding="utf-8")


@functools.cache
def _entities() -> pd.DataFrame:
    return _read_tsv("entities.tsv")


@functools.cache
def _overrides() -> pd.DataFrame:
    table = _read_tsv("codes.tsv")
    bad = sorted(set(table["system"]) - set(_SYSTEMS))
    if bad:
        raise ValueError(f"codes.tsv: unknown systems {bad}; allowed: {list(_SYSTEMS)}")
    bad = sorted(set(table["status"]) - set(_STATUSES))
    if bad:
        raise ValueError(f"codes.tsv: unknown statuses {bad}; allowed: {list(_STATUSES)}")
    return table


@functools.cache
def _aliases() -> frozenset[str]:
    """coco codes that codes.tsv remaps under iso3 (EAT, EAZ, BA1): aliases, not entities."""
    iso3_rows = _overrides()[_overrides()["system"] == "iso3"]
    return frozenset(iso3_rows["code"]) & frozenset(_coco()["ISO3"])


def _add(rules: dict[str, list[_Rule]], code: str, iso3: str, note: str = "") -> None:
    if code and iso3:
        rules.setdefault(code, []).append(_Rule(None, None, iso3, _COUNTRY, note))


@functools.cache
def _rules(system: str) -> dict[str, tuple[_Rule, ...]]:
    """Normalised code -> its rules, sorted by start year, for one code system."""
    coco = _coco()
    coco = coco[~coco["ISO3"].isin(_aliases())]
    entities = _entities()
    base: dict[str, list[_Rule]] = {}
    if system in _ISO3_LIKE:
        for key in _entity_keys():
            _add(base, key, key)
    elif system == "iso2":
        for code, iso3 in zip(entities["iso2"], entities["iso3"], strict=True):
            _add(base, code, iso3)
        for code, iso3 in zip(coco["ISO2"], coco["ISO3"], strict=True):  # coco wins over entities
            base.pop(code, None)
            _add(base, code, iso3)
    elif system == "gw":
        for code, iso3 in zip(coco["GWcode"], coco["ISO3"], strict=True):
            _add(base, code, iso3)
    elif system == "gapminder":
        for iso3 in coco["ISO3"]:
            _add(base, iso3.lower(), iso3)
    elif system in ("cow", "cow_abb"):
        cow = _read_tsv("cow.tsv")
        column = "cow_code" if system == "cow" else "cow_abb"
        for row in cow.itertuples(index=False):
            rule = _Rule(_year(row.start_year), _year(row.end_year), row.iso3, _COUNTRY, row.note)
            base.setdefault(getattr(row, column), []).append(rule)
    # system "name" has no code base: names go through the regexes (see _name_rules).

    overrides = _overrides()
    inherited = ("iso3", system) if system in _ISO3_LIKE and system != "iso3" else (system,)
    for source in inherited:  # the system's own rows override the inherited iso3 rows
        rows = overrides[overrides["system"] == source]
        replaced: dict[str, list[_Rule]] = {}
        for row in rows.itertuples(index=False):
            code = _normalise(row.code, system)
            status = _STATUSES.index(row.status)
            iso3 = row.iso3 or None
            if (iso3 is None) != (status != _COUNTRY):
                raise ValueError(f"codes.tsv: {source} {row.code!r}: iso3 must be set iff country")
            rule = _Rule(_year(row.start_year), _year(row.end_year), iso3, status, row.note)
            replaced.setdefault(code.casefold() if system == "name" else code, []).append(rule)
        base.update(replaced)

    keys = _entity_keys()
    result = {}
    for code, rules in base.items():
        for rule in rules:
            if rule.iso3 is not None and rule.iso3 not in keys:
                raise ValueError(f"{system} code {code!r} maps to {rule.iso3!r}, not an entity")
        result[code] = tuple(sorted(rules, key=lambda r: -np.inf if r.start is None else r.start))
    return result


@functools.cache
def _entity_keys() -> frozenset[str]:
    coco = _coco()
    return frozenset(coco["ISO3"][~coco["ISO3"].isin(_aliases())]) | frozenset(_entities()["iso3"])


# ---------------------------------------------------------------------------------- names

_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")


@functools.cache
def _regexes() -> tuple[tuple[tuple[re.Pattern[str], str], ...], ...]:
    """(entity regexes, coco regexes), each a tuple of (compiled regex, ISO3)."""
    entities = _entities()
    coco = _coco()
    return (
        tuple(
            (re.compile(rx, re.IGNORECASE), iso3)
            for rx, iso3 in zip(entities["regex"], entities["iso3"], strict=True)
            if rx
        ),
        tuple(
            (re.compile(rx, re.IGNORECASE), iso3)
            for rx, iso3 in zip(coco["regex"], coco["ISO3"], strict=True)
            if rx
        ),
    )


@functools.lru_cache(maxsize=65536)
def _name_rules(name: str) -> tuple[_Rule, ...]:
    exact = _rules("name").get(name.casefold())
    if exact:
        return exact
    for regexes in _regexes():
        found = {iso3 for regex, iso3 in regexes if regex.search(name)}
        if len(found) == 1:
            (iso3,) = found
            # through the iso3 rules, which resolve coco's aliases (EAZ -> XZN for Zanzibar)
            return _rules("iso3")[iso3]
        if len(found) > 1:
            return ()  # ambiguous: reported as unmapped
    return ()


# ----------------------------------------------------------------------------- normalising

_INTEGER = re.compile(r"[+-]?\d+(\.0*)?")


def _normalise(value: object, system: str) -> str:
    """The lookup key of one raw code: str, stripped; numeric codes as int strings."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return ""
    if system in _NUMERIC_SYSTEMS:
        if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
            return str(int(value))
        if isinstance(value, (float, np.floating)):
            return str(int(value)) if float(value).is_integer() else str(value)
        text = str(value).strip()
        return str(int(float(text))) if _INTEGER.fullmatch(text) else text
    text = str(value).strip()
    if system == "name":
        text = _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text).replace("\\'", "'")
        return " ".join(text.split())
    if system == "gapminder":
        return text.lower()
    return text.upper()


def _check_system(system: str) -> None:
    if system not in _SYSTEMS:
        raise ValueError(f"unknown code system {system!r}; allowed: {', '.join(_SYSTEMS)}")


def _rules_for(key: str, system: str) -> tuple[_Rule, ...]:
    if system == "name":
        return _name_rules(key) if key else ()
    return _rules(system).get(key, ())


class _Lookup(NamedTuple):
    """Row-level result of looking codes up, before any warning is issued."""

    iso3: np.ndarray  # object, one per row
    status: np.ndarray  # int8 status code, one per row
    keys: list[str]  # normalised code of each unique input value ("" for missing)
    inverse: np.ndarray  # row -> index into keys
    unknown: list[str]  # keys no table knows (missing codes excluded)
    undated: list[str]  # time-varying keys met without a year


def _lookup(codes: pd.Series, system: str, years: pd.Series | None) -> _Lookup:
    """Look the unique codes up once, broadcast to the rows, then settle codes that change
    meaning over time row by row from ``years``."""
    inverse, uniques = pd.factorize(codes, use_na_sentinel=True)
    keys = [_normalise(value, system) for value in uniques]
    if (inverse < 0).any():  # missing codes share one extra slot, key ""
        inverse = np.where(inverse < 0, len(keys), inverse)
        keys.append("")

    iso3_by_key = np.empty(len(keys), dtype=object)
    status_by_key = np.full(len(keys), _UNMAPPED, dtype=np.int8)
    varying: list[tuple[int, tuple[_Rule, ...]]] = []
    unknown: list[str] = []
    for i, key in enumerate(keys):
        rules = _rules_for(key, system)
        if not rules:
            if key:  # a missing code is reported, but is no gap in the tables
                unknown.append(key)
            continue
        iso3_by_key[i], status_by_key[i] = rules[-1].iso3, rules[-1].status
        if len(rules) > 1:
            varying.append((i, rules))
    iso3 = iso3_by_key[inverse]
    status = status_by_key[inverse]

    undated: list[str] = []
    year_values = (
        None
        if years is None or not varying
        else pd.to_numeric(pd.Series(years), errors="coerce").to_numpy(float, na_value=np.nan)
    )
    for i, rules in varying:
        if year_values is None:
            undated.append(keys[i])  # the rows keep the latest meaning
            continue
        rows = np.flatnonzero(inverse == i)
        row_years = year_values[rows]
        if np.isnan(row_years).any():
            undated.append(keys[i])
        for rule in rules:
            low = -np.inf if rule.start is None else rule.start
            high = np.inf if rule.end is None else rule.end
            hit = rows[(row_years >= low) & (row_years <= high)]
            iso3[hit] = rule.iso3
            status[hit] = rule.status
    return _Lookup(iso3, status, keys, inverse, unknown, undated)


def _warn_undated(system: str, undated: list[str]) -> None:
    if undated:
        warnings.warn(
            f"{system} codes {sorted(undated)} change meaning over time; rows without a year "
            "took the latest meaning (pass years= to map them by year)",
            UserWarning,
            stacklevel=3,
        )


# ------------------------------------------------------------------------------ public API


def map_codes(
    codes: pd.Series, system: CodeSystem, *, years: pd.Series | None = None
) -> CodeMapping:
    """Map a column of codes of one system to ISO3 keys, row by row, dropping nothing.

    Codes may be int, float (2.0) or str; they are normalised first (stripped, numeric codes as
    int strings, Gapminder ids lower case, other codes upper case). The unique codes are looked
    up once and the result is broadcast, so a 1.35 M-row column takes well under a second.

    ``years`` (same length and order as ``codes``) picks the meaning of codes that change over
    time, e.g. COW 345 is YUG in 1990, SCG in 2000 and SRB in 2010. Without years (or where a
    year is missing) such codes take their latest meaning, with a warning. Codes no table knows
    are reported in ``unmapped`` and raise an :class:`UnmappedCodeWarning`; codes that
    ``codes.tsv`` leaves unmapped on purpose, and missing codes, are reported without a warning.

    >>> codes = pd.Series([2, 740.0, " 255", 345])
    >>> map_codes(codes, "cow", years=pd.Series([1990, 1990, 1990, 2000])).iso3.tolist()
    ['USA', 'JPN', 'DEU', 'SCG']
    >>> m = map_codes(pd.Series(["WLD", "USA", "EAS", "WLD"]), "wb")
    >>> m.status.tolist(), m.aggregates
    (['aggregate', 'country', 'aggregate', 'aggregate'], {'WLD': 2, 'EAS': 1})
    """
    _check_system(system)
    if not isinstance(codes, pd.Series):
        codes = pd.Series(codes, dtype=object)
    if years is not None and len(years) != len(codes):
        raise ValueError(f"years has {len(years)} rows but codes has {len(codes)}")
    found = _lookup(codes, system, years)
    if found.unknown:
        shown = ", ".join(repr(k) for k in sorted(found.unknown)[:20])
        more = f" and {len(found.unknown) - 20} more" if len(found.unknown) > 20 else ""
        warnings.warn(
            f"{len(found.unknown)} {system} codes map to no country: {shown}{more}; "
            "add them to article2/data/countries/codes.tsv",
            UnmappedCodeWarning,
            stacklevel=2,
        )
    _warn_undated(system, found.undated)
    return CodeMapping(
        iso3=pd.Series(found.iso3, index=codes.index, dtype=object, name=codes.name),
        status=pd.Series(
            _STATUS_LABELS[found.status], index=codes.index, dtype=object, name="status"
        ),
        unmapped=_count(found, _UNMAPPED),
        aggregates=_count(found, _AGGREGATE),
    )


def _count(found: _Lookup, status: int) -> dict[str, int]:
    counts = np.bincount(found.inverse[found.status == status], minlength=len(found.keys))
    result: dict[str, int] = {}
    for i in np.flatnonzero(counts):  # several raw values (2, 2.0, "2") can share a key
        result[found.keys[i]] = result.get(found.keys[i], 0) + int(counts[i])
    return result


def to_iso3(code: object, system: CodeSystem, *, year: int | None = None) -> str | None:
    """The ISO3 key of one code, or None for an aggregate.

    Raises :class:`UnknownCodeError` (a ValueError) naming the system and the code when the code
    maps to no country, with the reason when ``codes.tsv`` leaves it unmapped on purpose. A code
    whose meaning changes over time takes its latest meaning without ``year``, with a warning.

    >>> to_iso3(345, "cow", year=1999), to_iso3("hos", "gapminder"), to_iso3("WLD", "wb")
    ('SCG', 'VAT', None)
    """
    _check_system(system)
    found = _lookup(pd.Series([code], dtype=object), system, pd.Series([year], dtype=float))
    _warn_undated(system, found.undated)
    if found.status[0] == _UNMAPPED:
        key = found.keys[0]
        reasons = [r.note for r in _rules_for(key, system) if r.status == _UNMAPPED]
        what = "missing" if not key else "unknown" if not reasons else "unmapped"
        because = f": {reasons[0]}" if reasons else ""
        raise UnknownCodeError(f"{what} {system} code {code!r}{because}")
    return found.iso3[0]


@functools.cache
def _country_table() -> pd.DataFrame:
    coco = _coco()
    coco = coco[~coco["ISO3"].isin(_aliases())]
    table = pd.DataFrame(
        {
            "iso3": coco["ISO3"],
            "name": coco["name_short"],
            "kind": np.where(
                coco["obsolete"] != "",
                "historical",
                np.where(coco["UNmember"] != "", "country", "territory"),
            ),
            "iso2": coco["ISO2"],
            "un_code": coco["UNcode"],
            "continent": coco["continent"],
            "un_subregion": coco["UNregion"],
        }
    ).set_index("iso3")
    entities = _entities().set_index("iso3")
    for column in entities.columns.drop(["regex", "note"]):
        if column not in table:
            table[column] = ""
    table = table.reindex(table.index.union(entities.index), fill_value="")
    for column in entities.columns.drop(["regex", "note"]):
        given = entities[column][entities[column] != ""]
        table.loc[given.index, column] = given
    derived = table["un_region"] == ""
    table.loc[derived, "un_region"] = table.loc[derived, "continent"].map(_CONTINENT_TO_UN_REGION)

    for system, column in (("cow", "cow_code"), ("gw", "gw_code"), ("gapminder", "gapminder")):
        canonical = _canonical_codes(system)
        missing = table[column].fillna("") == ""
        table.loc[missing, column] = table.index[missing].map(canonical)
    cow = _read_tsv("cow.tsv")
    table["cow_abb"] = table["cow_code"].map(
        dict(zip(cow["cow_code"], cow["cow_abb"], strict=True))
    )
    table["wb_code"] = np.where(table["kind"] != "historical", table.index, None)

    table = table.reset_index()
    for column in _TABLE_COLUMNS:
        if column in ("un_code", "cow_code", "gw_code", "start_year", "end_year"):
            table[column] = pd.to_numeric(table[column].replace("", None)).astype("Int64")
        else:
            values = table[column].astype(object)
            table[column] = values.where(values.notna() & (values != ""), None)
    return table[_TABLE_COLUMNS].sort_values("iso3", ignore_index=True)


def _canonical_codes(system: str) -> dict[str, str]:
    """ISO3 -> the code of ``system`` shown in the table: the one in force latest."""
    best: dict[str, tuple[tuple[float, bool], str]] = {}
    for code, rules in _rules(system).items():
        for rule in rules:
            if rule.iso3 is None:
                continue
            rank = (np.inf if rule.end is None else rule.end, code == rule.iso3.lower())
            if rule.iso3 not in best or rank > best[rule.iso3][0]:
                best[rule.iso3] = (rank, code)
    return {iso3: code for iso3, (_, code) in best.items()}


def country_table() -> pd.DataFrame:
    """The identity table: one row per entity key (ISO3), sorted by key.

    Columns: iso3; name; kind ("country": UN members and observers, Taiwan and Kosovo;
    "territory"; "historical": dissolved states); iso2; un_code (Int64, UN M49); cow_code (Int64)
    and cow_abb; gw_code (Int64); gapminder (geo id); wb_code (the ISO3 the World Bank would use;
    None for historical entities); continent (coco's); un_region ("Asia", "Americas", ...);
    un_subregion (M49 sub-region or intermediate region, e.g. "South-eastern Asia");
    start_year and end_year (Int64; NA where the entity exists throughout the sources' period or
    still exists); successor (ISO3 of the continuing or absorbing state, NA after a partition).
    Where several codes of a system map to one key (COW 255 and 260 both to DEU) the table shows
    the canonical one. A fresh copy is returned on every call.
    """
    return _country_table().copy()


@functools.cache
def _group_table() -> pd.DataFrame:
    curated = _read_tsv("groups.tsv")
    coco = _coco()
    from_coco = [
        pd.DataFrame({"group": "OECD", "iso3": coco["ISO3"], "start_year": coco["OECD"]}),
        pd.DataFrame({"group": "G7", "iso3": coco["ISO3"], "start_year": coco["G7"]}),
        pd.DataFrame({"group": "APEC", "iso3": coco["ISO3"], "start_year": coco["APEC"]}),
    ]
    from_coco = [frame[frame["start_year"] != ""] for frame in from_coco]
    table = pd.concat([curated, *from_coco], ignore_index=True)
    for column in ("start_year", "end_year"):  # coco's G7/APEC columns hold a label, not a year
        table[column] = pd.to_numeric(table[column], errors="coerce").astype("Int64")
    return table[["group", "iso3", "start_year", "end_year"]]


def group_members(group: Group | str, year: int | None = None) -> tuple[str, ...]:
    """ISO3 keys of the members of ``group`` (one of :data:`Group`; any other name is a
    ValueError), sorted; current members when ``year`` is None.

    A country counts as a member in ``year`` if it joined in or before that year and left in or
    after it (the United Kingdom is an EU member through 2020, not in 2021). Groups or members
    without dates (G7, APEC, INDO_PACIFIC) are members in every year. OECD dates come from coco;
    EU, G20, ASEAN, QUAD and DAC from ``data/countries/groups.tsv``.
    """
    if group not in _GROUPS:
        raise ValueError(f"unknown group {group!r}; allowed: {', '.join(_GROUPS)}")
    table = _group_table()
    rows = table[table["group"] == group]
    if year is None:
        held = rows["end_year"].isna()
    else:
        held = rows["start_year"].fillna(year).le(year) & rows["end_year"].fillna(year).ge(year)
    return tuple(sorted(set(rows.loc[held.to_numpy(bool), "iso3"])))


#: the actors whose presence article2 measures, in the order every surface shows them: the
#: United States, Japan, China, the EU as a bloc (its members of each year) and the alliance
#: of the United States and Japan. These codes are the one actor vocabulary of the project.
ACTORS: tuple[str, ...] = ("USA", "JPN", "CHN", "EU", "USA+JPN")
_FIXED_ACTORS: dict[str, tuple[str, ...]] = {
    "USA": ("USA",), "JPN": ("JPN",), "CHN": ("CHN",), "USA+JPN": ("JPN", "USA"),
}  # fmt: skip


def actor_members(years) -> pd.DataFrame:
    """Who makes up each actor of :data:`ACTORS` in each of ``years``: columns ``actor, year,
    iso3`` (the EU: :func:`group_members` of that year; the others fixed). The warehouse build
    writes this table once (``actor_members``); the measures read it from there."""
    rows: list[tuple[str, int, str]] = []
    for year in sorted({int(y) for y in years}):
        for actor in ACTORS:
            members = group_members("EU", year) if actor == "EU" else _FIXED_ACTORS[actor]
            rows.extend((actor, year, iso3) for iso3 in members)
    return pd.DataFrame(rows, columns=["actor", "year", "iso3"]).astype(
        {"actor": str, "year": "int32", "iso3": str}
    )


_SEARCH_COLUMNS = (
    "iso3", "name", "iso2", "un_code", "cow_code", "cow_abb", "gw_code", "gapminder", "wb_code",
)  # fmt: skip


def search(query: str) -> pd.DataFrame:
    """Rows of :func:`country_table` whose name or any code contains ``query`` (any case).

    >>> search("yemen")["iso3"].tolist()
    ['YEM', 'YMD']
    """
    table = country_table()
    needle = query.strip().casefold()
    hit = np.zeros(len(table), dtype=bool)
    for column in _SEARCH_COLUMNS:
        text = table[column].astype("string").str.casefold()
        hit |= text.str.contains(needle, regex=False).fillna(False).to_numpy(bool)
    return table[hit].reset_index(drop=True)
