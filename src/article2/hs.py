"""The Harmonized System's sections and chapters, to make HS6 product codes readable.

An HS6 code's first two digits are its chapter; each chapter belongs to one of the 21 sections.
Titles come from the World Customs Organization's Harmonized Commodity Description and Coding
System, 2022 edition (section and chapter titles; long titles abridged), committed in
``data/hs/sections.tsv`` and ``data/hs/chapters.tsv``. Chapter 77 is reserved; chapters 98-99
are for national use and have no title here.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pandas as pd

__all__ = ["CITATION", "chapters"]

CITATION = (
    "World Customs Organization, Harmonized Commodity Description and Coding System, "
    "2022 edition: section and chapter titles (abridged)."
)

_DATA = Path(__file__).parent / "data" / "hs"


@functools.cache
def _chapters() -> pd.DataFrame:
    sections = pd.read_csv(_DATA / "sections.tsv", sep="\t", dtype={"roman": str, "name": str})
    chapters = pd.read_csv(_DATA / "chapters.tsv", sep="\t", dtype=str)
    number = chapters["chapter"].astype(int)
    idx = [
        int(sections.index[(sections["first_chapter"] <= n) & (sections["last_chapter"] >= n)][0])
        for n in number
    ]
    sec = sections.iloc[idx].reset_index(drop=True)
    return pd.DataFrame(
        {
            "chapter": chapters["chapter"],
            "chapter_name": chapters["name"],
            "section": sec["roman"],
            "section_name": sec["name"],
        }
    )


def chapters() -> pd.DataFrame:
    """One row per HS chapter: ``chapter`` ("01".."97", str), ``chapter_name``, ``section``
    (roman numeral, str) and ``section_name``. A fresh copy on every call."""
    return _chapters().copy()
