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
from article2.briefs import sections as S
from article2.briefs.assemble import ACTORS, BriefData
from article2.briefs.blocks import Block, Chart, Table
from article2.briefs.capabilities import Section, capability_sections
from article2.briefs.numbers import fmt, fmt_value
from article2.briefs.pdf import PdfBusyError, PdfError, PdfTimeoutError, chromium, print_pdf
from article2.profiles.coverage import fetched_words

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
class View:
    data: BriefData
    title: str
    subtitle: str
    map_svg: str
    key_figures: Table
    coverage: Table | None
    reference_note: str
    blocks: tuple[Block, ...]
    missing: tuple[str, ...]
    sources: Table
    capabilities: tuple[Section, ...] = field(default=())


#: actor codes as table headings
_ACTOR_HEAD = {"USA": "United States", "JPN": "Japan", "CHN": "China", "EU": "EU",
               "USA+JPN": "U.S. + Japan"}  # fmt: skip


def _year_label(year: int, since: int | None) -> str:
    return f"{year} †" if since is not None and year < since else str(year)


def _trade_table(data: BriefData, flow: str, since: int | None) -> Table:
    years = sorted(set(data.trade["year"]))
    end = years[-1]
    shown = [y for y in years if (end - y) % 5 == 0]
    rows = []
    for y in shown:
        cells = [_year_label(y, since)]
        for a in ACTORS:
            f = data.get(f"trade.{flow}.share.{a}.{y}")
            cells.append(fmt(f) if f else "n/a")
        rows.append(tuple(cells))
    how = "as reported by the importer" if flow == "imports" else "as reported by the partners"
    return Table(
        f"Share of {_possessive(data.name)} {flow} by partner, {how} ({data.trade_words})",
        ("year", *(_ACTOR_HEAD[a] for a in ACTORS)),
        tuple(rows),
        nowrap=(0,),
    )


def _possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def _balance_table(data: BriefData, since: int | None) -> Table:
    years = sorted(set(data.trade["year"]))
    end = years[-1]
    rows = []
    for y in (y for y in years if (end - y) % 5 == 0):
        cells = [_year_label(y, since)]
        for flow in ("imports", "exports"):
            f = data.get(f"trade.{flow}.balance.{y}")
            cells.append(fmt(f) if f else "n/a")
        rows.append(tuple(cells))
    return Table(
        "U.S. and Japanese share together minus China's share, percentage points",
        ("year", "imports", "exports"),
        tuple(rows),
        nowrap=(0,),
    )


def _exposure_table(data: BriefData) -> Table:
    rows = []
    for m in data.exposure["measure"]:
        v = data.get(f"exposure.{m}")
        p = data.get(f"exposure.{m}.percentile")
        n = data.get(f"exposure.{m}.n")
        label = (
            v.label if v is not None else str(data.exposure.set_index("measure").loc[m, "label"])
        )
        rows.append((label, fmt(v), fmt(p), fmt(n)))
    return Table(
        f"Exposure measures in {data.year} and percentile among countries with data",
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
        ("finance.dac_oda.JPN", "Japan's ODA (current USD)"),
        ("finance.dac_oda.EU", "EU members' ODA (current USD)"),
    ):
        f = data.get(key)
        if f is None:
            continue
        when = f"{f.period[0]}-{f.period[1]}" if f.period else str(f.year)
        fetched = fetched_words(f.source_id)
        if fetched:  # a fetched vintage is named; snapshot files are listed under Sources
            label = f"{label}, {fetched}"
        rows.append((label, fmt(f), when))
    return Table("Key figures", ("indicator", "value", "year"), tuple(rows), nowrap=(2,))


def _ties_table(data: BriefData) -> Table | None:
    rows = []
    years = set()
    for a, label in (("USA", "United States"), ("JPN", "Japan"), ("CHN", "China")):
        cells = [label]
        any_value = False
        for ind in ("atop_defense", "atop_nonagg", "atop_consul", "igo_shared"):
            f = data.get(f"ties.{ind}.{a}")
            any_value |= f is not None
            if f is not None:
                years.add((ind == "igo_shared", f.year))
            cells.append(fmt(f) if f else "n/a")
        if any_value:
            rows.append(tuple(cells))
    if not rows:
        return None
    atop = sorted({y for igo, y in years if not igo})
    igo = sorted({y for is_igo, y in years if is_igo})
    parts = [f"alliances {atop[-1]}"] if atop else []
    parts += [f"shared organisations {igo[-1]}"] if igo else []
    when = ", ".join(parts)
    return Table(
        f"Alliance obligations (ATOP) and shared intergovernmental organisations (COW IGO), {when}",
        ("partner", "defence", "non-aggression", "consultation", "shared organisations"),
        tuple(rows),
    )


def _true(value) -> bool:
    return bool(value) if not pd.isna(value) else False


def _agreements_table(data: BriefData) -> Table | None:
    if data.agreements.empty:
        return None
    rows = []
    for r in data.agreements.itertuples(index=False):
        partners = [_ACTOR_HEAD[a] for a in ("USA", "JPN", "CHN", "EU")
                    if _true(getattr(r, f"with_{a}"))]  # fmt: skip
        force = "" if pd.isna(r.force) else str(int(r.force))
        title = "(untitled)" if pd.isna(r.title) else str(r.title)
        rows.append((title, force, ", ".join(partners)))
    return Table(
        f"Trade agreements in force at the end of {data.year} (curated registry and DESTA)",
        ("agreement", "in force since", "with"),
        tuple(rows),
        nowrap=(1,),
    )


#: alignment measure -> (label, how it is printed), from :mod:`article2.indicators.alignment`
_ALIGNMENT_ROWS: tuple[tuple[str, str, str], ...] = (
    ("overlap", "Overlap: the smaller of the U.S. and Japanese shares", "share"),
    ("complementarity",
     "Complementarity: 0 when both weigh the same, 1 when only one is present", "index"),
    ("balance", "Allies' weight against China: U.S. + Japan share over (U.S. + Japan + China)",
     "share"),
    ("balance_change_5y", "Change of that weight over 5 years", "share_diff"),
    ("balance_change_10y", "Change of that weight over 10 years", "share_diff"),
)  # fmt: skip
_LEAD_WORDS = {"USA": "United States", "JPN": "Japan", "equal": "equal", "": "n/a"}
_PATTERN_WORDS = {
    "both strong": "both present above their world weight",
    "USA strong, JPN weak": "United States above its world weight, Japan below",
    "JPN strong, USA weak": "Japan above its world weight, United States below",
    "both weak": "both below their world weight",
    "unknown": "n/a",
}


def _alignment_table(data: BriefData) -> Table | None:
    """U.S.–Japan alignment per trade channel from the brief's profile, with labels in words."""
    if data.profile is None or not data.profile.alignment:
        return None
    by_channel = {a.channel: a for a in data.profile.alignment}
    chans = [c for c in ("imports", "exports") if c in by_channel]
    if not chans:
        return None
    from article2.briefs.numbers import fmt_value

    def cell(a, key: str, unit: str) -> str:
        v = getattr(a, key) if not key.startswith("balance_change") else getattr(a, key).delta
        return "n/a" if v is None else fmt_value(float(v), unit)

    rows = [(label, *(cell(by_channel[c], key, unit) for c in chans))
            for key, label, unit in _ALIGNMENT_ROWS]  # fmt: skip
    rows.append(("Larger share of the two", *(_LEAD_WORDS.get(by_channel[c].lead, "n/a")
                                              for c in chans)))  # fmt: skip
    rows.append(("Presence against each one's weight in world trade",
                 *(_PATTERN_WORDS.get(by_channel[c].pattern, "n/a") for c in chans)))  # fmt: skip
    year = by_channel[chans[0]].year
    return Table(
        f"U.S.–Japan alignment in {_possessive(data.name)} trade, {year}",
        ("measure", *(f"{data.name}'s {c}" for c in chans)),
        tuple(rows),
    )


_CLASS_WORDS = {
    "actor": "the actor itself",
    "agreement": "trade agreement in force",
    "wto_member": "no agreement; both WTO members",
    "neither": "no agreement; not both WTO members",
}


def _architecture_table(data: BriefData, s: Section) -> Table | None:
    t = s.table
    if not s.available or t.empty or not {"actor", "class"} <= set(t.columns):
        return None
    titles = dict(zip(data.agreements.get("agreement_id", []), data.agreements.get("title", []),
                      strict=False))  # fmt: skip
    rows = []
    for r in t.to_dict("records"):
        ids = [i.strip() for i in str(r.get("agreements", "")).split(",") if i.strip()]
        named = [str(titles[i]) for i in ids if i in titles and not pd.isna(titles[i])]
        if len(named) < len(ids):
            named.append(f"{len(ids) - len(named)} more")
        rows.append((_ACTOR_HEAD.get(str(r["actor"]), str(r["actor"])),
                     _CLASS_WORDS.get(str(r["class"]), "n/a"), "; ".join(named)))  # fmt: skip
    return Table(
        f"Class on the report's trade-architecture map at the end of {data.year}",
        ("actor", "class", "agreements"),
        tuple(rows),
        nowrap=(0,),
    )


_REC_ACTORS = {"us": "United States", "japan": "Japan", "joint": "both"}


def _recs_table(s: Section) -> Table | None:
    t = s.table
    if not s.available or t.empty or "id" not in t.columns:
        return None
    rows = tuple(
        (str(r.id), _REC_ACTORS.get(str(r.actor), str(r.actor)), str(r.theme),
         str(r.status).replace("_", " "), str(r.paraphrase))
        for r in t.itertuples(index=False)
    )  # fmt: skip
    return Table(
        "",
        ("id", "to", "theme", "status", "recommendation"),
        rows,
        nowrap=(0, 1, 3),
    )


def _plain_table(s: Section) -> Table | None:
    """A capability's table with its column names as words."""
    t = s.table
    if not s.available or t.empty or list(t.columns) == ["note"]:
        return None
    return Table(
        s.title,
        tuple(str(c).replace("_", " ") for c in t.columns),
        tuple(tuple(str(v).replace("_", " ") for v in r) for r in t.itertuples(index=False)),
    )


def view(data: BriefData, *, charts: bool = True) -> View:
    """The presentation model of a brief (sections, charts, tables), shared by all formats.

    Each sentence appears once (a finding shown in an earlier section is not repeated), and a
    section with nothing to show is left out."""

    def svg(make) -> str:  # charts are built only when drawn
        return _charts.safe_svg(_charts.to_svg(make())) if charts else ""

    wh = Path(data.warehouse) if data.warehouse else None
    with paths.using_warehouse(wh):  # capabilities read the brief's warehouse
        caps = {s.key: s for s in capability_sections(data.iso3, data.year)}
    since, history = S.historical_years(
        data.iso3, sorted({int(y) for y in data.trade["year"]}) if not data.thin else []
    )
    missing = list(data.missing)

    blocks: list[Block] = [
        Block("The issue in numbers", findings=tuple(f.text for f in F.headline_findings(data))),
        Block(
            "Strategic and economic interests at stake",
            findings=tuple(f.text for f in F.macro_findings(data)),
        ),
    ]
    link_charts = []
    if not data.thin:
        link_charts.append(
            Chart(
                "Trade shares over time by partner",
                f"Line chart of the shares of the United States, Japan, China, the EU and the U.S. "
                f"and Japan together in {_possessive(data.name)} imports and exports.",
                svg(lambda: _charts.trade_share_chart(data.trade, data.name, since)),
                _trade_table(data, "imports", since),
            )
        )
    blocks.append(
        Block(
            "Economic linkages with the U.S., Japan, China and the EU",
            findings=tuple(f.text for f in (*F.trade_findings(data), *F.finance_findings(data))),
            charts=tuple(link_charts),
            tables=(_trade_table(data, "exports", since),) if not data.thin else (),
            notes=(history,) if history else (),
        )
    )
    for make in (S.us_trade_block, S.finance_block, S.people_block):
        b = make(data, svg)
        if b is not None:
            blocks.append(b)
    ties = _ties_table(data)
    blocks.append(
        Block(
            "Political and security ties",
            findings=tuple(f.text for f in F.alliance_findings(data)),
            tables=(ties,) if ties else (),
        )
    )
    bal_charts: tuple[Chart, ...] = ()
    if not data.thin:
        bal_charts = (
            Chart(
                "The allies' share against China's",
                f"Bar chart of the U.S. and Japan's combined share minus China's share of "
                f"{_possessive(data.name)} imports and exports, per year.",
                svg(lambda: _charts.balance_chart(data.trade, data.name)),
                _balance_table(data, since),
            ),
        )
    align = _alignment_table(data)
    blocks.append(
        Block(
            "Alignment and complementarity",
            findings=tuple(f.text for f in F.balance_findings(data)),
            charts=bal_charts,
            tables=(align,) if align else (),
        )
    )
    exp_charts: tuple[Chart, ...] = ()
    if not data.exposure.empty:
        exp_charts = (
            Chart(
                "Coercion exposure: percentiles",
                f"Bar chart of {_possessive(data.name)} percentile on each exposure measure "
                "among countries with data.",
                svg(lambda: _charts.exposure_chart(data.exposure)),
                _exposure_table(data),
            ),
        )
    blocks.append(
        Block(
            "Coercion exposure",
            findings=tuple(f.text for f in F.exposure_findings(data)),
            charts=exp_charts,
        )
    )
    dep = _plain_table(caps["dependencies"])
    if dep is not None:
        blocks.append(Block(caps["dependencies"].title, notes=(caps["dependencies"].text,),
                            tables=(dep,), capability=True))  # fmt: skip
    else:
        missing.append("product-level dependencies: no product-level (BACI) data is loaded")
    agr = _agreements_table(data)
    arch = _architecture_table(data, caps["architecture"])
    blocks.append(
        Block(
            "Place in the trade architecture",
            findings=tuple(f.text for f in F.agreements_findings(data)),
            tables=tuple(t for t in (agr, arch) if t is not None),
        )
    )
    rank = _plain_table(caps["rank"])
    if rank is not None:
        blocks.append(Block(caps["rank"].title, notes=(caps["rank"].text,), tables=(rank,),
                            capability=True))  # fmt: skip
    else:
        missing.append("the case-selection rank: not available for this country")
    recs = _recs_table(caps["recommendations"])
    if recs is not None:
        blocks.append(Block(caps["recommendations"].title,
                            notes=(caps["recommendations"].text,), tables=(recs,),
                            capability=True))  # fmt: skip

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
        coverage=S.coverage_table(data),
        reference_note=S.reference_sentence(data),
        blocks=_once(blocks),
        missing=tuple(missing),
        sources=Table("Sources", ("file", "title", "producer", "licence", "URL"), src_rows),
        capabilities=tuple(caps.values()),
    )


def _once(blocks: list[Block]) -> tuple[Block, ...]:
    """The blocks without a sentence already shown in an earlier one, and without the blocks
    left with nothing to show."""
    seen: set[str] = set()
    out = []
    for b in blocks:
        findings = tuple(f for f in b.findings if f not in seen)
        seen |= set(findings)
        notes = tuple(n for n in b.notes if n not in seen)
        seen |= set(notes)
        kept = Block(b.title, findings, b.charts, b.tables, notes, b.capability)
        if not kept.empty:
            out.append(kept)
    return tuple(out)


_NUMBER = re.compile(r"^[−+-]?\$?[\d.,]+\s*(%|pp|×|x|tn|bn|m|million|billion|thousand)?$")


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


#: a number as a brief prints it (with its sign, currency, unit word or per cent), a year
#: range, or a fiscal year: kept on one line
_UNBROKEN = re.compile(
    r"(?<![\w&#;])(?:\d{4}[-–]\d{4}|FY\d{4}|[−+-]?\$?\d[\d,]*(?:\.\d+)?"
    r"(?:\s(?:bn|tn|m|million|pp)\b|%|th\b|st\b|nd\b|rd\b)?)"
)


def nobreak(value: object) -> Markup:
    """``value`` escaped, with every number (and its unit) in a span that does not break
    across lines."""
    text = str(Markup.escape(str(value)))
    return Markup(_UNBROKEN.sub(lambda m: f'<span class="nw">{m.group(0)}</span>', text))


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
    env.filters["nobreak"] = nobreak
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
