"""OECD international tertiary students by country of origin (EDU_ENRL_MOBILE), 2013-2019.

Producer: OECD, Education at a Glance database, https://data-explorer.oecd.org/ (dataflow
EDU_ENRL_MOBILE; OECD terms, CC BY 4.0 since 2024). Format read here: CSV (gzipped in the
snapshot) with the columns renamed by the file's maker: ``COUNTRY_OF_SCHOOL`` (destination),
``COUNTRY_OF_ORIGIN``, ``YEAR`` and ``TOTAL_INTL_STUDENTS`` (international students enrolled
in tertiary education, persons).

Countries are English names ('South Korea', 'United States of America', 'Viet Nam'), mapped
with the ``name`` system of :mod:`article2.countries`; one origin name arrives as mojibake
('CuraÃ§ao') and is mapped by an override. The 40 destinations are OECD members and partners
reporting to the OECD (the United States, Japan, Korea, the EU members, …); **China is not a
destination**, so an origin's total over the file is its students in these 40 countries, not
all its students abroad.

Warehouse rows (``dyad_year``; o = country of origin, d = country of study, persons):
``intl_students``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from article2.provenance import Origin
from article2.sources import _base as b

__all__ = ["INDICATORS", "ORIGIN", "read"]

ORIGIN = Origin(
    source_id="oecd_students",
    dataset="oecd_students",
    title="Enrolment of international students by country of origin (EDU_ENRL_MOBILE), tertiary",
    producer="OECD, Education at a Glance database",
    license="OECD terms of use (OECD data CC BY 4.0 since 2024)",
    sha256="",
    citation="OECD, Education Statistics: Enrolment of international students by origin "
    "(EDU_ENRL_MOBILE).",
    url="https://data-explorer.oecd.org/",
)

COLUMNS = ("COUNTRY_OF_SCHOOL", "COUNTRY_OF_ORIGIN", "YEAR", "TOTAL_INTL_STUDENTS")

INDICATORS = {
    "intl_students": (
        "persons",
        "International tertiary students from o enrolled in d (OECD EDU_ENRL_MOBILE; "
        "40 reporting destinations, China not among them)",
        True,
    ),
}


def read(path: Path, origin: Origin) -> b.ReadResult:
    sid = origin.source_id
    df = b.read_csv_text(path, sid, COLUMNS)
    q = b.Quarantine(sid)
    report: list[pd.DataFrame] = []
    year = b.to_number(df, "YEAR", q, integer=True, nonnegative=True)
    value = b.to_number(df, "TOTAL_INTL_STUDENTS", q, nonnegative=True)
    q.add(
        value.isna() & ~df.index.isin(q.bad_index()),
        "TOTAL_INTL_STUDENTS",
        "no data: value missing",
    )
    dest = b.map_country(df, "COUNTRY_OF_SCHOOL", "name", q, years=year, report=report).iso3
    orig = b.map_country(df, "COUNTRY_OF_ORIGIN", "name", q, years=year, report=report).iso3
    frame = pd.DataFrame(
        {
            "iso3_o": orig,
            "iso3_d": dest,
            "year": year,
            "indicator": "intl_students",
            "value": value,
            "_row": df.index,
        }
    )
    frame = frame.drop(index=q.bad_index())
    b.flag_duplicates(
        df.loc[frame.index], ["COUNTRY_OF_SCHOOL", "COUNTRY_OF_ORIGIN", "YEAR"], q,
        "COUNTRY_OF_ORIGIN",
    )  # fmt: skip
    frame = frame.drop(index=q.bad_index(), errors="ignore")
    obs = b.resolve_observations(frame, ["iso3_o", "iso3_d", "year", "indicator"], q)
    obs = obs.assign(year=obs["year"].astype("int32"))
    return b.finish({"dyad_year": obs}, len(df), q, report)
