"""SDMX 2.1 REST data queries and the SDMX-CSV format, shared by the IMF and OECD fetchers.

Query (SDMX 2.1 RESTful web services, section 7 of the standard,
https://github.com/sdmx-twg/sdmx-rest/blob/master/v2_1/ws/rest/docs/rest_cheat_sheet.pdf)::

    GET {base}/data/{agency},{dataflow},{version}/{key}?startPeriod=YYYY&endPeriod=YYYY
    Accept: application/vnd.sdmx.data+csv;version=1.0.0

``key`` is the dimension values in the data structure's order joined by ``.``; several values
of one dimension are joined by ``+``; an empty position is a wildcard.

Format read (SDMX-CSV 1.0, https://github.com/sdmx-twg/sdmx-csv/blob/master/data-message/docs/sdmx-csv-field-guide.md):
one header row; the first column is ``DATAFLOW`` (SDMX-CSV 2.0 has ``STRUCTURE``,
``STRUCTURE_ID``, ``ACTION`` instead, also accepted); then one column per dimension (by its
id), ``TIME_PERIOD``, ``OBS_VALUE`` and attribute columns. Annual periods are ``YYYY``; monthly
(``YYYY-MM`` or ``YYYY-Mmm``) and quarterly rows stay in the raw file and are quarantined
with that reason, since the warehouse holds annual tables.

Units. Whether an attribute scales ``OBS_VALUE`` differs by provider, so each source says so
in its :class:`SdmxLayout` (``scale``):

- **IMF** (api.imf.org): ``OBS_VALUE`` is in full units; ``SCALE`` (``6``, ``9``) only says how
  the IMF *displays* the series and is never applied (chatilamoe/agora-skills
  ``skills/imf-data/SKILL.md``, Pitfalls: "Values are in full units ... Do not multiply
  again"; ``references/dataflows.md``: IL reserves 14,030.29 million in the old API equal
  14,030,289,869.83 in the new one).
- **OECD** (sdmx.oecd.org): DAC tables carry ``OBS_VALUE`` in millions with ``UNIT_MULT`` 6
  (ONEcampaign/oda_cookbook ``src/oda_data/dac2a.md``: amount type "Current Prices (USD
  millions)"; ONEcampaign/oda_reader ``schemas/mappings/dac2a_dotstat.json`` keeps
  ``UNIT_MULT`` as ``unit_multiplier``), so ``UNIT_MULT`` is applied.

Accept headers: the IMF ignores ``application/vnd.sdmx.data+json;version=1.0.0`` (it answers
XML) and serves SDMX-JSON for ``application/json`` and SDMX-CSV for
``application/vnd.sdmx.data+csv;version=1.0.0`` (agora-skills ``references/endpoints.md``,
"Formats"); ``application/json`` is also what public OECD DAC2A clients send. Every answer
is sniffed (:mod:`article2.sources.answer`): XML or HTML where CSV or JSON was asked is refused
with the URL and the first bytes, and an answer with no observation at all (what the IMF
sends, HTTP 200, for an unknown code or a wrong key order) is an error naming the key,
never an empty vintage.
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from article2 import config
from article2.errors import CorruptFileError, MissingFileError
from article2.provenance import Origin
from article2.sources import _base as b
from article2.sources import answer, pacing
from article2.sources import download as dl

__all__ = [
    "ACCEPT",
    "CSV2_ACCEPT",
    "CSV_ACCEPT",
    "FORMATS",
    "IMF_BILATERAL",
    "JSON_ACCEPT",
    "WORLD_CODES",
    "MessageFormat",
    "SdmxLayout",
    "SdmxSource",
    "Series",
    "data_url",
    "fetch_message",
    "imf_origin",
    "parse_json",
    "read",
    "read_csv",
    "read_frame",
    "read_json",
]

MessageFormat = Literal["csv", "json"]
FORMATS: tuple[str, ...] = ("csv", "json")
CSV_ACCEPT = "application/vnd.sdmx.data+csv;version=1.0.0"
#: SDMX-CSV 2.0 (``STRUCTURE``, ``STRUCTURE_ID``, ``ACTION`` first), the CSV media type the
#: OECD documents for its API (Api-best-practices-and-recommendations, "UpdatedAfter")
CSV2_ACCEPT = "application/vnd.sdmx.data+csv;version=2.0"
JSON_ACCEPT = "application/json"
ACCEPT = {"csv": CSV_ACCEPT, "json": JSON_ACCEPT}
#: partner codes that mean "all partners" (IMF's G001 world; ISO-like W00/WLD)
WORLD_CODES = frozenset({"G001", "W00", "WLD", "W1", "_T", "W"})


@dataclass(frozen=True)
class Series:
    """How one SDMX indicator code lands in the warehouse.

    Attributes:
        indicator: warehouse indicator name.
        unit, description: for the ``indicators`` registry.
        reporter_is_origin: for dyadic series, True when the reporter is o (exports, aid
            given, outward positions); False when the partner is o (imports, inward positions).
    """

    indicator: str
    unit: str
    description: str
    reporter_is_origin: bool = True


@dataclass(frozen=True)
class SdmxLayout:
    """Which SDMX-CSV columns play which role.

    Attributes:
        reporter: dimension id of the reporting country (ISO3 codes).
        indicator: dimension id whose codes select a :class:`Series`.
        partner: dimension id of the counterpart country, or None for country-level data.
        freq: dimension id of the frequency, or None.
        series: indicator code -> :class:`Series`.
        scale: attribute columns that are a power of ten applied to ``OBS_VALUE`` (the first
            one present is used); empty when values are in full units (the IMF).
        fixed: dimension id -> the one code this source loads (e.g. the IMF DIP's
            ``DV_TYPE`` ``O``); rows with another code are quarantined.
    """

    reporter: str
    indicator: str
    series: Mapping[str, Series]
    partner: str | None = None
    freq: str | None = None
    scale: tuple[str, ...] = ()
    fixed: Mapping[str, str] = field(default_factory=dict)

    def indicators(self) -> dict[str, tuple[str, str, bool]]:
        return {
            s.indicator: (s.unit, s.description, self.partner is not None)
            for s in self.series.values()
        }


#: dimension ids of the IMF's bilateral dataflows (IMTS, DIP): SdmxLayout(**IMF_BILATERAL, ...)
IMF_BILATERAL: dict[str, Any] = {
    "reporter": "COUNTRY",
    "indicator": "INDICATOR",
    "partner": "COUNTERPART_COUNTRY",
    "freq": "FREQUENCY",
}


def data_url(base: str, flow: str, key: str) -> str:
    return f"{base.rstrip('/')}/data/{flow}/{key}"


def _no_data_set(message: Any) -> bool:
    """True for an SDMX-JSON message (1.0 or 2.0) whose ``dataSets`` list is empty."""
    if not isinstance(message, dict):
        return False
    holder = message["data"] if isinstance(message.get("data"), dict) else message
    return holder.get("dataSets") == []


def _check_body(body: bytes, fmt: MessageFormat, url: str, key: str) -> pd.DataFrame:
    """The answer as a text table, refusing anything but a non-empty data message of ``fmt``."""
    answer.expect(body, fmt, url)
    if fmt == "csv":
        head = body[:2000].decode("utf-8", "replace").lstrip("\ufeff").split("\n", 1)[0]
        if "OBS_VALUE" not in head or "TIME_PERIOD" not in head:
            raise dl.FetchError(f"not an SDMX-CSV data message (header {head[:160]!r})", url=url)
        try:
            frame = pd.read_csv(
                io.BytesIO(body), dtype=str, keep_default_na=False, encoding="utf-8-sig"
            )
        except (pd.errors.ParserError, UnicodeDecodeError) as exc:
            raise dl.FetchError(f"not a readable SDMX-CSV data message ({exc})", url=url) from exc
    else:
        message = dl.json_body(body, url)
        try:
            frame = pd.DataFrame() if _no_data_set(message) else parse_json(message, name=url)
        except CorruptFileError as exc:
            raise dl.FetchError(f"not an SDMX-JSON data message: {exc}", url=url) from exc
    if frame.empty:
        raise dl.FetchError(
            f"the service found no observation for key {key!r} (HTTP 200 with an empty data "
            "set: a code that does not exist, a wrong dimension order or lower-case codes); "
            "check the key against the dataflow's structure",
            url=url,
        )
    return frame


def fetch_message(
    stage: dl.Staging,
    name: str,
    *,
    base: str,
    flow: str,
    key: str,
    origin: Origin,
    fmt: MessageFormat = "csv",
    start: int | None = None,
    end: int | None = None,
    policy: dl.RetryPolicy | None = None,
    pace: pacing.Pace | None = None,
    csv_accept: str = CSV_ACCEPT,
) -> Path:
    """Query one SDMX data message (CSV or JSON) into the staging folder and check it."""
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {', '.join(FORMATS)}; got {fmt!r}")
    url = data_url(base, flow, key)
    params = {k: v for k, v in (("startPeriod", start), ("endPeriod", end)) if v is not None}
    if pace is not None:
        pacing.reserve(pace, notify=lambda m: print(m, file=sys.stderr))
    accept = csv_accept if fmt == "csv" else ACCEPT[fmt]
    body = dl.get_bytes(url, params=params, headers={"Accept": accept}, policy=policy)
    _check_body(body, fmt, url, key)
    return stage.write_bytes(
        name, body, Origin(**{**origin.to_dict(), "url": url, "columns": ()}), query=params
    )


_DEFAULT = object()


def imf_origin(source: str, *, title: str, citation: str, url: str, caveats: str = "") -> Origin:
    """The origin record of an IMF dataflow (producer and licence are the IMF's)."""
    return Origin(
        source_id=source,
        dataset=source,
        title=title,
        producer="International Monetary Fund",
        license="IMF Terms of Use (free reuse with attribution)",
        sha256="",
        citation=citation,
        url=url,
        caveats=caveats,
    )


@dataclass(frozen=True)
class SdmxSource:
    """One SDMX dataflow fetched into the data home and read into the warehouse.

    A source module declares one of these and exposes its bound ``fetch`` and ``read``.

    Attributes:
        source: source name (folder under ``raw/``, key of ``fetched.FETCHERS``).
        base_setting: name of the :mod:`article2.config` setting holding the API base URL.
        flow: dataflow reference ``AGENCY,ID,VERSION``.
        key: default series key (may contain ``{freq}``, filled from ``freqs``).
        origin: the provider's origin record.
        layout: which columns play which role.
        start: default ``startPeriod`` (None: the whole series).
        freqs: allowed frequencies when ``key`` has ``{freq}`` (the first is the default).
        pace: the service's download allowance (None: no pacing).
        csv_accept: the media type asked for SDMX-CSV (the OECD documents version 2.0).
    """

    source: str
    base_setting: str
    flow: str
    key: str
    origin: Origin
    layout: SdmxLayout
    start: int | None = None
    freqs: tuple[str, ...] = ()
    pace: pacing.Pace | None = None
    csv_accept: str = CSV_ACCEPT

    def fetch(
        self,
        *,
        vintage: str | None = None,
        start: int | None | object = _DEFAULT,
        end: int | None = None,
        freq: str | None = None,
        fmt: MessageFormat = "csv",
        policy: dl.RetryPolicy | None = None,
    ) -> list[Path]:
        """Download the dataflow as one vintage (default: today's date) of the source.

        Args:
            vintage: vintage folder name (a release name or the fetch date).
            start, end: ``startPeriod`` / ``endPeriod`` years (default start: the source's).
            freq: frequency when the key has one (allowed: the source's ``freqs``).
            fmt: ``"csv"`` (SDMX-CSV 1.0) or ``"json"`` (SDMX-JSON); both are read alike.
            policy: retry policy (default: from the settings).
        """
        key = self.key
        if "{freq}" in key:
            freq = freq or self.freqs[0]
            if freq not in self.freqs:
                raise ValueError(f"freq must be one of {', '.join(self.freqs)}; got {freq!r}")
            key = key.format(freq=freq)
        elif freq is not None:
            raise ValueError(f"{self.source} has no frequency option")
        vintage = vintage or dl.today()
        name = f"{self.source}.{fmt}"
        with dl.staging(self.source, vintage) as stage:
            fetch_message(
                stage,
                name,
                base=config.get(self.base_setting) or "",
                flow=self.flow,
                key=key,
                origin=self.origin,
                fmt=fmt,
                start=self.start if start is _DEFAULT else start,  # type: ignore[arg-type]
                end=end,
                policy=policy,
                pace=self.pace,
                csv_accept=self.csv_accept,
            )
        return [stage.final / name]

    def read(self, path: Path, origin: Origin) -> b.ReadResult:
        """A file of this dataflow (fetched, or downloaded by hand), SDMX-CSV or SDMX-JSON."""
        return read(path, origin, self.layout)


def _period_year(period: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(year, is_annual) from SDMX TIME_PERIOD strings."""
    p = period.str.strip()
    annual = p.str.fullmatch(r"\d{4}(-A1)?")
    year = pd.to_numeric(p.str.slice(0, 4).where(annual), errors="coerce")
    return year, annual.fillna(False)


def read_csv(path: Path, origin: Origin, layout: SdmxLayout) -> b.ReadResult:
    """SDMX-CSV -> ``country_year`` (no partner) or ``dyad_year`` rows (see :func:`read_frame`)."""
    df = b.read_csv_text(path, origin.source_id, _required(layout))
    return read_frame(df, origin, layout)


def _required(layout: SdmxLayout) -> list[str]:
    required = [layout.reporter, layout.indicator, "TIME_PERIOD", "OBS_VALUE"]
    return [*required, layout.partner] if layout.partner else required


def read_frame(df: pd.DataFrame, origin: Origin, layout: SdmxLayout) -> b.ReadResult:
    """One SDMX data message as a text table -> ``country_year`` or ``dyad_year`` rows.

    ``df`` has every field as text, one row per observation (the SDMX-CSV layout: one column
    per dimension, ``TIME_PERIOD``, ``OBS_VALUE``, attributes), index 0..n-1 = data rows.
    Rows with a partner in :data:`WORLD_CODES` become ``<indicator>_world`` in
    ``country_year`` (the reporter's total with all partners).
    """
    sid = origin.source_id
    b.check_columns(df.columns, _required(layout), sid)
    q = b.Quarantine(sid)
    report: list[pd.DataFrame] = []
    if df.empty:
        raise CorruptFileError("SDMX data message has no observations", file=sid)
    code = df[layout.indicator].str.strip()
    known = code.isin(list(layout.series))
    q.add(~known, layout.indicator, "indicator code not requested by this source", code)
    year, annual = _period_year(df["TIME_PERIOD"])
    q.add(
        ~annual,
        "TIME_PERIOD",
        "not an annual period (kept in the raw file; the warehouse holds annual data)",
        df["TIME_PERIOD"],
    )
    if layout.freq and layout.freq in df.columns:
        q.add(
            annual & (df[layout.freq].str.strip() != "A"),
            layout.freq,
            "frequency is not A",
            df[layout.freq],
        )
    value = b.to_number(df, "OBS_VALUE", q)
    q.add(
        value.isna() & df["OBS_VALUE"].str.strip().isin(b.MISSING_TOKENS),
        "OBS_VALUE",
        "no data: value missing",
    )
    for mult_col in layout.scale:
        if mult_col in df.columns:
            mult = b.to_number(df, mult_col, q, integer=True)
            value = value * np.power(10.0, mult.fillna(0.0))
            break
    for dim, wanted in layout.fixed.items():
        if dim in df.columns:
            got = df[dim].str.strip()
            q.add(got != wanted, dim, f"{dim} is not {wanted} (not loaded by this source)", got)
    rep = b.map_country(df, layout.reporter, "iso3", q, years=year, report=report)
    frame = pd.DataFrame(
        {
            "iso3_r": rep.iso3,
            "code": code,
            "year": year,
            "value": value,
            "_row": df.index,
        }
    )
    tables: dict[str, pd.DataFrame] = {}
    if layout.partner is None:
        frame = frame.drop(index=q.bad_index())
        frame["indicator"] = frame["code"].map({k: s.indicator for k, s in layout.series.items()})
        obs = frame.rename(columns={"iso3_r": "iso3"})[
            ["iso3", "year", "indicator", "value", "_row"]
        ]
        obs = b.resolve_observations(obs, ["iso3", "year", "indicator"], q)
        tables["country_year"] = obs.assign(year=lambda x: x["year"].astype("int32"))
        return b.finish(tables, len(df), q, report)
    pcode = df[layout.partner].str.strip()
    is_world = pcode.isin(WORLD_CODES)
    partner_iso = pd.Series(pd.NA, index=df.index, dtype="object")
    others = df[~is_world]
    if len(others):
        pm = b.map_country(others, layout.partner, "iso3", q, years=year[~is_world], report=report)
        partner_iso.loc[others.index] = pm.iso3
    frame["iso3_p"] = partner_iso
    frame["world"] = is_world
    frame = frame.drop(index=q.bad_index())
    orient = {k: s.reporter_is_origin for k, s in layout.series.items()}
    names = {k: s.indicator for k, s in layout.series.items()}
    frame["indicator"] = frame["code"].map(names)
    world = frame[frame["world"]]
    cy = pd.DataFrame(
        {
            "iso3": world["iso3_r"],
            "year": world["year"],
            "indicator": world["indicator"] + "_world",
            "value": world["value"],
            "_row": world["_row"],
        }
    )
    cy = b.resolve_observations(cy, ["iso3", "year", "indicator"], q)
    dy = frame[~frame["world"]]
    r_is_o = dy["code"].map(orient).astype(bool)
    dyad = pd.DataFrame(
        {
            "iso3_o": dy["iso3_r"].where(r_is_o, dy["iso3_p"]),
            "iso3_d": dy["iso3_p"].where(r_is_o, dy["iso3_r"]),
            "year": dy["year"],
            "indicator": dy["indicator"],
            "value": dy["value"],
            "_row": dy["_row"],
        }
    )
    dyad = b.resolve_observations(dyad, ["iso3_o", "iso3_d", "year", "indicator"], q)
    tables["country_year"] = cy.assign(year=lambda x: x["year"].astype("int32"))
    tables["dyad_year"] = dyad.assign(year=lambda x: x["year"].astype("int32"))
    return b.finish(tables, len(df), q, report)


# --- SDMX-JSON ---------------------------------------------------------------------------
#
# SDMX-JSON 1.0 data message (https://github.com/sdmx-twg/sdmx-json/blob/master/data-message/docs/1-sdmx-json-field-guide.md):
#   {"header": ..., "dataSets": [...], "structure": {"dimensions": ..., "attributes": ...}}
# SDMX-JSON 2.0 (https://github.com/sdmx-twg/sdmx-json/blob/develop/data-message/docs/1-sdmx-json-field-guide.md):
#   {"meta": ..., "data": {"dataSets": [{"structure": 0, ...}], "structures": [{...}]}}
# A data set holds either "series" ({"0:1:0": {"attributes": [..], "observations":
# {"3": [value, attr, ..]}}}, keys = indices into the series dimensions' values, observation
# keys = indices into the observation dimension (TIME_PERIOD)) or, when every dimension is at
# the observation level, "observations" ({"0:1:0:3": [value, attr, ..]}). Dimension or
# attribute values at the dataSet level apply to every observation. Attribute positions are
# indices into the attribute's ``values`` (null: not given).


def _fail(name: str, where: str, message: str) -> CorruptFileError:
    return CorruptFileError(message, file=name, field=where)


def _get(obj: Any, key: str, name: str, where: str, kind: type) -> Any:
    if not isinstance(obj, dict) or key not in obj:
        raise _fail(name, where, f"missing {key!r}")
    value = obj[key]
    if not isinstance(value, kind):
        raise _fail(name, f"{where}.{key}", f"expected {kind.__name__}, got {type(value).__name__}")
    return value


def _value_text(value: Any) -> str:
    if isinstance(value, dict):
        for k in ("id", "value", "name"):
            v = value.get(k)
            if isinstance(v, dict):  # localised text {"en": ...}
                v = next(iter(v.values()), None)
            if v is not None:
                return str(v)
        return ""
    return "" if value is None else str(value)


def _components(block: Any, level: str, name: str, where: str) -> list[tuple[str, list[str]]]:
    """(id, value texts) of every component at one level (dataSet, series, observation)."""
    if not isinstance(block, dict):
        raise _fail(name, where, "expected an object")
    out = []
    for i, comp in enumerate(block.get(level) or []):
        here = f"{where}.{level}[{i}]"
        cid = _get(comp, "id", name, here, str)
        values = comp.get("values") or []
        if not isinstance(values, list):
            raise _fail(name, f"{here}.values", "expected a list")
        out.append((cid, [_value_text(v) for v in values]))
    return out


def _pick(values: list[str], index: Any, name: str, where: str) -> str:
    if index is None:
        return ""
    try:
        return values[int(index)]
    except (ValueError, TypeError, IndexError) as exc:
        raise _fail(
            name, where, f"value index {index!r} out of range ({len(values)} values)"
        ) from exc


def _split_key(key: str, n: int, name: str, where: str) -> list[str]:
    parts = key.split(":") if key else []
    if len(parts) != n:
        raise _fail(name, where, f"key {key!r} has {len(parts)} positions, structure has {n}")
    return parts


def _observation(
    obs: Any,
    key: str,
    dims: list[tuple[str, list[str]]],
    attrs: list[tuple[str, list[str]]],
    name: str,
    where: str,
) -> tuple[list[str], str, list[str]]:
    """(observation-level dimension values, value text, observation attribute values)."""
    if not isinstance(obs, list) or not obs:
        raise _fail(name, where, "an observation is a non-empty list [value, attributes…]")
    value = obs[0]
    if not (value is None or isinstance(value, (int, float, str))):
        raise _fail(name, where, f"observation value {value!r} is not a number")
    pos = _split_key(key, len(dims), name, where)
    o_dims = [_pick(v, p, name, where) for (_, v), p in zip(dims, pos, strict=True)]
    o_attrs = [
        _pick(v, obs[1 + i] if 1 + i < len(obs) else None, name, where)
        for i, (_, v) in enumerate(attrs)
    ]
    return o_dims, _value_text(value), o_attrs


def parse_json(message: Any, *, name: str) -> pd.DataFrame:
    """An SDMX-JSON 1.0 or 2.0 data message -> a text table in the SDMX-CSV layout.

    One row per observation: one column per dimension (by id), ``TIME_PERIOD`` (if it is a
    dimension), ``OBS_VALUE`` (the observation's value as text, ``""`` when null) and one
    column per attribute.

    Raises:
        CorruptFileError: naming ``name`` and the JSON path of the first field that does not
            follow the format.
    """
    if not isinstance(message, dict):
        raise _fail(name, "$", "an SDMX-JSON data message is a JSON object")
    if "data" in message:  # 2.0
        data = _get(message, "data", name, "$", dict)
        sets = _get(data, "dataSets", name, "$.data", list)
        structures = _get(data, "structures", name, "$.data", list)
        root = "$.data"
    else:  # 1.0
        sets = _get(message, "dataSets", name, "$", list)
        structures = [_get(message, "structure", name, "$", dict)]
        root = "$"
    frames = []
    for n_set, ds in enumerate(sets):
        here = f"{root}.dataSets[{n_set}]"
        if not isinstance(ds, dict):
            raise _fail(name, here, "expected an object")
        s_index = ds.get("structure", 0)
        if not isinstance(s_index, int) or not 0 <= s_index < len(structures):
            raise _fail(name, f"{here}.structure", f"no structure {s_index!r}")
        st = structures[s_index]
        st_where = f"{root}.structure" if root == "$" else f"{root}.structures[{s_index}]"
        dims = _get(st, "dimensions", name, st_where, dict)
        attrs = st.get("attributes") or {}
        d_set = _components(dims, "dataSet", name, f"{st_where}.dimensions")
        d_ser = _components(dims, "series", name, f"{st_where}.dimensions")
        d_obs = _components(dims, "observation", name, f"{st_where}.dimensions")
        a_set = _components(attrs, "dataSet", name, f"{st_where}.attributes")
        a_ser = _components(attrs, "series", name, f"{st_where}.attributes")
        a_obs = _components(attrs, "observation", name, f"{st_where}.attributes")
        fixed = {cid: (vals[0] if vals else "") for cid, vals in d_set}
        set_attr_idx = ds.get("attributes") or []
        for i, (cid, vals) in enumerate(a_set):
            idx = set_attr_idx[i] if i < len(set_attr_idx) else (0 if len(vals) == 1 else None)
            fixed[cid] = _pick(vals, idx, name, f"{here}.attributes[{i}]")
        columns = (
            list(fixed)
            + [c for c, _ in d_ser]
            + [c for c, _ in d_obs]
            + ["OBS_VALUE"]
            + [c for c, _ in a_ser]
            + [c for c, _ in a_obs]
        )
        rows: list[list[str]] = []
        if "series" in ds:
            series = _get(ds, "series", name, here, dict)
            for skey, ser in series.items():
                s_where = f"{here}.series[{skey!r}]"
                pos = _split_key(skey, len(d_ser), name, s_where)
                s_dims = [_pick(v, p, name, s_where) for (_, v), p in zip(d_ser, pos, strict=True)]
                s_attr_idx = (ser.get("attributes") if isinstance(ser, dict) else None) or []
                s_attrs = [
                    _pick(v, s_attr_idx[i] if i < len(s_attr_idx) else None, name, s_where)
                    for i, (_, v) in enumerate(a_ser)
                ]
                observations = _get(ser, "observations", name, s_where, dict)
                for okey, obs in observations.items():
                    o_where = f"{s_where}.observations[{okey!r}]"
                    o_dims, value, o_attrs = _observation(obs, okey, d_obs, a_obs, name, o_where)
                    rows.append([*fixed.values(), *s_dims, *o_dims, value, *s_attrs, *o_attrs])
        else:
            observations = _get(ds, "observations", name, here, dict)
            if d_ser:
                raise _fail(name, here, "series dimensions given but the data set has no series")
            for okey, obs in observations.items():
                o_where = f"{here}.observations[{okey!r}]"
                o_dims, value, o_attrs = _observation(obs, okey, d_obs, a_obs, name, o_where)
                rows.append([*fixed.values(), *o_dims, value, *o_attrs])
        frames.append(pd.DataFrame(rows, columns=columns, dtype=object))
    if not frames:
        raise _fail(name, f"{root}.dataSets", "no data set in the message")
    out = pd.concat(frames, ignore_index=True).fillna("").astype(str)
    return out.reset_index(drop=True)


def read_json(path: Path, origin: Origin, layout: SdmxLayout) -> b.ReadResult:
    """SDMX-JSON 1.0/2.0 -> the same rows as :func:`read_csv` would give for the same data."""
    sid = origin.source_id
    if not path.is_file():
        raise MissingFileError("file not found", file=sid)
    try:
        message = json.loads(path.read_bytes())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise CorruptFileError(f"malformed JSON ({exc})", file=sid) from exc
    return read_frame(parse_json(message, name=sid), origin, layout)


def read(path: Path, origin: Origin, layout: SdmxLayout) -> b.ReadResult:
    """An SDMX data message, SDMX-JSON when it starts with ``{``, SDMX-CSV otherwise."""
    if path.is_file():
        with open(path, "rb") as fh:
            start = fh.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
        if start.startswith(b"{"):
            return read_json(path, origin, layout)
    return read_csv(path, origin, layout)
