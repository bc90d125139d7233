"""DESTA (Design of Trade Agreements): the official list of treaties as country dyads.

Producer: Dür, Baccini & Elsig, https://www.designoftradeagreements.org/ (downloads page:
https://www.designoftradeagreements.org/downloads/). Endpoint: the dyadic list of treaties,
setting ``desta_url`` (``ARTICLE2_DESTA_URL``; pin the release with ``--vintage``, e.g.
``02_03``)::

    GET https://www.designoftradeagreements.org/media/filer_public/.../desta_list_of_treaties_02_03_dyads.csv

Format: CSV (Latin-1 in the published files; UTF-8 is accepted too), one row per pair of
parties of a treaty: ``number`` (the agreement version: ``3``, an accession ``3+1``, a
consolidated text ``1016a``), ``base_treaty`` (the treaty it belongs to), ``name``,
``entry_type`` (``base_treaty``, ``accession``, ``consolidated``, ...), ``typememb``,
``year`` (signature year), ``entryforceyear`` (blank: not in force), ``iso1``, ``iso2``
(ISO 3166 numeric codes of the two parties) and ``country1``, ``country2``.

Mapping to the warehouse (the tables of :mod:`article2.sources.trade_agreements`, catalogue
``desta_dyads`` so it never mixes with the manytrade ``desta`` catalogue): one
``agreements`` row per ``number`` (``agreement_id`` ``DESTA:{number}``, ``catalogue_id``
the ``base_treaty``, ``agreement_type`` the ``entry_type``, ``doc_type`` the ``typememb``,
signature and entry into force as year-precision dates) and one ``memberships`` row per
party and ``number`` (the union of ``iso1`` and ``iso2``), ``state_id`` the numeric code.

Party codes. ``iso1``/``iso2`` are ISO 3166 numeric codes, including the codes of states that
no longer exist, which ISO 3166-3 withdrew and the country table of
:mod:`article2.countries` carries with their dates: 890 Yugoslavia (YUG), 891 Serbia and
Montenegro (SCG), 200 Czechoslovakia (CSK), 810 Soviet Union (SUN), 278 German Democratic
Republic (DDR), 530 Netherlands Antilles (ANT), 720 Democratic Yemen (YMD). Codes that ISO once
gave to a state that still exists under a new code are mapped to today's code by
:data:`SPECIAL`: 280 Federal Republic of Germany (276 since 1990) -> DEU, 736 Sudan (729 since
2011) -> SDN, 886 Yemen Arab Republic -> YEM, 230 Ethiopia (231 since 1993) -> ETH; 900 is not
an ISO code and is taken as Kosovo (which has none) only when the row's country name says so.
Every special code is checked against the name DESTA writes beside it (``country1``,
``country2``): a row whose name does not fit is quarantined with both, never silently mapped.

Endpoint evidence: the release 02_03 file sits under hashed media folders,
``media/filer_public/6a/45/6a454835-eef1-44c4-8af2-5557a9552167/desta_list_of_treaties_02_03_dyads.csv``
(public download scripts that fetch DESTA's files, found through the code index; they read it
as Latin-1 with ``number`` as text). The next release will have another hashed path: set
``ARTICLE2_DESTA_URL``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from article2 import config, countries
from article2.errors import CorruptFileError, MissingColumnError
from article2.provenance import Origin
from article2.sources import _base as b
from article2.sources import answer, trade_agreements
from article2.sources import download as dl

__all__ = ["CATALOGUE", "COLUMNS", "ORIGIN", "SOURCE", "SPECIAL", "fetch", "read", "to_tables"]

SOURCE = "desta"
CATALOGUE = "desta_dyads"
#: DESTA party code -> (ISO3, pattern the row's country name must match); see the docstring.
#: Historical states with their own ISO3 (890, 891, 200, 810, 278, 530, 720) come from the
#: country table and are checked against these patterns too.
SPECIAL: dict[str, tuple[str, str]] = {
    "280": ("DEU", r"german|fed\.? ?rep|frg"),
    "736": ("SDN", r"sudan"),
    "886": ("YEM", r"yemen"),
    "230": ("ETH", r"ethiopia"),
    "900": ("XKX", r"kosovo"),
    "890": ("YUG", r"yugoslav"),
    "891": ("SCG", r"serbia|montenegro|yugoslav"),
    "200": ("CSK", r"czech"),
    "810": ("SUN", r"soviet|ussr|russia"),
    "278": ("DDR", r"german|gdr|democratic"),
    "530": ("ANT", r"antilles"),
    "720": ("YMD", r"yemen"),
}
COLUMNS = ("number", "base_treaty", "name", "entry_type", "year", "entryforceyear", "iso1", "iso2")

ORIGIN = Origin(
    source_id=SOURCE,
    dataset=SOURCE,
    title="DESTA: list of treaties (dyadic)",
    producer="Design of Trade Agreements (DESTA) project: Dür, Baccini & Elsig",
    license="DESTA terms: free for research with citation",
    sha256="",
    citation=trade_agreements.ORIGIN.citation,
    url="https://www.designoftradeagreements.org/downloads/",
)


def fetch(
    *,
    vintage: str | None = None,
    sha256: str | None = None,
    policy: dl.RetryPolicy | None = None,
    progress: dl.ProgressCallback | None = None,
) -> list[Path]:
    """Download the dyadic list of treaties as one vintage (default: the file name's release)."""
    url = config.get("desta_url") or ""
    name = url.rstrip("/").rsplit("/", 1)[-1] or "desta_dyads.csv"
    release = name.removeprefix("desta_list_of_treaties_").removesuffix(".csv")

    def check(path: Path, sid: str) -> pd.DataFrame:
        with open(path, "rb") as fh:
            answer.expect(fh.read(4096), "csv", url)
        return _read_text(path, sid)

    return dl.fetch_file(
        SOURCE,
        vintage or release.removesuffix("_dyads") or dl.today(),
        url,
        name,
        ORIGIN,
        check,
        (CorruptFileError, MissingColumnError),
        sha256=sha256,
        policy=policy,
        progress=progress,
    )


def _read_text(path: Path, sid: str) -> pd.DataFrame:
    try:
        return b.read_csv_text(path, sid, COLUMNS)
    except CorruptFileError as exc:
        if "not UTF-8" not in str(exc):
            raise
    df = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False, encoding="latin-1")
    b.check_columns(df.columns, COLUMNS, sid)
    df.index = pd.RangeIndex(len(df))
    return df


def _year_date(raw: pd.Series, q: b.Quarantine, col: str) -> tuple[pd.Series, pd.Series]:
    text = raw.str.strip().str.replace(r"\.0$", "", regex=True)
    bad = ~text.str.fullmatch(r"\d{4}") & ~text.isin(b.MISSING_TOKENS)
    q.add(bad, col, "not a year", raw)
    dates = pd.to_datetime(text.where(~bad & ~text.isin(b.MISSING_TOKENS)), format="%Y")
    precision = pd.Series(pd.NA, index=raw.index, dtype="string").where(dates.isna(), "year")
    return dates, precision


def to_tables(df: pd.DataFrame, q: b.Quarantine, report: list[pd.DataFrame]) -> dict:
    """Dyad rows (text) -> ``agreements`` and ``memberships`` rows (see the module docstring)."""
    number = df["number"].str.strip()
    q.add(number == "", "number", "missing agreement number")
    sig, sig_p = _year_date(df["year"], q, "year")
    force, force_p = _year_date(df["entryforceyear"], q, "entryforceyear")
    ids = "DESTA:" + number
    agreements = pd.DataFrame(
        {
            "agreement_id": ids,
            "catalogue": CATALOGUE,
            "treaty_id": None,
            "title": df["name"].str.strip(),
            "agreement_type": df["entry_type"].str.strip(),
            "doc_type": df["typememb"].str.strip() if "typememb" in df.columns else None,
            "geog_area": df["regioncon"].str.strip() if "regioncon" in df.columns else None,
            "begin_date": sig.fillna(force),
            "signature": sig,
            "signature_precision": sig_p,
            "force": force,
            "force_precision": force_p,
            "end_date": pd.NaT,
            "catalogue_id": df["base_treaty"].str.strip(),
            "url": None,
            "_row": df.index,
        }
    )
    # one row per agreement from the dyads whose number and years are valid (a dyad
    # quarantined later for an unknown party code does not remove its agreement)
    agreements = (
        agreements.drop(index=q.bad_index()).drop_duplicates("agreement_id").drop(columns="_row")
    )
    table = countries.country_table().dropna(subset=["un_code"])
    numeric = dict(zip(table["un_code"].astype(int).astype(str), table["iso3"], strict=True))
    numeric.update({code: iso3 for code, (iso3, _) in SPECIAL.items()})
    parts = []
    for side in ("1", "2"):
        code = df[f"iso{side}"].str.strip().str.replace(r"\.0$", "", regex=True)
        code = code.str.lstrip("0").where(code.str.strip("0") != "", code)
        iso3 = code.map(numeric)
        name_col = f"country{side}"
        if name_col in df.columns:
            names = df[name_col].str.strip()
            pattern = code.map({c: pat for c, (_, pat) in SPECIAL.items()})
            special = pattern.notna()
            fits = pd.Series(
                [
                    pat is None or pd.isna(pat) or re.search(pat, name, re.IGNORECASE) is not None
                    for pat, name in zip(pattern, names, strict=True)
                ],
                index=df.index,
            )
            misfit = special & ~fits
            q.add(
                misfit,
                f"iso{side}",
                "DESTA special code does not match the party's name (code, name)",
                code + " / " + names,
            )
            iso3 = iso3.where(~misfit)
        unknown = iso3.isna() & (code != "") & ~code.isin(list(SPECIAL))
        q.add(unknown, f"iso{side}", "unknown ISO 3166 numeric code", code)
        if unknown.any():
            counts = code[unknown].value_counts()
            report.append(
                pd.DataFrame(
                    {"system": "iso_numeric", "code": counts.index, "rows": counts.to_numpy()}
                ).assign(status="unmapped")
            )
        parts.append(
            pd.DataFrame(
                {
                    "agreement_id": ids,
                    "catalogue": CATALOGUE,
                    "iso3": iso3,
                    "state_id": code,
                    "state_name": df[name_col] if name_col in df.columns else None,
                    "signature": sig,
                    "signature_precision": sig_p,
                    "force": force,
                    "force_precision": force_p,
                    "_row": df.index,
                }
            )
        )
    members = pd.concat(parts, ignore_index=True)
    members = members.drop_duplicates(["agreement_id", "state_id"]).sort_values(
        ["agreement_id", "state_id"]
    )
    for col in ("end_date", "state_signature", "state_ratification", "state_force", "state_end"):
        members[col] = pd.NaT
    members["accession"] = pd.NaT
    return {"agreements": agreements, "memberships": members}


def read(path: Path, origin: Origin) -> b.ReadResult:
    """The dyadic list of treaties (fetched or downloaded by hand) -> agreements, memberships."""
    sid = origin.source_id
    df = _read_text(path, sid)
    q = b.Quarantine(sid)
    report: list[pd.DataFrame] = []
    tables = to_tables(df, q, report)
    return b.finish(tables, len(df), q, report)
