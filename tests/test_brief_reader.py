"""What a reader of the Vietnam brief sees, checked on the visible text of the HTML and the PDF.

The brief is rendered from the warehouse built from the real snapshot. The visible text is the
HTML without its tags and style (and, where sentences are counted, without the charts), and
the PDF's text as ``pdftotext`` extracts it. The checks:

* no internal name: the measures layer's measure names, the warehouse indicators and the
  profile's alignment channels, the agreement ids of the country's agreements that are not
  plain words, the recommendation statuses and map classes with an underscore; no
  ``snake_case`` token at all outside the source files' paths (which appear only in the
  sources table) and the commands a reader may type (in backticks); no ``article2.`` module
  path; no "in this build"; no ``-0.0``;
* each heading (section headings, table captions, chart titles) once, each sentence once;
* the cover's "Latest year and source per channel" table with the years of the channels;
* values equal to the raw files, at the precision printed (U.S. assistance FY2023, U.S. goods
  trade 2022, Vietnamese-born migrants in the U.S. and Japan in 2019, Vietnamese students in the
  U.S. and Japan in 2019): the raw files are read here with pandas, independently of the
  readers, and formatted here the way the brief prints them (``$174.9 m``, ``$127.5 bn``,
  ``1,380,413``), so a wrong value or a wrong rounding fails.

The PDF is also written page by page to PNG (``pdftoppm``) in ``test-artefacts/briefs/`` (or ``$ARTICLE2_TEST_ARTEFACTS/briefs``)
(ignored by git) for a person to look at.
"""

from __future__ import annotations

import gzip
import html as _html
import io
import os
import re
import shutil
import subprocess
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from article2.agreements.queries import CLASSES
from article2.briefs import assemble as A
from article2.briefs import render as R
from article2.measures import catalogue, official_finance, people, ties, us_aid, us_trade
from article2.measures import finance as finance_m
from article2.measures.channels import CHANNELS
from article2.recommendations.records import STATUSES

pytestmark = pytest.mark.snapshot

ARTEFACTS = (
    Path(os.environ.get("ARTICLE2_TEST_ARTEFACTS") or Path(__file__).parents[1] / "test-artefacts")
    / "briefs"
)
#: raw files of the snapshot (as in tests/test_channels.py)
AID = "us_aid/us_foreign_aid_country.csv.gz"
DOTS = "imf_dots_us/dots_us.csv.gz"
MIG = "undesa_migrant_stock/UN_MigrantStockByOriginAndDestination_2019_clean.csv.gz"
STU = "oecd_students/OECD_Intl_Student_Enrollment_2013_2019.csv.gz"
#: seconds allowed to pdftotext and pdftoppm
POPPLER_SECONDS = 60

needs_pdf = pytest.mark.skipif(
    shutil.which("chromium") is None or shutil.which("pdftotext") is None,
    reason="chromium and poppler-utils are needed for PDF briefs",
)


# ------------------------------------------------------------------------------ reading HTML


class _Page(HTMLParser):
    """Headings, captions, sentences (list items and paragraphs) and tables of a brief."""

    HEADS = ("h1", "h2", "h3", "caption", "figcaption")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.headings: list[str] = []
        self.paragraphs: list[str] = []
        self.tables: list[dict] = []
        self._text: list[str] | None = None
        self._tag = ""
        self._cell: list[str] | None = None
        self._row: list[str] | None = None
        self._svg = 0

    def handle_starttag(self, tag, attrs):
        if tag == "svg":
            self._svg += 1
        if self._svg:
            return
        if tag in (*self.HEADS, "li", "p"):
            self._tag, self._text = tag, []
        if tag == "table":
            self.tables.append({"caption": "", "rows": []})
        if tag == "tr":
            self._row = []
        if tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "svg":
            self._svg -= 1
        if self._svg:
            return
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        if tag == "tr" and self._row is not None and self.tables:
            self.tables[-1]["rows"].append(self._row)
            self._row = None
        if tag == self._tag and self._text is not None:
            text = " ".join("".join(self._text).split())
            if tag in self.HEADS:
                self.headings.append(text)
                if tag == "caption" and self.tables:
                    self.tables[-1]["caption"] = text
            else:
                self.paragraphs.append(text)
            self._text, self._tag = None, ""

    def handle_data(self, data):
        if self._svg:
            return
        if self._text is not None:
            self._text.append(data)
        if self._cell is not None:
            self._cell.append(data)


def _page(html: str) -> _Page:
    p = _Page()
    p.feed(html)
    return p


def _visible(html: str) -> str:
    """The text a reader sees: no style, no tags (chart labels kept), entities decoded, the
    source files' paths (the sources table's ``file:`` lines) left out."""
    text = re.sub(r"<style>.*?</style>", " ", html, flags=re.S)
    text = re.sub(r'<span class="file">.*?</span>', " ", text, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    return " ".join(_html.unescape(text).split())


def _table(page: _Page, caption: str) -> dict[str, list[str]]:
    """The table whose caption starts with ``caption``: first cell -> the other cells, and
    ``""`` -> the header row."""
    found = [t for t in page.tables if t["caption"].startswith(caption)]
    assert len(found) == 1, f"expected one table captioned {caption!r}, found {len(found)}"
    rows = found[0]["rows"]
    return {"": rows[0], **{r[0]: r[1:] for r in rows[1:]}}


# ------------------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def vnm(real_warehouse) -> A.BriefData:
    return A.brief_data("VNM", path=real_warehouse)


@pytest.fixture(scope="module")
def html(vnm) -> str:
    return R.render_html(vnm)


@pytest.fixture(scope="module")
def pdf(vnm, tmp_path_factory) -> Path:
    if shutil.which("chromium") is None or shutil.which("pdftotext") is None:
        pytest.skip("chromium and poppler-utils are needed for PDF briefs")
    return R.write(vnm, tmp_path_factory.mktemp("pdf"), "pdf")


@pytest.fixture(scope="module")
def pdf_text(pdf) -> str:
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"],
        capture_output=True, text=True, check=True, timeout=POPPLER_SECONDS,
    )  # fmt: skip
    return out.stdout


@pytest.fixture(scope="module")
def internal_names(vnm) -> set[str]:
    """Names and codes of the measures layer and the registries that a reader must not see."""
    names: set[str] = set(catalogue.MEASURES)
    for module in (us_aid, us_trade, people, official_finance):
        names |= set(module.MEASURES)
    names |= set(CHANNELS) | set(us_aid.INDICATORS) | set(finance_m.KINDS)
    names |= set(ties.ATOP_INDICATORS) | {"igo_shared", "trade_cow", "gdp_usd"}
    names |= {official_finance.DAC_INDICATOR, us_trade.EXPORTS, us_trade.IMPORTS}
    frame = vnm.profile.to_frame()
    for channel in frame.loc[frame["section"] == "alignment", "channel"]:
        names |= {channel, channel.split(":", 1)[1]}
    # agreement ids that are codes (an id that is a plain word may be an acronym in a title)
    names |= {str(i) for i in vnm.agreements["agreement_id"] if not str(i).isalpha()}
    names |= {s for s in STATUSES if "_" in s} | {c for c in CLASSES if "_" in c}
    # a name that is an English word ("migrants", "students") is no internal identifier
    return {n for n in names if not n.isalpha()}


def _found(text: str, names: set[str]) -> list[str]:
    return sorted(n for n in names if re.search(rf"(?<![\w/]){re.escape(n)}(?![\w/])", text))


# ------------------------------------------------------------------------------ no internals


def test_the_list_of_internal_names_can_catch_one(internal_names):
    """The checks below would fail on the old brief's names (they are in the list)."""
    for name in ("exports:balance_alliance_vs_china", "wto_member", "in_progress",
                 "ASEANJ_2008O", "us_aid_obligations", "students_in_partner_share"):  # fmt: skip
        assert name in internal_names
    assert _found("unit 0-1 of exports:balance_alliance_vs_china", internal_names)


def test_html_shows_no_internal_name_or_developer_note(html, internal_names):
    text = _visible(html)
    assert not _found(text, internal_names)
    commands = re.sub(r"`[^`]*`", " ", text)  # commands a reader may type keep their names
    assert not re.findall(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b", commands)
    assert "article2." not in text and "in this build" not in text
    assert not re.search(r"(?<![\d.])[-−]0(?:\.0+)?(?![\d.])", text)
    assert re.search(r"\.(csv|gz|xlsx?)\b", text) is None  # file paths only in the sources table


@needs_pdf
def test_pdf_shows_no_internal_name_or_developer_note(pdf_text, internal_names):
    body = pdf_text.split("\nSources\n")[0]  # the sources table lists the files' paths
    assert "Latest year and source per channel" in body
    assert not _found(body, internal_names)
    assert "article2." not in pdf_text and "in this build" not in pdf_text
    assert not re.search(r"(?<![\d.])[-−]0(?:\.0+)?(?![\d.])", pdf_text)


# ------------------------------------------------------------------------------ once


def test_each_heading_once(html):
    counts = Counter(h.casefold() for h in _page(html).headings if h)
    assert not [h for h, n in counts.items() if n > 1]


def test_each_sentence_once(html):
    sentences = [
        s.strip()
        for p in _page(html).paragraphs
        for s in re.split(r"(?<=[.!?])\s+(?=[A-Z])", p)
        if len(s.strip()) > 15
    ]
    assert len(sentences) > 30
    repeated = [s for s, n in Counter(sentences).items() if n > 1]
    assert not repeated


# ------------------------------------------------------------------------------ cover


def test_cover_table_of_latest_years_and_reference_year(html):
    page = _page(html)
    cover = _table(page, "Latest year and source per channel")
    assert cover[""] == ["channel", "latest year", "source"]
    assert cover["U.S. goods trade with the country"][:2] == [
        "2022", "IMF Direction of Trade Statistics"]  # fmt: skip
    assert cover["U.S. foreign assistance (all, military included)"][0] == "2023"
    assert cover["Migrants between the country and the actors"][0] == "2019"
    assert cover["Tertiary students abroad"][0] == "2019"
    assert cover["Shares of the country's goods trade by actor"][0] == "2014"
    assert any(
        p.startswith("Reference year 2014: the latest year of COW Dyadic Trade")
        for p in page.paragraphs
    )


# ------------------------------------------------------------------------------ raw files


def _usd_m(v: float) -> str:
    return f"${v / 1e6:,.1f} m"


def _usd_bn(v: float) -> str:
    return f"${v / 1e9:,.1f} bn"


@pytest.fixture(scope="module")
def raw(real_snapshot) -> dict[str, float]:
    """The checked values, read from the raw files with pandas."""
    out: dict[str, float] = {}
    aid = pd.read_csv(real_snapshot / AID, dtype={"Fiscal Year": str})
    aid = aid[(aid["Country Code"] == "VNM") & (aid["Fiscal Year"] == "2023")]
    for kind in ("Obligations", "Disbursements"):
        out[f"aid {kind}"] = float(aid.loc[aid["Transaction Type Name"] == kind,
                                           "current_amount"].item())  # fmt: skip
    with gzip.open(real_snapshot / DOTS, "rt", encoding="utf-8-sig") as fh:
        dots = pd.read_csv(io.StringIO(fh.read()))
    dots = dots[(dots["Counterpart Country Code"] == 582) & (dots["Time Period"] == 2022)]
    out["us exports"] = float(dots.iloc[0, 5])  # U.S. exports FOB (as tests/test_channels.py)
    out["us imports"] = float(dots.iloc[0, 7])  # U.S. imports CIF
    mig = pd.read_csv(real_snapshot / MIG)
    mig = mig[mig.Year == 2019].set_index("Dest")
    out["migrants USA"] = float(mig.loc["United States of America", "Viet Nam"])
    out["migrants JPN"] = float(mig.loc["Japan", "Viet Nam"])
    stu = pd.read_csv(real_snapshot / STU)
    stu = stu[(stu.COUNTRY_OF_ORIGIN == "Viet Nam") & (stu.YEAR == 2019)]
    for school, key in (("United States of America", "USA"), ("Japan", "JPN")):
        out[f"students {key}"] = float(
            stu[stu.COUNTRY_OF_SCHOOL.eq(school)].TOTAL_INTL_STUDENTS.item()
        )
    return out


def test_printed_values_equal_the_raw_files(html, raw):
    page = _page(html)
    aid = _table(page, "U.S. foreign assistance to Vietnam by U.S. fiscal year")
    assert aid[""][1] == "obligations, current USD" and aid[""][4] == "disbursements, current USD"
    assert aid["FY2023"][0] == _usd_m(raw["aid Obligations"])
    assert aid["FY2023"][3] == _usd_m(raw["aid Disbursements"])
    trade = _table(page, "U.S. goods exports to and imports from Vietnam")
    assert trade[""][1:3] == ["U.S. exports", "U.S. imports"]
    assert trade["2022"][:2] == [_usd_bn(raw["us exports"]), _usd_bn(raw["us imports"])]
    mig = _table(page, "People born in Vietnam, living in the partner")
    col = mig[""].index("2019") - 1
    assert mig["United States"][col] == f"{raw['migrants USA']:,.0f}"
    assert mig["Japan"][col] == f"{raw['migrants JPN']:,.0f}"
    stu = _table(page, "Tertiary students from Vietnam enrolled in the partner")
    col = stu[""].index("2019") - 1
    assert stu["United States"][col] == f"{raw['students USA']:,.0f}"
    assert stu["Japan"][col] == f"{raw['students JPN']:,.0f}"
    text = _visible(html)
    assert (
        f"In fiscal year 2023 the United States obligated {_usd_m(raw['aid Obligations'])}" in text
    )
    assert f"reported {_usd_bn(raw['us exports'])} of goods exports to Vietnam" in text


@needs_pdf
def test_pdf_prints_the_raw_values(pdf_text, raw):
    text = " ".join(pdf_text.split())
    for want in (
        _usd_m(raw["aid Obligations"]),
        _usd_bn(raw["us exports"]),
        _usd_bn(raw["us imports"]),
        f"{raw['migrants USA']:,.0f}",
        f"{raw['migrants JPN']:,.0f}",
        f"{raw['students USA']:,.0f}",
        f"{raw['students JPN']:,.0f}",
    ):
        assert want in text, want
    assert "China reports no international students to the OECD" in text


# ------------------------------------------------------------------------------ history


def test_years_before_unification_are_labelled(real_warehouse):
    """A brief of Vietnam reaching back before 1976 marks those years and says whose trade
    they are (the Republic of Vietnam's, under COW code 816)."""
    data = A.brief_data("VNM", 1980, path=real_warehouse)
    page = _page(R.render_html(data, charts=False))
    shares = _table(page, "Share of Vietnam's imports by partner")
    assert "1975 †" in shares and "1980" in shares and "1976 †" not in shares
    note = next(p for p in page.paragraphs if p.startswith("Years before 1976 are marked †"))
    assert "holds the trade of the Republic of Vietnam (South Vietnam)" in note
    assert "Reference year 1980: the year asked for." in " ".join(page.paragraphs)


def test_cow_vietnam_before_1976_is_south_vietnams_trade(real_snapshot):
    """The evidence behind TRADE_SERIES_BEFORE, in the raw COW file: code 817 (Republic of
    Vietnam) stops in 1959 and 816 starts in 1960; 816 trades with the United States during
    the U.S. embargo on North Vietnam and not with China (710) before 1976."""
    from article2.briefs.sections import TRADE_SERIES_BEFORE

    cow = pd.read_csv(real_snapshot / "cow_trade/cow_dyadic_trade_4.0.csv.gz")
    years = {c: cow.loc[(cow.ccode1 == c) | (cow.ccode2 == c), "year"] for c in (816, 817)}
    assert years[817].max() == 1959 and years[816].min() == 1960
    us = cow[(cow.ccode1 == 2) & (cow.ccode2 == 816)].set_index("year")
    assert us.loc[1965, "flow2"] > 100 and us.loc[1970, "flow2"] > 100  # USD million, to 816
    cn = cow[(cow.ccode1 == 710) & (cow.ccode2 == 816) & (cow.year < 1976)]
    assert (cn[["flow1", "flow2"]].clip(lower=0).sum().sum()) == 0
    assert TRADE_SERIES_BEFORE["VNM"][:3] == ("XRV", 1960, 1975)


# ------------------------------------------------------------------------------ pages


@needs_pdf
def test_every_page_written_as_an_image_to_look_at(pdf):
    """Every page of the PDF as a PNG in test-artefacts/briefs/ (look at them)."""
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True,
                          timeout=POPPLER_SECONDS).stdout  # fmt: skip
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTEFACTS.glob("VNM-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(ARTEFACTS / "VNM")],
                   check=True, timeout=POPPLER_SECONDS)  # fmt: skip
    images = sorted(ARTEFACTS.glob("VNM-*.png"))
    assert len(images) == pages > 4
    assert all(p.stat().st_size > 5_000 for p in images)  # drawn pages, not blank ones
