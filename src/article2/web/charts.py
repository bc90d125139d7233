"""Vega-Lite chart specifications for the dashboard, made with Altair (as the briefs are).

Each function takes tables already computed by :mod:`article2.web.data` and returns a Vega-Lite
spec as a dict; no I/O. Geometry is fetched by the browser from ``GEO_URL`` (the committed
world-atlas file served by the app).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from article2.web.data import ACTORS, Indicator

__all__ = ["GEO_URL", "category_map_chart", "compare_chart", "lines_chart", "map_chart"]

GEO_URL = "/geo/countries-110m.json"


def _records(frame: pd.DataFrame) -> list[dict]:
    clean = frame.astype(object).where(frame.notna(), None)
    return clean.to_dict("records")


def _world_map(values: pd.DataFrame, fields: list[str], *, no_data: str, title: str,
               **encoding) -> dict:
    """An Equal Earth world map of ``values`` (one row per country, ``id`` = ISO numeric as
    3-digit text, ``iso3``): countries without a value filled ``no_data``, the others drawn with
    ``encoding`` (Altair channels over ``fields``), each shape linking to its country page."""
    geo = alt.topo_feature(GEO_URL, "countries")
    data = values.dropna(subset=["id"]).assign(
        url=lambda f: "/country/" + f["iso3"].astype(str)
    )
    fields = [*fields, "url"]
    lookup = alt.LookupData(alt.InlineData(values=_records(data[["id", *fields]])), "id", fields)
    # the grey background layer is decoration for screen readers (aria=False): the table under
    # the map lists every value, and the value layer's shapes carry their own labels
    base = alt.Chart(geo).mark_geoshape(fill=no_data, stroke="white", strokeWidth=0.4,
                                        aria=False)
    layer = (
        alt.Chart(geo)
        .mark_geoshape(stroke="white", strokeWidth=0.4)
        .transform_lookup(lookup="id", from_=lookup)
        .transform_filter("isValid(datum.value)")
        .encode(**encoding, href="url:N")
    )
    chart = (
        (base + layer)
        .project("equalEarth")
        .properties(width="container", height=430, title=title)
    )
    return chart.to_dict()


def map_chart(values: pd.DataFrame, ind: Indicator, year: int) -> dict:
    """World map of ``values`` (columns id = ISO numeric as 3-digit text, iso3, name, value)."""
    extra = ["percentile", "n_countries"] if "percentile" in values.columns else []
    scale = (
        alt.Scale(scheme="redblue", domainMid=0)
        if ind.kind == "balance"
        else alt.Scale(scheme="blues")
    )
    return _world_map(
        values,
        ["iso3", "name", "value", *extra],
        no_data="#d9d9d9",
        title=f"{ind.label}, {year}",
        color=alt.Color("value:Q", title=ind.unit, scale=scale,
                        legend=alt.Legend(orient="bottom", gradientLength=240)),
        tooltip=[
            alt.Tooltip("name:N", title="Country"),
            alt.Tooltip("iso3:N", title="ISO3"),
            *([alt.Tooltip("percentile:Q", title="Percentile (100 = most exposed)",
                            format=".0f"),
               alt.Tooltip("n_countries:Q", title="Countries with a value")] if extra else []),
            alt.Tooltip("value:Q", title=ind.label, format=",.2f"),
        ],
    )  # fmt: skip


def lines_chart(frame: pd.DataFrame, *, title: str, unit: str, series: str = "series") -> dict:
    """Lines over time: ``frame`` has year, value and a ``series`` column naming each line."""
    chart = (
        alt.Chart(alt.InlineData(values=_records(frame[["year", "value", series]])))
        .mark_line(point=alt.OverlayMarkDef(size=12))
        .encode(
            x=alt.X("year:Q", title="Year", axis=alt.Axis(format="d")),
            y=alt.Y("value:Q", title=unit),
            color=alt.Color(f"{series}:N", title=None, legend=alt.Legend(orient="bottom")),
            tooltip=[f"{series}:N", alt.Tooltip("year:Q", format="d"),
                     alt.Tooltip("value:Q", format=",.2f")],
        )
        .properties(width="container", height=220, title=title)
    )
    # the spec is built from fixed code (tests render it in a browser): schema validation of
    # every chart would cost a third of a country page
    return chart.to_dict(validate=False)


def actor_label(actor: str) -> str:
    return ACTORS[actor].removeprefix("the ")


def compare_chart(frame: pd.DataFrame, ind: Indicator) -> dict:
    """One indicator for several countries (frame: name, year, value)."""
    return lines_chart(frame.rename(columns={"name": "country"}), title=ind.label,
                       unit=ind.unit, series="country")


def category_map_chart(
    values: pd.DataFrame, ind: Indicator, at: str, colours: dict[str, str], labels: dict[str, str]
) -> dict:
    """World map of classes (columns id, iso3, name, value = class, agreements), coloured as
    the architecture map of :mod:`article2.agreements.map` (``colours``, ``labels``)."""
    order = [k for k in colours if k != "no data"]
    return _world_map(
        values.assign(label=lambda f: f["value"].map(labels)),
        ["iso3", "name", "value", "label", "agreements"],
        no_data=colours["no data"],
        title=f"{ind.label}, {at}",
        color=alt.Color(
            "label:N",
            title=None,
            scale=alt.Scale(domain=[labels[k] for k in order],
                            range=[colours[k] for k in order]),
            legend=alt.Legend(orient="bottom", columns=1, labelLimit=330),
        ),
        tooltip=[
            alt.Tooltip("name:N", title="Country"),
            alt.Tooltip("iso3:N", title="ISO3"),
            alt.Tooltip("agreements:N", title="Agreements in force"),
            alt.Tooltip("label:N", title="Class"),
        ],
        description=alt.Description("iso3:N"),  # each shape's aria-label: its ISO3
    )  # fmt: skip
