"""Bad documents people write: scenario YAML and index/selection TOML.

Each case is refused with one error naming the file, the key and what is allowed (never a
traceback from deep inside the model, never a silent result); generated documents (hypothesis)
give a valid result or that error, never another exception.
"""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from article2.index import config as cfg
from article2.index.compute import matrix
from article2.models import scenarios
from article2.validation import DocumentError

BASE = {
    "name": "x",
    "title": "test",
    "data": "agtpa",
    "estimation_years": [1990, 1994],
    "baseline_year": 1994,
    "reference": "DEU",
    "sigma": 7,
    "change": {"kind": "agreement_remove", "members": ["CAN", "MEX", "USA"]},
}
PAIR = {"kind": "pair_cost", "pairs": [["CHN", "AUS"]], "ad_valorem": 0.25}


def _scenario_file(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "bad.yaml"
    p.write_text(text)
    return p


def _yaml(doc: dict, **changes) -> str:
    out = {**doc, **{k: v for k, v in changes.items() if not k.startswith("change_")}}
    ch = {**out["change"]}
    ch.update({k.removeprefix("change_"): v for k, v in changes.items() if k.startswith("change_")})
    out["change"] = ch
    return yaml.safe_dump(out)


# ------------------------------------------------------------------------ scenario cases


@pytest.mark.parametrize(
    ("text", "match"),
    [
        (_yaml(BASE, change_members=5), r"change\.members: expected a list, got 5"),
        (_yaml({**BASE, "change": PAIR}, change_pairs=3), r"change\.pairs: expected a list, got 3"),
        (_yaml(BASE, estimation_years=2014),
         r"estimation_years: expected a list, got 2014 \(allowed: a list of years"),
        (_yaml(BASE, baseline_year=[1994]),
         r"baseline_year: expected an integer, got \[1994\] \(allowed: one year in 1900-2100\)"),
        (_yaml({**BASE, "change": PAIR}, change_ad_valorem=-1),
         r"change\.ad_valorem: input should be greater than -1, got -1 \(allowed: .*1 \+ "
         r"ad_valorem, which must stay positive"),
        (_yaml({**BASE, "change": PAIR}, change_ad_valorem=-2.0),  # -200 %: priced like 0 % before
         r"change\.ad_valorem: input should be greater than -1, got -2\.0"),
        (_yaml({**BASE, "change": PAIR}, change_ad_valorem=-1.5),  # priced at 0.0 before
         r"change\.ad_valorem: input should be greater than -1, got -1\.5"),
        (_yaml(BASE).replace("sigma: 7", "sigma: .inf"),
         r"sigma: input should be a finite number, got inf \(allowed: a finite number, 1 < sigma"),
        (_yaml(BASE).replace("sigma: 7", "sigma: .nan"), r"sigma: input should be a finite number"),
        (_yaml(BASE).replace("sigma: 7", "sigma: 1+2j"),
         r"sigma: expected a number, got '1\+2j' \(allowed: a finite number, 1 < sigma <= 21"),
        (_yaml(BASE).replace("sigma: 7", "sigma: !!python/complex 1+2j"), r"not valid YAML"),
        (_yaml(BASE, sigma=1), r"sigma: input should be greater than 1"),
        (_yaml(BASE, sigma=500), r"sigma: input should be less than or equal to 21"),
        (_yaml(BASE, sigma=True), r"sigma: expected a number, got True"),
        (_yaml(BASE, baseline_year="1994"), r"baseline_year: expected an integer, got '1994'"),
        (_yaml(BASE, baseline_year=2000), r"baseline_year 2000 must be one of estimation_years"),
        (_yaml(BASE, data="baci"), r"data: 'baci' not allowed; allowed: agtpa, comtrade"),
        (_yaml(BASE, change_kind="grow"),
         r"change\.kind: 'grow' not allowed; allowed: agreement_remove, agreement_join, pair_cost"),
        (_yaml(BASE, change_members=["CAN"]), r"change\.members: needs at least 2 items, got \[\'CAN\'\]"),
        (_yaml(BASE, change_members=["CAN", "CANADA"]), r"change\.members\[1\]: expected an ISO3"),
        (_yaml(BASE, change_members=["CAN", "CAN"]), r"change\.members: listed more than once"),
        (_yaml({**BASE, "change": PAIR}, change_pairs=[["CHN", "CHN"]]),
         r"change\.pairs\[0\]: a pair names two different countries"),
        (_yaml({**BASE, "change": PAIR}, change_pairs=[["CHN", "AUS", "JPN"]]),
         r"change\.pairs\[0\]: needs at most 2 items"),
        (_yaml(BASE, change_ad_valorem=0.1),
         r"change: unknown keys \['ad_valorem'\]; allowed: \['agreement', 'kind', 'members'\]"),
        (_yaml(BASE, colour="red"), r"top level: unknown keys \['colour'\]; allowed: \[.*'sigma'"),
        (_yaml(BASE, reference=None), r"reference: expected a string, got None"),
        ("- a\n- b\n", r"expected a table \(mapping\) of keys, got list"),
        ("", r"expected a table \(mapping\) of keys, got NoneType"),
    ],
)  # fmt: skip
def test_scenario_bad_value_is_named(tmp_path, text, match):
    p = _scenario_file(tmp_path, text)
    with pytest.raises(DocumentError, match=match) as err:
        scenarios.load_scenario(p)
    assert str(err.value).startswith(str(p))


def test_scenario_error_is_a_value_error_for_callers(tmp_path):
    p = _scenario_file(tmp_path, _yaml(BASE, change_members=5))
    with pytest.raises(ValueError, match="change.members"):
        scenarios.load_scenario(p)


def test_scenario_not_utf8_is_named(tmp_path):
    p = tmp_path / "bad.yaml"
    p.write_bytes(b"name: \xff\xfe\n")
    with pytest.raises(DocumentError, match="bad.yaml: cannot be read as UTF-8"):
        scenarios.load_scenario(p)


def test_negative_pair_cost_above_minus_100_percent_lowers_the_cost():
    """-50 %: the cost factor 1 + t = 0.5 > 0, so trade gets cheaper: τ̂ = 0.5^(1-σ) = 64 > 1
    (before, -200 % gave τ̂ = (-1)^-6 = 1, the result of 0 %)."""
    sc = scenarios.parse_scenario({**BASE, "change": {**PAIR, "ad_valorem": -0.5}}, where="s")
    tau = scenarios.tau_hat(sc.change, ["AUS", "CHN"], np.zeros((2, 2)), beta=None, sigma=7.0)
    assert tau[1, 0] == pytest.approx(0.5**-6) and tau[0, 1] == pytest.approx(0.5**-6)
    assert tau[0, 0] == 1.0


def test_example_scenarios_stay_valid():
    for p in sorted(Path("examples/scenarios").glob("*.yaml")):
        assert scenarios.load_scenario(p).name == p.stem


# ------------------------------------------------------------------- index config cases


def _config(tmp_path: Path, old: str, new: str, kind: str = "index") -> Path:
    text = cfg.default_path(kind).read_text()
    assert old in text, old
    p = tmp_path / "bad.toml"
    p.write_text(text.replace(old, new, 1))
    return p


@pytest.mark.parametrize(
    ("old", "new", "match"),
    [
        ("weight = 2.0", "weight = nan",
         r"indicators\[3\]\.weight: input should be a finite number, got nan \(allowed: a finite "
         r"number >= 0\)"),
        ("weight = 2.0", "weight = inf", r"indicators\[3\]\.weight: .* finite number, got inf"),
        ("weight = 2.0", "weight = -1", r"indicators\[3\]\.weight: input should be greater than or "
         r"equal to 0"),
        ("weight = 1.0\n[pillars.security]", "weight = -inf\n[pillars.security]",
         r"pillars\.economic\.weight: .*finite number, got -inf"),
        ("frontier = 1.0   #", "frontier = nan   #", r"indicators\[0\]\.frontier: .*finite"),
        ("winsorise = [0.025, 0.975]", "winsorise = [nan, 0.975]",
         r"compute\.winsorise\[0\]: .*finite"),
        ("weight_noise = 0.25", "weight_noise = inf", r"sensitivity\.weight_noise: .*finite"),
        ('set = "all"', 'set = ["XXX", "YYY"]',
         r"comparison\.set: unknown ISO3 codes \['XXX', 'YYY'\]"),
        ('set = "all"', 'set = ["VNM"]', r"comparison\.set: needs at least two countries"),
        ('set = "all"\nexclude = []', 'set = ["VNM", "THA"]\nexclude = ["THA"]',
         r"comparison\.set: needs at least two countries to compare, got \['VNM'\]"),
        ("exclude = []", 'exclude = ["ZZZ"]', r"comparison\.exclude: unknown ISO3 codes \['ZZZ'\]"),
        ('set = "all"', "set = 5", r"comparison\.set: 5 not allowed; allowed: all, EU"),
        ("winsorise = [0.025, 0.975]", "winsorise = 0.5",
         r"compute\.winsorise: expected a list, got 0\.5"),
        ('actors = ["USA", "JPN", "CHN", "EU", "USA+JPN"]', 'actors = ["USA", "KOR"]',
         r"comparison\.actors\[1\]: 'KOR' not allowed; allowed: USA, JPN, CHN, EU, USA\+JPN"),
        ('version = "1"', "version = true", r"version: True not supported; allowed: 1"),
        ("[compute]", "[compute]\nspeed = 1\nfoo = 2",
         r"compute: unknown keys \['foo', 'speed'\]; allowed: \['aggregation'"),
        ('normalisations = ["minmax", "frontier", "zscore"]', 'normalisations = "minmax"',
         r"sensitivity\.normalisations: expected a list"),
    ],
)  # fmt: skip
def test_index_config_bad_value_is_named(tmp_path, old, new, match):
    p = _config(tmp_path, old, new)
    with pytest.raises(cfg.ConfigError, match=match) as err:
        cfg.load(p, kind="index")
    assert str(err.value).startswith(str(p))


def test_selection_config_bad_criterion_is_named(tmp_path):
    p = _config(tmp_path, 'criterion = "growth"', 'criterion = "grow"', kind="selection")
    with pytest.raises(cfg.ConfigError, match=r"indicators\[0\]\.criterion: 'grow' not allowed; "
                       r"allowed: growth, size, strategic, governance"):  # fmt: skip
        cfg.load(p, kind="selection")


def test_with_weights_refuses_non_finite():
    spec = cfg.load(kind="index")
    with pytest.raises(cfg.ConfigError, match="finite number >= 0"):
        spec.with_weights(exports_share=float("nan"))


def _long(codes):
    rows = [{"iso3": c, "indicator": "trade_share_exports", "value": v, "year": 2014,
             "source_id": "s"} for c, v in zip(codes, (0.1, 0.5, 0.9), strict=False)]  # fmt: skip
    return pd.DataFrame(rows)


@pytest.mark.parametrize("codes", [[], ["VNM"], ["XXX"]])
def test_comparison_set_of_fewer_than_two_countries_with_data_is_named(codes):
    """Before: "zero-size array to reduction operation" from deep in numpy."""
    spec = cfg.load(kind="index")
    with pytest.raises(ValueError, match=r"comparison set: \d countries with data .*need at least two"):
        matrix(_long(codes), spec, codes)


def test_comparison_set_where_no_indicator_differs_is_named():
    spec = cfg.load(kind="index")
    long = _long(["VNM", "THA"]).assign(value=0.3)
    with pytest.raises(ValueError, match="no indicator separates the 2 countries"):
        matrix(long, spec, ["VNM", "THA"])


# ------------------------------------------------------- generated documents (hypothesis)

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=8),
    st.sampled_from(["DEU", "USA", "CAN", "agtpa", "pair_cost", "agreement_join", "+", "-",
                     "minmax", "economic", "all", "ASEAN", "1", "index", "selection"]),
)  # fmt: skip
_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=10,
)


def _paths(doc, prefix=()):
    """Every key path of a nested document (dicts and lists)."""
    yield prefix
    if isinstance(doc, dict):
        for k, v in doc.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            yield from _paths(v, (*prefix, i))


@st.composite
def _mutated(draw, base: dict):
    """``base`` with a few keys replaced by arbitrary values, deleted, or added."""
    import copy

    doc = copy.deepcopy(base)
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(doc) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = doc
        for part in path[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["replace", "delete", "add"]))
        if action == "replace":
            parent[path[-1]] = draw(_values)
        elif action == "delete" and isinstance(parent, dict):
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[draw(st.text(min_size=1, max_size=6))] = draw(_values)
    return doc


_SCENARIO_BASES = [BASE, {**BASE, "change": PAIR},
                   {**BASE, "data": "comtrade", "domestic_floor": 0.1,
                    "change": {"kind": "agreement_join", "joining": ["USA"], "members": ["JPN"]}}]  # fmt: skip
_FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_FAST
@given(doc=st.one_of(st.sampled_from(_SCENARIO_BASES).flatmap(_mutated), _values))
def test_generated_scenarios_are_valid_or_refused_clearly(doc):
    try:
        sc = scenarios.parse_scenario(doc, where="gen.yaml")
    except DocumentError as exc:
        assert str(exc).startswith("gen.yaml: ") and "Traceback" not in str(exc)
        return
    assert 1 < sc.sigma <= 21 and math.isfinite(sc.sigma)
    assert sc.baseline_year in sc.estimation_years
    assert all(len(c) == 3 and c.isupper() for c in (sc.reference, *sc.change.members))
    if sc.change.kind == "pair_cost":
        assert 1.0 + sc.change.ad_valorem > 0
        names = sorted({c for p in sc.change.pairs for c in p})
        tau = scenarios.tau_hat(sc.change, names, np.zeros((len(names),) * 2), beta=None,
                                sigma=sc.sigma)  # fmt: skip
        assert np.isfinite(tau).all() and (tau > 0).all()


def _spec_doc(kind: str) -> dict:
    import tomllib

    return tomllib.loads(cfg.default_path(kind).read_text())


_SPEC_BASES = {"index": _spec_doc("index"), "selection": _spec_doc("selection")}


def _check_spec(spec: cfg.Spec) -> None:
    for i in spec.indicators:
        assert math.isfinite(i.weight) and i.weight >= 0
        assert i.frontier is None or math.isfinite(i.frontier)
        assert i.floor is None or math.isfinite(i.floor)
    assert all(math.isfinite(w) and w >= 0 for _, w in spec.groups)
    lo, hi = spec.winsorise
    assert 0 <= lo < hi <= 1 and 0 < spec.min_coverage <= 1 and 0 <= spec.noise < 1


@_FAST
@given(kind=st.sampled_from(["index", "selection"]), data=st.data())
def test_generated_index_configs_are_valid_or_refused_clearly(kind, data):
    doc = data.draw(st.one_of(_mutated(_SPEC_BASES[kind]), _values))
    try:
        spec = cfg.parse(doc, kind=kind, file="gen.toml")
    except cfg.ConfigError as exc:
        assert str(exc).startswith("gen.toml: ")
        return
    _check_spec(spec)


@settings(max_examples=100, deadline=None)
@given(kind=st.sampled_from(["index", "selection"]), data=st.data())
def test_generated_toml_text_is_valid_or_refused_clearly(kind, data):
    """The file path too: random edits of the default file's text (a value swapped for another
    TOML literal, a line dropped)."""
    lines = cfg.default_path(kind).read_text().splitlines()
    i = data.draw(st.integers(0, len(lines) - 1))
    literal = data.draw(st.sampled_from(
        ["nan", "inf", "-inf", "-1", "0", "1e308", '"x"', "[]", "[1, 2]", "{}", "true",
         "1979-05-27", '"USA"', "[nan]"]))  # fmt: skip
    if "=" in lines[i] and data.draw(st.booleans()):
        lines[i] = lines[i].split("=", 1)[0] + "= " + literal
    else:
        del lines[i]
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "gen.toml"
        p.write_text("\n".join(lines) + "\n")
        try:
            spec = cfg.load(p, kind=kind)
        except cfg.ConfigError as exc:
            assert str(exc).startswith(str(p))
            return
    _check_spec(spec)


@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_generated_scenario_yaml_text_is_valid_or_refused_clearly(data):
    """The file path too: random edits of an example scenario's text (a value swapped for
    another YAML literal, a line dropped)."""
    src = sorted(Path("examples/scenarios").glob("*.yaml"))
    lines = data.draw(st.sampled_from(src)).read_text().splitlines()
    i = data.draw(st.integers(0, len(lines) - 1))
    literal = data.draw(st.sampled_from(
        [".inf", "-.inf", ".nan", "-1", "0", "1e308", "1+2j", "[]", "[1, 2]", "{}", "true", "~",
         "1994-01-01", "USA", "[USA]", "[[USA, CAN]]", "!!python/complex 1+2j", "&a [*a]",
         "'7'", "0x10", "7.5"]))  # fmt: skip
    if ":" in lines[i] and data.draw(st.booleans()):
        lines[i] = lines[i].split(":", 1)[0] + ": " + literal
    else:
        del lines[i]
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "gen.yaml"
        p.write_text("\n".join(lines) + "\n")
        try:
            sc = scenarios.load_scenario(p)
        except DocumentError as exc:
            assert str(exc).startswith(str(p))
            return
    assert 1 < sc.sigma <= 21 and sc.baseline_year in sc.estimation_years
