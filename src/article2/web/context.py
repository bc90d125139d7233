"""What every router of the web app shares: the warehouse store, the indicator registry, the
templates, the response caches and gates, parameter validation and response serialisation.

:class:`Web` is built once per app by :func:`article2.web.app.create_app` and handed to each
router module (``article2.web.routers``); it holds no request state.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import functools
import io
import json
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Annotated, Any, Literal

import pandas as pd
from fastapi import Query
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel
from starlette.requests import Request

from article2 import paths
from article2.web import capabilities
from article2.web.data import AGREEMENT_FIRST_YEAR, Indicator, Store, registry
from article2.web.limits import Gate, Limits, ResponseCache
from article2.web.page_store import PageStore

__all__ = ["ApiError", "ErrorBody", "FormatQ", "Web", "dumps", "records", "table_body"]

_HERE = Path(__file__).parent
Format = Literal["json", "csv"]
FormatQ = Annotated[Format, Query(description="json (default) or csv")]
MAX_COMPARE = 8
DEFAULT_INDICATOR = "balance_usajpn_chn"
#: plausible years: outside them a year parameter is invalid (422); inside them, a year the data
#: do not cover is "no data" (404)
YEAR_MIN, YEAR_MAX = 1800, 2100
LAST_DAY = dt.date(2100, 12, 31)


class ApiError(Exception):
    """A request the app refuses, with its HTTP status and a message for the client."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class ErrorBody(BaseModel):
    """Every error answer: a message for the client (what was wrong, what is allowed)."""

    error: str


def dumps(obj: Any) -> bytes:
    """JSON bytes: NaN/NaT become null (standard JSON), numpy scalars and dates are handled."""
    import orjson

    return orjson.dumps(obj, default=_json_default,
                        option=orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS)


def _json_default(v: Any) -> Any:
    if v is pd.NA or v is pd.NaT:
        return None
    if hasattr(v, "item"):
        return v.item()
    return str(v)


def _jsonable(v: Any) -> Any:
    if v is None:
        return None
    if isinstance(v, float) and v != v:  # NaN
        return None
    if v is pd.NA or v is pd.NaT:
        return None
    if hasattr(v, "item"):
        v = v.item()
        if isinstance(v, float) and v != v:
            return None
    return v


def records(frame: pd.DataFrame) -> list[dict]:
    """The rows of ``frame`` as JSON-ready dicts (NaN and NA as None)."""
    return [{k: _jsonable(v) for k, v in row.items()} for row in frame.to_dict("records")]


def table_body(frame: pd.DataFrame, fmt: str, filename: str, meta: dict) -> tuple:
    """(body bytes, media type, headers) of a table download: CSV, or JSON ``{**meta, rows}``."""
    if fmt == "csv":
        buf = io.StringIO()
        frame.to_csv(buf, index=False)
        return (buf.getvalue().encode(), "text/csv; charset=utf-8",
                {"Content-Disposition": f'attachment; filename="{filename}.csv"'})
    return dumps({**meta, "rows": records(frame)}), "application/json", {}


def response(triple: tuple) -> Response:
    """The response of a ``(body, media type, headers)`` triple."""
    body, media, headers = triple
    return Response(body, media_type=media, headers=headers)


def fmt_kind(value: Any, kind: str) -> str:
    """A channel value for people: ``usd`` in millions (1 decimal), ``pct`` with 2 decimals,
    ``persons`` whole; None as a dash."""
    if value is None or (isinstance(value, float) and value != value):
        return "–"
    if kind == "usd":
        return f"{value / 1e6:,.1f}"
    if kind == "pct":
        return f"{value:,.2f}"
    return f"{value:,.0f}"


def fmt_number(value: Any, digits: int = 2) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "–"
    if isinstance(value, float):
        if abs(value) >= 1e6:
            return f"{value:,.0f}"
        return f"{value:,.{digits}f}"
    return str(value)


#: cache name -> (entries, share of the cache memory)
_CACHES = {"profile": (1024, 0.15), "country": (512, 0.1), "map": (512, 0.35),
           "page": (1024, 0.15), "table": (1024, 0.1), "brief": (64, 0.15)}


class Web:
    """The state every router shares (see the module docstring)."""

    def __init__(self, warehouse_path: Path | None, limits: Limits) -> None:
        self.warehouse_path = warehouse_path
        self.limits = limits
        self.store = Store(warehouse_path)
        self.reg = registry()
        self.iso3_keys = frozenset(self.store.countries()["iso3"])
        self.templates = Jinja2Templates(directory=str(_HERE / "templates"))
        self.templates.env.autoescape = True  # every dashboard template is HTML: escape all data
        self.templates.env.filters["num"] = fmt_number
        self.templates.env.filters["kind"] = fmt_kind
        self.prepared = 0  # country pages prepared by the start-up warming
        self.pages: PageStore | None = None  # pages kept on disk (set when the app warms)
        self.compute = Gate("computations", limits.compute_slots, limits.queue, limits.queue_wait)
        self.pdf = Gate("PDF renders", limits.pdf_slots, min(limits.queue, 4), limits.queue_wait)
        budget = limits.cache_mb * 2**20
        # serialised bodies of the expensive, repeatable requests (see ResponseCache)
        self.caches = {
            name: ResponseCache(size, int(budget * share),
                                self.pdf if name == "brief" else self.compute)
            for name, (size, share) in _CACHES.items()
        }

    # -- computing --------------------------------------------------------------------------------

    async def cached(self, cache: str, key: Hashable, compute: Callable[[], Any]) -> Any:
        """``compute()``'s value for ``key`` from cache ``cache``, computed at most once at a
        time through the cache's gate, waited for at most the request time limit."""
        return await self.caches[cache].get(key, compute, timeout=self.limits.time_limit)

    async def cached_forever(self, cache: str, key: Hashable, compute: Callable[[], Any]) -> Any:
        """As :meth:`cached` without the request time limit (start-up warming)."""
        return await self.caches[cache].get(key, compute)

    def profile(self, key: str) -> Any:
        """The :class:`article2.profiles.Profile` of country ``key`` (latest years); 404 when
        profiles are not in this build."""
        try:
            return self.cap_call("profile", key, year=None)
        except capabilities.NotInBuild as exc:
            raise ApiError(404, str(exc)) from exc

    def cap_call(self, *args: Any, **kwargs: Any) -> Any:
        """A capability of article2.api, reading the warehouse this app serves."""
        with paths.using_warehouse(self.warehouse_path):
            return capabilities.call(*args, **kwargs)

    def capability(self, name: str, key: str) -> Any:
        """A capability's result for country ``key``, JSON-ready; 404 when not in the build."""
        try:
            result = self.cap_call(name, key)
        except capabilities.NotInBuild as exc:
            raise ApiError(404, str(exc)) from exc
        if isinstance(result, pd.DataFrame):
            return records(result)
        if hasattr(result, "__dataclass_fields__"):
            return json.loads(json.dumps(dataclasses.asdict(result), default=str))
        return json.loads(json.dumps(result, default=str))

    # -- validation -------------------------------------------------------------------------------

    def check_iso3(self, iso3: str) -> str:
        key = iso3.strip().upper()
        if key not in self.iso3_keys:
            raise ApiError(404, f"unknown country {iso3!r}: not an ISO3 key of the countries "
                                "table (see /api/countries)")
        return key

    def check_indicator(self, name: str) -> Indicator:
        if name not in self.reg:
            raise ApiError(422, f"unknown indicator {name!r}; allowed: {', '.join(self.reg)}")
        return self.reg[name]

    def check_year(self, ind: Indicator, year: int | None) -> int:
        """``year`` (default: the latest covered); 404 when the indicator does not cover it."""
        years = self.store.available_years(ind.name)
        if year is None:
            return years[-1]
        if year not in years:
            raise ApiError(
                404, f"year {year} not covered by {ind.name}: available years are "
                f"{years[0]}-{years[-1]}" + ("" if len(years) == years[-1] - years[0] + 1
                                              else f" ({len(years)} years)"),
            )
        return year

    def check_series(self, ind: Indicator) -> Indicator:
        if not ind.has_series:
            raise ApiError(422, f"{ind.name} is a map layer (all countries, one "
                                f"{'date' if ind.categorical else 'year'} at a time): use "
                                f"/api/map/{ind.name}")
        return ind

    def check_at(self, at: str | dt.date | None, year: int | None) -> str:
        """An ISO date for the agreement layers: ``at``, else 31 December of ``year``, else
        today. 422 when ``at`` is not a date; 404 when it is outside the agreement data."""
        if at is None:
            if year is None:
                return dt.date.today().isoformat()
            at = f"{year}-12-31"
        if isinstance(at, dt.date):
            day = at
        else:
            try:
                day = dt.date.fromisoformat(at.strip())
            except ValueError:
                raise ApiError(422, f"at={at!r} is not a date: give YYYY-MM-DD") from None
        if not dt.date(AGREEMENT_FIRST_YEAR, 1, 1) <= day <= LAST_DAY:
            raise ApiError(404, f"at={day.isoformat()!r} is outside the agreement data: "
                                f"{AGREEMENT_FIRST_YEAR}-01-01 to {LAST_DAY.isoformat()}")
        return day.isoformat()

    def resolve_country(self, text: str) -> str:
        """The ISO3 key of ``text``: a key (any case), a country's name (any case) or what the
        country picker shows, ``Name (ISO3)``; 404 naming what was given otherwise."""
        t = text.strip()
        if t.endswith(")") and "(" in t:
            t = t[t.rindex("(") + 1:-1].strip()
        if t.upper() in self.iso3_keys:
            return t.upper()
        key = self._names.get(t.casefold())
        if key is None:
            raise ApiError(404, f"unknown country {text!r}: give an ISO3 key or a country's name "
                                "(see /api/countries)")
        return key

    @functools.cached_property
    def _names(self) -> dict[str, str]:
        table = self.store.countries()
        return {str(n).casefold(): k for k, n in zip(table["iso3"], table["name"], strict=True)
                if isinstance(n, str)}

    @functools.cached_property
    def country_options(self) -> list[dict[str, str]]:
        """Every country as the pickers offer it: ``{"iso3", "name", "label"}``, by name."""
        table = self.store.countries()[["iso3", "name"]].dropna()
        table = table.sort_values("name", key=lambda s: s.str.casefold())
        return [{"iso3": k, "name": n, "label": f"{n} ({k})"}
                for k, n in zip(table["iso3"], table["name"], strict=True)]

    def check_compare(self, iso3s: list[str]) -> list[str]:
        """The countries asked: each value an ISO3 key, a name or a comma list of them
        (``?iso3=VNM,MMR`` is ``?iso3=VNM&iso3=MMR``); duplicates dropped, order kept."""
        tokens = [t for v in iso3s for t in v.split(",") if t.strip()]
        keys = list(dict.fromkeys(self.resolve_country(t) for t in tokens))
        if not keys:
            raise ApiError(422, "give at least one country: ?iso3=JPN,KOR or ?iso3=JPN&iso3=KOR")
        if len(keys) > MAX_COMPARE:
            raise ApiError(422, f"at most {MAX_COMPARE} countries can be compared")
        return keys

    # -- frames -----------------------------------------------------------------------------------

    @functools.cached_property
    def _change_dates(self) -> tuple[str, ...]:
        with paths.using_warehouse(self.warehouse_path):
            from article2 import api

            return api.architecture_dates()

    def map_day(self, day: str) -> str:
        """The date whose map equals the map at ``day`` (ISO): the latest date on or before it
        on which some class can change (:func:`article2.api.architecture_dates`), so that
        distinct dates between two changes cost one computation."""
        dates = self._change_dates
        i = bisect.bisect_right(dates, day)
        return dates[i - 1] if i else f"{AGREEMENT_FIRST_YEAR}-01-01"

    def map_values(self, ind: Indicator, year: int, at: str | None = None) -> pd.DataFrame:
        if ind.categorical:
            day = at or f"{year}-12-31"
            frame = self.store.classification(ind.actor or "", self.map_day(day)).assign(at=day)
        else:
            frame = self.store.indicator_values(ind.name, year).copy()
        codes = self.store.countries().set_index("iso3")["un_code"]
        ids = frame["iso3"].map(codes)
        frame.insert(0, "id", [None if pd.isna(c) else f"{int(c):03d}" for c in ids])
        return frame

    def series_frame(self, iso3: str, ind: Indicator) -> pd.DataFrame:
        frame = self.store.country_series(self.check_series(ind).name, iso3).copy()
        frame.insert(1, "indicator", ind.name)
        return frame

    def compare_frame(self, keys: list[str], ind: Indicator) -> pd.DataFrame:
        names = self.store.countries().set_index("iso3")["name"]
        parts = [self.series_frame(k, ind) for k in keys]
        frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
        frame.insert(1, "name", frame["iso3"].map(names))
        return frame

    def indicator_meta(self, ind: Indicator) -> dict:
        years = self.store.available_years(ind.name)
        return {
            "name": ind.name, "label": ind.label, "unit": ind.unit,
            "description": ind.description, "sources": list(ind.sources),
            "warehouse_indicators": list(ind.warehouse_indicators),
            "year_min": years[0], "year_max": years[-1], "years": list(years),
        }  # fmt: skip

    # -- pages ------------------------------------------------------------------------------------

    def page(self, request: Request, name: str, **context: Any) -> HTMLResponse:
        return self.templates.TemplateResponse(
            request, name, {"nav": name, "registry": self.reg,
                            "country_options": self.country_options, **context}
        )

    def render(self, name: str, **context: Any) -> bytes:
        """A page rendered to bytes (cacheable: it does not depend on the request)."""
        return self.templates.get_template(name).render(
            {"nav": name, "registry": self.reg, "country_options": self.country_options,
             **context}).encode()
