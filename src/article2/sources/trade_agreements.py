"""Trade agreements and their members: DESTA, GPTAD and HUGGO via manytrade.

Producers: DESTA (Dür, Baccini & Elsig, https://www.designoftradeagreements.org/), the World
Bank's Global Preferential Trade Agreements Database (GPTAD) and the HUGGO dataset, harmonised
by the globalgov ``manytrade`` R package (https://github.com/globalgov/manytrade).
Formats read here: CSVs ``desta``, ``gptad``, ``huggo`` (agreements: manyID, treatyID, Title,
Begin, Signature, Force, ...) and ``*_mem`` (memberships: manyID, treatyID, stateID, StateName,
Signature, Force, ...). Dates are ``YYYY-MM-DD`` or year-only ``YYYY`` (precision kept).
Member ids are manystates codes (mostly ISO3); blocs such as EC or EFTA are kept with no ISO3.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from article2.provenance import Origin
from article2.sources import _base as b

__all__ = ["ORIGIN", "read"]

ORIGIN = Origin(
    source_id="trade_agreements",
    dataset="trade_agreements",
    title="manytrade: DESTA, GPTAD and HUGGO agreements and memberships",
    producer="globalgov manytrade (DESTA: Dür, Baccini & Elsig; GPTAD: World Bank; HUGGO)",
    license="CC BY 4.0",
    sha256="",
    citation="Dür, A., Baccini, L. and Elsig, M. (2014). The Design of International Trade "
    "Agreements: Introducing a New Dataset. Review of International Organizations 9(3).",
    url="https://github.com/globalgov/manytrade",
)

AGREEMENT_COLS = ("manyID", "treatyID", "Title", "Begin", "Signature", "Force")
MEMBER_COLS = ("manyID", "treatyID", "stateID", "StateName", "Signature", "Force")


def read(path: Path, origin: Origin) -> b.ReadResult:
    stem = path.name.split(".")[0]
    catalogue = stem.removesuffix("_mem")
    if catalogue not in ("desta", "gptad", "huggo"):
        raise ValueError(f"{origin.source_id}: unknown catalogue {catalogue!r}")
    if stem.endswith("_mem"):
        return _memberships(path, origin.source_id, catalogue)
    return _agreements(path, origin.source_id, catalogue)


def _dates(df: pd.DataFrame, col: str, q: b.Quarantine) -> tuple[pd.Series, pd.Series]:
    if col not in df.columns:
        return pd.Series(pd.NaT, index=df.index), pd.Series(pd.NA, index=df.index, dtype="string")
    dates, precision = b.parse_dates(df[col])
    bad = dates.isna() & precision.isna() & ~df[col].str.strip().isin(b.MISSING_TOKENS)
    q.add(bad, col, "not a date (YYYY-MM-DD or YYYY)", df[col])
    return dates, precision


def _agreements(path: Path, sid: str, catalogue: str) -> b.ReadResult:
    df = b.read_csv_text(path, sid, AGREEMENT_COLS)
    q = b.Quarantine(sid)
    begin, _ = _dates(df, "Begin", q)
    sig, sig_p = _dates(df, "Signature", q)
    force, force_p = _dates(df, "Force", q)
    end, _ = _dates(df, "End", q)
    q.add(df["manyID"].str.strip() == "", "manyID", "missing agreement id")
    ext = next((c for c in ("destaID", "gptadID") if c in df.columns), None)

    def col(name: str) -> pd.Series:
        s = df[name].str.strip() if name in df.columns else pd.Series("", index=df.index)
        return s.where(s != "", None)

    url = col("url")
    if url is not None:
        url = url.str.strip('"')
    out = pd.DataFrame(
        {
            "agreement_id": df["manyID"].str.strip(),
            "catalogue": catalogue,
            "treaty_id": col("treatyID"),
            "title": df["Title"],
            "agreement_type": col("AgreementType"),
            "doc_type": col("DocType"),
            "geog_area": col("GeogArea"),
            "begin_date": begin,
            "signature": sig,
            "signature_precision": sig_p,
            "force": force,
            "force_precision": force_p,
            "end_date": end,
            "catalogue_id": col(ext) if ext else None,
            "url": url,
            "_row": df.index,
        }
    )
    b.flag_duplicates(out.drop(index=q.bad_index()), ["agreement_id"], q, "manyID")
    return b.finish({"agreements": out}, len(df), q, [])


def _memberships(path: Path, sid: str, catalogue: str) -> b.ReadResult:
    df = b.read_csv_text(path, sid, MEMBER_COLS)
    q = b.Quarantine(sid)
    report: list[pd.DataFrame] = []
    sig, sig_p = _dates(df, "Signature", q)
    force, force_p = _dates(df, "Force", q)
    end, _ = _dates(df, "End", q)
    extra = {
        c: _dates(df, c, q)[0]
        for c in ("StateSignature", "StateRatification", "StateForce", "StateEnd", "Accession")
    }
    state = df["stateID"].str.strip()
    by_id = b.map_country(
        df.assign(stateID=state),
        "stateID",
        "manystates",
        b.Quarantine(sid),
        years=force.dt.year,
        quarantine_aggregates=False,
    )
    no_id = state == ""
    # rows without a state id are identified by their name
    by_name = b.map_country(df, "StateName", "name", b.Quarantine(sid), quarantine_aggregates=False)
    iso3 = by_id.iso3.where(~no_id, by_name.iso3)
    status = by_id.status.where(~no_id, by_name.status)
    code = state.where(~no_id, df["StateName"].str.strip())
    system = pd.Series("manystates", index=df.index).where(~no_id, "name")
    q.add(status == "unmapped", "stateID", "unknown member code (manystates id or name)", code)
    q.add(df["manyID"].str.strip() == "", "manyID", "missing agreement id")
    for s in ("unmapped", "aggregate"):
        sel = status == s
        if sel.any():
            counts = pd.DataFrame({"system": system[sel], "code": code[sel]}).value_counts()
            report.append(counts.rename("rows").reset_index().assign(status=s))
    out = pd.DataFrame(
        {
            "agreement_id": df["manyID"].str.strip(),
            "catalogue": catalogue,
            "iso3": iso3,
            "state_id": code,
            "state_name": df["StateName"],
            "signature": sig,
            "signature_precision": sig_p,
            "force": force,
            "force_precision": force_p,
            "end_date": end,
            "state_signature": extra["StateSignature"],
            "state_ratification": extra["StateRatification"],
            "state_force": extra["StateForce"],
            "state_end": extra["StateEnd"],
            "accession": extra["Accession"],
            "_row": df.index,
        }
    )
    # a state can appear more than once per agreement (later protocols, accessions): the key
    # includes the dates
    b.flag_duplicates(
        out.drop(index=q.bad_index()),
        ["agreement_id", "state_id", "signature", "force"],
        q,
        "stateID",
    )
    return b.finish({"memberships": out}, len(df), q, report)
