"""UN Comtrade: bilateral HS6 trade through the official data API, in BACI's long form.

Endpoint (documentation: https://comtradedeveloper.un.org/api-details and the UN Comtrade user
guide https://uncomtrade.org/docs/), base URL setting ``comtrade_url`` (default
``https://comtradeapi.un.org/data/v1/get``)::

    GET {comtrade_url}/C/A/{CL}?reporterCode=392&period=2023&flowCode=M&cmdCode=AG6
        &partnerCode=...&maxRecords=100000&includeDesc=true&breakdownMode=classic
    Ocp-Apim-Subscription-Key: <ARTICLE2_COMTRADE_KEY>

``C`` commodities, ``A`` annual, ``CL`` the classification: ``HS`` (as reported) or a fixed
revision ``H0``..``H6`` (HS 1992 .. HS 2022). The subscription key is read from the
environment (setting ``comtrade_key``, ``ARTICLE2_COMTRADE_KEY``) and sent only as the
``Ocp-Apim-Subscription-Key`` header (never written to disk). Without a key the public preview endpoint (``comtrade_preview_url``,
default ``https://comtradeapi.un.org/public/v1/preview``, same path and parameters) is used.

Row caps (uncomtrade/comtradeapicall ``README.md``: preview "limited to 500 records", keyed
calls "limited to 250K records"; its ``PreviewGet.py`` asks one period per call and shows the
paths ``/public/v1/preview/{type}/{freq}/{cl}`` and ``/data/v1/get/{type}/{freq}/{cl}``): a
keyed call returns at most :data:`KEYED_CAP` rows, a preview call at most :data:`PREVIEW_CAP`.
The fetch plans one call per reporter, period (one year a call) and flow. An answer whose
``count`` reaches the cap is incomplete, so that call is split and asked again, in this order:

1. every partner (no list given) -> blocks of :data:`PARTNER_BLOCK` partners from
   :func:`partner_codes` (Comtrade's numeric codes of the economies that existed that year,
   plus its "nes" areas);
2. a list of several partners -> two halves;
3. one partner, every product -> one call per HS chapter, each listing that chapter's HS6
   codes (from Comtrade's HS reference list, setting ``comtrade_hs_url``, fetched once);
4. a list of several products -> two halves.

A capped call that cannot be split further is an error (:class:`CappedResponseError`) and
nothing is written. The fetch says how many calls it made (``notify``; the CLI prints it) and
records the count in every answer's sidecar. HTTP 429 with ``Retry-After`` and 5xx answers
are retried by :mod:`article2.sources.download`.

Format (JSON): ``{"elapsedTime": ..., "count": N, "data": [record, ...], "error": ""}``; each
record has ``refYear``, ``freqCode``, ``classificationCode``, ``reporterCode`` /
``reporterISO`` / ``reporterDesc``, ``flowCode`` (``M`` imports, ``X`` exports),
``partnerCode`` / ``partnerISO`` / ``partnerDesc`` (0 = World), ``partner2Code``,
``customsCode``, ``motCode``, ``cmdCode`` / ``cmdDesc``, ``netWgt`` (kg), ``primaryValue``
(USD). Errors come back as a non-empty ``error`` or ``{"statusCode": 401, "message": ...}``.
Every answer is kept as delivered (``C_A_{CL}_r{reporter}_{year}_{flow}[...].json``).

BACI-like output (:func:`to_baci`): ``t, i, j, k, v, q`` with ``i`` the exporter, ``j`` the
importer (Comtrade numeric codes, which BACI uses too), ``k`` the HS6 code, ``v`` thousands of
USD and ``q`` metric tons, one row per (t, i, j, k). The importer's report (``M``, CIF) is used
when both sides report a flow, the exporter's (``X``, FOB) otherwise. Only HS6 rows with a
country partner (not World), ``partner2Code`` 0, ``customsCode`` C00 and ``motCode`` 0 are
kept. The fetch writes the result under ``raw/comtrade/<vintage>/baci/<HSxx>/`` as a BACI
folder (``BACI_HSxx_Y{year}_V{release}.csv``, ``country_codes_…``, ``product_codes_…``) that
``article2 load-baci`` loads like CEPII's files.

Not verified without network access: whether ``reporterISO``/``partnerISO`` are filled in
every record, whether the preview accepts a long ``cmdCode`` list, and the exact layout of the
HS reference file (read as ``{"results": [{"id": "010121", "parent": "0101", ...}]}``, the
shape comtradeapicall's ``Metadata.getReference`` reads).
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from article2 import config, countries
from article2.errors import CorruptFileError
from article2.provenance import Origin
from article2.sources import answer
from article2.sources import download as dl

__all__ = [
    "CLASSIFICATIONS",
    "DEFAULT_REPORTERS",
    "KEYED_CAP",
    "ORIGIN",
    "PARTNER_BLOCK",
    "PREVIEW_CAP",
    "SOURCE",
    "BaciTables",
    "CappedResponseError",
    "Classification",
    "Query",
    "fetch",
    "hs_chapters",
    "parse_response",
    "partner_codes",
    "plan",
    "read_records",
    "to_baci",
    "write_baci",
]

SOURCE = "comtrade"
KEYED_CAP = 250_000
PREVIEW_CAP = 500
#: partners per call when an all-partner call must be split
PARTNER_BLOCK = 40
#: M49 codes Comtrade does not use as partners, -> the code it uses (CEPII's BACI country
#: codes, which are Comtrade's: 842 "USA, Puerto Rico and US Virgin Islands", 699 India,
#: 251 "France, Monaco", 757 "Switzerland, Liechtenstein", 579 "Norway, Svalbard and Jan
#: Mayen", 490 "Other Asia, nes" for Taiwan)
COMTRADE_CODE = {840: 842, 630: 842, 850: 842, 356: 699, 250: 251, 492: 251, 756: 757,
                 438: 757, 578: 579, 744: 579, 158: 490}  # fmt: skip
#: Comtrade's partner areas that are not listed economies: Other Asia nes (Taiwan), Areas
#: nes, bunkers, free zones, special categories
NES_AREAS = (490, 899, 837, 838, 839)
Classification = Literal["HS", "H0", "H1", "H2", "H3", "H4", "H5", "H6"]
#: Comtrade classification code -> BACI's name of the HS revision
CLASSIFICATIONS: dict[str, str] = {
    "H0": "HS92",
    "H1": "HS96",
    "H2": "HS02",
    "H3": "HS07",
    "H4": "HS12",
    "H5": "HS17",
    "H6": "HS22",
}
FLOWS = ("M", "X")
#: default reporters: the report's case countries (Comtrade codes: Myanmar, Viet Nam, India,
#: Republic of Korea), reporting their imports and exports with every partner
DEFAULT_REPORTERS = (104, 704, 699, 410)

ORIGIN = Origin(
    source_id=SOURCE,
    dataset=SOURCE,
    title="UN Comtrade Database (data API v1)",
    producer="United Nations Statistics Division",
    license="UN Comtrade terms of use (non-commercial use with attribution)",
    sha256="",
    citation="United Nations. UN Comtrade Database. https://comtradeplus.un.org",
    url="https://comtradedeveloper.un.org/api-details",
)


class CappedResponseError(dl.FetchError):
    """An answer reached the row cap and the call cannot be split further."""


@dataclass(frozen=True)
class Query:
    """One data call: a reporter, a year and a flow, optionally some partners or commodities.

    Attributes:
        reporter: Comtrade reporter code.
        year: the period (annual).
        flow: ``"M"`` or ``"X"``.
        partners: partner codes, or None for every partner.
        commodities: HS codes, or None for every HS6 code (``AG6``).
        part: suffix that tells the pieces of a split call apart in file names.
    """

    reporter: int
    year: int
    flow: str
    partners: tuple[int, ...] | None = None
    commodities: tuple[str, ...] | None = None
    part: str = ""

    def params(self, cap: int) -> dict[str, str]:
        out = {
            "reporterCode": str(self.reporter),
            "period": str(self.year),
            "flowCode": self.flow,
            "cmdCode": ",".join(self.commodities) if self.commodities else "AG6",
            "maxRecords": str(cap),
            "includeDesc": "true",
            "breakdownMode": "classic",
        }
        if self.partners:
            out["partnerCode"] = ",".join(map(str, self.partners))
        return out

    def file_name(self, cl: str) -> str:
        return f"C_A_{cl}_r{self.reporter}_{self.year}_{self.flow}{self.part}.json"

    def split(
        self, partners: Sequence[int], chapters: Callable[[], dict[str, tuple[str, ...]]]
    ) -> list[Query] | None:
        """The calls that together ask what this one asks, each smaller (see the module
        docstring for the order); None when it cannot be split."""
        if self.partners is None:
            codes = tuple(partners)
            blocks = [codes[i : i + PARTNER_BLOCK] for i in range(0, len(codes), PARTNER_BLOCK)]
            return [
                replace(self, partners=b, part=f"{self.part}_p{n:02d}")
                for n, b in enumerate(blocks, 1)
            ]
        if len(self.partners) > 1:
            return self._halves("partners")
        if self.commodities is None:
            return [
                replace(self, commodities=codes, part=f"{self.part}_hs{ch}")
                for ch, codes in chapters().items()
                if codes
            ]
        if len(self.commodities) > 1:
            return self._halves("commodities")
        return None

    def _halves(self, field: str) -> list[Query]:
        values = getattr(self, field)
        mid = len(values) // 2
        return [
            replace(self, **{field: values[:mid]}, part=f"{self.part}_a"),
            replace(self, **{field: values[mid:]}, part=f"{self.part}_b"),
        ]


def partner_codes(year: int) -> tuple[int, ...]:
    """Comtrade partner codes for ``year``: the economies of the country table that existed
    that year (M49 codes, with Comtrade's own code where it differs, :data:`COMTRADE_CODE`)
    and Comtrade's "nes" areas (:data:`NES_AREAS`)."""
    t = countries.country_table().dropna(subset=["un_code"])
    start = pd.to_numeric(t["start_year"], errors="coerce").fillna(0)
    end = pd.to_numeric(t["end_year"], errors="coerce").fillna(9999)
    alive = t[(start <= year) & (end >= year)]
    codes = {COMTRADE_CODE.get(int(c), int(c)) for c in alive["un_code"]}
    return tuple(sorted(codes | set(NES_AREAS)))


def hs_chapters(body: bytes, url: str) -> dict[str, tuple[str, ...]]:
    """Comtrade's HS reference list (``{"results": [{"id": "010121", ...}, ...]}``) -> HS6
    codes by chapter (the first two digits), chapters in order."""
    msg = dl.json_body(body, url)
    rows = msg.get("results") if isinstance(msg, dict) else None
    if not isinstance(rows, list):
        raise dl.FetchError("malformed HS reference list: no 'results' list", url=url)
    out: dict[str, list[str]] = {}
    for r in rows:
        code = str(r.get("id", "")) if isinstance(r, dict) else ""
        if len(code) == 6 and code.isdigit():
            out.setdefault(code[:2], []).append(code)
    if not out:
        raise dl.FetchError("the HS reference list holds no 6-digit code", url=url)
    return {ch: tuple(sorted(v)) for ch, v in sorted(out.items())}


def plan(
    reporters: Sequence[int],
    years: Sequence[int],
    *,
    flows: Sequence[str] = FLOWS,
    partners: Sequence[int] | None = None,
    commodities: Sequence[str] | None = None,
) -> list[Query]:
    """One :class:`Query` per reporter, year and flow (the unit that stays under the cap)."""
    bad = [f for f in flows if f not in FLOWS]
    if bad:
        raise ValueError(f"flows must be among {', '.join(FLOWS)}; got {bad}")
    if not reporters or not years:
        raise ValueError("give at least one reporter code and one year")
    p = tuple(int(x) for x in partners) if partners else None
    c = tuple(str(x) for x in commodities) if commodities else None
    return [Query(int(r), int(y), f, p, c) for r in reporters for y in years for f in flows]


def parse_response(body: bytes, url: str) -> dict[str, Any]:
    """The JSON answer of a data call, or :class:`FetchError` with the API's message."""
    msg = dl.json_body(body, url)
    if not isinstance(msg, dict):
        raise dl.FetchError("malformed Comtrade answer: not a JSON object", url=url)
    if msg.get("error"):
        raise dl.FetchError(f"Comtrade error: {msg['error']}", url=url)
    if "statusCode" in msg and msg["statusCode"] != 200:
        raise dl.FetchError(f"Comtrade error {msg['statusCode']}: {msg.get('message')}", url=url)
    if not isinstance(msg.get("data"), list):
        raise dl.FetchError("malformed Comtrade answer: no 'data' list", url=url)
    return msg


def _capped(msg: dict[str, Any], cap: int) -> bool:
    count = msg.get("count")
    n = count if isinstance(count, int) else len(msg["data"])
    return max(n, len(msg["data"])) >= cap


def fetch(
    *,
    reporters: Sequence[int] = DEFAULT_REPORTERS,
    years: Sequence[int] | None = None,
    vintage: str | None = None,
    flows: Sequence[str] = FLOWS,
    partners: Sequence[int] | None = None,
    commodities: Sequence[str] | None = None,
    classification: Classification = "HS",
    cap: int | None = None,
    policy: dl.RetryPolicy | None = None,
    notify: Callable[[str], None] | None = None,
) -> list[Path]:
    """Download HS6 trade of ``reporters`` in ``years`` as one vintage, then write BACI folders.

    ``years`` defaults to the year before last (Comtrade's annual data lag about a year).
    Returns the raw JSON answers followed by the BACI-form files.

    Raises:
        ValueError: an option outside its allowed values.
        CappedResponseError: a call reached the row cap and cannot be split.
        dl.FetchError: HTTP or format errors (after the download layer's retries).
    """
    if classification != "HS" and classification not in CLASSIFICATIONS:
        raise ValueError(
            f"classification must be one of HS, {', '.join(CLASSIFICATIONS)}; got {classification!r}"
        )
    if years is None:
        years = [int(dl.today()[:4]) - 2]
    queue = plan(reporters, years, flows=flows, partners=partners, commodities=commodities)
    key = config.get("comtrade_key")
    if key:
        base, headers = config.get("comtrade_url") or "", {"Ocp-Apim-Subscription-Key": key}
        cap = cap or KEYED_CAP
    else:
        base, headers = config.get("comtrade_preview_url") or "", {}
        cap = cap or PREVIEW_CAP
    url = f"{base.rstrip('/')}/C/A/{classification}"
    vintage = vintage or dl.today()
    written: list[str] = []
    calls = 0
    chapters: dict[str, tuple[str, ...]] = {}

    def hs_lists() -> dict[str, tuple[str, ...]]:
        nonlocal calls
        if not chapters:
            ref = config.get("comtrade_hs_url") or ""
            calls += 1
            chapters.update(hs_chapters(dl.get_bytes(ref, policy=policy), ref))
        return chapters

    say = notify or (lambda m: print(m, file=sys.stderr))
    with dl.staging(SOURCE, vintage) as stage:
        records = []
        pending: list[tuple[str, bytes, dict[str, str]]] = []
        while queue:
            q = queue.pop(0)
            params = q.params(cap)
            body = dl.get_bytes(url, params=params, headers=headers, policy=policy)
            calls += 1
            answer.expect(body, "json", url)
            msg = parse_response(body, url)
            if _capped(msg, cap):
                parts = q.split(partner_codes(q.year), hs_lists)
                if parts is None:
                    raise CappedResponseError(
                        f"answer for reporter {q.reporter}, {q.year}, flow {q.flow}, partner "
                        f"{q.partners[0] if q.partners else 'all'}, product "
                        f"{q.commodities[0] if q.commodities else 'all'} reached the cap of "
                        f"{cap} rows and cannot be split further",
                        url=url,
                    )
                queue[0:0] = parts
                continue
            name = q.file_name(classification)
            pending.append((name, body, params))
            written.append(name)
            records.append(_frame(msg["data"], name))
        origin = Origin(**{**ORIGIN.to_dict(), "url": url, "columns": ()})
        for name, body, params in pending:
            stage.write_bytes(name, body, origin, query=params, keyed=bool(key), calls=calls)
        say(f"comtrade: {calls} calls for {len(written)} answers (row cap {cap})")
        frame = pd.concat(records, ignore_index=True) if records else pd.DataFrame()
        release = "VCOMTRADE" + "".join(ch for ch in vintage if ch.isalnum())
        tables = to_baci(frame, classification=classification)
        derived = [
            p.relative_to(stage.folder)
            for rev, t in tables.items()
            for p in write_baci(t, stage.path(f"baci/{rev}"), revision=rev, release=release)
        ]
    return [stage.final / n for n in written] + [stage.final / p for p in derived]


_TEXT = ("cmdCode", "flowCode", "classificationCode", "customsCode", "reporterISO", "partnerISO")


def _frame(data: list[Any], name: str) -> pd.DataFrame:
    bad = next((i for i, r in enumerate(data) if not isinstance(r, dict)), None)
    if bad is not None:
        raise CorruptFileError("a record is not a JSON object", file=name, row=bad + 1)
    return pd.DataFrame.from_records(data)


def read_records(path: Path, source_id: str | None = None) -> pd.DataFrame:
    """The records of one stored answer (fetched, or saved by hand from the API) as a table.

    Raises:
        CorruptFileError: naming the file (and the record) when it is not a Comtrade answer.
    """
    sid = source_id or path.name
    try:
        msg = json.loads(path.read_bytes())
    except (OSError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise CorruptFileError(f"not a readable JSON answer ({exc})", file=sid) from exc
    if not isinstance(msg, dict) or not isinstance(msg.get("data"), list):
        raise CorruptFileError("no 'data' list: not a Comtrade data answer", file=sid, field="data")
    return _frame(msg["data"], sid)


@dataclass(frozen=True)
class BaciTables:
    """One HS revision of Comtrade data in BACI's layout.

    Attributes:
        trade: ``t`` (int), ``i`` exporter, ``j`` importer (int codes), ``k`` (6-char str),
            ``v`` (thousands of USD), ``q`` (metric tons, NaN when not reported); unique on
            (t, i, j, k).
        countries: ``country_code``, ``country_name``, ``country_iso2``, ``country_iso3``.
        products: ``code``, ``description``.
    """

    trade: pd.DataFrame
    countries: pd.DataFrame
    products: pd.DataFrame


def _col(df: pd.DataFrame, name: str, default: Any = np.nan) -> pd.Series:
    return df[name] if name in df.columns else pd.Series(default, index=df.index)


def to_baci(records: pd.DataFrame, *, classification: str = "HS") -> dict[str, BaciTables]:
    """Comtrade records -> BACI-form tables per HS revision (pure; see the module docstring).

    With ``classification="HS"`` (as reported) each record's ``classificationCode`` gives its
    revision; records of several revisions give several tables.

    Raises:
        ValueError: two reports of the same flow, (t, i, j, k), with different values.
    """
    if records.empty:
        return {}
    df = records.copy()
    for c in _TEXT:
        df[c] = _col(df, c, "").astype("string").fillna("").str.strip()
    k = df["cmdCode"]
    keep = (
        k.str.fullmatch(r"\d{6}")
        & df["flowCode"].isin(FLOWS)
        & (pd.to_numeric(_col(df, "partnerCode"), errors="coerce") != 0)
        & pd.to_numeric(_col(df, "partner2Code", 0), errors="coerce").fillna(0).eq(0)
        & df["customsCode"].isin(["", "C00"])
        & pd.to_numeric(_col(df, "motCode", 0), errors="coerce").fillna(0).eq(0)
    )
    df = df[keep.fillna(False)]
    rev = (
        df["classificationCode"].map(CLASSIFICATIONS)
        if classification == "HS"
        else pd.Series(CLASSIFICATIONS[classification], index=df.index)
    )
    rep = pd.to_numeric(df["reporterCode"], errors="raise").astype("int64")
    par = pd.to_numeric(df["partnerCode"], errors="raise").astype("int64")
    is_m = df["flowCode"].eq("M")
    long = pd.DataFrame(
        {
            "rev": rev,
            "t": pd.to_numeric(df["refYear"], errors="raise").astype("int64"),
            "i": par.where(is_m, rep),
            "j": rep.where(is_m, par),
            "k": df["cmdCode"].astype(str),
            "v": pd.to_numeric(df["primaryValue"], errors="coerce") / 1000.0,
            "q": pd.to_numeric(_col(df, "netWgt"), errors="coerce") / 1000.0,
            "pref": np.where(is_m, 0, 1),
        }
    ).dropna(subset=["rev", "v"])
    keys = ["rev", "t", "i", "j", "k"]
    same = long.drop_duplicates([*keys, "pref", "v"])
    clash = same.duplicated([*keys, "pref"], keep=False)
    if clash.any():
        first = same[clash].iloc[0]
        raise ValueError(
            f"Comtrade reports flow {'MX'[int(first['pref'])]} of "
            f"{first['t']}/{first['i']}->{first['j']}/{first['k']} twice with different values"
        )
    best = same.sort_values([*keys, "pref"]).drop_duplicates(keys, keep="first")
    out: dict[str, BaciTables] = {}
    names = _names(df)
    products = (
        pd.DataFrame({"code": df["cmdCode"], "description": _col(df, "cmdDesc", "")})
        .drop_duplicates("code")
        .fillna("")
    )
    for revision, part in best.groupby("rev", sort=True):
        trade = part[["t", "i", "j", "k", "v", "q"]].sort_values(["t", "i", "j", "k"])
        codes = set(trade["i"]) | set(trade["j"])
        out[str(revision)] = BaciTables(
            trade.reset_index(drop=True),
            names[names["country_code"].isin(codes)].reset_index(drop=True),
            products[products["code"].isin(set(trade["k"]))]
            .sort_values("code")
            .reset_index(drop=True),
        )
    return out


def _names(df: pd.DataFrame) -> pd.DataFrame:
    parts = []
    for side in ("reporter", "partner"):
        parts.append(
            pd.DataFrame(
                {
                    "country_code": pd.to_numeric(df[f"{side}Code"]).astype("int64"),
                    "country_name": _col(df, f"{side}Desc", "").fillna(""),
                    "country_iso2": "",
                    "country_iso3": df[f"{side}ISO"],
                }
            )
        )
    return pd.concat(parts).drop_duplicates("country_code").sort_values("country_code")


def write_baci(tables: BaciTables, folder: Path, *, revision: str, release: str) -> list[Path]:
    """Write ``tables`` as a BACI folder (what :func:`article2.sources.baci.load` reads)."""
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for year, part in tables.trade.groupby("t", sort=True):
        path = folder / f"BACI_{revision}_Y{year}_{release}.csv"
        part.to_csv(path, index=False, float_format="%.17g", quoting=csv.QUOTE_MINIMAL)
        files.append(path)
    cc = folder / f"country_codes_{release}.csv"
    tables.countries.to_csv(cc, index=False)
    pc = folder / f"product_codes_{revision}_{release}.csv"
    tables.products.to_csv(pc, index=False)
    return [*files, cc, pc]
