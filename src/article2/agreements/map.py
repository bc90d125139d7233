"""The report's map: a world choropleth of :func:`~article2.agreements.queries.classify`.

Geometry: Natural Earth 1:110m countries from the ``world-atlas`` npm package, committed in
``article2/data/geo/`` (world-atlas 2.0.2; licence and origin in its README); nothing is downloaded at run time.
Rendering: Altair (Vega-Lite) to SVG or PNG with ``vl-convert``.
"""

from __future__ import annotations

import importlib.resources
import json
from functools import cache
from pathlib import Path

import pandas as pd

__all__ = ["COLOURS", "LABELS", "chart", "map_countries", "render", "topology_ids"]

#: fill colour per class (the report's map: signatory / WTO member / neither)
COLOURS = {
    "actor": "#1f3b73",
    "agreement": "#3a87c8",
    "wto_member": "#a9cfe8",
    "neither": "#f0a35e",
    "no data": "#d9d9d9",
}
LABELS = {
    "actor": "the actor",
    "agreement": "trade agreement in force with the actor",
    "wto_member": "no agreement, WTO member",
    "neither": "no agreement, not a WTO member",
    "no data": "no data",
}


@cache
def _topology() -> dict:
    path = importlib.resources.files("article2") / "data" / "geo" / "countries-110m.json"
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def topology_ids() -> pd.DataFrame:
    """Features of the committed geometry: numeric id, Natural Earth name, ISO3."""
    import country_converter as cc

    geoms = _topology()["objects"]["countries"]["geometries"]
    ids = [g.get("id") for g in geoms]
    names = [g["properties"]["name"] for g in geoms]
    conv = cc.CountryConverter()
    iso3 = [
        conv.convert(int(i), src="ISOnumeric", to="ISO3", not_found=None) if i else None
        for i in ids
    ]
    return pd.DataFrame({"id": ids, "name": names, "iso3": iso3})


def map_countries() -> list[str]:
    """ISO3 codes the map classifies: UN members plus TWN, HKG, MAC (WTO members) and XKX.

    Other features (Greenland, Western Sahara, Puerto Rico, Antarctica, ...) are drawn as
    "no data": they are territories, not parties to trade agreements in their own right.
    """
    import country_converter as cc

    un = cc.CountryConverter().data
    members = set(un[un.UNmember.notna()].ISO3)
    return sorted(members | {"TWN", "HKG", "MAC", "XKX"})


def chart(classification: pd.DataFrame, *, title: str, width: int = 900):
    """An Altair chart of a classification table (iso3, class)."""
    import altair as alt

    feats = topology_ids().merge(classification[["iso3", "class"]], on="iso3", how="left")
    feats["class"] = feats["class"].fillna("no data")
    feats["label"] = feats["class"].map(LABELS)
    values = feats[["id", "iso3", "name", "class", "label"]].to_dict("records")
    order = list(COLOURS)
    topo = alt.Data(values=_topology(), format=alt.DataFormat(type="topojson", feature="countries"))
    # Antarctica is left out of the map
    return (
        alt.Chart(topo, title=title)
        .mark_geoshape(stroke="white", strokeWidth=0.3)
        .transform_lookup(
            lookup="id",
            from_=alt.LookupData(alt.Data(values=values), "id", ["iso3", "name", "class", "label"]),
        )
        .transform_filter("datum.id != '010'")
        .transform_calculate(klass="datum['class'] ? datum['class'] : 'no data'")
        .encode(
            color=alt.Color(
                "klass:N",
                scale=alt.Scale(domain=order, range=[COLOURS[k] for k in order]),
                legend=alt.Legend(
                    title=None,
                    orient="bottom",
                    labelExpr=_label_expr(),
                    columns=3,
                    labelLimit=400,
                ),
            ),
            tooltip=["iso3:N", "name:N", "klass:N"],
            description=alt.Description("iso3:N"),
        )
        .project("equalEarth")
        .properties(width=width, height=int(width * 0.5))
    )


def _label_expr() -> str:
    parts = " : ".join(f"datum.label == '{k}' ? '{v}'" for k, v in LABELS.items())
    return f"{parts} : datum.label"


def render(classification: pd.DataFrame, out: Path, *, title: str) -> Path:
    """Render the map to ``out`` (``.svg`` or ``.png``, chosen by the suffix)."""
    import vl_convert as vlc

    spec = chart(classification, title=title).to_json()
    out = Path(out)
    if out.suffix == ".svg":
        out.write_text(vlc.vegalite_to_svg(spec), encoding="utf-8")
    elif out.suffix == ".png":
        out.write_bytes(vlc.vegalite_to_png(spec, scale=2))
    else:
        raise ValueError(f"map file must end in .svg or .png, not {out.suffix!r}")
    return out
