"""World Bank World Development Indicators through the Indicators API v2.

Endpoint (documentation: https://datahelpdesk.worldbank.org/knowledgebase/articles/889392 and
https://datahelpdesk.worldbank.org/knowledgebase/articles/898581), base URL setting
``wdi_url`` (``ARTICLE2_WDI_URL``, default ``https://api.worldbank.org/v2``)::

    GET {wdi_url}/country/all/indicator/{INDICATOR}?format=json&per_page=20000&page=N&date=1960:2030

Format: a JSON array of two elements, ``[header, records]``; the header has ``page``,
``pages``, ``per_page``, ``total``, ``sourceid`` and ``lastupdated`` (the release date of the
database, used as the vintage); each record has ``indicator {id, value}``,
``country {id, value}``, ``countryiso3code``, ``date`` (year), ``value`` (null when missing),
``unit``, ``obs_status``, ``decimal``. Errors come back as ``[{"message": [{"id", "key",
"value"}]}]``. Every page is kept as delivered (``{INDICATOR}.p001.json``, ...).

Warehouse rows: ``country_year`` for economies (ISO3) and ``aggregate_year`` for the World
Bank's regional and income aggregates, with the indicators in :data:`SERIES`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from article2 import config
from article2.errors import CorruptFileError
from article2.provenance import Origin
from article2.sources import _base as b
from article2.sources import download as dl

__all__ = ["INDICATORS", "ORIGIN", "SERIES", "SOURCE", "fetch", "parse_page", "read"]

SOURCE = "wdi"
PER_PAGE = 20000

ORIGIN = Origin(
    source_id=SOURCE,
    dataset=SOURCE,
    title="World Development Indicators (Indicators API v2)",
    producer="World Bank",
    license="CC BY 4.0",
    sha256="",
    citation="World Bank. World Development Indicators. https://data.worldbank.org",
    url="https://datahelpdesk.worldbank.org/knowledgebase/articles/889392",
)

#: WDI code -> (indicator, unit, description)
SERIES: dict[str, tuple[str, str, str]] = {
    "NY.GDP.MKTP.CD": ("wdi_gdp_usd", "current USD", "GDP, current USD"),
    "SP.POP.TOTL": ("wdi_population", "persons", "Population, total"),
    "NE.TRD.GNFS.ZS": ("wdi_trade_pct_gdp", "percent of GDP", "Trade (% of GDP)"),
    "BX.KLT.DINV.CD.WD": (
        "wdi_fdi_inflows_usd",
        "current USD",
        "Foreign direct investment, net inflows (BoP, current USD)",
    ),
    "ST.INT.ARVL": ("wdi_tourism_arrivals", "arrivals", "International tourism, arrivals"),
    "ST.INT.RCPT.CD": (
        "wdi_tourism_receipts_usd",
        "current USD",
        "International tourism, receipts (current USD)",
    ),
    "DT.ODA.ODAT.CD": (
        "wdi_oda_received_usd",
        "current USD",
        "Net official development assistance received (current USD)",
    ),
}
INDICATORS = {
    ind: (unit, f"{desc} (WDI {code})", False) for code, (ind, unit, desc) in SERIES.items()
}


def parse_page(body: bytes, where: str) -> tuple[dict, list[dict]]:
    """Split one API page into (header, records); raise a clear error on anything else."""
    try:
        data = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        start = body[:120].decode("utf-8", "replace")
        raise CorruptFileError(f"malformed JSON ({exc}); starts {start!r}", file=where) from exc
    if isinstance(data, list) and data and isinstance(data[0], dict) and "message" in data[0]:
        msgs = "; ".join(
            f"{m.get('key', '')}: {m.get('value', '')}" for m in data[0]["message"] or []
        )
        raise CorruptFileError(f"World Bank API error: {msgs}", file=where)
    if not (isinstance(data, list) and len(data) == 2 and isinstance(data[0], dict)):
        raise CorruptFileError(
            "not a World Bank API v2 page (expected [header, records])", file=where
        )
    header, records = data
    for k in ("page", "pages"):
        if k not in header:
            raise CorruptFileError(f"page header lacks {k!r}", file=where, field=k)
    return header, records or []


def _fetch_indicator(code: str, policy: dl.RetryPolicy | None) -> list[tuple[bytes, dict]]:
    url = f"{(config.get('wdi_url') or '').rstrip('/')}/country/all/indicator/{code}"
    pages: list[tuple[bytes, dict]] = []
    page, n_pages = 1, 1
    while page <= n_pages:
        params = {"format": "json", "per_page": PER_PAGE, "page": page, "date": "1960:2030"}
        body = dl.get_bytes(url, params=params, policy=policy)
        try:
            header, _ = parse_page(body, f"{url}?page={page}")
        except CorruptFileError as exc:
            raise dl.FetchError(str(exc), url=url) from exc
        n_pages = int(header["pages"])
        pages.append((body, {**header, "url": url, "query": params}))
        page += 1
    return pages


def fetch(
    *,
    vintage: str | None = None,
    indicators: tuple[str, ...] | None = None,
    policy: dl.RetryPolicy | None = None,
) -> list[Path]:
    """Download every page of each WDI series; the vintage defaults to the API's lastupdated."""
    codes = indicators or tuple(SERIES)
    unknown = [c for c in codes if c not in SERIES]
    if unknown:
        raise ValueError(f"unknown WDI series {unknown}; known: {', '.join(SERIES)}")
    fetched = {code: _fetch_indicator(code, policy) for code in codes}
    updated = sorted(
        str(h.get("lastupdated") or "") for pages in fetched.values() for _, h in pages
    )
    vintage = vintage or (updated[-1] if updated and updated[-1] else dl.today())
    written = []
    with dl.staging(SOURCE, vintage) as stage:
        for code, pages in fetched.items():
            for body, header in pages:
                name = f"{code}.p{int(header['page']):03d}.json"
                origin = Origin(**{**ORIGIN.to_dict(), "url": header["url"], "columns": ()})
                stage.write_bytes(
                    name,
                    body,
                    origin,
                    query=header["query"],
                    lastupdated=header.get("lastupdated", ""),
                )
                written.append(name)
    return [stage.final / n for n in written]


def read(path: Path, origin: Origin) -> b.ReadResult:
    """One API page (fetched, or saved by hand from the API) -> WDI rows."""
    sid = origin.source_id
    if not path.is_file():
        raise b.MissingFileError("file not found", file=sid)
    _, records = parse_page(path.read_bytes(), sid)
    df = pd.DataFrame(
        {
            "indicator": [str((r.get("indicator") or {}).get("id", "")) for r in records],
            "code": [str(r.get("countryiso3code") or "") for r in records],
            "name": [str((r.get("country") or {}).get("value", "")) for r in records],
            "date": [str(r.get("date", "")) for r in records],
            "value": ["" if r.get("value") is None else str(r.get("value")) for r in records],
        },
        dtype=str,
    )
    q = b.Quarantine(sid)
    report: list[pd.DataFrame] = []
    q.add(~df["indicator"].isin(list(SERIES)), "indicator", "unknown WDI series", df["indicator"])
    q.add(df["code"] == "", "countryiso3code", "no ISO3 code")
    year = b.to_number(df, "date", q, integer=True)
    value = b.to_number(df, "value", q)
    q.add(value.isna() & (df["value"] == ""), "value", "no data: value missing")
    m = b.map_country(df, "code", "wb", q, years=year, quarantine_aggregates=False, report=report)
    frame = pd.DataFrame(
        {
            "iso3": m.iso3,
            "code": df["code"],
            "name": df["name"],
            "year": year,
            "value": value,
            "indicator": df["indicator"].map({k: v[0] for k, v in SERIES.items()}),
            "_row": df.index,
        }
    ).drop(index=q.bad_index())
    is_agg = (m.status == "aggregate").reindex(frame.index)
    countries = b.resolve_observations(
        frame[~is_agg][["iso3", "year", "indicator", "value", "_row"]],
        ["iso3", "year", "indicator"],
        q,
    )
    aggregates = b.resolve_observations(
        frame[is_agg][["code", "name", "year", "indicator", "value", "_row"]],
        ["code", "year", "indicator"],
        q,
    )
    tables = {
        "country_year": countries.assign(year=lambda x: x["year"].astype("int32")),
        "aggregate_year": aggregates.assign(year=lambda x: x["year"].astype("int32")),
    }
    return b.finish(tables, len(df), q, report)
