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
id), ``TIME_PERIOD``, ``OBS_VALUE`` and attribute columns. A ``UNIT_MULT`` (or ``SCALE``)
attribute is a power of ten applied to ``OBS_VALUE``. Annual periods are ``YYYY``; monthly
(``YYYY-MM`` or ``YYYY-Mmm``) and quarterly rows stay in the raw file and are quarantined
with that reason, since the warehouse holds annual tables.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from article2.errors import CorruptFileError
from article2.provenance import Origin
from article2.sources import _base as b
from article2.sources import download as dl

__all__ = [
    "CSV_ACCEPT",
    "WORLD_CODES",
    "SdmxLayout",
    "Series",
    "data_url",
    "fetch_csv",
    "fetch_source",
    "read_csv",
]

CSV_ACCEPT = "application/vnd.sdmx.data+csv;version=1.0.0"
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
    """

    reporter: str
    indicator: str
    series: Mapping[str, Series]
    partner: str | None = None
    freq: str | None = None

    def indicators(self) -> dict[str, tuple[str, str, bool]]:
        return {
            s.indicator: (s.unit, s.description, self.partner is not None)
            for s in self.series.values()
        }


def data_url(base: str, flow: str, key: str) -> str:
    return f"{base.rstrip('/')}/data/{flow}/{key}"


def fetch_csv(
    stage: dl.Staging,
    name: str,
    *,
    base: str,
    flow: str,
    key: str,
    origin: Origin,
    start: int | None = None,
    end: int | None = None,
    policy: dl.RetryPolicy | None = None,
) -> Path:
    """Query one SDMX-CSV data message into the staging folder and check its header."""
    url = data_url(base, flow, key)
    params = {k: v for k, v in (("startPeriod", start), ("endPeriod", end)) if v is not None}
    body = dl.get_bytes(url, params=params, headers={"Accept": CSV_ACCEPT}, policy=policy)
    head = body[:2000].decode("utf-8", "replace").lstrip("\ufeff").split("\n", 1)[0]
    if "OBS_VALUE" not in head or "TIME_PERIOD" not in head:
        raise dl.FetchError(f"not an SDMX-CSV data message (header {head[:160]!r})", url=url)
    return stage.write_bytes(
        name, body, Origin(**{**origin.to_dict(), "url": url, "columns": ()}), query=params
    )


def fetch_source(
    source: str,
    *,
    base: str,
    flow: str,
    key: str,
    origin: Origin,
    vintage: str | None = None,
    start: int | None = None,
    end: int | None = None,
    policy: dl.RetryPolicy | None = None,
) -> list[Path]:
    """Fetch one SDMX-CSV message as vintage ``vintage`` (default: today) of ``source``."""
    vintage = vintage or dl.today()
    with dl.staging(source, vintage) as stage:
        fetch_csv(
            stage,
            f"{source}.csv",
            base=base,
            flow=flow,
            key=key,
            origin=origin,
            start=start,
            end=end,
            policy=policy,
        )
    return [stage.final / f"{source}.csv"]


def _period_year(period: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(year, is_annual) from SDMX TIME_PERIOD strings."""
    p = period.str.strip()
    annual = p.str.fullmatch(r"\d{4}(-A1)?")
    year = pd.to_numeric(p.str.slice(0, 4).where(annual), errors="coerce")
    return year, annual.fillna(False)


def read_csv(path: Path, origin: Origin, layout: SdmxLayout) -> b.ReadResult:
    """SDMX-CSV -> ``country_year`` (no partner) or ``dyad_year`` rows.

    Rows with a partner in :data:`WORLD_CODES` become ``<indicator>_world`` in
    ``country_year`` (the reporter's total with all partners).
    """
    sid = origin.source_id
    required: Sequence[str] = [layout.reporter, layout.indicator, "TIME_PERIOD", "OBS_VALUE"]
    if layout.partner:
        required = [*required, layout.partner]
    df = b.read_csv_text(path, sid, required)
    q = b.Quarantine(sid)
    report: list[pd.DataFrame] = []
    if df.empty:
        raise CorruptFileError("SDMX-CSV message has no observations", file=sid)
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
    for mult_col in ("UNIT_MULT", "SCALE"):
        if mult_col in df.columns:
            mult = b.to_number(df, mult_col, q, integer=True)
            value = value * np.power(10.0, mult.fillna(0.0))
            break
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
