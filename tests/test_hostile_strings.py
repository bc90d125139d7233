"""Text from a source is data: hostile strings stay text in HTML, inert in PDF, equal in JSON.

A copy of the warehouse built from the real snapshot gets hostile strings in every text field
a source delivers that a brief or the dashboard shows: the country's name, the title,
producer, licence and URL of every source, the title of every DESTA agreement. The brief
(HTML, Markdown, PDF), the served brief and the JSON API are then checked:

* HTML: no element or attribute the strings carry exists in the parsed page (no script,
  iframe, img, object, event handler, non-http link); the strings are present as text.
* PDF: Chromium prints the brief in a bounded time, shows the strings as text, and no local
  file's content gets into it.
* JSON: each string comes back byte-for-byte.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest

from article2.briefs import assemble as A
from article2.briefs import charts as C
from article2.briefs import pdf as P
from article2.briefs import render as R

snapshot = pytest.mark.snapshot
needs_pdf = pytest.mark.skipif(
    shutil.which("chromium") is None or shutil.which("pdftotext") is None,
    reason="chromium and poppler-utils are needed for PDF briefs",
)

PASSWD_MARK = "root:x:0:0"  # the first line of /etc/passwd on every Linux this runs on

NAME = 'Viet<script>alert(1)</script>nam"><img src=x onerror=alert(2)>{{7*7}}</style>\\"'
HOSTILE = (
    "<script>alert('title')</script>",
    '<iframe src="file:///etc/passwd" width="600" height="400"></iframe>',
    '"><img src=x onerror="alert(3)">',
    "{{7*7}} ${7*7} {% raw %}",
    "</style><style>body{display:none}</style>",
    "<object data='file:///etc/passwd'></object><embed src='file:///etc/hostname'>",
    "' onmouseover='alert(4)' x='",
    '<a href="javascript:alert(5)">click</a><svg onload=alert(6)>',
)
URLS = (
    "javascript:alert(7)",
    "file:///etc/passwd",
    'https://example.org/"><script>alert(8)</script>',
    "data:text/html,<script>alert(9)</script>",
)
DANGEROUS_TAGS = {"script", "iframe", "img", "object", "embed", "link", "meta", "base", "form",
                  "frame", "frameset", "foreignobject", "use", "image", "audio", "video"}


@pytest.fixture(scope="module")
def hostile(real_warehouse, tmp_path_factory) -> Path:
    """A copy of the real warehouse with hostile text planted in the source-delivered fields."""
    path = tmp_path_factory.mktemp("hostile") / "warehouse.duckdb"
    shutil.copyfile(real_warehouse, path)
    con = duckdb.connect(str(path))
    try:
        con.execute("UPDATE countries SET name = ? WHERE iso3 = 'VNM'", [NAME])
        ids = [r[0] for r in con.execute("SELECT source_id FROM sources ORDER BY 1").fetchall()]
        for n, sid in enumerate(ids):
            h = HOSTILE[n % len(HOSTILE)]
            con.execute(
                "UPDATE sources SET title = ?, producer = ?, license = ?, url = ? "
                "WHERE source_id = ?",
                [f"T{n} {h}", f"P{n} {HOSTILE[(n + 1) % len(HOSTILE)]}",
                 f"L{n} {HOSTILE[(n + 2) % len(HOSTILE)]}", URLS[n % len(URLS)], sid],
            )
        con.execute(
            "UPDATE agreements SET title = 'A' || agreement_id || ' ' || ? "
            "WHERE catalogue = 'desta'",
            [HOSTILE[0] + HOSTILE[1] + HOSTILE[2]],
        )
    finally:
        con.close()
    return path


@pytest.fixture(scope="module")
def data(hostile) -> A.BriefData:
    d = A.brief_data("VNM", path=hostile)
    assert d.name == NAME
    assert (d.agreements["title"].str.contains("<script>", regex=False)).any(), (
        "no DESTA-only agreement in the brief: the agreement titles are not exercised"
    )
    return d


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []
        self.style: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))
        self._in_style = tag == "style"

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        (self.style if self._in_style else self.text).append(data)


def _assert_inert_html(page: str) -> _Collect:
    p = _Collect()
    p.feed(page)
    for tag, attrs in p.tags:
        if tag == "meta":
            assert dict(attrs).get("http-equiv") in ("Content-Security-Policy", None), attrs
            continue
        assert tag not in DANGEROUS_TAGS, f"<{tag}> reached the page: {attrs}"
        for name, value in attrs:
            assert not name.startswith("on"), f"<{tag} {name}=...> reached the page"
            if name in ("href", "src", "xlink:href", "action", "data"):
                assert (value or "").startswith(("https://", "http://", "#")), (tag, name, value)
    assert len(p.style) >= 1
    for css in p.style:  # the one data value in CSS cannot end the string or the element
        assert "</" not in css and NAME not in css
    return p


@snapshot
def test_html_brief_escapes_every_planted_string(data):
    page = R.render_html(data)
    p = _assert_inert_html(page)
    text = " ".join(p.text)
    # the strings are shown, as text (the escaping did not drop them)
    assert NAME in text
    for h in HOSTILE:
        assert h in text, h
    assert "{{7*7}}" in text and "49" not in NAME
    # the page's own policy: nothing may run or load
    metas = [dict(a) for t, a in p.tags if t == "meta" and dict(a).get("http-equiv")]
    assert metas == [{"http-equiv": "Content-Security-Policy", "content": R.CSP}]
    assert "default-src 'none'" in R.CSP and "script-src" not in R.CSP
    # the footer holds the name as CSS escapes
    assert R.css_string(NAME) in page


@snapshot
def test_markdown_brief_carries_no_html(data):
    md = R.render_markdown(data)
    for bad in ("<script", "<iframe", "<img", "<object", "<embed", "<svg", "<a "):
        assert bad not in md.lower(), bad
    assert "&lt;script&gt;" in md
    for url in URLS:  # only http(s) URLs become links
        assert f"<{url}>" not in md


@snapshot
@needs_pdf
def test_pdf_brief_is_inert(data, tmp_path):
    t0 = time.monotonic()
    pdf = R.write(data, tmp_path, "pdf")
    took = time.monotonic() - t0
    assert took < P.TIMEOUT_SECONDS
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert PASSWD_MARK not in text
    assert "<script>alert('title')</script>" in text  # printed as text, not run
    assert "{{7*7}}" in text


@needs_pdf
def test_pdf_printer_runs_no_script_and_reads_no_file():
    """The printer itself, fed a page with live markup (no escaping to help it): no script
    runs, no local file is framed, embedded or linked in, and it finishes quickly."""
    page = (
        "<html><body><p>visible</p>"
        '<iframe src="file:///etc/passwd" width="600" height="400"></iframe>'
        '<object data="file:///etc/passwd" width="600" height="400"></object>'
        '<embed src="file:///etc/passwd" width="600" height="400">'
        '<img src="file:///etc/passwd">'
        '<link rel="stylesheet" href="file:///etc/passwd">'
        "<script>document.write('SCRIPT-RAN'); while (true) {}</script>"
        "</body></html>"
    )
    t0 = time.monotonic()
    out = P.print_pdf(page, exe=P.chromium(), timeout=30)
    assert time.monotonic() - t0 < 30
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=out, capture_output=True, check=True
    ).stdout.decode()
    assert "visible" in text
    assert "SCRIPT-RAN" not in text
    assert PASSWD_MARK not in text


@needs_pdf
def test_pdf_printer_bounds_concurrency_and_time(monkeypatch):
    """With every slot taken the next request is refused with PdfBusyError after its wait;
    a page that does not print within the limit gets PdfTimeoutError."""
    import threading

    taken = [P._slots.acquire(timeout=5) for _ in range(P.MAX_CONCURRENT)]
    assert all(taken)
    try:
        t0 = time.monotonic()
        with pytest.raises(P.PdfBusyError, match="PDF briefs are being printed"):
            P.print_pdf("<p>x</p>", exe=P.chromium(), queue=0.3)
        assert time.monotonic() - t0 < 5
    finally:
        for _ in taken:
            P._slots.release()
    with pytest.raises(P.PdfTimeoutError, match="not printed within"):
        P.print_pdf("<p>" + "x " * 200_000 + "</p>", exe=P.chromium(), timeout=0.05)
    # the browser is started afresh after a timeout and prints again
    assert P.print_pdf("<p>again</p>", exe=P.chromium()).startswith(b"%PDF")
    assert threading.active_count() < 50


def test_chart_svg_keeps_titles_as_text():
    import pandas as pd

    trade = pd.DataFrame(
        {"year": [2000, 2001], "flow": ["imports", "imports"], "actor": ["USA", "USA"],
         "share": [0.1, 0.2]}
    )
    svg = C.to_svg(C.trade_share_chart(trade, NAME + HOSTILE[2]))
    checked = C.safe_svg(svg)  # vl-convert escaped the title: only drawing elements
    assert "&lt;script&gt;" in checked and "<script" not in checked
    with pytest.raises(C.UnsafeSvgError, match="script"):
        C.safe_svg('<svg xmlns="http://www.w3.org/2000/svg"><script>x</script></svg>')
    with pytest.raises(C.UnsafeSvgError, match="onload"):
        C.safe_svg('<svg xmlns="http://www.w3.org/2000/svg" onload="x"/>')
    with pytest.raises(C.UnsafeSvgError, match="links"):
        C.safe_svg('<svg xmlns="http://www.w3.org/2000/svg" '
                   'xmlns:xlink="http://www.w3.org/1999/xlink"><g xlink:href="file:///x"/></svg>')
    loc = C.safe_svg(C.locator_map_svg(704, NAME))
    assert "<script" not in loc and "Location of Viet&lt;script&gt;" in loc


def test_css_string_cannot_end_the_string_or_the_style():
    out = R.css_string('a"b\\c\n</style><script>')
    assert '"' not in out and "<" not in out and "\n" not in out
    assert out.startswith("a\\000022b")
    assert R.web_url("https://example.org/x") and not R.web_url("javascript:alert(1)")
    assert not R.web_url("file:///etc/passwd") and not R.web_url('https://x/"><b>')


@snapshot
def test_served_brief_and_json_api(hostile):
    from fastapi.testclient import TestClient

    from article2.web.app import create_app
    from article2.web.limits import Limits

    # no time limit or rate limit: this test is about escaping, not load (a slow machine would
    # otherwise get the deliberate 503 of a page computing past the default time limit)
    client = TestClient(create_app(hostile, limits=Limits(rate=0, time_limit=600)))
    r = client.get("/country/VNM/brief.html")
    assert r.status_code == 200
    policies = r.headers.get_list("content-security-policy")
    assert any("default-src 'none'" in p and "sandbox" in p for p in policies), policies
    _assert_inert_html(r.text)
    # the dashboard's own pages escape too
    for url in ("/country/VNM", "/sources", "/compare?iso3=VNM&iso3=JPN"):
        page = client.get(url, headers={"accept": "text/html"})
        assert page.status_code == 200, url
        p = _Collect()
        p.feed(page.text)
        for tag, attrs in p.tags:
            a = dict(attrs)
            assert not any(k.startswith("on") for k in a), (url, tag, a)
            if tag == "script":  # the app's own scripts and JSON chart specs only
                assert a.get("type") == "application/json" or (a.get("src") or "").startswith(
                    "/"
                ), (url, a)
            else:
                assert tag not in DANGEROUS_TAGS - {"meta", "link", "form"}, (url, tag, a)
                assert (a.get("action") or "/").startswith("/"), (url, tag, a)
        assert NAME in " ".join(p.text) or url != "/country/VNM"
    # JSON: the same strings, unchanged
    rows = client.get("/api/countries").json()["rows"]
    assert NAME in {r.get("name") for r in rows}
    rows = client.get("/api/sources").json()["rows"]
    titles = {r.get("title") for r in rows}
    assert any(t and t.endswith(HOSTILE[0]) for t in titles)
    assert set(URLS) <= {r.get("url") for r in rows}


@snapshot
def test_source_codes_are_escaped_too(data):
    """Source ids (codes shown in the Sources table) with markup stay text in HTML and
    Markdown."""
    import dataclasses

    src = data.sources.copy()
    src["source_id"] = [f"`{HOSTILE[n % len(HOSTILE)]}`/{n}.csv" for n in range(len(src))]
    d = dataclasses.replace(data, sources=src)
    p = _assert_inert_html(R.render_html(d, charts=False))
    text = " ".join(p.text)
    assert all(s in text for s in src["source_id"])
    md = R.render_markdown(d)
    assert "<script" not in md and "<iframe" not in md
    assert md.split("## Sources")[1].count("`") == 2 * len(src)  # no id ends its code span
