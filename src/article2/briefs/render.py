"""Turn a :class:`BriefData` into a brief: HTML (inline SVG charts), Markdown, or PDF.

``view`` builds the presentation model (sections of findings, charts and tables) that both
Jinja2 templates share; every number in it is formatted from a figure of the BriefData. PDF is
the HTML printed by headless Chromium (CSS ``@page`` rules give the cover, margins and page
numbers; see :mod:`article2.briefs.pdf` for how the page is kept from reaching anything).

Text in a brief comes from public sources and is treated as untrusted: the HTML template is
autoescaped, the one value inside CSS is written as a CSS string escape, links are drawn only
for ``http(s)`` URLs, the SVG charts are checked to hold drawing elements only, and every
saved HTML brief carries the Content-Security-Policy :data:`CSP` (no scripts, frames,
objects, fetches or forms). Markdown briefs escape ``<`` and ``>`` so that no text becomes
HTML when the Markdown is rendered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, get_args

import jinja2
import pandas as pd
from markupsafe import Markup

from article2 import paths
from article2.briefs import charts as _charts
from article2.briefs import findings as F
from article2.briefs.assemble import ACTORS, BriefData
from article2.briefs.capabilities import Section, capability_sections
from article2.briefs.numbers import fmt, fmt_value
from article2.briefs.pdf import PdfBusyError, PdfError, PdfTimeoutError, chromium, print_pdf

__all__ = [
    "CSP",
    "BriefFormat",
    "ChromiumMissingError",
    "PdfBusyError",
    "PdfError",
    "PdfTimeoutError",
    "render",
    "render_html",
    "render_markdown",
    "render_pdf",
    "view",
    "write",
]

BriefFormat = Literal["html", "md", "pdf"]
_SUFFIX = {"html": ".html", "md": ".md", "pdf": ".pdf"}

#: Content-Security-Policy of an HTML brief (in its ``<meta>`` and, when served, its header):
#: the page is self-contained, so nothing may be loaded, run, framed or submitted; only its
#: own ``<style>`` and the SVG charts' style attributes apply.
CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"


class ChromiumMissingError(RuntimeError):
    """PDF output needs Chromium and it is not installed."""


@dataclass(frozen=True)
class Table:
    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Chart:
    title: str
    description: str
    svg: str
    table: Table


@dataclass(frozen=True)
class Block:
    """A section of the brief: heading, generated sentences, charts, tables, notes."""

    title: str
    findings: tuple[str, ...] = ()
    charts: tuple[Chart, ...] = ()
    tables: tuple[Table, ...] = ()
    notes: tuple[str, ...] = ()
    capability: bool = False


@dataclass(frozen=True)
class View:
    data: BriefData
    title: str
    subtitle: str
    map_svg: str
    key_figures: Table
    blocks: tuple[Block, ...]
    missing: tuple[str, ...]
    sources: Table
    capabilities: tuple[Section, ...] = field(default=())


def _trade_table(data: BriefData, flow: str) -> Table:
    years = sorted(set(data.trade["year"]))
    end = years[-1]
    shown = [y for y in years if (end - y) % 5 == 0]
    rows = []
    for y in shown:
        cells = [str(y)]
        for a in ACTORS:
            f = data.get(f"trade.{flow}.share.{a}.{y}")
            cells.append(fmt(f) if f else "n/a")
        rows.append(tuple(cells))
    how = "as reported by the importer" if flow == "imports" else "as reported by the partners"
    return Table(
        f"Share of {data.name}'s {flow} by partner, {how} (COW Dyadic Trade)",
        ("year", *ACTORS),
        tuple(rows),
    )


def _balance_table(data: BriefData) -> Table:
    years = sorted(set(data.trade["year"]))
    end = years[-1]
    rows = []
    for y in (y for y in years if (end - y) % 5 == 0):
        cells = [str(y)]
        for flow in ("imports", "exports"):
            f = data.get(f"trade.{flow}.balance.{y}")
            cells.append(fmt(f) if f else "n/a")
        rows.append(tuple(cells))
    return Table(
        "USA+JPN share minus China's share (percentage points)",
        ("year", "imports", "exports"),
        tuple(rows),
    )


def _exposure_table(data: BriefData) -> Table:
    rows = []
    for m in data.exposure["measure"]:
        v = data.get(f"exposure.{m}")
        p = data.get(f"exposure.{m}.percentile")
        n = data.get(f"exposure.{m}.n")
        rows.append((v.label if v is not None else str(m), fmt(v), fmt(p), fmt(n)))
    return Table(
        f"Coercion exposure in {data.year}",
        ("measure", "value", "percentile", "countries with data"),
        tuple(rows),
    )


def _key_figures(data: BriefData) -> Table:
    rows = []
    y = data.year
    for key, label in (
        ("macro.gdp_usd", "GDP (current USD)"),
        ("macro.population", "Population"),
        (f"trade.imports.share.CHN.{y}", "China's share of imports"),
        (f"trade.imports.share.USA+JPN.{y}", "U.S. + Japan share of imports"),
        (f"trade.exports.share.CHN.{y}", "China's share of exports"),
        (f"trade.exports.share.USA+JPN.{y}", "U.S. + Japan share of exports"),
        ("exposure.exports_to_china_pct_gdp", "Exports to China, % of GDP"),
        ("finance.cn_of.total", "Chinese official finance commitments (AidData)"),
    ):
        f = data.get(key)
        if f is None:
            continue
        when = f"{f.period[0]}-{f.period[1]}" if f.period else str(f.year)
        rows.append((label, fmt(f), when))
    return Table("Key figures", ("indicator", "value", "year"), tuple(rows))


def _ties_table(data: BriefData) -> Table | None:
    rows = []
    for a, label in (("USA", "United States"), ("JPN", "Japan"), ("CHN", "China")):
        cells = [label]
        any_value = False
        for ind in ("atop_defense", "atop_nonagg", "atop_consul", "igo_shared"):
            f = data.get(f"ties.{ind}.{a}")
            any_value |= f is not None
            cells.append(fmt(f) if f else "n/a")
        if any_value:
            rows.append(tuple(cells))
    if not rows:
        return None
    return Table(
        "Alliance obligations (ATOP) and shared IGO memberships (COW IGO)",
        ("partner", "defence", "non-aggression", "consultation", "shared IGOs"),
        tuple(rows),
    )


def _true(value) -> bool:
    return bool(value) if not pd.isna(value) else False


def _agreements_table(data: BriefData) -> Table | None:
    if data.agreements.empty:
        return None
    rows = []
    for r in data.agreements.itertuples(index=False):
        partners = [a for a in ("USA", "JPN", "CHN", "EU") if _true(getattr(r, f"with_{a}"))]
        force = "" if pd.isna(r.force) else str(int(r.force))
        title = "(untitled)" if pd.isna(r.title) else str(r.title)
        rows.append((title, force, ", ".join(partners)))
    return Table(
        f"Trade agreements in force at the end of {data.year} (curated registry and DESTA)",
        ("agreement", "in force since", "with"),
        tuple(rows),
    )


def view(data: BriefData, *, charts: bool = True) -> View:
    """The presentation model of a brief (sections, charts, tables), shared by all formats."""

    def svg(make) -> str:  # charts are built only when drawn
        return _charts.safe_svg(_charts.to_svg(make())) if charts else ""

    wh = Path(data.warehouse) if data.warehouse else None
    with paths.using_warehouse(wh):  # capabilities read the brief's warehouse
        caps = {s.key: s for s in capability_sections(data.iso3, data.year)}

    def cap_block(key: str) -> Block:
        s = caps[key]
        tables: tuple[Table, ...] = ()
        if s.available and not s.table.empty:
            tables = (
                Table(
                    s.title,
                    tuple(map(str, s.table.columns)),
                    tuple(tuple(r) for r in s.table.itertuples(index=False)),
                ),
            )
        return Block(s.title, notes=(s.text,), tables=tables, capability=True)

    blocks = []
    blocks.append(
        Block(
            "Strategic and economic interests at stake",
            findings=tuple(f.text for f in F.macro_findings(data)),
        )
    )
    link_charts, link_notes = [], []
    if not data.thin:
        link_charts.append(
            Chart(
                "Trade shares over time by partner",
                f"Line chart of the shares of the United States, Japan, China, the EU and the U.S. "
                f"and Japan together in {data.name}'s imports and exports.",
                svg(lambda: _charts.trade_share_chart(data.trade, data.name)),
                _trade_table(data, "imports"),
            )
        )
    else:
        link_notes.append("No bilateral trade data for this country in the trade source.")
    link_notes.append(
        "Official finance of the United States, Japan and the EU, investment and people "
        "flows: no data in this snapshot."
    )
    trade_tables = (_trade_table(data, "exports"),) if not data.thin else ()
    blocks.append(
        Block(
            "Economic linkages with the U.S., Japan, China and the EU",
            findings=tuple(f.text for f in (*F.trade_findings(data), *F.finance_findings(data))),
            charts=tuple(link_charts),
            tables=trade_tables,
            notes=tuple(link_notes),
        )
    )
    ties = _ties_table(data)
    blocks.append(
        Block(
            "Political and security ties",
            findings=tuple(f.text for f in F.alliance_findings(data)),
            tables=(ties,) if ties else (),
            notes=() if ties else ("No alliance or IGO data for this country.",),
        )
    )
    bal_charts: tuple[Chart, ...] = ()
    if not data.thin:
        bal_charts = (
            Chart(
                "The alliance-vs-China balance",
                f"Bar chart of the U.S. and Japan's combined share minus China's share of "
                f"{data.name}'s imports and exports, per year.",
                svg(lambda: _charts.balance_chart(data.trade, data.name)),
                _balance_table(data),
            ),
        )
    blocks.append(
        Block(
            "Alignment and complementarity",
            findings=tuple(f.text for f in F.balance_findings(data)),
            charts=bal_charts,
        )
    )
    blocks.append(cap_block("profile"))
    exp_charts: tuple[Chart, ...] = ()
    if not data.exposure.empty:
        exp_charts = (
            Chart(
                "Coercion exposure: percentiles",
                f"Bar chart of {data.name}'s percentile on each exposure measure among countries "
                "with data.",
                svg(lambda: _charts.exposure_chart(data.exposure)),
                _exposure_table(data),
            ),
        )
    blocks.append(
        Block(
            "Coercion exposure",
            findings=tuple(f.text for f in F.exposure_findings(data)),
            charts=exp_charts,
            notes=()
            if exp_charts
            else ("No exposure measures: trade or GDP data missing for this year.",),
        )
    )
    blocks.append(cap_block("dependencies"))
    agr = _agreements_table(data)
    blocks.append(
        Block(
            "Place in the trade architecture",
            findings=tuple(f.text for f in F.agreements_findings(data)),
            tables=(agr,) if agr else (),
        )
    )
    blocks.append(cap_block("architecture"))
    blocks.append(cap_block("rank"))
    blocks.append(cap_block("recommendations"))

    src_rows = tuple(
        (str(r.source_id), str(r.title), str(r.producer), str(r.license), str(r.url))
        for r in data.sources.itertuples(index=False)
    )
    return View(
        data=data,
        title=f"{data.name}: the United States, Japan, China and the EU",
        subtitle=f"Country brief, reference year {data.year}",
        map_svg=_charts.safe_svg(_charts.locator_map_svg(data.un_code, data.name))
        if charts
        else "",
        key_figures=_key_figures(data),
        blocks=(
            Block(
                "The issue in numbers", findings=tuple(f.text for f in F.headline_findings(data))
            ),
            *blocks,
        ),
        missing=data.missing,
        sources=Table("Sources", ("source_id", "title", "producer", "licence", "URL"), src_rows),
        capabilities=tuple(caps.values()),
    )


_NUMBER = re.compile(r"^[−+-]?\$?[\d.,]+\s*(%|pp|×|x|tn|bn|million|billion|thousand)?$")


def numeric_columns(table) -> list[bool]:
    """Per column of a view table: whether every filled cell is a number (right-aligned in
    HTML; text columns are read left to right)."""
    out = []
    for n in range(len(table.columns)):
        cells = [str(row[n]).strip() for row in table.rows if n < len(row)]
        filled = [c for c in cells if c not in ("", "—", "–", "-", "n/a")]
        out.append(bool(filled) and all(_NUMBER.match(c) for c in filled))
    return out


def css_string(value: object) -> Markup:
    """``value`` for use inside a double-quoted CSS string: every character other than a
    letter, digit, space or harmless punctuation as a CSS hex escape (so no quote, backslash,
    newline or ``</style>`` can end the string or the style element)."""
    out = []
    for ch in str(value):
        if ch.isalnum() or ch in " .,-_()'":
            out.append(ch)
        else:
            out.append(f"\\{ord(ch):06x}")
    return Markup("".join(out))


def web_url(value: object) -> bool:
    """Whether ``value`` is an ``http(s)`` URL, the only kind a brief links to."""
    return bool(re.match(r"(?i)^https?://[^\s<>\"'`]+$", str(value).strip()))


def _md_text(value: object) -> object:
    """Markdown output: ``<`` and ``>`` as entities, so no text turns into HTML."""
    if isinstance(value, str):
        return value.replace("<", "&lt;").replace(">", "&gt;")
    return value


def _env(markdown: bool = False) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("article2.briefs", "templates"),
        # every HTML template is escaped (``brief.html.j2`` ends in .j2, which
        # select_autoescape(["html"]) would not match)
        autoescape=lambda name: name is not None and not name.endswith(".md.j2"),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        finalize=_md_text if markdown else None,
    )
    env.filters["mdcell"] = lambda s: str(s).replace("|", "\\|").replace("\n", " ")
    env.filters["mdcode"] = lambda s: str(s).replace("`", "'").replace("\n", " ")
    env.filters["num"] = fmt_value
    env.filters["numeric_columns"] = numeric_columns
    env.filters["cssstr"] = css_string
    env.filters["web_url"] = web_url
    return env


def render_html(data: BriefData, *, charts: bool = True) -> str:
    """The brief as one self-contained HTML page (charts as inline SVG)."""
    return _env().get_template("brief.html.j2").render(v=view(data, charts=charts), csp=CSP)


def render_markdown(data: BriefData) -> str:
    """The brief as Markdown (tables instead of charts)."""
    return _env(markdown=True).get_template("brief.md.j2").render(v=view(data, charts=False))


def render_pdf(data: BriefData, target: Path) -> Path:
    """Print the HTML brief to ``target`` with headless Chromium (:mod:`article2.briefs.pdf`:
    no scripts, no network or file access, bounded time and concurrency).

    Raises:
        ChromiumMissingError: Chromium is not installed (``./task run`` installs it).
        PdfBusyError: too many PDF briefs are being printed at once.
        PdfTimeoutError: the brief did not print within the time limit.
    """
    exe = chromium()
    if exe is None:
        raise ChromiumMissingError(
            "PDF output needs Chromium; install it with `apt-get install chromium` "
            "(./task run does this)"
        )
    html = render_html(data)
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    pdf = print_pdf(html, exe=exe)
    tmp = target.with_name(f".{target.name}.part")
    tmp.write_bytes(pdf)
    tmp.replace(target)
    return target


def render(data: BriefData, fmt_: BriefFormat) -> str:
    """HTML or Markdown text of a brief."""
    if fmt_ not in ("html", "md"):
        raise ValueError(f"unknown text format {fmt_!r}; allowed: html, md")
    return render_html(data) if fmt_ == "html" else render_markdown(data)


def write(data: BriefData, folder: Path, fmt_: BriefFormat) -> Path:
    """Write the brief of ``data`` into ``folder`` as ``<ISO3>_<year>.<ext>``."""
    if fmt_ not in get_args(BriefFormat):
        raise ValueError(
            f"unknown brief format {fmt_!r}; allowed: {', '.join(get_args(BriefFormat))}"
        )
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{data.iso3}_{data.year}{_SUFFIX[fmt_]}"
    if fmt_ == "pdf":
        return render_pdf(data, target)
    target.write_text(render(data, fmt_), encoding="utf-8")
    return target
