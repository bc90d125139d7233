"""``article2 fetch --check``: ask each service for its smallest answer and check its shape.

For every online source one small query (one series, one year) is sent through the download
layer and the answer is compared with what the source's reader expects: the kind of document
(CSV, JSON), the columns or fields, the dimensions of an SDMX answer (the columns between
``DATAFLOW`` and ``TIME_PERIOD``, in order), the codes asked for, and the unit attributes the
reader relies on (the IMF's ``UNIT``/``SCALE``, the OECD's ``UNIT_MULT``). The result per
source says whether the service was reachable, whether the shape is as expected and what
differs. Bulk files (BACI, AidData) are not probed: a partial download cannot be asked of
them safely, and their shape is checked when they are fetched.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from article2 import config
from article2.sources import (
    answer,
    comtrade_api,
    desta,
    imf_dip,
    imf_imts,
    imf_weo,
    oecd_dac2a,
    pacing,
    sdmx,
    wdi_api,
)
from article2.sources import download as dl

__all__ = ["PROBES", "Check", "check", "check_sdmx_csv"]


@dataclass(frozen=True)
class Check:
    """What ``--check`` found for one source."""

    source: str
    reachable: bool | None  # None: not probed
    as_expected: bool
    differences: tuple[str, ...]
    url: str = ""

    def row(self) -> dict:
        return {
            "source": self.source,
            "reachable": {True: "yes", False: "no", None: "not probed"}[self.reachable],
            "shape": "as expected" if self.as_expected else "differs",
            "differences": "; ".join(self.differences),
            "url": self.url,
        }


def _year() -> int:
    return dt.date.today().year - 2


@dataclass(frozen=True)
class SdmxProbe:
    """The smallest query of an SDMX source and the shape its answer must have."""

    spec: sdmx.SdmxSource
    key: str
    dims: tuple[str, ...]
    units: dict[str, str]  # attribute column -> expected value ("" = must be present)

    def url(self) -> tuple[str, dict]:
        base = config.get(self.spec.base_setting) or ""
        return sdmx.data_url(base, self.spec.flow, self.key), {
            "startPeriod": _year() - 3,
            "endPeriod": _year(),
        }

    def run(self) -> tuple[str, list[str]]:
        url, params = self.url()
        if self.spec.pace is not None:
            pacing.reserve(self.spec.pace)
        body = dl.get_bytes(url, params=params, headers={"Accept": self.spec.csv_accept})
        return url, check_sdmx_csv(body, self.dims, self.key, self.units)


def check_sdmx_csv(
    body: bytes, dims: tuple[str, ...], key: str, units: dict[str, str]
) -> list[str]:
    """What differs between an SDMX-CSV answer and the expected shape (empty: as expected)."""
    kind = answer.kind(body)
    if kind != "csv":
        return [f"answered {kind}, not CSV; starts {answer.head(body, 80)!r}"]
    frame = pd.read_csv(io.BytesIO(body), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    cols = list(frame.columns)
    out: list[str] = []
    for need in ("TIME_PERIOD", "OBS_VALUE"):
        if need not in cols:
            out.append(f"column {need} missing (columns: {', '.join(cols[:12])})")
    if out:
        return out
    lead = [c for c in cols[: cols.index("TIME_PERIOD")] if c not in ("DATAFLOW", "STRUCTURE",
            "STRUCTURE_ID", "STRUCTURE_NAME", "ACTION")]  # fmt: skip
    got_dims = tuple(lead)
    if got_dims != dims:
        new = [d for d in got_dims if d not in dims]
        gone = [d for d in dims if d not in got_dims]
        if new:
            out.append(f"new dimension(s) {', '.join(new)}")
        if gone:
            out.append(f"dimension(s) {', '.join(gone)} missing")
        if not new and not gone:
            out.append(f"dimensions in another order: {'.'.join(got_dims)}")
    if frame.empty:
        out.append(f"no observation for key {key!r}")
        return out
    for position, code in zip(dims, key.split("."), strict=False):
        if code and position in frame.columns:
            seen = sorted(set(frame[position]) - set(code.split("+")))
            if seen:
                out.append(f"{position} codes {seen} not asked for ({code})")
    for col, expected in units.items():
        if col not in frame.columns:
            out.append(f"unit attribute {col} missing")
        elif expected and set(frame[col]) != {expected}:
            out.append(f"{col} is {sorted(set(frame[col]))}, expected {expected}")
    values = pd.to_numeric(frame["OBS_VALUE"].replace({"NaN": None, "": None}), errors="coerce")
    if values.isna().all():
        out.append("no numeric OBS_VALUE")
    return out


def _probe_wdi() -> tuple[str, list[str]]:
    base = (config.get("wdi_url") or "").rstrip("/")
    url = f"{base}/country/JPN/indicator/NY.GDP.MKTP.CD"
    body = dl.get_bytes(url, params={"format": "json", "date": str(_year())})
    kind = answer.kind(body)
    if kind != "json":
        return url, [f"answered {kind}, not JSON; starts {answer.head(body, 80)!r}"]
    try:
        header, records = wdi_api.parse_page(body, url)
    except ValueError as exc:
        return url, [str(exc)]
    out = [f"page header lacks {k!r}" for k in ("lastupdated", "total") if k not in header]
    if not records:
        return url, [*out, "no record for JPN"]
    need = ("indicator", "country", "countryiso3code", "date", "value")
    out += [f"record field {k!r} missing" for k in need if k not in records[0]]
    return url, out


COMTRADE_FIELDS = ("refYear", "reporterCode", "flowCode", "partnerCode", "partner2Code",
                   "classificationCode", "cmdCode", "customsCode", "motCode", "primaryValue",
                   "netWgt")  # fmt: skip


def _probe_comtrade() -> tuple[str, list[str]]:
    key = config.get("comtrade_key")
    base = config.get("comtrade_url" if key else "comtrade_preview_url") or ""
    url = f"{base.rstrip('/')}/C/A/HS"
    params = {"reporterCode": "392", "period": str(_year()), "flowCode": "M",
              "partnerCode": "842", "cmdCode": "TOTAL", "includeDesc": "true"}  # fmt: skip
    headers = {"Ocp-Apim-Subscription-Key": key} if key else {}
    body = dl.get_bytes(url, params=params, headers=headers)
    kind = answer.kind(body)
    if kind != "json":
        return url, [f"answered {kind}, not JSON; starts {answer.head(body, 80)!r}"]
    try:
        msg = comtrade_api.parse_response(body, url)
    except dl.FetchError as exc:
        return url, [str(exc).split(": ", 1)[-1]]
    out = [] if "count" in msg else ["field 'count' missing"]
    if not msg["data"]:
        return url, [*out, "no record for Japan's imports from the USA"]
    out += [f"record field {k!r} missing" for k in COMTRADE_FIELDS if k not in msg["data"][0]]
    return url, out


def _probe_desta() -> tuple[str, list[str]]:
    url = config.get("desta_url") or ""
    body = dl.get_bytes(url)
    kind = answer.kind(body)
    if kind != "csv":
        return url, [f"answered {kind}, not CSV; starts {answer.head(body, 80)!r}"]
    first = body.split(b"\n", 1)[0].decode("latin-1").strip().split(",")
    header = [h.strip().strip('"') for h in first]
    return url, [f"column {c!r} missing" for c in desta.COLUMNS if c not in header]


def _not_probed(reason: str) -> Callable[[], tuple[str, list[str]]]:
    def run() -> tuple[str, list[str]]:
        raise NotImplementedError(reason)

    return run


#: source -> probe (returns the URL asked and the differences found)
PROBES: dict[str, Callable[[], tuple[str, list[str]]]] = {
    "imf_imts": SdmxProbe(
        imf_imts.SPEC,
        "USA.XG_FOB_USD.JPN.A",
        ("COUNTRY", "INDICATOR", "COUNTERPART_COUNTRY", "FREQUENCY"),
        {"UNIT": "USD", "SCALE": ""},  # fmt: skip
    ).run,
    "wdi": _probe_wdi,
    "imf_weo": SdmxProbe(
        imf_weo.SPEC, "USA.NGDPD.A", ("COUNTRY", "INDICATOR", "FREQUENCY"), {"SCALE": ""}
    ).run,
    "oecd_dac2a": SdmxProbe(
        oecd_dac2a.SPEC,
        "JPN.VNM.206.USD.V",
        ("DONOR", "RECIPIENT", "MEASURE", "UNIT_MEASURE", "PRICE_BASE"),
        {"UNIT_MULT": "6"},  # fmt: skip
    ).run,
    "imf_dip": SdmxProbe(
        imf_dip.SPEC,
        f"USA.O.{imf_dip.OUTWARD}.JPN.A",
        ("COUNTRY", "DV_TYPE", "INDICATOR", "COUNTERPART_COUNTRY", "FREQUENCY"),
        {"UNIT": "USD", "SCALE": ""},  # fmt: skip
    ).run,
    "baci": _not_probed("bulk zip: not probed; its members are checked when fetched"),
    "comtrade": _probe_comtrade,
    "aiddata": _not_probed("bulk zip: not probed; its workbook is checked when fetched"),
    "desta": _probe_desta,
}


def check(sources: list[str] | None = None) -> list[Check]:
    """Probe ``sources`` (default: all) and say, per source, what was found."""
    names = sources or list(PROBES)
    unknown = [s for s in names if s not in PROBES]
    if unknown:
        raise ValueError(f"unknown source {unknown[0]!r}; allowed: {', '.join(PROBES)}")
    out = []
    for name in names:
        try:
            url, diffs = PROBES[name]()
        except NotImplementedError as exc:
            out.append(Check(name, None, True, (str(exc),)))
            continue
        except (dl.FetchError, OSError, ValueError, json.JSONDecodeError) as exc:
            out.append(Check(name, False, False, (str(exc),), getattr(exc, "url", "")))
            continue
        out.append(Check(name, True, not diffs, tuple(diffs), url))
    return out
