"""What kind of document a service answered, judged from its first bytes.

A service that cannot answer the query as asked often still says HTTP 200: the IMF's SDMX API
answers SDMX-ML (XML) to an ``Accept`` header it ignores, labels XML as ``application/json``
on some calls, and gateways answer HTML error or maintenance pages
(chatilamoe/agora-skills ``skills/imf-data/references/endpoints.md``, "Formats").  The
``Content-Type`` header is therefore not trusted: the body is sniffed instead, and a body of
another kind than the one asked for is refused with the URL and its first bytes.
"""

from __future__ import annotations

from typing import Literal

from article2.sources import download as dl

__all__ = ["Kind", "expect", "head", "kind"]

Kind = Literal["json", "csv", "xml", "html", "zip", "xlsx", "empty", "text"]

_LABEL = {
    "json": "JSON",
    "csv": "CSV",
    "xml": "XML (SDMX-ML or an XML error message)",
    "html": "an HTML page (an error or maintenance page)",
    "zip": "a zip archive",
    "xlsx": "an Excel workbook",
    "empty": "an empty body",
    "text": "plain text",
}


def head(body: bytes, n: int = 120) -> str:
    """The first ``n`` bytes as text, for error messages."""
    return body[:n].decode("utf-8", "replace")


def kind(body: bytes) -> Kind:
    """The kind of document ``body`` is: json, csv, xml, html, zip, xlsx, empty or text."""
    start = body[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    low = start.lower()
    if not start:
        return "empty"
    if start.startswith(b"PK\x03\x04"):
        # an xlsx workbook is a zip whose first member is an OOXML part
        return "xlsx" if b"[content_types].xml" in low or b"xl/" in low else "zip"
    if low.startswith((b"<!doctype html", b"<html")) or b"<html" in low[:200]:
        return "html"
    if low.startswith(b"<"):
        return "xml"
    if start[:1] in (b"{", b"["):
        return "json"
    first = start.split(b"\n", 1)[0]
    if b"," in first or b";" in first or b"\t" in first:
        return "csv"
    return "text"


def expect(body: bytes, wanted: Kind | tuple[Kind, ...], url: str) -> None:
    """Refuse ``body`` unless it is of kind ``wanted``: a FetchError naming the URL, what came
    instead and the body's first bytes."""
    allowed = (wanted,) if isinstance(wanted, str) else wanted
    got = kind(body)
    if got in allowed:
        return
    asked = " or ".join(_LABEL[w] for w in allowed)
    raise dl.FetchError(
        f"asked for {asked} but the service answered {_LABEL[got]}; "
        f"the answer starts {head(body)!r}",
        url=url,
    )
