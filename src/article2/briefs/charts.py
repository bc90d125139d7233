"""The brief's charts: Altair specifications rendered offline to SVG with vl-convert.

Colours are the Okabe-Ito palette (distinguishable with the common colour-vision
deficiencies); lines also differ by dash so that no chart relies on colour alone. Each chart
function takes the tables of a :class:`~article2.briefs.assemble.BriefData` and returns an
Altair chart; :func:`to_svg` renders it without a browser or network access.
"""

from __future__ import annotations

import functools
import json
import re
from importlib import resources

import altair as alt
import pandas as pd

__all__ = [
    "ACTOR_COLOURS",
    "balance_chart",
    "exposure_chart",
    "locator_map_svg",
    "panel_bars",
    "partner_lines",
    "series_lines",
    "safe_svg",
    "to_svg",
    "trade_share_chart",
]

#: Okabe-Ito colours per actor
ACTOR_COLOURS = {
    "USA": "#0072B2",
    "JPN": "#D55E00",
    "CHN": "#CC79A7",
    "EU": "#009E73",
    "USA+JPN": "#000000",
}
#: how a chart names each actor
ACTOR_LABELS = {
    "USA": "United States",
    "JPN": "Japan",
    "CHN": "China",
    "EU": "EU",
    "USA+JPN": "U.S. + Japan",
}
_DASHES = {"USA": [1, 0], "JPN": [6, 3], "CHN": [1, 0], "EU": [2, 2], "USA+JPN": [8, 2, 2, 2]}
_FONT = "DejaVu Sans"


def _theme(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    return (
        chart.configure(font=_FONT)
        .configure_view(stroke=None)
        .configure_axis(labelFontSize=10, titleFontSize=10, grid=True, gridColor="#e5e5e5")
        .configure_legend(labelFontSize=10, titleFontSize=10, orient="bottom")
    )


def trade_share_chart(
    trade: pd.DataFrame, name: str, since: int | None = None
) -> alt.TopLevelMixin:
    """Each actor's share of the country's imports and exports over time (two panels); with
    ``since``, a dashed rule marks the first year of the country as it is today (the years
    before it are a predecessor's, see :func:`article2.briefs.sections.historical_years`)."""
    codes = list(ACTOR_COLOURS)
    actors = [ACTOR_LABELS[a] for a in codes]
    data = trade.assign(share_pct=trade["share"] * 100.0, actor=trade["actor"].map(ACTOR_LABELS))
    data = data[["year", "flow", "actor", "share_pct"]]
    base = (
        alt.Chart(data)
        .mark_line(strokeWidth=2)
        .encode(
            x=alt.X("year:Q", title=None, axis=alt.Axis(format="d", tickMinStep=1)),
            y=alt.Y("share_pct:Q", title="% of total"),
            color=alt.Color(
                "actor:N",
                title="Partner",
                sort=actors,
                scale=alt.Scale(domain=actors, range=[ACTOR_COLOURS[a] for a in codes]),
            ),
            strokeDash=alt.StrokeDash(
                "actor:N",
                title="Partner",
                sort=actors,
                scale=alt.Scale(domain=actors, range=[_DASHES[a] for a in codes]),
            ),
        )
    )
    layers = []
    for flow in ("imports", "exports"):
        panel = base.transform_filter(alt.datum.flow == flow)
        if since is not None:
            mark = pd.DataFrame({"year": [since], "label": [f"{since}: one state"]})
            rule = alt.Chart(mark).mark_rule(strokeDash=[4, 3], color="#555").encode(x="year:Q")
            text = (
                alt.Chart(mark)
                .mark_text(align="left", dx=3, dy=-4, fontSize=9, color="#555")
                .encode(x="year:Q", y=alt.value(0), text="label:N")
            )
            panel = alt.layer(panel, rule, text)
        layers.append(panel.properties(width=230, height=170, title=f"Share of {name}'s {flow}"))
    return _theme(alt.hconcat(*layers))


def balance_chart(trade: pd.DataFrame, name: str) -> alt.TopLevelMixin:
    """The allies' combined share minus China's share, in percentage points, per year."""
    wide = trade.pivot_table(index=["year", "flow"], columns="actor", values="share",
                             dropna=False).reset_index()  # fmt: skip
    wide = wide.reindex(columns=[*wide.columns.drop(["USA+JPN", "CHN"], errors="ignore"),
                                 "USA+JPN", "CHN"])  # fmt: skip
    # China's brief: China is not its own partner, so there is no balance to show
    wide["balance"] = (wide["USA+JPN"] - wide["CHN"]) * 100.0
    wide = wide.dropna(subset=["balance"])
    wide["leader"] = wide["balance"].map(
        lambda b: "U.S. + Japan ahead" if b >= 0 else "China ahead"
    )
    panels = [
        alt.Chart(wide[wide["flow"] == flow])
        .mark_bar()
        .encode(
            x=alt.X(
                "year:O",
                title=None,
                axis=alt.Axis(
                    labelAngle=0,
                    values=[y for y in wide["year"] if (wide["year"].max() - y) % 5 == 0],
                ),
            ),
            y=alt.Y("balance:Q", title="percentage points"),
            color=alt.Color(
                "leader:N",
                title=None,
                scale=alt.Scale(
                    domain=["U.S. + Japan ahead", "China ahead"],
                    range=[ACTOR_COLOURS["USA"], ACTOR_COLOURS["CHN"]],
                ),
            ),
        )
        .properties(width=230, height=150, title=f"{flow.capitalize()}: U.S. + Japan minus China")
        for flow in ("imports", "exports")
    ]
    return _theme(alt.hconcat(*panels))


def exposure_chart(exposure: pd.DataFrame) -> alt.TopLevelMixin:
    """Percentile of each exposure measure among the countries with data (100 = most exposed)."""
    data = exposure[["label", "percentile"]]
    bars = (
        alt.Chart(data)
        .mark_bar(color=ACTOR_COLOURS["CHN"])
        .encode(
            x=alt.X(
                "percentile:Q",
                title="percentile among countries with data (higher = more exposed)",
                scale=alt.Scale(domain=[0, 100]),
            ),
            y=alt.Y("label:N", title=None, sort=None, axis=alt.Axis(labelLimit=340)),
        )
    )
    rule = (
        alt.Chart(pd.DataFrame({"x": [50]}))
        .mark_rule(strokeDash=[3, 3], color="#555")
        .encode(x="x:Q")
    )
    return _theme((bars + rule).properties(width=260, height=25 * max(len(data), 1)))


@functools.cache
def _topology() -> dict:
    text = resources.files("article2").joinpath("data/geo/countries-110m.json").read_text()
    return json.loads(text)


_TITLE_MARK = "LOCATION-OF-COUNTRY"
_GREY = "#cfcfcf"


@functools.cache
def _world_svg() -> str:
    """The world map rendered once, each country filled with a colour that encodes its ISO
    numeric id (``#a00`` + id), so that a highlight is a string substitution."""
    chart = (
        alt.Chart(alt.NamedData(name="world"))
        .transform_calculate(fill=f"datum.id ? '#a00' + datum.id : '{_GREY}'")
        .mark_geoshape(stroke="white", strokeWidth=0.3, aria=False)
        .encode(color=alt.Color("fill:N", scale=None))
        .project(type="equalEarth")
        .properties(width=300, height=150, title=_TITLE_MARK)
    )
    spec = _theme(chart).to_dict(validate=False)
    spec["data"] = {"values": _topology(), "format": {"type": "topojson", "feature": "countries"}}
    return to_svg(spec)


def locator_map_svg(un_code: int | None, name: str) -> str:
    """A small world map (Equal Earth) with the country highlighted, as SVG.

    The map is drawn once per process; the country's fill is then set by substitution.
    """
    import html

    svg = _world_svg()
    if un_code is not None:
        svg = svg.replace(f'fill="#a00{un_code:03d}"', f'fill="{ACTOR_COLOURS["JPN"]}"')
    svg = re.sub(r'fill="#a00\d{3}"', f'fill="{_GREY}"', svg)
    return svg.replace(_TITLE_MARK, html.escape(f"Location of {name}"))


def to_svg(chart: alt.TopLevelMixin | dict) -> str:
    """Render a chart (or a Vega-Lite dict) to an SVG string, offline with vl-convert."""
    import vl_convert as vlc

    spec = chart if isinstance(chart, dict) else chart.to_dict(validate=False)
    svg = vlc.vegalite_to_svg(spec, vl_version="5.20")
    return svg[svg.find("<svg") :] if "<svg" in svg else svg


#: SVG elements a chart drawn by vl-convert may contain; anything else (script, foreignObject,
#: iframe, use, image, a, animate...) means the SVG is not ours and it is refused
_SVG_ELEMENTS = frozenset(
    {
        "svg",
        "g",
        "path",
        "rect",
        "line",
        "circle",
        "ellipse",
        "polygon",
        "polyline",
        "text",
        "tspan",
        "title",
        "desc",
        "defs",
        "clipPath",
        "linearGradient",
        "radialGradient",
        "stop",
        "style",
    }
)


class UnsafeSvgError(ValueError):
    """An SVG holds something other than drawing elements."""


def safe_svg(svg: str):
    """``svg`` marked safe for an autoescaped HTML template, after checking that it is made of
    drawing elements only: no element outside :data:`_SVG_ELEMENTS`, no ``on*`` event
    attribute, no link (``href``) other than to a fragment of the same document.

    vl-convert (Vega's SVG renderer) escapes every text and attribute value it writes, so data
    in titles and labels stays text; this check is the guard should that ever not hold.

    Raises:
        UnsafeSvgError: naming the first element or attribute refused.
    """
    import xml.etree.ElementTree as ET

    from markupsafe import Markup

    try:
        root = ET.fromstring(svg)
    except ET.ParseError as exc:
        raise UnsafeSvgError(f"chart SVG is not well-formed XML: {exc}") from exc
    for el in root.iter():
        tag = el.tag.rsplit("}", 1)[-1] if isinstance(el.tag, str) else str(el.tag)
        if tag not in _SVG_ELEMENTS:
            raise UnsafeSvgError(f"chart SVG contains a <{tag}> element")
        for name, value in el.attrib.items():
            local = name.rsplit("}", 1)[-1].lower()
            if local.startswith("on"):
                raise UnsafeSvgError(f"chart SVG <{tag}> has an event attribute {local}")
            if local == "href" and not value.startswith("#"):
                raise UnsafeSvgError(f"chart SVG <{tag}> links to {value[:60]!r}")
            if "url(" in value and not re.search(r"url\(\s*['\"]?#", value):
                raise UnsafeSvgError(f"chart SVG <{tag}> refers to an outside url() in {local}")
    return Markup(svg)


def _year_axis(years: pd.Series) -> alt.Axis:
    """An axis with a tick at each year with data (no year without data, no label overlap)."""
    values = sorted({int(y) for y in years}, reverse=True)
    gap = (values[0] - values[-1]) / 5 if values else 0
    kept: list[int] = []
    for y in values:  # from the latest year back, ticks at least a fifth of the span apart
        if not kept or kept[-1] - y >= gap:
            kept.append(y)
    return alt.Axis(format="d", values=sorted(kept), labelOverlap="greedy")


_PARTNER_COLOURS = {
    "United States": ACTOR_COLOURS["USA"],
    "Japan": ACTOR_COLOURS["JPN"],
    "EU members": ACTOR_COLOURS["EU"],
    "Korea": "#E69F00",
    "China": ACTOR_COLOURS["CHN"],
}


def panel_bars(frame: pd.DataFrame, *, y_title: str, scale: float = 1e-6) -> alt.TopLevelMixin:
    """One bar chart per ``panel`` of ``value`` (times ``scale``) by ``year``, each panel on its
    own axis (the panels measure different things and are not to be added); a panel named
    ``"<partner>: ..."`` takes the partner's colour."""
    data = frame.assign(v=frame["value"] * scale)[["panel", "year", "v"]]
    panels = [
        alt.Chart(data[data["panel"] == p])
        .mark_bar(color=_PARTNER_COLOURS.get(str(p).split(":")[0], "#555555"))
        .encode(
            x=alt.X(
                "year:O",
                title=None,
                axis=alt.Axis(
                    labelAngle=0, values=[int(y) for y in data["year"] if int(y) % 5 == 0]
                ),
            ),
            y=alt.Y("v:Q", title=y_title),
        )
        .properties(width=230, height=150, title=str(p))
        for p in dict.fromkeys(data["panel"])
    ]
    return _theme(alt.hconcat(*panels))


def series_lines(frame: pd.DataFrame, *, y_title: str, scale: float = 1.0) -> alt.TopLevelMixin:
    """One line per ``series`` of ``value`` (times ``scale``) by ``year``."""
    data = frame.assign(v=frame["value"] * scale)[["series", "year", "v"]]
    names = list(dict.fromkeys(data["series"]))
    return _theme(
        alt.Chart(data)
        .mark_line(strokeWidth=2, point=True)
        .encode(
            x=alt.X("year:Q", title=None, axis=_year_axis(data["year"])),
            y=alt.Y("v:Q", title=y_title),
            color=alt.Color(
                "series:N",
                title=None,
                sort=names,
                scale=alt.Scale(domain=names, range=["#0072B2", "#D55E00"]),
            ),
            strokeDash=alt.StrokeDash(
                "series:N",
                title=None,
                sort=names,
                scale=alt.Scale(domain=names, range=[[1, 0], [6, 3]]),
            ),
        )  # fmt: skip
        .properties(width=480, height=170)
    )


def partner_lines(frame: pd.DataFrame, *, y_title: str, scale: float = 1.0) -> alt.TopLevelMixin:
    """One panel per ``panel``, one line per partner (``series``) of ``value`` (times
    ``scale``) by ``year``."""
    data = frame.assign(v=frame["value"] * scale)[["panel", "series", "year", "v"]]
    names = [n for n in _PARTNER_COLOURS if n in set(data["series"])]
    dashes = {"United States": [1, 0], "Japan": [6, 3], "EU members": [2, 2], "Korea": [8, 2, 2, 2],
              "China": [1, 0]}  # fmt: skip
    panels = [
        alt.Chart(data[data["panel"] == p])
        .mark_line(strokeWidth=2, point=True)
        .encode(
            x=alt.X("year:Q", title=None, axis=_year_axis(data.loc[data["panel"] == p, "year"])),
            y=alt.Y("v:Q", title=y_title),
            color=alt.Color(
                "series:N",
                title="Partner",
                sort=names,
                scale=alt.Scale(domain=names, range=[_PARTNER_COLOURS[n] for n in names]),
            ),
            strokeDash=alt.StrokeDash(
                "series:N",
                title="Partner",
                sort=names,
                scale=alt.Scale(domain=names, range=[dashes[n] for n in names]),
            ),
        )  # fmt: skip
        .properties(width=230, height=160, title=str(p))
        for p in dict.fromkeys(data["panel"])
    ]
    return _theme(alt.hconcat(*panels))
