"""Country briefs: golden files, traceability of every printed number, independent checks.

Tolerances: figures stored as warehouse values must equal the warehouse exactly (same float).
Trade shares are recomputed here from the raw COW CSV (values in USD millions, -9 = missing)
and must agree to a relative 1e-9 (same sums in a different order). AidData totals are
recomputed from the raw CSV to a relative 1e-9.

Golden files live in ``tests/golden/briefs/``; after an intended change regenerate them with
``pytest tests/test_briefs.py --update-goldens`` and review the diff. The HTML goldens are
rendered without the SVG charts (whose bytes depend on the vl-convert version); the charts'
data tables are in them.
"""

from __future__ import annotations

import html as _html
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from article2 import paths, warehouse
from article2.briefs import assemble as A
from article2.briefs import findings as F
from article2.briefs import render as R
from article2.briefs.capabilities import CAPABILITIES
from article2.briefs.numbers import fmt, fmt_value
from article2.cli import app

GOLDEN = Path(__file__).parent / "golden" / "briefs"
GOLDEN_COUNTRIES = ("VNM", "KOR")
NUMBER = re.compile(r"(?<![\w.])[-+]?\$?\d+(?:,\d{3})*(?:\.\d+)?")

snapshot = pytest.mark.snapshot


@pytest.fixture(scope="module")
def vnm(real_warehouse) -> A.BriefData:
    return A.brief_data("VNM", path=real_warehouse)


def _allowed_numbers(data: A.BriefData) -> set[str]:
    """Every number string a brief of ``data`` may print: formatted figures, their years and
    periods, and numbers in the BriefData's own text (units, labels, agreement titles)."""
    allowed: set[str] = set()
    texts: list[str] = [data.name]
    for f in data.figures.values():
        allowed |= set(NUMBER.findall(fmt(f)))
        allowed.add(str(f.year))
        if f.period:
            allowed |= {str(f.period[0]), str(f.period[1])}
        texts += [f.label, f.unit]
    texts += data.missing
    texts += [str(x) for x in data.agreements.get("title", pd.Series(dtype=str)).dropna()]
    texts += [str(x) for x in data.agreements.get("force", pd.Series(dtype=float)).dropna()]
    texts += [str(int(x)) for x in data.agreements.get("force", pd.Series(dtype=float)).dropna()]
    for col in ("source_id", "title", "producer", "license", "url"):
        texts += [str(x) for x in data.sources[col]]
    texts += [str(y) for y in range(data.year - A.WINDOW + 1, data.year + 1)]
    # fixed template text of the capability sections (no data in it)
    texts += [what for _, _, what in CAPABILITIES.values()]
    texts += _channel_texts(data)
    for t in texts:
        allowed |= set(NUMBER.findall(t))
    return allowed


def _channel_texts(data: A.BriefData) -> list[str]:
    """Every way the brief may print a value of the profile's channels and alignment (its
    unit's format, persons in full, money in bn or m), their years, the cover table's notes,
    and the measures' own definitions and units."""
    from article2.briefs import sections as S
    from article2.profiles.coverage import channel_coverage

    p = data.profile
    if p is None:
        return []
    texts = [R.view(data, charts=False).reference_note]
    for t in p.channels.tables.values():
        for r in t.itertuples(index=False):
            if pd.isna(r.value):
                continue
            v = float(r.value)
            texts += [fmt_value(v, r.unit), fmt_value(abs(v), r.unit), fmt_value(v, "count")]
            texts.append(str(r.year))
            texts += [f"${abs(v) / d:,.{n}f}" for d in (1e9, 1e6) for n in (1, 2)]
    for c in channel_coverage(p):
        texts += [str(c.year), c.note, c.channel, c.source]
    for c in p.channels.latest.values():
        texts += list(c.partial.values())
    texts += [f"{m.definition} {m.unit}" for m in S._MEASURES.values()]
    for a in p.alignment:
        texts += [str(a.year), fmt_value(a.overlap, "share"), fmt_value(a.balance, "share"),
                  fmt_value(a.complementarity, "index")]  # fmt: skip
        texts += [fmt_value(c.delta, "share_diff") for c in (a.balance_change_5y,
                  a.balance_change_10y) if c.delta is not None]  # fmt: skip
    texts += [label for _, label, _ in R._ALIGNMENT_ROWS]
    return texts


def _printed_numbers(text: str) -> list[str]:
    text = re.sub(r"<style>.*?</style>", "", text, flags=re.S)  # CSS
    text = re.sub(r"`[^`]*`", "", text)  # source ids
    text = re.sub(r"<[^>]+>", " ", text)  # tags and URLs in <...>
    text = _html.unescape(text)
    return NUMBER.findall(text)


# --------------------------------------------------------------------------- golden files


@snapshot
@pytest.mark.parametrize("iso3", GOLDEN_COUNTRIES)
@pytest.mark.parametrize("kind", ["md", "html"])
def test_golden(real_warehouse, iso3, kind, update_goldens):
    data = A.brief_data(iso3, path=real_warehouse)
    text = R.render_markdown(data) if kind == "md" else R.render_html(data, charts=False)
    path = GOLDEN / f"{iso3}_{data.year}.{kind}"
    if update_goldens or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if not update_goldens:
            pytest.fail(f"golden file {path} was missing and has been written; rerun")
    assert text == path.read_text(encoding="utf-8"), (
        f"{path.name} differs; if intended: pytest tests/test_briefs.py --update-goldens"
    )


@snapshot
def test_brief_structure(vnm, real_warehouse):
    md = R.render_markdown(vnm)
    for heading in (
        "The issue in numbers",
        "Strategic and economic interests at stake",
        "Economic linkages with the U.S., Japan, China and the EU",
        "Recent U.S. goods trade with Vietnam",
        "Who finances Vietnam",
        "Who moves between Vietnam and the partners",
        "Political and security ties",
        "Alignment and complementarity",
        "Coercion exposure",
        "Place in the trade architecture",
        "Rank and its uncertainty",
        "Recommendations concerning the country",
        "Sources",
    ):
        assert f"## {heading}" in md
    for source_id in vnm.sources["source_id"]:
        assert f"`{source_id}`" in md
    # every capability is in this build: the rank section shows the rank from the index API
    rank_section = md.split("## Rank and its uncertainty", 1)[1].split("\n## ", 1)[0]
    assert "Not available in this build" not in rank_section
    import article2.api as api

    with paths.using_warehouse(real_warehouse):
        row = api.rank().set_index("iso3").loc["VNM"]
    assert f"| rank | {int(row['rank'])} of " in rank_section
    assert "Japan's share of Vietnam's imports fell from 11.1% to 8.9% between 2004 and 2014." in md


# --------------------------------------------------------------------------- traceability


@snapshot
@pytest.mark.parametrize("iso3", ["VNM", "KOR", "MMR", "IND", "TUV"])
def test_every_printed_number_is_in_the_brief_data(real_warehouse, iso3):
    data = A.brief_data(iso3, path=real_warehouse)
    allowed = _allowed_numbers(data) | _capability_numbers(real_warehouse, iso3, data.year)
    for text in (R.render_markdown(data), R.render_html(data, charts=False)):
        stray = sorted({n for n in _printed_numbers(text) if n not in allowed})
        assert not stray, f"{iso3}: numbers printed without a figure: {stray[:20]}"


def _capability_numbers(real_warehouse, iso3, year) -> set[str]:
    """Numbers of the capability sections: they come from other capabilities' APIs (checked
    against those APIs in test_capability_sections_come_from_the_api)."""
    from article2.briefs.capabilities import capability_sections

    with paths.using_warehouse(real_warehouse):
        sections = capability_sections(iso3, year)
    cells = [c for s in sections for c in s.table.astype(str).to_numpy().ravel()]
    return {n for c in cells for n in _printed_numbers(c)}


@snapshot
def test_capability_sections_come_from_the_api(vnm, real_warehouse):
    """The brief's alignment table prints article2.api.profile's numbers (formatted), and its
    recommendations are the API's."""
    import article2.api as a2
    from article2.briefs.capabilities import capability_sections

    with paths.using_warehouse(real_warehouse):
        sections = {s.key: s for s in capability_sections("VNM", 2014)}
        alignment = {a.channel: a for a in a2.profile("VNM", year=2014).alignment}
    table = R._alignment_table(vnm)
    assert table is not None and table.columns[1:] == ("Vietnam's imports", "Vietnam's exports")
    rows = {r[0]: r[1:] for r in table.rows}
    for key, label, unit in R._ALIGNMENT_ROWS:
        for cell, channel in zip(rows[label], ("imports", "exports"), strict=True):
            a = alignment[channel]
            want = getattr(a, key).delta if key.startswith("balance_change") else getattr(a, key)
            assert cell == fmt_value(want, unit), (key, channel)
    recs = sections["recommendations"].table
    assert set(recs["id"]) == set(a2.recs(country="VNM")["id"])


@snapshot
def test_value_figures_equal_the_warehouse(vnm, real_warehouse):
    checked = 0
    for f in vnm.figures.values():
        if f.method != "value":
            continue
        if f.key.startswith("ties."):
            partner = f.key.rsplit(".", 1)[1]
            sql = """SELECT value FROM dyad_year WHERE iso3_o = ? AND iso3_d = ? AND year = ?
                     AND indicator = ? AND source_id = ?"""
            got = warehouse.query(
                sql, [partner, "VNM", f.year, f.indicator, f.source_id], path=real_warehouse
            )
        else:
            sql = """SELECT value FROM country_year WHERE iso3 = ? AND year = ?
                     AND indicator = ? AND source_id = ?"""
            got = warehouse.query(
                sql, ["VNM", f.year, f.indicator, f.source_id], path=real_warehouse
            )
        assert got["value"].tolist() == [f.value], f.key
        checked += 1
    assert checked >= 10
    known = set(warehouse.query("SELECT source_id FROM sources", path=real_warehouse)["source_id"])
    for f in vnm.figures.values():
        assert set(f.source_id.split(";")) <= known, f.key


@pytest.fixture(scope="module")
def cow_raw(real_snapshot) -> pd.DataFrame:
    raw = pd.read_csv(
        real_snapshot / A.TRADE_SOURCE, usecols=["ccode1", "ccode2", "year", "flow1", "flow2"]
    )
    return raw[raw["year"] == 2014]


@snapshot
@pytest.mark.parametrize(("actor", "cow"), [("USA", 2), ("JPN", 740), ("CHN", 710)])
def test_trade_shares_match_the_raw_cow_file(vnm, cow_raw, actor, cow):
    vn = 816
    # imports of Vietnam from k (USD millions, -9 = missing)
    # the raw file lists each pair in both orders: flow1 of the rows with ccode1 = Vietnam
    imports = cow_raw.loc[cow_raw["ccode1"] == vn, ["ccode2", "flow1"]].set_axis(["k", "m"], axis=1)
    imports = imports[imports["m"] >= 0]
    share = imports.loc[imports["k"] == cow, "m"].sum() / imports["m"].sum()
    fig = vnm.figures[f"trade.imports.share.{actor}.2014"]
    assert fig.value == pytest.approx(share, rel=1e-9)
    total = vnm.figures["trade.imports.total.2014"]
    assert total.value == pytest.approx(imports["m"].sum() * 1e6, rel=1e-9)


@snapshot
def test_chinese_finance_matches_the_raw_aiddata_file(vnm, real_snapshot):
    raw = pd.read_csv(real_snapshot / A.AIDDATA_SOURCE)
    vn = raw[raw["ccode"] == 816]
    for ind, col in (
        ("cn_of_oda", "oda_amt"),
        ("cn_of_oof", "oof_amt"),
        ("cn_of_vague", "vof_amt"),
    ):
        assert vnm.figures[f"finance.{ind}.total"].value == pytest.approx(vn[col].sum(), rel=1e-9)


@snapshot
def test_country_without_aiddata_record_is_not_zero(real_warehouse):
    kor = A.brief_data("KOR", path=real_warehouse)
    assert "finance.cn_of.total" not in kor.figures
    assert any("no AidData record" in m for m in kor.missing)
    assert "no record" in F.finance_findings(kor)[0].text


# --------------------------------------------------------------------------- pure functions


def _shares(rows, eu: tuple[str, ...]) -> pd.Series:
    """Each actor's share of one target's imports in one year, by the measures layer's pure
    panel (the definition the brief reads through :func:`article2.measures.trade.shares`)."""
    from article2.countries import ACTORS
    from article2.measures.trade import actor_flows_panel

    flows = pd.DataFrame(rows, columns=["partner", "value"]).assign(iso3="XXX", year=2000)
    fixed = {"USA": ("USA",), "JPN": ("JPN",), "CHN": ("CHN",), "EU": eu, "USA+JPN": ("USA", "JPN")}
    members = pd.DataFrame(
        [(a, 2000, m) for a in ACTORS for m in fixed[a]], columns=["actor", "year", "iso3"]
    )
    return actor_flows_panel(flows, members).set_index("actor")["share"]


def test_trade_shares_small_case():
    rows = [("USA", 10.0), ("JPN", 30.0), ("CHN", 40.0), ("FRA", 20.0)]
    out = _shares(rows, ("FRA", "DEU"))
    assert out.to_dict() == pytest.approx(
        {"USA": 0.1, "JPN": 0.3, "CHN": 0.4, "EU": 0.2, "USA+JPN": 0.4}
    )


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["USA", "JPN", "CHN", "FRA", "BRA", "IND"]), st.floats(0, 1e9)),
        min_size=1,
        max_size=12,
    )
)
def test_trade_shares_properties(rows):
    s = _shares(rows, ("FRA",))
    if sum(v for _, v in rows) <= 0:
        assert s.isna().all()
        return
    assert ((s >= 0) & (s <= 1 + 1e-12)).all()
    assert s["USA+JPN"] == pytest.approx(s["USA"] + s["JPN"])
    assert s["USA"] + s["JPN"] + s["CHN"] + s["EU"] <= 1 + 1e-9


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(0.01, 1e12), min_size=2, max_size=30))
def test_exposure_percentiles_are_bounded_and_monotone(values):
    from article2.measures.exposure import ranked

    n = len(values)
    frame = pd.DataFrame(
        {"iso3": [f"C{i:02d}" for i in range(n)], "year": 2014, "value": values, "source_id": "x"}
    )
    out = ranked(frame)
    assert (out["n"] == n).all()
    assert ((out["percentile"] > 0) & (out["percentile"] <= 100)).all()
    g = out.sort_values("value")
    assert g["percentile"].is_monotonic_increasing


def test_number_formats():
    assert fmt_value(0.30827, "share") == "30.8%"
    assert fmt_value(-0.177, "share_diff") == "-17.7 pp"
    assert fmt_value(233.46e9, "current USD") == "$233.5 bn"
    assert fmt_value(11, "percentile") == "11th" and fmt_value(92, "percentile") == "92nd"
    assert fmt_value(float("nan"), "share") == "n/a"
    # a number printed as zero has no sign
    assert fmt_value(-0.0004, "share") == "0.0%" and fmt_value(-1e-5, "share_diff") == "0.0 pp"
    assert fmt_value(-0.001, "index") == "0.00" and fmt_value(-0.3, "current USD") == "$0"
    assert fmt_value(-2.5e9, "current USD") == "-$2.5 bn"


def test_share_change_sentence():
    figs = {
        f"trade.imports.share.JPN.{y}": A.Figure(
            f"trade.imports.share.JPN.{y}", "", v, "share", y, A.TRADE_SOURCE, "trade_cow", "share"
        )
        for y, v in ((2004, 0.111), (2014, 0.0886))
    }
    data = A.BriefData(
        "VNM",
        "Vietnam",
        2014,
        704,
        figs,
        pd.DataFrame(),
        pd.DataFrame(),
        pd.DataFrame(),
        pd.DataFrame(),
    )
    f = F.share_change(data, "JPN", "imports", 2004, 2014)
    assert (
        f.text
        == "Japan's share of Vietnam's imports fell from 11.1% to 8.9% between 2004 and 2014."
    )
    assert F.share_change(data, "JPN", "imports", 2000, 2014) is None


def test_unknown_brief_format_lists_allowed(tmp_path):
    with pytest.raises(ValueError, match="allowed: html, md, pdf"):
        R.write(None, tmp_path, "docx")


# --------------------------------------------------------------------------- CLI, PDF, all


@pytest.fixture
def real_home(real_warehouse, monkeypatch):
    monkeypatch.setenv("ARTICLE2_HOME", str(real_warehouse.parent))
    return real_warehouse.parent


@snapshot
def test_cli_brief_json_and_html(real_home, tmp_path):
    runner = CliRunner()
    r = runner.invoke(app, ["brief", "VNM", "--format", "json"])
    assert r.exit_code == 0, r.output
    assert '"trade.imports.share.CHN.2014"' in r.stdout
    r = runner.invoke(app, ["brief", "VNM", "--out", str(tmp_path)])
    assert r.exit_code == 0, r.output
    page = (tmp_path / "VNM_2014.html").read_text()
    assert page.count("<svg") >= 4 and "<table" in page
    r = runner.invoke(app, ["brief", "NOPE"])
    assert r.exit_code == 1 and "unknown country" in r.output


@snapshot
@pytest.mark.skipif(
    shutil.which("chromium") is None or shutil.which("pdftotext") is None,
    reason="chromium and poppler-utils are needed for PDF briefs",
)
def test_pdf_smoke(vnm, tmp_path):
    pdf = R.write(vnm, tmp_path, "pdf")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    pages = int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1))
    assert pages > 1
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Vietnam" in text and "30.8%" in text and "Page 2 of" in text


@snapshot
@pytest.mark.slow
def test_all_countries_html(real_home, tmp_path):
    r = CliRunner().invoke(app, ["brief", "--all", "--out", str(tmp_path), "--jobs", "2"])
    assert r.exit_code == 0, r.output
    n = len(A.brief_countries(real_home / "warehouse.duckdb"))
    assert len(list(tmp_path.glob("*.html"))) == n
    thin = [
        p for p in tmp_path.glob("*.html") if "bilateral trade (COW Dyadic Trade" in p.read_text()
    ]
    assert thin, "expected short briefs for countries without trade data"
    assert all("What this brief lacks" in p.read_text() for p in thin)
