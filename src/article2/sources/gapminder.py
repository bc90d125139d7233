"""Gapminder fast-track indicators (DDF datapackage).

Producer: Gapminder Foundation, https://www.gapminder.org/data/ ; repository
open-numbers/ddf--gapminder--fasttrack. Format read here: DDF datapoint CSVs named
``ddf--datapoints--<concept>--by--country--time.csv`` with columns ``country`` (Gapminder geo
id, mostly lower-case ISO3), ``time`` (year) and ``<concept>``; and the ``datapackage.json``
descriptor (resources with their schema). Values after the latest observed year are
Gapminder's projections (GDP per capita and population run to 2100).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd

from article2.errors import CorruptFileError, MissingFileError
from article2.provenance import Origin
from article2.sources import _base as b

__all__ = ["INDICATORS", "ORIGIN", "read"]

ORIGIN = Origin(
    source_id="gapminder",
    dataset="gapminder",
    title="Gapminder fast-track indicators",
    producer="Gapminder Foundation",
    license="CC BY 4.0",
    sha256="",
    citation="Gapminder Foundation, fasttrack dataset (open-numbers/ddf--gapminder--fasttrack).",
    url="https://github.com/open-numbers/ddf--gapminder--fasttrack",
)

#: concept -> (indicator, unit, description)
CONCEPTS = {
    "gdp_pcap": (
        "gm_gdp_pcap",
        "PPP constant 2021 international $",
        "GDP per capita (Gapminder; projections after the latest observed year)",
    ),
    "pop": ("gm_pop", "persons", "Population (Gapminder/UN WPP; projections to 2100)"),
    "corruption_perception_index_cpi": (
        "gm_cpi",
        "score 0-100 (100 = very clean)",
        "Corruption Perceptions Index (Transparency International)",
    ),
    "demox_eiu": ("gm_democracy_eiu", "score 0-100", "Democracy index (EIU)"),
    "freedix_fh": ("gm_freedom_fh", "score", "Freedom index (Freedom House, Gapminder scale)"),
}
INDICATORS = {ind: (unit, desc, False) for ind, unit, desc in CONCEPTS.values()}

_PATTERN = re.compile(r"ddf--datapoints--(?P<concept>.+)--by--country--time\.csv")


def read(path: Path, origin: Origin) -> b.ReadResult:
    if path.name == "datapackage.json":
        return _datapackage(path, origin.source_id)
    match = _PATTERN.fullmatch(path.name)
    if not match or match["concept"] not in CONCEPTS:
        raise ValueError(
            f"{origin.source_id}: not a known Gapminder datapoints file; "
            f"known concepts: {', '.join(CONCEPTS)}"
        )
    return _datapoints(path, origin.source_id, match["concept"])


def _datapoints(path: Path, sid: str, concept: str) -> b.ReadResult:
    indicator = CONCEPTS[concept][0]
    df = b.read_csv_text(path, sid, ("country", "time", concept))
    q = b.Quarantine(sid)
    report: list[pd.DataFrame] = []
    year = b.to_number(df, "time", q, integer=True)
    value = b.to_number(df, concept, q)
    q.add(value.isna() & ~df.index.isin(q.bad_index()), concept, "no data: value missing")
    iso = b.map_country(df, "country", "gapminder", q, years=year, report=report).iso3
    frame = pd.DataFrame(
        {"iso3": iso, "year": year, "indicator": indicator, "value": value, "_row": df.index}
    ).drop(index=q.bad_index())
    b.flag_duplicates(frame, ["iso3", "year"], q, "country")
    frame["year"] = frame["year"].astype("int32")
    return b.finish({"country_year": frame}, len(df), q, report)


def _datapackage(path: Path, sid: str) -> b.ReadResult:
    if not path.is_file():
        raise MissingFileError("file not found in the snapshot", file=sid)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise CorruptFileError(f"not valid JSON ({exc})", file=sid) from exc
    resources = data.get("resources")
    if not isinstance(resources, list):
        raise CorruptFileError(
            "no 'resources' list in the datapackage", file=sid, field="resources"
        )
    q = b.Quarantine(sid)
    rows = []
    for i, res in enumerate(resources):
        schema = res.get("schema") or {}
        pk = schema.get("primaryKey")
        fields = [f.get("name") for f in schema.get("fields", []) if isinstance(f, dict)]
        rows.append(
            {
                "resource": res.get("name"),
                "path": res.get("path"),
                "primary_key": ",".join(pk) if isinstance(pk, list) else pk,
                "fields": ",".join(str(f) for f in fields),
                "_row": i,
            }
        )
    out = pd.DataFrame(rows, columns=["resource", "path", "primary_key", "fields", "_row"])
    q.add(out["path"].isna(), "path", "resource without a path")
    return b.finish({"gapminder_resources": out}, len(resources), q, [])
