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
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Literal, get_args

from article2.index.aggregate import AGGREGATIONS, Aggregation
from article2.index.normalise import NORMALISATIONS, Normalisation

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


class ConfigError(ValueError):
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
        inds = tuple(replace(i, weight=float(weights.get(i.name, i.weight))) for i in self.indicators)
        return replace(self, indicators=inds)


def default_path(kind: Kind = "index") -> Path:
    """Path of the packaged default spec of ``kind``."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; allowed: {', '.join(KINDS)}")
    return Path(str(resources.files("article2.index") / f"default_{kind}.toml"))


class _Reader:
    def __init__(self, file: str):
        self.file = file

    def fail(self, key: str, msg: str) -> ConfigError:
        return ConfigError(f"{self.file}: {key}: {msg}")

    def get(self, table: dict, key: str, where: str, types, default=..., allowed=None):
        full = f"{where}.{key}" if where else key
        if key not in table:
            if default is ...:
                raise self.fail(full, "missing")
            return default
        value = table[key]
        if not isinstance(value, types) or isinstance(value, bool) and bool not in (
            types if isinstance(types, tuple) else (types,)
        ):
            raise self.fail(full, f"expected {_type_name(types)}, got {value!r}")
        if allowed is not None and value not in allowed:
            raise self.fail(full, f"{value!r} not allowed; allowed: {', '.join(map(str, allowed))}")
        return value

    def unknown(self, table: dict, known: set[str], where: str) -> None:
        extra = sorted(set(table) - known)
        if extra:
            raise self.fail(where or "top level", f"unknown keys {extra}; allowed: {sorted(known)}")


def _type_name(types) -> str:
    types = types if isinstance(types, tuple) else (types,)
    return " or ".join(t.__name__ for t in types)


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
    raw = p.read_bytes()
    try:
        doc = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{p}: not valid TOML: {exc}") from exc
    r = _Reader(str(p))
    group_key, member_key = ("pillars", "pillar") if kind == "index" else ("criteria", "criterion")
    r.unknown(
        doc,
        {"version", "kind", "title", "compute", "comparison", "sensitivity", group_key,
         "indicators"},
        "",
    )  # fmt: skip
    version = str(r.get(doc, "version", "", (str, int)))
    if version not in SUPPORTED_VERSIONS:
        raise r.fail("version", f"{version!r} not supported; allowed: {', '.join(SUPPORTED_VERSIONS)}")
    r.get(doc, "kind", "", str, allowed=(kind,))
    title = r.get(doc, "title", "", str, default="")

    compute = r.get(doc, "compute", "", dict)
    r.unknown(compute, {"normalisation", "aggregation", "winsorise", "min_coverage"}, "compute")
    norm = r.get(compute, "normalisation", "compute", str, allowed=NORMALISATIONS)
    agg = r.get(compute, "aggregation", "compute", str, allowed=AGGREGATIONS)
    wins = r.get(compute, "winsorise", "compute", list, default=[0.0, 1.0])
    if len(wins) != 2 or not all(isinstance(q, int | float) for q in wins):
        raise r.fail("compute.winsorise", f"expected [lo, hi] quantiles, got {wins!r}")
    lo, hi = float(wins[0]), float(wins[1])
    if not 0.0 <= lo < hi <= 1.0:
        raise r.fail("compute.winsorise", f"need 0 <= lo < hi <= 1, got {wins!r}")
    cov = float(r.get(compute, "min_coverage", "compute", (int, float), default=0.5))
    if not 0.0 < cov <= 1.0:
        raise r.fail("compute.min_coverage", f"need 0 < min_coverage <= 1, got {cov}")

    comp = r.get(doc, "comparison", "", dict)
    r.unknown(comp, {"set", "exclude", "actors", "definition"}, "comparison")
    cset = r.get(comp, "set", "comparison", (str, list))
    if isinstance(cset, list):
        if not all(isinstance(c, str) and len(c) == 3 for c in cset):
            raise r.fail("comparison.set", "a list must hold ISO3 codes")
        cset = tuple(c.upper() for c in cset)
    else:
        from article2.countries import Group

        allowed_sets = ("all", *get_args(Group))
        if cset not in allowed_sets:
            raise r.fail("comparison.set", f"{cset!r} not allowed; allowed: {', '.join(allowed_sets)} or a list of ISO3 codes")
    exclude = tuple(str(c).upper() for c in r.get(comp, "exclude", "comparison", list, default=[]))
    actors: tuple[str, ...] = ()
    if kind == "index":
        actors = tuple(r.get(comp, "actors", "comparison", list, default=list(ACTORS)))
        bad = [a for a in actors if a not in ACTORS]
        if bad:
            raise r.fail("comparison.actors", f"{bad} not allowed; allowed: {', '.join(ACTORS)}")
    definition = r.get(comp, "definition", "comparison", str, default="")

    sens = r.get(doc, "sensitivity", "", dict, default={})
    r.unknown(sens, {"weight_noise", "normalisations", "aggregations"}, "sensitivity")
    noise = float(r.get(sens, "weight_noise", "sensitivity", (int, float), default=0.25))
    if not 0.0 <= noise < 1.0:
        raise r.fail("sensitivity.weight_noise", f"need 0 <= weight_noise < 1, got {noise}")
    norms = tuple(r.get(sens, "normalisations", "sensitivity", list, default=[norm]))
    aggs = tuple(r.get(sens, "aggregations", "sensitivity", list, default=[agg]))
    for key, values, allowed in (("normalisations", norms, NORMALISATIONS),
                                 ("aggregations", aggs, AGGREGATIONS)):  # fmt: skip
        bad = [v for v in values if v not in allowed]
        if bad or not values:
            raise r.fail(f"sensitivity.{key}", f"{bad or 'empty'} not allowed; allowed: {', '.join(allowed)}")

    gtable = r.get(doc, group_key, "", dict)
    groups = []
    for g, body in gtable.items():
        if not isinstance(body, dict):
            raise r.fail(f"{group_key}.{g}", "expected a table with a weight")
        r.unknown(body, {"weight", "note"}, f"{group_key}.{g}")
        w = float(r.get(body, "weight", f"{group_key}.{g}", (int, float)))
        if w < 0:
            raise r.fail(f"{group_key}.{g}.weight", f"must be >= 0, got {w}")
        groups.append((g, w))
    if not groups or sum(w for _, w in groups) <= 0:
        raise r.fail(group_key, "need at least one with a positive weight")

    sources = INDEX_SOURCES if kind == "index" else SELECTION_SOURCES
    inds = []
    items = r.get(doc, "indicators", "", list)
    names = set()
    for n, item in enumerate(items):
        where = f"indicators[{n}]"
        if not isinstance(item, dict):
            raise r.fail(where, "expected a table")
        r.unknown(item, {"name", "source", member_key, "direction", "weight", "frontier",
                         "floor", "note"}, where)  # fmt: skip
        source = r.get(item, "source", where, str, allowed=tuple(sources))
        name = r.get(item, "name", where, str, default=source)
        if name in names:
            raise r.fail(f"{where}.name", f"duplicate indicator name {name!r}")
        names.add(name)
        group = r.get(item, member_key, where, str, allowed=tuple(g for g, _ in groups))
        direction = r.get(item, "direction", where, str, default="+", allowed=("+", "-"))
        w = float(r.get(item, "weight", where, (int, float), default=1.0))
        if w < 0:
            raise r.fail(f"{where}.weight", f"must be >= 0, got {w}")
        fr = r.get(item, "frontier", where, (int, float), default=None)
        fl = r.get(item, "floor", where, (int, float), default=None)
        inds.append(IndicatorSpec(name, source, group, 1 if direction == "+" else -1, w,
                                  None if fr is None else float(fr),
                                  None if fl is None else float(fl)))  # fmt: skip
    if not inds:
        raise r.fail("indicators", "need at least one indicator")
    empty = [g for g, w in groups if w > 0 and not any(i.group == g and i.weight > 0 for i in inds)]
    if empty:
        raise r.fail(group_key, f"{empty} have a weight but no indicator with a positive weight")
    return Spec(
        kind=kind,
        version=version,
        file=str(p),
        digest=hashlib.sha256(raw).hexdigest()[:12],
        title=title,
        normalisation=norm,
        aggregation=agg,
        winsorise=(lo, hi),
        min_coverage=cov,
        groups=tuple(groups),
        indicators=tuple(inds),
        comparison=cset,
        exclude=exclude,
        actors=actors,
        region_definition=definition,
        noise=noise,
        normalisations=norms,
        aggregations=aggs,
    )
