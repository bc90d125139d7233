"""The index and selection specification: a versioned TOML file, validated on load.

A spec says which indicators enter, in which pillar (index) or criterion (selection), with
which direction, weight, optional fixed frontier/floor, and how to normalise, winsorise and
aggregate, over which comparison set, and how the sensitivity analysis perturbs it. The
defaults ship as package data (``default_index.toml``, ``default_selection.toml``), each
choice explained in comments and in ``docs/methods/index.md``; ``article2 index-config --out
FILE`` writes one to copy and edit.

Errors name the file and the key (``my.toml: indicators[2].direction: ...``) and list the
allowed values of every option.
"""

from __future__ import annotations

import hashlib
import math
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from article2.index.aggregate import Aggregation
from article2.index.normalise import Normalisation
from article2.validation import DocumentError, describe, unknown_countries

__all__ = [
    "ACTORS",
    "INDEX_SOURCES",
    "SELECTION_SOURCES",
    "ConfigError",
    "IndicatorSpec",
    "Kind",
    "Spec",
    "default_path",
    "load",
    "parse",
]

Kind = Literal["index", "selection"]
KINDS: tuple[str, ...] = get_args(Kind)
SUPPORTED_VERSIONS: tuple[str, ...] = ("1",)
ACTORS: tuple[str, ...] = ("USA", "JPN", "CHN", "EU", "USA+JPN")

#: index inputs built by :mod:`article2.index.inputs`: name -> description
INDEX_SOURCES: dict[str, str] = {
    "trade_share_exports": "share of the country's exports going to the actor (COW trade)",
    "trade_share_imports": "share of the country's imports coming from the actor (COW trade)",
    "official_finance_pct_gdp": (
        "official finance commitments from the actor, mean of the last 5 years, % of GDP "
        "(AidData: China only)"
    ),
    "alliance_defense": "share of the actor's members with an ATOP defence obligation",
    "alliance_any": "share of the actor's members with any ATOP obligation",
    "igo_shared": "IGOs shared with the actor (mean over its members; COW IGO)",
    "agreements_in_force": "trade agreements in force with any member of the actor (DESTA)",
    "us_aid_pct_gdp": (
        "U.S. assistance obligations in the fiscal year, % of GDP (ForeignAssistance.gov; "
        "USA only)"
    ),
    "us_goods_trade_pct_gdp": "U.S. goods exports plus imports, % of GDP (IMF DOTS; USA only)",
    "migrants_share": "share of the country's emigrants living in the actor (UN DESA)",
    "students_share": (
        "share of the country's tertiary students abroad enrolled in the actor (OECD; actors "
        "whose every member reports: not CHN, not the EU)"
    ),
}
#: selection inputs built by :mod:`article2.index.inputs`: name -> description
SELECTION_SOURCES: dict[str, str] = {
    "gdp_growth_10y": "projected GDP growth per year over 10 years (Gapminder GDP pc × pop)",
    "gdp_growth_20y": "projected GDP growth per year over 20 years (Gapminder GDP pc × pop)",
    "gdp_log": "log10 of GDP, current USD (World Bank), latest year",
    "china_share_imports": "China's share of the country's imports (COW trade)",
    "exports_to_china_pct_gdp": "exports to China as % of GDP (COW trade, World Bank GDP)",
    "alliance_usa_jpn": "ATOP defence obligations with the USA and Japan (0-2)",
    "agreements_usa_jpn": "trade agreements in force with the USA or Japan (DESTA)",
    "agreements_chn": "trade agreements in force with China (DESTA)",
    "presence_contest": "1 − |2β − 1| with β = alliance trade share / (alliance + China)",
    "corruption_cpi": "corruption perceptions index (0-100, higher = cleaner; Gapminder)",
    "democracy_eiu": "EIU democracy index (0-100; Gapminder)",
    "freedom_fh": "Freedom House rating (1 = most free, 7 = least; Gapminder)",
}


class ConfigError(DocumentError):
    """A spec file that is not valid: the message names the file and the key."""


@dataclass(frozen=True)
class IndicatorSpec:
    """One indicator of a spec.

    Attributes:
        name: label used in outputs.
        source: the input it is built from (a key of INDEX_SOURCES / SELECTION_SOURCES).
        group: its pillar (index) or criterion (selection).
        direction: +1 (more is more) or −1.
        weight: weight within its group (≥ 0).
        frontier, floor: fixed goalposts for the ``frontier`` normalisation (None: observed).
    """

    name: str
    source: str
    group: str
    direction: int
    weight: float
    frontier: float | None = None
    floor: float | None = None


@dataclass(frozen=True)
class Spec:
    """A validated spec.

    Attributes:
        kind: ``"index"`` or ``"selection"``.
        version: spec format version.
        file: where it was read from.
        digest: SHA-256 of the file's bytes (12 hex digits), printed with results.
        title: free text.
        normalisation, aggregation: the baseline choices.
        winsorise: (lo, hi) quantiles.
        min_coverage: minimum share of indicators (by count) a country needs to be scored.
        groups: group name -> weight, in file order.
        indicators: the indicators, in file order.
        comparison: ``"all"``, a group of :func:`article2.countries.group_members`, or ISO3s.
        exclude: ISO3 keys never compared (e.g. the actors).
        actors: actors the index is computed for (index only).
        region_definition: the citation of the comparison set's definition.
        noise: weight noise ``a`` of ``w · (1 + U(−a, a))`` in the sensitivity analysis.
        normalisations, aggregations: the choices the sensitivity analysis draws from.
    """

    kind: str
    version: str
    file: str
    digest: str
    title: str
    normalisation: Normalisation
    aggregation: Aggregation
    winsorise: tuple[float, float]
    min_coverage: float
    groups: tuple[tuple[str, float], ...]
    indicators: tuple[IndicatorSpec, ...]
    comparison: str | tuple[str, ...]
    exclude: tuple[str, ...]
    actors: tuple[str, ...]
    region_definition: str
    noise: float
    normalisations: tuple[Normalisation, ...]
    aggregations: tuple[Aggregation, ...]

    @property
    def group_names(self) -> tuple[str, ...]:
        return tuple(g for g, _ in self.groups)

    def with_weights(self, **weights: float) -> Spec:
        """A copy with some indicator weights (by indicator name) replaced."""
        from dataclasses import replace

        unknown = set(weights) - {i.name for i in self.indicators}
        if unknown:
            names = ", ".join(i.name for i in self.indicators)
            raise ConfigError(f"{self.file}: unknown indicators {sorted(unknown)}; have {names}")
        bad = {k: w for k, w in weights.items() if not (math.isfinite(float(w)) and float(w) >= 0)}
        if bad:
            raise ConfigError(f"{self.file}: weights {bad}: each must be a finite number >= 0")
        inds = tuple(replace(i, weight=float(weights.get(i.name, i.weight))) for i in self.indicators)
        return replace(self, indicators=inds)


def default_path(kind: Kind = "index") -> Path:
    """Path of the packaged default spec of ``kind``."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; allowed: {', '.join(KINDS)}")
    return Path(str(resources.files("article2.index") / f"default_{kind}.toml"))


# --- the file's schema (pydantic, strict: no conversions, unknown keys refused) -----------

Weight = Annotated[
    float, Field(ge=0.0, allow_inf_nan=False, description="a finite number >= 0")
]
Goalpost = Annotated[float, Field(allow_inf_nan=False, description="a finite number")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class _Compute(_Strict):
    normalisation: Normalisation
    aggregation: Aggregation
    winsorise: Annotated[
        list[Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)]],
        Field(min_length=2, max_length=2, description="[lo, hi] quantiles, 0 <= lo < hi <= 1"),
    ] = [0.0, 1.0]
    min_coverage: Annotated[
        float, Field(gt=0.0, le=1.0, allow_inf_nan=False, description="0 < min_coverage <= 1")
    ] = 0.5


class _Comparison(_Strict):
    set: Any = Field(description="all, a group name or a list of ISO3 codes")
    exclude: list[str] = []
    actors: list[Literal[ACTORS]] | None = None  # type: ignore[valid-type]
    definition: str = ""


class _Sensitivity(_Strict):
    weight_noise: Annotated[
        float, Field(ge=0.0, lt=1.0, allow_inf_nan=False, description="0 <= weight_noise < 1")
    ] = 0.25
    normalisations: Annotated[list[Normalisation], Field(min_length=1)] | None = None
    aggregations: Annotated[list[Aggregation], Field(min_length=1)] | None = None


class _Group(_Strict):
    weight: Weight
    note: str = ""


class _Indicator(_Strict):
    source: str  # narrowed to the allowed sources by each kind
    name: Annotated[str, Field(min_length=1)] | None = None
    direction: Literal["+", "-"] = "+"
    weight: Weight = 1.0
    frontier: Goalpost | None = Field(None, description="a finite number")
    floor: Goalpost | None = Field(None, description="a finite number")
    note: str = ""


class _IndexIndicator(_Indicator):
    source: Literal[tuple(INDEX_SOURCES)]  # type: ignore[valid-type]
    pillar: str


class _SelectionIndicator(_Indicator):
    source: Literal[tuple(SELECTION_SOURCES)]  # type: ignore[valid-type]
    criterion: str


class _File(_Strict):
    version: Any = Field(description=", ".join(SUPPORTED_VERSIONS))
    title: str = ""
    compute: _Compute
    comparison: _Comparison
    sensitivity: _Sensitivity = _Sensitivity()


class _IndexFile(_File):
    kind: Literal["index"]
    pillars: dict[str, _Group]
    indicators: list[_IndexIndicator]


class _SelectionFile(_File):
    kind: Literal["selection"]
    criteria: dict[str, _Group]
    indicators: list[_SelectionIndicator]


_MODELS: dict[str, type[_IndexFile] | type[_SelectionFile]] = {"index": _IndexFile, "selection": _SelectionFile}


def _fail(file: str, key: str, msg: str) -> ConfigError:
    return ConfigError(f"{file}: {key}: {msg}", file=file, key=key)


def _comparison(file: str, cset: Any, exclude: list[str]) -> str | tuple[str, ...]:
    from article2.countries import Group

    allowed_sets = ("all", *get_args(Group))
    if isinstance(cset, list):
        if not all(isinstance(c, str) and len(c) == 3 for c in cset):
            raise _fail(file, "comparison.set", f"a list must hold ISO3 codes, got {cset!r}")
        codes = tuple(c.upper() for c in cset)
        unknown = unknown_countries(codes)
        if unknown:
            raise _fail(file, "comparison.set", f"unknown ISO3 codes {unknown} (see `article2 countries`)")
        kept = sorted(set(codes) - set(exclude))
        if len(kept) < 2:
            raise _fail(file, "comparison.set", f"needs at least two countries to compare, got {kept} "
                        f"after comparison.exclude")  # fmt: skip
        return codes
    if not isinstance(cset, str) or cset not in allowed_sets:
        raise _fail(file, "comparison.set", f"{cset!r} not allowed; allowed: "
                    f"{', '.join(allowed_sets)} or a list of ISO3 codes")  # fmt: skip
    return cset


def load(path: Path | str | None = None, *, kind: Kind = "index") -> Spec:
    """Read and validate a spec (default: the packaged default of ``kind``).

    Raises:
        ConfigError: the file is missing, not TOML, or a key is missing, mistyped or not among
            the allowed values; the message names the file and the key.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; allowed: {', '.join(KINDS)}")
    p = Path(path) if path is not None else default_path(kind)
    if not p.is_file():
        raise ConfigError(f"{p}: no such config file")
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{p}: cannot be read ({exc.strerror or exc})", file=str(p)) from exc
    try:
        doc = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{p}: not valid TOML: {exc}") from exc
    return parse(doc, kind=kind, file=str(p), digest=hashlib.sha256(raw).hexdigest()[:12])


def parse(doc: object, *, kind: Kind = "index", file: str = "spec", digest: str = "") -> Spec:
    """Validate a parsed spec document (the dict TOML gives) of ``kind``; ``file`` names it in
    errors. Raises :class:`ConfigError` like :func:`load`."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; allowed: {', '.join(KINDS)}")
    model = _MODELS[kind]
    if not isinstance(doc, dict):
        raise ConfigError(f"{file}: expected a table of keys", file=file)
    try:
        f = model.model_validate(doc, strict=True)
    except ValidationError as exc:
        err = describe(model, exc, file)
        raise ConfigError(str(err), file=file, key=err.key) from None
    version = str(f.version)
    if isinstance(f.version, bool) or not isinstance(f.version, str | int) or version not in SUPPORTED_VERSIONS:
        raise _fail(file, "version", f"{f.version!r} not supported; allowed: {', '.join(SUPPORTED_VERSIONS)}")
    group_key = "pillars" if kind == "index" else "criteria"
    member_key = "pillar" if kind == "index" else "criterion"
    c = f.compute
    lo, hi = c.winsorise
    if not lo < hi:
        raise _fail(file, "compute.winsorise", f"need 0 <= lo < hi <= 1, got {c.winsorise!r}")
    exclude = tuple(x.upper() for x in f.comparison.exclude)
    bad = unknown_countries(exclude)
    if bad:
        raise _fail(file, "comparison.exclude", f"unknown ISO3 codes {bad} (see `article2 countries`)")
    cset = _comparison(file, f.comparison.set, list(exclude))
    actors = tuple(f.comparison.actors if f.comparison.actors is not None else ACTORS) if kind == "index" else ()
    norm, agg = c.normalisation, c.aggregation
    norms = tuple(f.sensitivity.normalisations or (norm,))
    aggs = tuple(f.sensitivity.aggregations or (agg,))

    gtable: dict[str, _Group] = getattr(f, group_key)
    groups = [(g, float(body.weight)) for g, body in gtable.items()]
    if not groups or sum(w for _, w in groups) <= 0:
        raise _fail(file, group_key, "need at least one with a positive weight")
    inds = []
    names: set[str] = set()
    for n, item in enumerate(f.indicators):
        where = f"indicators[{n}]"
        name = item.name if item.name is not None else item.source
        if name in names:
            raise _fail(file, f"{where}.name", f"duplicate indicator name {name!r}")
        names.add(name)
        group = getattr(item, member_key)
        if group not in gtable:
            raise _fail(file, f"{where}.{member_key}", f"{group!r} not allowed; allowed: {', '.join(gtable)}")
        inds.append(IndicatorSpec(name, item.source, group, 1 if item.direction == "+" else -1,
                                  float(item.weight), item.frontier, item.floor))  # fmt: skip
    if not inds:
        raise _fail(file, "indicators", "need at least one indicator")
    empty = [g for g, w in groups if w > 0 and not any(i.group == g and i.weight > 0 for i in inds)]
    if empty:
        raise _fail(file, group_key, f"{empty} have a weight but no indicator with a positive weight")
    return Spec(
        kind=kind,
        version=version,
        file=file,
        digest=digest,
        title=f.title,
        normalisation=norm,
        aggregation=agg,
        winsorise=(float(lo), float(hi)),
        min_coverage=float(c.min_coverage),
        groups=tuple(groups),
        indicators=tuple(inds),
        comparison=cset,
        exclude=exclude,
        actors=actors,
        region_definition=f.comparison.definition,
        noise=float(f.sensitivity.weight_noise),
        normalisations=norms,
        aggregations=aggs,
    )
